/* GET /search (the page) and GET /api/v1/search (JSON). */
#include "features/search/search.h"
#include "features/accounts/accounts.h"
#include "core/util.h"
#include "http/urlenc.h"
#include "web/page.h"
#include <string.h>

#define PAGE 20

static const char *const types[] = {"post", "consultation", "proposal", "comment", "request", NULL};

static bool type_valid(const char *t)
{
	for (int i = 0; t && types[i]; i++)
		if (!strcmp(t, types[i]))
			return true;
	return false;
}

/* Reads q, type, dept, from, to, offset, limit; answers 400 and returns false
 * on a malformed value. */
static bool read_query(struct req *r, store *s, struct search_query *q)
{
	memset(q, 0, sizeof *q);
	q->q = kv_get(&r->query, "q");
	if (q->q && utf8_length(q->q) > 200) {
		resp_error(r, 400, "search.too_long");
		return false;
	}
	const char *type = kv_get(&r->query, "type");
	if (type && *type) {
		if (!type_valid(type)) {
			resp_error(r, 400, "search.bad_type");
			return false;
		}
		q->type = type;
	}
	const char *dept = kv_get(&r->query, "dept");
	if (dept && *dept && !(q->dept_id = dept_by_slug(s, dept))) {
		resp_error(r, 400, "posts.unknown_department");
		return false;
	}
	static const char *const dates[] = {"from", "to"};
	for (int i = 0; i < 2; i++) {
		const char *v = kv_get(&r->query, dates[i]);
		time_t t;
		if (v && *v) {
			if (!parse_datetime(v, &t)) {
				resp_error(r, 400, "form.bad_datetime");
				return false;
			}
			if (i == 0)
				q->from = (int64_t)t;
			else
				q->to = (int64_t)t + (strlen(v) == 10 ? 86399 : 0);
		}
	}
	int64_t off = 0, lim = PAGE;
	const char *o = kv_get(&r->query, "offset"), *l = kv_get(&r->query, "limit");
	if ((o && !parse_int64(o, 0, 1000, &off)) || (l && !parse_int64(l, 1, 50, &lim))) {
		resp_error(r, 400, "search.bad_page");
		return false;
	}
	q->offset = (int)off;
	q->limit = (int)lim;
	return true;
}

static void search_page(struct req *r)
{
	store *s = store_thread();
	if (!s) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	struct search_query q;
	if (!read_query(r, s, &q))
		return;
	struct search_hit *hits = NULL;
	int total = 0;
	int n = q.q ? search_run(s, r->a, req_who(r), &q, &hits, &total) : 0;
	page_begin(r, TR(r, "search.title"));
	h_printf(&r->out, "<h1>%s</h1><form method=\"get\" action=\"/search\" class=\"filters\" role=\"search\">", TR(r, "search.title"));
	f_input(r, NULL, "q", "search.words", "search", q.q, "maxlength=\"200\"");
	struct select_option topts[7] = {{"", "filter.any", NULL}};
	for (int i = 0; types[i]; i++)
		topts[i + 1] = (struct select_option){types[i], arena_printf(r->a, "search.type_%s", types[i]), NULL};
	f_select(r, NULL, "type", "search.type", topts, q.type);
	struct department *d;
	int nd = dept_list(s, r->a, &d);
	struct select_option *dopts = arena_alloc(r->a, sizeof *dopts * (size_t)(nd + 2));
	dopts[0] = (struct select_option){"", "filter.any", NULL};
	for (int i = 0; i < nd; i++)
		dopts[i + 1] = (struct select_option){d[i].slug, NULL, dept_name(&d[i], r->lang)};
	f_select(r, NULL, "dept", "post.department", dopts, kv_get(&r->query, "dept"));
	h_printf(&r->out, "<button>%s</button></form>", TR(r, "form.search"));
	if (q.q && *q.q) {
		h_raw(&r->out, "<p class=\"meta\">");
		h_text(&r->out, T_fill(r->a, TR(r, "search.count"), 1, (const char *[]){arena_printf(r->a, "%d%s", total, total >= 1000 ? "+" : "")}));
		h_raw(&r->out, "</p>");
	}
	if (n < 0)
		h_printf(&r->out, "<p class=\"notice\">%s</p>", TR(r, "error.unavailable"));
	h_raw(&r->out, "<ol class=\"post-list\">");
	for (int i = 0; i < n; i++) {
		struct search_hit *h = &hits[i];
		h_printf(&r->out, "<li%s%s%s><span class=\"chip\">%s</span> <a href=\"%s\">%s</a><p>",
			 h->lang ? " lang=\"" : "", h->lang ? h->lang : "", h->lang ? "\"" : "",
			 TR(r, arena_printf(r->a, "search.type_%s", h->type)), h->url, h->title && *h->title ? h->title : h->url);
		h_raw(&r->out, h->snippet_html); /* escaped by snippet_html, marks added */
		h_raw(&r->out, "</p><p class=\"meta\">");
		fmt_date(&r->out, r->lang, (time_t)h->at, false);
		h_raw(&r->out, "</p></li>");
	}
	h_raw(&r->out, "</ol>");
	if (q.q && q.offset + n < total && n == q.limit)
		h_printf(&r->out, "<nav class=\"pager\"><a rel=\"next\" href=\"/search?q=%s&amp;type=%s&amp;dept=%s&amp;offset=%d\">%s</a></nav>",
			 url_encode(r->a, q.q), q.type ? q.type : "", kv_get(&r->query, "dept") ? url_encode(r->a, kv_get(&r->query, "dept")) : "",
			 q.offset + n, TR(r, "pager.next"));
	page_end(r);
	if (!req_who(r))
		resp_cacheable(r, 30);
	resp_html(r, 200);
}

static void search_api(struct req *r)
{
	store *s = store_thread();
	if (!s) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	struct search_query q;
	if (!read_query(r, s, &q))
		return;
	if (!q.q || !*q.q) {
		resp_json_error(r, 400, "missing_query", TR(r, "search.missing_query"));
		return;
	}
	struct search_hit *hits;
	int total = 0;
	int n = search_run(s, r->a, req_who(r), &q, &hits, &total);
	if (n < 0) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		char at[32];
		iso8601_utc(at, sizeof at, (time_t)hits[i].at);
		json_array_append_new(items, json_pack("{s:s,s:I,s:s?,s:s,s:s,s:s?,s:s,s:f}", "type", hits[i].type, "id",
						       (json_int_t)hits[i].id, "title", hits[i].title, "url", hits[i].url,
						       "snippet_html", hits[i].snippet_html, "lang", hits[i].lang, "at", at,
						       "score", hits[i].score));
	}
	resp_json(r, 200, json_pack("{s:o,s:i,s:i}", "items", items, "total", total, "offset", q.offset));
}

void search_routes(void)
{
	route_add(&(struct route){"GET", "/search", search_page, ACCESS_ANYONE, 0, ROUTE_CACHE, "full-text search"});
	route_add(&(struct route){"GET", "/api/v1/search", search_api, ACCESS_ANYONE, 0, ROUTE_API, "full-text search (JSON)"});
}
