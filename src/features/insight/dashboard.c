/* The insight dashboard page (/insight), its filters, and the routes of the
 * pages side (see dashboard.h). The figures come from insight.h's aggregate
 * queries; the exports are in dashboard_blocks.c, the drill-down list in
 * dashboard_drill.c. */
#include "features/insight/dashboard.h"
#include "features/insight/opinion.h"
#include "features/requests/requests.h"
#include "http/urlenc.h"
#include "core/util.h"
#include "web/chart_xy.h"
#include "web/page.h"
#include <math.h>
#include <string.h>

/* ---- helpers shared by the dashboard files ---- */

const char *dash_day(struct req *r, int32_t day)
{
	char *out = arena_alloc(r->a, 11);
	insight_day_format(day, out);
	return out;
}

const char *dash_dept_name(struct req *r, const struct dash_view *v, int64_t id)
{
	for (int i = 0; i < v->ndepts; i++)
		if (v->depts[i].id == id)
			return dept_name(&v->depts[i], r->lang);
	return id ? arena_printf(r->a, "#%lld", (long long)id) : "";
}

const char *dash_dept_slug(const struct dash_view *v, int64_t id)
{
	for (int i = 0; i < v->ndepts; i++)
		if (v->depts[i].id == id)
			return v->depts[i].slug;
	return "";
}

const char *dash_category_name(struct req *r, store *s, int64_t id)
{
	struct category c;
	if (id && category_get(s, r->a, id, &c))
		return c.name[lang_index3(r->lang)];
	return "";
}

const char *dash_category_code(struct req *r, store *s, int64_t id)
{
	struct category c;
	if (id && category_get(s, r->a, id, &c))
		return c.code;
	return "";
}

double dash_net(int64_t pos, int64_t neg, int64_t neu)
{
	int64_t scored = pos + neg + neu;
	return scored ? 100.0 * (double)(pos - neg) / (double)scored : 0;
}

static const char *gran_name(enum insight_gran g)
{
	return g == INSIGHT_WEEK ? "week" : g == INSIGHT_MONTH ? "month" : "day";
}

const char *dash_query(struct req *r, const struct dash_view *v, const char *extra)
{
	strbuf sb = STRBUF_INIT;
	sb_printf(&sb, "from=%s&to=%s&gran=%s", dash_day(r, v->f.from_day), dash_day(r, v->f.to_day), gran_name(v->f.gran));
	if (v->dept)
		sb_printf(&sb, "&dept=%s", url_encode(r->a, v->dept->slug));
	if (v->category_code)
		sb_printf(&sb, "&category=%s", url_encode(r->a, v->category_code));
	if (v->channel)
		sb_printf(&sb, "&channel=%s", url_encode(r->a, v->channel));
	if (v->source)
		sb_printf(&sb, "&source=%s", url_encode(r->a, v->source));
	if (extra && *extra)
		sb_printf(&sb, "&%s", extra);
	const char *q = arena_strdup(r->a, sb_str(&sb));
	sb_free(&sb);
	return q;
}

static bool plain_token(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '-' || s[i] == '_' || s[i] == '.'))
			return false;
	return true;
}

