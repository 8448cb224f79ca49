/* Requests: admin configuration — response-time targets per category and
 * priority (/admin/sla), the administration's business calendar
 * (/admin/calendar, site admins) and reply templates (/admin/templates).
 * Department admins manage targets and templates of their own departments.
 * Every change is audited. */
#include "features/requests/staff_common.h"
#include "features/audit/audit.h"
#include "core/util.h"
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void radmin_nav(struct req *r);

static void checkbox(struct req *r, const char *name, const char *label_key, bool on)
{
	h_printf(&r->out, "<div class=\"field\"><label><input type=\"checkbox\" name=\"%s\" value=\"1\"%s> %s</label></div>", name,
		 on ? " checked" : "", TR(r, label_key));
}

/* ---- SLA targets ---- */

/* Hours as typed ("8", "0.5", "1.25"); seconds into *out (0 for empty). */
static bool parse_hours(const char *t, int64_t *out)
{
	*out = 0;
	if (!t || !*t)
		return true;
	char *end;
	double h = strtod(t, &end);
	if (*end || !isfinite(h) || h < 0.01 || h > 24 * 366)
		return false;
	*out = llround(h * 3600);
	return true;
}

static const char *hours_text(arena *a, int64_t seconds)
{
	if (!seconds)
		return "";
	char buf[32];
	snprintf(buf, sizeof buf, "%.2f", (double)seconds / 3600.0);
	char *p = buf + strlen(buf) - 1;
	while (*p == '0')
		*p-- = 0;
	if (*p == '.')
		*p = 0;
	return arena_strdup(a, buf);
}

static const char *const target_fields[SLA_COUNT] = {"first", "next", "resolution"};

static void sla_page_render(struct req *r, store *s, int status, int64_t cat_id, const struct form_errors *e)
{
	struct category *c;
	int n = category_list(s, r->a, true, &c);
	struct select_option *opts = arena_alloc(r->a, sizeof *opts * (size_t)(n + 1));
	int k = 0;
	const struct category *cur = NULL;
	for (int i = 0; i < n; i++) {
		if (!principal_can(req_who(r), ROLE_ADMIN, c[i].dept_id))
			continue;
		opts[k++] = (struct select_option){arena_printf(r->a, "%lld", (long long)c[i].id), NULL,
					    arena_printf(r->a, "%s (%s)", staff_cat_name(&c[i], r->lang), c[i].code)};
		if (c[i].id == cat_id || (!cat_id && !cur))
			cur = &c[i];
	}
	opts[k] = (struct select_option){NULL, NULL, NULL};
	if (cat_id && (!cur || cur->id != cat_id)) {
		bool exists = false;
		for (int i = 0; i < n; i++)
			exists |= c[i].id == cat_id;
		resp_error(r, exists ? 403 : 404, exists ? "error.forbidden" : "error.not_found");
		return;
	}
	page_begin(r, TR(r, "radmin.sla"));
	h_printf(&r->out, "<h1>%s</h1>", TR(r, "radmin.sla"));
	radmin_nav(r);
	static const char *const done[] = {"saved", NULL};
	staff_notice(r, "radmin.", done);
	if (!cur) {
		h_printf(&r->out, "<p>%s</p>", TR(r, "radmin.no_categories"));
		page_end(r);
		resp_html(r, status);
		return;
	}
	h_raw(&r->out, "<form method=\"get\" action=\"/admin/sla\" class=\"filters\">");
	f_select(r, NULL, "category", "radmin.category", opts, arena_printf(r->a, "%lld", (long long)cur->id));
	h_printf(&r->out, "<button class=\"secondary\">%s</button></form>", TR(r, "radmin.choose"));
	f_errors_summary(r, e);
	h_printf(&r->out, "<p class=\"meta\">%s</p>", TR(r, "radmin.sla_hint"));
	h_printf(&r->out, "<form method=\"post\" action=\"/admin/sla\"><input type=\"hidden\" name=\"category\" value=\"%lld\">",
		 (long long)cur->id);
	f_csrf(r);
	static const struct select_option clocks[] = {{"business", "inbox.business_hours", NULL}, {"247", "inbox.clock_247", NULL},
					       {NULL, NULL, NULL}};
	for (int p = 0; p < RP_COUNT; p++) {
		struct sla_policy pol;
		bool set = sla_policy_get(s, cur->id, (enum req_priority)p, &pol);
		const char *pn = req_priority_names[p];
		h_printf(&r->out, "<fieldset class=\"sla\" id=\"sla-%s\"><legend>%s</legend><div class=\"filters\">", pn,
			 TR(r, arena_printf(r->a, "rpriority.%s", pn)));
		for (int t = 0; t < SLA_COUNT; t++) {
			const char *f = arena_printf(r->a, "%s_%s", target_fields[t], pn);
			const char *typed = e ? kv_get(&r->form, f) : NULL;
			f_input(r, e, f, arena_printf(r->a, "radmin.hours_%s", target_fields[t]), "number",
				typed ? typed : hours_text(r->a, pol.seconds[t]), "min=\"0.01\" step=\"0.01\" dir=\"ltr\"");
		}
		f_select(r, e, arena_printf(r->a, "clock_%s", pn), "radmin.clock", clocks, pol.business_hours ? "business" : "247");
		h_raw(&r->out, "</div>");
		checkbox(r, arena_printf(r->a, "raise_%s", pn), "radmin.raise", set ? pol.raise_priority : true);
		h_raw(&r->out, "</fieldset>");
	}
	h_printf(&r->out, "<div class=\"actions\"><button>%s</button></div></form>", TR(r, "form.save"));
	page_end(r);
	resp_html(r, status);
}

