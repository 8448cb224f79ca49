/* Requests: admin configuration — categories (Open311 services) with their
 * extra fields. Site admins manage every category; a department admin manages
 * the categories handled by their departments. SLA targets, the calendar and
 * reply templates are in admin_config.c. Every change is audited. */
#include "features/requests/staff_common.h"
#include "features/audit/audit.h"
#include "core/util.h"
#include <ctype.h>
#include <string.h>

void requests_admin_config_routes(void);
void radmin_nav(struct req *r);

#define ATTR_ROWS_MAX 30
#define VALUES_MAX 60

static const char *const datatypes[] = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist", NULL};

/* The links between the requests configuration pages. */
void radmin_nav(struct req *r)
{
	h_printf(&r->out, "<nav class=\"actions\" aria-label=\"%s\"><a href=\"/admin/categories\">%s</a> "
			  "<a href=\"/admin/sla\">%s</a> <a href=\"/admin/templates\">%s</a>",
		 TR(r, "radmin.title"), TR(r, "radmin.categories"), TR(r, "radmin.sla"), TR(r, "radmin.templates"));
	if (req_who(r)->site_admin)
		h_printf(&r->out, " <a href=\"/admin/calendar\">%s</a>", TR(r, "radmin.calendar"));
	h_raw(&r->out, "</nav>");
}

static bool code_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 2 || n > 40 || !(islower((unsigned char)s[0]) || isdigit((unsigned char)s[0])))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-' || s[i] == '_'))
			return false;
	return true;
}

static bool line_ok(const char *s, size_t min, size_t max)
{
	size_t n = s ? utf8_length(s) : 0;
	return n >= min && n <= max && !strpbrk(s, "\r\n");
}

static const char *trim(arena *a, const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return arena_strndup(a, s, n);
}

/* ---- list ---- */

static void list_page(struct req *r)
{
	store *s = staff_db(r);
	if (!s)
		return;
	struct principal *who = req_who(r);
	struct category *c;
	int n = category_list(s, r->a, true, &c);
	page_begin(r, TR(r, "radmin.categories"));
	h_printf(&r->out, "<h1>%s</h1>", TR(r, "radmin.categories"));
	radmin_nav(r);
	static const char *const done[] = {"saved", NULL};
	staff_notice(r, "radmin.", done);
	h_printf(&r->out, "<p class=\"actions\"><a class=\"button\" href=\"/admin/categories/new\">%s</a></p>", TR(r, "radmin.new_category"));
	h_printf(&r->out, "<div class=\"table-wrap\"><table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
			  "<th>%s</th><th>%s</th></tr></thead><tbody>",
		 TR(r, "radmin.code"), TR(r, "radmin.name"), TR(r, "radmin.group"), TR(r, "radmin.department"),
		 TR(r, "radmin.visibility"), TR(r, "radmin.fields"), TR(r, "radmin.active"));
	for (int i = 0; i < n; i++) {
		if (!principal_can(who, ROLE_ADMIN, c[i].dept_id))
			continue;
		struct department d;
		h_printf(&r->out, "<tr><td dir=\"ltr\"><a href=\"/admin/categories/%lld\">%s</a></td><td>%s</td><td>%s</td><td>%s</td>"
				  "<td>%s</td><td>%d</td><td>%s</td></tr>",
			 (long long)c[i].id, c[i].code, staff_cat_name(&c[i], r->lang), c[i].grp,
			 dept_get(s, r->a, c[i].dept_id, &d) ? dept_name(&d, r->lang) : "?",
			 TR(r, c[i].public ? "inbox.public" : "inbox.private"), c[i].nattrs, TR(r, c[i].active ? "radmin.yes" : "radmin.no"));
	}
	h_raw(&r->out, "</tbody></table></div>");
	page_end(r);
	resp_html(r, 200);
}

/* ---- the editor ---- */

static void checkbox(struct req *r, const char *name, const char *label_key, bool on)
{
	h_printf(&r->out, "<div class=\"field\"><label><input type=\"checkbox\" name=\"%s\" value=\"1\"%s> %s</label></div>", name,
		 on ? " checked" : "", TR(r, label_key));
}

/* "key = ar | fr | en" lines of an attribute's values. Arena-owned. */
static const char *values_text(arena *a, const struct attribute *at)
{
	strbuf sb = STRBUF_INIT;
	for (int j = 0; j < at->nvalues; j++)
		sb_printf(&sb, "%s = %s | %s | %s\n", at->values[j].key, at->values[j].name[0], at->values[j].name[1],
			  at->values[j].name[2]);
	const char *out = arena_strdup(a, sb_str(&sb));
	sb_free(&sb);
	return out;
}

