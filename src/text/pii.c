/* Personal data detection and masking, see pii.h for the rules. */
#include "text/pii.h"
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include "core/strbuf.h"
#include "text/common.h"

#define CTX 40

/* A one-byte-per-code-point view of the text: ASCII as is, Arabic-Indic and
 * Persian digits as ASCII digits, anything else as ' '. off[i] is the byte
 * offset of view position i in the original (off[m] = n). */
struct view {
	const char *s;
	size_t n, m;
	char *v;
	size_t *off;
};

static bool dig(char c) { return c >= '0' && c <= '9'; }
static bool alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool upper(char c) { return c >= 'A' && c <= 'Z'; }
static bool alnum(char c) { return dig(c) || alpha(c); }

static int view_init(struct view *w, const char *s, size_t n)
{
	w->s = s, w->n = n, w->m = 0;
	w->v = malloc(n + 1);
	w->off = malloc((n + 1) * sizeof *w->off);
	if (!w->v || !w->off)
		return -1;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t len = 1;
		char out = ' ';
		if (c < 0x80)
			out = (char)c;
		else {
			utf8proc_int32_t cp;
			utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
			                                      (utf8proc_ssize_t)(n - i < 4 ? n - i : 4), &cp);
			if (k > 0) {
				len = (size_t)k;
				if (cp >= 0x0660 && cp <= 0x0669)
					out = (char)('0' + cp - 0x0660);
				else if (cp >= 0x06F0 && cp <= 0x06F9)
					out = (char)('0' + cp - 0x06F0);
			}
		}
		w->off[w->m] = i;
		w->v[w->m++] = out;
		i += len;
	}
	w->off[w->m] = n;
	w->v[w->m] = 0;
	return 0;
}

/* True when one of words occurs in the CTX bytes of the original before view
 * position pos, starting a word (ASCII comparison case-insensitive). */
static bool context(const struct view *w, size_t pos, const char *const *words)
{
	size_t end = w->off[pos], start = end > CTX ? end - CTX : 0;
	char low[CTX + 1];
	size_t L = end - start;
	for (size_t i = 0; i < L; i++) {
		char c = w->s[start + i];
		low[i] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
	}
	for (; *words; words++) {
		size_t wl = strlen(*words);
		for (const char *p = low; p + wl <= low + L; p++) {
			p = memmem(p, (size_t)(low + L - p), *words, wl);
			if (!p)
				break;
			if (p == low || !alpha(p[-1]))
				return true;
		}
	}
	return false;
}

static const char *const phone_words[] = {"tel", "tél", "phone", "gsm", "whatsapp", "mobile", "portable",
	"appel", "num", "call", "contact", "هاتف", "الهاتف", "رقم", "واتساب", "اتصل", "تلفون", "تيليفون",
	"نمرة", "جوال", NULL};
static const char *const id_words[] = {"cin", "cni", "carte", "identit", "id", "nin", "passport",
	"passeport", "بطاقة", "التعريف", "هوية", "الوطنية", "جواز", NULL};

/* All matches so far (unbounded: masking must not stop after N matches). */
struct found {
	pii_match *m;
	size_t n, cap;
};

static void add(struct found *f, const struct view *w, size_t a, size_t b, unsigned kind)
{
	for (size_t i = 0; i < f->n; i++) /* overlaps an earlier (higher-priority) match */
		if (w->off[a] < f->m[i].end && f->m[i].start < w->off[b])
			return;
	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 16;
		f->m = realloc(f->m, f->cap * sizeof *f->m);
		if (!f->m)
			abort();
	}
	f->m[f->n++] = (pii_match){w->off[a], w->off[b], kind};
}

static bool covered(const struct found *f, const struct view *w, size_t a)
{
	for (size_t i = 0; i < f->n; i++)
		if (w->off[a] >= f->m[i].start && w->off[a] < f->m[i].end)
			return true;
	return false;
}

