/* JSON API: /api/v1/comments. Reads are public (what the target's page shows);
 * writes need a logged-in account (session + X-CSRF-Token, or an API token)
 * that passes the participation gate. Error codes are the catalog key without
 * its "comments." prefix (e.g. "too_deep", "duplicate", "edit_window"). */
#include "web/json_util.h"
#include "features/comments/comments.h"
#include "features/audit/audit.h"
#include "features/moderation/moderation.h"
#include "core/util.h"
#include "web/page.h"
#include <string.h>

int comments_flag(struct req *r, store *s, const struct comment *c, const char *reason, const char *note, bool *hidden);

/* A JSON error whose code is the key's last part. */
static void fail(struct req *r, int status, const char *key, const char *field)
{
	const char *dot = strrchr(key, '.');
	const char *code = dot ? dot + 1 : key;
	if (!strcmp(key, "error.not_found"))
		code = "not_found";
	json_t *err = json_pack("{s:s,s:s}", "code", code, "message", TR(r, key));
	if (field)
		json_object_set_new(err, "field", json_string(field));
	resp_json(r, status, json_pack("{s:o}", "error", err));
}

/* An error in the route's form: JSON with the key's code for API routes. */
void comments_error(struct req *r, int status, const char *key);
void comments_error(struct req *r, int status, const char *key)
{
	if (r->is_api)
		fail(r, status, key, NULL);
	else
		resp_error(r, status, key);
}

static void fail_res(struct req *r, const struct comment_result *res)
{
	if (res->status == 429)
		resp_header(r, "Retry-After", arena_printf(r->a, "%d", res->retry_after));
	fail(r, res->status, res->key, res->field);
}

static json_t *comment_json(struct req *r, store *s, struct comment *c)
{
	struct principal *who = req_who(r);
	bool mine = who && who->user_id == c->author_id;
	json_t *o = json_pack("{s:I,s:s,s:I,s:o,s:i,s:{s:I,s:s},s:b,s:b,s:I,s:I,s:I,s:I,s:I,s:o,s:o,s:s}",
		"id", (json_int_t)c->id, "target_type", c->target_type, "target_id", (json_int_t)c->target_id,
		"parent_id", c->parent_id ? json_integer(c->parent_id) : json_null(), "depth", c->depth,
		"author", "id", (json_int_t)c->author_id, "name", c->author_name,
		"official", c->official, "deleted", c->deleted,
		"score", (json_int_t)c->score, "ups", (json_int_t)c->ups, "downs", (json_int_t)c->downs,
		"reply_count", (json_int_t)c->reply_count, "thread_count", (json_int_t)c->thread_count,
		"created_at", json_time(c->created_at), "edited_at", json_time(c->edited_at),
		"url", arena_printf(r->a, "%s/comments/%lld#c%lld", r->cfg->base_url, (long long)c->id, (long long)c->id));
	json_object_set_new(o, "body", c->deleted ? json_null() : json_string(c->body));
	json_object_set_new(o, "body_html", c->deleted ? json_null() : json_string(c->body_html));
	if (mine) {
		json_object_set_new(o, "hidden", json_boolean(c->hidden));
		if (c->hidden) {
			bool pending;
			const char *why = moderation_reason(s, r->a, "comment", c->id, &pending);
			json_object_set_new(o, "moderation_reason", why ? json_string(why) : json_null());
		}
		json_object_set_new(o, "editable_until", c->deleted || c->hidden ? json_null() : json_time(c->created_at + COMMENT_EDIT_WINDOW));
	}
	if (who) {
		comment_my_vote(s, who->user_id, c);
		json_object_set_new(o, "my_vote", json_integer(c->my_vote));
	}
	return o;
}

/* Only the listed query parameters; 400 naming the first other one. */
static bool known_params(struct req *r, const char *const *known)
{
	for (int i = 0; i < r->query.n; i++) {
		bool ok = false;
		for (int k = 0; known[k]; k++)
			ok |= !strcmp(r->query.items[i].name, known[k]);
		if (!ok) {
			resp_json_error(r, 400, "unknown_parameter",
					arena_printf(r->a, "%s: %s", TR(r, "api.unknown_parameter"), r->query.items[i].name));
			return false;
		}
	}
	return true;
}

