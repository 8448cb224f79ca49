/* Public pages: home, the filtered list, one post. Anonymous answers are cached
 * (http page cache) until the next write or the next scheduled publication. */
#include "features/posts/posts.h"
#include "features/accounts/accounts.h"
#include "features/comments/comments.h"
#include "core/util.h"
#include "http/urlenc.h"
#include <string.h>

#define PAGE_SIZE 20

const char *post_path(arena *a, const struct post *p)
{
	return arena_printf(a, "/posts/%lld-%s", (long long)p->id, url_encode(a, p->slug));
}

const char *post_dept_name(store *s, arena *a, int64_t dept_id, const char *lang)
{
	struct department d;
	return dept_get(s, a, dept_id, &d) ? dept_name(&d, lang) : "";
}

int posts_cache_ttl(store *s, int64_t now, int max)
{
	int64_t next = post_next_scheduled(s, now);
	int64_t ttl = next ? next - now : max;
	return ttl < 1 ? 1 : ttl > max ? max : (int)ttl;
}

/* How long an anonymous page may be cached: until the next scheduled post. */
static int cache_ttl(store *s, int64_t now)
{
	return posts_cache_ttl(s, now, 60);
}

static void post_item(struct req *r, store *s, const struct post *p, struct department *depts, int nd)
{
	const char *dname = "";
	for (int i = 0; i < nd; i++)
		if (depts[i].id == p->dept_id)
			dname = dept_name(&depts[i], r->lang);
	(void)s;
	h_printf(&r->out, "<li lang=\"%s\" dir=\"%s\"><span class=\"chip kind-%s\">%s</span>"
			  "<h2><a href=\"%s\">%s</a></h2><p>%s</p><p class=\"meta\" lang=\"%s\" dir=\"%s\">",
		 p->lang, lang_dir(p->lang), p->kind, T(p->lang, arena_printf(r->a, "kind.%s", p->kind)),
		 post_path(r->a, p), p->title, p->summary, r->lang, lang_dir(r->lang));
	h_raw(&r->out, "<time>");
	fmt_date(&r->out, r->lang, (time_t)p->publish_at, false);
	h_printf(&r->out, "</time> · %s</p></li>", dname);
}

static void post_items(struct req *r, store *s, struct post *posts, int n)
{
	struct department *depts;
	int nd = dept_list(s, r->a, &depts);
	h_raw(&r->out, "<ul class=\"post-list\">");
	for (int i = 0; i < n; i++)
		post_item(r, s, &posts[i], depts, nd);
	h_raw(&r->out, "</ul>");
}

static void home(struct req *r)
{
	store *s = store_thread();
	if (!s) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	int64_t now = now_s();
	struct post_filter f = {.limit = 10};
	struct post *posts;
	int n = post_list(s, r->a, &f, now, &posts);
	page_begin(r, TR(r, "home.title"));
	h_printf(&r->out, "<h1>%s</h1><p>%s</p><h2>%s</h2>", TR(r, "home.title"), TR(r, "home.intro"), TR(r, "home.latest"));
	if (n <= 0)
		h_printf(&r->out, "<p>%s</p>", TR(r, "posts.none"));
	else
		post_items(r, s, posts, n);
	h_printf(&r->out, "<p><a class=\"button\" href=\"/posts\">%s</a></p>", TR(r, "home.all_posts"));
	page_end(r);
	resp_cacheable(r, cache_ttl(s, now));
	resp_html(r, 200);
}

/* Reads the list filters shared by the page, the API and the feeds. false with
 * a 400/404 answered when a value is malformed or unknown. */
bool posts_read_filter(struct req *r, store *s, struct post_filter *f);

