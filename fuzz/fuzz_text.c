/* libFuzzer harness over the whole text engine: normalisation (both forms),
 * splitting, index terms (stop words + Snowball), language id, PII detection
 * and masking, SimHash / near-duplicates, sentiment features and prediction
 * with a tiny model trained once. Inputs are arbitrary bytes (invalid UTF-8,
 * NULs, huge repeats).
 *
 * Build and run (from the repository root):
 *   mkdir -p build-fuzz && clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c17 \
 *     -D_GNU_SOURCE -Isrc fuzz/fuzz_text.c \
 *     $(find src/text -name '*.c' ! -name cli.c ! -name sentiment_default.c) src/core/arena.c src/core/strbuf.c \
 *     -lutf8proc -lstemmer -llinear -lz -lm -lpthread -o build-fuzz/fuzz_text
 *   build-fuzz/fuzz_text -max_total_time=10 -max_len=4096
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/arena.h"
#include "core/strbuf.h"
#include "text/features.h"
#include "text/langid.h"
#include "text/normalize.h"
#include "text/pii.h"
#include "text/sentiment.h"
#include "text/simhash.h"
#include "text/tokenize.h"

static sent_model *model;
static text_featurizer *feat;
static text_analyzer *an;

static void setup(void)
{
	static const char *const lab[] = {"pos", "neg", "neu", "pos", "neg", "neu"};
	static const char *const txt[] = {"merci bravo", "nul honteux", "la réunion", "شكرا ممتاز", "سيء جدا",
	                                  "الاجتماع"};
	/* a routed NB-LR model: Arabic script in one group, the rest in the other */
	sent_train_opts o = {.C = 1, .bits = 12, .nb = 1, .groups = "ar/fr,en,ar-Latn,und"};
	char err[128];
	model = sent_train(lab, txt, 6, &o, err, sizeof err);
	feat = text_featurizer_new(12);
	an = text_analyzer_new();
	if (!model || !feat || !an)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!model)
		setup();
	const char *s = (const char *)data;
	arena *a = arena_new();
	strbuf sb = STRBUF_INIT;

	char *full = text_normalize(a, s, size, TEXT_LANG_UND);
	if (strlen(full) > 4 * size + 16)
		abort();
	text_normalize_into(&sb, s, size, TEXT_LANG_FR, 0);
	sb_reset(&sb);
	text_fold_into(&sb, s, size);

	text_span sp[256];
	size_t k = text_split(full, strlen(full), sp, 256);
	for (size_t i = 0; i < k; i++)
		if (sp[i].s < full || sp[i].s + sp[i].len > full + strlen(full))
			abort();
	char **terms;
	for (int l = 0; l < TEXT_LANG_COUNT; l++)
		text_terms(an, a, s, size, (enum text_lang)l, 0, &terms);

	double conf;
	enum text_lang lang = text_langid(s, size, &conf);
	if (lang >= TEXT_LANG_COUNT || conf < 0 || conf > 1)
		abort();

	char *z = arena_strndup(a, s, size); /* NUL-terminated copy (stops at a NUL) */
	unsigned kinds;
	pii_mask(a, z, &kinds);
	pii_match m[64];
	size_t nm = pii_find(s, size, m, 64);
	for (size_t i = 0; i < nm; i++)
		if (m[i].start >= m[i].end || m[i].end > size || (i && m[i].start < m[i - 1].end))
			abort();

	text_simhash(s, size);
	size_t half = strlen(z) / 2;
	char *left = arena_strndup(a, z, half);
	text_near_duplicate(left, z + half);

	const uint32_t *idx;
	size_t nf = text_features(feat, s, size, &idx);
	for (size_t i = 0; i < nf; i++)
		if (idx[i] >= (1u << 12))
			abort();
	double prob[SENT_MAX_LABELS];
	int best = sent_predict(model, feat, s, size, 0, &conf, prob);
	if (best < 0 || conf < 0 || conf > 1)
		abort();
	sent_model_free(sent_model_from_memory(data, size, NULL, 0)); /* model parser on junk */

	sb_free(&sb);
	arena_free(a);
	return 0;
}
