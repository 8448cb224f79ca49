/* Posts storage: every SQL statement of the posts feature lives here. */
#include "features/posts/posts.h"
#include "core/util.h"
#include "features/search/search.h"
#include "web/markdown.h"
#include <stdlib.h>
#include <string.h>

const char *const post_kinds[] = {"announcement", "decision", "policy", "news", NULL};
static const char *const status_names[] = {"draft", "published", "unpublished", "archived"};

bool post_kind_valid(const char *kind)
{
	for (int i = 0; kind && post_kinds[i]; i++)
		if (!strcmp(kind, post_kinds[i]))
			return true;
	return false;
}

const char *post_status_name(enum post_status s) { return status_names[s]; }

bool post_status_parse(const char *name, enum post_status *out)
{
	for (int i = 0; name && i < 4; i++)
		if (!strcmp(name, status_names[i])) {
			*out = (enum post_status)i;
			return true;
		}
	return false;
}

const char *post_state_key(const struct post *p, int64_t now)
{
	if (p->status == POST_PUBLISHED && p->publish_at > now)
		return "status.scheduled";
	static const char *const keys[] = {"status.draft", "status.published", "status.unpublished", "status.archived"};
	return keys[p->status];
}

bool post_visible(const struct post *p, int64_t now)
{
	return (p->status == POST_PUBLISHED || p->status == POST_ARCHIVED) && p->publish_at && p->publish_at <= now;
}

#define COLS "id, dept_id, author_id, kind, lang, title, slug, summary, cover, status, publish_at, created_at, updated_at, tags, comments_enabled"

static void read_row(store_stmt *st, arena *a, struct post *p)
{
	memset(p, 0, sizeof *p);
	p->id = store_int(st, 0);
	p->dept_id = store_int(st, 1);
	p->author_id = store_int(st, 2);
	p->kind = arena_strdup(a, store_text(st, 3));
	p->lang = arena_strdup(a, store_text(st, 4));
	p->title = arena_strdup(a, store_text(st, 5));
	p->slug = arena_strdup(a, store_text(st, 6));
	p->summary = arena_strdup(a, store_text(st, 7));
	p->cover = arena_strdup(a, store_text(st, 8));
	post_status_parse(store_text(st, 9), &p->status);
	p->publish_at = store_int(st, 10);
	p->created_at = store_int(st, 11);
	p->updated_at = store_int(st, 12);
	p->comments_enabled = store_int(st, 14);
	p->body = p->body_html = "";
	/* tags: the comma-joined copy kept on the row for display (post_tags is
	 * the index for filtering); tags are slugs, so they never hold a comma */
	const char *t = store_text(st, 13);
	p->tags = arena_alloc(a, sizeof *p->tags * (POST_TAGS_MAX + 1));
	while (t && *t && p->ntags < POST_TAGS_MAX) {
		const char *comma = strchr(t, ',');
		size_t n = comma ? (size_t)(comma - t) : strlen(t);
		if (n)
			p->tags[p->ntags++] = arena_strndup(a, t, n);
		t = comma ? comma + 1 : NULL;
	}
}

/* The comma-joined tags of p, for the row's copy; arena-owned. */
static const char *tags_text(arena *a, const struct post *p)
{
	size_t n = 1;
	for (int i = 0; i < p->ntags; i++)
		n += strlen(p->tags[i]) + 1;
	char *out = arena_alloc(a, n), *w = out;
	for (int i = 0; i < p->ntags; i++) {
		size_t k = strlen(p->tags[i]);
		if (i)
			*w++ = ',';
		memcpy(w, p->tags[i], k);
		w += k;
	}
	*w = 0;
	return out;
}

bool post_load(store *s, arena *a, int64_t id, struct post *p)
{
	store_stmt *st = store_prepare(s, "SELECT " COLS ", body, body_html FROM posts WHERE id = ?");
	if (!st)
		return false;
	store_bind_int(st, 1, id);
	bool found = store_step(st) == STORE_ROW;
	if (found) {
		read_row(st, a, p);
		p->body = arena_strdup(a, store_text(st, 15));
		p->body_html = arena_strdup(a, store_text(st, 16));
	}
	store_done(st);
	return found;
}

