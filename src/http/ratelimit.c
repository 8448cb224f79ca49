#include "http/ratelimit.h"
#include "core/util.h"
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BUCKETS 4096
#define MAX_ENTRIES 100000

struct entry {
	struct entry *next;
	int64_t window_start;
	int window;
	int count;
	char key[];
};

static struct entry *table[BUCKETS];
static int entries;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % BUCKETS;
}

/* Drops expired entries of one chain. Caller holds the lock. */
static void prune(struct entry **pp, int64_t now)
{
	while (*pp) {
		struct entry *e = *pp;
		if (now - e->window_start >= e->window) {
			*pp = e->next;
			free(e);
			entries--;
		} else {
			pp = &e->next;
		}
	}
}

bool ratelimit_take(const char *key, int max, int window, int *retry_after)
{
	int64_t now = now_s();
	uint32_t h = hash(key);
	bool ok = true;
	pthread_mutex_lock(&lock);
	prune(&table[h], now);
	struct entry *e = table[h];
	while (e && strcmp(e->key, key))
		e = e->next;
	if (!e && entries >= MAX_ENTRIES) {
		/* Full: drop every expired entry; if still full, evict one live entry
		 * (so that a new key is always counted rather than let through). */
		for (int i = 0; i < BUCKETS; i++)
			prune(&table[i], now);
		for (int i = 0; entries >= MAX_ENTRIES && i < BUCKETS; i++) {
			struct entry **pp = &table[(h + (uint32_t)i) % BUCKETS];
			if (*pp) {
				struct entry *victim = *pp;
				*pp = victim->next;
				free(victim);
				entries--;
			}
		}
	}
	if (!e && entries < MAX_ENTRIES) {
		size_t n = strlen(key) + 1;
		e = malloc(sizeof *e + n);
		if (e) {
			memcpy(e->key, key, n);
			e->window_start = now;
			e->window = window;
			e->count = 0;
			e->next = table[h];
			table[h] = e;
			entries++;
		}
	}
	if (e) {
		if (e->count >= max) {
			ok = false;
			if (retry_after)
				*retry_after = (int)(e->window_start + e->window - now);
		} else {
			e->count++;
		}
	}
	pthread_mutex_unlock(&lock);
	return ok;
}

void ratelimit_clear(const char *key)
{
	uint32_t h = hash(key);
	pthread_mutex_lock(&lock);
	for (struct entry **pp = &table[h]; *pp; pp = &(*pp)->next)
		if (!strcmp((*pp)->key, key)) {
			struct entry *e = *pp;
			*pp = e->next;
			free(e);
			entries--;
			break;
		}
	pthread_mutex_unlock(&lock);
}

void ratelimit_shutdown(void)
{
	pthread_mutex_lock(&lock);
	for (int i = 0; i < BUCKETS; i++)
		while (table[i]) {
			struct entry *e = table[i];
			table[i] = e->next;
			free(e);
		}
	entries = 0;
	pthread_mutex_unlock(&lock);
}
