/* Route table and matching. Patterns are literal segments and ':name' captures. */
#include "http/router.h"
#include <string.h>

#define MAX_ROUTES 512

static struct route table[MAX_ROUTES];
static int count;

void route_add(const struct route *r)
{
	if (count < MAX_ROUTES)
		table[count++] = *r;
}

void route_each(void (*fn)(const struct route *r, void *ctx), void *ctx)
{
	for (int i = 0; i < count; i++)
		fn(&table[i], ctx);
}

/* Matches path against pattern; captures go to params (arena copies). */
static bool match(arena *a, const char *pattern, const char *path, const char **params)
{
	int np = 0;
	const char *p = pattern, *u = path;
	while (*p && *u) {
		if (*p == ':') {
			while (*p && *p != '/')
				p++;
			const char *end = strchr(u, '/');
			size_t n = end ? (size_t)(end - u) : strlen(u);
			if (n == 0 || np >= 4)
				return false;
			params[np++] = arena_strndup(a, u, n);
			u += n;
		} else if (*p == *u) {
			p++;
			u++;
		} else {
			return false;
		}
	}
	return !*p && !*u;
}

const struct route *route_find(arena *a, const char *method, const char *path,
			       const char **params, bool *path_known)
{
	*path_known = false;
	const char *m = strcmp(method, "HEAD") == 0 ? "GET" : method;
	for (int i = 0; i < count; i++) {
		const char *tmp[4] = {0};
		if (!match(a, table[i].pattern, path, tmp))
			continue;
		*path_known = true;
		if (strcmp(table[i].method, m) == 0) {
			memcpy(params, tmp, sizeof tmp);
			return &table[i];
		}
	}
	return NULL;
}
