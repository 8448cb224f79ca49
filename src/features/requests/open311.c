/* Open311 GeoReport v2 at /open311/v2/ (http://wiki.open311.org/GeoReport_v2):
 * discovery, services, service definitions, POST/GET requests, one request,
 * tokens — each in .xml and .json — plus the common extensions page/page_size
 * and extensions=true (a "notes" array: the public history of each request).
 *
 * Privacy: GET answers list public requests to everyone, with contact details
 * never included and personal data in descriptions and notes masked
 * (pii_mask); private requests only to callers holding the agent role in the
 * handling department (api_key parameter, or a Bearer token / session).
 * POST needs an api_key: an API token with the agent or admin role (in any
 * department — routing follows the service, as on the citizens' web form).
 *
 * Answers are built once as JSON values and written either as JSON or, by the
 * Spark convention the spec follows, as XML (an array named "services" holds
 * <service> elements, and so on). */
#include "features/requests/internal.h"
#include "features/requests/open311_args.h"
#include "features/accounts/accounts.h"
#include "text/pii.h"
#include "core/util.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define O311_VISIBLE_DEPTS 16

/* ---- output ---- */

static const char *child_name(const char *plural)
{
	static const char *const map[][2] = {
		{"services", "service"}, {"service_requests", "request"}, {"attributes", "attribute"},
		{"values", "value"}, {"errors", "error"}, {"endpoints", "endpoint"}, {"formats", "format"},
		{"notes", "note"},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (!strcmp(map[i][0], plural))
			return map[i][1];
	return "item";
}

static void xml_text(strbuf *sb, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': sb_puts(sb, "&amp;"); break;
		case '<': sb_puts(sb, "&lt;"); break;
		case '>': sb_puts(sb, "&gt;"); break;
		case '"': sb_puts(sb, "&quot;"); break;
		case '\'': sb_puts(sb, "&apos;"); break;
		default: sb_putc(sb, *s);
		}
	}
}

/* Writes v as the element name (names are our own keys: no escaping needed). */
static void xml_value(strbuf *sb, const char *name, json_t *v)
{
	if (json_is_null(v)) {
		sb_printf(sb, "<%s/>", name);
		return;
	}
	sb_printf(sb, "<%s>", name);
	if (json_is_array(v)) {
		size_t i;
		json_t *item;
		const char *child = child_name(name);
		json_array_foreach(v, i, item)
			xml_value(sb, child, item);
	} else if (json_is_object(v)) {
		const char *k;
		json_t *item;
		json_object_foreach(v, k, item)
			xml_value(sb, k, item);
	} else if (json_is_string(v)) {
		xml_text(sb, json_string_value(v));
	} else if (json_is_integer(v)) {
		sb_printf(sb, "%lld", (long long)json_integer_value(v));
	} else if (json_is_real(v)) {
		sb_printf(sb, "%.10g", json_real_value(v));
	} else {
		sb_puts(sb, json_is_true(v) ? "true" : "false");
	}
	sb_printf(sb, "</%s>", name);
}

/* Answers v (reference stolen) in fmt; root names the XML document element. */
static void o311_answer(struct req *r, enum o311_format fmt, int status, const char *root, json_t *v)
{
	if (fmt == O311_JSON) {
		char *s = json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(10));
		resp_body(r, status, "application/json; charset=utf-8", s ? s : "[]", s ? strlen(s) : 2);
		free(s);
	} else {
		strbuf sb = STRBUF_INIT;
		sb_puts(&sb, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
		xml_value(&sb, root, v);
		sb_putc(&sb, '\n');
		resp_body(r, status, "text/xml; charset=utf-8", sb_str(&sb), sb.len);
		sb_free(&sb);
	}
	json_decref(v);
}

/* The spec's error list; HTTP status from the first error. */
static void o311_fail(struct req *r, enum o311_format fmt, const struct o311_errors *err)
{
	json_t *list = json_array();
	for (int i = 0; i < err->n; i++) {
		const char *text = TR(r, err->e[i].key);
		const char *desc = err->e[i].field ? arena_printf(r->a, "%s: %s", err->e[i].field, text) : text;
		json_array_append_new(list, json_pack("{s:i,s:s}", "code", err->e[i].status, "description", desc));
	}
	o311_answer(r, fmt, err->n ? err->e[0].status : 400, "errors", list);
}

