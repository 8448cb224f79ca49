/* Shared definitions of the text engine (src/text): language codes and input limits.
 * The text engine does no I/O except cli.c and the model loader; nothing here
 * touches HTTP or the database. */
#ifndef MAJLIS_TEXT_COMMON_H
#define MAJLIS_TEXT_COMMON_H
#include <stddef.h>

/* Languages/scripts the engine knows. TEXT_LANG_UND: no letters, or unknown. */
enum text_lang {
	TEXT_LANG_UND = 0,
	TEXT_LANG_AR,      /* Arabic in Arabic script (MSA and dialects, incl. Darija) */
	TEXT_LANG_AR_LATN, /* Arabic dialect in Latin script ("Arabizi") */
	TEXT_LANG_FR,
	TEXT_LANG_EN,
	TEXT_LANG_COUNT
};

/* Every entry point reads at most this many bytes of its input; the rest is
 * ignored (cut at a code point boundary). Bounds time and memory per call. */
#define TEXT_MAX_BYTES (64 * 1024)

/* "ar", "ar-Latn", "fr", "en" or "und"; static storage, never NULL. */
const char *text_lang_code(enum text_lang l);
/* Parses a code as printed by text_lang_code (case-insensitive; "arabizi" and
 * "ar-latn" accepted); TEXT_LANG_UND for anything else, including NULL. */
enum text_lang text_lang_parse(const char *code);
/* Length of s[0..n) cut to at most TEXT_MAX_BYTES without splitting a UTF-8
 * sequence. */
size_t text_clamp_len(const char *s, size_t n);

#endif
