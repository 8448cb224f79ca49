/* Comment pages: the discussion block other features embed (comments_section),
 * one thread, and the forms that work without JavaScript: write, reply, edit,
 * delete, vote, report. */
#include "features/comments/comments.h"
#include "features/accounts/accounts.h"
#include "features/audit/audit.h"
#include "features/moderation/moderation.h"
#include "core/util.h"
#include "http/urlenc.h"
#include "web/page.h"
#include <string.h>

#define FLAG_NOTE_MAX 500

static enum comment_sort sort_of(const char *v)
{
	if (v && !strcmp(v, "oldest"))
		return COMMENT_OLDEST;
	if (v && !strcmp(v, "top"))
		return COMMENT_TOP;
	return COMMENT_NEWEST;
}

static const char *const sort_names[] = {"newest", "oldest", "top"};

/* Everything a rendering pass needs to know once. */
struct view {
	struct req *r;
	store *s;
	const struct principal *who;
	int64_t viewer;
	bool can_act;          /* logged in, may participate, target open */
	bool open;
	const struct comment_target_info *t;
};

static void badge_line(struct view *v, const struct comment *c)
{
	struct req *r = v->r;
	h_printf(&r->out, "<p class=\"meta\"><strong>%s</strong>", c->author_name);
	if (c->official)
		h_printf(&r->out, " <span class=\"chip official\">%s</span>", TR(r, "comments.official"));
	h_raw(&r->out, " · <time>");
	fmt_date(&r->out, r->lang, (time_t)c->created_at, true);
	h_raw(&r->out, "</time>");
	if (c->edited_at)
		h_printf(&r->out, " · %s", TR(r, "comments.edited"));
	h_raw(&r->out, "</p>");
}

static void vote_form(struct view *v, const struct comment *c, int value, const char *label_key, const char *sym)
{
	struct req *r = v->r;
	bool on = c->my_vote == value;
	h_printf(&r->out, "<form method=\"post\" action=\"/comments/%lld/vote\" class=\"inline\">", (long long)c->id);
	f_csrf(r);
	h_printf(&r->out, "<input type=\"hidden\" name=\"value\" value=\"%d\"><button class=\"vote%s\" aria-pressed=\"%s\""
			  " title=\"%s\" aria-label=\"%s\">%s</button></form>",
		 on ? 0 : value, on ? " on" : "", on ? "true" : "false", TR(r, label_key), TR(r, label_key), sym);
}

/* One comment without its replies. */
static void render_one(struct view *v, struct comment *c)
{
	struct req *r = v->r;
	if (v->viewer)
		comment_my_vote(v->s, v->viewer, c);
	h_printf(&r->out, "<article class=\"comment%s\" id=\"c%lld\">", c->official ? " official" : "", (long long)c->id);
	if (c->deleted) {
		h_printf(&r->out, "<p class=\"meta tomb\">%s</p>", TR(r, "comments.deleted_tombstone"));
	} else {
		badge_line(v, c);
		if (c->hidden) {
			bool pending;
			const char *why = moderation_reason(v->s, r->a, "comment", c->id, &pending);
			h_printf(&r->out, "<p class=\"notice\" role=\"status\">%s</p>",
				 why ? T_fill(r->a, TR(r, "comments.hidden_reason"), 1, (const char *[]){why})
				     : TR(r, "comments.hidden_pending"));
		}
		h_raw(&r->out, "<div class=\"cbody\">");
		h_raw(&r->out, c->body_html); /* built by the Markdown-lite renderer: every text escaped */
		h_raw(&r->out, "</div>");
	}
	h_raw(&r->out, "<div class=\"cact\">");
	h_printf(&r->out, "<span class=\"score\" title=\"%s\">%s%lld</span> ", TR(r, "comments.score"),
		 c->score > 0 ? "+" : "", (long long)c->score);
	bool mine = v->who && v->who->user_id == c->author_id;
	if (!c->deleted && !c->hidden) {
		if (v->can_act && !mine) {
			vote_form(v, c, 1, "comments.vote_up", "▲");
			vote_form(v, c, -1, "comments.vote_down", "▼");
		}
		if (v->open && c->depth < COMMENT_MAX_DEPTH)
			h_printf(&r->out, " <a href=\"/comments/%lld/reply\">%s</a>", (long long)c->id, TR(r, "comments.reply"));
		if (v->who && !mine)
			h_printf(&r->out, " <a href=\"/comments/%lld/flag\">%s</a>", (long long)c->id, TR(r, "comments.report"));
	}
	if (mine && !c->deleted) {
		if (!c->hidden && now_s() - c->created_at <= COMMENT_EDIT_WINDOW)
			h_printf(&r->out, " <a href=\"/comments/%lld/edit\">%s</a>", (long long)c->id, TR(r, "form.edit"));
		h_printf(&r->out, " <form method=\"post\" action=\"/comments/%lld/delete\" class=\"inline\">", (long long)c->id);
		f_csrf(r);
		h_printf(&r->out, "<button class=\"link\">%s</button></form>", TR(r, "comments.delete"));
	}
	h_raw(&r->out, "</div>");
}

