/* Splitting by Unicode category and the analyzer (stop words + stems). */
#include "text/tokenize.h"
#include <libstemmer.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include "core/strbuf.h"
#include "text/langid.h"
#include "text/normalize.h"

#define MAX_TERMS 4096

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

enum { C_SEP, C_WORD, C_EMOJI, C_PUNCT };

static bool is_arabic_letter(int32_t c)
{
	return (c >= 0x0620 && c <= 0x064A) || (c >= 0x066E && c <= 0x06D3) || (c >= 0x06FA && c <= 0x06FF) ||
	       (c >= 0x0750 && c <= 0x077F) || (c >= 0xFB50 && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFC);
}

static int classify(int32_t c)
{
	if (c < 0)
		return C_SEP;
	if (c < 0x80) {
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
			return C_WORD;
		return c == '!' || c == '?' ? C_PUNCT : C_SEP;
	}
	if (is_arabic_letter(c) || (c >= 0x0660 && c <= 0x0669))
		return C_WORD;
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME: case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
		return C_WORD;
	case UTF8PROC_CATEGORY_SO:
		return C_EMOJI;
	default:
		return c == 0x061F || c == 0xA1 || c == 0xBF ? C_PUNCT : C_SEP;
	}
}

static const char *const placeholders[] = {"<url>", "<email>", "<user>"};

size_t text_split(const char *t, size_t n, text_span *out, size_t max)
{
	const unsigned char *u = (const unsigned char *)t;
	size_t k = 0, i = 0, len;
	while (i < n && k < max) {
		if (t[i] == '<') {
			size_t j;
			for (j = 0; j < 3; j++) {
				size_t pl = strlen(placeholders[j]);
				if (n - i >= pl && !memcmp(t + i, placeholders[j], pl)) {
					out[k++] = (text_span){t + i, (unsigned)pl, TEXT_TOK_PLACEHOLDER, 0};
					i += pl;
					break;
				}
			}
			if (j < 3)
				continue;
		}
		int32_t c = decode(u + i, n - i, &len);
		int cls = classify(c);
		if (cls == C_SEP) {
			i += len;
			continue;
		}
		if (cls != C_WORD) {
			out[k++] = (text_span){t + i, (unsigned)len,
			                       cls == C_EMOJI ? TEXT_TOK_EMOJI : TEXT_TOK_PUNCT, 0};
			i += len;
			continue;
		}
		size_t start = i;
		bool arabic = false, digits = true;
		while (i < n) {
			c = decode(u + i, n - i, &len);
			cls = classify(c);
			if (cls == C_WORD) {
				if (is_arabic_letter(c))
					arabic = true;
				if (!((c >= '0' && c <= '9') || (c >= 0x0660 && c <= 0x0669)))
					digits = false;
				i += len;
				continue;
			}
			/* apostrophe between letters, '.' or ',' between digits */
			if (i + 1 < n && ((c == '\'' && !digits) || ((c == '.' || c == ',') && digits))) {
				size_t l2;
				int32_t d = decode(u + i + 1, n - i - 1, &l2);
				if (classify(d) == C_WORD && (c == '\'' || (d >= '0' && d <= '9'))) {
					i += 1;
					continue;
				}
			}
			break;
		}
		out[k++] = (text_span){t + start, (unsigned)(i - start), digits ? TEXT_TOK_NUM : TEXT_TOK_WORD,
		                       arabic};
	}
	return k;
}

struct text_analyzer {
	struct sb_stemmer *ar, *fr, *en;
	strbuf light, tmp;
	text_span *spans;
};

text_analyzer *text_analyzer_new(void)
{
	text_analyzer *an = calloc(1, sizeof *an);
	if (!an)
		return NULL;
	an->ar = sb_stemmer_new("arabic", "UTF_8");
	an->fr = sb_stemmer_new("french", "UTF_8");
	an->en = sb_stemmer_new("english", "UTF_8");
	an->spans = malloc(MAX_TERMS * sizeof *an->spans);
	if (!an->ar || !an->fr || !an->en || !an->spans)
		goto fail;
	return an;
fail:
	text_analyzer_free(an);
	return NULL;
}

void text_analyzer_free(text_analyzer *an)
{
	if (!an)
		return;
	if (an->ar)
		sb_stemmer_delete(an->ar);
	if (an->fr)
		sb_stemmer_delete(an->fr);
	if (an->en)
		sb_stemmer_delete(an->en);
	sb_free(&an->light);
	sb_free(&an->tmp);
	free(an->spans);
	free(an);
}

/* Length of a French elided article/pronoun ("l'", "qu'", "jusqu'"...) at w. */
static size_t elision(const char *w, size_t n)
{
	static const char *const el[] = {"l'", "d'", "j'", "c'", "n'", "s'", "m'", "t'", "qu'",
	                                  "jusqu'", "lorsqu'", "puisqu'"};
	for (size_t i = 0; i < sizeof el / sizeof *el; i++) {
		size_t l = strlen(el[i]);
		if (n > l && !memcmp(w, el[i], l))
			return l;
	}
	return 0;
}

size_t text_terms(text_analyzer *an, arena *a, const char *s, size_t n, enum text_lang lang,
                  unsigned flags, char ***out)
{
	sb_reset(&an->light);
	text_normalize_into(&an->light, s, n, lang, 0);
	size_t k = text_split(sb_str(&an->light), an->light.len, an->spans, MAX_TERMS);
	if (lang == TEXT_LANG_UND)
		lang = text_langid_spans(an->spans, k, NULL);
	char **terms = arena_alloc(a, (k ? k : 1) * sizeof *terms);
	size_t m = 0;
	for (size_t i = 0; i < k; i++) {
		const text_span *sp = &an->spans[i];
		if (sp->kind == TEXT_TOK_PUNCT)
			continue;
		if (sp->kind != TEXT_TOK_WORD) {
			if (!(flags & TEXT_TERMS_WORDS_ONLY))
				terms[m++] = arena_strndup(a, sp->s, sp->len);
			continue;
		}
		const char *w = sp->s;
		size_t wl = sp->len;
		if (!sp->arabic && (lang == TEXT_LANG_FR || lang == TEXT_LANG_UND)) {
			size_t e = elision(w, wl);
			w += e, wl -= e;
		}
		sb_reset(&an->tmp);
		text_fold_into(&an->tmp, w, wl);
		enum text_lang sl = sp->arabic ? TEXT_LANG_AR : (lang == TEXT_LANG_AR ? TEXT_LANG_UND : lang);
		if (!(flags & TEXT_TERMS_KEEP_STOP) && text_is_stopword(an->tmp.data, an->tmp.len, sl))
			continue;
		struct sb_stemmer *st = NULL;
		if (!(flags & TEXT_TERMS_NO_STEM))
			st = sp->arabic ? an->ar : lang == TEXT_LANG_FR ? an->fr : lang == TEXT_LANG_EN ? an->en : NULL;
		if (st) {
			const sb_symbol *r = sb_stemmer_stem(st, (const sb_symbol *)w, (int)wl);
			if (r) {
				sb_reset(&an->tmp);
				text_fold_into(&an->tmp, (const char *)r, (size_t)sb_stemmer_length(st));
			}
		}
		if (an->tmp.len)
			terms[m++] = arena_strndup(a, an->tmp.data, an->tmp.len);
	}
	*out = terms;
	return m;
}
