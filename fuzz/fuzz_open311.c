/* libFuzzer harness: Open311 GeoReport v2 argument parsing and validation
 * (src/features/requests/open311_args.c) — the POST requests body, the GET
 * requests query and the "name.format" path segment. Checks the documented
 * contracts, not just crashes: success means no error was recorded; every
 * accepted value respects its limit and is valid UTF-8 text; coordinates are
 * in range; the date window is ordered and at most 90 days; pages in bounds. */
#include "core/arena.h"
#include "core/util.h"
#include "features/requests/open311_args.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_text(const char *s, size_t max_chars)
{
	if (!s)
		return;
	if (!*s || !utf8_valid_text(s, strlen(s)) || utf8_length(s) > max_chars)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	arena *a = arena_new();
	const int64_t now = 1780000000;

	struct o311_errors err = {0};
	struct o311_post p;
	bool ok = o311_parse_text(a, s, size, true, now, &p, NULL, &err);
	if (ok != (err.n == 0) || err.n > O311_MAX_ERRORS)
		abort();
	for (int i = 0; i < err.n; i++)
		if (err.e[i].status != 400 || !err.e[i].key)
			abort();
	if (ok) {
		if (!p.service_code || (!p.has_location && !p.address_string && !p.address_id))
			abort();
		if (p.has_location && (p.lat < -90 || p.lat > 90 || p.lon < -180 || p.lon > 180))
			abort();
		check_text(p.description, O311_DESC_MAX);
		check_text(p.service_code, O311_CODE_MAX);
		check_text(p.media_url, O311_FIELD_MAX);
		if (p.media_url && strncmp(p.media_url, "http://", 7) && strncmp(p.media_url, "https://", 8))
			abort();
		for (int i = 0; i < p.attrs.n; i++) {
			size_t n = strlen(p.attrs.items[i].name);
			if (n == 0 || n > O311_CODE_MAX || strpbrk(p.attrs.items[i].name, "[]"))
				abort();
			check_text(p.attrs.items[i].value, O311_FIELD_MAX);
		}
	}

	struct o311_errors qerr = {0};
	struct o311_query q;
	ok = o311_parse_text(a, s, size, false, now, NULL, &q, &qerr);
	if (ok != (qerr.n == 0))
		abort();
	if (ok) {
		if (q.start > q.end || q.end - q.start > O311_SPAN_MAX || q.page < 1 || q.page_size < 1 ||
		    q.page_size > O311_PAGE_SIZE_MAX || !(q.open || q.closed) || q.nids > O311_LIST_MAX ||
		    q.ncodes > O311_LIST_MAX)
			abort();
		for (int i = 0; i < q.nids; i++)
			if (!q.ids[i][0] || strchr(q.ids[i], ','))
				abort();
	}

	/* the path segment, up to the first NUL */
	char *seg = malloc(size + 1);
	memcpy(seg, data, size);
	seg[size] = 0;
	const char *name;
	enum o311_format fmt;
	if (o311_split_format(a, seg, &name, &fmt)) {
		size_t n = strlen(name);
		if (!n || (fmt != O311_JSON && fmt != O311_XML) || strncmp(seg, name, n))
			abort();
	}
	free(seg);
	arena_free(a);
	return 0;
}
