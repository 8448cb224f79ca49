/* Admin pages: departments, staff and their roles, API tokens. Site admins
 * manage everything; a department admin manages roles in their department. */
#include "features/accounts/accounts.h"
#include "features/audit/audit.h"
#include "core/util.h"
#include "web/page.h"
#include <string.h>

static void admin_home(struct req *r)
{
	struct principal *p = req_who(r);
	page_begin(r, TR(r, "admin.title"));
	h_printf(&r->out, "<h1>%s</h1><ul>", TR(r, "admin.title"));
	h_printf(&r->out, "<li><a href=\"/admin/staff\">%s</a></li><li><a href=\"/admin/categories\">%s</a></li>"
			  "<li><a href=\"/admin/sla\">%s</a></li><li><a href=\"/admin/templates\">%s</a></li>",
		 TR(r, "admin.staff"), TR(r, "admin.categories"), TR(r, "admin.sla"), TR(r, "admin.templates"));
	if (p->site_admin)
		h_printf(&r->out, "<li><a href=\"/admin/departments\">%s</a></li><li><a href=\"/admin/calendar\">%s</a></li>"
				  "<li><a href=\"/admin/participation\">%s</a></li><li><a href=\"/staff/accounts\">%s</a></li>"
				  "<li><a href=\"/admin/tokens\">%s</a></li><li><a href=\"/admin/jobs\">%s</a></li>"
				  "<li><a href=\"/admin/audit\">%s</a></li>",
			 TR(r, "admin.departments"), TR(r, "admin.calendar"), TR(r, "admin.participation"),
			 TR(r, "admin.accounts"), TR(r, "admin.tokens"), TR(r, "jobs.title"),
			 TR(r, "audit.title"));
	h_raw(&r->out, "</ul>");
	page_end(r);
	resp_html(r, 200);
}

/* ---- departments (site admin) ---- */

static bool valid_slug(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 2 || n > 40)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

static bool valid_name(const char *s)
{
	size_t n = s ? utf8_length(s) : 0;
	return n >= 2 && n <= 120;
}

static void departments_page(struct req *r, int status, const struct form_errors *e)
{
	store *s = req_store(r);
	if (!s)
		return;
	struct department *d;
	int n = dept_list(s, r->a, &d);
	page_begin(r, TR(r, "admin.departments"));
	h_printf(&r->out, "<h1>%s</h1><div class=\"table-wrap\"><table><thead><tr><th>%s</th><th>العربية</th>"
			  "<th>Français</th><th>English</th><th></th></tr></thead><tbody>",
		 TR(r, "admin.departments"), TR(r, "dept.slug"));
	for (int i = 0; i < n; i++) {
		h_printf(&r->out, "<tr><td>%s</td><td colspan=\"4\"><form method=\"post\" action=\"/admin/departments/%lld\" class=\"filters\">",
			 d[i].slug, (long long)d[i].id);
		f_csrf(r);
		h_printf(&r->out, "<input name=\"name_ar\" value=\"%s\" aria-label=\"العربية\" dir=\"rtl\">"
				  "<input name=\"name_fr\" value=\"%s\" aria-label=\"Français\" dir=\"ltr\">"
				  "<input name=\"name_en\" value=\"%s\" aria-label=\"English\" dir=\"ltr\">"
				  "<button>%s</button></form></td></tr>",
			 d[i].name_ar, d[i].name_fr, d[i].name_en, TR(r, "form.save"));
	}
	h_printf(&r->out, "</tbody></table></div><h2>%s</h2>", TR(r, "dept.new"));
	f_errors_summary(r, e);
	h_raw(&r->out, "<form method=\"post\" action=\"/admin/departments\">");
	f_csrf(r);
	f_input(r, e, "slug", "dept.slug", "text", kv_get(&r->form, "slug"), "required pattern=\"[a-z0-9-]{2,40}\" dir=\"ltr\"");
	f_input(r, e, "name_ar", "dept.name_ar", "text", kv_get(&r->form, "name_ar"), "required dir=\"rtl\"");
	f_input(r, e, "name_fr", "dept.name_fr", "text", kv_get(&r->form, "name_fr"), "required dir=\"ltr\"");
	f_input(r, e, "name_en", "dept.name_en", "text", kv_get(&r->form, "name_en"), "required dir=\"ltr\"");
	h_printf(&r->out, "<button>%s</button></form>", TR(r, "form.create"));
	page_end(r);
	resp_html(r, status);
}

