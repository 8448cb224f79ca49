/* Consultation pages: the public list (open first) and page with its comment
 * thread; the staff list, create/edit form with documents, and close form. */
#include "web/page.h"
#include "features/consultations/internal.h"
#include "features/accounts/accounts.h"
#include "features/audit/audit.h"
#include "features/comments/comments.h"
#include "features/media/media.h"
#include "core/util.h"
#include "http/urlenc.h"
#include <string.h>

static const char *dept_label(store *s, arena *a, int64_t id, const char *lang)
{
	struct department d;
	return dept_get(s, a, id, &d) ? dept_name(&d, lang) : "";
}

static void when(struct req *r, int64_t t)
{
	h_raw(&r->out, "<time>");
	fmt_date(&r->out, r->lang, (time_t)t, true);
	h_raw(&r->out, "</time>");
}

static void status_chip(struct req *r, enum consult_status st)
{
	h_printf(&r->out, "<span class=\"chip consult-%s\">%s</span>", consult_status_name(st),
		 TR(r, arena_printf(r->a, "consult.status_%s", consult_status_name(st))));
}

static void list_page(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	struct consult_filter f = {.status = CONSULT_LIST_PUBLIC, .cursor = kv_get(&r->query, "cursor"), .limit = 20};
	const char *dept = kv_get(&r->query, "dept");
	if (dept && *dept && !(f.dept_id = dept_by_slug(s, dept))) {
		resp_error(r, 404, "error.not_found");
		return;
	}
	int64_t now = now_s();
	struct consultation *cs;
	const char *next;
	int n = consultation_list(s, r->a, &f, now, &cs, &next);
	if (n < 0) {
		resp_error(r, 400, "error.bad_request");
		return;
	}
	page_begin(r, TR(r, "consult.title"));
	h_printf(&r->out, "<h1>%s</h1><p>%s</p>", TR(r, "consult.title"), TR(r, "consult.intro"));
	if (principal_can(req_who(r), ROLE_EDITOR, 0))
		h_printf(&r->out, "<p class=\"actions\"><a class=\"button\" href=\"/staff/consultations\">%s</a></p>",
			 TR(r, "consult.staff_title"));
	if (n == 0)
		h_printf(&r->out, "<p>%s</p>", TR(r, "consult.none"));
	h_raw(&r->out, "<ul class=\"post-list\">");
	for (int i = 0; i < n; i++) {
		struct consultation *c = &cs[i];
		enum consult_status st = consultation_status(c, now);
		h_printf(&r->out, "<li lang=\"%s\" dir=\"%s\">", c->lang, lang_dir(c->lang));
		status_chip(r, st);
		h_printf(&r->out, "<h2><a href=\"%s\">%s</a></h2><p class=\"meta\" lang=\"%s\" dir=\"%s\">%s · ",
			 consultation_path(r->a, c), c->title, r->lang, lang_dir(r->lang), dept_label(s, r->a, c->dept_id, r->lang));
		h_printf(&r->out, "%s ", TR(r, st == CONSULT_UPCOMING ? "consult.opens" : st == CONSULT_OPEN ? "consult.closes" : "consult.closed_on"));
		when(r, st == CONSULT_UPCOMING ? c->opens_at : c->closes_at);
		h_raw(&r->out, "</p></li>");
	}
	h_raw(&r->out, "</ul>");
	if (next)
		h_printf(&r->out, "<nav class=\"pager\"><a rel=\"next\" href=\"/consultations?cursor=%s%s%s\">%s</a></nav>",
			 url_encode(r->a, next), dept ? "&dept=" : "", dept ? url_encode(r->a, dept) : "", TR(r, "pager.older"));
	page_end(r);
	resp_cacheable(r, 30);
	resp_html(r, 200);
}