/* c: current values; vtext[i]: the values text typed for row i (NULL: from c). */
static void edit_page(struct req *r, store *s, int status, const struct category *c, const char *const *vtext,
		      const struct form_errors *e)
{
	int nd;
	struct select_option *depts = staff_dept_options(r, s, ROLE_ADMIN, &nd);
	const char *title = TR(r, c->id ? "radmin.edit_category" : "radmin.new_category");
	page_begin(r, title);
	h_printf(&r->out, "<h1>%s</h1>", title);
	radmin_nav(r);
	static const char *const done[] = {"saved", NULL};
	staff_notice(r, "radmin.", done);
	f_errors_summary(r, e);
	if (c->id)
		h_printf(&r->out, "<form method=\"post\" action=\"/admin/categories/%lld\"><p>%s: <code dir=\"ltr\">%s</code></p>",
			 (long long)c->id, TR(r, "radmin.code"), c->code);
	else
		h_raw(&r->out, "<form method=\"post\" action=\"/admin/categories\">");
	f_csrf(r);
	if (!c->id)
		f_input(r, e, "code", "radmin.code", "text", c->code, "required maxlength=\"40\" dir=\"ltr\" pattern=\"[a-z0-9][a-z0-9_\\-]+\"");
	static const char *const langs[3] = {"ar", "fr", "en"};
	for (int i = 0; i < 3; i++)
		f_input(r, e, arena_printf(r->a, "name_%s", langs[i]), arena_printf(r->a, "radmin.name_%s", langs[i]), "text",
			c->name[i], arena_printf(r->a, "required maxlength=\"120\" lang=\"%s\" dir=\"%s\"", langs[i], lang_dir(langs[i])));
	for (int i = 0; i < 3; i++)
		f_textarea(r, e, arena_printf(r->a, "desc_%s", langs[i]), arena_printf(r->a, "radmin.desc_%s", langs[i]), c->desc[i], 2);
	f_input(r, e, "grp", "radmin.group", "text", c->grp, "maxlength=\"60\"");
	f_input(r, e, "keywords", "radmin.keywords", "text", c->keywords, "maxlength=\"500\"");
	f_select(r, e, "dept", "radmin.department", depts, c->dept_id ? arena_printf(r->a, "%lld", (long long)c->dept_id) : NULL);
	checkbox(r, "public", "radmin.public", c->public);
	checkbox(r, "active", "radmin.active", c->active);

	/* extra fields: one block per attribute, and two empty ones to add */
	int rows = c->nattrs + 2;
	if (rows > ATTR_ROWS_MAX)
		rows = ATTR_ROWS_MAX;
	h_printf(&r->out, "<h2>%s</h2><p class=\"meta\">%s</p><input type=\"hidden\" name=\"rows\" value=\"%d\">",
		 TR(r, "radmin.fields"), TR(r, "radmin.fields_hint"), rows);
	struct select_option types[7];
	for (int i = 0; datatypes[i]; i++)
		types[i] = (struct select_option){datatypes[i], arena_printf(r->a, "radmin.type_%s", datatypes[i]), NULL};
	types[6] = (struct select_option){NULL, NULL, NULL};
	for (int i = 0; i < rows; i++) {
		const struct attribute *at = i < c->nattrs ? &c->attrs[i] : NULL;
		h_printf(&r->out, "<fieldset class=\"attribute\"><legend>%s %d</legend>", TR(r, "radmin.field"), i + 1);
		f_input(r, e, arena_printf(r->a, "a_code_%d", i), "radmin.field_code", "text", at ? at->code : NULL,
			"maxlength=\"40\" dir=\"ltr\"");
		f_select(r, e, arena_printf(r->a, "a_type_%d", i), "radmin.field_type", types, at ? at->datatype : "string");
		checkbox(r, arena_printf(r->a, "a_req_%d", i), "radmin.field_required", at && at->required);
		f_input(r, e, arena_printf(r->a, "a_ord_%d", i), "radmin.field_order", "number",
			arena_printf(r->a, "%d", at ? at->ord : i + 1), "min=\"0\" max=\"999\"");
		for (int l = 0; l < 3; l++)
			f_input(r, e, arena_printf(r->a, "a_%s_%d", langs[l], i), arena_printf(r->a, "radmin.label_%s", langs[l]), "text",
				at ? at->label[l] : NULL,
				arena_printf(r->a, "maxlength=\"120\" lang=\"%s\" dir=\"%s\"", langs[l], lang_dir(langs[l])));
		f_textarea(r, e, arena_printf(r->a, "a_values_%d", i), "radmin.field_values",
			   vtext && vtext[i] ? vtext[i] : at ? values_text(r->a, at) : NULL, 3);
		h_raw(&r->out, "</fieldset>");
	}
	h_printf(&r->out, "<div class=\"actions\"><button>%s</button></div></form>", TR(r, "form.save"));
	page_end(r);
	resp_html(r, status);
}

