/* Hashed n-gram features, see features.h. */
#include "text/features.h"
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include "core/strbuf.h"
#include "text/langid.h"
#include "text/lexicon.h"
#include "text/normalize.h"
#include "text/tokenize.h"

#define MAX_CPS 2000
#define MAX_TOK 1024

struct text_featurizer {
	unsigned bits;
	uint32_t mask;
	uint64_t *seen; /* bitmap of 2^bits */
	uint32_t *idx;
	size_t n;
	uint64_t salt; /* language of the current message: feature copies */
	enum text_lang lang;
	size_t ntok;   /* tokens of the last message */
	int32_t *cps;
	text_span *tok;
	strbuf norm;
};

text_featurizer *text_featurizer_new(unsigned bits)
{
	if (bits < TEXT_FEAT_MIN_BITS || bits > TEXT_FEAT_MAX_BITS)
		return NULL;
	text_featurizer *f = calloc(1, sizeof *f);
	if (!f)
		return NULL;
	f->bits = bits;
	f->mask = (uint32_t)((1u << bits) - 1);
	f->seen = calloc((size_t)1 << (bits - 6), sizeof *f->seen);
	f->idx = malloc(TEXT_FEAT_MAX * sizeof *f->idx);
	f->cps = malloc((MAX_CPS + 2) * sizeof *f->cps);
	f->tok = malloc(MAX_TOK * sizeof *f->tok);
	if (!f->seen || !f->idx || !f->cps || !f->tok)
		goto fail;
	return f;
fail:
	text_featurizer_free(f);
	return NULL;
}

void text_featurizer_free(text_featurizer *f)
{
	if (!f)
		return;
	free(f->seen);
	free(f->idx);
	free(f->cps);
	free(f->tok);
	sb_free(&f->norm);
	free(f);
}

unsigned text_featurizer_bits(const text_featurizer *f) { return f->bits; }
size_t text_featurizer_tokens(const text_featurizer *f) { return f->ntok; }
enum text_lang text_featurizer_lang(const text_featurizer *f) { return f->lang; }

static inline uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

static uint64_t hash_bytes(const char *s, size_t n, uint64_t seed)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ seed;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return mix64(h);
}

static inline void emit1(text_featurizer *f, uint64_t h)
{
	uint32_t b = (uint32_t)(h >> 20) & f->mask;
	uint64_t bit = 1ULL << (b & 63);
	if (f->seen[b >> 6] & bit)
		return;
	if (f->n >= TEXT_FEAT_MAX)
		return;
	f->seen[b >> 6] |= bit;
	f->idx[f->n++] = b;
}

/* A feature and its copy specific to the message's language (feature
 * augmentation: shared weights plus per-language corrections). */
static inline void emit(text_featurizer *f, uint64_t h)
{
	emit1(f, h);
	emit1(f, mix64(h ^ f->salt));
}

static bool is_negator(const char *w, size_t n)
{
	static const char *const neg[] = {
		"not", "no", "never", "nothing", "nobody", "none", "neither", "nor", "cannot", "can't",
		"don't", "doesn't", "didn't", "isn't", "wasn't", "aren't", "won't", "couldn't",
		"shouldn't", "wouldn't", "ain't", "dont", "cant", "isnt", "ne", "n", "pas", "jamais",
		"rien", "aucun", "aucune", "ni", "sans", "ما", "لا", "لم", "لن", "ليس", "ليست", "مش",
		"مو", "مب", "مافي", "ماشي", "ميش", "موش", "مكانش", "بدون", "مهوش", "مانيش", "mch",
		"mech", "mouch", "mich", "machi", "mahich", "mahouch", "mahech", "mouhech", "bla",
	};
	for (size_t i = 0; i < sizeof neg / sizeof *neg; i++)
		if (strlen(neg[i]) == n && !memcmp(neg[i], w, n))
			return true;
	return false;
}