/* Shared with the editor's view. */
static void render(struct req *r, store *s, const struct consultation *c, int64_t now)
{
	enum consult_status st = consultation_status(c, now);
	h_printf(&r->out, "<article lang=\"%s\" dir=\"%s\"><p>", c->lang, lang_dir(c->lang));
	status_chip(r, st);
	h_printf(&r->out, "</p><h1>%s</h1><p class=\"meta\" lang=\"%s\" dir=\"%s\">%s · %s ", c->title, r->lang,
		 lang_dir(r->lang), dept_label(s, r->a, c->dept_id, r->lang), TR(r, "consult.opens_at"));
	when(r, c->opens_at);
	h_printf(&r->out, " · %s ", TR(r, "consult.closes_at"));
	when(r, c->closes_at);
	h_raw(&r->out, "</p>");
	if (st == CONSULT_CLOSED && c->summary_html && *c->summary_html) {
		h_printf(&r->out, "<section class=\"summary\"><h2>%s</h2>", TR(r, "consult.summary"));
		h_raw(&r->out, c->summary_html); /* cmark safe mode */
		h_raw(&r->out, "</section>");
	}
	h_raw(&r->out, "<div class=\"body\">");
	h_raw(&r->out, c->body_html); /* cmark safe mode */
	h_raw(&r->out, "</div>");
	if (c->ndocs) {
		h_printf(&r->out, "<h2>%s</h2><ul class=\"docs\">", TR(r, "consult.documents"));
		for (int i = 0; i < c->ndocs; i++)
			h_printf(&r->out, "<li><a href=\"/media/%s\">%s</a></li>", c->docs[i].name, c->docs[i].title);
		h_raw(&r->out, "</ul>");
	}
	if (c->allow_proposals) {
		h_printf(&r->out, "<p class=\"notice\">%s", TR(r, "consult.proposals_open"));
		if (c->support_threshold)
			h_printf(&r->out, " %s", T_fill(r->a, TR(r, "consult.threshold_is"), 1,
							 (const char *[]){arena_printf(r->a, "%lld", (long long)c->support_threshold)}));
		h_raw(&r->out, "</p>");
	}
	h_raw(&r->out, "</article>");
}

static void show(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	struct consultation c;
	int64_t id = req_param_id(r, 0);
	if (!id || !consultation_get(s, r->a, id, &c)) {
		resp_error(r, 404, "error.not_found");
		return;
	}
	bool staff = principal_can(req_who(r), ROLE_EDITOR, c.dept_id);
	if (!c.published && !staff) {
		resp_error(r, 404, "error.not_found");
		return;
	}
	int64_t now = now_s();
	page_begin(r, c.title);
	if (!c.published)
		h_printf(&r->out, "<p class=\"notice\">%s</p>", TR(r, "consult.draft_notice"));
	render(r, s, &c, now);
	if (staff)
		h_printf(&r->out, "<p class=\"actions\"><a class=\"button\" href=\"/staff/consultations/%lld/edit\">%s</a></p>",
			 (long long)c.id, TR(r, "form.edit"));
	comments_section(r, s, "consultation", c.id);
	page_end(r);
	if (c.published) {
		/* until the status changes at the next opening or closing time */
		int64_t edge = now < c.opens_at ? c.opens_at : now < c.closes_at ? c.closes_at : now + 60;
		int64_t ttl = edge - now;
		resp_cacheable(r, ttl < 1 ? 1 : ttl > 60 ? 60 : (int)ttl);
	}
	resp_html(r, 200);
}

/* ---- staff ---- */

static void staff_list(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	int nd;
	struct select_option *depts = dept_options_for(r, s, ROLE_EDITOR, &nd);
	int64_t dept_id = 0;
	const char *dept = kv_get(&r->query, "dept");
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
	struct consult_filter f = {.status = CONSULT_LIST_STAFF, .dept_id = dept_id, .cursor = kv_get(&r->query, "cursor"), .limit = 50};
	struct consultation *cs;
	const char *next;
	int64_t now = now_s();
	int n = consultation_list(s, r->a, &f, now, &cs, &next);
	if (n < 0) {
		resp_error(r, 400, "error.bad_request");
		return;
	}
	page_begin(r, TR(r, "consult.staff_title"));
	h_printf(&r->out, "<h1>%s</h1><p class=\"actions\"><a class=\"button\" href=\"/staff/consultations/new\">%s</a></p>",
		 TR(r, "consult.staff_title"), TR(r, "consult.new"));
	h_raw(&r->out, "<form method=\"get\" action=\"/staff/consultations\" class=\"filters\">");
	f_select(r, NULL, "dept", "consult.department", depts, arena_printf(r->a, "%lld", (long long)dept_id));
	h_printf(&r->out, "<button>%s</button></form>", TR(r, "filter.apply"));
	h_printf(&r->out, "<div class=\"table-wrap\"><table><thead><tr><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
		 TR(r, "consult.field_title"), TR(r, "consult.status"), TR(r, "consult.closes_at"));
	for (int i = 0; i < n; i++) {
		h_printf(&r->out, "<tr><td lang=\"%s\" dir=\"%s\"><a href=\"/staff/consultations/%lld/edit\">%s</a></td><td>",
			 cs[i].lang, lang_dir(cs[i].lang), (long long)cs[i].id, cs[i].title);
		status_chip(r, consultation_status(&cs[i], now));
		h_raw(&r->out, "</td><td>");
		when(r, cs[i].closes_at);
		h_raw(&r->out, "</td></tr>");
	}
	h_raw(&r->out, "</tbody></table></div>");
	if (next)
		h_printf(&r->out, "<nav class=\"pager\"><a href=\"/staff/consultations?dept=%lld&cursor=%s\">%s</a></nav>",
			 (long long)dept_id, url_encode(r->a, next), TR(r, "pager.older"));
	page_end(r);
	resp_html(r, 200);
}