bool dash_view_or_reply(struct req *r, store *s, struct dash_view *v)
{
	memset(v, 0, sizeof *v);
	const struct principal *who = req_who(r);
	if (!who || !principal_can(who, ROLE_ANALYST, 0)) {
		resp_error(r, 403, "error.forbidden");
		return false;
	}
	v->site_admin = who->site_admin;
	v->all_depts = who->site_admin;
	for (int i = 0; i < who->ngrants; i++)
		if (who->grants[i].dept_id == ALL_DEPTS &&
		    (who->grants[i].role == ROLE_ANALYST || who->grants[i].role == ROLE_ADMIN))
			v->all_depts = true;
	struct department *all;
	int nd = dept_list(s, r->a, &all);
	if (nd < 0)
		nd = 0;
	v->depts = arena_alloc(r->a, sizeof *v->depts * (size_t)(nd ? nd : 1));
	int64_t *ids = arena_alloc(r->a, sizeof *ids * (size_t)(nd ? nd : 1));
	for (int i = 0; i < nd; i++)
		if (v->all_depts || principal_can(who, ROLE_ANALYST, all[i].id)) {
			ids[v->ndepts] = all[i].id;
			v->depts[v->ndepts++] = all[i];
		}
	if (!v->all_depts) {
		v->f.depts = ids;
		v->f.ndepts = v->ndepts;
	}
	const char *from = kv_get(&r->query, "from"), *to = kv_get(&r->query, "to"), *gran = kv_get(&r->query, "gran");
	const char *dept = kv_get(&r->query, "dept"), *cat = kv_get(&r->query, "category");
	const char *channel = kv_get(&r->query, "channel"), *source = kv_get(&r->query, "source");
	v->f.to_day = to && *to ? insight_day_parse(to) : insight_today();
	v->f.from_day = from && *from ? insight_day_parse(from) : v->f.to_day - (DASH_DEFAULT_DAYS - 1);
	if (!v->f.to_day || !v->f.from_day || v->f.to_day < v->f.from_day) {
		resp_error(r, 400, "insight.bad_range");
		return false;
	}
	v->f.gran = INSIGHT_DAY;
	if (gran && *gran) {
		if (!strcmp(gran, "week"))
			v->f.gran = INSIGHT_WEEK;
		else if (!strcmp(gran, "month"))
			v->f.gran = INSIGHT_MONTH;
		else if (strcmp(gran, "day")) {
			resp_error(r, 400, "insight.bad_gran");
			return false;
		}
	}
	int span = v->f.to_day - v->f.from_day + 1;
	int periods = v->f.gran == INSIGHT_DAY ? span : v->f.gran == INSIGHT_WEEK ? span / 7 + 1 : span / 28 + 1;
	if (periods > DASH_MAX_PERIODS) {
		resp_error(r, 400, "insight.bad_range");
		return false;
	}
	if (dept && *dept) {
		int64_t id = dept_by_slug(s, dept);
		if (!id) {
			resp_error(r, 400, "insight.bad_dept");
			return false;
		}
		for (int i = 0; i < v->ndepts; i++)
			if (v->depts[i].id == id)
				v->dept = &v->depts[i];
		if (!v->dept) {
			resp_error(r, 403, "error.forbidden");
			return false;
		}
		v->f.dept_id = id;
	}
	if (cat && *cat) {
		struct category c;
		if (!category_by_code(s, r->a, cat, &c)) {
			resp_error(r, 400, "insight.bad_category");
			return false;
		}
		v->f.category_id = c.id;
		v->category_code = c.code;
	}
	if (channel && *channel) {
		if (!plain_token(channel)) {
			resp_error(r, 400, "error.bad_request");
			return false;
		}
		v->channel = v->f.channel = channel;
	}
	if (source && *source) {
		if (!plain_token(source)) {
			resp_error(r, 400, "error.bad_request");
			return false;
		}
		v->source = v->f.source = source;
	}
	return true;
}

/* ---- the page ---- */

static void num(struct req *r, long long n)
{
	strbuf t = STRBUF_INIT;
	fmt_int(&t, r->lang, n);
	h_text(&r->out, sb_str(&t));
	sb_free(&t);
}

/* A number linking to the messages behind it (nothing to link when 0). */
static void num_link(struct req *r, const struct dash_view *v, long long n, const char *extra)
{
	if (n <= 0) {
		num(r, n);
		return;
	}
	h_printf(&r->out, "<a href=\"/insight/messages?%s\">", dash_query(r, v, extra));
	num(r, n);
	h_raw(&r->out, "</a>");
}

static const char *net_text(struct req *r, double net)
{
	strbuf t = STRBUF_INIT;
	long long v = llround(net);
	if (v > 0)
		sb_putc(&t, '+');
	fmt_int(&t, r->lang, v);
	const char *s = T_fill(r->a, TR(r, "insight.percent"), 1, (const char *[]){sb_str(&t)});
	sb_free(&t);
	return s;
}

static void exports(struct req *r, const struct dash_view *v, const char *block)
{
	const char *q = dash_query(r, v, NULL);
	h_printf(&r->out, "<p class=\"actions\"><a href=\"/insight/export/%s?%s&format=csv\">%s</a> · "
			  "<a href=\"/insight/export/%s?%s&format=json\">%s</a></p>",
		 block, q, TR(r, "insight.download_csv"), block, q, TR(r, "insight.download_json"));
}

static const char *period_label(struct req *r, const struct insight_point *p)
{
	return arena_strdup(r->a, p->label);
}

