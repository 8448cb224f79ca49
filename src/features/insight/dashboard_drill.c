/* The messages behind a figure (/insight/messages): the dashboard's filters
 * plus term, cluster, cell, area and sentiment; newest first, DASH_PAGE per
 * page with a keyset pager (before=<at>.<id>); HTML, CSV or JSON. Excerpts
 * are the PII-masked ones insight stores. */
#include "features/insight/dashboard.h"
#include "core/util.h"
#include "http/urlenc.h"
#include "web/page.h"
#include <stdio.h>
#include <string.h>

struct drill_params {
	struct insight_drill d;
	const char *extra;    /* the drill parameters as a query fragment (for the pager) */
};

/* Parses the drill parameters; answers 400 and returns false on a bad one. */
static bool drill_or_reply(struct req *r, const struct dash_view *v, struct drill_params *p)
{
	memset(p, 0, sizeof *p);
	p->d.f = v->f;
	p->d.limit = DASH_PAGE;
	strbuf ex = STRBUF_INIT;
	const char *term = kv_get(&r->query, "term"), *cluster = kv_get(&r->query, "cluster");
	const char *cell = kv_get(&r->query, "cell"), *area = kv_get(&r->query, "area");
	const char *sent = kv_get(&r->query, "sentiment"), *before = kv_get(&r->query, "before");
	const char *limit = kv_get(&r->query, "limit");
	bool ok = false;
	if (term && *term) {
		if (strlen(term) > 200)
			goto bad;
		p->d.term = term;
		sb_printf(&ex, "&term=%s", url_encode(r->a, term));
	}
	if (cluster && *cluster) {
		if (!parse_int64(cluster, 1, INT64_MAX, &p->d.cluster_id))
			goto bad;
		sb_printf(&ex, "&cluster=%lld", (long long)p->d.cluster_id);
	}
	if (cell && *cell) {
		if (!parse_int64(cell, INT64_MIN, INT64_MAX, &p->d.cell) || !p->d.cell)
			goto bad;
		sb_printf(&ex, "&cell=%lld", (long long)p->d.cell);
	}
	if (area && *area) {
		if (strlen(area) > 200)
			goto bad;
		p->d.area = area;
		sb_printf(&ex, "&area=%s", url_encode(r->a, area));
	}
	if (sent && *sent) {
		if (strcmp(sent, "pos") && strcmp(sent, "neg") && strcmp(sent, "neu"))
			goto bad;
		p->d.sentiment = sent;
		sb_printf(&ex, "&sentiment=%s", sent);
	}
	if (limit && *limit) {
		int64_t l;
		if (!parse_int64(limit, 1, 200, &l))
			goto bad;
		p->d.limit = (int)l;
		sb_printf(&ex, "&limit=%lld", (long long)l);
	}
	if (before && *before) {
		const char *dot = strchr(before, '.');
		if (!dot || !parse_int64(arena_strndup(r->a, before, (size_t)(dot - before)), 1, INT64_MAX, &p->d.before_at) ||
		    !parse_int64(dot + 1, 1, INT64_MAX, &p->d.before_id))
			goto bad;
	}
	p->extra = arena_strdup(r->a, ex.len ? sb_str(&ex) + 1 : "");
	ok = true;
bad:
	sb_free(&ex);
	if (!ok)
		resp_error(r, 400, "error.bad_request");
	return ok;
}

static const char *const cols[] = {"id", "source", "source_id", "url", "department", "category", "channel", "lang",
				   "area", "sentiment", "confidence", "model_version", "at", "lat", "lon", "excerpt", NULL};

static json_t *item_json(struct req *r, store *s, const struct dash_view *v, const struct insight_item *it)
{
	char at[32];
	iso8601_utc(at, sizeof at, (time_t)it->at);
	return json_pack("{s:I,s:s,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:f,s:s,s:s,s:o,s:o,s:s}", "id", (json_int_t)it->id,
			 "source", it->source, "source_id", (json_int_t)it->source_id, "url", it->url ? it->url : "",
			 "department", dash_dept_slug(v, it->dept_id), "category", dash_category_code(r, s, it->category_id),
			 "channel", it->channel ? it->channel : "", "lang", it->lang ? it->lang : "", "area",
			 it->area ? it->area : "", "sentiment",
			 it->sentiment && *it->sentiment ? json_string(it->sentiment) : json_null(), "confidence",
			 it->confidence, "model_version", it->model_version ? it->model_version : "", "at", at, "lat",
			 it->has_location ? json_real(it->lat) : json_null(), "lon",
			 it->has_location ? json_real(it->lon) : json_null(), "excerpt", it->excerpt ? it->excerpt : "");
}

