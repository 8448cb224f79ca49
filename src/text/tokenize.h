/* Tokens, stop words and stems. Splitting follows Unicode categories
 * (utf8proc): letters, marks and digits make words (so Arabizi "3lach" and
 * "7aja" stay whole), a digit-only word is a number ("1.5" and "2,000" too),
 * each emoji/symbol (category So) is a token of its own, the placeholders
 * <url> <email> <user> of normalize.h are tokens, '!' and '?' are kept as
 * punctuation tokens, everything else separates. */
#ifndef MAJLIS_TEXT_TOKENIZE_H
#define MAJLIS_TEXT_TOKENIZE_H
#include <stdbool.h>
#include <stddef.h>
#include "core/arena.h"
#include "text/common.h"

enum text_tok_kind {
	TEXT_TOK_WORD = 1,
	TEXT_TOK_NUM,
	TEXT_TOK_EMOJI,
	TEXT_TOK_PLACEHOLDER,
	TEXT_TOK_PUNCT,
};

/* A token: bytes s[0..len) inside the split text (not NUL-terminated). */
typedef struct text_span {
	const char *s;
	unsigned len;
	unsigned char kind;   /* enum text_tok_kind */
	unsigned char arabic; /* 1 when the word holds Arabic-script letters */
} text_span;

/* Splits (normalised) text t[0..n) into at most max tokens written to out;
 * returns the count. Spans point into t. Invalid UTF-8 bytes separate. */
size_t text_split(const char *t, size_t n, text_span *out, size_t max);

/* True when the folded word w[0..n) is a stop word of lang (TEXT_LANG_UND:
 * of any list). Lists: ar (MSA and common Darija/Tunisian function words),
 * ar-Latn (Arabizi function words), fr, en. Thread-safe. */
bool text_is_stopword(const char *w, size_t n, enum text_lang lang);

/* Per-thread analyzer owning Snowball stemmers (not thread-safe: one per thread). */
typedef struct text_analyzer text_analyzer;

/* New analyzer; NULL when libstemmer cannot allocate. Free with text_analyzer_free. */
text_analyzer *text_analyzer_new(void);
/* Frees it; NULL accepted. */
void text_analyzer_free(text_analyzer *an);

enum {
	TEXT_TERMS_KEEP_STOP = 1u << 0, /* do not drop stop words */
	TEXT_TERMS_NO_STEM = 1u << 1,   /* folded words, not stems */
	TEXT_TERMS_WORDS_ONLY = 1u << 2 /* drop numbers, emoji, placeholders */
};

/* Index terms of s[0..n): light normalisation, split, French elisions (l' d'
 * qu'...) removed, stop words dropped, Snowball stem (arabic for Arabic-script
 * words, french/english for Latin words when lang is fr/en, none for
 * Arabizi), then folding of the stem (so ة is seen by the stemmer before it
 * becomes ه). lang TEXT_LANG_UND: decided by text_langid_spans. Sets *out to an
 * arena array of NUL-terminated arena strings; returns the count (at most
 * 4096 terms). */
size_t text_terms(text_analyzer *an, arena *a, const char *s, size_t n, enum text_lang lang,
                  unsigned flags, char ***out);

#endif