static void o311_fail1(struct req *r, enum o311_format fmt, int status, const char *field, const char *key)
{
	struct o311_errors err = {0};
	o311_error_add(&err, status, field, key);
	o311_fail(r, fmt, &err);
}

static json_t *o311_time(int64_t t)
{
	if (!t)
		return json_null();
	char buf[32];
	iso8601_utc(buf, sizeof buf, (time_t)t);
	return json_string(buf);
}

static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static store *o311_db(struct req *r, enum o311_format fmt)
{
	store *s = store_thread();
	if (!s)
		o311_fail1(r, fmt, 400, NULL, "open311.unavailable");
	return s;
}

/* The caller: an api_key parameter (query or form) wins; else the session or
 * Bearer token resolved by the server. May be NULL. */
static struct principal *o311_caller(struct req *r, const char *api_key)
{
	if (api_key)
		return accounts_token_principal(r, api_key);
	return req_who(r);
}

/* ---- discovery, services, service definitions ---- */

static void discovery(struct req *r, enum o311_format fmt)
{
	store *s = o311_db(r, fmt);
	if (!s)
		return;
	int64_t changed = store_scalar(s, 0, "SELECT coalesce(max(created_at), 0) FROM req_categories", "");
	char stamp[32];
	iso8601_utc(stamp, sizeof stamp, (time_t)changed);
	json_t *formats = json_pack("[s,s]", "text/xml", "application/json");
	json_t *endpoint = json_pack("{s:s,s:s,s:s,s:s,s:o}", "specification", "http://wiki.open311.org/GeoReport_v2",
				     "url", arena_printf(r->a, "%s/open311/v2", r->cfg->base_url), "changeset", stamp,
				     "type", "production", "formats", formats);
	json_t *d = json_pack("{s:s,s:s,s:s,s:[o]}", "changeset", stamp, "contact",
			      arena_printf(r->a, "%s %s", TR(r, "open311.contact"), r->cfg->base_url),
			      "key_service", TR(r, "open311.key_service"), "endpoints", endpoint);
	o311_answer(r, fmt, 200, "discovery", d);
}

static void services(struct req *r, enum o311_format fmt)
{
	store *s = o311_db(r, fmt);
	if (!s)
		return;
	int li = lang_index3(r->lang);
	struct category *cats;
	int n = category_list(s, r->a, false, &cats);
	json_t *list = json_array();
	for (int i = 0; i < n; i++) {
		const struct category *c = &cats[i];
		json_array_append_new(list, json_pack("{s:s,s:s,s:o,s:b,s:s,s:o,s:o}", "service_code", c->code,
						      "service_name", c->name[li], "description", str_or_null(c->desc[li]),
						      "metadata", c->nattrs > 0, "type", "realtime",
						      "keywords", str_or_null(c->keywords), "group", str_or_null(c->grp)));
	}
	o311_answer(r, fmt, 200, "services", list);
}

static const char *datatype_description(struct req *r, const char *datatype)
{
	if (!strcmp(datatype, "datetime"))
		return TR(r, "open311.datatype_datetime");
	if (!strcmp(datatype, "number"))
		return TR(r, "open311.datatype_number");
	if (!strcmp(datatype, "multivaluelist"))
		return TR(r, "open311.datatype_multivaluelist");
	return NULL;
}

