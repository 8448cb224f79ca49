/* The editor's pages: list of a department's posts in every state, the
 * create/edit form with preview, and publish / unpublish / archive / delete. */
#include "web/page.h"
#include "features/posts/posts.h"
#include "features/accounts/accounts.h"
#include "features/audit/audit.h"
#include "features/media/media.h"
#include "core/util.h"
#include <string.h>

void post_render(struct req *r, store *s, const struct post *p);

/* Departments where the principal may edit, as select options. */
static void staff_list(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	int nd;
	struct select_option *depts = dept_options_for(r, s, ROLE_EDITOR, &nd);
	struct post_filter f = {.staff_all = true, .limit = 50};
	const char *dept = kv_get(&r->query, "dept");
	int64_t dept_id = 0;
	if (dept && *dept && !parse_int64(dept, 1, INT64_MAX, &dept_id)) {
		resp_error(r, 400, "error.bad_request");
		return;
	}
	if (!dept_id && nd)
		parse_int64(depts[0].value, 1, INT64_MAX, &dept_id);
	if (!principal_can(req_who(r), ROLE_EDITOR, dept_id)) {
		resp_error(r, 403, "error.forbidden");
		return;
	}
	f.dept_id = dept_id;
	const char *before = kv_get(&r->query, "before");
	if (before) {
		long long at, id;
		if (sscanf(before, "%lld-%lld", &at, &id) == 2) {
			f.before_at = at;
			f.before_id = id;
		}
	}
	struct post *posts;
	int64_t now = now_s();
	int n = post_list(s, r->a, &f, now, &posts);
	page_begin(r, TR(r, "editor.title"));
	h_printf(&r->out, "<h1>%s</h1><p class=\"actions\"><a class=\"button\" href=\"/staff/posts/new\">%s</a></p>",
		 TR(r, "editor.title"), TR(r, "editor.new"));
	h_raw(&r->out, "<form method=\"get\" action=\"/staff/posts\" class=\"filters\">");
	f_select(r, NULL, "dept", "post.department", depts, arena_printf(r->a, "%lld", (long long)dept_id));
	h_printf(&r->out, "<button>%s</button></form>", TR(r, "filter.apply"));
	h_printf(&r->out, "<div class=\"table-wrap\"><table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
		 TR(r, "post.title"), TR(r, "post.kind"), TR(r, "post.status"), TR(r, "post.updated"));
	for (int i = 0; i < n; i++) {
		struct post *p = &posts[i];
		h_printf(&r->out, "<tr><td lang=\"%s\" dir=\"%s\"><a href=\"/staff/posts/%lld/edit\">%s</a></td><td>%s</td><td>%s</td><td>",
			 p->lang, lang_dir(p->lang), (long long)p->id, p->title,
			 TR(r, arena_printf(r->a, "kind.%s", p->kind)), TR(r, post_state_key(p, now)));
		fmt_date(&r->out, r->lang, (time_t)p->updated_at, true);
		h_raw(&r->out, "</td></tr>");
	}
	h_raw(&r->out, "</tbody></table></div>");
	if (n == f.limit)
		h_printf(&r->out, "<nav class=\"pager\"><a href=\"/staff/posts?dept=%lld&amp;before=%lld-%lld\">%s</a></nav>",
			 (long long)dept_id, (long long)posts[n - 1].updated_at, (long long)posts[n - 1].id, TR(r, "pager.older"));
	page_end(r);
	resp_html(r, 200);
}

/* The create/edit form. p holds current values; typed (or NULL) what the user
 * sent, shown as is in the text fields so that nothing typed is lost on an error. */
