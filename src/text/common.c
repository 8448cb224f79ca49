#include "text/common.h"
#include <strings.h>

const char *text_lang_code(enum text_lang l)
{
	switch (l) {
	case TEXT_LANG_AR: return "ar";
	case TEXT_LANG_AR_LATN: return "ar-Latn";
	case TEXT_LANG_FR: return "fr";
	case TEXT_LANG_EN: return "en";
	default: return "und";
	}
}

enum text_lang text_lang_parse(const char *code)
{
	if (!code)
		return TEXT_LANG_UND;
	if (!strcasecmp(code, "ar"))
		return TEXT_LANG_AR;
	if (!strcasecmp(code, "ar-latn") || !strcasecmp(code, "arabizi"))
		return TEXT_LANG_AR_LATN;
	if (!strcasecmp(code, "fr"))
		return TEXT_LANG_FR;
	if (!strcasecmp(code, "en"))
		return TEXT_LANG_EN;
	return TEXT_LANG_UND;
}

size_t text_clamp_len(const char *s, size_t n)
{
	if (n <= TEXT_MAX_BYTES)
		return n;
	n = TEXT_MAX_BYTES;
	/* back off continuation bytes so that a sequence is not split */
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}
