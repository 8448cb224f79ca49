/* Open311 GeoReport v2 argument parsing and validation (see open311_args.h). */
#include "features/requests/open311_args.h"
#include "core/util.h"
#include "http/urlenc.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void o311_error_add(struct o311_errors *err, int status, const char *field, const char *key)
{
	if (err->n < O311_MAX_ERRORS)
		err->e[err->n++] = (struct o311_error){status, field, key};
}

/* The first non-empty value of name, or NULL (empty = absent, per the spec). */
static const char *opt(const struct kvlist *l, const char *name)
{
	for (int i = 0; i < l->n; i++)
		if (!strcmp(l->items[i].name, name) && l->items[i].value[0])
			return l->items[i].value;
	return NULL;
}

/* A text argument: at most max characters, single line unless multiline. */
static const char *text_arg(const struct kvlist *l, const char *name, size_t max, bool multiline,
			    struct o311_errors *err)
{
	const char *v = opt(l, name);
	if (!v)
		return NULL;
	if (!utf8_valid_text(v, strlen(v)))
		o311_error_add(err, 400, name, "open311.bad_text");
	else if (utf8_length(v) > max)
		o311_error_add(err, 400, name, "open311.too_long");
	else if (!multiline && strpbrk(v, "\r\n"))
		o311_error_add(err, 400, name, "open311.bad_text");
	else
		return v;
	return NULL;
}

static bool parse_coord(const char *v, double min, double max, double *out)
{
	/* Plain decimal only: no hex floats, inf/nan, or leading spaces strtod allows. */
	if (!v || !*v || strspn(v, "+-0123456789.eE") != strlen(v))
		return false;
	char *end;
	double d = strtod(v, &end);
	if (*end || !isfinite(d) || d < min || d > max)
		return false;
	*out = d;
	return true;
}

/* "attribute[code]" or "attribute[code][]": the code (arena), NULL when the
 * name is not an attribute; *bad set when it looks like one but is malformed. */
static const char *attribute_code(arena *a, const char *name, bool *bad)
{
	*bad = false;
	if (strncmp(name, "attribute", 9) != 0)
		return NULL;
	const char *p = name + 9;
	if (*p != '[')
		return NULL; /* another parameter ("attributes", ...): not ours to judge */
	p++;
	size_t n = strcspn(p, "[]");
	if (n == 0 || n > O311_CODE_MAX || p[n] != ']') {
		*bad = true;
		return NULL;
	}
	const char *rest = p + n + 1;
	if (*rest && strcmp(rest, "[]") != 0) {
		*bad = true;
		return NULL;
	}
	return arena_strndup(a, p, n);
}

bool o311_parse_post(arena *a, const struct kvlist *form, struct o311_post *out, struct o311_errors *err)
{
	memset(out, 0, sizeof *out);
	out->api_key = opt(form, "api_key");
	out->jurisdiction_id = opt(form, "jurisdiction_id");
	out->service_code = text_arg(form, "service_code", O311_CODE_MAX, false, err);
	if (!out->service_code && !opt(form, "service_code"))
		o311_error_add(err, 400, "service_code", "open311.service_code_required");

	out->lat_text = opt(form, "lat");
	out->lon_text = opt(form, "long");
	if (out->lat_text || out->lon_text) {
		bool ok = true;
		if (!parse_coord(out->lat_text, -90, 90, &out->lat)) {
			o311_error_add(err, 400, "lat", "open311.bad_lat");
			ok = false;
		}
		if (!parse_coord(out->lon_text, -180, 180, &out->lon)) {
			o311_error_add(err, 400, "long", "open311.bad_long");
			ok = false;
		}
		out->has_location = ok;
	}
	out->address_string = text_arg(form, "address_string", 300, false, err);
	out->address_id = text_arg(form, "address_id", 100, false, err);
	if (!out->lat_text && !out->lon_text && !opt(form, "address_string") && !opt(form, "address_id"))
		o311_error_add(err, 400, "location", "open311.location_required");

	out->email = text_arg(form, "email", 254, false, err);
	out->device_id = text_arg(form, "device_id", 200, false, err);
	out->account_id = text_arg(form, "account_id", 200, false, err);
	out->first_name = text_arg(form, "first_name", 100, false, err);
	out->last_name = text_arg(form, "last_name", 100, false, err);
	out->phone = text_arg(form, "phone", 40, false, err);
	out->description = text_arg(form, "description", O311_DESC_MAX, true, err);
	out->media_url = text_arg(form, "media_url", O311_FIELD_MAX, false, err);
	if (out->media_url && strncmp(out->media_url, "http://", 7) && strncmp(out->media_url, "https://", 8)) {
		o311_error_add(err, 400, "media_url", "open311.bad_media_url");
		out->media_url = NULL;
	}

	for (int i = 0; i < form->n; i++) {
		bool bad;
		const char *code = attribute_code(a, form->items[i].name, &bad);
		if (bad) {
			o311_error_add(err, 400, arena_strdup(a, form->items[i].name), "open311.bad_attribute");
			continue;
		}
		if (!code || !form->items[i].value[0])
			continue;
		if (utf8_length(form->items[i].value) > O311_FIELD_MAX) {
			o311_error_add(err, 400, arena_printf(a, "attribute[%s]", code), "open311.too_long");
			continue;
		}
		kv_add(a, &out->attrs, code, form->items[i].value);
	}
	return err->n == 0;
}

