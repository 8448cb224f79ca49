/* libFuzzer harness over `majlis analyze`'s pipeline (insight_csv_analyze):
 * libcsv parsing with the limits, the UTF-8 checks, the column lookup, the
 * per-row analysis (language, sentiment with the real model, PII, terms) and
 * the CSV writer. The first input line chooses nothing: the text column is
 * always "text", so inputs whose header has it reach the analysis.
 *
 * Build: fuzz/build.sh fuzz_csv_analyze (run from the repository root, where
 * ./models/sentiment.model is found; the embedded copy is not linked). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "core/embedded.h"
#include "features/insight/insight.h"

/* The fuzz build does not generate the embedded files: the model is read
 * from ./models/sentiment.model instead. */
const struct embedded_file *embedded_find(const char *path)
{
	(void)path;
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	if (!sink)
		sink = fopen("/dev/null", "w");
	if (!sink || size == 0)
		return 0;
	FILE *in = fmemopen((void *)data, size, "rb");
	if (!in)
		return 0;
	char err[512];
	insight_csv_analyze(in, sink, sink, "text", err, sizeof err);
	fclose(in);
	return 0;
}
