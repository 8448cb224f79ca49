/* application/x-www-form-urlencoded: the parser for query strings and form
 * bodies, and the encoder for building links. Untrusted input: limits apply. */
#ifndef MAJLIS_HTTP_URLENC_H
#define MAJLIS_HTTP_URLENC_H
#include <stddef.h>
#include "core/arena.h"
#include "http/kv.h"

enum urlenc_status {
	URLENC_OK = 0,
	URLENC_BAD_ESCAPE,    /* '%' not followed by two hex digits */
	URLENC_BAD_UTF8,      /* a name or value is not valid UTF-8 text */
	URLENC_TOO_MANY,      /* more than max_fields pairs */
	URLENC_TOO_LONG,      /* a name over 64 bytes or a value over max_value bytes */
};

/* Parses s[0..n) into pairs appended to out (strings in a). On any error
 * out may hold the pairs before the bad one; callers reject the whole input. */
enum urlenc_status urlenc_parse(arena *a, const char *s, size_t n, struct kvlist *out,
				int max_fields, size_t max_value);
/* Percent-decodes s[0..n) into a new arena string ('+' kept as '+', for paths).
 * Returns NULL on a bad escape or when the result is not valid UTF-8 text. */
char *url_decode_path(arena *a, const char *s, size_t n);
/* Percent-encodes s for a query value or path segment (unreserved kept). */
char *url_encode(arena *a, const char *s);

#endif