static void edit_form(struct req *r, store *s, int status, const struct post *p, const struct form_errors *e,
		      bool preview, const struct post_input *typed)
{
	int nd;
	struct select_option *depts = dept_options_for(r, s, ROLE_EDITOR, &nd);
	int64_t now = now_s();
	page_begin(r, TR(r, p->id ? "editor.edit" : "editor.new"));
	h_printf(&r->out, "<h1>%s</h1>", TR(r, p->id ? "editor.edit" : "editor.new"));
	if (p->id)
		h_printf(&r->out, "<p class=\"meta\">%s: %s · <a href=\"%s\">%s</a></p>", TR(r, "post.status"),
			 TR(r, post_state_key(p, now)), post_path(r->a, p), TR(r, "editor.view"));
	if (kv_get(&r->query, "saved"))
		h_printf(&r->out, "<p class=\"notice ok\" role=\"status\">%s</p>", TR(r, "editor.saved"));
	if (preview && !(e && e->n)) {
		h_printf(&r->out, "<section class=\"preview\" aria-label=\"%s\"><p class=\"meta\">%s</p>", TR(r, "editor.preview"),
			 TR(r, "editor.preview"));
		post_render(r, s, p);
		h_raw(&r->out, "</section>");
	}
	f_errors_summary(r, e);
	if (p->id)
		h_printf(&r->out, "<form method=\"post\" action=\"/staff/posts/%lld\" enctype=\"multipart/form-data\">", (long long)p->id);
	else
		h_raw(&r->out, "<form method=\"post\" action=\"/staff/posts\" enctype=\"multipart/form-data\">");
	f_csrf(r);
	f_input(r, e, "title", "post.title", "text", typed && typed->title ? typed->title : p->title,
		"required maxlength=\"200\"");
	struct select_option kinds[5];
	for (int i = 0; post_kinds[i]; i++)
		kinds[i] = (struct select_option){post_kinds[i], arena_printf(r->a, "kind.%s", post_kinds[i]), NULL};
	kinds[4] = (struct select_option){NULL, NULL, NULL};
	f_select(r, e, "kind", "post.kind", kinds, p->kind);
	f_select(r, e, "dept", "post.department", depts, p->dept_id ? arena_printf(r->a, "%lld", (long long)p->dept_id) : NULL);
	static const struct select_option langs[] = {{"ar", NULL, "العربية"}, {"fr", NULL, "Français"}, {"en", NULL, "English"}, {NULL, NULL, NULL}};
	f_select(r, e, "lang", "post.lang", langs, p->lang ? p->lang : r->lang);
	f_textarea(r, e, "summary", "post.summary", typed && typed->summary ? typed->summary : p->summary, 2);
	f_textarea(r, e, "body", "post.body", typed && typed->body ? typed->body : p->body, 14);
	strbuf tags = STRBUF_INIT;
	if (typed && typed->tags)
		sb_puts(&tags, typed->tags);
	else
		for (int i = 0; i < p->ntags; i++)
			sb_printf(&tags, "%s%s", i ? ", " : "", p->tags[i]);
	f_input(r, e, "tags", "post.tags", "text", sb_str(&tags), NULL);
	sb_free(&tags);
	char when[32] = "";
	if (p->publish_at) {
		struct tm tm;
		time_t t = (time_t)p->publish_at;
		localtime_r(&t, &tm);
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M", &tm);
	}
	f_input(r, e, "publish_at", "post.publish_at", "datetime-local",
		typed && typed->publish_at && *typed->publish_at ? typed->publish_at : when, NULL);
	if (p->cover)
		h_printf(&r->out, "<input type=\"hidden\" name=\"cover_keep\" value=\"%s\"><p><img class=\"cover\" src=\"/media/%s\" alt=\"\" width=\"160\"></p>",
			 p->cover, p->cover);
	h_printf(&r->out, "<div class=\"field\"><label><input type=\"checkbox\" name=\"comments_enabled\" value=\"1\"%s> %s</label></div>",
		 p->comments_enabled ? " checked" : "", TR(r, "comments.enable_on_post"));
	f_input(r, e, "cover", "post.cover", "file", NULL, "accept=\"image/png,image/jpeg,image/webp,image/gif\"");
	h_printf(&r->out, "<div class=\"actions\"><button name=\"action\" value=\"save\">%s</button>"
			  "<button name=\"action\" value=\"preview\" class=\"secondary\">%s</button>"
			  "<button name=\"action\" value=\"publish\" class=\"secondary\">%s</button></div></form>",
		 TR(r, "editor.save_draft"), TR(r, "editor.preview"), TR(r, "editor.publish"));
	if (p->id) {
		h_raw(&r->out, "<div class=\"actions\">");
		static const char *const actions[] = {"unpublish", "archive", "delete"};
		for (int i = 0; i < 3; i++) {
			h_printf(&r->out, "<form method=\"post\" action=\"/staff/posts/%lld/%s\" class=\"inline\">", (long long)p->id, actions[i]);
			f_csrf(r);
			h_printf(&r->out, "<button class=\"secondary\">%s</button></form> ", TR(r, arena_printf(r->a, "editor.%s", actions[i])));
		}
		h_raw(&r->out, "</div>");
	}
	page_end(r);
	resp_html(r, status);
}

