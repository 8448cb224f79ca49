/* Normalisation of Arabic (script and Arabizi), French and English text for
 * matching, search and classification. Rules are driven by script, code point
 * by code point, so mixed-language messages are handled in one pass:
 *
 *  - invalid UTF-8 bytes, NUL and control characters become spaces; runs of
 *    white space become one space; the result is trimmed and on one line;
 *  - NFKC + case folding + default-ignorable removal (utf8proc), so Arabic
 *    presentation forms and full-width letters become ordinary letters;
 *  - Arabic diacritics (harakat, tanwin, shadda, sukun, superscript alef,
 *    Quranic marks) and tatweel are removed; Arabic-Indic and Persian digits
 *    become ASCII digits; ، ؛ ؟ become , ; ?
 *  - a letter or punctuation mark repeated 3+ times is capped to 2 ("cooool"
 *    -> "cool", "ثااانيه" -> "ثاانيه"): 2, not 1, keeps real doubles such as
 *    "الله", "cool", "barcha" intact. Digits are never capped nor removed
 *    (Arabizi digit-letters 2 3 5 7 9 stay);
 *  - URLs (also a bare "http"), e-mail addresses and @mentions become the
 *    placeholders <url>, <email>, <user>; '#' and '_' of hashtags become
 *    spaces; emoji are kept;
 *  - TEXT_NORM_FOLD (the default of text_normalize) then folds for matching:
 *    أ إ آ ٱ -> ا, ى -> ي, ؤ -> و, ئ -> ي, ة -> ه, ک -> ك, ی -> ي; Latin
 *    accents removed (é -> e, ç -> c), œ -> oe, æ -> ae.
 * Without TEXT_NORM_FOLD (the "light" form) ة, ى, hamza seats and accents are
 * kept, which is what the Snowball stemmers need: stem the light form, then
 * fold the stem (text_fold). */
#ifndef MAJLIS_TEXT_NORMALIZE_H
#define MAJLIS_TEXT_NORMALIZE_H
#include <stddef.h>
#include "core/arena.h"
#include "core/strbuf.h"
#include "text/common.h"

enum {
	TEXT_NORM_FOLD = 1u << 0,            /* letter/accent folding for matching */
	TEXT_NORM_NO_PLACEHOLDERS = 1u << 1, /* keep URLs, e-mails, mentions as text */
};

/* Full normalisation (TEXT_NORM_FOLD) of s[0..n), n cut to TEXT_MAX_BYTES.
 * lang is reserved (the rules are script-driven, so it changes nothing
 * today); the result is a NUL-terminated string owned by the arena, "" for
 * empty input; never fails on invalid UTF-8. */
char *text_normalize(arena *a, const char *s, size_t n, enum text_lang lang);

/* Same with explicit TEXT_NORM_* flags, appending to out (which is NOT reset
 * first; callers reuse one strbuf across calls). Returns the number of bytes
 * appended. Never fails (allocation failure aborts, see strbuf.h). */
size_t text_normalize_into(strbuf *out, const char *s, size_t n, enum text_lang lang, unsigned flags);

/* Folding only (the TEXT_NORM_FOLD letter/accent map, no other rule) of an
 * already light-normalised token s[0..n), appended to out. Returns bytes
 * appended. */
size_t text_fold_into(strbuf *out, const char *s, size_t n);

#endif