int post_list(store *s, arena *a, const struct post_filter *f, int64_t now, struct post **out)
{
	static const char public_sql[] =
		"SELECT " COLS " FROM posts WHERE status = 'published' AND ?1 >= 0"
		" AND (publish_at, id) < (?2, ?3)"
		" AND (?4 = 0 OR dept_id = ?4) AND (?5 IS NULL OR kind = ?5) AND (?6 IS NULL OR lang = ?6)"
		" AND (?7 IS NULL OR id IN (SELECT post_id FROM post_tags WHERE tag = ?7))"
		" ORDER BY publish_at DESC, id DESC LIMIT ?8";
	/* Editors see every status, ordered by last change. */
	static const char staff_sql[] =
		"SELECT " COLS " FROM posts WHERE ?1 >= 0"
		" AND (updated_at, id) < (?2, ?3)"
		" AND (?4 = 0 OR dept_id = ?4) AND (?5 IS NULL OR kind = ?5) AND (?6 IS NULL OR lang = ?6)"
		" AND (?7 IS NULL OR id IN (SELECT post_id FROM post_tags WHERE tag = ?7))"
		" ORDER BY updated_at DESC, id DESC LIMIT ?8";
	store_stmt *st = store_prepare(s, f->staff_all ? staff_sql : public_sql);
	if (!st)
		return -1;
	int limit = f->limit < 1 ? 20 : f->limit > 100 ? 100 : f->limit;
	/* One upper bound only, as a row value, so that SQLite seeks the index to the
	 * cursor. "publish_at <= now" is (publish_at, id) < (now + 1, 0); with both
	 * bounds written out the planner ranges on publish_at <= now and filters the
	 * cursor row by row: ~40 ms a page deep in 100,000 posts instead of 0.2 ms. */
	int64_t at = f->before_at ? f->before_at : INT64_MAX, bid = f->before_at ? f->before_id : INT64_MAX;
	if (!f->staff_all && (at > now + 1 || (at == now + 1 && bid > 0)))
		at = now + 1, bid = 0;
	store_bind_int(st, 1, now);
	store_bind_int(st, 2, at);
	store_bind_int(st, 3, bid);
	store_bind_int(st, 4, f->dept_id);
	store_bind_text(st, 5, f->kind);
	store_bind_text(st, 6, f->lang);
	store_bind_text(st, 7, f->tag);
	store_bind_int(st, 8, limit);
	struct post *posts = arena_alloc(a, sizeof *posts * (size_t)limit);
	int n = 0, rc;
	while (n < limit && (rc = store_step(st)) == STORE_ROW)
		read_row(st, a, &posts[n++]);
	store_done(st);
	*out = posts;
	return n;
}

static bool save_tags(store *s, const struct post *p)
{
	if (store_run(s, "DELETE FROM post_tags WHERE post_id = ?", "i", p->id) < 0)
		return false;
	for (int i = 0; i < p->ntags; i++)
		if (store_run(s, "INSERT INTO post_tags(post_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING",
			      "it", p->id, p->tags[i]) < 0)
			return false;
	return true;
}

int64_t post_insert_tx(store *s, struct post *p)
{
	int64_t now = now_s();
	if (!p->created_at)
		p->created_at = now;
	if (!p->updated_at)
		p->updated_at = p->created_at;
	store_stmt *st = store_prepare(s,
		"INSERT INTO posts(dept_id, author_id, kind, lang, title, slug, summary, body, body_html, cover,"
		" status, publish_at, created_at, updated_at, tags, comments_enabled) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id");
	if (!st)
		return -1;
	arena *a = arena_new();
	store_bind_int(st, 1, p->dept_id);
	if (p->author_id)
		store_bind_int(st, 2, p->author_id);
	store_bind_text(st, 3, p->kind);
	store_bind_text(st, 4, p->lang);
	store_bind_text(st, 5, p->title);
	store_bind_text(st, 6, p->slug);
	store_bind_text(st, 7, p->summary);
	store_bind_text(st, 8, p->body);
	store_bind_text(st, 9, p->body_html);
	store_bind_text(st, 10, p->cover);
	store_bind_text(st, 11, status_names[p->status]);
	if (p->publish_at)
		store_bind_int(st, 12, p->publish_at);
	store_bind_int(st, 13, p->created_at);
	store_bind_int(st, 14, p->updated_at);
	store_bind_text(st, 15, tags_text(a, p));
	store_bind_int(st, 16, p->comments_enabled);
	arena_free(a);
	p->id = store_step(st) == STORE_ROW ? store_int(st, 0) : -1;
	while (p->id > 0 && store_step(st) == STORE_ROW)
		;
	store_done(st);
	if (p->id < 0 || !save_tags(s, p) || !post_reindex(s, p->id))
		return -1;
	return p->id;
}