static void new_get(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	struct post p = {0};
	edit_form(r, s, 200, &p, NULL, false, NULL);
}

static void edit_get(struct req *r)
{
	store *s = req_store(r);
	struct post p;
	if (!s)
		return;
	if (!post_load(s, r->a, req_param_id(r, 0), &p)) {
		resp_error(r, 404, "error.not_found");
		return;
	}
	if (!principal_can(req_who(r), ROLE_EDITOR, p.dept_id)) {
		resp_error(r, 403, "error.forbidden");
		return;
	}
	edit_form(r, s, 200, &p, NULL, false, NULL);
}

/* Create (id 0) or update from the multipart form; action save/preview/publish. */
static void save_post(struct req *r, int64_t id)
{
	store *s = req_store(r);
	if (!s)
		return;
	struct post p = {0};
	struct principal *who = req_who(r);
	if (id) {
		if (!post_load(s, r->a, id, &p)) {
			resp_error(r, 404, "error.not_found");
			return;
		}
		if (!principal_can(who, ROLE_EDITOR, p.dept_id)) {
			resp_error(r, 403, "error.forbidden");
			return;
		}
	}
	struct form_errors e = {0};
	struct post_input in = {
		.title = kv_get(&r->form, "title"), .kind = kv_get(&r->form, "kind"), .lang = kv_get(&r->form, "lang"),
		.summary = kv_get(&r->form, "summary"), .body = kv_get(&r->form, "body"), .tags = kv_get(&r->form, "tags"),
		.dept = kv_get(&r->form, "dept"), .publish_at = kv_get(&r->form, "publish_at"),
		.comments_enabled = kv_get(&r->form, "comments_enabled") ? "1" : "0",
	};
	if (!in.summary)
		in.summary = "";
	if (!in.tags)
		in.tags = "";
	const char *keep = kv_get(&r->form, "cover_keep");
	if (keep && media_name_valid(keep))
		in.cover = keep;
	for (struct upload *u = r->uploads; u; u = u->next) {
		if (strcmp(u->field, "cover") || u->len == 0)
			continue;
		char name[80];
		const char *err = NULL;
		if (media_store(r->cfg, u->data, u->len, name, &err))
			in.cover = arena_strdup(r->a, name);
		else
			form_error(&e, "cover", err);
	}
	if (!post_apply_input(s, r->a, &in, &p, &e) || e.n) {
		edit_form(r, s, 422, &p, &e, false, &in);
		return;
	}
	if (!principal_can(who, ROLE_EDITOR, p.dept_id)) {
		form_error(&e, "dept", "error.forbidden");
		edit_form(r, s, 403, &p, &e, false, &in);
		return;
	}
	const char *action = kv_get(&r->form, "action");
	if (action && !strcmp(action, "preview")) {
		edit_form(r, s, 200, &p, NULL, true, &in);
		return;
	}
	bool publish = action && !strcmp(action, "publish");
	if (publish) {
		p.status = POST_PUBLISHED;
		/* A time typed by the editor schedules it; otherwise now (or, when it
		 * was published before, its first publication time is kept). */
		if (!(in.publish_at && *in.publish_at) && !p.publish_at)
			p.publish_at = now_s();
	}
	if (!id) {
		p.author_id = who->user_id;
		if (!publish)
			p.status = POST_DRAFT;
		if (post_insert(s, &p) < 0) {
			resp_error(r, 503, "error.unavailable");
			return;
		}
	} else if (!post_save(s, &p)) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	audit_record(r, s, id ? (publish ? "post.update_publish" : "post.update") : (publish ? "post.create_publish" : "post.create"),
		     "post", p.id, p.title);
	page_cache_bump();
	resp_redirect(r, arena_printf(r->a, "/staff/posts/%lld/edit?saved=1", (long long)p.id));
}

