/* JSON API: /api/v1/requests. Citizens create (anonymously with a contact, or
 * logged in) and follow their requests; staff of the handling department work
 * the queue: list with filters and counts, status, public reply / internal
 * note, assignment, transfer, priority, merge, duplicate suggestions, history,
 * bulk actions. Requests are named by their reference (R-XXXXXXX).
 *
 * Roles: every staff endpoint needs the agent role (or admin) in the request's
 * department — through a session (+ X-CSRF-Token header) or an API token.
 * Reads of one request follow request_can_view: public requests to everyone
 * (contact removed, personal data in texts masked), private ones to the
 * author, the private-link token holder and the department's staff.
 * Errors: {"error":{"code","message","fields"?}} (422 carries fields). */
#include "web/json_util.h"
#include "web/page.h"
#include "features/requests/internal.h"
#include "features/accounts/accounts.h"
#include "http/ratelimit.h"
#include "text/pii.h"
#include "core/util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define API_BULK_MAX 100
#define CREATE_PER_IP 10        /* creations per IP per window (anonymous and sessions) */
#define CREATE_PER_ACCOUNT 10   /* creations per account per window */
#define CREATE_WINDOW 600       /* seconds */

static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

/* A 422 with one field error. */
static void invalid_field(struct req *r, const char *field, const char *key)
{
	resp_json(r, 422, json_pack("{s:{s:s,s:s,s:{s:s}}}", "error", "code", "invalid", "message",
				    TR(r, "form.has_errors"), "fields", field, TR(r, key)));
}

/* The JSON object body (new reference), or NULL after answering 400. An empty
 * body counts as {} when empty_ok. */
static json_t *read_object(struct req *r, bool empty_ok)
{
	if (empty_ok && r->body.len == 0)
		return json_object();
	json_error_t jerr;
	json_t *root = json_loadb(r->body.data ? r->body.data : "", r->body.len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root || !json_is_object(root)) {
		json_decref(root);
		resp_json_error(r, 400, "bad_json", root ? TR(r, "api.expected_object")
				: arena_printf(r->a, "%s (%d:%d)", TR(r, "api.bad_json"), jerr.line, jerr.column));
		return NULL;
	}
	return root;
}

/* A string member copied into the arena; NULL when absent or null. *bad set
 * when present with another type or invalid text. */
static const char *get_str(struct req *r, json_t *o, const char *key, bool *bad)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v) || !utf8_valid_text(json_string_value(v), json_string_length(v))) {
		*bad = true;
		return NULL;
	}
	return arena_strdup(r->a, json_string_value(v));
}

/* Refuses members not in known (400 unknown_field). */
static bool only_known(struct req *r, json_t *o, const char *const *known)
{
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v) {
		bool ok = false;
		for (int i = 0; known[i]; i++)
			ok |= !strcmp(key, known[i]);
		if (!ok) {
			resp_json_error(r, 400, "unknown_field", arena_printf(r->a, "%s: %s", TR(r, "api.unknown_field"), key));
			return false;
		}
	}
	return true;
}

/* ---- the request as JSON ---- */

static const char *private_url(struct req *r, const struct request *q)
{
	char tok[65];
	request_token(q->id, tok);
	return arena_printf(r->a, "%s/requests/%s?token=%s", r->cfg->base_url, q->ref, tok);
}

/* Categories and departments already loaded while answering one request:
 * a page of 50 requests names only a few of each. */
struct lookups {
	struct category cats[16];
	struct department depts[8];
	int ncats, ndepts;
};

static bool lookup_category(struct req *r, store *s, struct lookups *lk, int64_t id, struct category *out)
{
	for (int i = 0; lk && i < lk->ncats; i++)
		if (lk->cats[i].id == id) {
			*out = lk->cats[i];
			return true;
		}
	if (!category_get(s, r->a, id, out))
		return false;
	if (lk && lk->ncats < 16)
		lk->cats[lk->ncats++] = *out;
	return true;
}