static bool int_param(struct req *r, const char *name, int64_t min, int64_t max, int64_t dflt, int64_t *out)
{
	const char *v = kv_get(&r->query, name);
	*out = dflt;
	if (v && !parse_int64(v, min, max, out)) {
		json_t *err = json_pack("{s:s,s:s,s:s}", "code", "bad_request", "message", TR(r, "comments.bad_parameter"), "field", name);
		resp_json(r, 400, json_pack("{s:o}", "error", err));
		return false;
	}
	return true;
}

static void list(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	static const char *const known[] = {"target_type", "target_id", "sort", "cursor", "limit", "replies", "lang", NULL};
	if (!known_params(r, known))
		return;
	const char *type = kv_get(&r->query, "target_type"), *sort_s = kv_get(&r->query, "sort");
	int64_t target_id, limit, nrep;
	if (!type || !kv_get(&r->query, "target_id")) {
		fail(r, 400, "comments.target_required", "target_id");
		return;
	}
	if (!int_param(r, "target_id", 1, INT64_MAX, 0, &target_id) || !int_param(r, "limit", 1, 100, COMMENT_PAGE, &limit) ||
	    !int_param(r, "replies", 0, 50, COMMENT_THREAD_SHOWN, &nrep))
		return;
	enum comment_sort sort = COMMENT_NEWEST;
	if (sort_s && !strcmp(sort_s, "oldest"))
		sort = COMMENT_OLDEST;
	else if (sort_s && !strcmp(sort_s, "top"))
		sort = COMMENT_TOP;
	else if (sort_s && strcmp(sort_s, "newest")) {
		fail(r, 400, "comments.bad_sort", "sort");
		return;
	}
	struct principal *who = req_who(r);
	struct comment_target_info t;
	if (!comments_target(s, r->a, type, target_id, who, &t) || !t.visible) {
		fail(r, 404, "comments.unknown_target", "target_id");
		return;
	}
	struct comment *items;
	int64_t viewer = who ? who->user_id : 0;
	int n = comment_list(s, r->a, type, target_id, sort, kv_get(&r->query, "cursor"), (int)limit, viewer, &items);
	if (n < 0) {
		fail(r, 400, "comments.bad_cursor", "cursor");
		return;
	}
	json_t *arr = json_array();
	for (int i = 0; i < n; i++) {
		json_t *o = comment_json(r, s, &items[i]);
		json_t *reps = json_array();
		struct comment *rs;
		int nr = nrep && items[i].thread_count ? comment_thread(s, r->a, items[i].id, 0, (int)nrep, viewer, &rs) : 0;
		for (int k = 0; k < nr; k++)
			json_array_append_new(reps, comment_json(r, s, &rs[k]));
		json_object_set_new(o, "replies", reps);
		json_object_set_new(o, "more_replies", json_boolean(items[i].thread_count > (nr > 0 ? nr : 0)));
		json_array_append_new(arr, o);
	}
	json_t *next = n == limit ? json_string(comment_cursor(r->a, sort, &items[n - 1])) : json_null();
	if (!who)
		resp_cacheable(r, 5);
	resp_json(r, 200, json_pack("{s:o,s:o,s:I,s:b}", "items", arr, "next_cursor", next, "total",
				    (json_int_t)comment_count(s, type, target_id), "open", t.open));
}

/* Loads :id as the reader may see it (404 otherwise). */
static bool load(struct req *r, store *s, struct comment *c)
{
	struct principal *who = req_who(r);
	struct comment_target_info t;
	int64_t id = req_param_id(r, 0);
	if (!id || !comment_get(s, r->a, id, c) || (c->hidden && (!who || who->user_id != c->author_id)) ||
	    !comments_target(s, r->a, c->target_type, c->target_id, who, &t) || !t.visible) {
		fail(r, 404, "error.not_found", NULL);
		return false;
	}
	return true;
}

static void get_one(struct req *r)
{
	store *s = req_store(r);
	struct comment c;
	if (!s || !load(r, s, &c))
		return;
	resp_json(r, 200, comment_json(r, s, &c));
}