/* The query of the messages of one period of the series (and sentiment). */
static const char *period_extra(struct req *r, const struct dash_view *v, const struct insight_point *p,
				const char *sentiment, struct dash_view *tmp)
{
	*tmp = *v;
	int32_t end = insight_period_end(p->day, v->f.gran);
	tmp->f.from_day = p->day < v->f.from_day ? v->f.from_day : p->day;
	tmp->f.to_day = end > v->f.to_day ? v->f.to_day : end;
	return sentiment ? arena_printf(r->a, "sentiment=%s", sentiment) : NULL;
}

static void series_block(struct req *r, store *s, const struct dash_view *v)
{
	struct insight_point *p;
	int n = insight_series(s, r->a, &v->f, &p);
	h_printf(&r->out, "<section id=\"series\"><h2>%s</h2>", TR(r, "insight.series_title"));
	if (n < 0) {
		h_printf(&r->out, "<p>%s</p></section>", TR(r, "error.unavailable"));
		return;
	}
	if (n == 0) {
		h_printf(&r->out, "<p>%s</p></section>", TR(r, "insight.nothing"));
		return;
	}
	const char **labels = arena_alloc(r->a, sizeof *labels * (size_t)n);
	double *pos = arena_alloc(r->a, sizeof *pos * (size_t)n), *neg = arena_alloc(r->a, sizeof *neg * (size_t)n);
	double *neu = arena_alloc(r->a, sizeof *neu * (size_t)n), *tot = arena_alloc(r->a, sizeof *tot * (size_t)n);
	for (int i = 0; i < n; i++) {
		labels[i] = period_label(r, &p[i]);
		pos[i] = (double)p[i].pos, neg[i] = (double)p[i].neg, neu[i] = (double)p[i].neu, tot[i] = (double)p[i].total;
	}
	bool rtl = !strcmp(lang_dir(r->lang), "rtl");
	const char *desc = T_fill(r->a, TR(r, rtl ? "insight.chart_desc_rtl" : "insight.chart_desc"), 2,
				  (const char *[]){labels[0], labels[n - 1]});
	struct chart_series ss[3] = {
		{TR(r, "insight.pos"), "pos", pos, NULL},
		{TR(r, "insight.neg"), "neg", neg, NULL},
		{TR(r, "insight.neu"), "neu", neu, NULL},
	};
	chart_lines(r, "c-sentiment", TR(r, "insight.chart_sentiment"), desc, labels, n, ss, 3, 0, 0);
	struct chart_series vs = {TR(r, "insight.volume"), "s0", tot, NULL};
	chart_lines(r, "c-volume", TR(r, "insight.chart_volume"), desc, labels, n, &vs, 1, 0, 0);
	h_printf(&r->out, "<div class=\"table-wrap\"><table class=\"stats\"><caption>%s</caption><thead><tr>"
			  "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
			  "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
		 TR(r, "insight.series_caption"), TR(r, "insight.period"), TR(r, "insight.volume"), TR(r, "insight.pos"),
		 TR(r, "insight.neg"), TR(r, "insight.neu"), TR(r, "insight.net"));
	for (int i = n - 1; i >= 0; i--) {
		struct dash_view t;
		h_printf(&r->out, "<tr><th scope=\"row\">%s</th><td>", labels[i]);
		const char *x = period_extra(r, v, &p[i], NULL, &t);
		num_link(r, &t, p[i].total, x);
		h_raw(&r->out, "</td><td>");
		num_link(r, &t, p[i].pos, period_extra(r, v, &p[i], "pos", &t));
		h_raw(&r->out, "</td><td>");
		num_link(r, &t, p[i].neg, period_extra(r, v, &p[i], "neg", &t));
		h_raw(&r->out, "</td><td>");
		num_link(r, &t, p[i].neu, period_extra(r, v, &p[i], "neu", &t));
		h_printf(&r->out, "</td><td>%s</td></tr>", net_text(r, dash_net(p[i].pos, p[i].neg, p[i].neu)));
	}
	h_raw(&r->out, "</tbody></table></div>");
	exports(r, v, "series");
	h_raw(&r->out, "</section>");
}