/* c and, recursively, those of items[0..n) whose parent it is. */
static void render_tree(struct view *v, struct comment *c, struct comment *items, int n)
{
	render_one(v, c);
	bool open = false;
	for (int i = 0; i < n; i++) {
		if (items[i].parent_id != c->id)
			continue;
		if (!open)
			h_raw(&v->r->out, "<div class=\"replies\">");
		open = true;
		render_tree(v, &items[i], items, n);
	}
	if (open)
		h_raw(&v->r->out, "</div>");
	h_raw(&v->r->out, "</article>");
}

static void view_init(struct view *v, struct req *r, store *s, const struct comment_target_info *t)
{
	memset(v, 0, sizeof *v);
	v->r = r;
	v->s = s;
	v->t = t;
	v->who = req_who(r);
	v->viewer = v->who ? v->who->user_id : 0;
	v->open = t->open;
	const char *why;
	v->can_act = v->who && t->open && account_may_participate(s, v->who->user_id, false, &why);
}

/* The comment form for a target (and parent), or the reason one cannot write. */
static void write_box(struct req *r, store *s, const char *type, int64_t target_id, int64_t parent_id,
		      const struct comment_target_info *t, const struct form_errors *e, const char *typed)
{
	struct principal *who = req_who(r);
	const char *why = NULL;
	if (!t->open) {
		h_printf(&r->out, "<p class=\"notice\">%s</p>", TR(r, t->closed_key ? t->closed_key : "comments.closed"));
		return;
	}
	if (!who) {
		h_printf(&r->out, "<p><a href=\"/login?next=%s\">%s</a></p>", url_encode(r->a, t->path), TR(r, "participate.login"));
		return;
	}
	if (!account_may_participate(s, who->user_id, false, &why)) {
		h_printf(&r->out, "<p class=\"notice\">%s</p>", TR(r, why ? why : "error.forbidden"));
		return;
	}
	f_errors_summary(r, e);
	h_raw(&r->out, "<form method=\"post\" action=\"/comments\" class=\"cform\">");
	f_csrf(r);
	h_printf(&r->out, "<input type=\"hidden\" name=\"target_type\" value=\"%s\"><input type=\"hidden\" name=\"target_id\""
			  " value=\"%lld\">", type, (long long)target_id);
	if (parent_id)
		h_printf(&r->out, "<input type=\"hidden\" name=\"parent_id\" value=\"%lld\">", (long long)parent_id);
	f_textarea(r, e, "body", parent_id ? "comments.your_reply" : "comments.your_comment", typed, 3);
	h_printf(&r->out, "<p class=\"hint\">%s</p><button>%s</button></form>", TR(r, "comments.hint"),
		 TR(r, parent_id ? "comments.send_reply" : "comments.send"));
}

