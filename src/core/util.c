#include "core/util.h"
#include <ctype.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

bool utf8_valid_text(const char *s, size_t n)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t left = (utf8proc_ssize_t)n;
	while (left > 0) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p, left, &cp);
		if (k <= 0 || cp < 0)
			return false;
		if (cp == 0 || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7f)
			return false;
		p += k;
		left -= k;
	}
	return true;
}

size_t utf8_length(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

bool utf8_text_within(const char *s, size_t maxchars)
{
	return s && utf8_valid_text(s, strlen(s)) && utf8_length(s) <= maxchars;
}

int split_lines(arena *a, const char *text, int max, const char ***out)
{
	int n = 0;
	const char **v = arena_alloc(a, sizeof *v * (size_t)(max + 2));
	const char *p = text ? text : "";
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		const char *b = p;
		while (len && isspace((unsigned char)*b))
			b++, len--;
		while (len && isspace((unsigned char)b[len - 1]))
			len--;
		if (len) {
			if (n > max)
				break;
			v[n++] = arena_strndup(a, b, len);
		}
		if (!e)
			break;
		p = e + 1;
	}
	*out = v;
	return n;
}

void hex_encode(char *out, const unsigned char *in, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = 0;
}

void random_hex(char *out, size_t n)
{
	unsigned char buf[64];
	if (n > sizeof buf)
		n = sizeof buf;
	randombytes_buf(buf, n);
	hex_encode(out, buf, n);
}

void hash_hex(char *out, const char *s, size_t n)
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)s, n, NULL, 0);
	hex_encode(out, h, sizeof h);
}

bool parse_int64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	if (!s || !*s || isspace((unsigned char)*s))
		return false;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

char *slugify(arena *a, const char *title)
{
	const size_t max = 60;
	char *out = arena_alloc(a, max + 8);
	size_t len = 0;
	bool dash = false;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)(title ? title : "");
	utf8proc_ssize_t left = (utf8proc_ssize_t)strlen((const char *)p);
	while (left > 0 && len < max) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p, left, &cp);
		if (k <= 0)
			break;
		p += k;
		left -= k;
		utf8proc_category_t cat = utf8proc_category(cp);
		bool keep = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
			    cat == UTF8PROC_CATEGORY_ND;
		if (cat == UTF8PROC_CATEGORY_MN) /* Arabic diacritics and combining marks: drop */
			continue;
		if (!keep) {
			dash = len > 0;
			continue;
		}
		utf8proc_uint8_t enc[4];
		utf8proc_ssize_t m = utf8proc_encode_char(utf8proc_tolower(cp), enc);
		if (len + (size_t)m + 1 > max)
			break;
		if (dash)
			out[len++] = '-';
		dash = false;
		memcpy(out + len, enc, (size_t)m);
		len += (size_t)m;
	}
	if (len == 0)
		memcpy(out, "post", 5), len = 4;
	out[len] = 0;
	return out;
}

void iso8601_utc(char *out, size_t n, time_t t)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* n decimal digits at p into *out: no sign, no space (unlike sscanf's %d). Stops at
 * the first non-digit, so it never reads past a NUL. */
static bool digits(const char *p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		v = v * 10 + (p[i] - '0');
	}
	*out = v;
	return true;
}

bool parse_datetime(const char *s, time_t *out)
{
	if (!s)
		return false;
	int Y, M, D, h = 0, m = 0, sec = 0;
	if (!digits(s, 4, &Y) || s[4] != '-' || !digits(s + 5, 2, &M) || s[7] != '-' || !digits(s + 8, 2, &D))
		return false;
	const char *p = s + 10;
	if (*p == 'T' || *p == ' ') {
		if (!digits(p + 1, 2, &h) || p[3] != ':' || !digits(p + 4, 2, &m))
			return false;
		p += 6;
		if (*p == ':') {
			if (!digits(p + 1, 2, &sec))
				return false;
			p += 3;
		}
	} else if (*p) {
		return false;
	}
	if (Y < 1970 || Y > 9999 || M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60)
		return false;
	struct tm tm = {.tm_year = Y - 1900, .tm_mon = M - 1, .tm_mday = D,
			.tm_hour = h, .tm_min = m, .tm_sec = sec, .tm_isdst = -1};
	int offset = 0;
	bool utc = false;
	if (*p == 'Z' && !p[1]) {
		utc = true;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
		int oh, om;
		if (!digits(p + 1, 2, &oh) || !digits(p + 4, 2, &om) || oh > 14 || om > 59)
			return false;
		offset = (oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
		utc = true;
	} else if (*p) {
		return false;
	}
	time_t t = utc ? timegm(&tm) - offset : mktime(&tm);
	if (t == (time_t)-1)
		return false;
	/* Reject dates that normalised into another day (e.g. 31 February). */
	struct tm chk;
	time_t back = utc ? t + offset : t;
	if (utc)
		gmtime_r(&back, &chk);
	else
		localtime_r(&back, &chk);
	if (chk.tm_mday != D || chk.tm_mon != M - 1)
		return false;
	*out = t;
	return true;
}

int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