static void create_post(struct req *r) { save_post(r, 0); }
static void update_post(struct req *r) { save_post(r, req_param_id(r, 0)); }

/* unpublish / archive / delete, shared. */
static void status_action(struct req *r, const char *what)
{
	store *s = req_store(r);
	struct post p;
	if (!s)
		return;
	if (!post_load(s, r->a, req_param_id(r, 0), &p)) {
		resp_error(r, 404, "error.not_found");
		return;
	}
	if (!principal_can(req_who(r), ROLE_EDITOR, p.dept_id)) {
		resp_error(r, 403, "error.forbidden");
		return;
	}
	bool ok;
	if (!strcmp(what, "delete"))
		ok = post_delete(s, p.id);
	else
		ok = post_set_status(s, p.id, !strcmp(what, "archive") ? POST_ARCHIVED : POST_UNPUBLISHED, 0);
	if (!ok) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	audit_record(r, s, arena_printf(r->a, "post.%s", what), "post", p.id, p.title);
	page_cache_bump();
	resp_redirect(r, !strcmp(what, "delete") ? "/staff/posts" : arena_printf(r->a, "/staff/posts/%lld/edit", (long long)p.id));
}

static void unpublish_post(struct req *r) { status_action(r, "unpublish"); }
static void archive_post(struct req *r) { status_action(r, "archive"); }
static void delete_post(struct req *r) { status_action(r, "delete"); }

void posts_editor_routes(void)
{
	static const struct route routes[] = {
		{"GET", "/staff/posts", staff_list, ACCESS_ROLE, ROLE_EDITOR, 0, "editor: a department's posts"},
		{"GET", "/staff/posts/new", new_get, ACCESS_ROLE, ROLE_EDITOR, 0, "editor: new post form"},
		{"POST", "/staff/posts", create_post, ACCESS_ROLE, ROLE_EDITOR, ROUTE_MULTIPART, "editor: create, preview or publish"},
		{"GET", "/staff/posts/:id/edit", edit_get, ACCESS_ROLE, ROLE_EDITOR, 0, "editor: edit form"},
		{"POST", "/staff/posts/:id", update_post, ACCESS_ROLE, ROLE_EDITOR, ROUTE_MULTIPART, "editor: save, preview or publish"},
		{"POST", "/staff/posts/:id/unpublish", unpublish_post, ACCESS_ROLE, ROLE_EDITOR, ROUTE_FORM, "editor: unpublish"},
		{"POST", "/staff/posts/:id/archive", archive_post, ACCESS_ROLE, ROLE_EDITOR, ROUTE_FORM, "editor: archive"},
		{"POST", "/staff/posts/:id/delete", delete_post, ACCESS_ROLE, ROLE_EDITOR, ROUTE_FORM, "editor: delete"},
	};
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		route_add(&routes[i]);
}
