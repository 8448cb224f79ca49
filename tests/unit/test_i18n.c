/* Unit tests of src/web/i18n: the three embedded catalogs load, every key is
 * present and non-empty in ar, fr and en (i18n_missing lists the gaps), lookups
 * fall back to English then to the key, text direction, and date/number
 * formatting per language. */
#include "tap.h"
#include "core/strbuf.h"
#include "web/i18n.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(void)
{
	char err[256] = "";
	setenv("TZ", "UTC", 1);
	tzset();
	if (!ok(i18n_init(err, sizeof err), "i18n_init loads the embedded catalogs")) {
		diag("i18n_init: %s", err);
		return done_testing();
	}

	strbuf sb = STRBUF_INIT;
	int missing = i18n_missing(&sb);
	if (!is_int(missing, 0, "no catalog key is missing or empty in ar, fr or en"))
		diag("missing keys (lang: key):\n%s", sb_str(&sb));
	sb_free(&sb);

	/* Keys every page needs, present and distinct per language. */
	static const char *const keys[] = {"site.name", "home.title", "posts.title", "status.404", "form.required",
					   "month.1", "month.12", "kind.announcement", "status.scheduled"};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const char *ar = T("ar", keys[i]), *fr = T("fr", keys[i]), *en = T("en", keys[i]);
		ok(strcmp(ar, keys[i]) && strcmp(fr, keys[i]) && strcmp(en, keys[i]) && *ar && *fr && *en,
		   "%s is translated in ar, fr and en", keys[i]);
	}
	ok(strcmp(T("ar", "home.title"), T("en", "home.title")) != 0, "Arabic text differs from English");
	is_str(T("de", "home.title"), T("en", "home.title"), "an unsupported language falls back to English");
	is_str(T("fr", "no.such.key"), "no.such.key", "an unknown key falls back to the key itself");
	is_str(T(NULL, "no.such.key"), "no.such.key", "a NULL language is handled");

	ok(lang_supported("ar") && lang_supported("fr") && lang_supported("en"), "ar, fr, en are supported");
	ok(!lang_supported("de") && !lang_supported("") && !lang_supported(NULL) && !lang_supported("AR"),
	   "de, empty, NULL and AR are not");
	is_str(lang_dir("ar"), "rtl", "Arabic is right-to-left");
	is_str(lang_dir("fr"), "ltr", "French is left-to-right");
	is_str(lang_dir("en"), "ltr", "English is left-to-right");

	/* 2026-11-28 14:05 UTC */
	time_t t = 1795874700;
	for (int i = 0; i < 3; i++) {
		strbuf d = STRBUF_INIT;
		fmt_date(&d, i18n_langs[i], t, true);
		char want[128];
		snprintf(want, sizeof want, "28 %s 2026 14:05", T(i18n_langs[i], "month.11"));
		is_str(sb_str(&d), want, "fmt_date in the language's month name");
		sb_free(&d);
	}
	/* Every month of the year has a name in every language. */
	for (int i = 0; i < 3; i++) {
		int named = 0;
		for (int m = 1; m <= 12; m++) {
			char key[16];
			snprintf(key, sizeof key, "month.%d", m);
			named += strcmp(T(i18n_langs[i], key), key) != 0;
		}
		is_int(named, 12, "12 month names in the catalog");
	}
	strbuf n = STRBUF_INIT;
	fmt_int(&n, "en", 1234567);
	is_str(sb_str(&n), "1,234,567", "fmt_int groups by thousands in en");
	sb_reset(&n);
	fmt_int(&n, "fr", -1234);
	is_str(sb_str(&n), "-1\u202f234", "fmt_int uses a narrow no-break space in fr");
	sb_reset(&n);
	fmt_int(&n, "ar", 999);
	is_str(sb_str(&n), "999", "fmt_int leaves small numbers alone");
	sb_free(&n);

	i18n_shutdown();
	return done_testing();
}
