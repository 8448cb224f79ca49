/* Comments storage and rules: every SQL statement of the comments feature, the
 * Markdown-lite renderer, duplicate detection and the write paths shared by the
 * pages and the JSON API. */
#include "features/comments/comments.h"
#include "features/search/search.h"
#include "features/insight/insight.h"
#include "features/accounts/accounts.h"
#include "features/moderation/moderation.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "http/ratelimit.h"
#include "web/html.h"
#include <cmark.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

/* ---- targets ---- */

#define MAX_TARGETS 8
static const struct comment_target *targets[MAX_TARGETS];
static int ntargets;

void comments_register_target(const struct comment_target *t)
{
	for (int i = 0; i < ntargets; i++)
		if (!strcmp(targets[i]->type, t->type))
			return;
	if (ntargets < MAX_TARGETS)
		targets[ntargets++] = t;
}

bool comments_target(store *s, arena *a, const char *type, int64_t id, const struct principal *who,
		     struct comment_target_info *out)
{
	memset(out, 0, sizeof *out);
	for (int i = 0; type && i < ntargets; i++)
		if (!strcmp(targets[i]->type, type))
			return id > 0 && targets[i]->resolve(s, a, id, who, out);
	return false;
}

/* ---- text ---- */

/* The normalised form of body for duplicate detection: NFKC, case-folded, runs
 * of white space to one space, trimmed. Arena-owned; NULL on bad UTF-8. */
static char *normalise(arena *a, const char *body)
{
	utf8proc_uint8_t *folded = NULL;
	if (utf8proc_map((const utf8proc_uint8_t *)body, 0, &folded, UTF8PROC_NULLTERM | UTF8PROC_STABLE |
			 UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD) < 0)
		return NULL;
	size_t n = strlen((char *)folded);
	char *out = arena_alloc(a, n + 1), *w = out;
	bool space = false;
	for (const char *p = (const char *)folded; *p; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v') {
			space = w != out;
			continue;
		}
		if (space)
			*w++ = ' ';
		space = false;
		*w++ = *p;
	}
	*w = 0;
	free(folded);
	return out;
}

static bool safe_url(const char *url)
{
	return url && (!strncasecmp(url, "http://", 7) || !strncasecmp(url, "https://", 8) ||
		       !strncasecmp(url, "mailto:", 7));
}

/* Markdown-lite: cmark parses the text (safe mode); only emphasis, strong,
 * inline code, links and line breaks are rendered, every other construct
 * becomes plain text in paragraphs. Every character goes through the escaping
 * writer. malloc'd; NULL on bad input. */
static char *lite_render(const char *md)
{
	size_t n = strlen(md);
	cmark_node *doc = cmark_parse_document(md, n, CMARK_OPT_SAFE | CMARK_OPT_VALIDATE_UTF8);
	if (!doc)
		return NULL;
	strbuf sb = STRBUF_INIT;
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	int in_link = 0;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		bool enter = ev == CMARK_EVENT_ENTER;
		switch (cmark_node_get_type(node)) {
		case CMARK_NODE_PARAGRAPH:
		case CMARK_NODE_HEADING:
			sb_puts(&sb, enter ? "<p>" : "</p>");
			break;
		case CMARK_NODE_CODE_BLOCK:
		case CMARK_NODE_HTML_BLOCK: {
			/* shown as text, line by line */
			const char *lit = cmark_node_get_literal(node);
			sb_puts(&sb, "<p>");
			while (lit && *lit) {
				const char *nl = strchr(lit, '\n');
				size_t k = nl ? (size_t)(nl - lit) : strlen(lit);
				char *line = strndup(lit, k);
				h_text(&sb, line);
				free(line);
				lit = nl ? nl + 1 : NULL;
				if (lit && *lit)
					sb_puts(&sb, "<br>");
			}
			sb_puts(&sb, "</p>");
			break;
		}
		case CMARK_NODE_TEXT:
		case CMARK_NODE_HTML_INLINE:
			h_text(&sb, cmark_node_get_literal(node));
			break;
		case CMARK_NODE_CODE:
			sb_puts(&sb, "<code>");
			h_text(&sb, cmark_node_get_literal(node));
			sb_puts(&sb, "</code>");
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			sb_puts(&sb, "<br>");
			break;
		case CMARK_NODE_EMPH:
			sb_puts(&sb, enter ? "<em>" : "</em>");
			break;
		case CMARK_NODE_STRONG:
			sb_puts(&sb, enter ? "<strong>" : "</strong>");
			break;
		case CMARK_NODE_LINK: {
			const char *url = cmark_node_get_url(node);
			if (!safe_url(url) || (enter && in_link))
				break;
			if (enter) {
				in_link = 1;
				sb_puts(&sb, "<a rel=\"nofollow ugc noopener\" href=\"");
				h_attr(&sb, url);
				sb_puts(&sb, "\">");
			} else if (in_link) {
				in_link = 0;
				sb_puts(&sb, "</a>");
			}
			break;
		}
		default: /* documents, lists, quotes, images (their text only), rules */
			break;
		}
	}
	cmark_iter_free(it);
	cmark_node_free(doc);
	return sb_detach(&sb);
}