void comments_section(struct req *r, store *s, const char *type, int64_t target_id)
{
	struct comment_target_info t;
	struct principal *who = req_who(r);
	if (!comments_target(s, r->a, type, target_id, who, &t) || !t.visible)
		return;
	enum comment_sort sort = sort_of(kv_get(&r->query, "csort"));
	const char *cursor = kv_get(&r->query, "cafter");
	struct view v;
	view_init(&v, r, s, &t);
	struct comment *items;
	int n = comment_list(s, r->a, type, target_id, sort, cursor, COMMENT_PAGE, v.viewer, &items);
	if (n < 0) { /* a malformed cursor: start again from the first page */
		cursor = NULL;
		n = comment_list(s, r->a, type, target_id, sort, NULL, COMMENT_PAGE, v.viewer, &items);
	}
	if (n <= 0 && !t.open && t.quiet && !(cursor && *cursor))
		return;
	int64_t total = comment_count(s, type, target_id);
	h_printf(&r->out, "<section class=\"comments\" id=\"comments\"><h2>%s (", TR(r, "comments.title"));
	fmt_int(&r->out, r->lang, total);
	h_raw(&r->out, ")</h2>");
	write_box(r, s, type, target_id, 0, &t, NULL, NULL);
	if (n > 0 || (cursor && *cursor)) {
		h_printf(&r->out, "<nav class=\"sort\" aria-label=\"%s\">%s: ", TR(r, "comments.sort"), TR(r, "comments.sort"));
		for (int i = 0; i < 3; i++) {
			if ((int)sort == i)
				h_printf(&r->out, "<strong>%s</strong> ", TR(r, arena_printf(r->a, "comments.sort_%s", sort_names[i])));
			else
				h_printf(&r->out, "<a href=\"%s?csort=%s#comments\">%s</a> ", t.path, sort_names[i],
					 TR(r, arena_printf(r->a, "comments.sort_%s", sort_names[i])));
		}
		h_raw(&r->out, "</nav>");
	}
	for (int i = 0; i < n; i++) {
		struct comment *c = &items[i];
		struct comment *replies = NULL;
		int nr = c->thread_count ? comment_thread(s, r->a, c->id, 0, COMMENT_THREAD_SHOWN, v.viewer, &replies) : 0;
		render_tree(&v, c, replies, nr < 0 ? 0 : nr);
		if (c->thread_count > nr && nr >= 0) {
			int64_t more = c->thread_count - nr;
			h_printf(&r->out, "<p class=\"more\"><a href=\"/comments/%lld#c%lld\">%s</a></p>", (long long)c->id,
				 (long long)c->id, T_fill(r->a, TR(r, "comments.more_replies"), 1,
							  (const char *[]){arena_printf(r->a, "%lld", (long long)more)}));
		}
	}
	if (n == COMMENT_PAGE)
		h_printf(&r->out, "<nav class=\"pager\"><a rel=\"next\" href=\"%s?csort=%s&cafter=%s#comments\">%s</a></nav>",
			 t.path, sort_names[sort], url_encode(r->a, comment_cursor(r->a, sort, &items[n - 1])),
			 TR(r, "comments.next_page"));
	h_raw(&r->out, "</section>");
}

/* ---- pages of one comment ---- */

/* Loads :id with its target for the reader; 404 answered when either is
 * missing or not visible to them. */
static bool load(struct req *r, store *s, struct comment *c, struct comment_target_info *t)
{
	struct principal *who = req_who(r);
	int64_t id = req_param_id(r, 0);
	if (!id || !comment_get(s, r->a, id, c) || (c->hidden && (!who || who->user_id != c->author_id)) ||
	    !comments_target(s, r->a, c->target_type, c->target_id, who, t) || !t->visible) {
		resp_error(r, 404, "error.not_found");
		return false;
	}
	return true;
}

static void thread_page(struct req *r)
{
	store *s = req_store(r);
	struct comment c;
	struct comment_target_info t;
	if (!s || !load(r, s, &c, &t))
		return;
	int64_t root_id = c.root_id ? c.root_id : c.id;
	struct comment root;
	struct principal *who = req_who(r);
	if (!comment_get(s, r->a, root_id, &root) || (root.hidden && (!who || who->user_id != root.author_id))) {
		resp_error(r, 404, "error.not_found");
		return;
	}
	int64_t after = 0;
	const char *a = kv_get(&r->query, "after");
	if (a && !parse_int64(a, 0, INT64_MAX, &after)) {
		resp_error(r, 400, "error.bad_request");
		return;
	}
	struct view v;
	view_init(&v, r, s, &t);
	struct comment *items;
	int n = comment_thread(s, r->a, root_id, after, 200, v.viewer, &items);
	if (n < 0) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	page_begin(r, TR(r, "comments.thread"));
	h_printf(&r->out, "<p><a href=\"%s#comments\">%s</a></p><h1>%s</h1>", t.path, t.title, TR(r, "comments.thread"));
	if (after) {
		/* a later page: the replies whose parents were on earlier pages hang from here */
		render_one(&v, &root);
		h_raw(&r->out, "<div class=\"replies\">");
		for (int i = 0; i < n; i++) {
			bool parent_here = items[i].parent_id == root_id;
			for (int k = 0; k < i && !parent_here; k++)
				parent_here = items[k].id == items[i].parent_id;
			if (!parent_here)
				render_tree(&v, &items[i], items, n);
		}
		h_raw(&r->out, "</div></article>");
	} else {
		render_tree(&v, &root, items, n);
	}
	if (n == 200)
		h_printf(&r->out, "<nav class=\"pager\"><a rel=\"next\" href=\"/comments/%lld?after=%lld\">%s</a></nav>",
			 (long long)root_id, (long long)items[n - 1].id, TR(r, "comments.more"));
	page_end(r);
	if (!who)
		resp_cacheable(r, 30);
	resp_html(r, 200);
}