static void breakdown_block(struct req *r, store *s, const struct dash_view *v, enum dash_by by)
{
	static const char *const blocks[] = {"departments", "categories", "channels"};
	static const char *const titles[] = {"insight.by_dept", "insight.by_category", "insight.by_channel"};
	static const char *const cols[] = {"insight.department", "insight.category", "insight.channel"};
	struct dash_breakdown *b;
	int n = dash_breakdown(r, s, v, by, &b);
	h_printf(&r->out, "<section id=\"%s\"><h2>%s</h2>", blocks[by], TR(r, titles[by]));
	if (n <= 0) {
		h_printf(&r->out, "<p>%s</p></section>", TR(r, n < 0 ? "error.unavailable" : "insight.nothing"));
		return;
	}
	int ns = n < DASH_MAX_SERIES ? n : DASH_MAX_SERIES;
	int np = b[0].npts;
	if (np > 0) {
		const char **labels = arena_alloc(r->a, sizeof *labels * (size_t)np);
		for (int i = 0; i < np; i++)
			labels[i] = period_label(r, &b[0].pts[i]);
		struct chart_series *ss = arena_alloc(r->a, sizeof *ss * (size_t)ns);
		for (int k = 0; k < ns; k++) {
			double *vals = arena_alloc(r->a, sizeof *vals * (size_t)np);
			const char **shown = arena_alloc(r->a, sizeof *shown * (size_t)np);
			for (int i = 0; i < np && i < b[k].npts; i++) {
				vals[i] = dash_net(b[k].pts[i].pos, b[k].pts[i].neg, b[k].pts[i].neu);
				shown[i] = net_text(r, vals[i]);
			}
			ss[k] = (struct chart_series){b[k].name, arena_printf(r->a, "s%d", k), vals, shown};
		}
		bool rtl = !strcmp(lang_dir(r->lang), "rtl");
		const char *desc = T_fill(r->a, TR(r, rtl ? "insight.net_desc_rtl" : "insight.net_desc"), 2,
					  (const char *[]){labels[0], labels[np - 1]});
		chart_lines(r, arena_printf(r->a, "c-%s", blocks[by]), TR(r, titles[by]), desc, labels, np, ss, ns, -100, 100);
	}
	h_printf(&r->out, "<div class=\"table-wrap\"><table class=\"stats\"><caption>%s</caption><thead><tr>"
			  "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
			  "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
		 TR(r, titles[by]), TR(r, cols[by]), TR(r, "insight.volume"), TR(r, "insight.pos"), TR(r, "insight.neg"),
		 TR(r, "insight.neu"), TR(r, "insight.net"));
	static const char *const params[] = {"dept", "category", "channel"};
	for (int i = 0; i < n; i++) {
		/* the row's messages: the same filters with this row's key */
		struct dash_view t = *v;
		struct department d = {0};
		if (by == DASH_BY_DEPT) {
			d.slug = (char *)b[i].key;
			t.dept = &d;
		} else if (by == DASH_BY_CATEGORY) {
			t.category_code = b[i].key;
		} else {
			t.channel = b[i].key;
		}
		(void)params;
		h_printf(&r->out, "<tr><th scope=\"row\">%s</th><td>", b[i].name);
		num_link(r, &t, b[i].total, NULL);
		h_raw(&r->out, "</td><td>");
		num_link(r, &t, b[i].pos, "sentiment=pos");
		h_raw(&r->out, "</td><td>");
		num_link(r, &t, b[i].neg, "sentiment=neg");
		h_raw(&r->out, "</td><td>");
		num_link(r, &t, b[i].neu, "sentiment=neu");
		h_printf(&r->out, "</td><td>%s</td></tr>", net_text(r, dash_net(b[i].pos, b[i].neg, b[i].neu)));
	}
	h_raw(&r->out, "</tbody></table></div>");
	exports(r, v, blocks[by]);
	h_raw(&r->out, "</section>");
}

