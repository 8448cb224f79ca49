/* Requests: the transparency page of responsiveness — for the whole
 * administration (/stats) and per department (/stats/<slug>), the last 12
 * months, in the reader's language, with server-side SVG bar charts (each with
 * <title>/<desc> and the table as its text alternative; months run
 * right-to-left in Arabic), and the same figures as CSV (RFC 4180) and JSON.
 * Analysts and admins get /staff/stats with filters (department, category,
 * channel, month range). Figures: see stats_compute.c. Anonymous answers are
 * cached for five minutes. */
#include "web/page.h"
#include "features/requests/stats.h"
#include "features/accounts/accounts.h"
#include "http/urlenc.h"
#include "core/util.h"
#include <jansson.h>
#include <string.h>

#define STATS_TTL 300

enum fmt { FMT_HTML, FMT_CSV, FMT_JSON };

struct view {
	struct stats_filter f;
	const struct department *dept; /* NULL: whole administration */
	const char *category_code;
	bool staff;
};

/* ---- formatting ---- */

static void month_label(struct req *r, strbuf *sb, int mi)
{
	sb_puts(sb, TR(r, arena_printf(r->a, "month.%d", mi % 12 + 1)));
	sb_putc(sb, ' ');
	sb_printf(sb, "%d", mi / 12);
}

/* A duration for people: "45 min", "3 h 20 min", "2 d 4 h"; "—" when none. */
static void fmt_duration(struct req *r, strbuf *sb, int64_t secs)
{
	if (secs < 0) {
		sb_puts(sb, "—");
		return;
	}
	int64_t mins = (secs + 59) / 60;
	const char *key;
	long long a, b;
	if (mins < 60) {
		key = "stats.dur_min";
		a = mins, b = 0;
	} else if (mins < 48 * 60) {
		key = "stats.dur_hours";
		a = mins / 60, b = mins % 60;
	} else {
		key = "stats.dur_days";
		a = mins / 1440, b = (mins % 1440) / 60;
	}
	strbuf x = STRBUF_INIT, y = STRBUF_INIT;
	fmt_int(&x, r->lang, a);
	fmt_int(&y, r->lang, b);
	sb_puts(sb, T_fill(r->a, TR(r, key), 2, (const char *[]){sb_str(&x), sb_str(&y)}));
	sb_free(&x);
	sb_free(&y);
}

static int share_pct(const struct month_stats *m)
{
	return m->with_target ? (int)((m->on_time * 200 + m->with_target) / (2 * m->with_target)) : -1;
}

static void fmt_pct(struct req *r, strbuf *sb, int pct)
{
	if (pct < 0) {
		sb_puts(sb, "—");
		return;
	}
	strbuf x = STRBUF_INIT;
	fmt_int(&x, r->lang, pct);
	sb_puts(sb, T_fill(r->a, TR(r, "stats.percent"), 1, (const char *[]){sb_str(&x)}));
	sb_free(&x);
}

/* ---- SVG ---- */

enum series { SER_RECEIVED, SER_FIRST_MEDIAN, SER_SHARE };

static double series_value(const struct month_stats *m, enum series k)
{
	switch (k) {
	case SER_RECEIVED: return (double)m->received;
	case SER_FIRST_MEDIAN: return m->first_p50 < 0 ? 0 : (double)m->first_p50;
	case SER_SHARE: return share_pct(m) < 0 ? 0 : share_pct(m);
	}
	return 0;
}

static void series_text(struct req *r, strbuf *sb, const struct month_stats *m, enum series k)
{
	switch (k) {
	case SER_RECEIVED: fmt_int(sb, r->lang, m->received); break;
	case SER_FIRST_MEDIAN: fmt_duration(r, sb, m->first_p50); break;
	case SER_SHARE: fmt_pct(r, sb, share_pct(m)); break;
	}
}

/* One bar per month. In right-to-left languages the first month is on the
 * right, so that time runs in the reading direction. */