/* The standalone write/reply form page (also shown again with errors). */
static void form_page(struct req *r, store *s, int status, const char *type, int64_t target_id,
		      const struct comment_target_info *t, struct comment *parent, const struct form_errors *e,
		      const char *typed)
{
	page_begin(r, TR(r, parent ? "comments.reply" : "comments.title"));
	h_printf(&r->out, "<p><a href=\"%s#comments\">%s</a></p><h1>%s</h1>", t->path, t->title,
		 TR(r, parent ? "comments.reply" : "comments.your_comment"));
	if (parent) {
		struct view v;
		view_init(&v, r, s, t);
		v.can_act = false;
		v.open = false;
		render_one(&v, parent);
		h_raw(&r->out, "</article>");
	}
	write_box(r, s, type, target_id, parent ? parent->id : 0, t, e, typed);
	page_end(r);
	resp_html(r, status);
}

static void reply_get(struct req *r)
{
	store *s = req_store(r);
	struct comment c;
	struct comment_target_info t;
	if (!s || !load(r, s, &c, &t))
		return;
	if (c.depth >= COMMENT_MAX_DEPTH) {
		resp_error(r, 422, "comments.too_deep");
		return;
	}
	form_page(r, s, 200, c.target_type, c.target_id, &t, &c, NULL, NULL);
}

/* Answers a failed write: the form again when a field is at fault, an error page otherwise. */
static void write_failed(struct req *r, store *s, const struct comment_result *res, const char *type, int64_t target_id,
			 int64_t parent_id, const char *typed)
{
	if (res->status == 429)
		resp_header(r, "Retry-After", arena_printf(r->a, "%d", res->retry_after));
	struct comment_target_info t;
	if (res->field && strcmp(res->field, "target_id") &&
	    comments_target(s, r->a, type, target_id, req_who(r), &t) && t.visible) {
		struct form_errors e = {0};
		form_error(&e, strcmp(res->field, "parent_id") ? res->field : "body", res->key);
		struct comment parent;
		bool hp = parent_id && comment_get(s, r->a, parent_id, &parent) && !parent.hidden;
		form_page(r, s, res->status, type, target_id, &t, hp ? &parent : NULL, &e, typed);
		return;
	}
	resp_error(r, res->status, res->key);
}

static void create_post(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	const char *type = kv_get(&r->form, "target_type");
	const char *tid = kv_get(&r->form, "target_id"), *pid = kv_get(&r->form, "parent_id");
	const char *body = kv_get(&r->form, "body");
	int64_t target_id = 0, parent_id = 0;
	if (!type || !tid || !parse_int64(tid, 1, INT64_MAX, &target_id) || (pid && *pid && !parse_int64(pid, 1, INT64_MAX, &parent_id))) {
		resp_error(r, 400, "error.bad_form");
		return;
	}
	struct comment c;
	struct comment_result res;
	if (!comment_create(s, r->a, req_who(r), r->ip, type, target_id, parent_id, body ? body : "", &c, &res)) {
		write_failed(r, s, &res, type, target_id, parent_id, body);
		return;
	}
	page_cache_bump();
	struct comment_target_info t;
	comments_target(s, r->a, type, target_id, req_who(r), &t);
	resp_redirect(r, arena_printf(r->a, "%s#c%lld", t.path, (long long)c.id));
}

static void edit_form(struct req *r, int status, const struct comment *c, const struct comment_target_info *t,
		      const struct form_errors *e, const char *typed)
{
	page_begin(r, TR(r, "comments.edit"));
	h_printf(&r->out, "<p><a href=\"%s#c%lld\">%s</a></p><h1>%s</h1>", t->path, (long long)c->id, t->title,
		 TR(r, "comments.edit"));
	f_errors_summary(r, e);
	h_printf(&r->out, "<form method=\"post\" action=\"/comments/%lld/edit\" class=\"cform\">", (long long)c->id);
	f_csrf(r);
	f_textarea(r, e, "body", "comments.your_comment", typed ? typed : c->body, 5);
	h_printf(&r->out, "<p class=\"hint\">%s</p><button>%s</button></form>", TR(r, "comments.edit_hint"), TR(r, "form.save"));
	page_end(r);
	resp_html(r, status);
}