static void terms_block(struct req *r, store *s, const struct dash_view *v, int ngram)
{
	const char *block = ngram == 1 ? "terms" : "phrases";
	struct insight_term *t;
	int n = insight_top_terms(s, r->a, &v->f, ngram, ngram == 1 ? 20 : 10, &t);
	h_printf(&r->out, "<section id=\"%s\"><h2>%s</h2>", block, TR(r, ngram == 1 ? "insight.top_terms" : "insight.top_phrases"));
	if (n <= 0) {
		h_printf(&r->out, "<p>%s</p></section>", TR(r, n < 0 ? "error.unavailable" : "insight.nothing"));
		return;
	}
	h_printf(&r->out, "<div class=\"table-wrap\"><table class=\"stats\"><thead><tr><th scope=\"col\">%s</th>"
			  "<th scope=\"col\">%s</th></tr></thead><tbody>",
		 TR(r, "insight.term"), TR(r, "insight.messages"));
	for (int i = 0; i < n; i++) {
		h_printf(&r->out, "<tr><th scope=\"row\">%s</th><td>", t[i].display);
		num_link(r, v, t[i].count, arena_printf(r->a, "term=%s", url_encode(r->a, t[i].term)));
		h_raw(&r->out, "</td></tr>");
	}
	h_raw(&r->out, "</tbody></table></div>");
	exports(r, v, block);
	h_raw(&r->out, "</section>");
}

/* A p-value for people: "< 0.001" or three decimals. */
static const char *p_text(struct req *r, double p)
{
	if (p < 0.001)
		return "< 0.001";
	return arena_printf(r->a, "%.3f", p);
}

static void emerging_block(struct req *r, store *s, const struct dash_view *v)
{
	struct insight_emerging *e;
	int n = insight_emerging_terms(s, r->a, &v->f, 1, 0, 0, 20, &e);
	h_printf(&r->out, "<section id=\"emerging\"><h2>%s</h2><p class=\"hint\">%s</p>", TR(r, "insight.emerging"),
		 TR(r, "insight.emerging_method"));
	if (n <= 0) {
		h_printf(&r->out, "<p>%s</p></section>", TR(r, n < 0 ? "error.unavailable" : "insight.nothing_emerging"));
		return;
	}
	h_printf(&r->out, "<div class=\"table-wrap\"><table class=\"stats\"><thead><tr><th scope=\"col\">%s</th>"
			  "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">G²</th><th scope=\"col\">p</th>"
			  "</tr></thead><tbody>",
		 TR(r, "insight.term"), TR(r, "insight.now"), TR(r, "insight.before"));
	for (int i = 0; i < n; i++) {
		h_printf(&r->out, "<tr><th scope=\"row\">%s</th><td>", e[i].display);
		num_link(r, v, e[i].now, arena_printf(r->a, "term=%s", url_encode(r->a, e[i].term)));
		h_raw(&r->out, "</td><td>");
		num(r, e[i].before);
		h_printf(&r->out, "</td><td>%s</td><td>%s</td></tr>", arena_printf(r->a, "%.1f", e[i].g2), p_text(r, e[i].p));
	}
	h_raw(&r->out, "</tbody></table></div>");
	exports(r, v, "emerging");
	h_raw(&r->out, "</section>");
}

static void item_line(struct req *r, const struct insight_item *it)
{
	strbuf d = STRBUF_INIT;
	fmt_date(&d, r->lang, (time_t)it->at, true);
	h_raw(&r->out, "<li>");
	if (it->url && *it->url)
		h_printf(&r->out, "<a href=\"%s\">%s</a>", it->url, it->excerpt);
	else
		h_text(&r->out, it->excerpt);
	h_printf(&r->out, " <small>%s", sb_str(&d));
	if (it->sentiment && *it->sentiment)
		h_printf(&r->out, " · %s", TR(r, arena_printf(r->a, "insight.%s", it->sentiment)));
	h_raw(&r->out, "</small></li>");
	sb_free(&d);
}