static bool email_local(char c) { return alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'; }

static void find_emails(struct found *f, const struct view *w)
{
	const char *v = w->v;
	for (size_t at = 1; at + 1 < w->m; at++) {
		if (v[at] != '@')
			continue;
		size_t a = at;
		while (a > 0 && email_local(v[a - 1]))
			a--;
		size_t b = at + 1, dot = 0;
		while (b < w->m && (alnum(v[b]) || v[b] == '.' || v[b] == '-')) {
			if (v[b] == '.')
				dot = b;
			b++;
		}
		while (b > at + 1 && (v[b - 1] == '.' || v[b - 1] == '-'))
			b--;
		if (dot >= b)
			for (dot = b - 1; dot > at && v[dot] != '.'; dot--)
				;
		if (a == at || dot <= at + 1 || b - dot < 3)
			continue;
		bool tld = true;
		for (size_t i = dot + 1; i < b; i++)
			tld = tld && alpha(v[i]);
		if (tld)
			add(f, w, a, b, PII_EMAIL);
	}
}

static int char_val(char c) { return dig(c) ? c - '0' : (c | 32) - 'a' + 10; }

/* ISO 13616: move the first 4 characters to the end, letters to 10..35, mod 97 == 1. */
static bool iban_ok(const char *c, size_t n)
{
	unsigned r = 0;
	for (size_t i = 0; i < n; i++) {
		int x = char_val(c[(i + 4) % n]);
		r = x >= 10 ? (r * 100 + (unsigned)x) % 97 : (r * 10 + (unsigned)x) % 97;
	}
	return r == 1;
}

static void find_ibans(struct found *f, const struct view *w)
{
	const char *v = w->v;
	for (size_t i = 0; i + 4 < w->m; i++) {
		if (!alpha(v[i]) || !alpha(v[i + 1]) || !dig(v[i + 2]) || !dig(v[i + 3]) || (i && alnum(v[i - 1])))
			continue;
		char c[35];
		size_t pos[35], n = 0;
		for (size_t j = i; j < w->m && n < 34; j++) {
			if (alnum(v[j])) {
				c[n] = v[j];
				pos[n++] = j;
			} else if (!(v[j] == ' ' && j + 1 < w->m && alnum(v[j + 1]) && n >= 4))
				break;
		}
		for (size_t len = n; len >= 15; len--) {
			if (len < n && alnum(v[pos[len - 1] + 1]))
				continue; /* must end at a group boundary */
			if (iban_ok(c, len)) {
				add(f, w, i, pos[len - 1] + 1, PII_IBAN);
				i = pos[len - 1];
				break;
			}
		}
	}
}

/* Moroccan CIN: 1-2 letters then 5-6 digits. */
static void find_cin_ma(struct found *f, const struct view *w)
{
	const char *v = w->v;
	for (size_t i = 0; i + 5 < w->m; i++) {
		if (!alpha(v[i]) || (i && (alnum(v[i - 1]) || v[i - 1] == '@' || v[i - 1] == '_' || v[i - 1] == '#')))
			continue; /* inside a word, a @mention or a #hashtag */
		size_t j = i;
		while (j < w->m && alpha(v[j]) && j - i < 3)
			j++;
		size_t nl = j - i;
		if (nl < 1 || nl > 2)
			continue;
		bool spaced = v[j] == ' ';
		size_t d = j + spaced, e = d;
		while (e < w->m && dig(v[e]))
			e++;
		size_t nd = e - d;
		if (nd < 5 || nd > 6 || (e < w->m && alnum(v[e])))
			continue;
		bool caps = upper(v[i]) && (nl == 1 || upper(v[i + 1]));
		if ((caps && !spaced) || context(w, i, id_words))
			add(f, w, i, e, PII_NATIONAL_ID);
	}
}

static bool luhn(const char *d, size_t n)
{
	unsigned sum = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned x = (unsigned)(d[n - 1 - i] - '0');
		if (i & 1) {
			x *= 2;
			if (x > 9)
				x -= 9;
		}
		sum += x;
	}
	return sum % 10 == 0;
}

/* Kind of the digit string d[0..n) (plus: written with a leading '+'). */
static unsigned classify(const char *d, size_t n, bool plus, const size_t *glen, size_t ng, bool ctx_phone,
                         bool ctx_id)
{
	size_t same = 1;
	while (same < n && d[same] == d[0])
		same++;
	if (same == n)
		return 0; /* 000000000000, 11111111: placeholders, not data */
	bool intl = plus || (n > 2 && d[0] == '0' && d[1] == '0');
	if (intl) {
		const char *e = plus ? d : d + 2;
		size_t en = plus ? n : n - 2;
		if (en > 3 && (!memcmp(e, "212", 3) || !memcmp(e, "213", 3) || !memcmp(e, "216", 3))) {
			const char *r = e + 3;
			size_t rn = en - 3;
			if (rn > 0 && r[0] == '0')
				r++, rn--;
			if (!memcmp(e, "212", 3))
				return rn == 9 && r[0] >= '5' && r[0] <= '7' ? PII_PHONE : 0;
			if (!memcmp(e, "213", 3))
				return rn == 9 && r[0] >= '2' && r[0] <= '7' ? PII_PHONE : 0;
			return rn == 8 ? PII_PHONE : 0;
		}
		if (plus ? (en >= 8 && en <= 15) : (en >= 10 && en <= 15))
			return PII_PHONE;
		return 0;
	}
	if (n == 10 && d[0] == '0' && d[1] >= '5' && d[1] <= '7')
		return PII_PHONE;
	if (n >= 13 && n <= 19 && n != 18 && d[0] != '0' && luhn(d, n))
		return PII_CARD;
	if (n == 18 && ng == 1)
		return PII_NATIONAL_ID;
	if (n == 24)
		return PII_IBAN;
	if (n == 8) {
		bool phone_groups = (ng == 3 && glen[0] == 2 && glen[1] == 3 && glen[2] == 3) ||
		                    (ng == 4 && glen[0] == 2 && glen[1] == 2 && glen[2] == 2 && glen[3] == 2);
		if (ctx_id && ng == 1)
			return PII_NATIONAL_ID;
		if (strchr("234579", d[0]) && (phone_groups || (ctx_phone && ng == 1)))
			return PII_PHONE;
		if (d[0] == '0' && ng == 1)
			return PII_NATIONAL_ID;
	}
	return 0;
}

