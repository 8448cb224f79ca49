/* Sentiment classifier: one-vs-rest L2-regularised logistic regressions
 * (liblinear L2R_LR, one binary problem per label) over features.h, idf-weighted
 * and L2-normalised, optionally NB-LR scaled (folded into the weights); each
 * label is learnt only from the corpora that annotate it (a pos/neg-only corpus
 * such as TSAC takes no part in the "neu" problem). Probabilities as liblinear's
 * predict_probability computes them for one-vs-rest (sigmoid of each label's
 * decision value, normalised to sum 1). A routed model holds one such model per
 * group of languages and scores a message with its language's model.
 *
 * Single model file ("MJSENT01", little-endian):
 *   8  bytes  magic "MJSENT01"
 *   u32       header length H, then H bytes of "key=value\n" text:
 *             version=..., bits=B, labels=neg,neu,pos, quant=sqrt-int8,
 *             features=<id of features.c's extraction; others are refused>,
 *             weighting=idf (absent: binary features), ...
 *   f32 x L   per-label weight scale (max |w|), then f32 x L biases
 *   u32       compressed length Z, then Z bytes of zlib data holding
 *             2^B x L int8 weights, feature-major; w = sign(q)(|q|/127)^2 scale.
 *   with weighting=idf: f32 idf max, u32 Z2, Z2 bytes of zlib data holding 2^B
 *             bytes (0 = unseen bucket, 1..32 = idf levels over [1, max]).
 * Routed model file ("MJSENTG1"): magic, u32 H and a header as above with
 *   groups=ar,und/ar-Latn/fr/en (no quant/weights keys), u32 G, then G x
 *   (u32 length, a single model file image), every one with the same bits and
 *   labels; languages not named in groups= go to the first group.
 * Loaded models are read-only and may be shared by threads; a featurizer is
 * per thread. */
#ifndef MAJLIS_TEXT_SENTIMENT_H
#define MAJLIS_TEXT_SENTIMENT_H
#include <stddef.h>
#include "text/features.h"

#define SENT_MAX_LABELS 8
#define SENT_LABEL_MAX 16
#define SENT_MAX_GROUPS 4

typedef struct sent_model sent_model;

/* Parses a model from memory (copied; data may be freed afterwards). NULL on
 * error with a message in err (errlen bytes, may be 0). */
sent_model *sent_model_from_memory(const void *data, size_t len, char *err, size_t errlen);
/* Reads a model file (at most 64 MB). NULL on error with a message in err. */
sent_model *sent_model_load(const char *path, char *err, size_t errlen);
/* The default model: $MAJLIS_MODEL if set (an error if it does not load), else
 * the embedded file "models/sentiment.model" (core/embedded.h), else
 * ./models/sentiment.model, else <dir of /proc/self/exe>/../models/ and
 * <dir>/models/. NULL with err set when none is found. If where is not NULL
 * it receives a short description of the source (wherelen bytes). */
sent_model *sent_model_default(char *err, size_t errlen, char *where, size_t wherelen);
/* Writes m to path (atomically: path.tmp then rename). 0 or -1 with err set. */
int sent_model_save(const sent_model *m, const char *path, char *err, size_t errlen);
/* Frees it; NULL accepted. */
void sent_model_free(sent_model *m);

/* Accessors; strings are owned by the model. */
const char *sent_model_version(const sent_model *m);
unsigned sent_model_bits(const sent_model *m);
unsigned sent_model_nlabels(const sent_model *m);
const char *sent_model_label(const sent_model *m, unsigned i);
/* Index of the label called name, -1 when absent. */
int sent_model_label_index(const sent_model *m, const char *name);

/* Classifies s[0..n) with f (made with the model's bits: else -1). prob (may be
 * NULL) receives the probability of every label. mask restricts the
 * decision: bit i set = label i allowed, 0 = all; the returned confidence is
 * the chosen label's probability renormalised over the allowed labels.
 * A message with no token at all after normalisation (empty, only spaces,
 * punctuation or invalid bytes) gets "neu" when allowed (else the first
 * allowed label) with confidence 1/(number of allowed labels).
 * Returns the chosen label index. */
int sent_predict(const sent_model *m, text_featurizer *f, const char *s, size_t n, unsigned mask,
                 double *confidence, double *prob);

/* Training options. */
typedef struct sent_train_opts {
	double C;          /* > 0: use it; <= 0: choose by k-fold cross-validation */
	unsigned bits;     /* hash bits, 0 = 17 */
	int folds;         /* cross-validation folds, 0 = 3 */
	double cv_seconds; /* stop trying more C values after this long, 0 = 300 */
	const char *const *corpus_labels; /* per example, comma-separated labels its corpus
	                                     annotates ("neg,pos" for TSAC); NULL: all */
	int binary;        /* 1: every feature weighs 1 (before the L2 norm); 0: idf */
	int nb;            /* 1: NB-LR, features scaled by naive-Bayes log-count ratios */
	const char *groups; /* NULL/"": one model; else "ar,ar-Latn,und/fr/en": one model per
	                       group of languages (text_featurizer_lang), a message is
	                       scored by its language's group (unnamed languages: group 0) */
	const char *note;  /* free text stored in the header (training files...) */
	int verbose;       /* progress on stderr */
} sent_train_opts;

/* Trains on n examples (labels[i], texts[i]); the label set is the distinct
 * labels seen (at most SENT_MAX_LABELS, sorted). C <= 0: chosen among
 * 0.5..32 by k-fold cross-validation (fold = index mod k) on macro-F1. NULL
 * on error with err set. */
sent_model *sent_train(const char *const *labels, const char *const *texts, size_t n,
                       const sent_train_opts *o, char *err, size_t errlen);

#endif
