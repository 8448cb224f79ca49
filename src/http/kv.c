#include "http/kv.h"
#include <string.h>

void kv_add(arena *a, struct kvlist *l, const char *name, const char *value)
{
	if (l->n == l->cap) {
		int cap = l->cap ? l->cap * 2 : 8;
		struct kv *items = arena_alloc(a, sizeof *items * (size_t)cap);
		if (l->n)
			memcpy(items, l->items, sizeof *items * (size_t)l->n);
		l->items = items;
		l->cap = cap;
	}
	l->items[l->n++] = (struct kv){name, value};
}

const char *kv_get(const struct kvlist *l, const char *name)
{
	for (int i = 0; i < l->n; i++)
		if (strcmp(l->items[i].name, name) == 0)
			return l->items[i].value;
	return NULL;
}

int kv_count(const struct kvlist *l, const char *name)
{
	int c = 0;
	for (int i = 0; i < l->n; i++)
		c += strcmp(l->items[i].name, name) == 0;
	return c;
}
