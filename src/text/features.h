/* Hashed features for the text classifiers, computed from the full
 * normalisation (normalize.h) of a message:
 *  - character 2..5-grams over the normalised text padded with spaces;
 *  - word unigrams and bigrams (tokens of tokenize.h: words, numbers, emoji,
 *    placeholders, '!' and '?'); after a negator ("not", "pas", "ما", "لا",
 *    "مش", "mch", "mouch", ...) the next 3 words are marked as negated (a
 *    separate feature), up to the next '!' or '?';
 *  - the script of the message (Arabic / Latin / none);
 *  - lexicon.h: one or several positive / negative opinion words (polarity
 *    flipped after a negator), and both polarities present;
 * Every feature is emitted twice: as is, and as a copy specific to the
 * message's language (text_langid_spans: ar, ar-Latn, fr, en, und) — "feature
 * augmentation", so that one model holds shared weights plus per-language
 * corrections (+2-3 macro-F1 points on fr/en UMSAB, see docs/TEXT.md).
 * Each feature is hashed (64-bit) into 2^bits buckets; the set of DISTINCT
 * buckets is returned (binary features; the classifier weighs each by
 * 1/sqrt(count)). Only the first 2,000 code points of a message are used. */
#ifndef MAJLIS_TEXT_FEATURES_H
#define MAJLIS_TEXT_FEATURES_H
#include <stddef.h>
#include <stdint.h>
#include "text/common.h"

#define TEXT_FEAT_MIN_BITS 10
#define TEXT_FEAT_MAX_BITS 24
/* Upper bound of the number of distinct features of one message. */
#define TEXT_FEAT_MAX 16384

/* Per-thread feature extractor (owns buffers; not thread-safe). bits in
 * [TEXT_FEAT_MIN_BITS, TEXT_FEAT_MAX_BITS]; NULL when out of range. Free with
 * text_featurizer_free. */
typedef struct text_featurizer text_featurizer;
text_featurizer *text_featurizer_new(unsigned bits);
/* Frees it; NULL accepted. */
void text_featurizer_free(text_featurizer *f);
/* The number of hash bits it was made with. */
unsigned text_featurizer_bits(const text_featurizer *f);

/* Distinct feature buckets (each < 2^bits, in no particular order) of
 * s[0..n) (cut to TEXT_MAX_BYTES; invalid UTF-8 tolerated). *idx points to
 * memory owned by f, valid until the next call. Returns the count (0 for an
 * empty message). */
size_t text_features(text_featurizer *f, const char *s, size_t n, const uint32_t **idx);

/* Number of tokens (words, numbers, emoji, placeholders, '!'/'?') the last
 * text_features call saw: 0 means an empty message after normalisation. */
size_t text_featurizer_tokens(const text_featurizer *f);

/* Language of the message the last text_features call saw (text_langid_spans
 * of its tokens; TEXT_LANG_UND before the first call). */
enum text_lang text_featurizer_lang(const text_featurizer *f);

#endif