/* What the list shows, in words ("term: eau · negative"). */
static void describe(struct req *r, const struct dash_view *v, const struct drill_params *p)
{
	h_raw(&r->out, "<dl class=\"drill\">");
	h_printf(&r->out, "<dt>%s</dt><dd><bdi>%s</bdi> – <bdi>%s</bdi></dd>", TR(r, "insight.period"),
		 dash_day(r, v->f.from_day), dash_day(r, v->f.to_day));
	if (v->dept)
		h_printf(&r->out, "<dt>%s</dt><dd>%s</dd>", TR(r, "insight.department"), dept_name(v->dept, r->lang));
	if (v->category_code)
		h_printf(&r->out, "<dt>%s</dt><dd>%s</dd>", TR(r, "insight.category"), v->category_code);
	if (v->channel)
		h_printf(&r->out, "<dt>%s</dt><dd>%s</dd>", TR(r, "insight.channel"), v->channel);
	if (v->source)
		h_printf(&r->out, "<dt>%s</dt><dd>%s</dd>", TR(r, "insight.source"), v->source);
	if (p->d.term)
		h_printf(&r->out, "<dt>%s</dt><dd>%s</dd>", TR(r, "insight.term"), p->d.term);
	if (p->d.cluster_id)
		h_printf(&r->out, "<dt>%s</dt><dd>%lld</dd>", TR(r, "insight.cluster"), (long long)p->d.cluster_id);
	if (p->d.cell)
		h_printf(&r->out, "<dt>%s</dt><dd>%lld</dd>", TR(r, "insight.cell"), (long long)p->d.cell);
	if (p->d.area)
		h_printf(&r->out, "<dt>%s</dt><dd>%s</dd>", TR(r, "insight.area"), p->d.area);
	if (p->d.sentiment)
		h_printf(&r->out, "<dt>%s</dt><dd>%s</dd>", TR(r, "insight.sentiment"),
			 TR(r, arena_printf(r->a, "insight.%s", p->d.sentiment)));
	h_raw(&r->out, "</dl>");
}

void dash_messages(struct req *r, store *s, const struct dash_view *v, const char *format)
{
	if (strcmp(format, "html") && strcmp(format, "csv") && strcmp(format, "json")) {
		resp_error(r, 400, "insight.bad_format");
		return;
	}
	struct drill_params p;
	if (!drill_or_reply(r, v, &p))
		return;
	struct insight_item *it;
	int n = insight_messages(s, r->a, &p.d, &it);
	if (n < 0) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	const char *next = n == p.d.limit ? arena_printf(r->a, "%lld.%lld", (long long)it[n - 1].at, (long long)it[n - 1].id)
					  : NULL;
	if (strcmp(format, "html")) {
		json_t *rows = json_array();
		for (int i = 0; i < n; i++)
			json_array_append_new(rows, item_json(r, s, v, &it[i]));
		if (!strcmp(format, "csv")) {
			dash_csv(r, "messages", cols, rows);
			json_decref(rows);
			return;
		}
		json_t *drill = json_pack("{s:o,s:o,s:o,s:o,s:o}", "term", p.d.term ? json_string(p.d.term) : json_null(),
					  "cluster", p.d.cluster_id ? json_integer(p.d.cluster_id) : json_null(), "cell",
					  p.d.cell ? json_integer(p.d.cell) : json_null(), "area",
					  p.d.area ? json_string(p.d.area) : json_null(), "sentiment",
					  p.d.sentiment ? json_string(p.d.sentiment) : json_null());
		resp_json(r, 200, json_pack("{s:s,s:o,s:o,s:o,s:o}", "block", "messages", "filters", dash_filters_json(r, v),
					    "drill", drill, "rows", rows, "next", next ? json_string(next) : json_null()));
		return;
	}
	page_begin(r, TR(r, "insight.messages_title"));
	h_printf(&r->out, "<h1>%s</h1><p><a href=\"/insight?%s\">%s</a></p>", TR(r, "insight.messages_title"),
		 dash_query(r, v, NULL), TR(r, "insight.back"));
	describe(r, v, &p);
	if (!n)
		h_printf(&r->out, "<p>%s</p>", TR(r, "insight.nothing"));
	h_raw(&r->out, "<ol class=\"messages\">");
	for (int i = 0; i < n; i++) {
		strbuf d = STRBUF_INIT;
		fmt_date(&d, r->lang, (time_t)it[i].at, true);
		h_printf(&r->out, "<li class=\"msg\" data-source=\"%s\" data-id=\"%lld\"><p class=\"excerpt\">%s</p><p class=\"meta\">",
			 it[i].source, (long long)it[i].source_id, it[i].excerpt ? it[i].excerpt : "");
		if (it[i].url && *it[i].url)
			h_printf(&r->out, "<a href=\"%s\">%s</a> · ", it[i].url, TR(r, "insight.open"));
		h_printf(&r->out, "<time>%s</time> · %s", sb_str(&d), it[i].source);
		if (it[i].dept_id)
			h_printf(&r->out, " · %s", dash_dept_name(r, v, it[i].dept_id));
		if (it[i].category_id)
			h_printf(&r->out, " · %s", dash_category_name(r, s, it[i].category_id));
		if (it[i].channel && *it[i].channel)
			h_printf(&r->out, " · %s", it[i].channel);
		if (it[i].area && *it[i].area)
			h_printf(&r->out, " · %s", it[i].area);
		if (it[i].sentiment && *it[i].sentiment)
			h_printf(&r->out, " · %s (%s)", TR(r, arena_printf(r->a, "insight.%s", it[i].sentiment)),
				 arena_printf(r->a, "%.2f", it[i].confidence));
		h_raw(&r->out, "</p></li>");
		sb_free(&d);
	}
	h_raw(&r->out, "</ol>");
	const char *q = dash_query(r, v, p.extra);
	if (next)
		h_printf(&r->out, "<nav class=\"pager\"><a rel=\"next\" href=\"/insight/messages?%s&before=%s\">%s</a></nav>", q,
			 next, TR(r, "insight.older"));
	h_printf(&r->out, "<p class=\"actions\"><a href=\"/insight/messages?%s&format=csv\">%s</a> · "
			  "<a href=\"/insight/messages?%s&format=json\">%s</a></p>",
		 q, TR(r, "insight.download_csv"), q, TR(r, "insight.download_json"));
	page_end(r);
	resp_html(r, 200);
}
