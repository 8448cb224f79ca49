/* Near-duplicate detection over the fully normalised text (normalize.h)
 * without punctuation. Shingles = overlapping 4-code-point windows.
 *  - text_simhash: a 64-bit SimHash (shingles, plus words of 3+ bytes) for
 *    finding CANDIDATES among many stored messages: distance at most
 *    TEXT_NEAR_DUP_BITS (measured: rewritten messages 0-13 bits, unrelated
 *    ones mostly 25+, but short unrelated texts can fall below 14);
 *  - text_resemblance / text_near_duplicate: the exact Jaccard resemblance of
 *    the two shingle sets, to confirm a candidate. */
#ifndef MAJLIS_TEXT_SIMHASH_H
#define MAJLIS_TEXT_SIMHASH_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TEXT_NEAR_DUP_BITS 12
#define TEXT_NEAR_DUP_RESEMBLANCE 0.5

/* Fingerprint of s[0..n) (cut to TEXT_MAX_BYTES; invalid UTF-8 tolerated);
 * 0 for a text without any letter, digit or emoji. Thread-safe. */
uint64_t text_simhash(const char *s, size_t n);
/* Number of differing bits. */
int text_hamming(uint64_t a, uint64_t b);
/* Jaccard resemblance in [0,1] of the shingle sets of a and b
 * (NUL-terminated, NULL = empty; only the first 4,096 code points count);
 * 0 when either is empty after normalisation. */
double text_resemblance(const char *a, const char *b);
/* True when text_resemblance(a, b) >= TEXT_NEAR_DUP_RESEMBLANCE. Two empty
 * texts are not duplicates. */
bool text_near_duplicate(const char *a, const char *b);

#endif
