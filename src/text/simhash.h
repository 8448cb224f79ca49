/* Near-duplicate detection: 64-bit SimHash over the fully normalised text
 * (normalize.h), shingles = overlapping 4-code-point windows of the text
 * plus word unigrams of 3+ bytes, so that short messages still get enough
 * features. Two texts whose fingerprints differ in at most
 * TEXT_NEAR_DUP_BITS bits are near duplicates. */
#ifndef MAJLIS_TEXT_SIMHASH_H
#define MAJLIS_TEXT_SIMHASH_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TEXT_NEAR_DUP_BITS 14

/* Fingerprint of s[0..n) (cut to TEXT_MAX_BYTES; invalid UTF-8 tolerated);
 * 0 for a text without any letter, digit or emoji. Thread-safe. */
uint64_t text_simhash(const char *s, size_t n);
/* Number of differing bits. */
int text_hamming(uint64_t a, uint64_t b);
/* True when a and b (NUL-terminated; NULL counts as empty) are near
 * duplicates: equal after normalisation, or simhash distance at most
 * TEXT_NEAR_DUP_BITS. Two empty texts are not duplicates. */
bool text_near_duplicate(const char *a, const char *b);

#endif