static void departments_get(struct req *r) { departments_page(r, 200, NULL); }

static void check_names(struct req *r, struct form_errors *e)
{
	static const char *fields[] = {"name_ar", "name_fr", "name_en"};
	for (int i = 0; i < 3; i++)
		if (!valid_name(kv_get(&r->form, fields[i])))
			form_error(e, fields[i], "form.required");
}

static void departments_post(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	struct form_errors e = {0};
	const char *slug = kv_get(&r->form, "slug");
	if (!valid_slug(slug))
		form_error(&e, "slug", "dept.bad_slug");
	check_names(r, &e);
	int64_t id = 0;
	if (!e.n) {
		id = dept_create(s, slug, kv_get(&r->form, "name_ar"), kv_get(&r->form, "name_fr"), kv_get(&r->form, "name_en"));
		if (id == 0)
			form_error(&e, "slug", "dept.taken");
	}
	if (e.n || id < 0) {
		departments_page(r, id < 0 ? 503 : 422, &e);
		return;
	}
	audit_record(r, s, "department.create", "department", id, slug);
	page_cache_bump();
	resp_redirect(r, "/admin/departments");
}

static void department_update(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	int64_t id = req_param_id(r, 0);
	struct form_errors e = {0};
	check_names(r, &e);
	if (e.n) {
		departments_page(r, 422, &e);
		return;
	}
	if (!dept_update(s, id, kv_get(&r->form, "name_ar"), kv_get(&r->form, "name_fr"), kv_get(&r->form, "name_en"))) {
		resp_error(r, 404, "error.not_found");
		return;
	}
	audit_record(r, s, "department.update", "department", id, NULL);
	page_cache_bump();
	resp_redirect(r, "/admin/departments");
}

/* ---- staff and roles ---- */

/* Departments where p may grant roles: all for a site admin, else where p is admin. */
static bool may_manage(const struct principal *p, int64_t dept_id)
{
	return p->site_admin || principal_can(p, ROLE_ADMIN, dept_id);
}

static void staff_get(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	struct principal *p = req_who(r);
	struct department *d;
	int nd = dept_list(s, r->a, &d);
	page_begin(r, TR(r, "admin.staff"));
	h_printf(&r->out, "<h1>%s</h1><form method=\"get\" action=\"/admin/staff\" class=\"filters\">", TR(r, "admin.staff"));
	const char *q = kv_get(&r->query, "q");
	f_input(r, NULL, "q", "admin.find_user", "search", q, NULL);
	h_printf(&r->out, "<button>%s</button></form>", TR(r, "form.search"));
	/* Staff list (everyone with a role or site admin) plus search results. */
	store_stmt *st = store_prepare(s,
		"SELECT u.id, u.name, coalesce(u.email, u.phone), u.site_admin, u.disabled, "
		" (SELECT group_concat(ur.role || '@' || d.slug, ', ') FROM user_roles ur JOIN departments d ON d.id = ur.dept_id WHERE ur.user_id = u.id) "
		"FROM users u WHERE (?1 IS NULL AND (u.site_admin = 1 OR EXISTS (SELECT 1 FROM user_roles ur WHERE ur.user_id = u.id))) "
		" OR (?1 IS NOT NULL AND (u.email LIKE '%' || ?1 || '%' OR u.phone LIKE '%' || ?1 || '%' OR u.name LIKE '%' || ?1 || '%')) "
		"ORDER BY u.id LIMIT 200");
	h_printf(&r->out, "<div class=\"table-wrap\"><table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th></th></tr></thead><tbody>",
		 TR(r, "signup.name"), TR(r, "login.email"), TR(r, "admin.roles"));
	if (st) {
		store_bind_text(st, 1, q && *q ? q : NULL);
		while (store_step(st) == STORE_ROW)
			h_printf(&r->out, "<tr><td>%s%s</td><td>%s</td><td>%s%s</td><td><a href=\"/admin/users/%lld\">%s</a></td></tr>",
				 store_text(st, 1), store_int(st, 4) ? arena_printf(r->a, " (%s)", TR(r, "admin.disabled")) : "",
				 store_text(st, 2), store_int(st, 3) ? "site-admin " : "",
				 store_text(st, 5) ? store_text(st, 5) : "", (long long)store_int(st, 0), TR(r, "form.edit"));
		store_done(st);
	}
	h_raw(&r->out, "</tbody></table></div>");
	(void)nd;
	(void)p;
	page_end(r);
	resp_html(r, 200);
}