static void sla_get(struct req *r)
{
	store *s = staff_db(r);
	if (!s)
		return;
	const char *cat = kv_get(&r->query, "category");
	int64_t id = cat && *cat ? staff_id(cat) : 0;
	if (cat && *cat && !id) {
		resp_error(r, 400, "error.bad_request");
		return;
	}
	sla_page_render(r, s, 200, id, NULL);
}

static void sla_post(struct req *r)
{
	store *s = staff_db(r);
	if (!s)
		return;
	struct category c;
	if (!category_get(s, r->a, staff_id(kv_get(&r->form, "category")), &c)) {
		resp_error(r, 404, "error.not_found");
		return;
	}
	if (!principal_can(req_who(r), ROLE_ADMIN, c.dept_id)) {
		resp_error(r, 403, "error.forbidden");
		return;
	}
	struct form_errors e = {0};
	struct sla_policy pol[RP_COUNT];
	for (int p = 0; p < RP_COUNT; p++) {
		const char *pn = req_priority_names[p];
		memset(&pol[p], 0, sizeof pol[p]);
		for (int t = 0; t < SLA_COUNT; t++) {
			const char *f = arena_printf(r->a, "%s_%s", target_fields[t], pn);
			if (!parse_hours(kv_get(&r->form, f), &pol[p].seconds[t]))
				form_error(&e, f, "radmin.hours_bad");
		}
		const char *clock = kv_get(&r->form, arena_printf(r->a, "clock_%s", pn));
		if (!clock || (strcmp(clock, "business") && strcmp(clock, "247")))
			form_error(&e, arena_printf(r->a, "clock_%s", pn), "form.invalid_choice");
		pol[p].business_hours = clock && !strcmp(clock, "business");
		pol[p].raise_priority = kv_get(&r->form, arena_printf(r->a, "raise_%s", pn)) != NULL;
	}
	if (e.n) {
		sla_page_render(r, s, 422, c.id, &e);
		return;
	}
	bool ok = store_begin(s);
	for (int p = 0; ok && p < RP_COUNT; p++)
		ok = sla_policy_set(s, c.id, (enum req_priority)p, &pol[p]);
	if (!ok || !store_commit(s)) {
		store_rollback(s);
		resp_error(r, 503, "error.unavailable");
		return;
	}
	audit_record(r, s, "sla.update", "category", c.id, c.code);
	page_cache_bump();
	resp_redirect(r, arena_printf(r->a, "/admin/sla?category=%lld&done=saved", (long long)c.id));
}

/* ---- the calendar (site admins) ---- */

static bool parse_hm(const char *s, int *min)
{
	int h, m;
	char tail;
	if (sscanf(s, "%d:%d%c", &h, &m, &tail) != 2 || h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m))
		return false;
	*min = h * 60 + m;
	return true;
}

