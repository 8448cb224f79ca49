/* libFuzzer harness: application/x-www-form-urlencoded parsing, path decoding and
 * encoding (src/http/urlenc.c). Checks the documented contracts, not just crashes:
 * limits hold, every parsed name and value is valid UTF-8 text, and decoding what
 * url_encode produced gives back the original. */
#include "core/arena.h"
#include "core/util.h"
#include "http/kv.h"
#include "http/urlenc.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 8
#define MAX_VALUE 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	arena *a = arena_new();

	struct kvlist l = {0};
	enum urlenc_status st = urlenc_parse(a, s, size, &l, MAX_FIELDS, MAX_VALUE);
	if (st < URLENC_OK || st > URLENC_TOO_LONG)
		abort();
	if (l.n > MAX_FIELDS)
		abort();
	for (int i = 0; i < l.n; i++) {
		size_t nl = strlen(l.items[i].name), vl = strlen(l.items[i].value);
		if (nl > 64 || vl > MAX_VALUE)
			abort();
		if (!utf8_valid_text(l.items[i].name, nl) || !utf8_valid_text(l.items[i].value, vl))
			abort();
		if (kv_get(&l, l.items[i].name) == NULL)
			abort();
	}

	char *path = url_decode_path(a, s, size);
	if (path) {
		size_t pl = strlen(path);
		if (pl > size || !utf8_valid_text(path, pl))
			abort();
		/* Round trip: encode the decoded text, decode it again. */
		char *enc = url_encode(a, path);
		if (strspn(enc, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~%") != strlen(enc))
			abort();
		char *back = url_decode_path(a, enc, strlen(enc));
		if (!back || strcmp(back, path))
			abort();
		/* And as a form value. */
		char *form = arena_printf(a, "k=%s", enc);
		struct kvlist f = {0};
		if (urlenc_parse(a, form, strlen(form), &f, 2, size + 1) != URLENC_OK || f.n != 1 ||
		    strcmp(f.items[0].value, path))
			abort();
	}

	/* url_encode on the raw input (up to its first NUL). */
	char *z = malloc(size + 1);
	memcpy(z, data, size);
	z[size] = 0;
	char *enc = url_encode(a, z);
	if (strlen(enc) > 3 * strlen(z))
		abort();
	free(z);

	arena_free(a);
	return 0;
}