static void replies(struct req *r)
{
	store *s = req_store(r);
	struct comment c;
	if (!s || !load(r, s, &c))
		return;
	static const char *const known[] = {"after", "limit", "lang", NULL};
	int64_t after, limit;
	if (!known_params(r, known) || !int_param(r, "after", 0, INT64_MAX, 0, &after) ||
	    !int_param(r, "limit", 1, 200, 50, &limit))
		return;
	struct principal *who = req_who(r);
	struct comment *items;
	int n = comment_replies(s, r->a, c.id, after, (int)limit, who ? who->user_id : 0, &items);
	if (n < 0) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, comment_json(r, s, &items[i]));
	json_t *next = n == limit ? json_string(arena_printf(r->a, "%lld", (long long)items[n - 1].id)) : json_null();
	resp_json(r, 200, json_pack("{s:o,s:o}", "items", arr, "next_cursor", next));
}

/* The JSON object body, or NULL with 400 answered. Caller decrefs. */
static json_t *body_object(struct req *r, const char *const *fields)
{
	json_error_t jerr;
	json_t *root = json_loadb(r->body.data ? r->body.data : "", r->body.len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root || !json_is_object(root)) {
		resp_json_error(r, 400, "bad_json", root ? TR(r, "api.expected_object")
				: arena_printf(r->a, "%s (%d:%d)", TR(r, "api.bad_json"), jerr.line, jerr.column));
		json_decref(root);
		return NULL;
	}
	const char *key;
	json_t *v;
	json_object_foreach(root, key, v) {
		bool ok = false;
		for (int k = 0; fields[k]; k++)
			ok |= !strcmp(key, fields[k]);
		if (!ok) {
			resp_json_error(r, 400, "unknown_field", arena_printf(r->a, "%s: %s", TR(r, "api.unknown_field"), key));
			json_decref(root);
			return NULL;
		}
	}
	return root;
}

static bool str_field(struct req *r, json_t *root, const char *name, bool required, const char **out)
{
	json_t *v = json_object_get(root, name);
	*out = NULL;
	if (!v && !required)
		return true;
	if (!json_is_string(v)) {
		fail(r, v ? 400 : 422, v ? "comments.bad_type" : "form.required", name);
		return false;
	}
	*out = arena_strdup(r->a, json_string_value(v));
	if (strlen(*out) != json_string_length(v)) { /* an embedded NUL */
		fail(r, 422, "comments.bad_text", name);
		return false;
	}
	return true;
}

static bool int_field(struct req *r, json_t *root, const char *name, bool required, int64_t *out)
{
	json_t *v = json_object_get(root, name);
	*out = 0;
	if ((!v && !required) || json_is_null(v))
		return required ? (fail(r, 422, "form.required", name), false) : true;
	if (!json_is_integer(v)) {
		fail(r, v ? 400 : 422, v ? "comments.bad_type" : "form.required", name);
		return false;
	}
	*out = json_integer_value(v);
	return true;
}

static void create(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	static const char *const fields[] = {"target_type", "target_id", "parent_id", "body", NULL};
	json_t *root = body_object(r, fields);
	if (!root)
		return;
	const char *type, *body;
	int64_t target_id, parent_id;
	bool ok = str_field(r, root, "target_type", true, &type) && int_field(r, root, "target_id", true, &target_id) &&
		  int_field(r, root, "parent_id", false, &parent_id) && str_field(r, root, "body", true, &body);
	json_decref(root);
	if (!ok)
		return;
	if (parent_id < 0 || target_id < 1) {
		fail(r, 404, parent_id < 0 ? "comments.unknown_parent" : "comments.unknown_target", parent_id < 0 ? "parent_id" : "target_id");
		return;
	}
	struct comment c;
	struct comment_result res;
	if (!comment_create(s, r->a, req_who(r), r->ip, type, target_id, parent_id, body, &c, &res)) {
		fail_res(r, &res);
		return;
	}
	page_cache_bump();
	resp_header(r, "Location", arena_printf(r->a, "/api/v1/comments/%lld", (long long)c.id));
	resp_json(r, 201, comment_json(r, s, &c));
}