static void service_definition(struct req *r)
{
	const char *code;
	enum o311_format fmt;
	if (!o311_split_format(r->a, r->params[0], &code, &fmt)) {
		o311_fail1(r, O311_XML, 404, NULL, "open311.not_found");
		return;
	}
	store *s = o311_db(r, fmt);
	if (!s)
		return;
	struct category c;
	if (!category_by_code(s, r->a, code, &c) || !c.active) {
		o311_fail1(r, fmt, 404, "service_code", "open311.unknown_service");
		return;
	}
	int li = lang_index3(r->lang);
	json_t *attrs = json_array();
	for (int i = 0; i < c.nattrs; i++) {
		const struct attribute *at = &c.attrs[i];
		json_t *o = json_pack("{s:b,s:s,s:s,s:b,s:o,s:i,s:s}", "variable", 1, "code", at->code, "datatype",
				      at->datatype, "required", at->required,
				      "datatype_description", str_or_null(datatype_description(r, at->datatype)),
				      "order", at->ord > 0 ? at->ord : i + 1, "description", at->label[li]);
		if (!strcmp(at->datatype, "singlevaluelist") || !strcmp(at->datatype, "multivaluelist")) {
			json_t *values = json_array();
			for (int j = 0; j < at->nvalues; j++)
				json_array_append_new(values, json_pack("{s:s,s:s}", "key", at->values[j].key, "name",
									at->values[j].name[li]));
			json_object_set_new(o, "values", values);
		}
		json_array_append_new(attrs, o);
	}
	o311_answer(r, fmt, 200, "service_definition",
		    json_pack("{s:s,s:o}", "service_code", c.code, "attributes", attrs));
}

/* ---- one request as Open311 ---- */

struct o311_ctx {
	struct category *cats;
	int ncats;
	struct department *depts;
	int ndepts;
	const struct principal *who;
	int li;
	bool extensions;
};

static void ctx_load(struct req *r, store *s, struct o311_ctx *x, const struct principal *who, bool extensions)
{
	x->ncats = category_list(s, r->a, true, &x->cats);
	x->ndepts = dept_list(s, r->a, &x->depts);
	x->who = who;
	x->li = lang_index3(r->lang);
	x->extensions = extensions;
}

static const struct category *ctx_cat(const struct o311_ctx *x, int64_t id)
{
	for (int i = 0; i < x->ncats; i++)
		if (x->cats[i].id == id)
			return &x->cats[i];
	return NULL;
}

static const char *ctx_dept(struct req *r, const struct o311_ctx *x, int64_t id)
{
	for (int i = 0; i < x->ndepts; i++)
		if (x->depts[i].id == id)
			return dept_name(&x->depts[i], r->lang);
	return NULL;
}

/* Text for a viewer: as written for the department's staff, masked otherwise. */
static const char *shown(struct req *r, bool private_ok, const char *text)
{
	if (!text || !*text)
		return NULL;
	return private_ok ? text : pii_mask(r->a, text, NULL);
}

static const char *extra_value(struct req *r, const char *attributes, const char *key)
{
	json_t *root = json_loads(attributes ? attributes : "{}", 0, NULL);
	json_t *v = json_object_get(json_object_get(root, "_extra"), key);
	const char *out = json_is_string(v) ? arena_strdup(r->a, json_string_value(v)) : NULL;
	json_decref(root);
	return out;
}

static const char *note_type(const struct request_event *e)
{
	if (!strcmp(e->type, "created"))
		return "submitted";
	if (!strcmp(e->type, "status") && e->data) {
		static const char *const names[][2] = {{"\"to\":\"open\"", "opened"}, {"\"to\":\"pending\"", "pending"},
						       {"\"to\":\"on_hold\"", "on_hold"}, {"\"to\":\"solved\"", "solved"},
						       {"\"to\":\"closed\"", "closed"}};
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
			if (strstr(e->data, names[i][0]))
				return names[i][1];
	}
	if (!strcmp(e->type, "transfer"))
		return "transferred";
	if (!strcmp(e->type, "rating"))
		return "rated";
	return e->type;
}

