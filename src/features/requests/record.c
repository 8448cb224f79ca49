/* Creating and loading requests; private-link tokens; access rules. */
#include "features/requests/requests.h"
#include "features/requests/internal.h"
#include "features/accounts/accounts.h"
#include "http/csrf.h"
#include "features/search/search.h"
#include "features/insight/insight.h"
#include "text/simhash.h"
#include "core/util.h"
#include <math.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

void request_token(int64_t id, char out[65])
{
	char msg[40];
	snprintf(msg, sizeof msg, "request:%lld", (long long)id);
	site_mac(msg, out);
}

bool request_token_ok(int64_t id, const char *token)
{
	if (!token || strlen(token) != 64)
		return false;
	char want[65];
	request_token(id, want);
	return sodium_memcmp(want, token, 64) == 0;
}

/* A short reference citizens can read over the phone: R- and 7 characters
 * without look-alikes (no 0/O, 1/I/L). */
static void new_ref(char out[16])
{
	static const char alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
	unsigned char rnd[7];
	randombytes_buf(rnd, sizeof rnd);
	out[0] = 'R';
	out[1] = '-';
	for (int i = 0; i < 7; i++)
		out[2 + i] = alphabet[rnd[i] % (sizeof alphabet - 1)];
	out[9] = 0;
}

#define REQ_COLS "id, ref, category_id, dept_id, kind, channel, status, priority, description, lat, lon, address, " \
		 "user_id, contact_name, contact_email, contact_phone, lang, public, attributes, assignee_id, merged_into, " \
		 "overdue, due_sort, first_response_at, solved_at, closed_at, rating, rating_comment, created_at, updated_at"

void request_read_row(store_stmt *st, arena *a, struct request *r)
{
	memset(r, 0, sizeof *r);
	r->id = store_int(st, 0);
	r->ref = arena_strdup(a, store_text(st, 1));
	r->category_id = store_int(st, 2);
	r->dept_id = store_int(st, 3);
	r->kind = arena_strdup(a, store_text(st, 4));
	r->channel = arena_strdup(a, store_text(st, 5));
	req_status_parse(store_text(st, 6), &r->status);
	req_priority_parse(store_text(st, 7), &r->priority);
	r->description = arena_strdup(a, store_text(st, 8));
	r->has_location = !store_is_null(st, 9);
	r->lat = store_double(st, 9);
	r->lon = store_double(st, 10);
	r->address = arena_strdup(a, store_text(st, 11));
	r->user_id = store_int(st, 12);
	r->contact_name = arena_strdup(a, store_text(st, 13));
	r->contact_email = arena_strdup(a, store_text(st, 14));
	r->contact_phone = arena_strdup(a, store_text(st, 15));
	r->lang = arena_strdup(a, store_text(st, 16));
	r->public = store_int(st, 17) != 0;
	r->attributes = arena_strdup(a, store_text(st, 18));
	r->assignee_id = store_int(st, 19);
	r->merged_into = store_int(st, 20);
	r->overdue = store_int(st, 21) != 0;
	int64_t due = store_int(st, 22);
	r->next_due_at = due == INT64_MAX ? 0 : due;
	r->first_response_at = store_int(st, 23);
	r->solved_at = store_int(st, 24);
	r->closed_at = store_int(st, 25);
	r->rating = (int)store_int(st, 26);
	r->rating_comment = arena_strdup(a, store_text(st, 27));
	r->created_at = store_int(st, 28);
	r->updated_at = store_int(st, 29);
}

const char *request_columns(void) { return REQ_COLS; }

static void load_photos(store *s, arena *a, struct request *r)
{
	r->photos = arena_alloc(a, sizeof *r->photos * (REQ_PHOTOS_MAX + 1));
	store_stmt *st = store_prepare(s, "SELECT media FROM request_photos WHERE request_id = ? ORDER BY ord");
	if (!st)
		return;
	store_bind_int(st, 1, r->id);
	while (r->nphotos < REQ_PHOTOS_MAX && store_step(st) == STORE_ROW)
		r->photos[r->nphotos++] = arena_strdup(a, store_text(st, 0));
	store_done(st);
}

