/* Cache of whole public pages for anonymous readers, keyed by language and URI.
 * Every write that changes public content calls page_cache_bump() (http.h),
 * which invalidates everything at once; entries also expire after their TTL so
 * that scheduled posts appear on time. Thread-safe. */
#ifndef MAJLIS_HTTP_PAGECACHE_H
#define MAJLIS_HTTP_PAGECACHE_H
#include <stdbool.h>
#include <stddef.h>

struct cached_page {
	char *body, *gz;     /* gz may be NULL when compression did not pay */
	size_t len, gzlen;
	char ctype[64];
};

/* Copies the page for key into out (malloc'd buffers the caller frees with
 * pagecache_release). False when absent or stale. */
bool pagecache_get(const char *key, struct cached_page *out);
/* Stores copies of body (and of its gzip form when the caller already made one;
 * gz may be NULL) under key for ttl seconds. Compression is never done here:
 * most cached pages are never asked for by a gzip client twice. */
void pagecache_put(const char *key, const char *ctype, const char *body, size_t len, const char *gz, size_t gzlen,
		   int ttl);
/* Adds a gzip form to the entry for key if it is still there without one. */
void pagecache_add_gz(const char *key, const char *gz, size_t gzlen);
void pagecache_release(struct cached_page *p);
/* Frees everything (shutdown). */
void pagecache_shutdown(void);

/* gzip of in; malloc'd result in *out, or false when it would not be smaller. */
bool gzip_buffer(const char *in, size_t n, char **out, size_t *outn);

#endif
