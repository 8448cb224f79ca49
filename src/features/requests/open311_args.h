/* Open311 GeoReport v2 arguments: the pure part of the Open311 endpoint.
 * Parses and validates the urlencoded body of POST requests.{fmt} and the query
 * of GET requests.{fmt}, and splits "name.format" path segments — no HTTP, no
 * database, no global state, so that fuzz/fuzz_open311.c can drive it alone.
 * What needs the database (does the service exist, are its attributes valid,
 * is the api_key a token) is checked afterwards by open311.c and the engine. */
#ifndef MAJLIS_REQUESTS_OPEN311_ARGS_H
#define MAJLIS_REQUESTS_OPEN311_ARGS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/arena.h"
#include "http/kv.h"

#define O311_DESC_MAX 4000      /* characters, per the spec */
#define O311_FIELD_MAX 1000     /* characters, every other text argument */
#define O311_CODE_MAX 64        /* bytes of an attribute code */
#define O311_LIST_MAX 100       /* items of a comma list (service_request_id, service_code) */
#define O311_PAGE_SIZE_MAX 1000 /* the spec's default (and our largest) page */
#define O311_SPAN_MAX (90 * 86400) /* the spec's 90-day window */
#define O311_MAX_ERRORS 8

enum o311_format { O311_XML, O311_JSON };

/* One error of the spec's error list. status is the HTTP status (400 here);
 * field names the argument; key is a catalog key (open311.*) for the text. */
struct o311_error {
	int status;
	const char *field;
	const char *key;
};

struct o311_errors {
	struct o311_error e[O311_MAX_ERRORS];
	int n;
};

/* Records an error (ignored past O311_MAX_ERRORS). field and key are stored
 * as given (static strings or arena-owned). */
void o311_error_add(struct o311_errors *err, int status, const char *field, const char *key);

/* POST requests: every field arena-owned or NULL when absent or empty (the
 * spec's "optional" rule: an empty parameter is no parameter). */
struct o311_post {
	const char *api_key, *jurisdiction_id, *service_code;
	const char *lat_text, *lon_text;  /* as sent, when has_location */
	bool has_location;
	double lat, lon;
	const char *address_string, *address_id;
	const char *email, *device_id, *account_id, *first_name, *last_name, *phone;
	const char *description, *media_url;
	struct kvlist attrs;              /* attribute code -> value; one pair per value of a multivaluelist */
};

/* Validates form into out. Rules: service_code required; a location is
 * required (lat and long together, both in range, or address_string, or
 * address_id); description at most O311_DESC_MAX characters; other texts at
 * most O311_FIELD_MAX characters and single-line (description may break
 * lines); attribute[code] and attribute[code][] with 1..O311_CODE_MAX bytes
 * of code without brackets; media_url http(s) only. Every violation goes to
 * err (400). Returns err->n == 0. Strings must be valid UTF-8 text already
 * (the urlencoded parser guarantees it). */
bool o311_parse_post(arena *a, const struct kvlist *form, struct o311_post *out, struct o311_errors *err);

/* GET requests: filters after the spec's defaults were applied. */
struct o311_query {
	const char **ids;       /* service_request_id list (overrides the other filters) */
	int nids;
	const char **codes;     /* service_code list; 0 = every service */
	int ncodes;
	int64_t start, end;     /* requested_datetime window, inclusive, UTC seconds */
	bool open, closed;      /* statuses wanted (both when status is absent) */
	int page, page_size;    /* extension: 1-based page of page_size (default 1 / 1000) */
	bool extensions;        /* extension: extensions=true adds the "notes" of each request */
	const char *api_key;
};

/* Validates q into out; now is the current time (UTC seconds). Rules:
 * start_date / end_date are W3C datetimes with a zone (or a bare date, taken
 * as midnight UTC); when neither is given the window is the last 90 days,
 * when one is given the other is 90 days away from it; start after end or a
 * span over 90 days is an error; status is a comma list of open/closed;
 * page >= 1, 1 <= page_size <= O311_PAGE_SIZE_MAX; lists hold at most
 * O311_LIST_MAX non-empty items. Errors go to err (400). */
bool o311_parse_query(arena *a, const struct kvlist *q, int64_t now, struct o311_query *out, struct o311_errors *err);

/* Splits a last path segment "name.json" / "name.xml" into the name (arena)
 * and the format. False (nothing written) when the extension is neither or the
 * name is empty. */
bool o311_split_format(arena *a, const char *segment, const char **name, enum o311_format *fmt);

/* Convenience for the fuzz harness and tests: parses s[0..n) as
 * application/x-www-form-urlencoded (limits as the server's) then calls
 * o311_parse_post (post true) or o311_parse_query. A body the urlencoded
 * parser rejects gives one error with field "body". */
bool o311_parse_text(arena *a, const char *s, size_t n, bool post, int64_t now, struct o311_post *p,
		     struct o311_query *q, struct o311_errors *err);

#endif