static void new_page(struct req *r)
{
	store *s = staff_db(r);
	if (!s)
		return;
	struct category c = {.public = true, .active = true};
	edit_page(r, s, 200, &c, NULL, NULL);
}

static bool load_allowed(struct req *r, store *s, struct category *c)
{
	if (!category_get(s, r->a, req_param_id(r, 0), c)) {
		resp_error(r, 404, "error.not_found");
		return false;
	}
	if (!principal_can(req_who(r), ROLE_ADMIN, c->dept_id)) {
		resp_error(r, 403, "error.forbidden");
		return false;
	}
	return true;
}

static void edit_get(struct req *r)
{
	store *s = staff_db(r);
	struct category c;
	if (!s || !load_allowed(r, s, &c))
		return;
	edit_page(r, s, 200, &c, NULL, NULL);
}

/* Parses the values textarea of row i into at; false (error recorded) when malformed. */
static bool parse_values(struct req *r, const char *text, struct attribute *at, const char *field, struct form_errors *e)
{
	at->values = arena_alloc(r->a, sizeof *at->values * VALUES_MAX);
	at->nvalues = 0;
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		const char *line = trim(r->a, p, len);
		p = nl ? nl + 1 : p + len;
		if (!*line)
			continue;
		const char *eq = strchr(line, '=');
		if (!eq || at->nvalues >= VALUES_MAX) {
			form_error(e, field, "radmin.values_bad");
			return false;
		}
		struct attr_value *v = &at->values[at->nvalues];
		v->key = trim(r->a, line, (size_t)(eq - line));
		const char *rest = eq + 1;
		int k = 0;
		while (k < 3) {
			const char *bar = strchr(rest, '|');
			size_t n = bar ? (size_t)(bar - rest) : strlen(rest);
			v->name[k++] = trim(r->a, rest, n);
			if (!bar)
				break;
			rest = bar + 1;
		}
		for (; k < 3; k++)
			v->name[k] = v->name[0];
		bool ok = code_valid(v->key) || (strlen(v->key) == 1 && isalnum((unsigned char)v->key[0]));
		for (int j = 0; j < 3; j++)
			ok = ok && line_ok(v->name[j], 1, 120);
		for (int j = 0; j < at->nvalues; j++)
			ok = ok && strcmp(at->values[j].key, v->key);
		if (!ok) {
			form_error(e, field, "radmin.values_bad");
			return false;
		}
		at->nvalues++;
	}
	return true;
}