/* Validates body; on success *html (arena) and *hash are set. false with the key. */
static bool check_text(arena *a, const char *body, const char **html, char hash[65], const char **key)
{
	size_t bytes = body ? strlen(body) : 0;
	if (!body || !utf8_valid_text(body, bytes)) {
		*key = "comments.bad_text";
		return false;
	}
	if (utf8_length(body) > COMMENT_MAX_CHARS) {
		*key = "comments.too_long";
		return false;
	}
	char *norm = normalise(a, body);
	if (!norm) {
		*key = "comments.bad_text";
		return false;
	}
	if (!*norm) {
		*key = "comments.empty";
		return false;
	}
	char *h = lite_render(body);
	if (!h) {
		*key = "comments.bad_text";
		return false;
	}
	*html = arena_strdup(a, h);
	free(h);
	hash_hex(hash, norm, strlen(norm));
	return true;
}

/* ---- reading ---- */

#define COLS "id, target_type, target_id, parent_id, root_id, depth, author_id, author_name, body, body_html," \
	     " official, hidden, deleted, score, ups, downs, reply_count, thread_count, created_at, edited_at"

static void read_row(store_stmt *st, arena *a, struct comment *c)
{
	memset(c, 0, sizeof *c);
	c->id = store_int(st, 0);
	c->target_type = arena_strdup(a, store_text(st, 1));
	c->target_id = store_int(st, 2);
	c->parent_id = store_int(st, 3);
	c->root_id = store_int(st, 4);
	c->depth = (int)store_int(st, 5);
	c->author_id = store_int(st, 6);
	c->author_name = arena_strdup(a, store_text(st, 7));
	c->body = arena_strdup(a, store_text(st, 8));
	c->body_html = arena_strdup(a, store_text(st, 9));
	c->official = store_int(st, 10);
	c->hidden = store_int(st, 11);
	c->deleted = store_int(st, 12);
	c->score = store_int(st, 13);
	c->ups = store_int(st, 14);
	c->downs = store_int(st, 15);
	c->reply_count = store_int(st, 16);
	c->thread_count = store_int(st, 17);
	c->created_at = store_int(st, 18);
	c->edited_at = store_int(st, 19);
	if (c->deleted)
		c->body = c->body_html = "";
}

bool comment_get(store *s, arena *a, int64_t id, struct comment *c)
{
	store_stmt *st = store_prepare(s, "SELECT " COLS " FROM comments WHERE id = ?");
	if (!st)
		return false;
	store_bind_int(st, 1, id);
	bool found = store_step(st) == STORE_ROW;
	if (found)
		read_row(st, a, c);
	store_done(st);
	return found;
}

static int read_rows(store_stmt *st, arena *a, int limit, struct comment **out)
{
	struct comment *cs = arena_alloc(a, sizeof *cs * (size_t)(limit > 0 ? limit : 1));
	int n = 0, rc = STORE_DONE;
	while (n < limit && (rc = store_step(st)) == STORE_ROW)
		read_row(st, a, &cs[n++]);
	store_done(st);
	*out = cs;
	return rc == STORE_ERROR ? -1 : n;
}

const char *comment_cursor(arena *a, enum comment_sort sort, const struct comment *c)
{
	if (sort == COMMENT_TOP)
		return arena_printf(a, "%lld_%lld", (long long)c->score, (long long)c->id);
	return arena_printf(a, "%lld", (long long)c->id);
}