static bool load_where(store *s, arena *a, struct request *r, const char *sql, int64_t id, const char *ref)
{
	store_stmt *st = store_prepare(s, sql);
	if (!st)
		return false;
	if (ref)
		store_bind_text(st, 1, ref);
	else
		store_bind_int(st, 1, id);
	bool found = store_step(st) == STORE_ROW;
	if (found)
		request_read_row(st, a, r);
	store_done(st);
	if (found)
		load_photos(s, a, r);
	return found;
}

bool request_load(store *s, arena *a, int64_t id, struct request *r)
{
	return load_where(s, a, r, "SELECT " REQ_COLS " FROM requests WHERE id = ?", id, NULL);
}

bool request_by_ref(store *s, arena *a, const char *ref, struct request *r)
{
	return ref && load_where(s, a, r, "SELECT " REQ_COLS " FROM requests WHERE ref = ?", 0, ref);
}

/* ---- validation ---- */

static bool parse_coord(const char *v, double min, double max, double *out)
{
	if (!v || !*v)
		return false;
	char *end;
	double d = strtod(v, &end);
	if (*end || !isfinite(d) || d < min || d > max)
		return false;
	*out = d;
	return true;
}

static bool is_single_line(const char *v)
{
	return !strpbrk(v, "\r\n");
}

/* Validates attribute values against the category; builds the JSON object. */
static char *check_attributes(arena *a, const struct category *c, const struct kvlist *attrs,
			      const struct kvlist *extra, struct form_errors *e)
{
	json_t *obj = json_object();
	for (int i = 0; i < attrs->n; i++) {
		bool known = false;
		for (int k = 0; k < c->nattrs; k++)
			known |= !strcmp(c->attrs[k].code, attrs->items[i].name);
		if (!known)
			form_error(e, arena_printf(a, "attribute[%s]", attrs->items[i].name), "request.attr_unknown");
	}
	for (int k = 0; k < c->nattrs; k++) {
		const struct attribute *at = &c->attrs[k];
		const char *field = arena_printf(a, "attribute[%s]", at->code);
		int count = 0;
		json_t *multi = json_array();
		const char *single = NULL;
		bool bad = false;
		for (int i = 0; i < attrs->n; i++) {
			if (strcmp(attrs->items[i].name, at->code))
				continue;
			const char *v = attrs->items[i].value;
			if (!*v)
				continue;
			count++;
			if (utf8_length(v) > REQ_ATTR_VALUE_MAX) {
				bad = true;
				continue;
			}
			if (!strcmp(at->datatype, "number")) {
				char *end;
				double d = strtod(v, &end);
				bad |= *end || !isfinite(d);
			} else if (!strcmp(at->datatype, "datetime")) {
				time_t t;
				bad |= !parse_datetime(v, &t);
			} else if (!strcmp(at->datatype, "string")) {
				bad |= !is_single_line(v);
			} else if (!strcmp(at->datatype, "singlevaluelist") || !strcmp(at->datatype, "multivaluelist")) {
				bool listed = false;
				for (int j = 0; j < at->nvalues; j++)
					listed |= !strcmp(at->values[j].key, v);
				bad |= !listed;
			}
			if (!strcmp(at->datatype, "multivaluelist"))
				json_array_append_new(multi, json_string(v));
			else
				single = v;
		}
		if (count > 1 && strcmp(at->datatype, "multivaluelist"))
			bad = true;
		if (bad)
			form_error(e, field, "request.attr_invalid");
		else if (at->required && count == 0)
			form_error(e, field, "form.required");
		else if (!strcmp(at->datatype, "multivaluelist") && count)
			json_object_set(obj, at->code, multi);
		else if (single)
			json_object_set_new(obj, at->code, json_string(single));
		json_decref(multi);
	}
	if (extra && extra->n) {
		json_t *x = json_object();
		for (int i = 0; i < extra->n; i++)
			json_object_set_new(x, extra->items[i].name, json_string(extra->items[i].value));
		json_object_set_new(obj, "_extra", x);
	}
	char *text = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(obj);
	char *out = arena_strdup(a, text ? text : "{}");
	free(text);
	return out;
}

