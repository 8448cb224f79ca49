/* JSON API: /api/v1/consultations. Reads are public (published ones); writes
 * need the editor role in the consultation's department. Documents are
 * attached through the staff form (multipart); the API lists them. */
#include "web/json_util.h"
#include "web/page.h"
#include "features/consultations/internal.h"
#include "features/accounts/accounts.h"
#include "features/audit/audit.h"
#include "features/comments/comments.h"
#include "core/util.h"
#include <string.h>

static json_t *consult_json(struct req *r, store *s, const struct consultation *c, bool full)
{
	int64_t now = now_s();
	struct department d = {0};
	bool have = dept_get(s, r->a, c->dept_id, &d);
	json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:o,s:s,s:b,s:o,s:o,s:o,s:b,s:I,s:o,s:o,s:o}",
		"id", (json_int_t)c->id, "url", arena_printf(r->a, "%s%s", r->cfg->base_url, consultation_path(r->a, c)),
		"title", c->title, "slug", c->slug, "lang", c->lang,
		"department", have ? json_pack("{s:I,s:s,s:s}", "id", (json_int_t)d.id, "slug", d.slug, "name", dept_name(&d, r->lang))
				   : json_null(),
		"status", consult_status_name(consultation_status(c, now)), "published", c->published,
		"opens_at", json_time(c->opens_at), "closes_at", json_time(c->closes_at), "closed_early_at", json_time(c->closed_at),
		"allow_proposals", c->allow_proposals, "support_threshold", (json_int_t)c->support_threshold,
		"proposals_deadline", json_time(c->proposals_deadline), "created_at", json_time(c->created_at), "updated_at", json_time(c->updated_at));
	if (full) {
		json_object_set_new(o, "body", json_string(c->body));
		json_object_set_new(o, "body_html", json_string(c->body_html));
		json_object_set_new(o, "summary", json_string(c->summary));
		json_object_set_new(o, "summary_html", json_string(c->summary_html));
		json_t *docs = json_array();
		for (int i = 0; i < c->ndocs; i++)
			json_array_append_new(docs, json_pack("{s:s,s:s}", "title", c->docs[i].title, "url",
							      arena_printf(r->a, "%s/media/%s", r->cfg->base_url, c->docs[i].name)));
		json_object_set_new(o, "documents", docs);
		json_object_set_new(o, "comment_count", json_integer(comment_count(s, "consultation", c->id)));
	}
	return o;
}

static void list(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	static const char *const known[] = {"status", "dept", "cursor", "limit", "lang"};
	for (int i = 0; i < r->query.n; i++) {
		bool ok = false;
		for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
			ok |= !strcmp(r->query.items[i].name, known[k]);
		if (!ok) {
			resp_json_error(r, 400, "unknown_parameter", arena_printf(r->a, "%s: %s", TR(r, "api.unknown_parameter"), r->query.items[i].name));
			return;
		}
	}
	struct consult_filter f = {.status = CONSULT_LIST_PUBLIC, .cursor = kv_get(&r->query, "cursor"), .limit = 20};
	const char *st = kv_get(&r->query, "status"), *dept = kv_get(&r->query, "dept"), *lim = kv_get(&r->query, "limit");
	if (st && strcmp(st, "all")) {
		if (!strcmp(st, "open")) f.status = CONSULT_OPEN;
		else if (!strcmp(st, "upcoming")) f.status = CONSULT_UPCOMING;
		else if (!strcmp(st, "closed")) f.status = CONSULT_CLOSED;
		else {
			resp_json_error(r, 400, "bad_status", TR(r, "consult.bad_status"));
			return;
		}
	}
	if (dept && *dept && !(f.dept_id = dept_by_slug(s, dept))) {
		resp_json_error(r, 400, "unknown_department", TR(r, "posts.unknown_department"));
		return;
	}
	int64_t l = 20;
	if (lim && !parse_int64(lim, 1, 100, &l)) {
		resp_json_error(r, 400, "bad_limit", TR(r, "posts.bad_limit"));
		return;
	}
	f.limit = (int)l;
	struct consultation *cs;
	const char *next;
	int n = consultation_list(s, r->a, &f, now_s(), &cs, &next);
	if (n < 0) {
		resp_json_error(r, 400, "bad_cursor", TR(r, "api.bad_cursor"));
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, consult_json(r, s, &cs[i], false));
	resp_cacheable(r, 5);
	resp_json(r, 200, json_pack("{s:o,s:o}", "items", items, "next_cursor", next ? json_string(next) : json_null()));
}

