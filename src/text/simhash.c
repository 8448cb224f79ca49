/* SimHash over normalised shingles, see simhash.h. */
#include "text/simhash.h"
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include "core/strbuf.h"
#include "text/normalize.h"

#define MAX_CPS 4096

static inline uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

static void add(int *v, uint64_t h, int weight)
{
	for (int b = 0; b < 64; b++)
		v[b] += (h >> b) & 1 ? weight : -weight;
}

/* The normalised form of s without punctuation: letters, digits, emoji and
 * single spaces only. */
static void clean(strbuf *out, const char *s, size_t n)
{
	strbuf t = STRBUF_INIT;
	text_normalize_into(&t, s, n, TEXT_LANG_UND, TEXT_NORM_FOLD);
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)sb_str(&t);
	utf8proc_ssize_t left = (utf8proc_ssize_t)t.len;
	sb_append(out, "", 0);
	while (left > 0) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(p, left, &c);
		if (k <= 0)
			break;
		utf8proc_category_t cat = utf8proc_category(c);
		bool keep = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_NO) || cat == UTF8PROC_CATEGORY_SO;
		if (keep && c != '<' && c != '>')
			sb_append(out, (const char *)p, (size_t)k);
		else if (out->len && out->data[out->len - 1] != ' ')
			sb_putc(out, ' ');
		p += k, left -= k;
	}
	while (out->len && out->data[out->len - 1] == ' ')
		out->data[--out->len] = 0;
	sb_free(&t);
}

static uint64_t simhash_clean(const char *t, size_t n)
{
	int v[64] = {0};
	int32_t cps[MAX_CPS];
	size_t L = 0, features = 0;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)t;
	utf8proc_ssize_t left = (utf8proc_ssize_t)n;
	while (left > 0 && L < MAX_CPS) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(p, left, &c);
		if (k <= 0)
			break;
		cps[L++] = c;
		p += k, left -= k;
	}
	for (size_t i = 0; i + 4 <= L || (i == 0 && L > 0); i++) {
		uint64_t h = 0x9e3779b97f4a7c15ULL;
		for (size_t j = i; j < i + 4 && j < L; j++)
			h = (h ^ (uint64_t)(uint32_t)cps[j]) * 0x100000001b3ULL;
		add(v, mix64(h), 1);
		features++;
	}
	/* words of 3+ bytes, weighted 2 */
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && t[j] != ' ')
			j++;
		if (j - i >= 3) {
			uint64_t h = 0xcbf29ce484222325ULL;
			for (size_t k = i; k < j; k++)
				h = (h ^ (unsigned char)t[k]) * 0x100000001b3ULL;
			add(v, mix64(h ^ 0x5157ULL), 2);
			features++;
		}
		i = j + 1;
	}
	if (!features)
		return 0;
	uint64_t r = 0;
	for (int b = 0; b < 64; b++)
		if (v[b] > 0)
			r |= 1ULL << b;
	return r;
}

uint64_t text_simhash(const char *s, size_t n)
{
	strbuf c = STRBUF_INIT;
	clean(&c, s ? s : "", s ? n : 0);
	uint64_t r = simhash_clean(sb_str(&c), c.len);
	sb_free(&c);
	return r;
}

int text_hamming(uint64_t a, uint64_t b) { return __builtin_popcountll(a ^ b); }

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Sorted distinct hashes of the 4-code-point windows of t (at most MAX_CPS);
 * returns the count. out must hold MAX_CPS entries. */
static size_t shingles(const char *t, size_t n, uint64_t *out)
{
	int32_t cps[MAX_CPS];
	size_t L = 0, k = 0;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)t;
	utf8proc_ssize_t left = (utf8proc_ssize_t)n;
	while (left > 0 && L < MAX_CPS) {
		utf8proc_int32_t c;
		utf8proc_ssize_t r = utf8proc_iterate(p, left, &c);
		if (r <= 0)
			break;
		cps[L++] = c;
		p += r, left -= r;
	}
	for (size_t i = 0; i + 4 <= L || (i == 0 && L > 0); i++) {
		uint64_t h = 0x9e3779b97f4a7c15ULL;
		for (size_t j = i; j < i + 4 && j < L; j++)
			h = (h ^ (uint64_t)(uint32_t)cps[j]) * 0x100000001b3ULL;
		out[k++] = mix64(h);
	}
	qsort(out, k, sizeof *out, cmp_u64);
	size_t m = 0;
	for (size_t i = 0; i < k; i++)
		if (!m || out[m - 1] != out[i])
			out[m++] = out[i];
	return m;
}

double text_resemblance(const char *a, const char *b)
{
	strbuf x = STRBUF_INIT, y = STRBUF_INIT;
	uint64_t *sa = malloc(2 * MAX_CPS * sizeof *sa), *sb = sa ? sa + MAX_CPS : NULL;
	double r = 0;
	clean(&x, a ? a : "", a ? strlen(a) : 0);
	clean(&y, b ? b : "", b ? strlen(b) : 0);
	if (!sa || !x.len || !y.len)
		goto done;
	size_t na = shingles(x.data, x.len, sa), nb = shingles(y.data, y.len, sb), i = 0, j = 0, both = 0;
	while (i < na && j < nb) {
		if (sa[i] == sb[j])
			both++, i++, j++;
		else if (sa[i] < sb[j])
			i++;
		else
			j++;
	}
	r = (double)both / (double)(na + nb - both);
done:
	free(sa);
	sb_free(&x);
	sb_free(&y);
	return r;
}

bool text_near_duplicate(const char *a, const char *b)
{
	return text_resemblance(a, b) >= TEXT_NEAR_DUP_RESEMBLANCE;
}