bool posts_read_filter(struct req *r, store *s, struct post_filter *f)
{
	const char *dept = kv_get(&r->query, "dept");
	const char *kind = kv_get(&r->query, "kind");
	const char *lang = kv_get(&r->query, "lang");
	const char *tag = kv_get(&r->query, "tag");
	const char *before = kv_get(&r->query, "before");
	const char *limit = kv_get(&r->query, "limit");
	if (dept && *dept && !(f->dept_id = dept_by_slug(s, dept))) {
		resp_error(r, 400, "posts.unknown_department");
		return false;
	}
	if (kind && *kind) {
		if (!post_kind_valid(kind)) {
			resp_error(r, 400, "posts.unknown_kind");
			return false;
		}
		f->kind = kind;
	}
	if (lang && *lang && r->is_api) {
		/* On pages ?lang= chooses the interface language; the API filters by it. */
		if (!lang_supported(lang)) {
			resp_error(r, 400, "posts.unknown_lang");
			return false;
		}
		f->lang = lang;
	}
	const char *plang = kv_get(&r->query, "post_lang");
	if (plang && *plang) {
		if (!lang_supported(plang)) {
			resp_error(r, 400, "posts.unknown_lang");
			return false;
		}
		f->lang = plang;
	}
	if (tag && *tag)
		f->tag = tag;
	if (before && *before) {
		long long at, id;
		int used = 0;
		if (sscanf(before, "%lld-%lld%n", &at, &id, &used) != 2 || before[used] || at <= 0 || id <= 0) {
			resp_error(r, 400, "posts.bad_cursor");
			return false;
		}
		f->before_at = at;
		f->before_id = id;
	}
	int64_t lim = PAGE_SIZE;
	if (limit && !parse_int64(limit, 1, 100, &lim)) {
		resp_error(r, 400, "posts.bad_limit");
		return false;
	}
	f->limit = (int)lim;
	return true;
}

/* Query string of the current filters plus a cursor, for "older" links. */
static const char *list_link(struct req *r, const struct post_filter *f, const struct post *last)
{
	strbuf sb = STRBUF_INIT;
	sb_puts(&sb, "/posts?");
	static const char *keep[] = {"dept", "kind", "post_lang", "tag"};
	for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
		const char *v = kv_get(&r->query, keep[i]);
		if (v && *v)
			sb_printf(&sb, "%s=%s&", keep[i], url_encode(r->a, v));
	}
	sb_printf(&sb, "before=%lld-%lld", (long long)last->publish_at, (long long)last->id);
	(void)f;
	char *out = arena_strdup(r->a, sb_str(&sb));
	sb_free(&sb);
	return out;
}

static void list_page(struct req *r)
{
	store *s = store_thread();
	if (!s) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	struct post_filter f = {0};
	if (!posts_read_filter(r, s, &f))
		return;
	int64_t now = now_s();
	struct post *posts;
	int n = post_list(s, r->a, &f, now, &posts);
	page_begin(r, TR(r, "posts.title"));
	h_printf(&r->out, "<h1>%s</h1><form method=\"get\" action=\"/posts\" class=\"filters\">", TR(r, "posts.title"));
	struct department *d;
	int nd = dept_list(s, r->a, &d);
	struct select_option *depts = arena_alloc(r->a, sizeof *depts * (size_t)(nd + 2));
	depts[0] = (struct select_option){"", "filter.any", NULL};
	for (int i = 0; i < nd; i++)
		depts[i + 1] = (struct select_option){d[i].slug, NULL, dept_name(&d[i], r->lang)};
	f_select(r, NULL, "dept", "post.department", depts, kv_get(&r->query, "dept"));
	struct select_option kinds[6] = {{"", "filter.any", NULL}};
	for (int i = 0; post_kinds[i]; i++)
		kinds[i + 1] = (struct select_option){post_kinds[i], arena_printf(r->a, "kind.%s", post_kinds[i]), NULL};
	f_select(r, NULL, "kind", "post.kind", kinds, kv_get(&r->query, "kind"));
	static const struct select_option langs[] = {{"", "filter.any", NULL}, {"ar", NULL, "العربية"}, {"fr", NULL, "Français"}, {"en", NULL, "English"}, {NULL, NULL, NULL}};
	f_select(r, NULL, "post_lang", "post.lang", langs, kv_get(&r->query, "post_lang"));
	f_input(r, NULL, "tag", "post.tag", "text", kv_get(&r->query, "tag"), NULL);
	h_printf(&r->out, "<button>%s</button></form>", TR(r, "filter.apply"));
	if (n <= 0)
		h_printf(&r->out, "<p>%s</p>", TR(r, "posts.none"));
	else
		post_items(r, s, posts, n);
	if (n == f.limit)
		h_printf(&r->out, "<nav class=\"pager\"><a rel=\"next\" href=\"%s\">%s</a></nav>",
			 list_link(r, &f, &posts[n - 1]), TR(r, "pager.older"));
	page_end(r);
	resp_cacheable(r, cache_ttl(s, now));
	resp_html(r, 200);
}

/* Renders one post; shared with the editor's preview. */
void post_render(struct req *r, store *s, const struct post *p);

