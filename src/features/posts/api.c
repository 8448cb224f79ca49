/* JSON API: /api/v1/posts. Reads are public (published posts); writes need the
 * editor role in the post's department (session + CSRF header, or API token). */
#include "web/json_util.h"
#include "web/page.h"
#include "features/posts/posts.h"
#include "features/accounts/accounts.h"
#include "features/audit/audit.h"
#include "core/util.h"
#include <string.h>

bool posts_read_filter(struct req *r, store *s, struct post_filter *f);

static json_t *post_json(struct req *r, store *s, const struct post *p, bool full)
{
	struct department d = {0};
	bool have_dept = dept_get(s, r->a, p->dept_id, &d);
	json_t *tags = json_array();
	for (int i = 0; i < p->ntags; i++)
		json_array_append_new(tags, json_string(p->tags[i]));
	json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:s,s:o,s:o,s:o}",
		"id", (json_int_t)p->id,
		"url", arena_printf(r->a, "%s%s", r->cfg->base_url, post_path(r->a, p)),
		"slug", p->slug, "kind", p->kind, "lang", p->lang, "title", p->title, "summary", p->summary,
		"department", have_dept ? json_pack("{s:I,s:s,s:s}", "id", (json_int_t)d.id, "slug", d.slug,
						     "name", dept_name(&d, r->lang)) : json_null(),
		"tags", tags, "status", post_status_name(p->status),
		"publish_at", json_time(p->publish_at), "created_at", json_time(p->created_at), "updated_at", json_time(p->updated_at));
	json_object_set_new(o, "cover_url", p->cover ? json_string(arena_printf(r->a, "%s/media/%s", r->cfg->base_url, p->cover)) : json_null());
	json_object_set_new(o, "comments_enabled", json_boolean(p->comments_enabled));
	json_object_set_new(o, "scheduled", json_boolean(p->status == POST_PUBLISHED && p->publish_at > now_s()));
	if (full) {
		json_object_set_new(o, "body", json_string(p->body));
		json_object_set_new(o, "body_html", json_string(p->body_html));
	}
	return o;
}

static void list(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	struct post_filter f = {0};
	if (!posts_read_filter(r, s, &f))
		return;
	for (int i = 0; i < r->query.n; i++) {
		static const char *known[] = {"dept", "kind", "lang", "tag", "before", "limit", "cursor", "post_lang"};
		bool ok = false;
		for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
			ok |= !strcmp(r->query.items[i].name, known[k]);
		if (!ok) {
			resp_json_error(r, 400, "unknown_parameter", arena_printf(r->a, "%s: %s", TR(r, "api.unknown_parameter"), r->query.items[i].name));
			return;
		}
	}
	const char *cursor = kv_get(&r->query, "cursor");
	if (cursor) {
		long long at, id;
		int used = 0;
		if (sscanf(cursor, "%lld-%lld%n", &at, &id, &used) != 2 || cursor[used] || at <= 0 || id <= 0) {
			resp_error(r, 400, "posts.bad_cursor");
			return;
		}
		f.before_at = at;
		f.before_id = id;
	}
	struct post *posts;
	int n = post_list(s, r->a, &f, now_s(), &posts);
	if (n < 0) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, post_json(r, s, &posts[i], false));
	json_t *next = n == f.limit ? json_string(arena_printf(r->a, "%lld-%lld", (long long)posts[n - 1].publish_at,
							      (long long)posts[n - 1].id)) : json_null();
	resp_cacheable(r, posts_cache_ttl(s, now_s(), 5));
	resp_json(r, 200, json_pack("{s:o,s:o}", "items", items, "next_cursor", next));
}

static bool load_for(struct req *r, store *s, struct post *p, bool write)
{
	int64_t id = req_param_id(r, 0);
	if (!id || !post_load(s, r->a, id, p)) {
		resp_error(r, 404, "error.not_found");
		return false;
	}
	bool editor = principal_can(req_who(r), ROLE_EDITOR, p->dept_id);
	if (!editor && (write || !post_visible(p, now_s()))) {
		/* Hidden posts do not exist for readers; writers without the role are refused. */
		if (write && req_who(r))
			resp_error(r, 403, "error.forbidden");
		else
			resp_error(r, write ? 401 : 404, write ? "error.login_required" : "error.not_found");
		return false;
	}
	return true;
}

