/* Name/value lists (query, form, cookies, headers), arena-owned, insertion order. */
#ifndef MAJLIS_HTTP_KV_H
#define MAJLIS_HTTP_KV_H
#include "core/arena.h"

struct kv {
	const char *name, *value;
};

struct kvlist {
	struct kv *items;
	int n, cap;
};

/* Appends a pair; name and value are stored as given (not copied). */
void kv_add(arena *a, struct kvlist *l, const char *name, const char *value);
/* First value for name, or NULL. */
const char *kv_get(const struct kvlist *l, const char *name);
/* Number of pairs named name. */
int kv_count(const struct kvlist *l, const char *name);

#endif