static void bar_chart(struct req *r, const char *id, enum series k, const char *title_key, const struct month_stats *m, int n)
{
	const int W = 640, H = 200, top = 22, bottom = 24, side = 8;
	bool rtl = !strcmp(lang_dir(r->lang), "rtl");
	double max = 0;
	for (int i = 0; i < n; i++)
		if (series_value(&m[i], k) > max)
			max = series_value(&m[i], k);
	if (k == SER_SHARE)
		max = 100;
	if (max <= 0)
		max = 1;
	strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	month_label(r, &a, m[0].month);
	month_label(r, &b, m[n - 1].month);
	const char *desc = T_fill(r->a, TR(r, rtl ? "stats.chart_desc_rtl" : "stats.chart_desc"), 2,
				  (const char *[]){sb_str(&a), sb_str(&b)});
	sb_free(&a);
	sb_free(&b);
	h_printf(&r->out, "<figure class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" role=\"img\" "
			  "aria-labelledby=\"%s-t %s-d\"><title id=\"%s-t\">%s</title><desc id=\"%s-d\">%s</desc>",
		 W, H, id, id, id, TR(r, title_key), id, desc);
	h_printf(&r->out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>", side, H - bottom, W - side, H - bottom);
	double slot = (double)(W - 2 * side) / n;
	for (int i = 0; i < n; i++) {
		int pos = rtl ? n - 1 - i : i;
		double v = series_value(&m[i], k);
		double h = v / max * (H - top - bottom);
		double x = side + pos * slot + slot * 0.15, y = H - bottom - h;
		strbuf t = STRBUF_INIT, lab = STRBUF_INIT;
		series_text(r, &t, &m[i], k);
		month_label(r, &lab, m[i].month);
		h_printf(&r->out, "<g><title>%s: %s</title><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"bar\"/>",
			 sb_str(&lab), sb_str(&t), x, y, slot * 0.7, h);
		if (v > 0 && k != SER_FIRST_MEDIAN)
			h_printf(&r->out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" class=\"val\">%s</text>", x + slot * 0.35,
				 y - 4, sb_str(&t));
		h_printf(&r->out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" class=\"lbl\">%02d/%02d</text></g>",
			 x + slot * 0.35, H - 8, m[i].month % 12 + 1, (m[i].month / 12) % 100);
		sb_free(&t);
		sb_free(&lab);
	}
	h_printf(&r->out, "</svg><figcaption>%s</figcaption></figure>", TR(r, title_key));
}

/* ---- the three formats ---- */

static void cell(struct req *r, strbuf *tmp)
{
	h_raw(&r->out, "<td>");
	h_text(&r->out, sb_str(tmp));
	h_raw(&r->out, "</td>");
	sb_reset(tmp);
}

static void table(struct req *r, const struct month_stats *m, int n)
{
	h_printf(&r->out, "<div class=\"table-wrap\"><table class=\"stats\"><caption>%s</caption><thead><tr><th scope=\"col\">%s</th>"
			  "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
			  "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
		 TR(r, "stats.table_caption"), TR(r, "stats.month"), TR(r, "stats.received"), TR(r, "stats.answered"),
		 TR(r, "stats.first_median"), TR(r, "stats.first_p90"), TR(r, "stats.resolved"), TR(r, "stats.res_median"),
		 TR(r, "stats.res_p90"), TR(r, "stats.within_target"));
	strbuf t = STRBUF_INIT;
	for (int i = n - 1; i >= 0; i--) {
		const struct month_stats *x = &m[i];
		h_raw(&r->out, "<tr><th scope=\"row\">");
		month_label(r, &t, x->month);
		h_text(&r->out, sb_str(&t));
		sb_reset(&t);
		h_raw(&r->out, "</th>");
		fmt_int(&t, r->lang, x->received);
		cell(r, &t);
		fmt_int(&t, r->lang, x->answered);
		cell(r, &t);
		fmt_duration(r, &t, x->first_p50);
		cell(r, &t);
		fmt_duration(r, &t, x->first_p90);
		cell(r, &t);
		fmt_int(&t, r->lang, x->resolved);
		cell(r, &t);
		fmt_duration(r, &t, x->res_p50);
		cell(r, &t);
		fmt_duration(r, &t, x->res_p90);
		cell(r, &t);
		fmt_pct(r, &t, share_pct(x));
		if (x->with_target) {
			sb_puts(&t, " (");
			fmt_int(&t, r->lang, x->on_time);
			sb_puts(&t, "/");
			fmt_int(&t, r->lang, x->with_target);
			sb_puts(&t, ")");
		}
		cell(r, &t);
		h_raw(&r->out, "</tr>");
	}
	sb_free(&t);
	h_raw(&r->out, "</tbody></table></div>");
}

/* The query string that reproduces the view's filters (for staff links). */
static const char *filter_query(struct req *r, const struct view *v)
{
	if (!v->staff)
		return "";
	return arena_printf(r->a, "?dept=%s&category=%s&channel=%s&from=%04d-%02d&to=%04d-%02d",
			    v->dept ? url_encode(r->a, v->dept->slug) : "", url_encode(r->a, v->category_code ? v->category_code : ""),
			    url_encode(r->a, v->f.channel ? v->f.channel : ""), v->f.from_month / 12, v->f.from_month % 12 + 1,
			    v->f.to_month / 12, v->f.to_month % 12 + 1);
}

static void staff_filters(struct req *r, store *s, const struct view *v, const struct form_errors *e)
{
	h_raw(&r->out, "<form method=\"get\" action=\"/staff/stats\" class=\"filters\">");
	struct department *d;
	int nd = dept_list(s, r->a, &d);
	struct select_option *o = arena_alloc(r->a, sizeof *o * (size_t)(nd + 2));
	o[0] = (struct select_option){"", "filter.any", NULL};
	for (int i = 0; i < nd; i++)
		o[i + 1] = (struct select_option){d[i].slug, NULL, dept_name(&d[i], r->lang)};
	f_select(r, e, "dept", "stats.department", o, v->dept ? v->dept->slug : "");
	struct category *c;
	int nc = category_list(s, r->a, true, &c);
	struct select_option *co = arena_alloc(r->a, sizeof *co * (size_t)(nc + 2));
	co[0] = (struct select_option){"", "filter.any", NULL};
	for (int i = 0; i < nc; i++)
		co[i + 1] = (struct select_option){c[i].code, NULL, c[i].name[lang_index3(r->lang)]};
	f_select(r, e, "category", "stats.category", co, v->category_code);
	struct select_option ch[8] = {{"", "filter.any", NULL}};
	int k = 1;
	store_stmt *st = store_prepare(s, "SELECT DISTINCT channel FROM requests ORDER BY 1 LIMIT 6");
	while (st && store_step(st) == STORE_ROW)
		ch[k++] = (struct select_option){arena_strdup(r->a, store_text(st, 0)), NULL, NULL};
	if (st)
		store_done(st);
	f_select(r, e, "channel", "stats.channel", ch, v->f.channel);
	f_input(r, e, "from", "stats.from", "month", arena_printf(r->a, "%04d-%02d", v->f.from_month / 12, v->f.from_month % 12 + 1),
		"placeholder=\"YYYY-MM\"");
	f_input(r, e, "to", "stats.to", "month", arena_printf(r->a, "%04d-%02d", v->f.to_month / 12, v->f.to_month % 12 + 1),
		"placeholder=\"YYYY-MM\"");
	h_printf(&r->out, "<button>%s</button></form>", TR(r, "filter.apply"));
}

static void html(struct req *r, store *s, const struct view *v, const struct month_stats *m, int n, int status,
		 const struct form_errors *e)
{
	const char *title = v->dept ? T_fill(r->a, TR(r, "stats.title_dept"), 1, (const char *[]){dept_name(v->dept, r->lang)})
				    : TR(r, "stats.title");
	page_begin(r, title);
	h_printf(&r->out, "<h1>%s</h1><p>%s</p>", title, TR(r, "stats.intro"));
	if (v->staff) {
		staff_filters(r, s, v, e);
	} else {
		struct department *d;
		int nd = dept_list(s, r->a, &d);
		h_printf(&r->out, "<nav class=\"depts\" aria-label=\"%s\"><a href=\"/stats\"%s>%s</a>", TR(r, "stats.department"),
			 v->dept ? "" : " aria-current=\"page\"", TR(r, "stats.all_depts"));
		for (int i = 0; i < nd; i++)
			h_printf(&r->out, " · <a href=\"/stats/%s\"%s>%s</a>", d[i].slug,
				 v->dept && v->dept->id == d[i].id ? " aria-current=\"page\"" : "", dept_name(&d[i], r->lang));
		h_raw(&r->out, "</nav>");
	}
	if (n > 0) {
		bar_chart(r, "c-received", SER_RECEIVED, "stats.chart_received", m, n);
		bar_chart(r, "c-first", SER_FIRST_MEDIAN, "stats.chart_first", m, n);
		bar_chart(r, "c-share", SER_SHARE, "stats.chart_share", m, n);
		table(r, m, n);
	}
	h_printf(&r->out, "<h2>%s</h2><ul class=\"method\"><li>%s</li><li>%s</li><li>%s</li><li>%s</li></ul>",
		 TR(r, "stats.method_title"), TR(r, "stats.method_month"), TR(r, "stats.method_calendar"),
		 TR(r, "stats.method_percentile"), TR(r, "stats.method_target"));
	const char *base = v->staff ? "/staff/stats" : v->dept ? arena_printf(r->a, "/stats/%s", v->dept->slug) : "/stats";
	const char *q = filter_query(r, v);
	if (v->staff)
		h_printf(&r->out, "<p class=\"actions\"><a href=\"%s%s&format=csv\">%s</a> · <a href=\"%s%s&format=json\">%s</a></p>",
			 base, q, TR(r, "stats.download_csv"), base, q, TR(r, "stats.download_json"));
	else
		h_printf(&r->out, "<p class=\"actions\"><a href=\"%s.csv\">%s</a> · <a href=\"%s.json\">%s</a></p>", base,
			 TR(r, "stats.download_csv"), base, TR(r, "stats.download_json"));
	page_end(r);
	if (!v->staff)
		resp_cacheable(r, STATS_TTL);
	resp_html(r, status);
}

static void month_iso(char *out, size_t n, int mi)
{
	snprintf(out, n, "%04d-%02d", mi / 12, mi % 12 + 1);
}

static void csv(struct req *r, const struct view *v, const struct month_stats *m, int n)
{
	strbuf sb = STRBUF_INIT;
	sb_puts(&sb, "month,department,received,answered,first_response_median_seconds,first_response_p90_seconds,"
		     "resolved,resolution_median_seconds,resolution_p90_seconds,with_target,within_target,share_within_target\r\n");
	for (int i = 0; i < n; i++) {
		char mon[16];
		month_iso(mon, sizeof mon, m[i].month);
		/* a slug never holds a quote, comma or line break; quoted anyway (RFC 4180) */
		sb_printf(&sb, "%s,\"%s\",%lld,%lld,", mon, v->dept ? v->dept->slug : "", (long long)m[i].received,
			  (long long)m[i].answered);
		const int64_t d[] = {m[i].first_p50, m[i].first_p90};
		for (int k = 0; k < 2; k++)
			d[k] < 0 ? sb_puts(&sb, ",") : sb_printf(&sb, "%lld,", (long long)d[k]);
		sb_printf(&sb, "%lld,", (long long)m[i].resolved);
		const int64_t e[] = {m[i].res_p50, m[i].res_p90};
		for (int k = 0; k < 2; k++)
			e[k] < 0 ? sb_puts(&sb, ",") : sb_printf(&sb, "%lld,", (long long)e[k]);
		sb_printf(&sb, "%lld,%lld,", (long long)m[i].with_target, (long long)m[i].on_time);
		if (m[i].with_target)
			sb_printf(&sb, "%.4f", (double)m[i].on_time / (double)m[i].with_target);
		sb_puts(&sb, "\r\n");
	}
	if (!v->staff)
		resp_cacheable(r, STATS_TTL);
	resp_header(r, "Content-Disposition", v->dept ? arena_printf(r->a, "inline; filename=\"stats-%s.csv\"", v->dept->slug)
						      : "inline; filename=\"stats.csv\"");
	resp_body(r, 200, "text/csv; charset=utf-8; header=present", sb_str(&sb), sb.len);
	sb_free(&sb);
}

static json_t *jdur(int64_t v)
{
	return v < 0 ? json_null() : json_integer(v);
}

static void json_out(struct req *r, const struct view *v, const struct month_stats *m, int n)
{
	char from[16], to[16];
	month_iso(from, sizeof from, v->f.from_month);
	month_iso(to, sizeof to, v->f.to_month);
	json_t *months = json_array();
	for (int i = 0; i < n; i++) {
		char mon[16];
		month_iso(mon, sizeof mon, m[i].month);
		json_array_append_new(months, json_pack("{s:s,s:I,s:{s:I,s:o,s:o},s:{s:I,s:o,s:o},s:{s:I,s:I,s:o}}",
			"month", mon, "received", (json_int_t)m[i].received,
			"first_response", "answered", (json_int_t)m[i].answered, "median_seconds", jdur(m[i].first_p50),
			"p90_seconds", jdur(m[i].first_p90),
			"resolution", "resolved", (json_int_t)m[i].resolved, "median_seconds", jdur(m[i].res_p50),
			"p90_seconds", jdur(m[i].res_p90),
			"target", "with_target", (json_int_t)m[i].with_target, "within_target", (json_int_t)m[i].on_time,
			"share", m[i].with_target ? json_real((double)m[i].on_time / (double)m[i].with_target) : json_null()));
	}
	json_t *root = json_pack("{s:o,s:o,s:o,s:s,s:s,s:s,s:s,s:s,s:o}",
		"department", v->dept ? json_string(v->dept->slug) : json_null(),
		"category", v->category_code ? json_string(v->category_code) : json_null(),
		"channel", v->f.channel ? json_string(v->f.channel) : json_null(),
		"from", from, "to", to, "durations", "calendar",
		"percentiles", "nearest-rank",
		"within_target", "first-response clocks fulfilled without breach / all first-response clocks",
		"months", months);
	if (!v->staff)
		resp_cacheable(r, STATS_TTL);
	resp_json(r, 200, root);
}

static void answer(struct req *r, store *s, struct view *v, enum fmt fmt)
{
	struct month_stats *m;
	int n = stats_compute(s, r->a, &v->f, &m);
	if (n < 0) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	if (fmt == FMT_CSV)
		csv(r, v, m, n);
	else if (fmt == FMT_JSON)
		json_out(r, v, m, n);
	else
		html(r, s, v, m, n, 200, NULL);
}

/* ---- public routes ---- */

static void public_view(struct req *r, const char *slug, enum fmt fmt)
{
	store *s = req_store(r);
	if (!s)
		return;
	struct view v = {0};
	struct department d;
	if (slug) {
		int64_t id = dept_by_slug(s, slug);
		if (!id || !dept_get(s, r->a, id, &d)) {
			resp_error(r, 404, "error.not_found");
			return;
		}
		v.dept = &d;
		v.f.dept_id = id;
	}
	stats_last_months(&v.f, now_s(), 12);
	answer(r, s, &v, fmt);
}

static void stats_all(struct req *r) { public_view(r, NULL, FMT_HTML); }
static void stats_all_csv(struct req *r) { public_view(r, NULL, FMT_CSV); }
static void stats_all_json(struct req *r) { public_view(r, NULL, FMT_JSON); }

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n > k && !strcmp(s + n - k, suffix);
}