static void get_one(struct req *r)
{
	store *s = req_store(r);
	struct post p;
	if (!s || !load_for(r, s, &p, false))
		return;
	resp_json(r, 200, post_json(r, s, &p, true));
}

/* Parses the JSON body into in; strings only, unknown fields refused.
 * Answers 400 and returns false on any problem. */
static bool read_body(struct req *r, struct post_input *in, const char **status)
{
	json_error_t jerr;
	json_t *root = json_loadb(r->body.data ? r->body.data : "", r->body.len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root || !json_is_object(root)) {
		json_decref(root);
		resp_json_error(r, 400, "bad_json", root ? TR(r, "api.expected_object")
				: arena_printf(r->a, "%s (%d:%d)", TR(r, "api.bad_json"), jerr.line, jerr.column));
		return false;
	}
	const char *key;
	json_t *v;
	bool ok = true;
	json_object_foreach(root, key, v) {
		const char **slot = NULL;
		if (!strcmp(key, "title")) slot = &in->title;
		else if (!strcmp(key, "kind")) slot = &in->kind;
		else if (!strcmp(key, "lang")) slot = &in->lang;
		else if (!strcmp(key, "summary")) slot = &in->summary;
		else if (!strcmp(key, "body")) slot = &in->body;
		else if (!strcmp(key, "department")) slot = &in->dept;
		else if (!strcmp(key, "publish_at")) slot = &in->publish_at;
		else if (!strcmp(key, "status")) slot = status;
		if (!strcmp(key, "comments_enabled")) {
			if (!json_is_boolean(v)) {
				ok = false;
				break;
			}
			in->comments_enabled = json_is_true(v) ? "1" : "0";
			continue;
		}
		if (!strcmp(key, "tags")) {
			if (!json_is_array(v)) {
				ok = false;
				break;
			}
			strbuf sb = STRBUF_INIT;
			size_t i;
			json_t *t;
			json_array_foreach(v, i, t) {
				if (!json_is_string(t) || strchr(json_string_value(t), ',')) {
					ok = false;
					break;
				}
				sb_printf(&sb, "%s%s", i ? "," : "", json_string_value(t));
			}
			in->tags = arena_strdup(r->a, sb_str(&sb));
			sb_free(&sb);
			if (!ok)
				break;
			continue;
		}
		if (!slot) {
			resp_json_error(r, 400, "unknown_field", arena_printf(r->a, "%s: %s", TR(r, "api.unknown_field"), key));
			json_decref(root);
			return false;
		}
		if (!json_is_string(v) || !utf8_valid_text(json_string_value(v), json_string_length(v))) {
			ok = false;
			break;
		}
		*slot = arena_strdup(r->a, json_string_value(v));
	}
	json_decref(root);
	if (!ok)
		resp_json_error(r, 400, "bad_type", TR(r, "api.bad_type"));
	return ok;
}

/* Applies status "draft" / "published" from a create/update body. */
static bool apply_status(struct req *r, struct post *p, const char *status, const struct post_input *in)
{
	if (!status)
		return true;
	enum post_status st;
	if (!post_status_parse(status, &st)) {
		struct form_errors e = {0};
		form_error(&e, "status", "form.invalid_choice");
		resp_json_invalid(r, &e, NULL, NULL);
		return false;
	}
	p->status = st;
	if (st == POST_PUBLISHED && !(in->publish_at && *in->publish_at) && !p->publish_at)
		p->publish_at = now_s();
	return true;
}

