/* Normalisation, see normalize.h for the rules. One pass over code points after
 * an optional utf8proc NFKC+casefold pass (skipped when the text is only ASCII
 * and basic Arabic, which is most messages: it is the expensive part). */
#include "text/normalize.h"
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* One code point at s[0..n) (n >= 1). Invalid sequences give -1 and *len = 1. */
static int32_t decode(const unsigned char *s, size_t n, size_t *len)
{
	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	utf8proc_int32_t cp;
	utf8proc_ssize_t k = utf8proc_iterate(s, (utf8proc_ssize_t)(n < 4 ? n : 4), &cp);
	if (k <= 0 || cp < 0) {
		*len = 1;
		return -1;
	}
	*len = (size_t)k;
	return cp;
}

static bool is_ar_diacritic(int32_t c)
{
	return (c >= 0x0610 && c <= 0x061A) || (c >= 0x064B && c <= 0x065F) || c == 0x0670 ||
	       (c >= 0x06D6 && c <= 0x06DC) || (c >= 0x06DF && c <= 0x06E8) ||
	       (c >= 0x06EA && c <= 0x06ED) || c == 0x0640 /* tatweel */;
}

static bool is_ignorable(int32_t c)
{
	return (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) ||
	       (c >= 0x2060 && c <= 0x2069) || c == 0xFEFF || c == 0x00AD ||
	       (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0x1F3FB && c <= 0x1F3FF) ||
	       (c >= 0xE0000 && c <= 0xE007F);
}