static json_t *request_json(struct req *r, store *s, const struct o311_ctx *x, const struct request *q)
{
	const struct category *c = ctx_cat(x, q->category_id);
	bool private_ok = request_can_see_private(x->who, q);
	bool closed = q->status == RS_SOLVED || q->status == RS_CLOSED;
	const char *notes = NULL;
	store_stmt *st = store_prepare(s, "SELECT body FROM request_events WHERE request_id = ? AND public = 1 AND "
					  "type = 'reply' AND body IS NOT NULL ORDER BY id DESC LIMIT 1");
	if (st) {
		store_bind_int(st, 1, q->id);
		if (store_step(st) == STORE_ROW)
			notes = arena_strdup(r->a, store_text(st, 0));
		store_done(st);
	}
	int64_t expected = closed ? 0 : store_scalar(s, 0, "SELECT coalesce(due_at, 0) FROM request_clocks "
							   "WHERE request_id = ? AND target = 'resolution'", "i", q->id);
	const char *media = extra_value(r, q->attributes, "media_url");
	if (!media && q->nphotos)
		media = arena_printf(r->a, "%s/media/%s", r->cfg->base_url, q->photos[0]);
	int64_t updated = q->status == RS_CLOSED && q->closed_at ? q->closed_at
			: q->status == RS_SOLVED && q->solved_at ? q->solved_at : q->updated_at;
	json_t *o = json_pack("{s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
		"service_request_id", q->ref,
		"status", req_open311_status(q->status),
		"status_notes", str_or_null(shown(r, private_ok, notes)),
		"service_name", str_or_null(c ? c->name[x->li] : NULL),
		"service_code", str_or_null(c ? c->code : NULL),
		"description", str_or_null(shown(r, private_ok, q->description)),
		"agency_responsible", str_or_null(ctx_dept(r, x, q->dept_id)),
		"service_notice", str_or_null(c ? c->desc[x->li] : NULL),
		"requested_datetime", o311_time(q->created_at),
		"updated_datetime", o311_time(updated),
		"expected_datetime", o311_time(expected),
		"address", str_or_null(shown(r, private_ok, q->address)),
		"address_id", str_or_null(extra_value(r, q->attributes, "address_id")),
		"zipcode", json_null(),
		"lat", q->has_location ? json_real(q->lat) : json_null(),
		"long", q->has_location ? json_real(q->lon) : json_null(),
		"media_url", str_or_null(media));
	if (x->extensions) {
		struct request_event *ev;
		int n = request_events(s, r->a, q->id, false, &ev);
		json_t *list = json_array();
		for (int i = 0; i < n; i++) {
			const char *body = ev[i].body;
			if (!strcmp(ev[i].type, "merged"))
				body = arena_printf(r->a, "%s %s", TR(r, "open311.merged_into"), ev[i].body ? ev[i].body : "");
			json_array_append_new(list, json_pack("{s:o,s:o,s:s}", "datetime", o311_time(ev[i].at),
							      "description", str_or_null(shown(r, private_ok, body)),
							      "type", note_type(&ev[i])));
		}
		json_object_set_new(o, "notes", list);
	}
	return o;
}

/* May the caller see q at all through Open311? */
static bool o311_visible(const struct principal *who, const struct request *q)
{
	return q->public || request_staff_can(who, q, ROLE_AGENT);
}

/* ---- GET requests ---- */

/* Built once: the statement cache keys on the address of the SQL text, so
 * list filters use fixed placeholders (unused ones stay NULL). Parameters:
 * ?1 all departments visible, ?2..?17 visible departments, ?18 by-id mode,
 * ?19..?118 references, ?119/?120 window, ?121 any service, ?122..?221
 * service codes, ?222 open wanted, ?223 closed wanted, ?224 limit, ?225 offset. */
#define P_ALL 1
#define P_DEPT 2
#define P_BYID 18
#define P_REF 19
#define P_START 119
#define P_END 120
#define P_ANYCODE 121
#define P_CODE 122
#define P_OPEN 222
#define P_CLOSED 223
#define P_LIMIT 224
#define P_OFFSET 225
static char list_sql[8192];

static void list_placeholders(strbuf *sb, int first, int n)
{
	for (int i = 0; i < n; i++)
		sb_printf(sb, "%s?%d", i ? "," : "", first + i);
}