/* "08:30-12:00, 14:00-16:30" into c for weekday; false when malformed. */
static bool parse_day(arena *a, const char *text, int weekday, struct calendar *c)
{
	char *copy = arena_strdup(a, text ? text : "");
	char *save = NULL;
	int first = c->niv;
	for (char *part = strtok_r(copy, ",;", &save); part; part = strtok_r(NULL, ",;", &save)) {
		while (isspace((unsigned char)*part))
			part++;
		char *end = part + strlen(part);
		while (end > part && isspace((unsigned char)end[-1]))
			*--end = 0;
		if (!*part)
			continue;
		char *dash = strchr(part, '-');
		if (!dash)
			return false;
		*dash = 0;
		int open, close;
		char *b = dash + 1;
		while (isspace((unsigned char)*b))
			b++;
		char *ae = dash;
		while (ae > part && isspace((unsigned char)ae[-1]))
			*--ae = 0;
		if (!parse_hm(part, &open) || !parse_hm(b, &close) || open >= close || c->niv >= CAL_MAX_INTERVALS)
			return false;
		for (int i = first; i < c->niv; i++) /* no overlap within the day */
			if (open < c->iv[i].close_min && c->iv[i].open_min < close)
				return false;
		c->iv[c->niv].weekday = weekday;
		c->iv[c->niv].open_min = open;
		c->iv[c->niv].close_min = close;
		c->niv++;
	}
	return true;
}

static const char *day_text(arena *a, const struct calendar *c, int weekday)
{
	strbuf sb = STRBUF_INIT;
	for (int i = 0; i < c->niv; i++)
		if (c->iv[i].weekday == weekday)
			sb_printf(&sb, "%s%02d:%02d-%02d:%02d", sb_str(&sb)[0] ? ", " : "", c->iv[i].open_min / 60, c->iv[i].open_min % 60,
				  c->iv[i].close_min / 60, c->iv[i].close_min % 60);
	const char *out = arena_strdup(a, sb_str(&sb));
	sb_free(&sb);
	return out;
}

static void calendar_render(struct req *r, store *s, int status, const struct form_errors *e)
{
	struct calendar c;
	calendar_load(s, &c);
	page_begin(r, TR(r, "radmin.calendar"));
	h_printf(&r->out, "<h1>%s</h1>", TR(r, "radmin.calendar"));
	radmin_nav(r);
	static const char *const done[] = {"saved", NULL};
	staff_notice(r, "radmin.", done);
	f_errors_summary(r, e);
	h_printf(&r->out, "<p class=\"meta\">%s</p><form method=\"post\" action=\"/admin/calendar\">", TR(r, "radmin.hours_hint"));
	f_csrf(r);
	/* the week in the order of the Maghreb: Monday first */
	static const int order[7] = {1, 2, 3, 4, 5, 6, 0};
	for (int i = 0; i < 7; i++) {
		int d = order[i];
		const char *f = arena_printf(r->a, "day_%d", d);
		const char *typed = e ? kv_get(&r->form, f) : NULL;
		f_input(r, e, f, arena_printf(r->a, "radmin.day_%d", d), "text", typed ? typed : day_text(r->a, &c, d),
			"dir=\"ltr\" maxlength=\"200\" placeholder=\"08:30-12:00, 14:00-16:30\"");
	}
	strbuf hol = STRBUF_INIT;
	const char *typed = e ? kv_get(&r->form, "holidays") : NULL;
	if (typed) {
		sb_puts(&hol, typed);
	} else {
		store_stmt *st = store_prepare(s, "SELECT day, name FROM req_holidays ORDER BY day");
		while (st && store_step(st) == STORE_ROW)
			sb_printf(&hol, "%s = %s\n", store_text(st, 0), store_text(st, 1));
		if (st)
			store_done(st);
	}
	f_textarea(r, e, "holidays", "radmin.holidays", sb_str(&hol), 8);
	sb_free(&hol);
	h_printf(&r->out, "<p class=\"meta\">%s</p><div class=\"actions\"><button>%s</button></div></form>",
		 TR(r, "radmin.holidays_hint"), TR(r, "form.save"));
	page_end(r);
	resp_html(r, status);
}

static void calendar_get(struct req *r)
{
	store *s = staff_db(r);
	if (s)
		calendar_render(r, s, 200, NULL);
}

struct holiday {
	int ymd;
	const char *name;
};