static void edit_get(struct req *r)
{
	store *s = req_store(r);
	struct comment c;
	struct comment_target_info t;
	if (!s || !load(r, s, &c, &t))
		return;
	if (c.author_id != req_who(r)->user_id) {
		resp_error(r, 403, "comments.not_yours");
		return;
	}
	if (c.deleted || c.hidden || now_s() - c.created_at > COMMENT_EDIT_WINDOW) {
		resp_error(r, 409, c.deleted ? "comments.deleted" : c.hidden ? "comments.hidden_no_edit" : "comments.edit_window");
		return;
	}
	edit_form(r, 200, &c, &t, NULL, NULL);
}

static void edit_post(struct req *r)
{
	store *s = req_store(r);
	struct comment c, out;
	struct comment_target_info t;
	if (!s || !load(r, s, &c, &t))
		return;
	const char *body = kv_get(&r->form, "body");
	struct comment_result res;
	if (!comment_edit(s, r->a, req_who(r), c.id, body ? body : "", &out, &res)) {
		if (res.field) {
			struct form_errors e = {0};
			form_error(&e, res.field, res.key);
			edit_form(r, res.status, &c, &t, &e, body);
		} else {
			resp_error(r, res.status, res.key);
		}
		return;
	}
	audit_record(r, s, "comment.edit", "comment", c.id, NULL);
	page_cache_bump();
	resp_redirect(r, arena_printf(r->a, "%s#c%lld", t.path, (long long)c.id));
}

static void delete_post(struct req *r)
{
	store *s = req_store(r);
	struct comment c;
	struct comment_target_info t;
	if (!s || !load(r, s, &c, &t))
		return;
	struct comment_result res;
	if (!comment_delete(s, r->a, req_who(r), c.id, &res)) {
		resp_error(r, res.status, res.key);
		return;
	}
	audit_record(r, s, "comment.delete", "comment", c.id, NULL);
	page_cache_bump();
	resp_redirect(r, arena_printf(r->a, "%s#c%lld", t.path, (long long)c.id));
}

static void vote_post(struct req *r)
{
	store *s = req_store(r);
	struct comment c, out;
	struct comment_target_info t;
	if (!s || !load(r, s, &c, &t))
		return;
	int64_t value;
	const char *v = kv_get(&r->form, "value");
	if (!v || !parse_int64(v, -1, 1, &value)) {
		resp_error(r, 422, "comments.bad_vote");
		return;
	}
	struct comment_result res;
	if (!comment_vote(s, r->a, req_who(r), r->ip, c.id, (int)value, &out, &res)) {
		if (res.status == 429)
			resp_header(r, "Retry-After", arena_printf(r->a, "%d", res.retry_after));
		resp_error(r, res.status, res.key);
		return;
	}
	page_cache_bump();
	resp_redirect(r, arena_printf(r->a, "%s#c%lld", t.path, (long long)c.id));
}

static void flag_form(struct req *r, int status, const struct comment *c, const struct comment_target_info *t,
		      const struct form_errors *e)
{
	page_begin(r, TR(r, "comments.report"));
	h_printf(&r->out, "<p><a href=\"%s#c%lld\">%s</a></p><h1>%s</h1>", t->path, (long long)c->id, t->title,
		 TR(r, "comments.report"));
	h_printf(&r->out, "<blockquote class=\"cbody\">");
	h_raw(&r->out, c->body_html); /* escaped by the renderer */
	h_raw(&r->out, "</blockquote>");
	f_errors_summary(r, e);
	h_printf(&r->out, "<form method=\"post\" action=\"/comments/%lld/flag\">", (long long)c->id);
	f_csrf(r);
	struct select_option opts[8];
	int k = 0;
	for (int i = 0; flag_reasons[i] && k < 7; i++)
		opts[k++] = (struct select_option){flag_reasons[i], arena_printf(r->a, "comments.reason_%s", flag_reasons[i]), NULL};
	opts[k] = (struct select_option){NULL, NULL, NULL};
	f_select(r, e, "reason", "comments.reason", opts, kv_get(&r->form, "reason"));
	f_textarea(r, e, "note", "comments.note", kv_get(&r->form, "note"), 2);
	h_printf(&r->out, "<button>%s</button></form>", TR(r, "comments.send_report"));
	page_end(r);
	resp_html(r, status);
}