static void build_list_sql(void)
{
	strbuf sb = STRBUF_INIT;
	sb_printf(&sb, "SELECT %s FROM requests WHERE (public = 1 OR ?%d = 1 OR dept_id IN (", request_columns(), P_ALL);
	list_placeholders(&sb, P_DEPT, O311_VISIBLE_DEPTS);
	sb_printf(&sb, ")) AND ((?%d = 1 AND ref IN (", P_BYID);
	list_placeholders(&sb, P_REF, O311_LIST_MAX);
	sb_printf(&sb, ")) OR (?%d = 0 AND created_at >= ?%d AND created_at <= ?%d AND (?%d = 1 OR category_id IN "
		       "(SELECT id FROM req_categories WHERE code IN (", P_BYID, P_START, P_END, P_ANYCODE);
	list_placeholders(&sb, P_CODE, O311_LIST_MAX);
	sb_printf(&sb, "))) AND ((?%d = 1 AND status NOT IN ('solved','closed')) OR (?%d = 1 AND status IN "
		       "('solved','closed'))))) ORDER BY created_at DESC, id DESC LIMIT ?%d OFFSET ?%d",
		  P_OPEN, P_CLOSED, P_LIMIT, P_OFFSET);
	snprintf(list_sql, sizeof list_sql, "%s", sb_str(&sb));
	sb_free(&sb);
}

static void bind_visibility(store_stmt *st, const struct principal *who)
{
	bool all = who && who->site_admin;
	int k = 0;
	for (int i = 0; who && i < who->ngrants && !all; i++) {
		const struct grant *g = &who->grants[i];
		if (g->role != ROLE_AGENT && g->role != ROLE_ADMIN)
			continue;
		if (g->dept_id == ALL_DEPTS)
			all = true;
		else if (k < O311_VISIBLE_DEPTS)
			store_bind_int(st, P_DEPT + k++, g->dept_id);
	}
	store_bind_int(st, P_ALL, all);
}

static void requests_list(struct req *r, enum o311_format fmt)
{
	struct o311_errors err = {0};
	struct o311_query q;
	if (!o311_parse_query(r->a, &r->query, now_s(), &q, &err)) {
		o311_fail(r, fmt, &err);
		return;
	}
	struct principal *who = o311_caller(r, q.api_key);
	if (q.api_key && !who) {
		o311_fail1(r, fmt, 403, "api_key", "open311.bad_api_key");
		return;
	}
	store *s = o311_db(r, fmt);
	if (!s)
		return;
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, build_list_sql);
	store_stmt *st = store_prepare(s, list_sql);
	if (!st) {
		o311_fail1(r, fmt, 400, NULL, "open311.unavailable");
		return;
	}
	bind_visibility(st, who);
	store_bind_int(st, P_BYID, q.nids > 0);
	for (int i = 0; i < q.nids; i++)
		store_bind_text(st, P_REF + i, q.ids[i]);
	store_bind_int(st, P_START, q.start);
	store_bind_int(st, P_END, q.end);
	store_bind_int(st, P_ANYCODE, q.ncodes == 0);
	for (int i = 0; i < q.ncodes; i++)
		store_bind_text(st, P_CODE + i, q.codes[i]);
	store_bind_int(st, P_OPEN, q.open);
	store_bind_int(st, P_CLOSED, q.closed);
	store_bind_int(st, P_LIMIT, q.page_size);
	store_bind_int(st, P_OFFSET, (int64_t)(q.page - 1) * q.page_size);
	struct request *rows = arena_alloc(r->a, sizeof *rows * (size_t)q.page_size);
	int n = 0;
	while (n < q.page_size && store_step(st) == STORE_ROW)
		request_read_row(st, r->a, &rows[n++]);
	store_done(st);
	struct o311_ctx x;
	ctx_load(r, s, &x, who, q.extensions);
	json_t *list = json_array();
	for (int i = 0; i < n; i++) {
		struct request full;
		/* request_load adds the photos; the row is already known visible */
		const struct request *one = request_load(s, r->a, rows[i].id, &full) ? &full : &rows[i];
		json_array_append_new(list, request_json(r, s, &x, one));
	}
	o311_answer(r, fmt, 200, "service_requests", list);
}