static void user_page(struct req *r, int status, const char *notice)
{
	store *s = req_store(r);
	if (!s)
		return;
	struct principal *p = req_who(r);
	struct user u;
	if (!user_get(s, r->a, req_param_id(r, 0), &u)) {
		resp_error(r, 404, "error.not_found");
		return;
	}
	struct grant *g;
	int ng = user_grants(s, r->a, u.id, &g);
	struct department *d;
	int nd = dept_list(s, r->a, &d);
	page_begin(r, u.name);
	h_printf(&r->out, "<h1>%s</h1><p>%s</p>", u.name, u.email ? u.email : u.phone);
	if (notice)
		h_printf(&r->out, "<p class=\"notice\" role=\"alert\">%s</p>", TR(r, notice));
	h_printf(&r->out, "<h2>%s</h2><ul>", TR(r, "admin.roles"));
	for (int i = 0; i < ng; i++) {
		const char *dname = "?";
		for (int k = 0; k < nd; k++)
			if (d[k].id == g[i].dept_id)
				dname = dept_name(&d[k], r->lang);
		h_printf(&r->out, "<li>%s — %s", TR(r, arena_printf(r->a, "role.%s", role_name(g[i].role))), dname);
		if (may_manage(p, g[i].dept_id)) {
			h_printf(&r->out, " <form method=\"post\" action=\"/admin/users/%lld/roles/remove\" class=\"inline\">", (long long)u.id);
			f_csrf(r);
			h_printf(&r->out, "<input type=\"hidden\" name=\"role\" value=\"%s\"><input type=\"hidden\" name=\"dept\" value=\"%lld\">"
					  "<button>%s</button></form>", role_name(g[i].role), (long long)g[i].dept_id, TR(r, "form.remove"));
		}
		h_raw(&r->out, "</li>");
	}
	h_printf(&r->out, "</ul><h2>%s</h2><form method=\"post\" action=\"/admin/users/%lld/roles\">", TR(r, "admin.add_role"), (long long)u.id);
	f_csrf(r);
	struct select_option roles[ROLE_COUNT];
	int nr = 0;
	for (int i = ROLE_AGENT; i < ROLE_COUNT; i++)
		roles[nr++] = (struct select_option){role_name((enum role)i), arena_printf(r->a, "role.%s", role_name((enum role)i)), NULL};
	roles[nr] = (struct select_option){NULL, NULL, NULL};
	f_select(r, NULL, "role", "admin.role", roles, NULL);
	struct select_option *depts = arena_alloc(r->a, sizeof *depts * (size_t)(nd + 1));
	int k = 0;
	for (int i = 0; i < nd; i++)
		if (may_manage(p, d[i].id))
			depts[k++] = (struct select_option){arena_printf(r->a, "%lld", (long long)d[i].id), NULL, dept_name(&d[i], r->lang)};
	f_select(r, NULL, "dept", "post.department", depts, NULL);
	h_printf(&r->out, "<button>%s</button></form>", TR(r, "form.add"));
	if (p->site_admin && u.id != p->user_id) {
		h_printf(&r->out, "<h2>%s</h2><form method=\"post\" action=\"/admin/users/%lld/%s\">", TR(r, "admin.account"),
			 (long long)u.id, u.disabled ? "enable" : "disable");
		f_csrf(r);
		h_printf(&r->out, "<button class=\"secondary\">%s</button></form>", TR(r, u.disabled ? "admin.enable" : "admin.disable"));
	}
	page_end(r);
	resp_html(r, status);
}

static void user_get_page(struct req *r) { user_page(r, 200, NULL); }

/* Reads role and dept from the form and checks the actor may manage that dept. */
static bool role_form(struct req *r, enum role *role, int64_t *dept)
{
	*role = role_parse(kv_get(&r->form, "role"));
	if (*role == ROLE_NONE || !parse_int64(kv_get(&r->form, "dept"), 1, INT64_MAX, dept)) {
		user_page(r, 422, "form.invalid_choice");
		return false;
	}
	if (!may_manage(req_who(r), *dept)) {
		resp_error(r, 403, "error.forbidden");
		return false;
	}
	return true;
}