static void flag_get(struct req *r)
{
	store *s = req_store(r);
	struct comment c;
	struct comment_target_info t;
	if (!s || !load(r, s, &c, &t))
		return;
	if (c.deleted) {
		resp_error(r, 409, "comments.deleted");
		return;
	}
	flag_form(r, 200, &c, &t, NULL);
}

/* Shared by the page and the API: flags :id for who. Answers errors itself
 * (through resp_error / the form) and returns the status on success (0 when answered). */
void comments_error(struct req *r, int status, const char *key);
int comments_flag(struct req *r, store *s, const struct comment *c, const char *reason, const char *note, bool *hidden);

int comments_flag(struct req *r, store *s, const struct comment *c, const char *reason, const char *note, bool *hidden)
{
	struct principal *who = req_who(r);
	const char *why = NULL;
	*hidden = false;
	if (!account_may_participate(s, who->user_id, false, &why)) {
		comments_error(r, 403, why ? why : "error.forbidden");
		return 0;
	}
	if (c->deleted) {
		comments_error(r, 409, "comments.deleted");
		return 0;
	}
	switch (moderation_flag(s, "comment", c->id, who->user_id, reason, note && *note ? note : NULL, hidden)) {
	case FLAG_OK:
		audit_record(r, s, "comment.flag", "comment", c->id, reason);
		if (*hidden)
			page_cache_bump();
		return 201;
	case FLAG_DUPLICATE:
		comments_error(r, 409, "comments.already_reported");
		return 0;
	case FLAG_OWN:
		comments_error(r, 422, "comments.own_report");
		return 0;
	case FLAG_UNKNOWN:
		comments_error(r, 404, "error.not_found");
		return 0;
	case FLAG_ERROR:
		break;
	}
	comments_error(r, 503, "error.unavailable");
	return 0;
}

static void flag_post(struct req *r)
{
	store *s = req_store(r);
	struct comment c;
	struct comment_target_info t;
	if (!s || !load(r, s, &c, &t))
		return;
	const char *reason = kv_get(&r->form, "reason"), *note = kv_get(&r->form, "note");
	struct form_errors e = {0};
	if (!flag_reason_valid(reason))
		form_error(&e, "reason", "form.invalid_choice");
	if (note && utf8_length(note) > FLAG_NOTE_MAX)
		form_error(&e, "note", "form.too_long");
	if (e.n) {
		flag_form(r, 422, &c, &t, &e);
		return;
	}
	bool hidden;
	if (!comments_flag(r, s, &c, reason, note, &hidden))
		return;
	page_begin(r, TR(r, "comments.report"));
	h_printf(&r->out, "<h1>%s</h1><p class=\"notice ok\" role=\"status\">%s</p><p><a href=\"%s#comments\">%s</a></p>",
		 TR(r, "comments.report"), TR(r, "comments.reported"), t.path, t.title);
	page_end(r);
	resp_html(r, 201);
}

void comments_pages_routes(void);

void comments_pages_routes(void)
{
	static const struct route routes[] = {
		{"POST", "/comments", create_post, ACCESS_LOGGED_IN, 0, ROUTE_FORM, "write a comment or a reply"},
		{"GET", "/comments/:id", thread_page, ACCESS_ANYONE, 0, ROUTE_CACHE, "one comment thread"},
		{"GET", "/comments/:id/reply", reply_get, ACCESS_LOGGED_IN, 0, 0, "reply form"},
		{"GET", "/comments/:id/edit", edit_get, ACCESS_LOGGED_IN, 0, 0, "edit one's comment (15 minutes)"},
		{"POST", "/comments/:id/edit", edit_post, ACCESS_LOGGED_IN, 0, ROUTE_FORM, "save an edited comment"},
		{"POST", "/comments/:id/delete", delete_post, ACCESS_LOGGED_IN, 0, ROUTE_FORM, "delete one's comment"},
		{"POST", "/comments/:id/vote", vote_post, ACCESS_LOGGED_IN, 0, ROUTE_FORM, "vote up/down or remove the vote"},
		{"GET", "/comments/:id/flag", flag_get, ACCESS_LOGGED_IN, 0, 0, "report form"},
		{"POST", "/comments/:id/flag", flag_post, ACCESS_LOGGED_IN, 0, ROUTE_FORM, "report a comment to moderators"},
	};
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		route_add(&routes[i]);
}