enum { SEED_W1 = 1, SEED_WNEG = 2, SEED_W2 = 3 };

size_t text_features(text_featurizer *f, const char *s, size_t n, const uint32_t **idx)
{
	f->n = 0;
	sb_reset(&f->norm);
	text_normalize_into(&f->norm, s, n, TEXT_LANG_UND, TEXT_NORM_FOLD);
	const char *t = sb_str(&f->norm);
	size_t tl = f->norm.len;
	size_t k = text_split(t, tl, f->tok, MAX_TOK);
	f->ntok = k;
	f->lang = text_langid_spans(f->tok, k, NULL);
	f->salt = 0x5A17ULL * (1 + (uint64_t)f->lang);

	/* character 2..5-grams over " text " */
	size_t L = 0;
	f->cps[L++] = ' ';
	for (size_t i = 0; i < tl && L < MAX_CPS + 1;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)t + i, (utf8proc_ssize_t)(tl - i), &c);
		if (k <= 0) { /* cannot happen: normalised text is valid UTF-8 */
			i++;
			continue;
		}
		f->cps[L++] = c;
		i += (size_t)k;
	}
	f->cps[L++] = ' ';
	/* script of the message (lets one model keep per-script priors) */
	size_t arabic = 0, latin = 0;
	for (size_t i = 1; i + 1 < L; i++) {
		int32_t c = f->cps[i];
		if (c >= 0x0600 && c <= 0x06FF)
			arabic++;
		else if ((c >= 'a' && c <= 'z') || (c >= 0xC0 && c <= 0x24F))
			latin++;
	}
	emit(f, mix64(arabic > latin ? 0xA4AB1CULL : latin ? 0x1A71EULL : 0x404EULL));
	if (L > 2) {
		for (size_t i = 0; i + 1 < L; i++) {
			uint64_t h = 0x9e3779b97f4a7c15ULL;
			for (size_t j = 0; j < 5 && i + j < L; j++) {
				h = (h ^ (uint64_t)(uint32_t)f->cps[i + j]) * 0x100000001b3ULL;
				if (j >= 1)
					emit(f, mix64(h + j));
			}
		}
	}

	/* words, negation marking, bigrams */
	uint64_t prev = 0x1234567ULL; /* sentence start */
	int negated = 0, lexpos = 0, lexneg = 0;
	for (size_t i = 0; i < k; i++) {
		const text_span *sp = &f->tok[i];
		uint64_t h = hash_bytes(sp->s, sp->len, SEED_W1);
		if (sp->kind == TEXT_TOK_PUNCT)
			negated = 0;
		if (sp->kind == TEXT_TOK_WORD) {
			int pol = text_lexicon_polarity(sp->s, sp->len);
			if (negated > 0)
				pol = -pol;
			lexpos += pol > 0, lexneg += pol < 0;
		}
		if (negated > 0 && sp->kind == TEXT_TOK_WORD) {
			emit(f, hash_bytes(sp->s, sp->len, SEED_WNEG));
			negated--;
		} else
			emit(f, h);
		emit(f, mix64(prev * 31 + h + SEED_W2));
		prev = h;
		if (sp->kind == TEXT_TOK_WORD && is_negator(sp->s, sp->len))
			negated = 3;
	}
	emit(f, mix64(prev * 31 + 0x7654321ULL + SEED_W2)); /* sentence end */
	/* lexicon: presence of positive / negative words, and of both */
	if (lexpos)
		emit(f, mix64(0x1E4B05ULL + (lexpos > 1)));
	if (lexneg)
		emit(f, mix64(0x1E4BE6ULL + (lexneg > 1)));
	if (lexpos && lexneg)
		emit(f, mix64(0x1E4B0BULL));

	for (size_t i = 0; i < f->n; i++) /* clear the bitmap for the next call */
		f->seen[f->idx[i] >> 6] = 0;
	*idx = f->idx;
	return f->n;
}