int comment_list(store *s, arena *a, const char *type, int64_t target_id, enum comment_sort sort,
		 const char *cursor, int limit, int64_t viewer_id, struct comment **out)
{
	/* One bound each, on the columns of the index that follow the equalities,
	 * so that SQLite seeks straight to the cursor (see posts' list). */
	static const char newest[] = "SELECT " COLS " FROM comments WHERE target_type = ? AND target_id = ?"
				     " AND parent_id = 0 AND id < ? AND (hidden = 0 OR author_id = ?) ORDER BY id DESC LIMIT ?";
	static const char oldest[] = "SELECT " COLS " FROM comments WHERE target_type = ? AND target_id = ?"
				     " AND parent_id = 0 AND id > ? AND (hidden = 0 OR author_id = ?) ORDER BY id ASC LIMIT ?";
	static const char top[] = "SELECT " COLS " FROM comments WHERE target_type = ? AND target_id = ?"
				  " AND parent_id = 0 AND (score, id) < (?, ?) AND (hidden = 0 OR author_id = ?)"
				  " ORDER BY score DESC, id DESC LIMIT ?";
	long long cs = INT64_MAX, ci = sort == COMMENT_OLDEST ? 0 : INT64_MAX;
	if (cursor && *cursor) {
		int used = 0;
		if (sort == COMMENT_TOP) {
			if (sscanf(cursor, "%lld_%lld%n", &cs, &ci, &used) != 2 || cursor[used] || ci <= 0)
				return -1;
		} else if (sscanf(cursor, "%lld%n", &ci, &used) != 1 || cursor[used] || ci <= 0) {
			return -1;
		}
	}
	if (limit < 1 || limit > 100)
		limit = COMMENT_PAGE;
	store_stmt *st = store_prepare(s, sort == COMMENT_TOP ? top : sort == COMMENT_OLDEST ? oldest : newest);
	if (!st)
		return -1;
	int i = 1;
	store_bind_text(st, i++, type);
	store_bind_int(st, i++, target_id);
	if (sort == COMMENT_TOP)
		store_bind_int(st, i++, cs);
	store_bind_int(st, i++, ci);
	store_bind_int(st, i++, viewer_id);
	store_bind_int(st, i++, limit);
	return read_rows(st, a, limit, out);
}

int comment_thread(store *s, arena *a, int64_t root_id, int64_t after, int limit, int64_t viewer_id,
		   struct comment **out)
{
	store_stmt *st = store_prepare(s, "SELECT " COLS " FROM comments WHERE root_id = ? AND id > ?"
					  " AND (hidden = 0 OR author_id = ?) ORDER BY id LIMIT ?");
	if (!st)
		return -1;
	if (limit < 1 || limit > 200)
		limit = 50;
	store_bind_int(st, 1, root_id);
	store_bind_int(st, 2, after);
	store_bind_int(st, 3, viewer_id);
	store_bind_int(st, 4, limit);
	return read_rows(st, a, limit, out);
}

int comment_replies(store *s, arena *a, int64_t parent_id, int64_t after, int limit, int64_t viewer_id,
		    struct comment **out)
{
	struct comment p;
	if (!comment_get(s, a, parent_id, &p)) {
		*out = NULL;
		return 0;
	}
	store_stmt *st = store_prepare(s, "SELECT " COLS " FROM comments WHERE target_type = ? AND target_id = ?"
					  " AND parent_id = ? AND id > ? AND (hidden = 0 OR author_id = ?) ORDER BY id LIMIT ?");
	if (!st)
		return -1;
	if (limit < 1 || limit > 200)
		limit = 50;
	store_bind_text(st, 1, p.target_type);
	store_bind_int(st, 2, p.target_id);
	store_bind_int(st, 3, parent_id);
	store_bind_int(st, 4, after);
	store_bind_int(st, 5, viewer_id);
	store_bind_int(st, 6, limit);
	return read_rows(st, a, limit, out);
}

void comment_my_vote(store *s, int64_t user_id, struct comment *c)
{
	c->my_vote = user_id ? (int)store_scalar(s, 0, "SELECT value FROM comment_votes WHERE comment_id = ? AND user_id = ?",
						 "ii", c->id, user_id) : 0;
}

