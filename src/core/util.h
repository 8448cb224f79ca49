/* Small helpers with no domain knowledge: UTF-8 checks, random tokens, hex,
 * slugs, number parsing, time formatting. */
#ifndef MAJLIS_CORE_UTIL_H
#define MAJLIS_CORE_UTIL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "core/arena.h"

/* True when s[0..n) is valid UTF-8 with no NUL and no C0 control other than
 * tab, CR and LF. */
bool utf8_valid_text(const char *s, size_t n);
/* Number of code points in a valid UTF-8 string. */
size_t utf8_length(const char *s);
/* True when s is not NULL, valid text (utf8_valid_text) and at most maxchars
 * code points long. */
bool utf8_text_within(const char *s, size_t maxchars);
/* Splits text (NULL = "") into its lines, each trimmed of white space, empty
 * ones skipped, into *out (arena). Stops after max + 1 lines, so that a
 * result above max tells "too many". Returns the count. */
int split_lines(arena *a, const char *text, int max, const char ***out);

/* Fills out with n random bytes encoded as 2n hex characters plus NUL
 * (out must hold 2n+1). Cryptographically secure (libsodium). */
void random_hex(char *out, size_t n);
/* Lower-case hex of n bytes into out (2n+1 bytes). */
void hex_encode(char *out, const unsigned char *in, size_t n);
/* Hex of the 32-byte BLAKE2b hash of s (65 bytes out). */
void hash_hex(char *out, const char *s, size_t n);

/* Parses a whole decimal integer in [min, max]; false on anything else. */
bool parse_int64(const char *s, int64_t min, int64_t max, int64_t *out);

/* URL slug of a title: letters and digits of any script kept (lower-cased),
 * everything else folded to single '-', at most ~60 bytes, never empty ("post"). */
char *slugify(arena *a, const char *title);

/* ISO-8601 UTC "YYYY-MM-DDTHH:MM:SSZ" into out (at least 21 bytes). */
void iso8601_utc(char *out, size_t n, time_t t);
/* Parses "YYYY-MM-DDTHH:MM[:SS][Z|±hh:mm]" or "YYYY-MM-DD HH:MM"; a value
 * without zone is taken in the process's local zone (the configured one). */
bool parse_datetime(const char *s, time_t *out);

/* Seconds since the epoch, wall clock. */
int64_t now_s(void);
/* Monotonic microseconds, for latencies. */
int64_t mono_us(void);

#endif