static bool lookup_dept(struct req *r, store *s, struct lookups *lk, int64_t id, struct department *out)
{
	for (int i = 0; lk && i < lk->ndepts; i++)
		if (lk->depts[i].id == id) {
			*out = lk->depts[i];
			return true;
		}
	if (!dept_get(s, r->a, id, out))
		return false;
	if (lk && lk->ndepts < 8)
		lk->depts[lk->ndepts++] = *out;
	return true;
}

/* view: 2 = staff of the department, 1 = the author / token holder, 0 = public.
 * lk (may be NULL) shares lookups across the rows of one answer. */
static json_t *request_json_lk(struct req *r, store *s, const struct request *q, int view, struct lookups *lk)
{
	struct category c;
	bool have_cat = lookup_category(r, s, lk, q->category_id, &c);
	int li = lang_index3(r->lang);
	struct department d;
	bool have_dept = lookup_dept(r, s, lk, q->dept_id, &d);
	const char *desc = view ? q->description : pii_mask(r->a, q->description, NULL);
	const char *addr = view || !q->address ? q->address : pii_mask(r->a, q->address, NULL);
	json_t *attrs = json_loads(q->attributes ? q->attributes : "{}", 0, NULL);
	if (!json_is_object(attrs)) {
		json_decref(attrs);
		attrs = json_object();
	}
	if (view < 2)
		json_object_del(attrs, "_extra");
	json_t *photos = json_array();
	for (int i = 0; i < q->nphotos; i++)
		json_array_append_new(photos, json_string(arena_printf(r->a, "%s/media/%s", r->cfg->base_url, q->photos[i])));
	json_t *o = json_pack("{s:s,s:s,s:o,s:o,s:s,s:s,s:s,s:o,s:o,s:s,s:b,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
		"reference", q->ref, "kind", q->kind,
		"category", have_cat ? json_pack("{s:s,s:s}", "code", c.code, "name", c.name[li]) : json_null(),
		"department", have_dept ? json_pack("{s:I,s:s,s:s}", "id", (json_int_t)d.id, "slug", d.slug, "name",
						    dept_name(&d, r->lang)) : json_null(),
		"status", req_status_names[q->status], "priority", req_priority_names[q->priority],
		"description", desc ? desc : "",
		"address", str_or_null(addr),
		"location", q->has_location ? json_pack("{s:f,s:f}", "lat", q->lat, "lon", q->lon) : json_null(),
		"channel", q->channel, "public", q->public,
		"attributes", attrs, "photos", photos,
		"created_at", json_time(q->created_at), "updated_at", json_time(q->updated_at),
		"first_response_at", json_time(q->first_response_at), "solved_at", json_time(q->solved_at),
		"closed_at", json_time(q->closed_at));
	json_object_set_new(o, "url", json_string(arena_printf(r->a, "%s/requests/%s", r->cfg->base_url, q->ref)));
	if (q->merged_into) {
		struct request into;
		json_object_set_new(o, "merged_into", request_load(s, r->a, q->merged_into, &into) ? json_string(into.ref)
											      : json_null());
	}
	if (view >= 1) {
		json_object_set_new(o, "lang", json_string(q->lang));
		json_object_set_new(o, "contact", json_pack("{s:o,s:o,s:o}", "name", str_or_null(q->contact_name),
							    "email", str_or_null(q->contact_email),
							    "phone", str_or_null(q->contact_phone)));
		json_object_set_new(o, "rating", q->rating ? json_pack("{s:i,s:o}", "score", q->rating, "comment",
								       str_or_null(q->rating_comment)) : json_null());
	}
	if (view == 2) {
		json_object_set_new(o, "id", json_integer(q->id));
		json_object_set_new(o, "assignee_id", q->assignee_id ? json_integer(q->assignee_id) : json_null());
		json_object_set_new(o, "next_due_at", json_time(q->next_due_at));
		json_object_set_new(o, "overdue", json_boolean(q->overdue));
		json_object_set_new(o, "user_id", q->user_id ? json_integer(q->user_id) : json_null());
	}
	return o;
}

static json_t *request_json(struct req *r, store *s, const struct request *q, int view)
{
	return request_json_lk(r, s, q, view, NULL);
}

static int view_of(struct req *r, const struct request *q, const char *token)
{
	struct principal *who = req_who(r);
	if (request_can_see_private(who, q))
		return 2;
	return request_is_author(who, q, token) ? 1 : 0;
}