static void create(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	struct post_input in = {0};
	const char *status = NULL;
	if (!read_body(r, &in, &status))
		return;
	struct post p = {.status = POST_DRAFT};
	struct form_errors e = {0};
	if (!post_apply_input(s, r->a, &in, &p, &e)) {
		resp_json_invalid(r, &e, NULL, NULL);
		return;
	}
	if (!principal_can(req_who(r), ROLE_EDITOR, p.dept_id)) {
		resp_error(r, 403, "error.forbidden");
		return;
	}
	if (!apply_status(r, &p, status, &in))
		return;
	p.author_id = req_who(r)->user_id;
	if (post_insert(s, &p) < 0) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	audit_record(r, s, "post.create", "post", p.id, p.title);
	page_cache_bump();
	post_load(s, r->a, p.id, &p);
	resp_header(r, "Location", arena_printf(r->a, "/api/v1/posts/%lld", (long long)p.id));
	resp_json(r, 201, post_json(r, s, &p, true));
}

static void update(struct req *r)
{
	store *s = req_store(r);
	struct post p;
	if (!s || !load_for(r, s, &p, true))
		return;
	struct post_input in = {0};
	const char *status = NULL;
	if (!read_body(r, &in, &status))
		return;
	struct form_errors e = {0};
	if (!post_apply_input(s, r->a, &in, &p, &e)) {
		resp_json_invalid(r, &e, NULL, NULL);
		return;
	}
	if (!principal_can(req_who(r), ROLE_EDITOR, p.dept_id)) { /* moved to a department not theirs */
		resp_error(r, 403, "error.forbidden");
		return;
	}
	if (!apply_status(r, &p, status, &in))
		return;
	if (!post_save(s, &p)) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	audit_record(r, s, "post.update", "post", p.id, p.title);
	page_cache_bump();
	post_load(s, r->a, p.id, &p);
	resp_json(r, 200, post_json(r, s, &p, true));
}

static void publish(struct req *r)
{
	store *s = req_store(r);
	struct post p;
	if (!s || !load_for(r, s, &p, true))
		return;
	int64_t at = p.publish_at ? p.publish_at : now_s();
	if (r->body.len) {
		json_error_t jerr;
		json_t *root = json_loadb(r->body.data, r->body.len, JSON_REJECT_DUPLICATES, &jerr);
		json_t *v = root ? json_object_get(root, "publish_at") : NULL;
		time_t t;
		if (!json_is_object(root) || json_object_size(root) > (v ? 1u : 0u) ||
		    (v && (!json_is_string(v) || !parse_datetime(json_string_value(v), &t)))) {
			json_decref(root);
			resp_json_error(r, 400, "bad_request", TR(r, "form.bad_datetime"));
			return;
		}
		if (v)
			at = (int64_t)t;
		json_decref(root);
	}
	if (!post_set_status(s, p.id, POST_PUBLISHED, at)) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	audit_record(r, s, "post.publish", "post", p.id, p.title);
	page_cache_bump();
	post_load(s, r->a, p.id, &p);
	resp_json(r, 200, post_json(r, s, &p, true));
}

static void delete(struct req *r)
{
	store *s = req_store(r);
	struct post p;
	if (!s || !load_for(r, s, &p, true))
		return;
	if (!post_delete(s, p.id)) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	audit_record(r, s, "post.delete", "post", p.id, p.title);
	page_cache_bump();
	resp_body(r, 204, NULL, "", 0);
}

void posts_api_routes(void)
{
	static const struct route routes[] = {
		{"GET", "/api/v1/posts", list, ACCESS_ANYONE, 0, ROUTE_API | ROUTE_CACHE, "list published posts"},
		{"GET", "/api/v1/posts/:id", get_one, ACCESS_ANYONE, 0, ROUTE_API, "one post"},
		{"POST", "/api/v1/posts", create, ACCESS_ROLE, ROLE_EDITOR, ROUTE_API, "create a post"},
		{"PATCH", "/api/v1/posts/:id", update, ACCESS_ROLE, ROLE_EDITOR, ROUTE_API, "update a post"},
		{"POST", "/api/v1/posts/:id/publish", publish, ACCESS_ROLE, ROLE_EDITOR, ROUTE_API, "publish or schedule a post"},
		{"DELETE", "/api/v1/posts/:id", delete, ACCESS_ROLE, ROLE_EDITOR, ROUTE_API, "delete a post"},
	};
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		route_add(&routes[i]);
}
