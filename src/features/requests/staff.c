/* Requests: the staff inbox — one department's queue sorted by next due time,
 * with filters, counts per filter, keyset paging and bulk actions. The page of
 * one request and its actions live in staff_request.c. */
#include "features/requests/staff_common.h"
#include "features/audit/audit.h"
#include "core/util.h"
#include <string.h>

void requests_staff_request_routes(void);

/* ---- helpers shared with staff_request.c and admin*.c ---- */

store *staff_db(struct req *r)
{
	store *s = store_thread();
	if (!s)
		resp_error(r, 503, "error.unavailable");
	return s;
}

struct actor staff_actor(struct req *r)
{
	struct principal *p = req_who(r);
	return (struct actor){p ? p->user_id : 0, p && p->name ? p->name : "", true};
}

const char *staff_relative(arena *a, const char *lang, int64_t due, int64_t now)
{
	int64_t d = due - now;
	bool past = d < 0;
	if (past)
		d = -d;
	const char *unit;
	long long v;
	if (d < 3600) {
		unit = "inbox.minutes";
		v = d / 60;
	} else if (d < 2 * 86400) {
		unit = "inbox.hours";
		v = d / 3600;
	} else {
		unit = "inbox.days";
		v = d / 86400;
	}
	const char *num = arena_printf(a, "%lld", v);
	const char *amount = T_fill(a, T(lang, unit), 1, &num);
	return T_fill(a, T(lang, past ? "inbox.ago" : "inbox.in"), 1, &amount);
}

void staff_fmt_due(struct req *r, int64_t due, int64_t now)
{
	if (!due) {
		h_raw(&r->out, "—");
		return;
	}
	char iso[32];
	iso8601_utc(iso, sizeof iso, (time_t)due);
	h_printf(&r->out, "<time datetime=\"%s\">", iso);
	fmt_date(&r->out, r->lang, (time_t)due, true);
	h_printf(&r->out, "</time> <span class=\"meta\">(%s)</span>", staff_relative(r->a, r->lang, due, now));
}

const char *staff_cat_name(const struct category *c, const char *lang)
{
	return c ? c->name[lang_index3(lang)] : "";
}

struct select_option *staff_dept_options(struct req *r, store *s, enum role role, int *count)
{
	struct department *d;
	int nd = dept_list(s, r->a, &d);
	struct select_option *o = arena_alloc(r->a, sizeof *o * (size_t)(nd + 1));
	int k = 0;
	for (int i = 0; i < nd; i++)
		if (principal_can(req_who(r), role, d[i].id))
			o[k++] = (struct select_option){arena_printf(r->a, "%lld", (long long)d[i].id), NULL, dept_name(&d[i], r->lang)};
	o[k] = (struct select_option){NULL, NULL, NULL};
	*count = k;
	return o;
}

int64_t staff_id(const char *text)
{
	int64_t v;
	return text && parse_int64(text, 1, INT64_MAX, &v) ? v : 0;
}

void staff_notice(struct req *r, const char *prefix, const char *const *allowed)
{
	const char *done = kv_get(&r->query, "done");
	for (int i = 0; done && allowed[i]; i++)
		if (!strcmp(done, allowed[i])) {
			h_printf(&r->out, "<p class=\"notice ok\" role=\"status\">%s</p>",
				 TR(r, arena_printf(r->a, "%s%s", prefix, allowed[i])));
			return;
		}
}

/* ---- the inbox ---- */

#define OPEN_STATUSES ((1u << RS_NEW) | (1u << RS_OPEN) | (1u << RS_PENDING) | (1u << RS_ON_HOLD))
#define PAGE_SIZE 25

static const char *const channels[] = {"web", "api", "open311", "email", "phone", "fediverse", NULL};

/* The filter as the reader typed it (kept to re-render the form and links). */
struct inbox_query {
	const char *status, *category, *priority, *assignee, *channel, *from, *to;
	bool overdue;
};

static bool is_date(const char *s)
{
	int y, m, d;
	char tail;
	return s && strlen(s) == 10 && sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && m >= 1 && m <= 12 && d >= 1 &&
	       d <= 31;
}