int64_t comment_count(store *s, const char *type, int64_t target_id)
{
	return store_scalar(s, 0, "SELECT n FROM comment_counts WHERE target_type = ? AND target_id = ?", "ti", type, target_id);
}

/* ---- writing ---- */

static bool count_add(store *s, const char *type, int64_t target_id, int64_t delta);

static void fail(struct comment_result *res, int status, const char *key, const char *field)
{
	res->status = status;
	res->key = key;
	res->field = field;
}

/* "max/window" from a setting, or the defaults. */
/* Takes one event from the per-account and per-IP limits of kind ("comment",
 * "vote"); false with a 429 result when either is spent. */
static bool rate_ok(store *s, arena *a, const char *kind, int64_t user_id, const char *ip, struct comment_result *res)
{
	bool vote = !strcmp(kind, "vote");
	int am = vote ? 60 : 10, aw = vote ? 60 : 600, im = vote ? 300 : 30, iw = vote ? 60 : 600, retry = 0;
	setting_rate(s, vote ? "comment_vote_rate_account" : "comment_rate_account", &am, &aw);
	setting_rate(s, vote ? "comment_vote_rate_ip" : "comment_rate_ip", &im, &iw);
	if (!ratelimit_take(arena_printf(a, "%s-acct:%lld", kind, (long long)user_id), am, aw, &retry) ||
	    !ratelimit_take(arena_printf(a, "%s-ip:%s", kind, ip ? ip : "-"), im, iw, &retry)) {
		fail(res, 429, vote ? "comments.vote_rate_limited" : "comments.rate_limited", NULL);
		res->retry_after = retry > 0 ? retry : 60;
		return false;
	}
	return true;
}

/* True when p holds a staff role in dept (or is a site admin). */
static bool staff_of(const struct principal *p, int64_t dept)
{
	if (!p)
		return false;
	if (p->site_admin)
		return true;
	for (int i = 0; dept && i < p->ngrants; i++)
		if (p->grants[i].role != ROLE_NONE && (p->grants[i].dept_id == dept || p->grants[i].dept_id == ALL_DEPTS))
			return true;
	return false;
}

/* The target of c must be visible and open to who; and who may participate. */
static bool may_act(store *s, arena *a, const struct principal *who, const char *type, int64_t target_id,
		    struct comment_target_info *t, struct comment_result *res)
{
	if (!comments_target(s, a, type, target_id, who, t) || !t->visible) {
		fail(res, 404, "comments.unknown_target", "target_id");
		return false;
	}
	const char *why = NULL;
	if (!who) {
		fail(res, 401, "error.login_required", NULL);
		return false;
	}
	if (!account_may_participate(s, who->user_id, false, &why)) {
		fail(res, 403, why ? why : "error.forbidden", NULL);
		return false;
	}
	if (!t->open) {
		fail(res, 403, t->closed_key ? t->closed_key : "comments.closed", NULL);
		return false;
	}
	return true;
}

/* Flags every comment of the last hour with this text when enough accounts wrote it. */
static void spam_check(store *s, const char *hash, int64_t now, int64_t norm_chars)
{
	if (norm_chars < COMMENT_SPAM_MIN_CHARS)
		return;
	int64_t authors = store_scalar(s, 0, "SELECT count(DISTINCT author_id) FROM comments WHERE norm_hash = ?"
					     " AND created_at > ? AND deleted = 0", "ti", hash, now - COMMENT_SPAM_WINDOW);
	if (authors < COMMENT_SPAM_ACCOUNTS)
		return;
	int64_t ids[50];
	int n = 0;
	store_stmt *st = store_prepare(s, "SELECT id FROM comments WHERE norm_hash = ? AND created_at > ? AND deleted = 0"
					  " ORDER BY created_at DESC LIMIT 50");
	if (!st)
		return;
	store_bind_text(st, 1, hash);
	store_bind_int(st, 2, now - COMMENT_SPAM_WINDOW);
	while (n < 50 && store_step(st) == STORE_ROW)
		ids[n++] = store_int(st, 0);
	store_done(st);
	char note[96];
	snprintf(note, sizeof note, "same text from %lld accounts within an hour", (long long)authors);
	for (int i = 0; i < n; i++) {
		bool hidden;
		enum flag_result fr = moderation_flag(s, "comment", ids[i], 0, "spam", note, &hidden);
		if (fr == FLAG_ERROR)
			log_error("comments: cannot flag comment %lld as spam", (long long)ids[i]);
	}
}