/* Loads the request named by route capture 0; answers 404 when missing or not
 * visible to the caller. */
static bool load_visible(struct req *r, store *s, struct request *q, const char **token)
{
	*token = kv_get(&r->query, "token");
	if (!request_by_ref(s, r->a, r->params[0], q) || !request_can_view(s, req_who(r), q, *token)) {
		resp_error(r, 404, "error.not_found");
		return false;
	}
	return true;
}

/* Loads the request for a staff action; 404 when missing, 403 when the caller
 * is not an agent of its department. */
static bool load_staff(struct req *r, store *s, struct request *q)
{
	if (!request_by_ref(s, r->a, r->params[0], q)) {
		resp_error(r, 404, "error.not_found");
		return false;
	}
	if (!request_staff_can(req_who(r), q, ROLE_AGENT)) {
		resp_error(r, 403, "error.forbidden");
		return false;
	}
	return true;
}

/* ---- create ---- */

static bool rate_ok(struct req *r, const struct principal *who)
{
	int retry = 0;
	bool ok = true;
	if (who && who->via_token)
		return true; /* partner tokens are issued by administrators: not limited here */
	if (!ratelimit_take(arena_printf(r->a, "request-create-ip:%s", r->ip), CREATE_PER_IP, CREATE_WINDOW, &retry))
		ok = false;
	else if (who && !ratelimit_take(arena_printf(r->a, "request-create-acct:%lld", (long long)who->user_id),
				       CREATE_PER_ACCOUNT, CREATE_WINDOW, &retry))
		ok = false;
	if (!ok) {
		resp_header(r, "Retry-After", arena_printf(r->a, "%d", retry > 0 ? retry : 1));
		resp_error(r, 429, "error.rate_limited");
	}
	return ok;
}

static void create(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	struct principal *who = req_who(r);
	if (who && who->via_token && !principal_can(who, ROLE_AGENT, 0)) {
		resp_error(r, 403, "error.forbidden");
		return;
	}
	json_t *body = read_object(r, false);
	if (!body)
		return;
	static const char *const known[] = {"kind", "category", "description", "lat", "lon", "address", "lang",
					    "contact_name", "contact_email", "contact_phone", "attributes", "priority", NULL};
	struct request_input in = {.channel = "api"};
	bool bad = false;
	struct form_errors e = {0};
	if (!only_known(r, body, known))
		goto out;
	in.kind = get_str(r, body, "kind", &bad);
	in.category_code = get_str(r, body, "category", &bad);
	in.description = get_str(r, body, "description", &bad);
	in.address = get_str(r, body, "address", &bad);
	in.lang = get_str(r, body, "lang", &bad);
	in.contact_name = get_str(r, body, "contact_name", &bad);
	in.contact_email = get_str(r, body, "contact_email", &bad);
	in.contact_phone = get_str(r, body, "contact_phone", &bad);
	in.priority = get_str(r, body, "priority", &bad);
	for (int k = 0; k < 2; k++) {
		const char *name = k ? "lon" : "lat";
		json_t *v = json_object_get(body, name);
		const char *text = NULL;
		if (json_is_number(v))
			text = arena_printf(r->a, "%.10g", json_number_value(v));
		else if (json_is_string(v))
			text = arena_strdup(r->a, json_string_value(v));
		else if (v && !json_is_null(v))
			bad = true;
		if (k)
			in.lon = text;
		else
			in.lat = text;
	}
	json_t *attrs = json_object_get(body, "attributes");
	if (attrs && !json_is_null(attrs)) {
		const char *code;
		json_t *v;
		if (!json_is_object(attrs))
			bad = true;
		else
			json_object_foreach(attrs, code, v) {
				if (json_is_string(v)) {
					kv_add(r->a, &in.attrs, arena_strdup(r->a, code), arena_strdup(r->a, json_string_value(v)));
				} else if (json_is_array(v) && json_array_size(v) <= 50) {
					size_t i;
					json_t *item;
					json_array_foreach(v, i, item) {
						if (!json_is_string(item)) {
							bad = true;
							break;
						}
						kv_add(r->a, &in.attrs, arena_strdup(r->a, code),
						       arena_strdup(r->a, json_string_value(item)));
					}
				} else {
					bad = true;
				}
			}
	}
	if (bad) {
		resp_json_error(r, 400, "bad_type", TR(r, "api.bad_type"));
		goto out;
	}
	if (in.priority && !principal_is_staff(who)) {
		invalid_field(r, "priority", "api.priority_staff_only");
		goto out;
	}
	if (!in.lang)
		in.lang = r->lang;
	if (who && !who->via_token)
		in.user_id = who->user_id;
	if (!rate_ok(r, who))
		goto out;
	char ref[16];
	int64_t id = request_create(s, r->a, &in, &e, ref);
	if (id == 0) {
		resp_json_invalid(r, &e, NULL, NULL);
		goto out;
	}
	if (id < 0) {
		resp_error(r, 503, "error.unavailable");
		goto out;
	}
	page_cache_bump();
	struct request q;
	if (!request_load(s, r->a, id, &q)) {
		resp_error(r, 503, "error.unavailable");
		goto out;
	}
	json_t *o = request_json(r, s, &q, request_can_see_private(who, &q) ? 2 : 1);
	if (!in.user_id)
		json_object_set_new(o, "private_url", json_string(private_url(r, &q)));
	resp_header(r, "Location", arena_printf(r->a, "/api/v1/requests/%s", ref));
	resp_json(r, 201, o);
out:
	json_decref(body);
}

