/* Atom feeds (RFC 4287): all posts, per department, per tag. */
#include "features/posts/posts.h"
#include "features/accounts/accounts.h"
#include "core/util.h"
#include "http/urlenc.h"
#include <string.h>

#define FEED_ENTRIES 30

static void feed(struct req *r, const char *self_path, const char *title, struct post_filter *f)
{
	store *s = store_thread();
	if (!s) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	int64_t now = now_s();
	f->limit = FEED_ENTRIES;
	struct post *posts;
	int n = post_list(s, r->a, f, now, &posts);
	if (n < 0) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	const char *base = r->cfg->base_url;
	strbuf *o = &r->out;
	char when[32];
	int64_t updated = 0;
	for (int i = 0; i < n; i++)
		if (posts[i].updated_at > updated)
			updated = posts[i].updated_at;
	iso8601_utc(when, sizeof when, (time_t)(updated ? updated : now));
	h_printf(o, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"%s\">"
		    "<id>%s%s</id><title>%s</title><updated>%s</updated>"
		    "<link rel=\"self\" type=\"application/atom+xml\" href=\"%s%s\"/><link rel=\"alternate\" type=\"text/html\" href=\"%s/\"/>"
		    "<author><name>%s</name></author><generator>majlis</generator>",
		 r->lang, base, self_path, title, when, base, self_path, base, TR(r, "site.name"));
	struct department *depts;
	int nd = dept_list(s, r->a, &depts);
	for (int i = 0; i < n; i++) {
		struct post full;
		if (!post_load(s, r->a, posts[i].id, &full))
			continue;
		const char *dname = TR(r, "site.name");
		for (int k = 0; k < nd; k++)
			if (depts[k].id == full.dept_id)
				dname = dept_name(&depts[k], full.lang);
		char pub[32], upd[32];
		iso8601_utc(pub, sizeof pub, (time_t)full.publish_at);
		iso8601_utc(upd, sizeof upd, (time_t)(full.updated_at > full.publish_at ? full.updated_at : full.publish_at));
		h_printf(o, "<entry xml:lang=\"%s\"><id>%s/posts/%lld</id><title>%s</title><published>%s</published><updated>%s</updated>"
			    "<link rel=\"alternate\" type=\"text/html\" href=\"%s%s\"/><author><name>%s</name></author>"
			    "<category term=\"%s\" label=\"%s\"/>",
			 full.lang, base, (long long)full.id, full.title, pub, upd, base, post_path(r->a, &full), dname,
			 full.kind, T(full.lang, arena_printf(r->a, "kind.%s", full.kind)));
		for (int t = 0; t < full.ntags; t++)
			h_printf(o, "<category term=\"%s\"/>", full.tags[t]);
		h_printf(o, "<summary>%s</summary><content type=\"html\">%s</content></entry>", full.summary, full.body_html);
	}
	h_raw(o, "</feed>");
	resp_cacheable(r, posts_cache_ttl(s, now, 60));
	resp_html(r, 200);
	r->ctype = "application/atom+xml; charset=utf-8";
}

static void feed_all(struct req *r)
{
	struct post_filter f = {0};
	feed(r, "/feeds/posts.atom", TR(r, "feed.title"), &f);
}

/* Strips the ".atom" suffix of a route capture; NULL when absent. */
static char *strip_atom(struct req *r, const char *name)
{
	size_t n = strlen(name);
	if (n <= 5 || strcmp(name + n - 5, ".atom"))
		return NULL;
	return arena_strndup(r->a, name, n - 5);
}

static void feed_dept(struct req *r)
{
	store *s = store_thread();
	char *slug = strip_atom(r, r->params[0]);
	struct department d;
	int64_t id = s && slug ? dept_by_slug(s, slug) : 0;
	if (!id || !dept_get(s, r->a, id, &d)) {
		resp_error(r, 404, "error.not_found");
		return;
	}
	struct post_filter f = {.dept_id = id};
	feed(r, arena_printf(r->a, "/feeds/departments/%s.atom", slug),
	     arena_printf(r->a, "%s — %s", TR(r, "feed.title"), dept_name(&d, r->lang)), &f);
}

static void feed_tag(struct req *r)
{
	char *tag = strip_atom(r, r->params[0]);
	if (!tag || !*tag) {
		resp_error(r, 404, "error.not_found");
		return;
	}
	struct post_filter f = {.tag = tag};
	feed(r, arena_printf(r->a, "/feeds/tags/%s.atom", url_encode(r->a, tag)),
	     arena_printf(r->a, "%s — #%s", TR(r, "feed.title"), tag), &f);
}

void posts_feed_routes(void)
{
	static const struct route routes[] = {
		{"GET", "/feeds/posts.atom", feed_all, ACCESS_ANYONE, 0, ROUTE_CACHE, "Atom feed of all posts"},
		{"GET", "/feeds/departments/:slug", feed_dept, ACCESS_ANYONE, 0, ROUTE_CACHE, "Atom feed of a department"},
		{"GET", "/feeds/tags/:tag", feed_tag, ACCESS_ANYONE, 0, ROUTE_CACHE, "Atom feed of a tag"},
	};
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		route_add(&routes[i]);
}
