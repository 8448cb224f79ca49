/* Message catalogs: i18n/ar.txt, fr.txt, en.txt ("key = value" lines), compiled
 * into the binary. Every user-visible string goes through T(). */
#ifndef MAJLIS_WEB_I18N_H
#define MAJLIS_WEB_I18N_H
#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include "core/arena.h"
#include "core/strbuf.h"

extern const char *const i18n_langs[3]; /* "ar", "fr", "en" */

/* Parses the embedded catalogs; call once at start. false (with a message in err)
 * when a catalog line is malformed. */
bool i18n_init(char *err, size_t errn);
/* Frees the catalogs. */
void i18n_shutdown(void);
/* The text for key in lang (falls back to en, then to the key itself). Static
 * storage until i18n_shutdown. */
const char *T(const char *lang, const char *key);
/* Fills a catalog template: "{1}".."{9}" are replaced by args[0..n-1] (a
 * missing argument leaves ""); everything else, '%' included, is copied as is,
 * so a translator's typo can never become a format-string bug. Arena-owned. */
char *T_fill(arena *a, const char *tmpl, int n, const char *const *args);
/* True when lang is one of ar, fr, en. */
bool lang_supported(const char *lang);
/* "rtl" for ar, "ltr" otherwise. */
const char *lang_dir(const char *lang);
/* Writes into sb every key that is missing or empty in some catalog, one per
 * line as "lang: key"; returns how many. */
int i18n_missing(strbuf *sb);
/* Appends a date ("28 نوفمبر 2026", "28 novembre 2026", "28 November 2026") in
 * the configured time zone; with_time adds " 14:05". */
void fmt_date(strbuf *sb, const char *lang, time_t t, bool with_time);
/* Appends n with the language's grouping (1 234 in fr, 1,234 in en, 1٬234 in ar
 * with Western digits as used in the Maghreb). */
void fmt_int(strbuf *sb, const char *lang, long long n);

#endif