/* Fills f from the query; false when a value is malformed. */
static bool parse_query(struct req *r, const struct principal *who, struct inbox_query *q, struct inbox_filter *f)
{
	q->status = kv_get(&r->query, "status");
	q->category = kv_get(&r->query, "category");
	q->priority = kv_get(&r->query, "priority");
	q->assignee = kv_get(&r->query, "assignee");
	q->channel = kv_get(&r->query, "channel");
	q->from = kv_get(&r->query, "from");
	q->to = kv_get(&r->query, "to");
	const char *od = kv_get(&r->query, "overdue");
	q->overdue = od && !strcmp(od, "1");
	f->priority = -1;
	if (q->status && *q->status) {
		enum req_status st;
		if (!strcmp(q->status, "all"))
			f->status_mask = (1u << RS_COUNT) - 1;
		else if (!strcmp(q->status, "done"))
			f->status_mask = (1u << RS_SOLVED) | (1u << RS_CLOSED);
		else if (req_status_parse(q->status, &st))
			f->status_mask = 1u << st;
		else
			return false;
	}
	if (q->category && *q->category && !(f->category_id = staff_id(q->category)))
		return false;
	if (q->priority && *q->priority) {
		enum req_priority p;
		if (!req_priority_parse(q->priority, &p))
			return false;
		f->priority = p;
	}
	if (q->assignee && *q->assignee) {
		if (!strcmp(q->assignee, "me"))
			f->assignee_id = who->user_id;
		else if (!strcmp(q->assignee, "none"))
			f->assignee_id = -1;
		else
			return false;
	}
	if (q->channel && *q->channel) {
		bool known = false;
		for (int i = 0; channels[i]; i++)
			known |= !strcmp(channels[i], q->channel);
		if (!known)
			return false;
		f->channel = q->channel;
	}
	f->overdue_only = q->overdue;
	time_t t;
	if (q->from && *q->from) {
		if (!is_date(q->from) || !parse_datetime(arena_printf(r->a, "%s 00:00", q->from), &t))
			return false;
		f->from = t;
	}
	if (q->to && *q->to) {
		if (!is_date(q->to) || !parse_datetime(arena_printf(r->a, "%s 00:00", q->to), &t))
			return false;
		f->to = t + 86400 - 1;
	}
	const char *after = kv_get(&r->query, "after");
	if (after && *after) {
		long long due, id;
		char tail;
		if (sscanf(after, "%lld-%lld%c", &due, &id, &tail) != 2 || id <= 0)
			return false;
		f->after_due = due;
		f->after_id = id;
	}
	return true;
}

/* "/staff/requests?dept=..&..." with the filter of q (no cursor), then extra. */
static const char *inbox_url(struct req *r, int64_t dept, const struct inbox_query *q, const char *extra)
{
	strbuf sb = STRBUF_INIT;
	sb_printf(&sb, "/staff/requests?dept=%lld", (long long)dept);
	const char *names[] = {"status", "category", "priority", "assignee", "channel", "from", "to"};
	const char *vals[] = {q->status, q->category, q->priority, q->assignee, q->channel, q->from, q->to};
	for (int i = 0; i < 7; i++)
		if (vals[i] && *vals[i]) /* every value was validated: ids, names, dates */
			sb_printf(&sb, "&%s=%s", names[i], vals[i]);
	if (q->overdue)
		sb_puts(&sb, "&overdue=1");
	if (extra)
		sb_printf(&sb, "&%s", extra);
	const char *out = arena_strdup(r->a, sb_str(&sb));
	sb_free(&sb);
	return out;
}

static const char *user_name_cached(store *s, arena *a, int64_t id, int64_t *ids, const char **names, int *n)
{
	for (int i = 0; i < *n; i++)
		if (ids[i] == id)
			return names[i];
	struct user u;
	const char *name = user_get(s, a, id, &u) ? (u.name ? u.name : u.email) : "?";
	if (*n < 64) {
		ids[*n] = id;
		names[(*n)++] = name;
	}
	return name;
}