/* ---- GET requests/{id}, tokens/{token} ---- */

static void request_one(struct req *r)
{
	const char *ref;
	enum o311_format fmt;
	if (!o311_split_format(r->a, r->params[0], &ref, &fmt)) {
		o311_fail1(r, O311_XML, 404, NULL, "open311.not_found");
		return;
	}
	const char *api_key = kv_get(&r->query, "api_key");
	api_key = api_key && *api_key ? api_key : NULL;
	struct principal *who = o311_caller(r, api_key);
	if (api_key && !who) {
		o311_fail1(r, fmt, 403, "api_key", "open311.bad_api_key");
		return;
	}
	const char *ext = kv_get(&r->query, "extensions");
	if (ext && *ext && strcmp(ext, "true") && strcmp(ext, "false")) {
		o311_fail1(r, fmt, 400, "extensions", "open311.bad_boolean");
		return;
	}
	store *s = o311_db(r, fmt);
	if (!s)
		return;
	struct request q;
	if (!request_by_ref(s, r->a, ref, &q) || !o311_visible(who, &q)) {
		o311_fail1(r, fmt, 404, "service_request_id", "open311.unknown_request");
		return;
	}
	struct o311_ctx x;
	ctx_load(r, s, &x, who, ext && !strcmp(ext, "true"));
	json_t *list = json_array();
	json_array_append_new(list, request_json(r, s, &x, &q));
	o311_answer(r, fmt, 200, "service_requests", list);
}

/* Requests are created synchronously, so POST never answers with a token; a
 * client that kept one anyway gets the request back for its reference. */
static void token(struct req *r)
{
	const char *tok;
	enum o311_format fmt;
	if (!o311_split_format(r->a, r->params[0], &tok, &fmt)) {
		o311_fail1(r, O311_XML, 404, NULL, "open311.not_found");
		return;
	}
	store *s = o311_db(r, fmt);
	if (!s)
		return;
	struct request q;
	if (!request_by_ref(s, r->a, tok, &q)) {
		o311_fail1(r, fmt, 404, "token", "open311.unknown_token");
		return;
	}
	o311_answer(r, fmt, 200, "service_requests",
		    json_pack("[{s:s,s:s}]", "service_request_id", q.ref, "token", tok));
}

/* ---- POST requests ---- */

