#include "http/pagecache.h"
#include "http/http.h"
#include "core/util.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define SLOTS 1024

struct slot {
	char *key;
	struct cached_page page;
	int64_t expires;
	uint64_t gen;
};

static struct slot slots[SLOTS];
static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
static atomic_uint_fast64_t generation = 1;

void page_cache_bump(void)
{
	atomic_fetch_add(&generation, 1);
}

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* One deflate stream per thread, reset between uses: deflateInit2/deflateEnd
 * malloc and free ~270 KB each time, and glibc gives the freed top of a thread
 * arena back with madvise(MADV_DONTNEED) — a TLB shootdown on every core — and
 * then page-faults it in again on the next deflateInit2. The stream is ended
 * by the key's destructor when the thread exits. */
static pthread_key_t z_key;
static pthread_once_t z_once = PTHREAD_ONCE_INIT;

static void z_free(void *p)
{
	deflateEnd(p);
	free(p);
}

static void z_key_init(void) { pthread_key_create(&z_key, z_free); }

static z_stream *thread_deflate(void)
{
	pthread_once(&z_once, z_key_init);
	z_stream *z = pthread_getspecific(z_key);
	if (z)
		return deflateReset(z) == Z_OK ? z : NULL;
	z = calloc(1, sizeof *z);
	if (!z)
		return NULL;
	if (deflateInit2(z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(z);
		return NULL;
	}
	pthread_setspecific(z_key, z);
	return z;
}

bool gzip_buffer(const char *in, size_t n, char **out, size_t *outn)
{
	z_stream *z = thread_deflate();
	if (!z)
		return false;
	size_t cap = deflateBound(z, n);
	char *buf = malloc(cap);
	if (!buf)
		return false;
	z->next_in = (Bytef *)in;
	z->avail_in = (uInt)n;
	z->next_out = (Bytef *)buf;
	z->avail_out = (uInt)cap;
	int rc = deflate(z, Z_FINISH);
	size_t produced = cap - z->avail_out;
	if (rc != Z_STREAM_END || produced >= n) {
		free(buf);
		return false;
	}
	*out = buf;
	*outn = produced;
	return true;
}

static char *dup_bytes(const char *p, size_t n)
{
	char *d = malloc(n + 1);
	if (!d)
		abort();
	memcpy(d, p, n);
	d[n] = 0;
	return d;
}

bool pagecache_get(const char *key, struct cached_page *out)
{
	struct slot *s = &slots[hash(key) % SLOTS];
	bool hit = false;
	pthread_rwlock_rdlock(&lock);
	if (s->key && !strcmp(s->key, key) && s->gen == atomic_load(&generation) && s->expires > now_s()) {
		*out = s->page;
		out->body = dup_bytes(s->page.body, s->page.len);
		out->gz = s->page.gz ? dup_bytes(s->page.gz, s->page.gzlen) : NULL;
		hit = true;
	}
	pthread_rwlock_unlock(&lock);
	return hit;
}

void pagecache_release(struct cached_page *p)
{
	free(p->body);
	free(p->gz);
	p->body = p->gz = NULL;
}

void pagecache_put(const char *key, const char *ctype, const char *body, size_t len, const char *gz, size_t gzlen,
		   int ttl)
{
	struct slot fresh = {0};
	fresh.key = strdup(key);
	fresh.page.body = dup_bytes(body, len);
	fresh.page.len = len;
	fresh.page.gz = gz ? dup_bytes(gz, gzlen) : NULL;
	fresh.page.gzlen = gz ? gzlen : 0;
	snprintf(fresh.page.ctype, sizeof fresh.page.ctype, "%s", ctype);
	fresh.expires = now_s() + ttl;
	fresh.gen = atomic_load(&generation);

	struct slot *s = &slots[hash(key) % SLOTS];
	pthread_rwlock_wrlock(&lock);
	struct slot old = *s;
	*s = fresh;
	pthread_rwlock_unlock(&lock);
	free(old.key);
	pagecache_release(&old.page);
}

void pagecache_add_gz(const char *key, const char *gz, size_t gzlen)
{
	char *copy = dup_bytes(gz, gzlen);
	struct slot *s = &slots[hash(key) % SLOTS];
	pthread_rwlock_wrlock(&lock);
	if (s->key && !strcmp(s->key, key) && !s->page.gz) {
		s->page.gz = copy;
		s->page.gzlen = gzlen;
		copy = NULL;
	}
	pthread_rwlock_unlock(&lock);
	free(copy);
}

void pagecache_shutdown(void)
{
	pthread_rwlock_wrlock(&lock);
	for (int i = 0; i < SLOTS; i++) {
		free(slots[i].key);
		pagecache_release(&slots[i].page);
		memset(&slots[i], 0, sizeof slots[i]);
	}
	pthread_rwlock_unlock(&lock);
}