#define MAX_GROUPS 12
#define MAX_DIGITS 40

static void find_numbers(struct found *f, const struct view *w)
{
	const char *v = w->v;
	for (size_t i = 0; i < w->m; i++) {
		bool plus = v[i] == '+' && i + 1 < w->m && dig(v[i + 1]);
		if (!(dig(v[i]) || plus) || (i && (alnum(v[i - 1]) || v[i - 1] == '.' || v[i - 1] == ',')) ||
		    covered(f, w, i))
			continue;
		size_t gs[MAX_GROUPS], ge[MAX_GROUPS], ng = 0, j = i + plus;
		while (ng < MAX_GROUPS) {
			size_t s = j;
			while (j < w->m && dig(v[j]))
				j++;
			gs[ng] = s, ge[ng++] = j;
			size_t k = j, seps = 0;
			while (k < w->m && seps < 3 && strchr(" .-/()", v[k]) && v[k])
				k++, seps++;
			if (k == j || k >= w->m || !dig(v[k]) || seps > 2 || (seps == 2 && v[j] == v[j + 1] && v[j] != ')'))
				break;
			j = k;
		}
		size_t end_all = ge[ng - 1];
		if (end_all < w->m && alpha(v[end_all]) && ng == 1) {
			i = end_all;
			continue;
		}
		bool ctx_phone = context(w, i, phone_words), ctx_id = context(w, i, id_words);
		size_t gi = 0;
		while (gi < ng) {
			size_t gj = ng;
			unsigned kind = 0;
			while (gj-- > gi) {
				char d[MAX_DIGITS + 1];
				size_t nd = 0, glen[MAX_GROUPS];
				for (size_t g = gi; g <= gj; g++) {
					glen[g - gi] = ge[g] - gs[g];
					for (size_t p = gs[g]; p < ge[g] && nd < MAX_DIGITS; p++)
						d[nd++] = v[p];
				}
				if (nd >= MAX_DIGITS)
					continue;
				kind = classify(d, nd, plus && gi == 0, glen, gj - gi + 1, ctx_phone, ctx_id);
				if (kind)
					break;
			}
			if (kind) {
				add(f, w, gi == 0 ? i : gs[gi], ge[gj], kind);
				gi = gj + 1;
			} else
				gi++;
		}
		i = end_all;
	}
}

static int cmp_match(const void *a, const void *b)
{
	const pii_match *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* Every match in s[0..n) (n already clamped), sorted; f->m owned by the caller. */
static void find_all(const char *s, size_t n, struct found *f)
{
	struct view w = {0};
	if (view_init(&w, s, n) == 0) {
		find_emails(f, &w);
		find_ibans(f, &w);
		find_cin_ma(f, &w);
		find_numbers(f, &w);
		if (f->n > 1)
			qsort(f->m, f->n, sizeof *f->m, cmp_match);
	}
	free(w.v);
	free(w.off);
}

size_t pii_find(const char *s, size_t n, pii_match *out, size_t max)
{
	struct found f = {0};
	if (!s)
		return 0;
	find_all(s, text_clamp_len(s, n), &f);
	size_t k = f.n < max ? f.n : max;
	if (k)
		memcpy(out, f.m, k * sizeof *out);
	free(f.m);
	return k;
}

const char *pii_kind_name(unsigned kind)
{
	switch (kind) {
	case PII_EMAIL: return "email";
	case PII_PHONE: return "phone";
	case PII_NATIONAL_ID: return "id";
	case PII_IBAN: return "iban";
	case PII_CARD: return "card";
	default: return "";
	}
}

char *pii_mask(arena *a, const char *text, unsigned *found_kinds)
{
	if (found_kinds)
		*found_kinds = 0;
	if (!text)
		return arena_strdup(a, "");
	size_t n = text_clamp_len(text, strlen(text));
	struct found f = {0};
	find_all(text, n, &f);
	strbuf sb = STRBUF_INIT;
	size_t at = 0;
	sb_append(&sb, "", 0);
	for (size_t i = 0; i < f.n; i++) {
		sb_append(&sb, text + at, f.m[i].start - at);
		sb_printf(&sb, "[%s]", pii_kind_name(f.m[i].kind));
		at = f.m[i].end;
		if (found_kinds)
			*found_kinds |= f.m[i].kind;
	}
	sb_append(&sb, text + at, n - at);
	char *r = arena_strndup(a, sb.data, sb.len);
	sb_free(&sb);
	free(f.m);
	return r;
}
