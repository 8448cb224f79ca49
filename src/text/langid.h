/* Language/script identification of one message: ar (Arabic script), ar-Latn
 * (Arabizi), fr, en. Rules, no model file:
 *  - Arabic-script letters >= Latin letters -> ar;
 *  - otherwise each Latin word votes: Arabizi for digit-letters inside words
 *    ("3lach", "7aja", "m3alem", "9albi"; ordinals and codes such as "2eme",
 *    "mp3", "g20", "4ever" excluded) and for a list of Darija/Tunisian words
 *    ("barcha", "mzyan", "wlh", "bzf", "khoya", "rabi", ...); French and
 *    English for their function words and a few frequent words; French also
 *    for accented letters. Words in more than one list vote for none.
 *  - no vote at all: ar-Latn with a low confidence (0.4, 0.5 when a Darija
 *    spelling pattern such as kh/gh/dh is seen): measured on TSAC, Latin
 *    text without a French/English function word is mostly Arabizi. */
#ifndef MAJLIS_TEXT_LANGID_H
#define MAJLIS_TEXT_LANGID_H
#include <stddef.h>
#include "text/common.h"
#include "text/tokenize.h"

/* Language of s[0..n) (cut to TEXT_MAX_BYTES; invalid UTF-8 tolerated).
 * TEXT_LANG_UND when there is no letter. *confidence (may be NULL) gets a
 * value in [0,1]. Thread-safe. */
enum text_lang text_langid(const char *s, size_t n, double *confidence);

/* The same decision from tokens already split (tokenize.h) out of normalised
 * text (light or folded: with folded text accents no longer vote fr). */
enum text_lang text_langid_spans(const text_span *tok, size_t k, double *confidence);

#endif