/* Puts a comment in the search index while anonymous readers may see it (its
 * target visible, the comment neither deleted nor hidden); removes it
 * otherwise. Inside the caller's transaction. */
static bool comment_reindex(store *s, int64_t id)
{
	arena *a = arena_new();
	struct comment c;
	struct comment_target_info t;
	bool ok;
	if (!comment_get(s, a, id, &c) || c.deleted || c.hidden ||
	    !comments_target(s, a, c.target_type, c.target_id, NULL, &t) || !t.visible) {
		ok = search_remove(s, "comment", id);
	} else {
		struct search_doc d = {.type = "comment", .id = c.id, .dept_id = t.dept_id, .visibility = SEARCH_PUBLIC,
				       .title = t.title, .body = c.body, .url = arena_printf(a, "/comments/%lld", (long long)c.id),
				       .at = c.created_at};
		ok = search_put(s, &d);
	}
	arena_free(a);
	return ok;
}

bool comment_create(store *s, arena *a, const struct principal *who, const char *ip, const char *type,
		    int64_t target_id, int64_t parent_id, const char *body, struct comment *out,
		    struct comment_result *res)
{
	memset(res, 0, sizeof *res);
	struct comment_target_info t;
	if (!may_act(s, a, who, type, target_id, &t, res))
		return false;
	const char *html;
	char hash[65];
	const char *key;
	if (!check_text(a, body, &html, hash, &key)) {
		fail(res, 422, key, "body");
		return false;
	}
	struct comment parent = {0};
	int depth = 1;
	int64_t root = 0;
	if (parent_id) {
		if (!comment_get(s, a, parent_id, &parent) || strcmp(parent.target_type, type) ||
		    parent.target_id != target_id || (parent.hidden && parent.author_id != who->user_id)) {
			fail(res, 404, "comments.unknown_parent", "parent_id");
			return false;
		}
		if (parent.depth >= COMMENT_MAX_DEPTH) {
			fail(res, 422, "comments.too_deep", "parent_id");
			return false;
		}
		if (parent.deleted) {
			fail(res, 422, "comments.parent_deleted", "parent_id");
			return false;
		}
		depth = parent.depth + 1;
		root = parent.root_id ? parent.root_id : parent.id;
	}
	if (!rate_ok(s, a, "comment", who->user_id, ip, res))
		return false;
	int64_t now = now_s();
	if (store_scalar(s, 0, "SELECT count(*) FROM comments WHERE norm_hash = ? AND created_at > ? AND author_id = ?"
			       " AND deleted = 0", "tii", hash, now - COMMENT_DUP_WINDOW, who->user_id) > 0) {
		fail(res, 422, "comments.duplicate", "body");
		return false;
	}
	bool official = staff_of(who, t.dept_id);
	if (!store_begin(s)) {
		fail(res, 503, "error.unavailable", NULL);
		return false;
	}
	int64_t id = store_scalar(s, -1,
		"INSERT INTO comments(target_type, target_id, parent_id, root_id, depth, author_id, author_name, body,"
		" body_html, norm_hash, official, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
		"tiiiiittttii", type, target_id, parent_id, root, (int64_t)depth, who->user_id,
		who->name ? who->name : "", body, html, hash, (int64_t)official, now);
	bool ok = id > 0 && count_add(s, type, target_id, 1);
	if (ok && parent_id)
		ok = store_run(s, "UPDATE comments SET reply_count = reply_count + 1 WHERE id = ?", "i", parent_id) == 1 &&
		     store_run(s, "UPDATE comments SET thread_count = thread_count + 1 WHERE id = ?", "i", root) == 1;
	ok = ok && comment_reindex(s, id);
	if (ok && !official) { /* citizens' words feed public-opinion reading; staff answers do not */
		struct insight_msg m = {.source = "comment", .source_id = id, .dept_id = t.dept_id, .channel = "web",
					.text = body, .url = arena_printf(a, "/comments/%lld", (long long)id), .at = now};
		ok = insight_record(s, &m);
	}
	if (!ok || !store_commit(s)) {
		store_rollback(s);
		fail(res, 503, "error.unavailable", NULL);
		return false;
	}
	char *norm = normalise(a, body);
	spam_check(s, hash, now, norm ? (int64_t)utf8_length(norm) : 0);
	comment_get(s, a, id, out);
	res->status = 201;
	return true;
}