static void update(struct req *r)
{
	store *s = req_store(r);
	struct comment c, out;
	if (!s || !load(r, s, &c))
		return;
	static const char *const fields[] = {"body", NULL};
	json_t *root = body_object(r, fields);
	if (!root)
		return;
	const char *body;
	bool ok = str_field(r, root, "body", true, &body);
	json_decref(root);
	if (!ok)
		return;
	struct comment_result res;
	if (!comment_edit(s, r->a, req_who(r), c.id, body, &out, &res)) {
		fail_res(r, &res);
		return;
	}
	audit_record(r, s, "comment.edit", "comment", c.id, NULL);
	page_cache_bump();
	resp_json(r, 200, comment_json(r, s, &out));
}

static void delete(struct req *r)
{
	store *s = req_store(r);
	struct comment c;
	if (!s || !load(r, s, &c))
		return;
	struct comment_result res;
	if (!comment_delete(s, r->a, req_who(r), c.id, &res)) {
		fail_res(r, &res);
		return;
	}
	audit_record(r, s, "comment.delete", "comment", c.id, NULL);
	page_cache_bump();
	resp_body(r, 204, NULL, "", 0);
}

static void vote(struct req *r)
{
	store *s = req_store(r);
	struct comment c, out;
	if (!s || !load(r, s, &c))
		return;
	static const char *const fields[] = {"value", NULL};
	json_t *root = body_object(r, fields);
	if (!root)
		return;
	json_t *v = json_object_get(root, "value");
	bool good = json_is_integer(v) && json_integer_value(v) >= -1 && json_integer_value(v) <= 1;
	int value = good ? (int)json_integer_value(v) : 0;
	json_decref(root);
	if (!good) {
		fail(r, 422, "comments.bad_vote", "value");
		return;
	}
	struct comment_result res;
	if (!comment_vote(s, r->a, req_who(r), r->ip, c.id, value, &out, &res)) {
		fail_res(r, &res);
		return;
	}
	page_cache_bump();
	resp_json(r, 200, json_pack("{s:I,s:I,s:I,s:I,s:i}", "id", (json_int_t)out.id, "score", (json_int_t)out.score,
				    "ups", (json_int_t)out.ups, "downs", (json_int_t)out.downs, "my_vote", value));
}

static void flag(struct req *r)
{
	store *s = req_store(r);
	struct comment c;
	if (!s || !load(r, s, &c))
		return;
	static const char *const fields[] = {"reason", "note", NULL};
	json_t *root = body_object(r, fields);
	if (!root)
		return;
	const char *reason, *note;
	bool ok = str_field(r, root, "reason", true, &reason) && str_field(r, root, "note", false, &note);
	json_decref(root);
	if (!ok)
		return;
	if (!flag_reason_valid(reason)) {
		fail(r, 422, "comments.bad_reason", "reason");
		return;
	}
	if (note && (!utf8_valid_text(note, strlen(note)) || utf8_length(note) > 500)) {
		fail(r, 422, "comments.bad_note", "note");
		return;
	}
	bool hidden;
	int st = comments_flag(r, s, &c, reason, note, &hidden);
	if (!st)
		return;
	resp_json(r, st, json_pack("{s:b}", "hidden", hidden));
}

void comments_api_routes(void);

void comments_api_routes(void)
{
	static const struct route routes[] = {
		{"GET", "/api/v1/comments", list, ACCESS_ANYONE, 0, ROUTE_API | ROUTE_CACHE, "a target's comments (sort, cursor)"},
		{"POST", "/api/v1/comments", create, ACCESS_LOGGED_IN, 0, ROUTE_API, "write a comment or a reply"},
		{"GET", "/api/v1/comments/:id", get_one, ACCESS_ANYONE, 0, ROUTE_API, "one comment"},
		{"GET", "/api/v1/comments/:id/replies", replies, ACCESS_ANYONE, 0, ROUTE_API, "direct replies of a comment"},
		{"PATCH", "/api/v1/comments/:id", update, ACCESS_LOGGED_IN, 0, ROUTE_API, "edit one's comment (15 minutes)"},
		{"DELETE", "/api/v1/comments/:id", delete, ACCESS_LOGGED_IN, 0, ROUTE_API, "delete one's comment"},
		{"PUT", "/api/v1/comments/:id/vote", vote, ACCESS_LOGGED_IN, 0, ROUTE_API, "vote -1/0/1 on a comment"},
		{"POST", "/api/v1/comments/:id/flag", flag, ACCESS_LOGGED_IN, 0, ROUTE_API, "report a comment to moderators"},
	};
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		route_add(&routes[i]);
}