int64_t request_create(store *s, arena *a, const struct request_input *in, struct form_errors *e, char ref_out[16])
{
	struct category cat;
	const char *kind = in->kind && *in->kind ? in->kind : "report";
	if (!req_kind_valid(kind))
		form_error(e, "kind", "form.invalid_choice");
	bool have_cat = category_by_code(s, a, in->category_code, &cat) && cat.active;
	if (!have_cat)
		form_error(e, "category", in->category_code && *in->category_code ? "request.unknown_category" : "form.required");
	size_t dlen = in->description ? utf8_length(in->description) : 0;
	if (dlen == 0 || (in->description && strspn(in->description, " \t\r\n") == strlen(in->description)))
		form_error(e, "description", "form.required");
	else if (dlen > REQ_DESC_MAX)
		form_error(e, "description", "form.too_long");
	double lat = 0, lon = 0;
	bool has_loc = (in->lat && *in->lat) || (in->lon && *in->lon);
	if (has_loc) {
		if (!parse_coord(in->lat, -90, 90, &lat))
			form_error(e, "lat", "request.bad_lat");
		if (!parse_coord(in->lon, -180, 180, &lon))
			form_error(e, "lon", "request.bad_lon");
	}
	const char *address = in->address && *in->address ? in->address : NULL;
	if (address && (utf8_length(address) > 300 || !is_single_line(address)))
		form_error(e, "address", "form.too_long");
	const char *name = in->contact_name && *in->contact_name ? in->contact_name : NULL;
	if (name && (utf8_length(name) > 100 || !is_single_line(name)))
		form_error(e, "contact_name", "form.too_long");
	const char *email = NULL, *phone = NULL;
	bool is_email;
	if (in->contact_email && *in->contact_email) {
		email = login_normalize(a, in->contact_email, &is_email);
		if (!email || !is_email)
			form_error(e, "contact_email", "reset.bad_email");
	}
	if (in->contact_phone && *in->contact_phone) {
		phone = login_normalize(a, in->contact_phone, &is_email);
		if (!phone || is_email)
			form_error(e, "contact_phone", "request.bad_phone");
	}
	if (!in->user_id && !in->on_behalf && !email && !phone && !form_error_for(e, "contact_email") &&
	    !form_error_for(e, "contact_phone"))
		form_error(e, "contact_email", "request.contact_needed");
	const char *lang = lang_supported(in->lang) ? in->lang : "ar";
	enum req_priority prio = RP_NORMAL;
	if (in->priority && *in->priority && !req_priority_parse(in->priority, &prio))
		form_error(e, "priority", "form.invalid_choice");
	if (in->nphotos > REQ_PHOTOS_MAX)
		form_error(e, "photos", "request.too_many_photos");
	char *attrs = have_cat ? check_attributes(a, &cat, &in->attrs, &in->extra, e) : "{}";
	if (e->n)
		return 0;

	int64_t now = now_s();
	if (!store_begin(s))
		return -1;
	int64_t id = -1;
	for (int attempt = 0; attempt < 5 && id < 0; attempt++) {
		new_ref(ref_out);
		store_stmt *st = store_prepare(s,
			"INSERT INTO requests(ref, category_id, dept_id, kind, channel, status, priority, description, lat, lon,"
			" address, user_id, contact_name, contact_email, contact_phone, lang, public, attributes, simhash,"
			" created_at, updated_at) VALUES (?,?,?,?,?,'new',?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id");
		if (!st)
			goto fail;
		int k = 1;
		store_bind_text(st, k++, ref_out);
		store_bind_int(st, k++, cat.id);
		store_bind_int(st, k++, cat.dept_id);
		store_bind_text(st, k++, kind);
		store_bind_text(st, k++, in->channel ? in->channel : "web");
		store_bind_text(st, k++, req_priority_names[prio]);
		store_bind_text(st, k++, in->description);
		if (has_loc) {
			store_bind_double(st, k++, lat);
			store_bind_double(st, k++, lon);
		} else {
			k += 2;
		}
		store_bind_text(st, k++, address);
		if (in->user_id)
			store_bind_int(st, k, in->user_id);
		k++;
		store_bind_text(st, k++, name);
		store_bind_text(st, k++, email);
		store_bind_text(st, k++, phone);
		store_bind_text(st, k++, lang);
		store_bind_int(st, k++, cat.public);
		store_bind_text(st, k++, attrs);
		store_bind_int(st, k++, (int64_t)text_simhash(in->description, strlen(in->description)));
		store_bind_int(st, k++, now);
		store_bind_int(st, k++, now);
		int rc = store_step(st);
		if (rc == STORE_ROW)
			id = store_int(st, 0);
		while (rc == STORE_ROW)
			rc = store_step(st);
		store_done(st);
		if (id < 0 && !store_constraint_error(s))
			goto fail; /* not a reference collision */
	}
	if (id < 0)
		goto fail;
	for (int i = 0; i < in->nphotos; i++)
		if (store_run(s, "INSERT INTO request_photos(request_id, media, ord) VALUES (?, ?, ?)", "iti", id, in->photos[i],
			      (int64_t)i) != 1)
			goto fail;
	struct actor by = {in->user_id, name ? name : "", false};
	if (!request_event_add(s, id, &by, "created", true, NULL, NULL) || !sla_start(s, id, cat.id, prio, now) ||
	    !request_reindex(s, id) ||
	    !request_notify(s, a, id, "created", NULL))
		goto fail;
	struct insight_msg im = {.source = "request", .source_id = id, .dept_id = cat.dept_id, .category_id = cat.id,
				 .channel = in->channel ? in->channel : "web", .text = in->description,
				 .lat = lat, .lon = lon, .has_location = has_loc, .at = now};
	if (!insight_record(s, &im))
		goto fail;
	if (!store_commit(s))
		goto fail;
	return id;
fail:
	store_rollback(s);
	return -1;
}