/* Splits a comma list into non-empty trimmed items; false when over max. */
static bool split_list(arena *a, const struct kvlist *q, const char *name, const char ***items, int *n, int max)
{
	*items = NULL;
	*n = 0;
	int cap = 0;
	for (int i = 0; i < q->n; i++) {
		if (strcmp(q->items[i].name, name))
			continue;
		const char *p = q->items[i].value;
		while (*p) {
			size_t len = strcspn(p, ",");
			const char *s = p;
			size_t l = len;
			while (l && (*s == ' ' || *s == '\t')) {
				s++;
				l--;
			}
			while (l && (s[l - 1] == ' ' || s[l - 1] == '\t'))
				l--;
			if (l) {
				if (*n >= max)
					return false;
				if (*n == cap) {
					int ncap = cap ? cap * 2 : 8;
					const char **grown = arena_alloc(a, sizeof *grown * (size_t)ncap);
					if (*n)
						memcpy(grown, *items, sizeof *grown * (size_t)*n);
					*items = grown;
					cap = ncap;
				}
				(*items)[(*n)++] = arena_strndup(a, s, l);
			}
			p += len;
			if (*p == ',')
				p++;
		}
	}
	return true;
}

/* A W3C datetime with a zone, or a bare date (midnight UTC). */
static bool w3c_datetime(const char *s, int64_t *out)
{
	char buf[40];
	size_t n = strlen(s);
	if (n == 10) {
		snprintf(buf, sizeof buf, "%sT00:00:00Z", s);
		s = buf;
		n = strlen(s);
	}
	if (n < 17 || n > 30 || s[10] != 'T')
		return false;
	bool zoned = s[n - 1] == 'Z' || (n > 16 && (s[n - 6] == '+' || s[n - 6] == '-') && s[n - 3] == ':');
	time_t t;
	if (!zoned || !parse_datetime(s, &t))
		return false;
	*out = (int64_t)t;
	return true;
}

static bool int_arg(const struct kvlist *q, const char *name, int64_t min, int64_t max, int64_t dflt, int64_t *out,
		    struct o311_errors *err)
{
	const char *v = opt(q, name);
	*out = dflt;
	if (!v)
		return true;
	if (!parse_int64(v, min, max, out)) {
		o311_error_add(err, 400, name, "open311.bad_integer");
		*out = dflt;
		return false;
	}
	return true;
}

bool o311_parse_query(arena *a, const struct kvlist *q, int64_t now, struct o311_query *out, struct o311_errors *err)
{
	memset(out, 0, sizeof *out);
	out->api_key = opt(q, "api_key");
	if (!split_list(a, q, "service_request_id", &out->ids, &out->nids, O311_LIST_MAX))
		o311_error_add(err, 400, "service_request_id", "open311.list_too_long");
	if (!split_list(a, q, "service_code", &out->codes, &out->ncodes, O311_LIST_MAX))
		o311_error_add(err, 400, "service_code", "open311.list_too_long");

	const char *sd = opt(q, "start_date"), *ed = opt(q, "end_date");
	int64_t start = 0, end = 0;
	bool ok_s = !sd || w3c_datetime(sd, &start), ok_e = !ed || w3c_datetime(ed, &end);
	if (!ok_s)
		o311_error_add(err, 400, "start_date", "open311.bad_date");
	if (!ok_e)
		o311_error_add(err, 400, "end_date", "open311.bad_date");
	if (ok_s && ok_e) {
		if (!sd && !ed) {
			end = now;
			start = now - O311_SPAN_MAX;
		} else if (!ed) {
			end = start + O311_SPAN_MAX;
		} else if (!sd) {
			start = end - O311_SPAN_MAX;
		}
		if (start > end)
			o311_error_add(err, 400, "start_date", "open311.date_order");
		else if (end - start > O311_SPAN_MAX)
			o311_error_add(err, 400, "end_date", "open311.date_span");
		out->start = start;
		out->end = end;
	}

	const char **st;
	int nst;
	if (!split_list(a, q, "status", &st, &nst, 4)) {
		o311_error_add(err, 400, "status", "open311.bad_status");
	} else {
		for (int i = 0; i < nst; i++) {
			if (!strcmp(st[i], "open"))
				out->open = true;
			else if (!strcmp(st[i], "closed"))
				out->closed = true;
			else {
				o311_error_add(err, 400, "status", "open311.bad_status");
				break;
			}
		}
		if (nst == 0)
			out->open = out->closed = true;
	}

	int64_t page, size;
	int_arg(q, "page", 1, 1000000, 1, &page, err);
	int_arg(q, "page_size", 1, O311_PAGE_SIZE_MAX, O311_PAGE_SIZE_MAX, &size, err);
	out->page = (int)page;
	out->page_size = (int)size;
	const char *ext = opt(q, "extensions");
	if (ext && strcmp(ext, "true") && strcmp(ext, "false"))
		o311_error_add(err, 400, "extensions", "open311.bad_boolean");
	out->extensions = ext && !strcmp(ext, "true");
	return err->n == 0;
}

bool o311_split_format(arena *a, const char *segment, const char **name, enum o311_format *fmt)
{
	const char *dot = strrchr(segment, '.');
	if (!dot || dot == segment)
		return false;
	if (!strcmp(dot, ".json"))
		*fmt = O311_JSON;
	else if (!strcmp(dot, ".xml"))
		*fmt = O311_XML;
	else
		return false;
	*name = arena_strndup(a, segment, (size_t)(dot - segment));
	return true;
}

bool o311_parse_text(arena *a, const char *s, size_t n, bool post, int64_t now, struct o311_post *p,
		     struct o311_query *q, struct o311_errors *err)
{
	struct kvlist l = {0};
	if (urlenc_parse(a, s, n, &l, 200, 64 * 1024) != URLENC_OK) {
		o311_error_add(err, 400, "body", "open311.bad_body");
		return false;
	}
	return post ? o311_parse_post(a, &l, p, err) : o311_parse_query(a, &l, now, q, err);
}