static void calendar_post(struct req *r)
{
	store *s = staff_db(r);
	if (!s)
		return;
	struct calendar *c = arena_alloc(r->a, sizeof *c);
	memset(c, 0, sizeof *c);
	struct form_errors e = {0};
	for (int d = 0; d < 7; d++) {
		const char *f = arena_printf(r->a, "day_%d", d);
		if (!parse_day(r->a, kv_get(&r->form, f), d, c))
			form_error(&e, f, "radmin.hours_bad_format");
	}
	if (!e.n && c->niv == 0)
		form_error(&e, "day_1", "radmin.no_hours");
	struct holiday *hol = arena_alloc(r->a, sizeof *hol * CAL_MAX_HOLIDAYS);
	const char *text = kv_get(&r->form, "holidays");
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = arena_strndup(r->a, p, len);
		p = nl ? nl + 1 : p + len;
		line[strcspn(line, "\r")] = 0;
		while (isspace((unsigned char)*line))
			line++;
		if (!*line)
			continue;
		int y, m, d, used = 0;
		if (sscanf(line, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 || used != 10 || m < 1 || m > 12 || d < 1 || d > 31 ||
		    y < 2000 || y > 2200 || c->nholidays >= CAL_MAX_HOLIDAYS) {
			form_error(&e, "holidays", "radmin.holidays_bad");
			break;
		}
		const char *name = line + 10;
		while (isspace((unsigned char)*name) || *name == '=')
			name++;
		if (utf8_length(name) > 120) {
			form_error(&e, "holidays", "form.too_long");
			break;
		}
		hol[c->nholidays].ymd = y * 10000 + m * 100 + d;
		hol[c->nholidays].name = name;
		c->holidays[c->nholidays++] = y * 10000 + m * 100 + d;
	}
	if (e.n) {
		calendar_render(r, s, 422, &e);
		return;
	}
	const char **names = arena_alloc(r->a, sizeof *names * (size_t)(c->nholidays + 1));
	for (int i = 0; i < c->nholidays; i++)
		names[i] = hol[i].name;
	if (!calendar_save(s, c, names)) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	audit_record(r, s, "calendar.update", "calendar", 0,
		     arena_printf(r->a, "%d intervals, %d holidays", c->niv, c->nholidays));
	resp_redirect(r, "/admin/calendar?done=saved");
}

/* ---- reply templates ---- */

struct tmpl {
	int64_t id, dept_id;
	const char *name, *body[3];
};

static bool tmpl_load(store *s, arena *a, int64_t id, struct tmpl *t)
{
	store_stmt *st = store_prepare(s, "SELECT id, coalesce(dept_id, 0), name, body_ar, body_fr, body_en FROM reply_templates "
					  "WHERE id = ?");
	if (!st)
		return false;
	store_bind_int(st, 1, id);
	bool found = store_step(st) == STORE_ROW;
	if (found) {
		t->id = store_int(st, 0);
		t->dept_id = store_int(st, 1);
		t->name = arena_strdup(a, store_text(st, 2));
		for (int i = 0; i < 3; i++)
			t->body[i] = arena_strdup(a, store_text(st, 3 + i));
	}
	store_done(st);
	return found;
}

/* Templates for every department belong to site admins; the others to their
 * department's admins. */
static bool tmpl_allowed(struct req *r, int64_t dept_id)
{
	struct principal *p = req_who(r);
	return dept_id ? principal_can(p, ROLE_ADMIN, dept_id) : p->site_admin;
}

static void tmpl_form(struct req *r, store *s, const struct tmpl *t, const struct form_errors *e)
{
	int nd;
	struct select_option *depts = staff_dept_options(r, s, ROLE_ADMIN, &nd);
	struct select_option *o = arena_alloc(r->a, sizeof *o * (size_t)(nd + 2));
	int k = 0;
	if (req_who(r)->site_admin)
		o[k++] = (struct select_option){"", "radmin.all_departments", NULL};
	for (int i = 0; i < nd; i++)
		o[k++] = depts[i];
	o[k] = (struct select_option){NULL, NULL, NULL};
	if (t->id)
		h_printf(&r->out, "<form method=\"post\" action=\"/admin/templates/%lld\">", (long long)t->id);
	else
		h_raw(&r->out, "<form method=\"post\" action=\"/admin/templates\">");
	f_csrf(r);
	f_input(r, e, "name", "radmin.template_name", "text", t->name, "required maxlength=\"120\"");
	f_select(r, e, "dept", "radmin.department", o, t->dept_id ? arena_printf(r->a, "%lld", (long long)t->dept_id) : "");
	static const char *const langs[3] = {"ar", "fr", "en"};
	for (int i = 0; i < 3; i++)
		f_textarea(r, e, arena_printf(r->a, "body_%s", langs[i]), arena_printf(r->a, "radmin.body_%s", langs[i]), t->body[i], 5);
	h_printf(&r->out, "<p class=\"meta\">%s</p><div class=\"actions\"><button>%s</button></div></form>",
		 TR(r, "radmin.placeholders"), TR(r, "form.save"));
}