/* Options for "assign to": the department's agents by email. */
static struct select_option *agent_options(struct req *r, store *s, int64_t dept, bool with_me)
{
	const char **emails;
	int n = dept_staff_emails(s, r->a, dept, ROLE_AGENT, &emails);
	struct select_option *o = arena_alloc(r->a, sizeof *o * (size_t)(n + 2));
	int k = 0;
	if (with_me)
		o[k++] = (struct select_option){"me", "inbox.assign_me", NULL};
	for (int i = 0; i < n; i++)
		o[k++] = (struct select_option){emails[i], NULL, emails[i]};
	o[k] = (struct select_option){NULL, NULL, NULL};
	return o;
}

static void chip(struct req *r, const char *href, const char *key, int64_t n, bool current)
{
	h_printf(&r->out, "<a class=\"chip\" href=\"%s\" aria-current=\"%s\">%s <b>", href, current ? "true" : "false", TR(r, key));
	fmt_int(&r->out, r->lang, (long long)n);
	h_raw(&r->out, "</b></a> ");
}

static void inbox_page(struct req *r)
{
	store *s = staff_db(r);
	if (!s)
		return;
	struct principal *who = req_who(r);
	int nd;
	struct select_option *depts = staff_dept_options(r, s, ROLE_AGENT, &nd);
	const char *dept_text = kv_get(&r->query, "dept");
	int64_t dept = dept_text && *dept_text ? staff_id(dept_text) : nd ? staff_id(depts[0].value) : 0;
	if (dept_text && *dept_text && !dept) {
		resp_error(r, 400, "error.bad_request");
		return;
	}
	if (!dept || !principal_can(who, ROLE_AGENT, dept)) {
		resp_error(r, 403, "error.forbidden");
		return;
	}
	struct inbox_query q = {0};
	struct inbox_filter f = {.dept_id = dept, .limit = PAGE_SIZE};
	if (!parse_query(r, who, &q, &f)) {
		resp_error(r, 400, "error.bad_request");
		return;
	}
	struct category *cats;
	int ncats = category_list(s, r->a, true, &cats);
	struct request *rows;
	int n = inbox_list(s, r->a, &f, &rows);
	if (n < 0) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	int64_t now = now_s();
	int64_t total = inbox_count(s, &f);
	struct inbox_filter base = {.dept_id = dept, .priority = -1};
	struct inbox_filter mine = base, unassigned = base, overdue = base;
	mine.assignee_id = who->user_id;
	unassigned.assignee_id = -1;
	overdue.overdue_only = true;
	struct inbox_query none = {0}, qmine = {.assignee = "me"}, qun = {.assignee = "none"}, qod = {.overdue = true};

	page_begin(r, TR(r, "inbox.title"));
	h_printf(&r->out, "<h1>%s</h1>", TR(r, "inbox.title"));
	static const char *const done[] = {"transfer", NULL};
	staff_notice(r, "inbox.done_", done);
	const char *ok_n = kv_get(&r->query, "bulk_ok"), *bad_n = kv_get(&r->query, "bulk_failed");
	if (ok_n || bad_n) {
		int64_t a = 0, b = 0;
		parse_int64(ok_n ? ok_n : "0", 0, 1000, &a);
		parse_int64(bad_n ? bad_n : "0", 0, 1000, &b);
		const char *args[] = {arena_printf(r->a, "%lld", (long long)a), arena_printf(r->a, "%lld", (long long)b)};
		h_printf(&r->out, "<p class=\"notice%s\" role=\"status\" id=\"bulk-result\">%s</p>", b ? "" : " ok",
			 T_fill(r->a, TR(r, "inbox.bulk_result"), 2, args));
	}
	/* counts per filter, each a link that applies it */
	h_printf(&r->out, "<p class=\"counts\" aria-label=\"%s\">", TR(r, "inbox.counts"));
	bool plain = !f.status_mask && !f.category_id && f.priority < 0 && !f.assignee_id && !f.overdue_only && !f.channel &&
		     !f.from && !f.to;
	chip(r, inbox_url(r, dept, &none, NULL), "inbox.count_open", inbox_count(s, &base), plain);
	chip(r, inbox_url(r, dept, &qmine, NULL), "inbox.count_mine", inbox_count(s, &mine), f.assignee_id > 0);
	chip(r, inbox_url(r, dept, &qun, NULL), "inbox.count_unassigned", inbox_count(s, &unassigned), f.assignee_id < 0);
	chip(r, inbox_url(r, dept, &qod, NULL), "inbox.count_overdue", inbox_count(s, &overdue), f.overdue_only);
	h_raw(&r->out, "</p>");

	/* the filter form (GET) */
	h_raw(&r->out, "<form method=\"get\" action=\"/staff/requests\" class=\"filters\">");
	if (nd > 1)
		f_select(r, NULL, "dept", "inbox.department", depts, arena_printf(r->a, "%lld", (long long)dept));
	else
		h_printf(&r->out, "<input type=\"hidden\" name=\"dept\" value=\"%lld\">", (long long)dept);
	struct select_option st_opts[RS_COUNT + 4];
	int k = 0;
	st_opts[k++] = (struct select_option){"", "inbox.status_open", NULL};
	for (int i = 0; i < RS_COUNT; i++)
		st_opts[k++] = (struct select_option){req_status_names[i], arena_printf(r->a, "rstatus.%s", req_status_names[i]), NULL};
	st_opts[k++] = (struct select_option){"done", "inbox.status_done", NULL};
	st_opts[k++] = (struct select_option){"all", "filter.any", NULL};
	st_opts[k] = (struct select_option){NULL, NULL, NULL};
	f_select(r, NULL, "status", "inbox.status", st_opts, q.status);
	struct select_option *cat_opts = arena_alloc(r->a, sizeof *cat_opts * (size_t)(ncats + 2));
	k = 0;
	cat_opts[k++] = (struct select_option){"", "filter.any", NULL};
	for (int i = 0; i < ncats; i++)
		if (cats[i].dept_id == dept)
			cat_opts[k++] = (struct select_option){arena_printf(r->a, "%lld", (long long)cats[i].id), NULL,
							staff_cat_name(&cats[i], r->lang)};
	cat_opts[k] = (struct select_option){NULL, NULL, NULL};
	f_select(r, NULL, "category", "inbox.category", cat_opts, q.category);
	struct select_option pr_opts[RP_COUNT + 2];
	k = 0;
	pr_opts[k++] = (struct select_option){"", "filter.any", NULL};
	for (int i = 0; i < RP_COUNT; i++)
		pr_opts[k++] = (struct select_option){req_priority_names[i], arena_printf(r->a, "rpriority.%s", req_priority_names[i]), NULL};
	pr_opts[k] = (struct select_option){NULL, NULL, NULL};
	f_select(r, NULL, "priority", "inbox.priority", pr_opts, q.priority);
	static const struct select_option as_opts[] = {{"", "filter.any", NULL}, {"me", "inbox.assigned_me", NULL},
						{"none", "inbox.unassigned", NULL}, {NULL, NULL, NULL}};
	f_select(r, NULL, "assignee", "inbox.assignee", as_opts, q.assignee);
	struct select_option ch_opts[8];
	k = 0;
	ch_opts[k++] = (struct select_option){"", "filter.any", NULL};
	for (int i = 0; channels[i]; i++)
		ch_opts[k++] = (struct select_option){channels[i], arena_printf(r->a, "inbox.channel_%s", channels[i]), NULL};
	ch_opts[k] = (struct select_option){NULL, NULL, NULL};
	f_select(r, NULL, "channel", "inbox.channel", ch_opts, q.channel);
	f_input(r, NULL, "from", "inbox.from", "date", q.from, NULL);
	f_input(r, NULL, "to", "inbox.to", "date", q.to, NULL);
	h_printf(&r->out, "<div class=\"field\"><label><input type=\"checkbox\" name=\"overdue\" value=\"1\"%s> %s</label></div>",
		 q.overdue ? " checked" : "", TR(r, "inbox.overdue_only"));
	h_printf(&r->out, "<button>%s</button></form>", TR(r, "filter.apply"));

	{
		const char *cnt = arena_printf(r->a, "%lld", (long long)total);
		h_printf(&r->out, "<p class=\"meta\" id=\"result-count\">%s</p>", T_fill(r->a, TR(r, "inbox.results"), 1, &cnt));
	}
	if (n == 0) {
		h_printf(&r->out, "<p>%s</p>", TR(r, "inbox.empty"));
	} else {
		/* one form for the bulk actions around the table of checkboxes */
		h_raw(&r->out, "<form method=\"post\" action=\"/staff/requests/bulk\">");
		f_csrf(r);
		h_printf(&r->out, "<input type=\"hidden\" name=\"back\" value=\"%s\">", inbox_url(r, dept, &q, NULL));
		h_printf(&r->out, "<div class=\"table-wrap\"><table class=\"inbox\"><thead><tr><th><span class=\"meta\">%s</span></th>"
				  "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
			 TR(r, "inbox.select"), TR(r, "inbox.reference"), TR(r, "inbox.category"), TR(r, "inbox.status"),
			 TR(r, "inbox.priority"), TR(r, "inbox.assignee"), TR(r, "inbox.due"), TR(r, "inbox.received"));
		int64_t uids[64];
		const char *unames[64];
		int nu = 0;
		for (int i = 0; i < n; i++) {
			struct request *q2 = &rows[i];
			const struct category *c = NULL;
			for (int j = 0; j < ncats; j++)
				if (cats[j].id == q2->category_id)
					c = &cats[j];
			h_printf(&r->out, "<tr id=\"r-%s\" data-ref=\"%s\" class=\"%s\"><td><input type=\"checkbox\" name=\"id\" value=\"%lld\" "
					  "aria-label=\"%s\"></td><td><a href=\"/staff/requests/%lld\">%s</a>",
				 q2->ref, q2->ref, q2->overdue ? "overdue" : "", (long long)q2->id, q2->ref,
				 (long long)q2->id, q2->ref);
			if (q2->overdue)
				h_printf(&r->out, " <span class=\"chip overdue\">%s</span>", TR(r, "inbox.overdue"));
			h_printf(&r->out, "</td><td>%s</td><td>%s</td><td>%s</td><td>", staff_cat_name(c, r->lang),
				 TR(r, arena_printf(r->a, "rstatus.%s", req_status_names[q2->status])),
				 TR(r, arena_printf(r->a, "rpriority.%s", req_priority_names[q2->priority])));
			if (q2->assignee_id)
				h_text(&r->out, user_name_cached(s, r->a, q2->assignee_id, uids, unames, &nu));
			else
				h_printf(&r->out, "<span class=\"meta\">%s</span>", TR(r, "inbox.unassigned"));
			h_raw(&r->out, "</td><td>");
			staff_fmt_due(r, q2->next_due_at, now);
			h_raw(&r->out, "</td><td>");
			fmt_date(&r->out, r->lang, (time_t)q2->created_at, true);
			h_raw(&r->out, "</td></tr>");
		}
		h_raw(&r->out, "</tbody></table></div>");
		/* the bulk controls: each button applies its own choice to every checked row */
		h_printf(&r->out, "<fieldset class=\"bulk\"><legend>%s</legend><div class=\"actions\">", TR(r, "inbox.bulk"));
		h_printf(&r->out, "<button name=\"do\" value=\"assign_me\">%s</button></div>", TR(r, "inbox.assign_me"));
		h_raw(&r->out, "<div class=\"filters\">");
		f_select(r, NULL, "assignee", "inbox.assign_to", agent_options(r, s, dept, false), NULL);
		h_printf(&r->out, "<button name=\"do\" value=\"assign\" class=\"secondary\">%s</button></div>", TR(r, "inbox.assign"));
		h_raw(&r->out, "<div class=\"filters\">");
		struct select_option set_st[] = {{"open", "rstatus.open", NULL}, {"pending", "rstatus.pending", NULL},
					  {"on_hold", "rstatus.on_hold", NULL}, {"solved", "rstatus.solved", NULL},
					  {"closed", "rstatus.closed", NULL}, {NULL, NULL, NULL}};
		f_select(r, NULL, "to_status", "inbox.set_status", set_st, NULL);
		h_printf(&r->out, "<button name=\"do\" value=\"status\" class=\"secondary\">%s</button></div>", TR(r, "inbox.apply"));
		h_raw(&r->out, "<div class=\"filters\">");
		f_select(r, NULL, "to_priority", "inbox.set_priority", pr_opts + 1, NULL);
		h_printf(&r->out, "<button name=\"do\" value=\"priority\" class=\"secondary\">%s</button></div></fieldset></form>",
			 TR(r, "inbox.apply"));
	}
	if (n == f.limit) {
		const struct request *last = &rows[n - 1];
		long long due = last->next_due_at ? last->next_due_at : INT64_MAX;
		h_printf(&r->out, "<nav class=\"pager\"><a rel=\"next\" href=\"%s\">%s</a></nav>",
			 inbox_url(r, dept, &q, arena_printf(r->a, "after=%lld-%lld", due, (long long)last->id)),
			 TR(r, "inbox.next_page"));
	}
	page_end(r);
	resp_html(r, 200);
}