static void clusters_block(struct req *r, store *s, const struct dash_view *v)
{
	struct insight_cluster *c;
	int n = insight_clusters(s, r->a, &v->f, 10, &c);
	h_printf(&r->out, "<section id=\"clusters\"><h2>%s</h2><p class=\"hint\">%s</p>", TR(r, "insight.clusters"),
		 TR(r, "insight.clusters_method"));
	if (n <= 0) {
		h_printf(&r->out, "<p>%s</p></section>", TR(r, n < 0 ? "error.unavailable" : "insight.nothing_clusters"));
		return;
	}
	h_raw(&r->out, "<ol class=\"clusters\">");
	for (int i = 0; i < n; i++) {
		strbuf t = STRBUF_INIT;
		fmt_int(&t, r->lang, c[i].size);
		h_printf(&r->out, "<li><h3>%s</h3><p>", c[i].label);
		h_printf(&r->out, "<a href=\"/insight/messages?%s\">%s</a>",
			 dash_query(r, v, arena_printf(r->a, "cluster=%lld", (long long)c[i].id)),
			 T_fill(r->a, TR(r, "insight.cluster_size"), 1, (const char *[]){sb_str(&t)}));
		if (c[i].dept_id)
			h_printf(&r->out, " · %s", dash_dept_name(r, v, c[i].dept_id));
		if (c[i].category_id)
			h_printf(&r->out, " · %s", dash_category_name(r, s, c[i].category_id));
		h_printf(&r->out, " · %s %d · %s %d · %s %d</p><ul class=\"examples\">", TR(r, "insight.pos"), c[i].pos,
			 TR(r, "insight.neg"), c[i].neg, TR(r, "insight.neu"), c[i].neu);
		for (int k = 0; k < c[i].nexamples; k++)
			item_line(r, &c[i].examples[k]);
		h_raw(&r->out, "</ul></li>");
		sb_free(&t);
	}
	h_raw(&r->out, "</ol>");
	exports(r, v, "clusters");
	h_raw(&r->out, "</section>");
}

static void hotspots_block(struct req *r, store *s, const struct dash_view *v)
{
	struct insight_hotspot *h;
	int n = insight_hotspots(s, r->a, &v->f, false, 20, &h);
	h_printf(&r->out, "<section id=\"hotspots\"><h2>%s</h2>", TR(r, "insight.hotspots"));
	if (n <= 0) {
		h_printf(&r->out, "<p>%s</p>", TR(r, n < 0 ? "error.unavailable" : "insight.nothing"));
	} else {
		h_printf(&r->out, "<div class=\"table-wrap\"><table class=\"stats\"><caption>%s</caption><thead><tr>"
				  "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
				  "</tr></thead><tbody>",
			 TR(r, "insight.hotspots_caption"), TR(r, "insight.position"), TR(r, "insight.category"),
			 TR(r, "insight.messages"), TR(r, "insight.map"));
		for (int i = 0; i < n; i++) {
			const char *osm = arena_printf(r->a, "https://www.openstreetmap.org/?mlat=%.5f&mlon=%.5f#map=17/%.5f/%.5f",
						       h[i].lat, h[i].lon, h[i].lat, h[i].lon);
			h_printf(&r->out, "<tr><th scope=\"row\"><bdi>%s</bdi></th><td>%s</td><td>",
				 arena_printf(r->a, "%.4f, %.4f", h[i].lat, h[i].lon), dash_category_name(r, s, h[i].category_id));
			struct dash_view t = *v;
			const char *code = dash_category_code(r, s, h[i].category_id);
			if (*code)
				t.category_code = code;
			num_link(r, &t, h[i].count, arena_printf(r->a, "cell=%lld", (long long)h[i].cell));
			h_printf(&r->out, "</td><td><a href=\"%s\" rel=\"noopener\"><bdi dir=\"ltr\">%s</bdi></a></td></tr>", osm, osm);
		}
		h_raw(&r->out, "</tbody></table></div>");
		exports(r, v, "hotspots");
	}
	n = insight_hotspots(s, r->a, &v->f, true, 20, &h);
	h_printf(&r->out, "<h3>%s</h3>", TR(r, "insight.areas"));
	if (n <= 0) {
		h_printf(&r->out, "<p>%s</p></section>", TR(r, n < 0 ? "error.unavailable" : "insight.nothing"));
		return;
	}
	h_printf(&r->out, "<div class=\"table-wrap\"><table class=\"stats\"><thead><tr><th scope=\"col\">%s</th>"
			  "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
		 TR(r, "insight.area"), TR(r, "insight.category"), TR(r, "insight.messages"));
	for (int i = 0; i < n; i++) {
		h_printf(&r->out, "<tr><th scope=\"row\">%s</th><td>%s</td><td>", h[i].area ? h[i].area : "",
			 dash_category_name(r, s, h[i].category_id));
		struct dash_view t = *v;
		const char *code = dash_category_code(r, s, h[i].category_id);
		if (*code)
			t.category_code = code;
		num_link(r, &t, h[i].count, arena_printf(r->a, "area=%s", url_encode(r->a, h[i].area ? h[i].area : "")));
		h_raw(&r->out, "</td></tr>");
	}
	h_raw(&r->out, "</tbody></table></div>");
	exports(r, v, "areas");
	h_raw(&r->out, "</section>");
}