/* ---- read ---- */

static void get_one(struct req *r)
{
	store *s = req_store(r);
	struct request q;
	const char *token;
	if (!s || !load_visible(r, s, &q, &token))
		return;
	resp_json(r, 200, request_json(r, s, &q, view_of(r, &q, token)));
}

static void history(struct req *r)
{
	store *s = req_store(r);
	struct request q;
	const char *token;
	if (!s || !load_visible(r, s, &q, &token))
		return;
	int view = view_of(r, &q, token);
	struct request_event *ev;
	int n = request_events(s, r->a, q.id, view == 2, &ev);
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		json_t *data = ev[i].data ? json_loads(ev[i].data, 0, NULL) : NULL;
		const char *body = ev[i].body && view == 0 ? pii_mask(r->a, ev[i].body, NULL) : ev[i].body;
		json_array_append_new(items, json_pack("{s:I,s:o,s:s,s:b,s:o,s:o,s:o}", "id", (json_int_t)ev[i].id,
						       "at", json_time(ev[i].at), "type", ev[i].type, "public", ev[i].public,
						       "actor", view ? str_or_null(ev[i].actor) : json_null(),
						       "body", str_or_null(body), "data", data ? data : json_null()));
	}
	resp_json(r, 200, json_pack("{s:s,s:o}", "reference", q.ref, "items", items));
}

static void similar(struct req *r)
{
	store *s = req_store(r);
	struct request q;
	if (!s || !load_staff(r, s, &q))
		return;
	struct request *list;
	int n = request_similar(s, r->a, &q, 10, &list);
	json_t *items = json_array();
	struct lookups lk = {0};
	for (int i = 0; i < n; i++)
		json_array_append_new(items, request_json_lk(r, s, &list[i], 2, &lk));
	resp_json(r, 200, json_pack("{s:s,s:o}", "reference", q.ref, "items", items));
}

/* ---- the queue ---- */

static bool parse_status_mask(const char *v, unsigned *mask)
{
	*mask = 0;
	char *copy = strdup(v), *save = NULL;
	bool ok = copy != NULL;
	for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t && ok; t = strtok_r(NULL, ",", &save)) {
		enum req_status st;
		if (req_status_parse(t, &st))
			*mask |= 1u << st;
		else
			ok = false;
	}
	free(copy);
	return ok && *mask;
}