static void stats_dept(struct req *r)
{
	const char *p = r->params[0];
	if (ends_with(p, ".csv"))
		public_view(r, arena_strndup(r->a, p, strlen(p) - 4), FMT_CSV);
	else if (ends_with(p, ".json"))
		public_view(r, arena_strndup(r->a, p, strlen(p) - 5), FMT_JSON);
	else
		public_view(r, p, FMT_HTML);
}

/* ---- analysts ---- */

static void stats_staff(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	if (!principal_can(req_who(r), ROLE_ANALYST, 0)) {
		resp_error(r, 403, "error.forbidden");
		return;
	}
	struct view v = {.staff = true};
	struct form_errors e = {0};
	struct department d;
	struct category c;
	const char *dept = kv_get(&r->query, "dept"), *cat = kv_get(&r->query, "category");
	const char *channel = kv_get(&r->query, "channel"), *from = kv_get(&r->query, "from"), *to = kv_get(&r->query, "to");
	const char *format = kv_get(&r->query, "format");
	stats_last_months(&v.f, now_s(), 12);
	if (dept && *dept) {
		int64_t id = dept_by_slug(s, dept);
		if (id && dept_get(s, r->a, id, &d)) {
			v.dept = &d;
			v.f.dept_id = id;
		} else {
			form_error(&e, "dept", "form.invalid_choice");
		}
	}
	if (cat && *cat) {
		if (category_by_code(s, r->a, cat, &c)) {
			v.f.category_id = c.id;
			v.category_code = c.code;
		} else {
			form_error(&e, "category", "form.invalid_choice");
		}
	}
	if (channel && *channel)
		v.f.channel = channel;
	if (from && *from && !stats_parse_month(from, &v.f.from_month))
		form_error(&e, "from", "stats.bad_month");
	if (to && *to && !stats_parse_month(to, &v.f.to_month))
		form_error(&e, "to", "stats.bad_month");
	if (!e.n && (v.f.to_month < v.f.from_month || v.f.to_month - v.f.from_month >= STATS_MAX_MONTHS))
		form_error(&e, "to", "stats.bad_range");
	enum fmt fmt = FMT_HTML;
	if (format && !strcmp(format, "csv"))
		fmt = FMT_CSV;
	else if (format && !strcmp(format, "json"))
		fmt = FMT_JSON;
	else if (format && *format && strcmp(format, "html"))
		form_error(&e, "format", "form.invalid_choice");
	if (e.n) {
		if (fmt != FMT_HTML) {
			resp_error(r, 400, "error.bad_request");
			return;
		}
		stats_last_months(&v.f, now_s(), 12);
		html(r, s, &v, NULL, 0, 400, &e);
		return;
	}
	answer(r, s, &v, fmt);
}

void requests_stats_routes(void)
{
	static const struct route routes[] = {
		{"GET", "/stats", stats_all, ACCESS_ANYONE, 0, ROUTE_CACHE, "responsiveness of the whole administration"},
		{"GET", "/stats.csv", stats_all_csv, ACCESS_ANYONE, 0, ROUTE_CACHE, "the same figures as CSV"},
		{"GET", "/stats.json", stats_all_json, ACCESS_ANYONE, 0, ROUTE_CACHE, "the same figures as JSON"},
		{"GET", "/stats/:dept", stats_dept, ACCESS_ANYONE, 0, ROUTE_CACHE, "one department (.csv, .json too)"},
		{"GET", "/staff/stats", stats_staff, ACCESS_ROLE, ROLE_ANALYST, 0, "analysts: responsiveness with filters"},
	};
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		route_add(&routes[i]);
}
