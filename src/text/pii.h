/* Personal data in free text, and the one masking function for public views.
 * Detection works on a digit-folded view of the text (Arabic-Indic and
 * Persian digits count as digits) and reports byte spans of the original.
 *
 * Rules (chosen to keep false positives on ordinary numbers low):
 *  - e-mail: local@domain.tld (tld of 2+ letters);
 *  - phone, digits possibly grouped by single spaces, dots, dashes, slashes
 *    or parentheses:
 *      +212 / 00212 then 9 digits starting 5 6 7 (Morocco, "(0)" allowed),
 *      +213 / 00213 then 9 digits starting 2-7 (Algeria),
 *      +216 / 00216 then 8 digits (Tunisia),
 *      any other "+" or "00" then 8-15 digits (E.164),
 *      national 0[5-7] + 8 digits (Morocco and Algeria mobile/fixed, and
 *      Algerian 0[2-4] + 7 digits... NOT taken: too close to ordinary numbers),
 *      Tunisian national 8 digits starting 2 4 5 7 9 ONLY when written in
 *      groups (22 123 456, 22.123.456) or after a phone word (tel, tél,
 *      phone, gsm, whatsapp, هاتف, رقم, الهاتف, واتساب, اتصل, numéro, num);
 *  - national identity number:
 *      Moroccan CIN: 1-2 capital letters immediately followed by 5-6 digits
 *      (AB123456, J12345); with a space, or lower-case, only after an ID word;
 *      Algerian NIN: exactly 18 digits;
 *      Tunisian CIN: exactly 8 digits after an ID word (cin, carte, identité,
 *      id, بطاقة, التعريف, هوية, رقم) or 8 digits starting with 0;
 *  - IBAN: 2 letters, 2 digits, 11-30 alphanumerics (groups of 4 allowed),
 *    valid ISO 13616 mod-97 check; Moroccan RIB: exactly 24 digits;
 *  - payment card: 13-19 digits (groups allowed) passing the Luhn check;
 *  - never: a digit string of one repeated digit (0000000000), a CIN shape
 *    inside a @mention or #hashtag.
 * Words count as "context" when they occur in the 40 bytes before a number. */
#ifndef MAJLIS_TEXT_PII_H
#define MAJLIS_TEXT_PII_H
#include <stddef.h>
#include "core/arena.h"

enum pii_kind {
	PII_EMAIL = 1u << 0,
	PII_PHONE = 1u << 1,
	PII_NATIONAL_ID = 1u << 2,
	PII_IBAN = 1u << 3, /* IBAN or RIB */
	PII_CARD = 1u << 4,
};

typedef struct pii_match {
	size_t start, end; /* byte span [start, end) of the input */
	unsigned kind;     /* one enum pii_kind */
} pii_match;

/* Finds personal data in s[0..n) (cut to TEXT_MAX_BYTES); writes at most max
 * non-overlapping matches in text order to out; returns the count. Never
 * fails; invalid UTF-8 bytes are treated as separators. */
size_t pii_find(const char *s, size_t n, pii_match *out, size_t max);

/* The public-view masking: a copy of text where every match of pii_find is
 * replaced by [email], [phone], [id], [iban] or [card]. Owned by the arena;
 * NULL text gives "". *found_kinds (may be NULL) receives the OR of the kinds
 * found (0: nothing masked). Text past TEXT_MAX_BYTES is dropped. */
char *pii_mask(arena *a, const char *text, unsigned *found_kinds);

/* "email", "phone", "id", "iban", "card" (one kind bit), "" otherwise. */
const char *pii_kind_name(unsigned kind);

#endif