static void list(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	struct principal *who = req_who(r);
	static const char *const known[] = {"dept", "status", "category", "priority", "assignee", "overdue", "channel",
					    "from", "to", "cursor", "limit", "lang", NULL};
	for (int i = 0; i < r->query.n; i++) {
		bool ok = false;
		for (int k = 0; known[k]; k++)
			ok |= !strcmp(r->query.items[i].name, known[k]);
		if (!ok) {
			resp_json_error(r, 400, "unknown_parameter",
					arena_printf(r->a, "%s: %s", TR(r, "api.unknown_parameter"), r->query.items[i].name));
			return;
		}
	}
	struct inbox_filter f = {.priority = -1, .limit = 50};
	const char *v = kv_get(&r->query, "dept");
	if (v) {
		f.dept_id = dept_by_slug(s, v);
		if (!f.dept_id) {
			invalid_field(r, "dept", "form.invalid_choice");
			return;
		}
	} else {
		/* the only department the caller works in */
		for (int i = 0; i < who->ngrants; i++) {
			const struct grant *g = &who->grants[i];
			if ((g->role == ROLE_AGENT || g->role == ROLE_ADMIN) && g->dept_id != ALL_DEPTS) {
				if (f.dept_id && f.dept_id != g->dept_id) {
					f.dept_id = 0;
					break;
				}
				f.dept_id = g->dept_id;
			}
		}
		if (!f.dept_id) {
			invalid_field(r, "dept", "api.dept_required");
			return;
		}
	}
	if (!principal_can(who, ROLE_AGENT, f.dept_id)) {
		resp_error(r, 403, "error.forbidden");
		return;
	}
	if ((v = kv_get(&r->query, "status")) && !parse_status_mask(v, &f.status_mask)) {
		invalid_field(r, "status", "form.invalid_choice");
		return;
	}
	if ((v = kv_get(&r->query, "category"))) {
		struct category c;
		if (!category_by_code(s, r->a, v, &c)) {
			invalid_field(r, "category", "request.unknown_category");
			return;
		}
		f.category_id = c.id;
	}
	if ((v = kv_get(&r->query, "priority"))) {
		enum req_priority p;
		if (!req_priority_parse(v, &p)) {
			invalid_field(r, "priority", "form.invalid_choice");
			return;
		}
		f.priority = p;
	}
	if ((v = kv_get(&r->query, "assignee"))) {
		int64_t id;
		if (!strcmp(v, "none"))
			f.assignee_id = -1;
		else if (!strcmp(v, "me") && who->user_id)
			f.assignee_id = who->user_id;
		else if (parse_int64(v, 1, INT64_MAX, &id))
			f.assignee_id = id;
		else {
			invalid_field(r, "assignee", "form.invalid_choice");
			return;
		}
	}
	if ((v = kv_get(&r->query, "overdue"))) {
		if (strcmp(v, "true") && strcmp(v, "false")) {
			invalid_field(r, "overdue", "form.invalid_choice");
			return;
		}
		f.overdue_only = !strcmp(v, "true");
	}
	f.channel = kv_get(&r->query, "channel");
	for (int k = 0; k < 2; k++) {
		const char *name = k ? "to" : "from";
		time_t t;
		if ((v = kv_get(&r->query, name))) {
			if (!parse_datetime(v, &t)) {
				invalid_field(r, name, "form.bad_datetime");
				return;
			}
			if (k)
				f.to = t;
			else
				f.from = t;
		}
	}
	if ((v = kv_get(&r->query, "limit"))) {
		int64_t lim;
		if (!parse_int64(v, 1, 100, &lim)) {
			invalid_field(r, "limit", "form.invalid_choice");
			return;
		}
		f.limit = (int)lim;
	}
	if ((v = kv_get(&r->query, "cursor"))) {
		long long due, id;
		int used = 0;
		if (sscanf(v, "%lld.%lld%n", &due, &id, &used) != 2 || v[used] || id <= 0) {
			resp_json_error(r, 400, "bad_cursor", TR(r, "api.bad_cursor"));
			return;
		}
		f.after_due = due;
		f.after_id = id;
	}
	struct request *rows;
	int n = inbox_list(s, r->a, &f, &rows);
	if (n < 0) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	json_t *items = json_array();
	struct lookups lk = {0};
	for (int i = 0; i < n; i++)
		json_array_append_new(items, request_json_lk(r, s, &rows[i], 2, &lk));
	json_t *next = json_null();
	if (n == f.limit) {
		int64_t due = rows[n - 1].next_due_at ? rows[n - 1].next_due_at : INT64_MAX;
		next = json_string(arena_printf(r->a, "%lld.%lld", (long long)due, (long long)rows[n - 1].id));
	}
	/* counts of the department's queue, independent of the other filters */
	json_t *counts = json_object();
	for (int st = RS_NEW; st < RS_COUNT; st++) {
		struct inbox_filter cf = {.dept_id = f.dept_id, .priority = -1, .status_mask = 1u << st};
		json_object_set_new(counts, req_status_names[st], json_integer(inbox_count(s, &cf)));
	}
	struct inbox_filter cf = {.dept_id = f.dept_id, .priority = -1, .overdue_only = true};
	json_object_set_new(counts, "overdue", json_integer(inbox_count(s, &cf)));
	cf = (struct inbox_filter){.dept_id = f.dept_id, .priority = -1, .assignee_id = -1};
	json_object_set_new(counts, "unassigned", json_integer(inbox_count(s, &cf)));
	if (who->user_id) {
		cf = (struct inbox_filter){.dept_id = f.dept_id, .priority = -1, .assignee_id = who->user_id};
		json_object_set_new(counts, "mine", json_integer(inbox_count(s, &cf)));
	}
	struct inbox_filter total = f;
	total.after_id = 0;
	resp_json(r, 200, json_pack("{s:o,s:o,s:I,s:o}", "items", items, "next_cursor", next, "count",
				    (json_int_t)inbox_count(s, &total), "counts", counts));
}

