/* Exports of the dashboard's blocks. Every block is built once as an array of
 * flat JSON objects with a fixed list of columns; the JSON answer is
 * {"block", "filters", "columns", "rows"}, the CSV answer (RFC 4180: CRLF,
 * every text field quoted, header line) has the same columns in the same
 * order. Times are ISO-8601 UTC, days YYYY-MM-DD in the administration's zone,
 * shares between 0 and 1, net sentiment in percent points. */
#include "features/insight/dashboard.h"
#include "web/csv_out.h"
#include "core/util.h"
#include "web/page.h"
#include <math.h>
#include <string.h>

struct block {
	const char *name;
	const char *const *cols;
};

static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *iso(int64_t t)
{
	char b[32];
	iso8601_utc(b, sizeof b, (time_t)t);
	return json_string(b);
}

static const char *gran_str(enum insight_gran g)
{
	return g == INSIGHT_WEEK ? "week" : g == INSIGHT_MONTH ? "month" : "day";
}

static json_t *point_row(struct req *r, const struct dash_view *v, const struct insight_point *p)
{
	int32_t end = insight_period_end(p->day, v->f.gran);
	return json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:f,s:f}", "period", p->label, "period_end", dash_day(r, end),
			 "total", (json_int_t)p->total, "pos", (json_int_t)p->pos, "neg", (json_int_t)p->neg, "neu",
			 (json_int_t)p->neu, "net_percent", dash_net(p->pos, p->neg, p->neu), "mean_confidence",
			 p->mean_confidence);
}

/* Builds the rows of block name; NULL rows and false when the block is
 * unknown; *err set on a database error. */
static bool build(struct req *r, store *s, const struct dash_view *v, const char *name, json_t **rows,
		  const char *const **cols, bool *err)
{
	static const char *const c_series[] = {"period", "period_end", "total", "pos", "neg", "neu", "net_percent",
					       "mean_confidence", NULL};
	static const char *const c_break[] = {"key", "name", "period", "period_end", "total", "pos", "neg", "neu",
					      "net_percent", "mean_confidence", NULL};
	static const char *const c_terms[] = {"term", "display", "messages", NULL};
	static const char *const c_emerging[] = {"term", "display", "now", "before", "total_now", "total_before", "g2", "p", NULL};
	static const char *const c_clusters[] = {"id", "label", "size", "department", "category", "first_at", "last_at",
						 "pos", "neg", "neu", NULL};
	static const char *const c_hot[] = {"cell", "lat", "lon", "category", "messages", "openstreetmap", NULL};
	static const char *const c_areas[] = {"area", "category", "messages", NULL};
	*err = false;
	json_t *a = json_array();
	*rows = a;
	if (!strcmp(name, "series")) {
		*cols = c_series;
		struct insight_point *p;
		int n = insight_series(s, r->a, &v->f, &p);
		if (n < 0)
			goto fail;
		for (int i = 0; i < n; i++)
			json_array_append_new(a, point_row(r, v, &p[i]));
		return true;
	}
	if (!strcmp(name, "departments") || !strcmp(name, "categories") || !strcmp(name, "channels")) {
		*cols = c_break;
		enum dash_by by = name[0] == 'd' ? DASH_BY_DEPT : name[1] == 'a' ? DASH_BY_CATEGORY : DASH_BY_CHANNEL;
		struct dash_breakdown *b;
		int n = dash_breakdown(r, s, v, by, &b);
		if (n < 0)
			goto fail;
		for (int k = 0; k < n; k++)
			for (int i = 0; i < b[k].npts; i++) {
				json_t *o = point_row(r, v, &b[k].pts[i]);
				json_object_set_new(o, "key", json_string(b[k].key));
				json_object_set_new(o, "name", json_string(b[k].name));
				json_array_append_new(a, o);
			}
		return true;
	}
	if (!strcmp(name, "terms") || !strcmp(name, "phrases")) {
		*cols = c_terms;
		struct insight_term *t;
		int n = insight_top_terms(s, r->a, &v->f, name[0] == 't' ? 1 : 2, 200, &t);
		if (n < 0)
			goto fail;
		for (int i = 0; i < n; i++)
			json_array_append_new(a, json_pack("{s:s,s:s,s:I}", "term", t[i].term, "display", t[i].display, "messages",
							   (json_int_t)t[i].count));
		return true;
	}
	if (!strcmp(name, "emerging")) {
		*cols = c_emerging;
		struct insight_emerging *e;
		int n = insight_emerging_terms(s, r->a, &v->f, 1, 0, 0, 200, &e);
		if (n < 0)
			goto fail;
		for (int i = 0; i < n; i++)
			json_array_append_new(a, json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:f,s:f}", "term", e[i].term, "display",
							   e[i].display, "now", (json_int_t)e[i].now, "before", (json_int_t)e[i].before,
							   "total_now", (json_int_t)e[i].total_now, "total_before",
							   (json_int_t)e[i].total_before, "g2", e[i].g2, "p", e[i].p));
		return true;
	}
	if (!strcmp(name, "clusters")) {
		*cols = c_clusters;
		struct insight_cluster *c;
		int n = insight_clusters(s, r->a, &v->f, 100, &c);
		if (n < 0)
			goto fail;
		for (int i = 0; i < n; i++) {
			json_t *ex = json_array();
			for (int k = 0; k < c[i].nexamples; k++)
				json_array_append_new(ex, json_pack("{s:s,s:I,s:s,s:s,s:o}", "source", c[i].examples[k].source,
								    "source_id", (json_int_t)c[i].examples[k].source_id, "url",
								    c[i].examples[k].url ? c[i].examples[k].url : "", "excerpt",
								    c[i].examples[k].excerpt, "at", iso(c[i].examples[k].at)));
			json_array_append_new(a, json_pack("{s:I,s:s,s:i,s:s,s:s,s:o,s:o,s:i,s:i,s:i,s:o}", "id",
							   (json_int_t)c[i].id, "label", c[i].label, "size", c[i].size, "department",
							   dash_dept_slug(v, c[i].dept_id), "category",
							   dash_category_code(r, s, c[i].category_id), "first_at", iso(c[i].first_at),
							   "last_at", iso(c[i].last_at), "pos", c[i].pos, "neg", c[i].neg, "neu", c[i].neu,
							   "examples", ex));
		}
		return true;
	}
	if (!strcmp(name, "hotspots") || !strcmp(name, "areas")) {
		bool areas = name[0] == 'a';
		*cols = areas ? c_areas : c_hot;
		struct insight_hotspot *h;
		int n = insight_hotspots(s, r->a, &v->f, areas, 200, &h);
		if (n < 0)
			goto fail;
		for (int i = 0; i < n; i++) {
			if (areas) {
				json_array_append_new(a, json_pack("{s:o,s:s,s:I}", "area", jstr(h[i].area), "category",
								   dash_category_code(r, s, h[i].category_id), "messages",
								   (json_int_t)h[i].count));
				continue;
			}
			const char *osm = arena_printf(r->a, "https://www.openstreetmap.org/?mlat=%.5f&mlon=%.5f#map=17/%.5f/%.5f",
						       h[i].lat, h[i].lon, h[i].lat, h[i].lon);
			json_array_append_new(a, json_pack("{s:I,s:f,s:f,s:s,s:I,s:s}", "cell", (json_int_t)h[i].cell, "lat",
							   h[i].lat, "lon", h[i].lon, "category",
							   dash_category_code(r, s, h[i].category_id), "messages", (json_int_t)h[i].count,
							   "openstreetmap", osm));
		}
		return true;
	}
	json_decref(a);
	*rows = NULL;
	return false;