/* Moves the visible-comment count of a target by delta (inside a transaction). */
static bool count_add(store *s, const char *type, int64_t target_id, int64_t delta)
{
	return store_run(s, "INSERT INTO comment_counts(target_type, target_id, n) VALUES (?, ?, ?)"
			    " ON CONFLICT (target_type, target_id) DO UPDATE SET n = n + excluded.n", "tii", type, target_id, delta) == 1;
}

/* Loads id and checks that who wrote it. */
static bool own(store *s, arena *a, const struct principal *who, int64_t id, struct comment *c, struct comment_result *res)
{
	if (!id || !comment_get(s, a, id, c) || (c->hidden && (!who || c->author_id != who->user_id))) {
		fail(res, 404, "error.not_found", NULL);
		return false;
	}
	if (!who) {
		fail(res, 401, "error.login_required", NULL);
		return false;
	}
	if (c->author_id != who->user_id) {
		fail(res, 403, "comments.not_yours", NULL);
		return false;
	}
	if (c->deleted) {
		fail(res, 409, "comments.deleted", NULL);
		return false;
	}
	return true;
}

bool comment_edit(store *s, arena *a, const struct principal *who, int64_t id, const char *body,
		  struct comment *out, struct comment_result *res)
{
	memset(res, 0, sizeof *res);
	struct comment c;
	if (!own(s, a, who, id, &c, res))
		return false;
	if (c.hidden) {
		fail(res, 409, "comments.hidden_no_edit", NULL);
		return false;
	}
	int64_t now = now_s();
	if (now - c.created_at > COMMENT_EDIT_WINDOW) {
		fail(res, 409, "comments.edit_window", NULL);
		return false;
	}
	struct comment_target_info t;
	if (!may_act(s, a, who, c.target_type, c.target_id, &t, res))
		return false;
	const char *html, *key;
	char hash[65];
	if (!check_text(a, body, &html, hash, &key)) {
		fail(res, 422, key, "body");
		return false;
	}
	if (!store_begin(s)) {
		fail(res, 503, "error.unavailable", NULL);
		return false;
	}
	if (store_run(s, "UPDATE comments SET body = ?, body_html = ?, norm_hash = ?, edited_at = ? WHERE id = ? AND deleted = 0",
		      "tttii", body, html, hash, now, id) != 1 || !comment_reindex(s, id) || !store_commit(s)) {
		store_rollback(s);
		fail(res, 503, "error.unavailable", NULL);
		return false;
	}
	comment_get(s, a, id, out);
	res->status = 200;
	return true;
}

bool comment_delete(store *s, arena *a, const struct principal *who, int64_t id, struct comment_result *res)
{
	memset(res, 0, sizeof *res);
	struct comment c;
	if (!own(s, a, who, id, &c, res))
		return false;
	if (!store_begin(s)) {
		fail(res, 503, "error.unavailable", NULL);
		return false;
	}
	if (store_run(s, "UPDATE comments SET deleted = 1, body = '', body_html = '', norm_hash = '' WHERE id = ? AND deleted = 0",
		      "i", id) != 1 || (!c.hidden && !count_add(s, c.target_type, c.target_id, -1)) ||
	    !comment_reindex(s, id) || !insight_forget(s, "comment", id) || !store_commit(s)) {
		store_rollback(s);
		fail(res, 503, "error.unavailable", NULL);
		return false;
	}
	res->status = 204;
	return true;
}