/* ---- actions (one request, or each of a bulk list) ---- */

struct outcome {
	int status;                /* 200 when done */
	const char *code, *key;    /* error code and catalog key */
	const char *field;         /* for 422 */
};

static struct outcome fail(int status, const char *code, const char *key, const char *field)
{
	return (struct outcome){status, code, key, field};
}

/* Runs action on q with its arguments in args (a JSON object). The caller has
 * checked that the principal is an agent of q's department. */
static struct outcome apply_action(struct req *r, store *s, const struct request *q, const char *action, json_t *args)
{
	struct principal *who = req_who(r);
	struct actor by = {who->user_id, who->name ? who->name : "", true};
	bool bad = false;
	if (!strcmp(action, "status")) {
		const char *v = get_str(r, args, "status", &bad);
		enum req_status st;
		if (!v || !req_status_parse(v, &st))
			return fail(422, "invalid", "form.invalid_choice", "status");
		if (!request_set_status(s, q->id, st, &by))
			return fail(409, "conflict", "api.action_refused", NULL);
	} else if (!strcmp(action, "reply") || !strcmp(action, "note")) {
		const char *body = get_str(r, args, "body", &bad);
		json_t *pub = json_object_get(args, "public");
		if (pub && !json_is_boolean(pub))
			return fail(400, "bad_type", "api.bad_type", NULL);
		/* "reply" is public unless "public": false; "note" (bulk) is internal */
		bool is_public = !strcmp(action, "reply") && (!pub || json_is_true(pub));
		if (!body || strspn(body, " \t\r\n") == strlen(body))
			return fail(422, "invalid", "form.required", "body");
		if (utf8_length(body) > REQ_DESC_MAX)
			return fail(422, "invalid", "form.too_long", "body");
		int new_status = -1;
		const char *sv = get_str(r, args, "status", &bad);
		if (sv) {
			enum req_status st;
			if (!req_status_parse(sv, &st))
				return fail(422, "invalid", "form.invalid_choice", "status");
			new_status = (int)st;
		}
		if (!request_reply(s, q->id, body, is_public, is_public ? new_status : -1, &by))
			return fail(409, "conflict", "api.action_refused", NULL);
		if (!is_public && new_status >= 0 && !request_set_status(s, q->id, (enum req_status)new_status, &by))
			return fail(409, "conflict", "api.action_refused", NULL);
	} else if (!strcmp(action, "assign")) {
		json_t *v = json_object_get(args, "assignee");
		int64_t id = 0;
		if (json_is_integer(v) && json_integer_value(v) > 0)
			id = json_integer_value(v);
		else if (json_is_string(v) && !strcmp(json_string_value(v), "me") && who->user_id)
			id = who->user_id;
		else if (!json_is_null(v))
			return fail(422, "invalid", "form.invalid_choice", "assignee");
		if (!request_assign(s, q->id, id, &by))
			return fail(409, "conflict", "api.assign_refused", NULL);
	} else if (!strcmp(action, "transfer")) {
		const char *slug = get_str(r, args, "department", &bad);
		const char *reason = get_str(r, args, "reason", &bad);
		int64_t dept = slug ? dept_by_slug(s, slug) : 0;
		if (!dept)
			return fail(422, "invalid", "form.invalid_choice", "department");
		if (!reason || strspn(reason, " \t\r\n") == strlen(reason))
			return fail(422, "invalid", "form.required", "reason");
		if (utf8_length(reason) > 1000)
			return fail(422, "invalid", "form.too_long", "reason");
		if (!request_transfer(s, q->id, dept, reason, &by))
			return fail(409, "conflict", "api.action_refused", NULL);
	} else if (!strcmp(action, "priority")) {
		const char *v = get_str(r, args, "priority", &bad);
		enum req_priority p;
		if (!v || !req_priority_parse(v, &p))
			return fail(422, "invalid", "form.invalid_choice", "priority");
		if (!request_set_priority(s, q->id, p, &by))
			return fail(409, "conflict", "api.action_refused", NULL);
	} else if (!strcmp(action, "merge")) {
		const char *ref = get_str(r, args, "into", &bad);
		struct request into;
		if (!ref || !request_by_ref(s, r->a, ref, &into))
			return fail(422, "invalid", "api.unknown_reference", "into");
		if (!request_staff_can(who, &into, ROLE_AGENT))
			return fail(403, "forbidden", "error.forbidden", NULL);
		if (!request_merge(s, q->id, into.id, &by))
			return fail(409, "conflict", "api.action_refused", NULL);
	} else {
		return fail(422, "invalid", "api.unknown_action", "action");
	}
	if (bad)
		return fail(400, "bad_type", "api.bad_type", NULL);
	return (struct outcome){200, NULL, NULL, NULL};
}