static void filters_form(struct req *r, store *s, const struct dash_view *v)
{
	h_printf(&r->out, "<form method=\"get\" action=\"/insight\" class=\"filters\" aria-label=\"%s\">", TR(r, "insight.filters"));
	f_input(r, NULL, "from", "insight.from", "date", dash_day(r, v->f.from_day), NULL);
	f_input(r, NULL, "to", "insight.to", "date", dash_day(r, v->f.to_day), NULL);
	struct select_option g[] = {{"day", "insight.gran_day", NULL}, {"week", "insight.gran_week", NULL},
			     {"month", "insight.gran_month", NULL}, {NULL, NULL, NULL}};
	f_select(r, NULL, "gran", "insight.gran", g, gran_name(v->f.gran));
	struct select_option *o = arena_alloc(r->a, sizeof *o * (size_t)(v->ndepts + 2));
	int k = 0;
	if (v->all_depts || v->ndepts > 1)
		o[k++] = (struct select_option){"", "filter.any", NULL};
	for (int i = 0; i < v->ndepts; i++)
		o[k++] = (struct select_option){v->depts[i].slug, NULL, dept_name(&v->depts[i], r->lang)};
	f_select(r, NULL, "dept", "insight.department", o, v->dept ? v->dept->slug : "");
	struct category *c;
	int nc = category_list(s, r->a, true, &c);
	if (nc < 0)
		nc = 0;
	struct select_option *co = arena_alloc(r->a, sizeof *co * (size_t)(nc + 2));
	co[0] = (struct select_option){"", "filter.any", NULL};
	k = 1;
	for (int i = 0; i < nc; i++)
		if (v->all_depts || !c[i].dept_id || principal_can(req_who(r), ROLE_ANALYST, c[i].dept_id))
			co[k++] = (struct select_option){c[i].code, NULL, c[i].name[lang_index3(r->lang)]};
	f_select(r, NULL, "category", "insight.category", co, v->category_code ? v->category_code : "");
	for (int pass = 0; pass < 2; pass++) {
		const char **names;
		int n = dash_channels(s, r->a, &v->f, pass == 1, 12, &names);
		if (n < 0)
			n = 0;
		struct select_option *ch = arena_alloc(r->a, sizeof *ch * (size_t)(n + 3));
		ch[0] = (struct select_option){"", "filter.any", NULL};
		int m = 1;
		const char *cur = pass ? v->source : v->channel;
		bool seen = !cur;
		for (int i = 0; i < n; i++) {
			ch[m++] = (struct select_option){names[i], NULL, NULL};
			if (cur && !strcmp(cur, names[i]))
				seen = true;
		}
		if (!seen)
			ch[m++] = (struct select_option){cur, NULL, NULL};
		f_select(r, NULL, pass ? "source" : "channel", pass ? "insight.source" : "insight.channel", ch, cur ? cur : "");
	}
	h_printf(&r->out, "<button>%s</button></form>", TR(r, "filter.apply"));
}