/* ---- bulk actions ---- */

static void bulk(struct req *r)
{
	store *s = staff_db(r);
	if (!s)
		return;
	const char *what = kv_get(&r->form, "do");
	struct actor by = staff_actor(r);
	struct principal *who = req_who(r);
	int64_t assignee = 0;
	enum req_status to_status = RS_OPEN;
	enum req_priority to_prio = RP_NORMAL;
	if (!what) {
		resp_error(r, 400, "error.bad_request");
		return;
	}
	if (!strcmp(what, "assign_me")) {
		assignee = who->user_id;
	} else if (!strcmp(what, "assign")) {
		struct user u;
		const char *email = kv_get(&r->form, "assignee");
		if (!email || !user_find_login(s, r->a, email, &u, NULL)) {
			resp_error(r, 400, "error.bad_request");
			return;
		}
		assignee = u.id;
	} else if (!strcmp(what, "status")) {
		if (!req_status_parse(kv_get(&r->form, "to_status"), &to_status)) {
			resp_error(r, 400, "error.bad_request");
			return;
		}
	} else if (!strcmp(what, "priority")) {
		if (!req_priority_parse(kv_get(&r->form, "to_priority"), &to_prio)) {
			resp_error(r, 400, "error.bad_request");
			return;
		}
	} else {
		resp_error(r, 400, "error.bad_request");
		return;
	}
	int done = 0, failed = 0, seen = 0;
	for (int i = 0; i < r->form.n && seen < 100; i++) {
		if (strcmp(r->form.items[i].name, "id"))
			continue;
		seen++;
		struct request q;
		int64_t id = staff_id(r->form.items[i].value);
		if (!id || !request_load(s, r->a, id, &q) || !request_staff_can(who, &q, ROLE_AGENT)) {
			failed++;
			continue;
		}
		bool ok;
		if (assignee)
			ok = q.assignee_id == assignee || request_assign(s, id, assignee, &by);
		else if (!strcmp(what, "status"))
			ok = q.status == to_status || request_set_status(s, id, to_status, &by);
		else
			ok = q.priority == to_prio || request_set_priority(s, id, to_prio, &by);
		if (ok) {
			done++;
			audit_record(r, s, arena_printf(r->a, "request.bulk_%s", what), "request", id, q.ref);
		} else {
			failed++;
		}
	}
	if (done)
		page_cache_bump();
	const char *back = kv_get(&r->form, "back");
	if (!back || strncmp(back, "/staff/requests?", 16))
		back = "/staff/requests?";
	resp_redirect(r, local_target(r, arena_printf(r->a, "%s&bulk_ok=%d&bulk_failed=%d", back, done, failed)));
}

void requests_staff_routes(void)
{
	static const struct route routes[] = {
		{"GET", "/staff/requests", inbox_page, ACCESS_ROLE, ROLE_AGENT, 0, "staff: a department's request queue"},
		{"POST", "/staff/requests/bulk", bulk, ACCESS_ROLE, ROLE_AGENT, ROUTE_FORM, "staff: bulk actions on requests"},
	};
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		route_add(&routes[i]);
	requests_staff_request_routes();
}