static void answer_outcome(struct req *r, const struct outcome *o)
{
	if (o->status == 422)
		invalid_field(r, o->field, o->key);
	else
		resp_json_error(r, o->status, o->code, TR(r, o->key));
}

static void action_endpoint(struct req *r, const char *action, const char *const *known)
{
	store *s = req_store(r);
	struct request q;
	if (!s || !load_staff(r, s, &q))
		return;
	json_t *args = read_object(r, false);
	if (!args)
		return;
	if (only_known(r, args, known)) {
		struct outcome o = apply_action(r, s, &q, action, args);
		if (o.status != 200) {
			answer_outcome(r, &o);
		} else {
			page_cache_bump();
			request_load(s, r->a, q.id, &q);
			resp_json(r, 200, request_json(r, s, &q, 2));
		}
	}
	json_decref(args);
}

static void act_status(struct req *r)
{
	static const char *const k[] = {"status", NULL};
	action_endpoint(r, "status", k);
}

static void act_reply(struct req *r)
{
	static const char *const k[] = {"body", "public", "status", NULL};
	action_endpoint(r, "reply", k);
}

static void act_assign(struct req *r)
{
	static const char *const k[] = {"assignee", NULL};
	action_endpoint(r, "assign", k);
}

static void act_transfer(struct req *r)
{
	static const char *const k[] = {"department", "reason", NULL};
	action_endpoint(r, "transfer", k);
}

static void act_priority(struct req *r)
{
	static const char *const k[] = {"priority", NULL};
	action_endpoint(r, "priority", k);
}

static void act_merge(struct req *r)
{
	static const char *const k[] = {"into", NULL};
	action_endpoint(r, "merge", k);
}

/* POST /api/v1/requests/bulk {"references":[...], "action":..., args...}:
 * each request on its own (its own transaction); the answer lists, in order,
 * the outcome of each. Not all-or-nothing: a refused item does not undo the
 * others. 200 whenever the body itself is valid. */
