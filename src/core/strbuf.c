#include "core/strbuf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void grow(strbuf *sb, size_t extra)
{
	if (sb->len + extra + 1 <= sb->cap)
		return;
	size_t cap = sb->cap ? sb->cap : 256;
	while (cap < sb->len + extra + 1)
		cap *= 2;
	char *p = realloc(sb->data, cap);
	if (!p)
		abort();
	sb->data = p;
	sb->cap = cap;
}

void sb_append(strbuf *sb, const char *s, size_t n)
{
	grow(sb, n);
	if (n)
		memcpy(sb->data + sb->len, s, n);
	sb->len += n;
	sb->data[sb->len] = 0;
}

void sb_puts(strbuf *sb, const char *s)
{
	if (s)
		sb_append(sb, s, strlen(s));
}

void sb_putc(strbuf *sb, char c)
{
	grow(sb, 1);
	sb->data[sb->len++] = c;
	sb->data[sb->len] = 0;
}

void sb_printf(strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char tmp[256];
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof tmp) {
		sb_append(sb, tmp, (size_t)n);
		return;
	}
	grow(sb, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

void sb_reset(strbuf *sb)
{
	sb->len = 0;
	if (sb->data)
		sb->data[0] = 0;
}

void sb_free(strbuf *sb)
{
	free(sb->data);
	sb->data = NULL;
	sb->len = sb->cap = 0;
}

char *sb_detach(strbuf *sb)
{
	char *p = sb->data;
	if (!p) {
		p = malloc(1);
		if (!p)
			abort();
		p[0] = 0;
	}
	sb->data = NULL;
	sb->len = sb->cap = 0;
	return p;
}

const char *sb_str(const strbuf *sb)
{
	return sb->data ? sb->data : "";
}
