/* Private to sentiment.c (model files, prediction) and sentiment_train.c
 * (training): the layout of a loaded model. Nothing else includes it (but
 * tests/unit/test_text.c, for sent_parse_groups). */
#ifndef MAJLIS_TEXT_SENTIMENT_IMPL_H
#define MAJLIS_TEXT_SENTIMENT_IMPL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "text/common.h"
#include "text/sentiment.h"

/* Names the feature extraction of features.c; a model trained with another
 * one is refused. Change it whenever features.c changes what it emits. */
#define SENT_FEATURES_ID "majlis-feat/3 char2-5,word1-2,neg3,script,lexicon,lang-aug,l2norm"

struct sent_model {
	unsigned bits, nl;
	char labels[SENT_MAX_LABELS][SENT_LABEL_MAX];
	char *header;            /* "key=value\n" lines, NUL-terminated */
	char version[160];
	/* A single model (ng == 0): */
	float scale[SENT_MAX_LABELS], bias[SENT_MAX_LABELS];
	int8_t *q;               /* quantised weights, 2^bits x nl (kept quantised in memory:
	                            4x smaller than floats, so prediction stays in cache) */
	float deq[SENT_MAX_LABELS][256]; /* q + 128 -> weight, per label */
	uint8_t *idf;            /* NULL (binary features) or 2^bits quantised idf, see sent_idf_value */
	float idf_max, idf_of[256];
	/* A routed model (ng > 0): a message is scored by sub[route[its language]];
	 * every sub has the same bits and labels as the router. */
	unsigned ng;
	sent_model *sub[SENT_MAX_GROUPS];
	uint8_t route[TEXT_LANG_COUNT];
};

/* printf-style message into err (errlen bytes; nothing when err is NULL). */
void sent_seterr(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The idf a stored byte stands for: 0 = a bucket no training message had
 * (left out of the dot product and of the norm), 1..32 = linear over [1, max]. */
float sent_idf_value(uint8_t q, float max);
/* The byte (1..32) that stores idf (>= 1) on the scale of max. */
uint8_t sent_idf_quantise(double idf, double max);
/* Fills m's dequantisation tables from m->scale and m->idf_max. */
void sent_dequantise(sent_model *m);
/* Parses a group list "ar,ar-Latn,und/fr/en" (groups separated by '/', the
 * languages of a group by ',') into route (languages not named go to group
 * 0) and *ng; false when malformed, a language is unknown or named twice, or
 * there are more than SENT_MAX_GROUPS groups. */
bool sent_parse_groups(const char *spec, uint8_t route[TEXT_LANG_COUNT], unsigned *ng);

#endif
