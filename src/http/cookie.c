#include "http/cookie.h"

static int octet_ok(unsigned char c)
{
	/* cookie-octet: visible ASCII except DQUOTE, comma, semicolon, backslash */
	return c >= 0x21 && c <= 0x7e && c != '"' && c != ',' && c != ';' && c != '\\';
}

void cookie_parse(arena *a, const char *h, size_t n, struct kvlist *out)
{
	size_t i = 0;
	while (i < n && out->n < 32) {
		while (i < n && (h[i] == ' ' || h[i] == ';' || h[i] == '\t'))
			i++;
		size_t ns = i;
		while (i < n && h[i] != '=' && h[i] != ';')
			i++;
		size_t ne = i;
		if (i >= n || h[i] != '=') {
			continue; /* no '=': skip this piece */
		}
		i++;
		size_t vs = i;
		while (i < n && h[i] != ';')
			i++;
		size_t ve = i;
		while (ve > vs && (h[ve - 1] == ' ' || h[ve - 1] == '\t'))
			ve--;
		if (ve - vs >= 2 && h[vs] == '"' && h[ve - 1] == '"')
			vs++, ve--;
		int ok = ne > ns && ve - vs <= 4096;
		for (size_t k = ns; ok && k < ne; k++)
			ok = octet_ok((unsigned char)h[k]) && h[k] != '=';
		for (size_t k = vs; ok && k < ve; k++)
			ok = octet_ok((unsigned char)h[k]);
		if (ok)
			kv_add(a, out, arena_strndup(a, h + ns, ne - ns), arena_strndup(a, h + vs, ve - vs));
	}
}