static bool is_space(int32_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == 0xA0 ||
	       (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
	       c == 0x205F || c == 0x3000 || c == 0x1680 || c == 0x85;
}

static bool ascii_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* Folding of one code point into o (at most 4); returns the count (0 drops it). */
static int fold_cp(int32_t c, int32_t *o)
{
	switch (c) {
	case 0x0622: case 0x0623: case 0x0625: case 0x0671: case 0x0672: case 0x0673:
		o[0] = 0x0627;
		return 1;
	case 0x0649: case 0x0626: case 0x06CC:
		o[0] = 0x064A;
		return 1;
	case 0x0624:
		o[0] = 0x0648;
		return 1;
	case 0x0629:
		o[0] = 0x0647;
		return 1;
	case 0x06A9:
		o[0] = 0x0643;
		return 1;
	case 0x0152: case 0x0153:
		o[0] = 'o', o[1] = 'e';
		return 2;
	case 0x00C6: case 0x00E6:
		o[0] = 'a', o[1] = 'e';
		return 2;
	}
	if (c >= 0x0300 && c < 0x0370)
		return 0; /* stray combining accent */
	if ((c >= 0xC0 && c <= 0x24F) || (c >= 0x1E00 && c <= 0x1EFF)) {
		utf8proc_int32_t buf[4];
		int bc = 0;
		utf8proc_ssize_t k = utf8proc_decompose_char(
			c, buf, 4, UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD, &bc);
		if (k > 0 && k <= 4) {
			for (utf8proc_ssize_t i = 0; i < k; i++)
				o[i] = buf[i];
			return (int)k;
		}
	}
	o[0] = c;
	return 1;
}

struct nst {
	strbuf *out;
	size_t start;  /* out->len at entry */
	int32_t last;  /* last emitted code point */
	int rep;       /* how many times last was repeated */
	bool space;    /* a space is pending */
	bool fold;
};

static void put(struct nst *st, int32_t c)
{
	if (c == ' ') {
		st->space = true;
		return;
	}
	if (st->space) {
		if (st->out->len > st->start)
			sb_putc(st->out, ' ');
		st->space = false;
		st->last = ' ';
		st->rep = 0;
	}
	if (c == st->last && !(c >= '0' && c <= '9')) {
		if (++st->rep >= 2)
			return;
	} else {
		st->last = c;
		st->rep = 0;
	}
	char b[4];
	sb_append(st->out, b, (size_t)utf8proc_encode_char(c, (utf8proc_uint8_t *)b));
}

static void put_folded(struct nst *st, int32_t c)
{
	if (!st->fold) {
		put(st, c);
		return;
	}
	int32_t o[4];
	int k = fold_cp(c, o);
	for (int i = 0; i < k; i++)
		put(st, o[i]);
}

static void put_placeholder(struct nst *st, const char *ph)
{
	put(st, ' ');
	for (; *ph; ph++)
		put(st, *ph);
	put(st, ' ');
}

static bool starts_ci(const char *p, const char *end, const char *w)
{
	for (; *w; p++, w++)
		if (p >= end || lower((unsigned char)*p) != *w)
			return false;
	return true;
}

static bool email_local(int c) { return ascii_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'; }
static bool email_domain(int c) { return ascii_alnum(c) || c == '.' || c == '-'; }

/* Finds an e-mail address in the chunk [p, e): sets [*from, *to). */
static bool find_email(const char *p, const char *e, const char **from, const char **to)
{
	const char *at = memchr(p, '@', (size_t)(e - p));
	if (!at || at == p)
		return false;
	const char *ls = at;
	while (ls > p && email_local((unsigned char)ls[-1]))
		ls--;
	if (ls == at)
		return false;
	const char *de = at + 1, *dot = NULL;
	while (de < e && email_domain((unsigned char)*de)) {
		if (*de == '.')
			dot = de;
		de++;
	}
	while (de > at + 1 && (de[-1] == '.' || de[-1] == '-')) /* trailing "." of a sentence */
		de--;
	dot = NULL;
	for (const char *q = de - 1; q > at; q--)
		if (*q == '.') {
			dot = q;
			break;
		}
	if (!dot || dot == at + 1 || de - dot < 3)
		return false;
	for (const char *q = dot + 1; q < de; q++)
		if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z')))
			return false;
	*from = ls;
	*to = de;
	return true;
}

/* Finds a URL glued at the end of a chunk ("Assistanthttp", "voir:https://x"). */
static const char *find_glued_url(const char *p, const char *e)
{
	for (const char *q = p + 1; q + 4 <= e; q++) {
		if (lower((unsigned char)q[0]) != 'h' || !starts_ci(q, e, "http"))
			continue;
		if (q + 4 == e || q[4] == ':' || (lower((unsigned char)q[4]) == 's' && q + 5 < e && q[5] == ':'))
			return q;
	}
	return NULL;
}

/* The main pass over valid UTF-8 p[0..m). */
static void norm_pass(struct nst *st, const char *p, size_t m, unsigned flags)
{
	const char *end = p + m;
	const char *email_from = NULL, *email_to = NULL, *url_from = NULL;
	const char *chunk_end = p;
	bool at_chunk_start = true;
	bool placeholders = !(flags & TEXT_NORM_NO_PLACEHOLDERS);
	size_t len;
	for (const char *q = p; q < end; q += len) {
		int32_t c = decode((const unsigned char *)q, (size_t)(end - q), &len);
		if (c < 0 || c == 0 || is_space(c) || (c < 0x20) || c == 0x7F) {
			put(st, ' ');
			at_chunk_start = true;
			continue;
		}
		if (placeholders && at_chunk_start) {
			at_chunk_start = false;
			chunk_end = q;
			while (chunk_end < end && *chunk_end != ' ' && *chunk_end != '\t' && *chunk_end != '\n' &&
			       *chunk_end != '\r')
				chunk_end++;
			email_from = email_to = url_from = NULL;
			if (starts_ci(q, chunk_end, "http") || starts_ci(q, chunk_end, "www.")) {
				put_placeholder(st, "<url>");
				len = (size_t)(chunk_end - q);
				continue;
			}
			url_from = find_glued_url(q, chunk_end);
			if (!find_email(q, url_from ? url_from : chunk_end, &email_from, &email_to))
				email_from = email_to = NULL;
		}
		if (q == email_from) {
			put_placeholder(st, "<email>");
			len = (size_t)(email_to - q);
			continue;
		}
		if (q == url_from) {
			put_placeholder(st, "<url>");
			len = (size_t)(chunk_end - q);
			continue;
		}
		if (c < 0x80) {
			if (c == '@' && placeholders && q + 1 < end &&
			    (ascii_alnum((unsigned char)q[1]) || q[1] == '_') &&
			    (q == p || !ascii_alnum((unsigned char)q[-1]))) {
				const char *r = q + 1;
				while (r < end && (ascii_alnum((unsigned char)*r) || *r == '_'))
					r++;
				put_placeholder(st, "<user>");
				len = (size_t)(r - q);
				continue;
			}
			if (c == '_' || (c == '#' && q + 1 < end && (ascii_alnum((unsigned char)q[1]) ||
			                                             (unsigned char)q[1] >= 0x80))) {
				put(st, ' ');
				continue;
			}
			put(st, lower(c));
			continue;
		}
		if (is_ar_diacritic(c) || is_ignorable(c))
			continue;
		if (c >= 0x0660 && c <= 0x0669) {
			put(st, '0' + (c - 0x0660));
			continue;
		}
		if (c >= 0x06F0 && c <= 0x06F9) {
			put(st, '0' + (c - 0x06F0));
			continue;
		}
		switch (c) {
		case 0x060C: case 0x066C: put(st, ','); continue;
		case 0x061B: put(st, ';'); continue;
		case 0x061F: put(st, '?'); continue;
		case 0x066A: put(st, '%'); continue;
		case 0x066B: put(st, '.'); continue;
		}
		put_folded(st, c);
	}
}

/* True when s[0..n) is valid UTF-8 made only of ASCII and U+0600..U+06FF, i.e.
 * when NFKC+casefold can be skipped (ASCII case is folded by the main pass). */
static bool simple_text(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] < 0x80)
			continue;
		if (s[i] < 0xD8 || s[i] > 0xDB || i + 1 >= n || (s[i + 1] & 0xC0) != 0x80)
			return false;
		i++;
	}
	return true;
}