static void dashboard(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	struct dash_view v;
	if (!dash_view_or_reply(r, s, &v))
		return;
	const char *title = v.dept ? T_fill(r->a, TR(r, "insight.title_dept"), 1, (const char *[]){dept_name(v.dept, r->lang)})
				   : TR(r, "insight.title");
	page_begin(r, title);
	h_printf(&r->out, "<h1>%s</h1><p>%s</p>", title, TR(r, "insight.intro"));
	filters_form(r, s, &v);
	h_printf(&r->out, "<nav class=\"toc\" aria-label=\"%s\"><ul>", TR(r, "insight.contents"));
	static const char *const toc[][2] = {
		{"series", "insight.series_title"}, {"departments", "insight.by_dept"}, {"categories", "insight.by_category"},
		{"channels", "insight.by_channel"}, {"terms", "insight.top_terms"}, {"phrases", "insight.top_phrases"},
		{"emerging", "insight.emerging"}, {"clusters", "insight.clusters"}, {"hotspots", "insight.hotspots"}};
	for (size_t i = 0; i < sizeof toc / sizeof toc[0]; i++)
		h_printf(&r->out, "<li><a href=\"#%s\">%s</a></li>", toc[i][0], TR(r, toc[i][1]));
	h_raw(&r->out, "</ul></nav>");
	series_block(r, s, &v);
	if (!v.dept)
		breakdown_block(r, s, &v, DASH_BY_DEPT);
	breakdown_block(r, s, &v, DASH_BY_CATEGORY);
	breakdown_block(r, s, &v, DASH_BY_CHANNEL);
	terms_block(r, s, &v, 1);
	terms_block(r, s, &v, 2);
	emerging_block(r, s, &v);
	clusters_block(r, s, &v);
	hotspots_block(r, s, &v);
	if (v.site_admin) {
		char week[9];
		digest_iso_week(insight_today() - 7, week);
		h_printf(&r->out, "<section id=\"digest\"><h2>%s</h2><p>%s</p><form method=\"post\" action=\"/insight/digest/send\">",
			 TR(r, "insight.digest_title"), TR(r, "insight.digest_intro"));
		f_csrf(r);
		f_input(r, NULL, "week", "insight.digest_week", "text", week, "pattern=\"[0-9]{4}-W[0-9]{2}\"");
		h_printf(&r->out, "<button>%s</button></form></section>", TR(r, "insight.digest_send"));
	}
	page_end(r);
	resp_html(r, 200);
}

static void export_block(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	struct dash_view v;
	if (!dash_view_or_reply(r, s, &v))
		return;
	const char *format = kv_get(&r->query, "format");
	if (!format || !*format)
		format = r->is_api ? "json" : "csv";
	if (strcmp(format, "csv") && strcmp(format, "json")) {
		resp_error(r, 400, "insight.bad_format");
		return;
	}
	dash_export(r, s, &v, r->params[0], format);
}

static void messages_page(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	struct dash_view v;
	if (!dash_view_or_reply(r, s, &v))
		return;
	const char *format = kv_get(&r->query, "format");
	dash_messages(r, s, &v, format && *format ? format : r->is_api ? "json" : "html");
}

static void digest_send(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	const char *week = req_param(r, "week");
	int32_t monday;
	char wk[9];
	if (week && *week) {
		monday = digest_week_monday(week);
		if (!monday) {
			resp_error(r, 400, "insight.bad_week");
			return;
		}
	} else {
		monday = insight_period_start(insight_today() - 7, INSIGHT_WEEK);
	}
	digest_iso_week(monday, wk);
	int n = digest_enqueue_week(s, monday);
	if (n < 0) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	jobs_kick();
	if (r->is_api) {
		resp_json(r, 202, json_pack("{s:s,s:i}", "week", wk, "queued", n));
		return;
	}
	page_begin(r, TR(r, "insight.digest_title"));
	strbuf t = STRBUF_INIT;
	fmt_int(&t, r->lang, n);
	h_printf(&r->out, "<h1>%s</h1><p class=\"notice ok\" role=\"status\">%s</p><p><a href=\"/insight\">%s</a></p>",
		 TR(r, "insight.digest_title"), T_fill(r->a, TR(r, "insight.digest_queued"), 2, (const char *[]){wk, sb_str(&t)}),
		 TR(r, "insight.back"));
	sb_free(&t);
	page_end(r);
	resp_html(r, 200);
}

void insight_pages_routes(void)
{
	static const struct route routes[] = {
		{"GET", "/insight", dashboard, ACCESS_ROLE, ROLE_ANALYST, 0, "analysts: the insight dashboard"},
		{"GET", "/insight/messages", messages_page, ACCESS_ROLE, ROLE_ANALYST, 0, "analysts: the messages behind a figure"},
		{"GET", "/insight/export/:block", export_block, ACCESS_ROLE, ROLE_ANALYST, 0, "analysts: one block as CSV or JSON"},
		{"POST", "/insight/digest/send", digest_send, ACCESS_SITE_ADMIN, 0, ROUTE_FORM, "site admins: queue the weekly digest now"},
		{"GET", "/api/v1/insight/messages", messages_page, ACCESS_ROLE, ROLE_ANALYST, ROUTE_API, "the messages behind a figure"},
		{"GET", "/api/v1/insight/:block", export_block, ACCESS_ROLE, ROLE_ANALYST, ROUTE_API, "one dashboard block as JSON"},
	};
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		route_add(&routes[i]);
	opinion_routes();
	digest_init();
}