static void tmpl_list_render(struct req *r, store *s, int status, const struct tmpl *typed, const struct form_errors *e)
{
	page_begin(r, TR(r, "radmin.templates"));
	h_printf(&r->out, "<h1>%s</h1>", TR(r, "radmin.templates"));
	radmin_nav(r);
	static const char *const done[] = {"saved", "deleted", NULL};
	staff_notice(r, "radmin.", done);
	h_printf(&r->out, "<div class=\"table-wrap\"><table><thead><tr><th>%s</th><th>%s</th><th></th></tr></thead><tbody>",
		 TR(r, "radmin.template_name"), TR(r, "radmin.department"));
	store_stmt *st = store_prepare(s, "SELECT id, coalesce(dept_id, 0), name FROM reply_templates ORDER BY name, id");
	while (st && store_step(st) == STORE_ROW) {
		int64_t id = store_int(st, 0), dept = store_int(st, 1);
		if (!tmpl_allowed(r, dept) && !(dept == 0 && principal_can(req_who(r), ROLE_ADMIN, 0)))
			continue;
		struct department d;
		const char *dn = dept ? (dept_get(s, r->a, dept, &d) ? dept_name(&d, r->lang) : "?") : TR(r, "radmin.all_departments");
		const char *name = arena_strdup(r->a, store_text(st, 2));
		if (tmpl_allowed(r, dept))
			h_printf(&r->out, "<tr><td><a href=\"/admin/templates/%lld\">%s</a></td><td>%s</td><td>", (long long)id, name, dn);
		else
			h_printf(&r->out, "<tr><td>%s</td><td>%s</td><td>", name, dn);
		if (tmpl_allowed(r, dept)) {
			h_printf(&r->out, "<form method=\"post\" action=\"/admin/templates/%lld/delete\" class=\"inline\">", (long long)id);
			f_csrf(r);
			h_printf(&r->out, "<button>%s</button></form>", TR(r, "form.remove"));
		}
		h_raw(&r->out, "</td></tr>");
	}
	if (st)
		store_done(st);
	h_printf(&r->out, "</tbody></table></div><h2>%s</h2>", TR(r, "radmin.new_template"));
	struct tmpl empty = {0};
	f_errors_summary(r, e);
	tmpl_form(r, s, typed ? typed : &empty, e);
	page_end(r);
	resp_html(r, status);
}

static void tmpl_list(struct req *r)
{
	store *s = staff_db(r);
	if (s)
		tmpl_list_render(r, s, 200, NULL, NULL);
}

static void tmpl_edit_render(struct req *r, store *s, int status, const struct tmpl *t, const struct form_errors *e)
{
	page_begin(r, TR(r, "radmin.edit_template"));
	h_printf(&r->out, "<h1>%s</h1>", TR(r, "radmin.edit_template"));
	radmin_nav(r);
	static const char *const done[] = {"saved", NULL};
	staff_notice(r, "radmin.", done);
	f_errors_summary(r, e);
	tmpl_form(r, s, t, e);
	page_end(r);
	resp_html(r, status);
}

static bool tmpl_load_allowed(struct req *r, store *s, struct tmpl *t)
{
	if (!tmpl_load(s, r->a, req_param_id(r, 0), t)) {
		resp_error(r, 404, "error.not_found");
		return false;
	}
	if (!tmpl_allowed(r, t->dept_id)) {
		resp_error(r, 403, "error.forbidden");
		return false;
	}
	return true;
}

static void tmpl_edit(struct req *r)
{
	store *s = staff_db(r);
	struct tmpl t;
	if (s && tmpl_load_allowed(r, s, &t))
		tmpl_edit_render(r, s, 200, &t, NULL);
}