bool comment_vote(store *s, arena *a, const struct principal *who, const char *ip, int64_t id, int value,
		  struct comment *out, struct comment_result *res)
{
	memset(res, 0, sizeof *res);
	struct comment c;
	if (value < -1 || value > 1) {
		fail(res, 422, "comments.bad_vote", "value");
		return false;
	}
	if (!id || !comment_get(s, a, id, &c) || c.hidden) {
		fail(res, 404, "error.not_found", NULL);
		return false;
	}
	struct comment_target_info t;
	if (!may_act(s, a, who, c.target_type, c.target_id, &t, res))
		return false;
	if (c.deleted) {
		fail(res, 409, "comments.deleted", NULL);
		return false;
	}
	if (c.author_id == who->user_id) {
		fail(res, 422, "comments.own_vote", "value");
		return false;
	}
	if (!rate_ok(s, a, "vote", who->user_id, ip, res))
		return false;
	if (!store_begin(s)) {
		fail(res, 503, "error.unavailable", NULL);
		return false;
	}
	int64_t old = store_scalar(s, 0, "SELECT value FROM comment_votes WHERE comment_id = ? AND user_id = ?", "ii",
				   id, who->user_id);
	bool ok;
	if (value == 0)
		ok = store_run(s, "DELETE FROM comment_votes WHERE comment_id = ? AND user_id = ?", "ii", id, who->user_id) >= 0;
	else
		ok = store_run(s, "INSERT INTO comment_votes(comment_id, user_id, value, at) VALUES (?, ?, ?, ?)"
				  " ON CONFLICT (comment_id, user_id) DO UPDATE SET value = excluded.value, at = excluded.at",
			       "iiii", id, who->user_id, (int64_t)value, now_s()) == 1;
	if (ok && old != value)
		ok = store_run(s, "UPDATE comments SET score = score + ?, ups = ups + ?, downs = downs + ? WHERE id = ?", "iiii",
			       (int64_t)value - old, (int64_t)(value == 1) - (old == 1), (int64_t)(value == -1) - (old == -1),
			       id) == 1;
	if (!ok || !store_commit(s)) {
		store_rollback(s);
		fail(res, 503, "error.unavailable", NULL);
		return false;
	}
	comment_get(s, a, id, out);
	out->my_vote = value;
	res->status = 200;
	return true;
}

/* ---- moderation target ---- */

static bool mod_describe(store *s, arena *a, int64_t id, int64_t *author_id, int64_t *dept_id, const char **excerpt,
			 const char **link)
{
	struct comment c;
	if (!comment_get(s, a, id, &c))
		return false;
	struct comment_target_info t;
	*author_id = c.author_id;
	*dept_id = comments_target(s, a, c.target_type, c.target_id, NULL, &t) ? t.dept_id : 0;
	/* the stored text even when hidden: moderators judge it */
	const char *body = c.deleted ? "" : c.body;
	size_t n = strlen(body), cut = n > 200 ? 200 : n;
	while (cut < n && cut > 0 && ((unsigned char)body[cut] & 0xC0) == 0x80)
		cut--;
	*excerpt = arena_strndup(a, body, cut);
	*link = arena_printf(a, "/comments/%lld", (long long)id);
	return true;
}

/* Called inside the moderation feature's transaction. */
static bool mod_set_hidden(store *s, int64_t id, bool hidden)
{
	arena *a = arena_new();
	struct comment c;
	bool ok = comment_get(s, a, id, &c);
	if (ok && c.hidden != hidden) {
		ok = store_run(s, "UPDATE comments SET hidden = ? WHERE id = ?", "ii", (int64_t)hidden, id) == 1 &&
		     (c.deleted || count_add(s, c.target_type, c.target_id, hidden ? -1 : 1)) && comment_reindex(s, id);
		/* Hidden words (spam, insults) leave public-opinion figures; restored ones return. */
		if (ok && hidden) {
			ok = insight_forget(s, "comment", id);
		} else if (ok && !c.deleted && !c.official) {
			struct comment_target_info t;
			struct insight_msg m = {.source = "comment", .source_id = id, .channel = "web", .text = c.body,
						.url = arena_printf(a, "/comments/%lld", (long long)id), .at = c.created_at};
			if (comments_target(s, a, c.target_type, c.target_id, NULL, &t))
				m.dept_id = t.dept_id;
			ok = insight_record(s, &m);
		}
	}
	arena_free(a);
	return ok;
}

static const struct mod_target comment_mod_target = {"comment", mod_describe, mod_set_hidden};

void comments_opinion_source_init(void);

void comments_init(void)
{
	moderation_register(&comment_mod_target);
	comments_opinion_source_init();
}