int64_t post_insert(store *s, struct post *p)
{
	p->created_at = p->updated_at = 0;
	if (!store_begin(s))
		return -1;
	if (post_insert_tx(s, p) < 0 || !store_commit(s)) {
		store_rollback(s);
		return -1;
	}
	return p->id;
}

bool post_save(store *s, const struct post *p)
{
	if (!store_begin(s))
		return false;
	store_stmt *st = store_prepare(s,
		"UPDATE posts SET dept_id = ?, kind = ?, lang = ?, title = ?, slug = ?, summary = ?, body = ?,"
		" body_html = ?, cover = ?, status = ?, publish_at = ?, updated_at = ?, tags = ?, comments_enabled = ? WHERE id = ?");
	if (!st)
		goto fail;
	store_bind_int(st, 1, p->dept_id);
	store_bind_text(st, 2, p->kind);
	store_bind_text(st, 3, p->lang);
	store_bind_text(st, 4, p->title);
	store_bind_text(st, 5, p->slug);
	store_bind_text(st, 6, p->summary);
	store_bind_text(st, 7, p->body);
	store_bind_text(st, 8, p->body_html);
	store_bind_text(st, 9, p->cover);
	store_bind_text(st, 10, status_names[p->status]);
	if (p->publish_at)
		store_bind_int(st, 11, p->publish_at);
	store_bind_int(st, 12, now_s());
	arena *a = arena_new();
	store_bind_text(st, 13, tags_text(a, p));
	arena_free(a);
	store_bind_int(st, 14, p->comments_enabled);
	store_bind_int(st, 15, p->id);
	int rc = store_step(st);
	store_done(st);
	if (rc != STORE_DONE || store_changes(s) != 1 || !save_tags(s, p) || !post_reindex(s, p->id) || !store_commit(s))
		goto fail;
	return true;
fail:
	store_rollback(s);
	return false;
}

bool post_set_status(store *s, int64_t id, enum post_status stt, int64_t at)
{
	if (!store_begin(s))
		return false;
	bool ok = at > 0 ? store_run(s, "UPDATE posts SET status = ?, publish_at = ?, updated_at = ? WHERE id = ?",
				     "tiii", status_names[stt], at, now_s(), id) == 1
			 : store_run(s, "UPDATE posts SET status = ?, updated_at = ? WHERE id = ?", "tii",
				     status_names[stt], now_s(), id) == 1;
	if (ok && post_reindex(s, id) && store_commit(s))
		return true;
	store_rollback(s);
	return false;
}

bool post_delete(store *s, int64_t id)
{
	if (!store_begin(s))
		return false;
	if (store_run(s, "DELETE FROM posts WHERE id = ?", "i", id) == 1 && search_remove(s, "post", id) && store_commit(s))
		return true;
	store_rollback(s);
	return false;
}

bool post_reindex(store *s, int64_t id)
{
	arena *a = arena_new();
	struct post p;
	bool ok;
	if (!post_load(s, a, id, &p) || (p.status != POST_PUBLISHED && p.status != POST_ARCHIVED) || !p.publish_at) {
		ok = search_remove(s, "post", id);
	} else {
		char *plain = markdown_plain(p.body, strlen(p.body), POST_BODY_MAX);
		struct search_doc d = {.type = "post", .id = p.id, .dept_id = p.dept_id, .visibility = SEARCH_PUBLIC,
				       .lang = p.lang, .title = p.title, .body = plain ? plain : p.summary,
				       .url = post_path(a, &p), .at = p.publish_at};
		ok = search_put(s, &d);
		free(plain);
	}
	arena_free(a);
	return ok;
}

int64_t post_next_scheduled(store *s, int64_t now)
{
	return store_scalar(s, 0, "SELECT coalesce(min(publish_at), 0) FROM posts WHERE status = 'published' AND publish_at > ?",
			    "i", now);
}