static void tmpl_save(struct req *r, int64_t id)
{
	store *s = staff_db(r);
	if (!s)
		return;
	struct tmpl old, t = {.id = id};
	if (id && !tmpl_load_allowed(r, s, &old))
		return;
	struct form_errors e = {0};
	t.name = kv_get(&r->form, "name");
	size_t nl = t.name ? utf8_length(t.name) : 0;
	if (nl < 1 || nl > 120 || strpbrk(t.name, "\r\n"))
		form_error(&e, "name", nl ? "form.too_long" : "form.required");
	const char *dept = kv_get(&r->form, "dept");
	t.dept_id = dept && *dept ? staff_id(dept) : 0;
	struct department d;
	if ((dept && *dept && (!t.dept_id || !dept_get(s, r->a, t.dept_id, &d))) || !tmpl_allowed(r, t.dept_id))
		form_error(&e, "dept", "form.invalid_choice");
	static const char *const langs[3] = {"ar", "fr", "en"};
	for (int i = 0; i < 3; i++) {
		const char *f = arena_printf(r->a, "body_%s", langs[i]);
		t.body[i] = kv_get(&r->form, f);
		if (!t.body[i] || strspn(t.body[i], " \t\r\n") == strlen(t.body[i]))
			form_error(&e, f, "form.required");
		else if (utf8_length(t.body[i]) > REQ_DESC_MAX)
			form_error(&e, f, "form.too_long");
	}
	if (e.n) {
		if (id)
			tmpl_edit_render(r, s, 422, &t, &e);
		else
			tmpl_list_render(r, s, 422, &t, &e);
		return;
	}
	int64_t rc;
	/* dept_id NULL means every department ('n' binds NULL and takes no argument) */
	if (id && t.dept_id)
		rc = store_run(s, "UPDATE reply_templates SET name = ?, dept_id = ?, body_ar = ?, body_fr = ?, body_en = ? WHERE id = ?",
			       "tittti", t.name, t.dept_id, t.body[0], t.body[1], t.body[2], id);
	else if (id)
		rc = store_run(s, "UPDATE reply_templates SET name = ?, dept_id = ?, body_ar = ?, body_fr = ?, body_en = ? WHERE id = ?",
			       "tnttti", t.name, t.body[0], t.body[1], t.body[2], id);
	else if (t.dept_id)
		rc = id = store_scalar(s, -1, "INSERT INTO reply_templates(name, dept_id, body_ar, body_fr, body_en, created_at) "
					      "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
				       "tittti", t.name, t.dept_id, t.body[0], t.body[1], t.body[2], now_s());
	else
		rc = id = store_scalar(s, -1, "INSERT INTO reply_templates(name, dept_id, body_ar, body_fr, body_en, created_at) "
					      "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
				       "tnttti", t.name, t.body[0], t.body[1], t.body[2], now_s());
	if (rc <= 0) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	audit_record(r, s, t.id ? "template.update" : "template.create", "reply_template", id, t.name);
	resp_redirect(r, arena_printf(r->a, "/admin/templates/%lld?done=saved", (long long)id));
}

static void tmpl_create(struct req *r) { tmpl_save(r, 0); }
static void tmpl_update(struct req *r) { tmpl_save(r, req_param_id(r, 0)); }

static void tmpl_delete(struct req *r)
{
	store *s = staff_db(r);
	struct tmpl t;
	if (!s || !tmpl_load_allowed(r, s, &t))
		return;
	if (store_run(s, "DELETE FROM reply_templates WHERE id = ?", "i", t.id) < 0) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	audit_record(r, s, "template.delete", "reply_template", t.id, t.name);
	resp_redirect(r, "/admin/templates?done=deleted");
}

void requests_admin_config_routes(void)
{
	static const struct route routes[] = {
		{"GET", "/admin/sla", sla_get, ACCESS_ROLE, ROLE_ADMIN, 0, "admin: response-time targets of a category"},
		{"POST", "/admin/sla", sla_post, ACCESS_ROLE, ROLE_ADMIN, ROUTE_FORM, "admin: save response-time targets"},
		{"GET", "/admin/calendar", calendar_get, ACCESS_SITE_ADMIN, ROLE_NONE, 0, "admin: business hours and holidays"},
		{"POST", "/admin/calendar", calendar_post, ACCESS_SITE_ADMIN, ROLE_NONE, ROUTE_FORM, "admin: save the calendar"},
		{"GET", "/admin/templates", tmpl_list, ACCESS_ROLE, ROLE_ADMIN, 0, "admin: reply templates"},
		{"POST", "/admin/templates", tmpl_create, ACCESS_ROLE, ROLE_ADMIN, ROUTE_FORM, "admin: create a reply template"},
		{"GET", "/admin/templates/:id", tmpl_edit, ACCESS_ROLE, ROLE_ADMIN, 0, "admin: edit a reply template"},
		{"POST", "/admin/templates/:id", tmpl_update, ACCESS_ROLE, ROLE_ADMIN, ROUTE_FORM, "admin: save a reply template"},
		{"POST", "/admin/templates/:id/delete", tmpl_delete, ACCESS_ROLE, ROLE_ADMIN, ROUTE_FORM, "admin: delete a reply template"},
	};
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		route_add(&routes[i]);
}