static void bulk(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	json_t *body = read_object(r, false);
	if (!body)
		return;
	static const char *const known[] = {"references", "action", "status", "body", "public", "assignee",
					    "department", "reason", "priority", "into", NULL};
	if (!only_known(r, body, known))
		goto out;
	json_t *refs = json_object_get(body, "references");
	json_t *act = json_object_get(body, "action");
	if (!json_is_array(refs) || json_array_size(refs) == 0 || json_array_size(refs) > API_BULK_MAX) {
		invalid_field(r, "references", "api.bad_reference_list");
		goto out;
	}
	static const char *const actions[] = {"status", "reply", "note", "assign", "transfer", "priority", "merge", NULL};
	bool known_action = false;
	for (int i = 0; json_is_string(act) && actions[i]; i++)
		known_action |= !strcmp(json_string_value(act), actions[i]);
	if (!known_action) {
		invalid_field(r, "action", "api.unknown_action");
		goto out;
	}
	size_t i;
	json_t *ref;
	json_array_foreach(refs, i, ref) {
		if (!json_is_string(ref)) {
			invalid_field(r, "references", "api.bad_reference_list");
			goto out;
		}
	}
	const char *action = json_string_value(act);
	json_t *results = json_array();
	int done = 0;
	json_array_foreach(refs, i, ref) {
		struct request q;
		struct outcome o;
		if (!request_by_ref(s, r->a, json_string_value(ref), &q))
			o = fail(404, "not_found", "error.not_found", NULL);
		else if (!request_staff_can(req_who(r), &q, ROLE_AGENT))
			o = fail(403, "forbidden", "error.forbidden", NULL);
		else
			o = apply_action(r, s, &q, action, body);
		json_t *item = json_pack("{s:s,s:b}", "reference", json_string_value(ref), "ok", o.status == 200);
		if (o.status != 200)
			json_object_set_new(item, "error", json_pack("{s:s,s:s,s:i}", "code", o.code, "message",
								     o.field ? arena_printf(r->a, "%s: %s", o.field, TR(r, o.key))
									     : TR(r, o.key), "status", o.status));
		else
			done++;
		json_array_append_new(results, item);
	}
	if (done)
		page_cache_bump();
	resp_json(r, 200, json_pack("{s:s,s:i,s:i,s:o}", "action", action, "done", done, "failed",
				    (int)json_array_size(refs) - done, "results", results));
out:
	json_decref(body);
}

void requests_api_routes(void)
{
	static const struct route routes[] = {
		{"POST", "/api/v1/requests", create, ACCESS_ANYONE, 0, ROUTE_API, "submit a request"},
		{"GET", "/api/v1/requests", list, ACCESS_ROLE, ROLE_AGENT, ROUTE_API, "a department's request queue"},
		{"POST", "/api/v1/requests/bulk", bulk, ACCESS_ROLE, ROLE_AGENT, ROUTE_API, "one action on many requests"},
		{"GET", "/api/v1/requests/:ref", get_one, ACCESS_ANYONE, 0, ROUTE_API, "one request"},
		{"GET", "/api/v1/requests/:ref/history", history, ACCESS_ANYONE, 0, ROUTE_API, "a request's history"},
		{"GET", "/api/v1/requests/:ref/similar", similar, ACCESS_ROLE, ROLE_AGENT, ROUTE_API, "possible duplicates"},
		{"POST", "/api/v1/requests/:ref/status", act_status, ACCESS_ROLE, ROLE_AGENT, ROUTE_API, "change status"},
		{"POST", "/api/v1/requests/:ref/replies", act_reply, ACCESS_ROLE, ROLE_AGENT, ROUTE_API,
		 "public reply or internal note"},
		{"POST", "/api/v1/requests/:ref/assign", act_assign, ACCESS_ROLE, ROLE_AGENT, ROUTE_API, "assign"},
		{"POST", "/api/v1/requests/:ref/transfer", act_transfer, ACCESS_ROLE, ROLE_AGENT, ROUTE_API,
		 "transfer to another department"},
		{"POST", "/api/v1/requests/:ref/priority", act_priority, ACCESS_ROLE, ROLE_AGENT, ROUTE_API, "set priority"},
		{"POST", "/api/v1/requests/:ref/merge", act_merge, ACCESS_ROLE, ROLE_AGENT, ROUTE_API,
		 "merge into another request"},
	};
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		route_add(&routes[i]);
}