static const char *local_time(arena *a, int64_t t)
{
	if (!t)
		return "";
	char buf[32];
	struct tm tm;
	time_t tt = (time_t)t;
	localtime_r(&tt, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M", &tm);
	return arena_strdup(a, buf);
}

static void edit_form(struct req *r, store *s, int status, const struct consultation *c, const struct form_errors *e,
		      const struct consult_input *typed)
{
	int nd;
	struct select_option *depts = dept_options_for(r, s, ROLE_EDITOR, &nd);
	int64_t now = now_s();
	page_begin(r, TR(r, c->id ? "consult.edit" : "consult.new"));
	h_printf(&r->out, "<h1>%s</h1>", TR(r, c->id ? "consult.edit" : "consult.new"));
	if (c->id) {
		h_printf(&r->out, "<p class=\"meta\">%s: ", TR(r, "consult.status"));
		status_chip(r, consultation_status(c, now));
		h_printf(&r->out, " · <a href=\"%s\">%s</a></p>", consultation_path(r->a, c), TR(r, "editor.view"));
	}
	if (kv_get(&r->query, "saved"))
		h_printf(&r->out, "<p class=\"notice ok\" role=\"status\">%s</p>", TR(r, "editor.saved"));
	f_errors_summary(r, e);
	if (c->id)
		h_printf(&r->out, "<form method=\"post\" action=\"/staff/consultations/%lld\" enctype=\"multipart/form-data\">", (long long)c->id);
	else
		h_raw(&r->out, "<form method=\"post\" action=\"/staff/consultations\" enctype=\"multipart/form-data\">");
	f_csrf(r);
	f_input(r, e, "title", "consult.field_title", "text", typed && typed->title ? typed->title : c->title, "required maxlength=\"200\"");
	f_select(r, e, "dept", "consult.department", depts, c->dept_id ? arena_printf(r->a, "%lld", (long long)c->dept_id) : NULL);
	static const struct select_option langs[] = {{"ar", NULL, "العربية"}, {"fr", NULL, "Français"}, {"en", NULL, "English"}, {NULL, NULL, NULL}};
	f_select(r, e, "lang", "post.lang", langs, c->lang ? c->lang : r->lang);
	f_textarea(r, e, "body", "consult.body", typed && typed->body ? typed->body : c->body, 12);
	f_input(r, e, "opens_at", "consult.opens_at", "datetime-local",
		typed && typed->opens_at ? typed->opens_at : local_time(r->a, c->opens_at), "required");
	f_input(r, e, "closes_at", "consult.closes_at", "datetime-local",
		typed && typed->closes_at ? typed->closes_at : local_time(r->a, c->closes_at), "required");
	h_printf(&r->out, "<fieldset><legend>%s</legend><div class=\"field\"><label><input type=\"checkbox\" name=\"allow_proposals\""
			  " value=\"1\"%s> %s</label></div>", TR(r, "consult.proposal_space"), c->allow_proposals ? " checked" : "",
		 TR(r, "consult.allow_proposals"));
	f_input(r, e, "support_threshold", "consult.support_threshold", "number",
		typed && typed->support_threshold ? typed->support_threshold : arena_printf(r->a, "%lld", (long long)c->support_threshold),
		"min=\"0\"");
	f_input(r, e, "proposals_deadline", "consult.proposals_deadline", "datetime-local",
		typed && typed->proposals_deadline ? typed->proposals_deadline : local_time(r->a, c->proposals_deadline), NULL);
	h_raw(&r->out, "</fieldset>");
	if (c->ndocs) {
		h_printf(&r->out, "<fieldset><legend>%s</legend>", TR(r, "consult.documents"));
		for (int i = 0; i < c->ndocs; i++)
			h_printf(&r->out, "<div class=\"field\"><label><input type=\"checkbox\" name=\"doc_keep\" value=\"%s|%s\" checked> "
					  "<a href=\"/media/%s\">%s</a></label></div>", c->docs[i].name, c->docs[i].title,
				 c->docs[i].name, c->docs[i].title);
		h_raw(&r->out, "</fieldset>");
	}
	f_input(r, e, "documents", "consult.add_documents", "file", NULL, "multiple accept=\"application/pdf,image/png,image/jpeg,image/webp,image/gif\"");
	h_printf(&r->out, "<div class=\"actions\"><button name=\"action\" value=\"save\">%s</button>"
			  "<button name=\"action\" value=\"publish\" class=\"secondary\">%s</button></div></form>",
		 TR(r, c->published ? "form.save" : "editor.save_draft"), TR(r, "editor.publish"));
	if (c->id && c->published) {
		enum consult_status st = consultation_status(c, now);
		h_printf(&r->out, "<h2>%s</h2><form method=\"post\" action=\"/staff/consultations/%lld/close\">",
			 TR(r, st == CONSULT_CLOSED ? "consult.summary" : "consult.close"), (long long)c->id);
		f_csrf(r);
		f_textarea(r, e, "summary", "consult.summary", typed && typed->summary ? typed->summary : c->summary, 6);
		h_printf(&r->out, "<button>%s</button></form>", TR(r, st == CONSULT_CLOSED ? "consult.save_summary" : "consult.close_now"));
	}
	page_end(r);
	resp_html(r, status);
}

static void new_get(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	struct consultation c = {0};
	edit_form(r, s, 200, &c, NULL, NULL);
}

/* Loads :id and checks the editor role in its department (answers otherwise). */
static bool load_staff(struct req *r, store *s, struct consultation *c)
{
	int64_t id = req_param_id(r, 0);
	if (!id || !consultation_get(s, r->a, id, c)) {
		resp_error(r, 404, "error.not_found");
		return false;
	}
	if (!principal_can(req_who(r), ROLE_EDITOR, c->dept_id)) {
		resp_error(r, 403, "error.forbidden");
		return false;
	}
	return true;
}

static void edit_get(struct req *r)
{
	store *s = req_store(r);
	struct consultation c;
	if (!s || !load_staff(r, s, &c))
		return;
	edit_form(r, s, 200, &c, NULL, NULL);
}

/* Documents kept ("name|title" checkboxes) and uploaded; errors to e. */
static void take_documents(struct req *r, struct consultation *c, struct form_errors *e)
{
	struct consult_doc *docs = arena_alloc(r->a, sizeof *docs * CONSULT_DOCS_MAX);
	int n = 0;
	for (int i = 0; i < r->form.n; i++) {
		if (strcmp(r->form.items[i].name, "doc_keep"))
			continue;
		const char *v = r->form.items[i].value, *bar = strchr(v, '|');
		if (!bar || n == CONSULT_DOCS_MAX)
			continue;
		char *name = arena_strndup(r->a, v, (size_t)(bar - v));
		if (media_name_valid(name))
			docs[n++] = (struct consult_doc){name, bar[1] ? bar + 1 : name};
	}
	for (struct upload *u = r->uploads; u; u = u->next) {
		if (strcmp(u->field, "documents") || u->len == 0)
			continue;
		if (n == CONSULT_DOCS_MAX) {
			form_error(e, "documents", "consult.too_many_documents");
			break;
		}
		char name[80];
		const char *err = NULL;
		if (!media_store_document(r->cfg, u->data, u->len, name, &err)) {
			form_error(e, "documents", err);
			continue;
		}
		const char *title = u->filename && *u->filename && utf8_valid_text(u->filename, strlen(u->filename)) ? u->filename : name;
		if (utf8_length(title) > 120)
			title = name;
		docs[n++] = (struct consult_doc){arena_strdup(r->a, name), arena_strdup(r->a, title)};
	}
	c->docs = docs;
	c->ndocs = n;
}

static void save(struct req *r, int64_t id)
{
	store *s = req_store(r);
	if (!s)
		return;
	struct consultation c = {0};
	struct principal *who = req_who(r);
	if (id && !load_staff(r, s, &c))
		return;
	struct form_errors e = {0};
	struct consult_input in = {
		.title = kv_get(&r->form, "title"), .lang = kv_get(&r->form, "lang"), .body = kv_get(&r->form, "body"),
		.dept = kv_get(&r->form, "dept"), .opens_at = kv_get(&r->form, "opens_at"), .closes_at = kv_get(&r->form, "closes_at"),
		.allow_proposals = kv_get(&r->form, "allow_proposals") ? kv_get(&r->form, "allow_proposals") : "0",
		.support_threshold = kv_get(&r->form, "support_threshold"), .proposals_deadline = kv_get(&r->form, "proposals_deadline"),
	};
	take_documents(r, &c, &e);
	if (!consult_apply_input(s, r->a, &in, &c, &e) || e.n) {
		edit_form(r, s, 422, &c, &e, &in);
		return;
	}
	if (!principal_can(who, ROLE_EDITOR, c.dept_id)) {
		form_error(&e, "dept", "error.forbidden");
		edit_form(r, s, 403, &c, &e, &in);
		return;
	}
	const char *action = kv_get(&r->form, "action");
	bool publish = action && !strcmp(action, "publish");
	if (publish)
		c.published = true;
	if (!id) {
		c.author_id = who->user_id;
		if (consult_insert(s, &c) < 0) {
			resp_error(r, 503, "error.unavailable");
			return;
		}
	} else if (!consult_save(s, &c)) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	audit_record(r, s, id ? (publish ? "consultation.update_publish" : "consultation.update")
			      : (publish ? "consultation.create_publish" : "consultation.create"), "consultation", c.id, c.title);
	page_cache_bump();
	resp_redirect(r, arena_printf(r->a, "/staff/consultations/%lld/edit?saved=1", (long long)c.id));
}

static void create_post(struct req *r) { save(r, 0); }
static void update_post(struct req *r) { save(r, req_param_id(r, 0)); }

static void close_post(struct req *r)
{
	store *s = req_store(r);
	struct consultation c;
	if (!s || !load_staff(r, s, &c))
		return;
	if (!c.published) {
		resp_error(r, 409, "consult.close_draft");
		return;
	}
	const char *summary = kv_get(&r->form, "summary");
	struct form_errors e = {0};
	struct consult_input in = {.summary = summary ? summary : ""};
	if (!consult_apply_input(s, r->a, &in, &c, &e)) {
		edit_form(r, s, 422, &c, &e, &in);
		return;
	}
	int64_t now = now_s();
	bool was_closed = consultation_status(&c, now) == CONSULT_CLOSED;
	if (!consult_close(s, c.id, now, c.summary, c.summary_html)) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	audit_record(r, s, was_closed ? "consultation.summary" : "consultation.close", "consultation", c.id, c.title);
	page_cache_bump();
	resp_redirect(r, arena_printf(r->a, "/staff/consultations/%lld/edit?saved=1", (long long)c.id));
}

/* ---- comments on consultations ---- */

static bool resolve(store *s, arena *a, int64_t id, const struct principal *who, struct comment_target_info *out)
{
	struct consultation c;
	if (!consultation_get(s, a, id, &c))
		return false;
	enum consult_status st = consultation_status(&c, now_s());
	out->visible = c.published || principal_can(who, ROLE_EDITOR, c.dept_id);
	out->open = st == CONSULT_OPEN;
	out->closed_key = st == CONSULT_UPCOMING ? "consult.comments_not_yet" : st == CONSULT_DRAFT ? "consult.comments_draft"
			  : "consult.comments_closed";
	out->dept_id = c.dept_id;
	out->title = c.title;
	out->path = consultation_path(a, &c);
	return true;
}

static const struct comment_target consultation_target = {"consultation", resolve};

void consultations_init(void)
{
	comments_register_target(&consultation_target);
}

void consultations_pages_routes(void)
{
	static const struct route routes[] = {
		{"GET", "/consultations", list_page, ACCESS_ANYONE, 0, ROUTE_CACHE, "consultations, open first"},
		{"GET", "/consultations/:id", show, ACCESS_ANYONE, 0, ROUTE_CACHE, "one consultation and its comments"},
		{"GET", "/staff/consultations", staff_list, ACCESS_ROLE, ROLE_EDITOR, 0, "staff: a department's consultations"},
		{"GET", "/staff/consultations/new", new_get, ACCESS_ROLE, ROLE_EDITOR, 0, "staff: new consultation form"},
		{"POST", "/staff/consultations", create_post, ACCESS_ROLE, ROLE_EDITOR, ROUTE_MULTIPART, "staff: create (draft or published)"},
		{"GET", "/staff/consultations/:id/edit", edit_get, ACCESS_ROLE, ROLE_EDITOR, 0, "staff: edit form"},
		{"POST", "/staff/consultations/:id", update_post, ACCESS_ROLE, ROLE_EDITOR, ROUTE_MULTIPART, "staff: save or publish"},
		{"POST", "/staff/consultations/:id/close", close_post, ACCESS_ROLE, ROLE_EDITOR, ROUTE_FORM, "staff: close and/or write the summary"},
	};
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		route_add(&routes[i]);
}