/* ---- access ---- */

bool request_staff_can(const struct principal *p, const struct request *r, enum role role)
{
	return principal_can(p, role, r->dept_id);
}

bool request_can_see_private(const struct principal *p, const struct request *r)
{
	return request_staff_can(p, r, ROLE_AGENT);
}

bool request_is_author(const struct principal *p, const struct request *r, const char *token)
{
	if (p && !p->via_token && r->user_id && p->user_id == r->user_id)
		return true;
	return request_token_ok(r->id, token);
}

bool request_can_view(store *s, const struct principal *p, const struct request *r, const char *token)
{
	(void)s;
	if (r->public)
		return true;
	return request_staff_can(p, r, ROLE_AGENT) || request_is_author(p, r, token);
}

bool request_reindex(store *s, int64_t id)
{
	arena *a = arena_new();
	struct request r;
	bool ok = true;
	if (request_load(s, a, id, &r)) {
		struct category c;
		const char *cname = category_get(s, a, r.category_id, &c) ? c.name[lang_index3(r.lang)] : "";
		struct search_doc d = {.type = "request", .id = r.id, .dept_id = r.dept_id, .visibility = SEARCH_STAFF,
				       .lang = r.lang, .title = arena_printf(a, "%s — %s", r.ref, cname),
				       .body = r.description, .url = arena_printf(a, "/staff/requests/%lld", (long long)r.id),
				       .at = r.created_at};
		ok = search_put(s, &d);
	}
	arena_free(a);
	return ok;
}
