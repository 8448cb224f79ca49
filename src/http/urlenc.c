#include "http/urlenc.h"
#include "core/util.h"
#include <string.h>

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* Decodes s[0..n) into a new string; plus_is_space for form encoding.
 * *len gets the decoded length. NULL on a bad escape. */
static char *decode(arena *a, const char *s, size_t n, int plus_is_space, size_t *len)
{
	char *out = arena_alloc(a, n + 1);
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '%') {
			if (i + 2 >= n)
				return NULL;
			int h = hexval(s[i + 1]), l = hexval(s[i + 2]);
			if (h < 0 || l < 0)
				return NULL;
			out[j++] = (char)(h * 16 + l);
			i += 2;
		} else if (c == '+' && plus_is_space) {
			out[j++] = ' ';
		} else {
			out[j++] = c;
		}
	}
	out[j] = 0;
	*len = j;
	return out;
}

enum urlenc_status urlenc_parse(arena *a, const char *s, size_t n, struct kvlist *out,
				int max_fields, size_t max_value)
{
	size_t i = 0;
	int count = 0;
	while (i < n) {
		size_t end = i;
		while (end < n && s[end] != '&')
			end++;
		if (end > i) {
			size_t eq = i;
			while (eq < end && s[eq] != '=')
				eq++;
			if (++count > max_fields)
				return URLENC_TOO_MANY;
			size_t nlen, vlen = 0;
			if (eq - i > 64 * 3 || (end > eq && end - eq - 1 > max_value * 3))
				return URLENC_TOO_LONG;
			char *name = decode(a, s + i, eq - i, 1, &nlen);
			char *value = eq < end ? decode(a, s + eq + 1, end - eq - 1, 1, &vlen) : arena_strdup(a, "");
			if (!name || !value)
				return URLENC_BAD_ESCAPE;
			if (nlen > 64 || vlen > max_value)
				return URLENC_TOO_LONG;
			if (!utf8_valid_text(name, nlen) || !utf8_valid_text(value, vlen))
				return URLENC_BAD_UTF8;
			kv_add(a, out, name, value);
		}
		i = end + 1;
	}
	return URLENC_OK;
}

char *url_decode_path(arena *a, const char *s, size_t n)
{
	size_t len;
	char *p = decode(a, s, n, 0, &len);
	if (!p || !utf8_valid_text(p, len))
		return NULL;
	return p;
}

char *url_encode(arena *a, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s);
	char *out = arena_alloc(a, n * 3 + 1);
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~') {
			out[j++] = (char)c;
		} else {
			out[j++] = '%';
			out[j++] = hex[c >> 4];
			out[j++] = hex[c & 15];
		}
	}
	out[j] = 0;
	return out;
}