fail:
	json_decref(a);
	*rows = NULL;
	*err = true;
	return true;
}

/* One CSV field: numbers as they are, text quoted with "" doubled, null empty. */
static void csv_field(strbuf *sb, json_t *x)
{
	if (!x || json_is_null(x))
		return;
	if (json_is_integer(x)) {
		sb_printf(sb, "%lld", (long long)json_integer_value(x));
	} else if (json_is_real(x)) {
		double d = json_real_value(x);
		if (isfinite(d))
			sb_printf(sb, "%.6g", d);
	} else if (json_is_string(x)) {
		csv_put(sb, json_string_value(x));
	} else if (json_is_boolean(x)) {
		sb_puts(sb, json_is_true(x) ? "true" : "false");
	}
}

void dash_csv(struct req *r, const char *name, const char *const *cols, json_t *rows)
{
	strbuf sb = STRBUF_INIT;
	for (int c = 0; cols[c]; c++)
		sb_printf(&sb, "%s%s", c ? "," : "", cols[c]);
	sb_puts(&sb, "\r\n");
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		for (int c = 0; cols[c]; c++) {
			if (c)
				sb_putc(&sb, ',');
			csv_field(&sb, json_object_get(row, cols[c]));
		}
		sb_puts(&sb, "\r\n");
	}
	resp_header(r, "Content-Disposition", arena_printf(r->a, "attachment; filename=\"insight-%s.csv\"", name));
	resp_body(r, 200, "text/csv; charset=utf-8; header=present", sb_str(&sb), sb.len);
	sb_free(&sb);
}

json_t *dash_filters_json(struct req *r, const struct dash_view *v)
{
	return json_pack("{s:s,s:s,s:s,s:o,s:o,s:o,s:o}", "from", dash_day(r, v->f.from_day), "to", dash_day(r, v->f.to_day),
			 "granularity", gran_str(v->f.gran), "department", jstr(v->dept ? v->dept->slug : NULL), "category",
			 jstr(v->category_code), "channel", jstr(v->channel), "source", jstr(v->source));
}

void dash_export(struct req *r, store *s, const struct dash_view *v, const char *block, const char *format)
{
	if (!strcmp(block, "messages")) {
		dash_messages(r, s, v, format);
		return;
	}
	json_t *rows;
	const char *const *cols;
	bool err;
	if (!build(r, s, v, block, &rows, &cols, &err)) {
		resp_error(r, 404, "error.not_found");
		return;
	}
	if (err) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	if (!strcmp(format, "csv")) {
		dash_csv(r, block, cols, rows);
		json_decref(rows);
		return;
	}
	json_t *jc = json_array();
	for (int c = 0; cols[c]; c++)
		json_array_append_new(jc, json_string(cols[c]));
	resp_json(r, 200, json_pack("{s:s,s:o,s:o,s:o}", "block", block, "filters", dash_filters_json(r, v), "columns", jc,
				    "rows", rows));
}