static void user_role_add(struct req *r)
{
	store *s = req_store(r);
	enum role role;
	int64_t dept, uid = req_param_id(r, 0);
	struct user u;
	if (!s || !role_form(r, &role, &dept))
		return;
	struct department d;
	if (!user_get(s, r->a, uid, &u) || !dept_get(s, r->a, dept, &d)) {
		resp_error(r, 404, "error.not_found");
		return;
	}
	role_grant(s, uid, role, dept);
	audit_record(r, s, "role.grant", "user", uid, arena_printf(r->a, "%s@%s", role_name(role), d.slug));
	resp_redirect(r, arena_printf(r->a, "/admin/users/%lld", (long long)uid));
}

static void user_role_remove(struct req *r)
{
	store *s = req_store(r);
	enum role role;
	int64_t dept, uid = req_param_id(r, 0);
	if (!s || !role_form(r, &role, &dept))
		return;
	struct department d;
	if (role_revoke(s, uid, role, dept))
		audit_record(r, s, "role.revoke", "user", uid,
			     dept_get(s, r->a, dept, &d) ? arena_printf(r->a, "%s@%s", role_name(role), d.slug)
							 : arena_printf(r->a, "%s@%lld", role_name(role), (long long)dept));
	resp_redirect(r, arena_printf(r->a, "/admin/users/%lld", (long long)uid));
}

static void user_enable_disable(struct req *r, bool disable)
{
	store *s = req_store(r);
	int64_t uid = req_param_id(r, 0);
	if (!s)
		return;
	if (uid == req_who(r)->user_id) {
		resp_error(r, 403, "error.forbidden");
		return;
	}
	if (!user_set_disabled(s, uid, disable)) {
		resp_error(r, 404, "error.not_found");
		return;
	}
	audit_record(r, s, disable ? "user.disable" : "user.enable", "user", uid, NULL);
	resp_redirect(r, arena_printf(r->a, "/admin/users/%lld", (long long)uid));
}

static void user_disable(struct req *r) { user_enable_disable(r, true); }
static void user_enable(struct req *r) { user_enable_disable(r, false); }

/* ---- API tokens (site admin) ---- */

static void tokens_page(struct req *r, int status, const char *new_token, const struct form_errors *e)
{
	store *s = req_store(r);
	if (!s)
		return;
	page_begin(r, TR(r, "admin.tokens"));
	h_printf(&r->out, "<h1>%s</h1>", TR(r, "admin.tokens"));
	if (new_token)
		h_printf(&r->out, "<p class=\"notice ok\" role=\"status\">%s<br><code dir=\"ltr\">%s</code></p>",
			 TR(r, "token.shown_once"), new_token);
	h_printf(&r->out, "<div class=\"table-wrap\"><table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th></th></tr></thead><tbody>",
		 TR(r, "token.name"), TR(r, "admin.role"), TR(r, "post.department"));
	store_stmt *st = store_prepare(s, "SELECT t.id, t.name, t.role, coalesce(d.slug, '*'), t.revoked_at FROM api_tokens t "
					  "LEFT JOIN departments d ON d.id = t.dept_id ORDER BY t.id DESC LIMIT 500");
	if (st) {
		while (store_step(st) == STORE_ROW) {
			h_printf(&r->out, "<tr><td>%s</td><td>%s</td><td>%s</td><td>", store_text(st, 1), store_text(st, 2), store_text(st, 3));
			if (store_is_null(st, 4)) {
				h_printf(&r->out, "<form method=\"post\" action=\"/admin/tokens/%lld/revoke\" class=\"inline\">", (long long)store_int(st, 0));
				f_csrf(r);
				h_printf(&r->out, "<button>%s</button></form>", TR(r, "token.revoke"));
			} else {
				h_text(&r->out, TR(r, "token.revoked"));
			}
			h_raw(&r->out, "</td></tr>");
		}
		store_done(st);
	}
	h_printf(&r->out, "</tbody></table></div><h2>%s</h2>", TR(r, "token.new"));
	f_errors_summary(r, e);
	h_raw(&r->out, "<form method=\"post\" action=\"/admin/tokens\">");
	f_csrf(r);
	f_input(r, e, "name", "token.name", "text", NULL, "required maxlength=\"60\" dir=\"ltr\"");
	struct select_option roles[ROLE_COUNT];
	int nr = 0;
	for (int i = ROLE_AGENT; i < ROLE_COUNT; i++)
		roles[nr++] = (struct select_option){role_name((enum role)i), arena_printf(r->a, "role.%s", role_name((enum role)i)), NULL};
	roles[nr] = (struct select_option){NULL, NULL, NULL};
	f_select(r, e, "role", "admin.role", roles, NULL);
	struct department *d;
	int nd = dept_list(s, r->a, &d);
	struct select_option *depts = arena_alloc(r->a, sizeof *depts * (size_t)(nd + 2));
	depts[0] = (struct select_option){"*", "token.all_depts", NULL};
	for (int i = 0; i < nd; i++)
		depts[i + 1] = (struct select_option){d[i].slug, NULL, dept_name(&d[i], r->lang)};
	f_select(r, e, "dept", "post.department", depts, "*");
	h_printf(&r->out, "<button>%s</button></form>", TR(r, "form.create"));
	page_end(r);
	resp_html(r, status);
}