static bool load_for(struct req *r, store *s, struct consultation *c, bool write)
{
	int64_t id = req_param_id(r, 0);
	if (!id || !consultation_get(s, r->a, id, c)) {
		resp_error(r, 404, "error.not_found");
		return false;
	}
	bool editor = principal_can(req_who(r), ROLE_EDITOR, c->dept_id);
	if (!editor && (write || !c->published)) {
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
	struct consultation c;
	if (!s || !load_for(r, s, &c, false))
		return;
	resp_json(r, 200, consult_json(r, s, &c, true));
}

/* Reads the JSON body into in (strings; booleans and integers for the
 * proposal settings), refusing unknown fields. 400 answered on failure. */
static bool read_body(struct req *r, struct consult_input *in, int *published, bool summary_only)
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
		if (!strcmp(key, "summary")) slot = &in->summary;
		else if (summary_only) slot = NULL;
		else if (!strcmp(key, "title")) slot = &in->title;
		else if (!strcmp(key, "lang")) slot = &in->lang;
		else if (!strcmp(key, "body")) slot = &in->body;
		else if (!strcmp(key, "department")) slot = &in->dept;
		else if (!strcmp(key, "opens_at")) slot = &in->opens_at;
		else if (!strcmp(key, "closes_at")) slot = &in->closes_at;
		else if (!strcmp(key, "proposals_deadline")) {
			if (json_is_null(v)) {
				in->proposals_deadline = "";
				continue;
			}
			slot = &in->proposals_deadline;
		} else if (!strcmp(key, "allow_proposals") || !strcmp(key, "published")) {
			if (!json_is_boolean(v)) {
				ok = false;
				break;
			}
			if (!strcmp(key, "published"))
				*published = json_is_true(v);
			else
				in->allow_proposals = json_is_true(v) ? "1" : "0";
			continue;
		} else if (!strcmp(key, "support_threshold")) {
			if (!json_is_integer(v)) {
				ok = false;
				break;
			}
			in->support_threshold = arena_printf(r->a, "%lld", (long long)json_integer_value(v));
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

static void create(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	struct consult_input in = {0};
	int published = -1;
	if (!read_body(r, &in, &published, false))
		return;
	struct consultation c = {0};
	struct form_errors e = {0};
	if (!in.lang)
		in.lang = r->lang;
	if (!consult_apply_input(s, r->a, &in, &c, &e)) {
		resp_json_invalid(r, &e, NULL, NULL);
		return;
	}
	if (!principal_can(req_who(r), ROLE_EDITOR, c.dept_id)) {
		resp_error(r, 403, "error.forbidden");
		return;
	}
	c.published = published == 1;
	c.author_id = req_who(r)->user_id;
	if (consult_insert(s, &c) < 0) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	audit_record(r, s, "consultation.create", "consultation", c.id, c.title);
	page_cache_bump();
	consultation_get(s, r->a, c.id, &c);
	resp_header(r, "Location", arena_printf(r->a, "/api/v1/consultations/%lld", (long long)c.id));
	resp_json(r, 201, consult_json(r, s, &c, true));
}

static void update(struct req *r)
{
	store *s = req_store(r);
	struct consultation c;
	if (!s || !load_for(r, s, &c, true))
		return;
	struct consult_input in = {0};
	int published = -1;
	if (!read_body(r, &in, &published, false))
		return;
	struct form_errors e = {0};
	if (!consult_apply_input(s, r->a, &in, &c, &e)) {
		resp_json_invalid(r, &e, NULL, NULL);
		return;
	}
	if (!principal_can(req_who(r), ROLE_EDITOR, c.dept_id)) {
		resp_error(r, 403, "error.forbidden");
		return;
	}
	if (published >= 0)
		c.published = published;
	if (!consult_save(s, &c)) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	audit_record(r, s, "consultation.update", "consultation", c.id, c.title);
	page_cache_bump();
	consultation_get(s, r->a, c.id, &c);
	resp_json(r, 200, consult_json(r, s, &c, true));
}

static void close_it(struct req *r)
{
	store *s = req_store(r);
	struct consultation c;
	if (!s || !load_for(r, s, &c, true))
		return;
	if (!c.published) {
		resp_json_error(r, 409, "draft", TR(r, "consult.close_draft"));
		return;
	}
	struct consult_input in = {0};
	int published = -1;
	if (r->body.len && !read_body(r, &in, &published, true))
		return;
	struct form_errors e = {0};
	if (!consult_apply_input(s, r->a, &in, &c, &e)) {
		resp_json_invalid(r, &e, NULL, NULL);
		return;
	}
	int64_t now = now_s();
	bool was_closed = consultation_status(&c, now) == CONSULT_CLOSED;
	if (!consult_close(s, c.id, now, in.summary ? c.summary : NULL, c.summary_html)) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	audit_record(r, s, was_closed ? "consultation.summary" : "consultation.close", "consultation", c.id, c.title);
	page_cache_bump();
	consultation_get(s, r->a, c.id, &c);
	resp_json(r, 200, consult_json(r, s, &c, true));
}

void consultations_api_routes(void)
{
	static const struct route routes[] = {
		{"GET", "/api/v1/consultations", list, ACCESS_ANYONE, 0, ROUTE_API | ROUTE_CACHE, "published consultations, open first"},
		{"GET", "/api/v1/consultations/:id", get_one, ACCESS_ANYONE, 0, ROUTE_API, "one consultation"},
		{"POST", "/api/v1/consultations", create, ACCESS_ROLE, ROLE_EDITOR, ROUTE_API, "open a consultation"},
		{"PATCH", "/api/v1/consultations/:id", update, ACCESS_ROLE, ROLE_EDITOR, ROUTE_API, "update a consultation"},
		{"POST", "/api/v1/consultations/:id/close", close_it, ACCESS_ROLE, ROLE_EDITOR, ROUTE_API, "close now and/or write the summary"},
	};
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		route_add(&routes[i]);
}
