#include "core/arena.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct chunk {
	struct chunk *next;
	size_t used, cap;
	max_align_t data[];
};

struct arena {
	struct chunk *head;
};

static struct chunk *chunk_new(size_t cap, struct chunk *next)
{
	struct chunk *c = malloc(sizeof *c + cap);
	if (!c) {
		fputs("majlis: out of memory\n", stderr);
		abort();
	}
	c->next = next;
	c->used = 0;
	c->cap = cap;
	return c;
}

arena *arena_new(void)
{
	arena *a = calloc(1, sizeof *a);
	if (!a)
		abort();
	a->head = chunk_new(8192 - sizeof(struct chunk), NULL);
	return a;
}

void arena_free(arena *a)
{
	if (!a)
		return;
	for (struct chunk *c = a->head, *n; c; c = n) {
		n = c->next;
		free(c);
	}
	free(a);
}

void *arena_alloc(arena *a, size_t n)
{
	const size_t align = sizeof(max_align_t);
	n = (n + align - 1) & ~(align - 1);
	if (n == 0)
		n = align;
	struct chunk *c = a->head;
	if (c->cap - c->used < n) {
		if (n > 4096) {
			/* Big block: own chunk behind the head so the head keeps its room. */
			struct chunk *big = chunk_new(n, c->next);
			c->next = big;
			big->used = n;
			memset(big->data, 0, n);
			return big->data;
		}
		c = a->head = chunk_new(c->cap * 2 > 65536 ? 65536 : c->cap * 2, c);
	}
	void *p = (char *)c->data + c->used;
	c->used += n;
	memset(p, 0, n);
	return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *arena_strdup(arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_vprintf(arena *a, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		n = 0;
	char *p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *arena_printf(arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}