size_t text_normalize_into(strbuf *out, const char *s, size_t n, enum text_lang lang, unsigned flags)
{
	struct nst st = {out, out->len, -1, 0, false, (flags & TEXT_NORM_FOLD) != 0};
	if (!s)
		n = 0;
	n = text_clamp_len(s, n);
	sb_append(out, "", 0); /* NUL-terminated even when nothing is appended */
	if (n == 0)
		return 0;
	if (simple_text((const unsigned char *)s, n)) {
		norm_pass(&st, s, n, flags);
		return out->len - st.start;
	}
	/* sanitise (invalid bytes and NUL to spaces), then NFKC + casefold */
	char *san = malloc(n + 1);
	if (!san)
		abort();
	size_t m = 0, len;
	for (size_t i = 0; i < n; i += len) {
		int32_t c = decode((const unsigned char *)s + i, n - i, &len);
		if (c <= 0)
			san[m++] = ' ';
		else {
			memcpy(san + m, s + i, len);
			m += len;
		}
	}
	san[m] = 0;
	utf8proc_uint8_t *mapped = NULL;
	utf8proc_ssize_t k = utf8proc_map((const utf8proc_uint8_t *)san, (utf8proc_ssize_t)m, &mapped,
	                                  UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
	                                          UTF8PROC_CASEFOLD | UTF8PROC_IGNORE | UTF8PROC_LUMP);
	if (k >= 0 && mapped)
		norm_pass(&st, (const char *)mapped, (size_t)k, flags);
	else
		norm_pass(&st, san, m, flags);
	free(mapped);
	free(san);
	return out->len - st.start;
}

char *text_normalize(arena *a, const char *s, size_t n, enum text_lang lang)
{
	strbuf sb = STRBUF_INIT;
	text_normalize_into(&sb, s, n, lang, TEXT_NORM_FOLD);
	char *r = arena_strndup(a, sb_str(&sb), sb.len);
	sb_free(&sb);
	return r;
}

size_t text_fold_into(strbuf *out, const char *s, size_t n)
{
	size_t start = out->len, len;
	sb_append(out, "", 0);
	for (size_t i = 0; i < n; i += len) {
		int32_t c = decode((const unsigned char *)s + i, n - i, &len);
		if (c <= 0)
			continue;
		int32_t o[4];
		int k = fold_cp(c, o);
		for (int j = 0; j < k; j++) {
			char b[4];
			sb_append(out, b, (size_t)utf8proc_encode_char(o[j], (utf8proc_uint8_t *)b));
		}
	}
	return out->len - start;
}
