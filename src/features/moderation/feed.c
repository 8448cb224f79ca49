/* Atom feed (RFC 4287) of a department's participation (consultations and proposals):
 * GET /feeds/departments/:slug/participation.atom — its published
 * consultations, newest first, read through consultations.h
 * (consultation_list). Proposals join the feed once proposals.h offers a list
 * function (a feature never reads another's tables). Lives here, beside the
 * rest of the participation plumbing this folder owns. */
#include "features/moderation/internal.h"
#include "features/accounts/accounts.h"
#include "features/consultations/consultations.h"
#include "features/proposals/proposals.h"
#include "core/util.h"
#include "web/page.h"
#include <stdlib.h>
#include <string.h>

#define FEED_ENTRIES 30
#define FEED_SCAN 100 /* consultations looked at (the list's order is by status) */

static int newest_first(const void *x, const void *y)
{
	const struct consultation *a = x, *b = y;
	if (a->created_at != b->created_at)
		return a->created_at < b->created_at ? 1 : -1;
	return a->id < b->id ? 1 : a->id > b->id ? -1 : 0;
}

static void feed_participation(struct req *r)
{
	store *s = store_thread();
	struct department d;
	int64_t dept = s ? dept_by_slug(s, r->params[0]) : 0;
	if (!s || !dept || !dept_get(s, r->a, dept, &d)) {
		resp_error(r, s ? 404 : 503, s ? "error.not_found" : "error.unavailable");
		return;
	}
	int64_t now = now_s();
	struct consult_filter f = {.status = CONSULT_LIST_PUBLIC, .dept_id = dept, .limit = FEED_SCAN};
	struct consultation *c = NULL;
	const char *next = NULL;
	int n = consultation_list(s, r->a, &f, now, &c, &next);
	if (n < 0) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	qsort(c, (size_t)n, sizeof *c, newest_first);
	if (n > FEED_ENTRIES)
		n = FEED_ENTRIES;

	const char *base = r->cfg->base_url;
	const char *self = arena_printf(r->a, "/feeds/departments/%s/participation.atom", d.slug);
	const char *dname = dept_name(&d, r->lang);
	/* The department's newest proposals join the feed after its consultations. */
	struct proposal *props = NULL;
	int np = proposal_recent(s, r->a, dept, FEED_ENTRIES, &props);
	if (np < 0)
		np = 0;
	int64_t updated = 0;
	for (int i = 0; i < n; i++)
		if (c[i].updated_at > updated)
			updated = c[i].updated_at;
	for (int i = 0; i < np; i++)
		if (props[i].created_at > updated)
			updated = props[i].created_at;
	char when[32];
	iso8601_utc(when, sizeof when, (time_t)(updated ? updated : now));
	strbuf *o = &r->out;
	h_printf(o, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"%s\">"
		    "<id>%s%s</id><title>%s — %s</title><updated>%s</updated>"
		    "<link rel=\"self\" type=\"application/atom+xml\" href=\"%s%s\"/>"
		    "<link rel=\"alternate\" type=\"text/html\" href=\"%s/consultations\"/>"
		    "<author><name>%s</name></author><generator>majlis</generator>",
		 r->lang, base, self, TR(r, "participate.feed_title"), dname, when, base, self, base, dname);
	for (int i = 0; i < n; i++) {
		char pub[32], upd[32], opens[32], closes[32];
		iso8601_utc(pub, sizeof pub, (time_t)c[i].created_at);
		iso8601_utc(upd, sizeof upd, (time_t)(c[i].updated_at > c[i].created_at ? c[i].updated_at : c[i].created_at));
		const char *lang = c[i].lang && *c[i].lang ? c[i].lang : r->lang;
		const char *path = consultation_path(r->a, &c[i]);
		const char *status = consult_status_name(consultation_status(&c[i], now));
		h_printf(o, "<entry xml:lang=\"%s\"><id>%s%s</id><title>%s</title><published>%s</published><updated>%s</updated>"
			    "<link rel=\"alternate\" type=\"text/html\" href=\"%s%s\"/><author><name>%s</name></author>"
			    "<category term=\"consultation\" label=\"%s\"/><category term=\"%s\"/>",
			 lang, base, path, c[i].title, pub, upd, base, path, dept_name(&d, lang),
			 T(lang, "mod.type.consultation"), status);
		iso8601_utc(opens, sizeof opens, (time_t)c[i].opens_at);
		iso8601_utc(closes, sizeof closes, (time_t)c[i].closes_at);
		h_printf(o, "<summary>%s %s → %s</summary>", T(lang, "mod.type.consultation"), opens, closes);
		struct consultation full; /* lists carry no body: load it */
		if (consultation_get(s, r->a, c[i].id, &full) && full.body_html && *full.body_html)
			h_printf(o, "<content type=\"html\">%s</content>", full.body_html);
		h_raw(o, "</entry>");
	}
	for (int i = 0; i < np; i++) {
		char pub[32];
		iso8601_utc(pub, sizeof pub, (time_t)props[i].created_at);
		const char *path = arena_printf(r->a, "/proposals/%lld", (long long)props[i].id);
		h_printf(o, "<entry><id>%s%s</id><title>%s</title><published>%s</published><updated>%s</updated>"
			    "<link rel=\"alternate\" type=\"text/html\" href=\"%s%s\"/><author><name>%s</name></author>"
			    "<category term=\"proposal\" label=\"%s\"/><category term=\"%s\"/>",
			 base, path, props[i].title, pub, pub, base, path, dname, TR(r, "search.type_proposal"),
			 proposal_state(&props[i], now));
		if (props[i].body_html && *props[i].body_html)
			h_printf(o, "<content type=\"html\">%s</content>", props[i].body_html);
		h_raw(o, "</entry>");
	}
	h_raw(o, "</feed>");
	resp_cacheable(r, 60);
	resp_html(r, 200);
	r->ctype = "application/atom+xml; charset=utf-8";
}

void moderation_feed_routes(void)
{
	static const struct route routes[] = {
		{"GET", "/feeds/departments/:slug/participation.atom", feed_participation, ACCESS_ANYONE, 0, ROUTE_CACHE,
		 "Atom feed of a department's consultations"},
	};
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		route_add(&routes[i]);
}
