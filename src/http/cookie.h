/* The Cookie request header (RFC 6265 section 5.4 "cookie-string"). */
#ifndef MAJLIS_HTTP_COOKIE_H
#define MAJLIS_HTTP_COOKIE_H
#include <stddef.h>
#include "core/arena.h"
#include "http/kv.h"

/* Parses "a=1; b=2" into out (strings in a). Pairs without '=' or with names or
 * values that are not cookie-octets are skipped; at most 32 pairs and 4096 bytes
 * per value are kept. Never fails. */
void cookie_parse(arena *a, const char *header, size_t n, struct kvlist *out);

#endif