static void save(struct req *r, int64_t id)
{
	store *s = staff_db(r);
	if (!s)
		return;
	struct category c = {0}, old;
	if (id) {
		if (!load_allowed(r, s, &old))
			return;
		c.id = old.id;
		c.code = old.code;
	} else {
		c.code = kv_get(&r->form, "code");
	}
	struct form_errors e = {0};
	static const char *const langs[3] = {"ar", "fr", "en"};
	if (!id) {
		struct category dup;
		if (!code_valid(c.code))
			form_error(&e, "code", "radmin.code_bad");
		else if (category_by_code(s, r->a, c.code, &dup))
			form_error(&e, "code", "radmin.code_taken");
	}
	for (int i = 0; i < 3; i++) {
		const char *f = arena_printf(r->a, "name_%s", langs[i]);
		c.name[i] = kv_get(&r->form, f);
		if (!line_ok(c.name[i], 2, 120))
			form_error(&e, f, c.name[i] && *c.name[i] ? "form.too_long" : "form.required");
		f = arena_printf(r->a, "desc_%s", langs[i]);
		c.desc[i] = kv_get(&r->form, f) ? kv_get(&r->form, f) : "";
		if (utf8_length(c.desc[i]) > 2000)
			form_error(&e, f, "form.too_long");
	}
	c.grp = kv_get(&r->form, "grp") ? kv_get(&r->form, "grp") : "";
	c.keywords = kv_get(&r->form, "keywords") ? kv_get(&r->form, "keywords") : "";
	if (!line_ok(c.grp, 0, 60))
		form_error(&e, "grp", "form.too_long");
	if (!line_ok(c.keywords, 0, 500))
		form_error(&e, "keywords", "form.too_long");
	c.dept_id = staff_id(kv_get(&r->form, "dept"));
	struct department d;
	if (!c.dept_id || !dept_get(s, r->a, c.dept_id, &d) || !principal_can(req_who(r), ROLE_ADMIN, c.dept_id))
		form_error(&e, "dept", "form.invalid_choice");
	c.public = kv_get(&r->form, "public") != NULL;
	c.active = kv_get(&r->form, "active") != NULL;

	int64_t rows = 0;
	if (!parse_int64(kv_get(&r->form, "rows"), 0, ATTR_ROWS_MAX, &rows)) {
		resp_error(r, 400, "error.bad_form");
		return;
	}
	c.attrs = arena_alloc(r->a, sizeof *c.attrs * (size_t)(rows + 1));
	const char **vtext = arena_alloc(r->a, sizeof *vtext * (size_t)(rows + 2));
	for (int i = 0; i < rows; i++) {
		const char *code = kv_get(&r->form, arena_printf(r->a, "a_code_%d", i));
		const char *values = kv_get(&r->form, arena_printf(r->a, "a_values_%d", i));
		if (!code || !*code)
			continue; /* an empty row, or a field being removed */
		struct attribute *at = &c.attrs[c.nattrs];
		int row = c.nattrs++;
		vtext[row] = values;
		const char *fcode = arena_printf(r->a, "a_code_%d", row);
		at->code = code;
		if (!code_valid(code) && !(strlen(code) == 1 && islower((unsigned char)code[0])))
			form_error(&e, fcode, "radmin.code_bad");
		for (int j = 0; j < row; j++)
			if (!strcmp(c.attrs[j].code, code))
				form_error(&e, fcode, "radmin.code_taken");
		at->datatype = kv_get(&r->form, arena_printf(r->a, "a_type_%d", i));
		bool known = false;
		for (int j = 0; datatypes[j] && at->datatype; j++)
			known |= !strcmp(datatypes[j], at->datatype);
		if (!known) {
			form_error(&e, arena_printf(r->a, "a_type_%d", row), "form.invalid_choice");
			at->datatype = "string";
		}
		at->required = kv_get(&r->form, arena_printf(r->a, "a_req_%d", i)) != NULL;
		int64_t ord = row + 1;
		const char *ord_text = kv_get(&r->form, arena_printf(r->a, "a_ord_%d", i));
		if (ord_text && *ord_text && !parse_int64(ord_text, 0, 999, &ord))
			form_error(&e, arena_printf(r->a, "a_ord_%d", row), "form.invalid_choice");
		at->ord = (int)ord;
		for (int l = 0; l < 3; l++) {
			at->label[l] = kv_get(&r->form, arena_printf(r->a, "a_%s_%d", langs[l], i));
			if (!line_ok(at->label[l], 1, 120))
				form_error(&e, arena_printf(r->a, "a_%s_%d", langs[l], row), "form.required");
		}
		bool list = strstr(at->datatype, "valuelist") != NULL;
		const char *fvals = arena_printf(r->a, "a_values_%d", row);
		if (parse_values(r, values, at, fvals, &e)) {
			if (list && !at->nvalues)
				form_error(&e, fvals, "radmin.values_needed");
			else if (!list && at->nvalues)
				form_error(&e, fvals, "radmin.values_unused");
		}
	}
	if (e.n) {
		if (id) {
			c.id = id;
			c.code = old.code;
		}
		edit_page(r, s, 422, &c, vtext, &e);
		return;
	}
	bool ok = store_begin(s);
	int64_t cid = ok ? category_save(s, &c) : -1;
	ok = ok && cid > 0 && category_save_attributes(s, cid, c.attrs, c.nattrs) && store_commit(s);
	if (!ok) {
		store_rollback(s);
		resp_error(r, 503, "error.unavailable");
		return;
	}
	audit_record(r, s, id ? "category.update" : "category.create", "category", cid, c.code);
	page_cache_bump();
	resp_redirect(r, arena_printf(r->a, "/admin/categories/%lld?done=saved", (long long)cid));
}

static void create(struct req *r) { save(r, 0); }
static void update(struct req *r) { save(r, req_param_id(r, 0)); }

void requests_admin_routes(void)
{
	static const struct route routes[] = {
		{"GET", "/admin/categories", list_page, ACCESS_ROLE, ROLE_ADMIN, 0, "admin: request categories"},
		{"GET", "/admin/categories/new", new_page, ACCESS_ROLE, ROLE_ADMIN, 0, "admin: new category form"},
		{"POST", "/admin/categories", create, ACCESS_ROLE, ROLE_ADMIN, ROUTE_FORM, "admin: create a category"},
		{"GET", "/admin/categories/:id", edit_get, ACCESS_ROLE, ROLE_ADMIN, 0, "admin: edit a category and its fields"},
		{"POST", "/admin/categories/:id", update, ACCESS_ROLE, ROLE_ADMIN, ROUTE_FORM, "admin: save a category and its fields"},
	};
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		route_add(&routes[i]);
	requests_admin_config_routes();
}