/* The Open311 name of an engine form field. */
static const char *o311_field(const char *engine_field)
{
	static const char *const map[][2] = {
		{"category", "service_code"}, {"lat", "lat"}, {"lon", "long"}, {"address", "address_string"},
		{"contact_email", "email"}, {"contact_phone", "phone"}, {"contact_name", "first_name"},
		{"description", "description"},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (!strcmp(map[i][0], engine_field))
			return map[i][1];
	return engine_field;
}

static void requests_create(struct req *r, enum o311_format fmt)
{
	struct o311_errors err = {0};
	struct o311_post p;
	bool valid = o311_parse_post(r->a, &r->form, &p, &err);
	/* The key first: without one, nothing else is judged (403, as the spec says). */
	if (!p.api_key) {
		o311_fail1(r, fmt, 403, "api_key", "open311.api_key_required");
		return;
	}
	struct principal *who = accounts_token_principal(r, p.api_key);
	if (!who || !principal_can(who, ROLE_AGENT, 0)) {
		o311_fail1(r, fmt, 403, "api_key", who ? "open311.api_key_role" : "open311.bad_api_key");
		return;
	}
	if (!valid) {
		o311_fail(r, fmt, &err);
		return;
	}
	store *s = o311_db(r, fmt);
	if (!s)
		return;
	struct category c;
	if (!category_by_code(s, r->a, p.service_code, &c) || !c.active) {
		o311_fail1(r, fmt, 404, "service_code", "open311.unknown_service");
		return;
	}
	int li = lang_index3(r->lang);
	struct request_input in = {
		.kind = "report", .category_code = p.service_code, .channel = "open311", .lang = r->lang,
		.description = p.description ? p.description : c.name[li], .address = p.address_string,
		.lat = p.has_location ? p.lat_text : NULL, .lon = p.has_location ? p.lon_text : NULL,
		.contact_email = p.email, .contact_phone = p.phone, .attrs = p.attrs,
		.on_behalf = true, /* GeoReport makes contact fields optional: the client keeps the citizen */
	};
	if (p.first_name || p.last_name)
		in.contact_name = arena_printf(r->a, "%s%s%s", p.first_name ? p.first_name : "",
					       p.first_name && p.last_name ? " " : "", p.last_name ? p.last_name : "");
	if (p.media_url)
		kv_add(r->a, &in.extra, "media_url", p.media_url);
	if (p.address_id)
		kv_add(r->a, &in.extra, "address_id", p.address_id);
	if (p.device_id)
		kv_add(r->a, &in.extra, "device_id", p.device_id);
	if (p.account_id)
		kv_add(r->a, &in.extra, "account_id", p.account_id);
	kv_add(r->a, &in.extra, "submitted_by", who->name ? who->name : "token");
	struct form_errors fe = {0};
	char ref[16];
	int64_t id = request_create(s, r->a, &in, &fe, ref);
	if (id == 0) {
		for (int i = 0; i < fe.n; i++)
			o311_error_add(&err, 400, arena_strdup(r->a, o311_field(fe.field[i])), fe.key[i]);
		o311_fail(r, fmt, &err);
		return;
	}
	if (id < 0) {
		o311_fail1(r, fmt, 400, NULL, "open311.unavailable");
		return;
	}
	page_cache_bump();
	const char *notice = c.desc[li] && *c.desc[li] ? c.desc[li] : TR(r, "open311.notice_received");
	o311_answer(r, fmt, 200, "service_requests",
		    json_pack("[{s:s,s:s,s:o}]", "service_request_id", ref, "service_notice", notice,
			      "account_id", str_or_null(p.account_id)));
}

/* ---- routing: "/open311/v2/<name>.<format>" ---- */

static void top_get(struct req *r)
{
	const char *name;
	enum o311_format fmt;
	if (!o311_split_format(r->a, r->params[0], &name, &fmt)) {
		o311_fail1(r, O311_XML, 404, NULL, "open311.not_found");
		return;
	}
	if (!strcmp(name, "discovery"))
		discovery(r, fmt);
	else if (!strcmp(name, "services"))
		services(r, fmt);
	else if (!strcmp(name, "requests"))
		requests_list(r, fmt);
	else
		o311_fail1(r, fmt, 404, NULL, "open311.not_found");
}

static void top_post(struct req *r)
{
	const char *name;
	enum o311_format fmt;
	if (!o311_split_format(r->a, r->params[0], &name, &fmt)) {
		o311_fail1(r, O311_XML, 404, NULL, "open311.not_found");
		return;
	}
	if (!strcmp(name, "requests"))
		requests_create(r, fmt);
	else
		o311_fail1(r, fmt, 404, NULL, "open311.not_found");
}

void requests_open311_routes(void)
{
	static const struct route routes[] = {
		{"GET", "/open311/v2/services/:code", service_definition, ACCESS_ANYONE, 0, ROUTE_API,
		 "Open311 service definition (.xml/.json)"},
		{"GET", "/open311/v2/requests/:id", request_one, ACCESS_ANYONE, 0, ROUTE_API, "Open311 one request (.xml/.json)"},
		{"GET", "/open311/v2/tokens/:token", token, ACCESS_ANYONE, 0, ROUTE_API, "Open311 request id from a token"},
		{"GET", "/open311/v2/:file", top_get, ACCESS_ANYONE, 0, ROUTE_API,
		 "Open311 discovery, services, requests (.xml/.json)"},
		{"POST", "/open311/v2/:file", top_post, ACCESS_ANYONE, 0, ROUTE_API | ROUTE_FORM | ROUTE_NO_CSRF,
		 "Open311 create a request (api_key)"},
	};
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		route_add(&routes[i]);
}