static void tokens_get(struct req *r) { tokens_page(r, 200, NULL, NULL); }

static void tokens_post(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	struct form_errors e = {0};
	const char *name = kv_get(&r->form, "name");
	enum role role = role_parse(kv_get(&r->form, "role"));
	const char *slug = kv_get(&r->form, "dept");
	int64_t dept = ALL_DEPTS;
	if (!name || utf8_length(name) < 2 || utf8_length(name) > 60)
		form_error(&e, "name", "form.required");
	if (role == ROLE_NONE)
		form_error(&e, "role", "form.invalid_choice");
	if (slug && strcmp(slug, "*") && (dept = dept_by_slug(s, slug)) == 0)
		form_error(&e, "dept", "form.invalid_choice");
	if (e.n) {
		tokens_page(r, 422, NULL, &e);
		return;
	}
	char clear[65];
	int64_t id = token_create(s, name, role, dept, req_who(r)->user_id, clear);
	if (id < 0) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	audit_record(r, s, "token.create", "api_token", id, name);
	resp_header(r, "Cache-Control", "no-store");
	tokens_page(r, 201, clear, NULL);
}

static void token_revoke_post(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	int64_t id = req_param_id(r, 0);
	if (!token_revoke(s, id)) {
		resp_error(r, 404, "error.not_found");
		return;
	}
	audit_record(r, s, "token.revoke", "api_token", id, NULL);
	resp_redirect(r, "/admin/tokens");
}

void accounts_admin_routes(void)
{
	static const struct route routes[] = {
		{"GET", "/admin", admin_home, ACCESS_ROLE, ROLE_ADMIN, 0, "administration home"},
		{"GET", "/admin/departments", departments_get, ACCESS_SITE_ADMIN, 0, 0, "list departments"},
		{"POST", "/admin/departments", departments_post, ACCESS_SITE_ADMIN, 0, ROUTE_FORM, "create a department"},
		{"POST", "/admin/departments/:id", department_update, ACCESS_SITE_ADMIN, 0, ROUTE_FORM, "rename a department"},
		{"GET", "/admin/staff", staff_get, ACCESS_ROLE, ROLE_ADMIN, 0, "staff list and user search"},
		{"GET", "/admin/users/:id", user_get_page, ACCESS_ROLE, ROLE_ADMIN, 0, "a user's roles"},
		{"POST", "/admin/users/:id/roles", user_role_add, ACCESS_ROLE, ROLE_ADMIN, ROUTE_FORM, "grant a role"},
		{"POST", "/admin/users/:id/roles/remove", user_role_remove, ACCESS_ROLE, ROLE_ADMIN, ROUTE_FORM, "revoke a role"},
		{"POST", "/admin/users/:id/disable", user_disable, ACCESS_SITE_ADMIN, 0, ROUTE_FORM, "disable an account"},
		{"POST", "/admin/users/:id/enable", user_enable, ACCESS_SITE_ADMIN, 0, ROUTE_FORM, "enable an account"},
		{"GET", "/admin/tokens", tokens_get, ACCESS_SITE_ADMIN, 0, 0, "API tokens"},
		{"POST", "/admin/tokens", tokens_post, ACCESS_SITE_ADMIN, 0, ROUTE_FORM, "create an API token"},
		{"POST", "/admin/tokens/:id/revoke", token_revoke_post, ACCESS_SITE_ADMIN, 0, ROUTE_FORM, "revoke an API token"},
	};
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		route_add(&routes[i]);
}
