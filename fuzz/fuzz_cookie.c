/* libFuzzer harness: the Cookie header parser (src/http/cookie.c). Checks the
 * contract: at most 32 pairs, names non-empty, names and values made only of
 * cookie-octets, values at most 4096 bytes, every pair found in the input. */
#include "core/arena.h"
#include "http/cookie.h"
#include "http/kv.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int octet_ok(unsigned char c)
{
	return c >= 0x21 && c <= 0x7e && c != '"' && c != ',' && c != ';' && c != '\\';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = arena_new();
	struct kvlist l = {0};
	cookie_parse(a, (const char *)data, size, &l);
	if (l.n > 32)
		abort();
	for (int i = 0; i < l.n; i++) {
		const char *n = l.items[i].name, *v = l.items[i].value;
		size_t nl = strlen(n), vl = strlen(v);
		if (nl == 0 || vl > 4096)
			abort();
		for (size_t k = 0; k < nl; k++)
			if (!octet_ok((unsigned char)n[k]) || n[k] == '=')
				abort();
		for (size_t k = 0; k < vl; k++)
			if (!octet_ok((unsigned char)v[k]))
				abort();
		if (!memmem(data, size, n, nl) || (vl && !memmem(data, size, v, vl)))
			abort();
	}
	arena_free(a);
	return 0;
}