void post_render(struct req *r, store *s, const struct post *p)
{
	h_printf(&r->out, "<article lang=\"%s\" dir=\"%s\"><p><span class=\"chip kind-%s\">%s</span></p><h1>%s</h1>",
		 p->lang, lang_dir(p->lang), p->kind, T(p->lang, arena_printf(r->a, "kind.%s", p->kind)), p->title);
	h_printf(&r->out, "<p class=\"meta\" lang=\"%s\" dir=\"%s\">", r->lang, lang_dir(r->lang));
	if (p->publish_at) {
		h_raw(&r->out, "<time>");
		fmt_date(&r->out, r->lang, (time_t)p->publish_at, true);
		h_raw(&r->out, "</time> · ");
	}
	h_printf(&r->out, "%s</p>", post_dept_name(s, r->a, p->dept_id, r->lang));
	if (p->cover)
		h_printf(&r->out, "<img class=\"cover\" src=\"/media/%s\" alt=\"\">", p->cover);
	if (p->summary && *p->summary)
		h_printf(&r->out, "<p><strong>%s</strong></p>", p->summary);
	h_raw(&r->out, "<div class=\"body\">");
	h_raw(&r->out, p->body_html); /* cmark output in safe mode: raw HTML never passes */
	h_raw(&r->out, "</div>");
	if (p->ntags) {
		h_raw(&r->out, "<p>");
		for (int i = 0; i < p->ntags; i++)
			h_printf(&r->out, "<a class=\"chip\" href=\"/posts?tag=%s\">#%s</a>", url_encode(r->a, p->tags[i]), p->tags[i]);
		h_raw(&r->out, "</p>");
	}
	h_raw(&r->out, "</article>");
}

static void show(struct req *r)
{
	store *s = store_thread();
	if (!s) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	struct post p;
	int64_t now = now_s();
	int64_t id = req_param_id(r, 0);
	if (!id || !post_load(s, r->a, id, &p)) {
		resp_error(r, 404, "error.not_found");
		return;
	}
	struct principal *who = req_who(r);
	bool staff_view = principal_can(who, ROLE_EDITOR, p.dept_id);
	if (!post_visible(&p, now) && !staff_view) {
		resp_error(r, 404, "error.not_found");
		return;
	}
	const char *canonical = post_path(r->a, &p);
	const char *want = strchr(r->params[0], '-');
	if (!want || strcmp(want + 1, p.slug)) {
		resp_header(r, "Location", canonical);
		resp_body(r, 301, "text/plain; charset=utf-8", "", 0);
		return;
	}
	page_begin(r, p.title);
	if (!post_visible(&p, now) || p.status == POST_ARCHIVED)
		h_printf(&r->out, "<p class=\"notice\">%s</p>", TR(r, post_state_key(&p, now)));
	post_render(r, s, &p);
	if (staff_view)
		h_printf(&r->out, "<p class=\"actions\"><a class=\"button\" href=\"/staff/posts/%lld/edit\">%s</a></p>",
			 (long long)p.id, TR(r, "form.edit"));
	comments_section(r, s, "post", p.id);
	page_end(r);
	if (post_visible(&p, now))
		resp_cacheable(r, cache_ttl(s, now));
	resp_html(r, 200);
}

void posts_pages_routes(void)
{
	static const struct route routes[] = {
		{"GET", "/", home, ACCESS_ANYONE, 0, ROUTE_CACHE, "home page: latest posts"},
		{"GET", "/posts", list_page, ACCESS_ANYONE, 0, ROUTE_CACHE, "posts, filtered and paginated"},
		{"GET", "/posts/:id", show, ACCESS_ANYONE, 0, ROUTE_CACHE, "one post"},
	};
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		route_add(&routes[i]);
}

/* Posts as a comment target: open when the editor enabled comments and the
 * post is visible. */
static bool comment_target(store *s, arena *a, int64_t id, const struct principal *who, struct comment_target_info *out)
{
	struct post p;
	if (!post_load(s, a, id, &p))
		return false;
	bool visible = post_visible(&p, now_s());
	out->visible = visible || principal_can(who, ROLE_EDITOR, p.dept_id);
	out->open = visible && p.comments_enabled && p.status == POST_PUBLISHED;
	out->closed_key = "comments.disabled";
	out->quiet = true;
	out->dept_id = p.dept_id;
	out->title = p.title;
	out->path = post_path(a, &p);
	return true;
}

void posts_routes(void)
{
	static const struct comment_target target = {"post", comment_target};
	comments_register_target(&target);
	posts_pages_routes();
	posts_editor_routes();
	posts_api_routes();
	posts_feed_routes();
}
