/* Unit tests of src/core: arena, strbuf, util (UTF-8, integers, slugs, times)
 * and config (keys, files, environment). */
#include "tap.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/strbuf.h"
#include "core/util.h"
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LIT(s) (s), (sizeof(s) - 1) /* a literal and its length, embedded NULs kept */

static void test_arena(void)
{
	arena *a = arena_new();
	ok(a != NULL, "arena_new");
	unsigned char *z = arena_alloc(a, 100);
	int zero = 1;
	for (int i = 0; i < 100; i++)
		zero &= z[i] == 0;
	ok(zero, "arena_alloc returns zeroed memory");
	ok(((uintptr_t)arena_alloc(a, 3) % _Alignof(max_align_t)) == 0 &&
		   ((uintptr_t)arena_alloc(a, 1) % _Alignof(max_align_t)) == 0,
	   "arena_alloc results are max-aligned");
	/* Many and large allocations (past any block size) stay valid together. */
	char *big = arena_alloc(a, 1 << 20);
	memset(big, 'x', 1 << 20);
	char *ptrs[2000];
	for (int i = 0; i < 2000; i++)
		ptrs[i] = arena_printf(a, "item-%d", i);
	int all = 1;
	for (int i = 0; i < 2000; i++) {
		char want[32];
		snprintf(want, sizeof want, "item-%d", i);
		all &= strcmp(ptrs[i], want) == 0;
	}
	ok(all && big[0] == 'x' && big[(1 << 20) - 1] == 'x', "2000 small + 1 MiB allocations coexist");
	is_str(arena_strdup(a, "سلام"), "سلام", "arena_strdup copies UTF-8");
	ok(arena_strdup(a, NULL) == NULL, "arena_strdup(NULL) is NULL");
	is_str(arena_strndup(a, "abcdef", 3), "abc", "arena_strndup cuts and terminates");
	is_str(arena_strndup(a, "", 0), "", "arena_strndup of nothing is empty");
	is_str(arena_printf(a, "%s-%d-%.2f", "x", -7, 1.5), "x--7-1.50", "arena_printf formats");
	char *longs = arena_printf(a, "%5000d", 1);
	is_int(strlen(longs), 5000, "arena_printf handles output longer than a small buffer");
	arena_free(a);
	arena_free(NULL);
	ok(1, "arena_free(NULL) is accepted");
}

static void test_strbuf(void)
{
	strbuf sb = STRBUF_INIT;
	is_str(sb_str(&sb), "", "empty strbuf reads as \"\"");
	sb_puts(&sb, "hello");
	sb_putc(&sb, ' ');
	sb_append(&sb, "worldXXX", 5);
	sb_puts(&sb, NULL);
	is_str(sb_str(&sb), "hello world", "puts/putc/append/puts(NULL)");
	is_int(sb.len, 11, "len tracks bytes");
	sb_printf(&sb, " %d%s", 42, "!");
	is_str(sb_str(&sb), "hello world 42!", "sb_printf appends");
	sb_reset(&sb);
	is_str(sb_str(&sb), "", "sb_reset empties");
	is_int(sb.len, 0, "sb_reset len 0");
	for (int i = 0; i < 10000; i++)
		sb_putc(&sb, (char)('a' + i % 26));
	is_int(sb.len, 10000, "grows past many reallocations");
	ok(sb.data[9999] == 'a' + 9999 % 26 && sb.data[10000] == 0, "contents kept, NUL-terminated");
	sb_reset(&sb);
	sb_printf(&sb, "%3000s|", "x");
	is_int(sb.len, 3001, "sb_printf longer than any initial capacity");
	char *d = sb_detach(&sb);
	is_int(strlen(d), 3001, "sb_detach hands over the string");
	ok(sb.len == 0 && sb_str(&sb)[0] == 0, "buffer empty after detach");
	free(d);
	d = sb_detach(&sb);
	ok(d != NULL && d[0] == 0, "sb_detach of an empty buffer gives \"\" (never NULL)");
	free(d);
	sb_append(&sb, "ab\0cd", 5);
	is_int(sb.len, 5, "sb_append keeps embedded NUL bytes");
	sb_free(&sb);
	ok(sb.len == 0 && sb_str(&sb)[0] == 0, "sb_free leaves an empty buffer");
	sb_puts(&sb, "again");
	is_str(sb_str(&sb), "again", "reusable after sb_free");
	sb_free(&sb);
}

static void test_utf8(void)
{
	ok(utf8_valid_text(LIT("")), "empty is valid");
	ok(utf8_valid_text(LIT("plain ascii\ttab\r\nnewline")), "ASCII with tab/CR/LF is valid");
	ok(utf8_valid_text(LIT("مرحبا بكم في البلدية")), "Arabic is valid");
	ok(utf8_valid_text(LIT("Électricité à Tétouan — ça marche")), "French with accents is valid");
	ok(utf8_valid_text(LIT("\xF0\x9F\x98\x80 emoji")), "4-byte sequence is valid");
	ok(utf8_valid_text(LIT("\xEF\xBF\xBD")), "U+FFFD is valid");
	ok(utf8_valid_text(LIT("\xF4\x8F\xBF\xBD")), "U+10FFFD (last plane) is valid");
	ok(!utf8_valid_text(LIT("\xFF")), "0xFF byte is invalid");
	ok(!utf8_valid_text(LIT("\xC3")), "truncated 2-byte sequence is invalid");
	ok(!utf8_valid_text(LIT("abc\xE2\x82")), "truncated 3-byte sequence at end is invalid");
	ok(!utf8_valid_text(LIT("\x80")), "lone continuation byte is invalid");
	ok(!utf8_valid_text(LIT("\xC3\x28")), "bad continuation is invalid");
	ok(!utf8_valid_text(LIT("\xC0\xAF")), "overlong '/' (C0 AF) is invalid");
	ok(!utf8_valid_text(LIT("\xC1\xBF")), "overlong 2-byte (C1 BF) is invalid");
	ok(!utf8_valid_text(LIT("\xE0\x80\xAF")), "overlong 3-byte '/' is invalid");
	ok(!utf8_valid_text(LIT("\xF0\x80\x80\xAF")), "overlong 4-byte '/' is invalid");
	ok(!utf8_valid_text(LIT("\xC0\x80")), "overlong NUL (modified UTF-8) is invalid");
	ok(!utf8_valid_text(LIT("\xED\xA0\x80")), "high surrogate U+D800 is invalid");
	ok(!utf8_valid_text(LIT("\xED\xBF\xBF")), "low surrogate U+DFFF is invalid");
	ok(!utf8_valid_text(LIT("\xF4\x90\x80\x80")), "U+110000 (beyond Unicode) is invalid");
	ok(!utf8_valid_text(LIT("\xF8\x88\x80\x80\x80")), "5-byte form is invalid");
	ok(!utf8_valid_text(LIT("a\0b")), "embedded NUL is invalid");
	ok(!utf8_valid_text(LIT("bell\x07")), "C0 control BEL is invalid");
	ok(!utf8_valid_text(LIT("\x1b[31m")), "ESC is invalid");
	ok(!utf8_valid_text(LIT("\x7f")), "DEL is invalid");
	ok(!utf8_valid_text(LIT("\v")), "vertical tab is invalid");
	ok(utf8_valid_text("ab\xFF", 2), "only n bytes are examined");

	is_int(utf8_length(""), 0, "utf8_length empty");
	is_int(utf8_length("abc"), 3, "utf8_length ASCII");
	is_int(utf8_length("مرحبا"), 5, "utf8_length Arabic counts code points");
	is_int(utf8_length("é\xF0\x9F\x98\x80"), 2, "utf8_length 2- and 4-byte");
	ok(utf8_text_within("مرحبا", 5) && !utf8_text_within("مرحبا", 4), "utf8_text_within counts code points");
	ok(!utf8_text_within(NULL, 10) && !utf8_text_within("a\x01", 10) && !utf8_text_within("\xff", 10),
	   "utf8_text_within: NULL, control characters and invalid UTF-8 refused");
	arena *a = arena_new();
	const char **v;
	int n = split_lines(a, "  نعم \r\n\n\t\nOui  \n  no", 5, &v);
	ok(n == 3 && !strcmp(v[0], "نعم") && !strcmp(v[1], "Oui") && !strcmp(v[2], "no"),
	   "split_lines trims, skips blank lines, keeps order");
	is_int(split_lines(a, "a\nb\nc\nd\ne", 2, &v), 3, "split_lines stops at max + 1 (too many)");
	is_int(split_lines(a, NULL, 2, &v), 0, "split_lines of NULL: none");
	arena_free(a);
}

static void test_hex_random(void)
{
	char out[65];
	hex_encode(out, (const unsigned char *)"\x00\x0f\xab\xff", 4);
	is_str(out, "000fabff", "hex_encode lower case");
	hash_hex(out, "abc", 3);
	/* BLAKE2b-256("abc") */
	is_str(out, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319", "hash_hex BLAKE2b-256");
	char r1[33], r2[33];
	random_hex(r1, 16);
	random_hex(r2, 16);
	is_int(strlen(r1), 32, "random_hex gives 2n characters");
	ok(strcmp(r1, r2) != 0, "two random tokens differ");
	ok(strspn(r1, "0123456789abcdef") == 32, "random_hex is lower-case hex");
}

static void test_parse_int64(void)
{
	int64_t v = 12345;
	ok(parse_int64("0", 0, 10, &v) && v == 0, "0");
	ok(parse_int64("-5", -10, 10, &v) && v == -5, "negative");
	ok(parse_int64("10", 0, 10, &v) && v == 10, "upper bound inclusive");
	ok(parse_int64("-10", -10, 10, &v) && v == -10, "lower bound inclusive");
	ok(parse_int64("9223372036854775807", INT64_MIN, INT64_MAX, &v) && v == INT64_MAX, "INT64_MAX");
	ok(parse_int64("-9223372036854775808", INT64_MIN, INT64_MAX, &v) && v == INT64_MIN, "INT64_MIN");
	v = 777;
	ok(!parse_int64("11", 0, 10, &v), "above max rejected");
	ok(!parse_int64("-11", -10, 10, &v), "below min rejected");
	ok(!parse_int64("9223372036854775808", INT64_MIN, INT64_MAX, &v), "overflow rejected");
	ok(!parse_int64("-9223372036854775809", INT64_MIN, INT64_MAX, &v), "underflow rejected");
	ok(!parse_int64("", 0, 10, &v), "empty rejected");
	ok(!parse_int64(NULL, 0, 10, &v), "NULL rejected");
	ok(!parse_int64(" 5", 0, 10, &v), "leading space rejected");
	ok(!parse_int64("5 ", 0, 10, &v), "trailing space rejected");
	ok(!parse_int64("5x", 0, 10, &v), "trailing garbage rejected");
	ok(!parse_int64("x5", 0, 10, &v), "leading garbage rejected");
	ok(!parse_int64("0x10", 0, 100, &v), "hex rejected");
	ok(!parse_int64("1.5", 0, 10, &v), "decimal point rejected");
	ok(!parse_int64("1e3", 0, 10000, &v), "exponent rejected");
	ok(!parse_int64("-", 0, 10, &v), "lone minus rejected");
	ok(!parse_int64("٣", 0, 10, &v), "Arabic-Indic digit rejected");
	is_int(v, 777, "failures leave *out untouched");
	ok(parse_int64("007", 0, 10, &v) && v == 7, "leading zeros are decimal, not octal");
}

static void test_slugify(void)
{
	arena *a = arena_new();
	is_str(slugify(a, "Hello, World!"), "hello-world", "English: lower-case, punctuation folded");
	is_str(slugify(a, "  --Water   cuts: Tuesday 14:00--  "), "water-cuts-tuesday-14-00",
	       "leading/trailing separators trimmed, runs folded to one '-'");
	is_str(slugify(a, "Coupure d'eau à Tétouan"), "coupure-d-eau-à-tétouan",
	       "French: accented letters kept lower-cased");
	is_str(slugify(a, "ÉTÉ ÇA"), "été-ça", "French capitals with accents are lower-cased");
	is_str(slugify(a, "Cafe\xCC\x81"), "cafe", "combining accent (decomposed) dropped");
	is_str(slugify(a, "انقطاع الماء يوم الثلاثاء"), "انقطاع-الماء-يوم-الثلاثاء", "Arabic words kept");
	is_str(slugify(a, "مَرْحَبًا بِكُمْ"), "مرحبا-بكم", "Arabic diacritics (harakat) dropped");
	is_str(slugify(a, "ميزانية ٢٠٢٦"), "ميزانية-٢٠٢٦", "Arabic-Indic digits kept");
	is_str(slugify(a, "Budget 2026 — الميزانية"), "budget-2026-الميزانية", "mixed scripts");
	is_str(slugify(a, "!!! ... ???"), "post", "all punctuation gives \"post\"");
	is_str(slugify(a, ""), "post", "empty gives \"post\"");
	is_str(slugify(a, NULL), "post", "NULL gives \"post\"");
	is_str(slugify(a, "\xF0\x9F\x98\x80\xF0\x9F\x8E\x89"), "post", "emoji only gives \"post\"");

	char title[400] = "";
	for (int i = 0; i < 40; i++)
		strcat(title, "ب");
	char *s = slugify(a, title);
	ok(strlen(s) <= 60, "Arabic slug capped at 60 bytes (got %zu)", strlen(s));
	ok(utf8_valid_text(s, strlen(s)), "Arabic slug cut on a character boundary");
	ok(strlen(s) >= 56, "Arabic slug uses the budget (%zu bytes)", strlen(s));
	char latin[300];
	memset(latin, 'a', 200);
	latin[200] = 0;
	s = slugify(a, latin);
	ok(strlen(s) <= 60 && strlen(s) >= 58, "ASCII slug capped at ~60 (got %zu)", strlen(s));
	s = slugify(a, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa b c");
	ok(strlen(s) <= 60 && s[strlen(s) - 1] != '-', "cap never leaves a trailing '-' (%s)", s);
	s = slugify(a, "é€ééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé");
	ok(strlen(s) <= 60 && utf8_valid_text(s, strlen(s)), "2-byte letters cut on a boundary");
	/* Invalid UTF-8 in a title must not crash or emit invalid bytes. */
	s = slugify(a, "abc\xFF\xFE def");
	ok(utf8_valid_text(s, strlen(s)) && strlen(s) > 0, "invalid UTF-8 title gives valid slug (%s)", s);
	arena_free(a);
}

static void test_times(void)
{
	char buf[32];
	iso8601_utc(buf, sizeof buf, 0);
	is_str(buf, "1970-01-01T00:00:00Z", "iso8601_utc epoch");
	iso8601_utc(buf, sizeof buf, 1767225600);
	is_str(buf, "2026-01-01T00:00:00Z", "iso8601_utc 2026");
	iso8601_utc(buf, sizeof buf, 1709208000);
	is_str(buf, "2024-02-29T12:00:00Z", "iso8601_utc leap day");

	time_t t = 0;
	ok(parse_datetime("2026-01-01T00:00:00Z", &t) && t == 1767225600, "Z");
	ok(parse_datetime("2026-01-01T00:00Z", &t) && t == 1767225600, "without seconds, Z");
	ok(parse_datetime("2026-01-01T01:00:00+01:00", &t) && t == 1767225600, "+01:00 offset");
	ok(parse_datetime("2025-12-31T19:30:00-04:30", &t) && t == 1767225600, "-04:30 offset");
	ok(parse_datetime("2026-01-01T05:45+05:45", &t) && t == 1767225600, "+05:45 (Nepal) without seconds");
	ok(parse_datetime("2024-02-29T12:00:00Z", &t) && t == 1709208000, "leap day accepted");
	time_t keep = 42;
	t = keep;
	ok(!parse_datetime("2026-02-31T10:00Z", &t), "31 February rejected");
	ok(!parse_datetime("2026-02-29T10:00Z", &t), "29 February in a common year rejected");
	ok(!parse_datetime("2026-04-31T10:00Z", &t), "31 April rejected");
	ok(!parse_datetime("2026-13-01T10:00Z", &t), "month 13 rejected");
	ok(!parse_datetime("2026-00-10T10:00Z", &t), "month 0 rejected");
	ok(!parse_datetime("2026-01-00T10:00Z", &t), "day 0 rejected");
	ok(!parse_datetime("2026-01-01T24:00Z", &t), "hour 24 rejected");
	ok(!parse_datetime("2026-01-01T10:60Z", &t), "minute 60 rejected");
	ok(!parse_datetime("2026-01-01T10:00+15:00", &t), "offset beyond +14 rejected");
	ok(!parse_datetime("2026-01-01T10:00+0100", &t), "offset without colon rejected");
	ok(!parse_datetime("2026-01-01T10:00z", &t), "lower-case z rejected");
	ok(!parse_datetime("2026-01-01T10:00Zjunk", &t), "junk after Z rejected");
	ok(!parse_datetime("2026-01-01T10", &t), "hour without minutes rejected");
	ok(!parse_datetime("2026-1-01T10:00Z", &t), "one-digit month rejected");
	ok(!parse_datetime("26-01-01T10:00Z", &t), "two-digit year rejected");
	ok(!parse_datetime("1969-12-31T23:59Z", &t), "before 1970 rejected");
	ok(!parse_datetime("", &t), "empty rejected");
	ok(!parse_datetime(NULL, &t), "NULL rejected");
	ok(!parse_datetime("tomorrow", &t), "words rejected");
	is_int(t, keep, "failures leave *out untouched");

	/* Negative fields slip through sscanf's %2d: these must be rejected too. */
	ok(!parse_datetime("2026-01-15T10:-5Z", &t), "negative minutes rejected");
	ok(!parse_datetime("2026-01-15T10:00:-1Z", &t), "negative seconds rejected");
	ok(!parse_datetime("2026-01-15T10:00+-1:00", &t), "negative offset hours rejected");

	/* Values without a zone are local time. */
	const char *old = getenv("TZ");
	char *saved = old ? strdup(old) : NULL;
	setenv("TZ", "Africa/Casablanca", 1); /* UTC+1 outside Ramadan since 2018 */
	tzset();
	ok(parse_datetime("2026-01-15T10:00", &t), "no zone accepted");
	is_int(t, 1768467600, "2026-01-15T10:00 Casablanca = 09:00Z");
	ok(parse_datetime("2026-01-15 10:00", &t) && t == 1768467600, "space separator");
	ok(parse_datetime("2026-01-15", &t), "date only accepted");
	is_int(t, 1768435200 - 3600, "date only is local midnight");
	ok(!parse_datetime("2026-02-31", &t), "date only 31 February rejected");
	setenv("TZ", "UTC", 1);
	tzset();
	ok(parse_datetime("2026-01-15T10:00", &t) && t == 1768471200, "TZ=UTC local equals UTC");
	setenv("TZ", "America/New_York", 1);
	tzset();
	ok(parse_datetime("2026-07-01T12:00", &t) && t == 1782864000 + 16 * 3600, "New York summer (EDT)");
	if (saved) {
		setenv("TZ", saved, 1);
		free(saved);
	} else {
		unsetenv("TZ");
	}
	tzset();

	int64_t n1 = now_s();
	ok(n1 > 1700000000 && n1 - (int64_t)time(NULL) <= 1, "now_s is wall clock");
	int64_t m1 = mono_us();
	usleep(2000);
	int64_t m2 = mono_us();
	ok(m2 - m1 >= 1500, "mono_us advances in microseconds (%lld)", (long long)(m2 - m1));
}

static void test_config_set(void)
{
	struct config c, ref;
	char err[512];
	config_defaults(&c);
	is_str(c.listen_host, "127.0.0.1", "default host");
	is_int(c.listen_port, 8080, "default port");
	is_str(c.default_lang, "ar", "default language is Arabic");
	is_str(c.timezone, "Africa/Casablanca", "default zone");

#define GOOD(key, val, check, name)                                                            \
	do {                                                                                   \
		err[0] = 0;                                                                    \
		ok(config_set(&c, key, val, err, sizeof err) && (check), "%s", name);          \
		if (err[0])                                                                    \
			diag("unexpected error: %s", err);                                     \
	} while (0)
#define BAD(key, val, name)                                                                    \
	do {                                                                                   \
		err[0] = 0;                                                                    \
		ref = c;                                                                       \
		ok(!config_set(&c, key, val, err, sizeof err), "%s rejected", name);           \
		ok(strstr(err, "'" key "'") != NULL, "%s: message names the key: %s", name, err); \
		ok(memcmp(&ref, &c, sizeof c) == 0, "%s: config unchanged", name);             \
	} while (0)

	GOOD("listen", "0.0.0.0:9000", !strcmp(c.listen_host, "0.0.0.0") && c.listen_port == 9000, "listen host:port");
	GOOD("listen", "[::1]:8443", !strcmp(c.listen_host, "[::1]") && c.listen_port == 8443, "listen IPv6");
	BAD("listen", "9000", "listen without host");
	BAD("listen", ":9000", "listen empty host");
	BAD("listen", "localhost:0", "listen port 0");
	BAD("listen", "localhost:65536", "listen port 65536");
	BAD("listen", "localhost:http", "listen port name");
	BAD("listen", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:80", "listen host too long");

	GOOD("db", "/var/lib/majlis/m.db", !strcmp(c.db_path, "/var/lib/majlis/m.db"), "db path");
	BAD("db", "", "db empty");
	char longpath[700];
	memset(longpath, 'p', sizeof longpath - 1);
	longpath[sizeof longpath - 1] = 0;
	err[0] = 0;
	ok(!config_set(&c, "db", longpath, err, sizeof err) && strstr(err, "'db'"), "db too long rejected naming key");
	GOOD("media_dir", "/srv/media", !strcmp(c.media_dir, "/srv/media"), "media_dir");
	BAD("media_dir", "", "media_dir empty");

	GOOD("base_url", "https://city.example.ma/", !strcmp(c.base_url, "https://city.example.ma"),
	     "base_url trailing slash removed");
	GOOD("base_url", "http://127.0.0.1:8080///", !strcmp(c.base_url, "http://127.0.0.1:8080"),
	     "base_url several trailing slashes removed");
	BAD("base_url", "ftp://x", "base_url ftp");
	BAD("base_url", "city.example.ma", "base_url without scheme");
	BAD("base_url", "javascript:alert(1)", "base_url javascript");

	GOOD("default_lang", "fr", !strcmp(c.default_lang, "fr"), "default_lang fr");
	GOOD("default_lang", "en", !strcmp(c.default_lang, "en"), "default_lang en");
	BAD("default_lang", "de", "default_lang de");
	BAD("default_lang", "AR", "default_lang upper case");

	GOOD("timezone", "Europe/Paris", !strcmp(c.timezone, "Europe/Paris"), "timezone");
	BAD("timezone", "../../etc/passwd", "timezone path traversal");
	BAD("timezone", "/etc/localtime", "timezone absolute path");
	BAD("timezone", "", "timezone empty");

	GOOD("threads", "0", c.threads == 0, "threads 0");
	GOOD("threads", "16", c.threads == 16, "threads 16");
	BAD("threads", "-1", "threads -1");
	BAD("threads", "257", "threads 257");
	BAD("threads", "four", "threads word");

	GOOD("body_limit", "1048576", c.body_limit == 1048576, "body_limit");
	BAD("body_limit", "1023", "body_limit too small");
	BAD("body_limit", "1073741825", "body_limit too large");
	BAD("body_limit", "1M", "body_limit with unit");

	GOOD("request_timeout", "30", c.request_timeout == 30, "request_timeout");
	BAD("request_timeout", "0", "request_timeout 0");
	BAD("request_timeout", "3601", "request_timeout 3601");

	GOOD("quiet", "true", c.quiet, "quiet true");
	GOOD("quiet", "false", !c.quiet, "quiet false");
	BAD("quiet", "yes", "quiet yes");

	err[0] = 0;
	ref = c;
	ok(!config_set(&c, "colour", "blue", err, sizeof err), "unknown key rejected");
	ok(strstr(err, "'colour'") != NULL, "unknown key named: %s", err);
	ok(memcmp(&ref, &c, sizeof c) == 0, "unknown key changes nothing");
	char tiny[8];
	ok(!config_set(&c, "threads", "x", tiny, sizeof tiny) && strlen(tiny) < sizeof tiny,
	   "a small error buffer is not overrun");
#undef GOOD
#undef BAD

	struct config f;
	config_defaults(&f);
	ok(config_finish(&f, err, sizeof err), "defaults finish");
	is_str(f.media_dir, "var/media", "media_dir derived beside the database");
	config_defaults(&f);
	strcpy(f.db_path, "m.db");
	ok(config_finish(&f, err, sizeof err) && !strcmp(f.media_dir, "media"), "media_dir for a bare file name");
	config_defaults(&f);
	strcpy(f.timezone, "Mars/Olympus_Mons");
	ok(!config_finish(&f, err, sizeof err) && strstr(err, "'timezone'"), "unknown zone rejected by finish: %s", err);
}

static void test_config_file_env(void)
{
	char dir[] = "/tmp/majlis-test-core-XXXXXX";
	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return;
	}
	char path[256];
	snprintf(path, sizeof path, "%s/majlis.conf", dir);
	FILE *fp = fopen(path, "w");
	fputs("# majlis configuration\n"
	      "\n"
	      "listen = 0.0.0.0:8081\n"
	      "   db=/srv/m.db   \n"
	      "\t# indented comment\n"
	      "default_lang = fr\n"
	      "base_url = https://city.example.ma/\n",
	      fp);
	fclose(fp);
	struct config c;
	char err[512] = "";
	config_defaults(&c);
	ok(config_load_file(&c, path, err, sizeof err), "good file loads");
	if (err[0])
		diag("error: %s", err);
	ok(c.listen_port == 8081 && !strcmp(c.listen_host, "0.0.0.0"), "listen from file");
	is_str(c.db_path, "/srv/m.db", "values trimmed");
	is_str(c.default_lang, "fr", "default_lang from file");
	is_str(c.base_url, "https://city.example.ma", "base_url from file");

	fp = fopen(path, "w");
	fputs("threads = 4\n# fine\n\nthreads = lots\nquiet = true\n", fp);
	fclose(fp);
	config_defaults(&c);
	ok(!config_load_file(&c, path, err, sizeof err), "bad value fails");
	char want[300];
	snprintf(want, sizeof want, "%s:4:", path);
	ok(strncmp(err, want, strlen(want)) == 0, "error starts with file:line: %s", err);
	ok(strstr(err, "'threads'") != NULL, "error names the key");
	is_int(c.threads, 4, "lines before the bad one applied");
	ok(!c.quiet, "lines after the bad one not applied");

	fp = fopen(path, "w");
	fputs("listen = 127.0.0.1:1\njust some words\n", fp);
	fclose(fp);
	ok(!config_load_file(&c, path, err, sizeof err), "line without '=' fails");
	snprintf(want, sizeof want, "%s:2:", path);
	ok(strncmp(err, want, strlen(want)) == 0, "missing '=' reported at file:2: %s", err);

	fp = fopen(path, "w");
	fputs("nosuchkey = 1\n", fp);
	fclose(fp);
	ok(!config_load_file(&c, path, err, sizeof err) && strstr(err, "'nosuchkey'") && strstr(err, ":1:"),
	   "unknown key in file reported with line: %s", err);

	char missing[300];
	snprintf(missing, sizeof missing, "%s/absent.conf", dir);
	ok(!config_load_file(&c, missing, err, sizeof err) && strstr(err, "absent.conf"),
	   "missing file reported with its path: %s", err);
	unlink(path);
	rmdir(dir);

	config_defaults(&c);
	setenv("MAJLIS_LISTEN", "10.0.0.1:7000", 1);
	setenv("MAJLIS_DEFAULT_LANG", "en", 1);
	setenv("MAJLIS_REQUEST_TIMEOUT", "60", 1);
	setenv("MAJLIS_QUIET", "true", 1);
	ok(config_load_env(&c, err, sizeof err), "environment loads");
	ok(!strcmp(c.listen_host, "10.0.0.1") && c.listen_port == 7000, "MAJLIS_LISTEN");
	is_str(c.default_lang, "en", "MAJLIS_DEFAULT_LANG (underscored key upper-cased)");
	is_int(c.request_timeout, 60, "MAJLIS_REQUEST_TIMEOUT");
	ok(c.quiet, "MAJLIS_QUIET");
	setenv("MAJLIS_THREADS", "many", 1);
	ok(!config_load_env(&c, err, sizeof err), "bad environment value fails");
	ok(strstr(err, "'threads'") != NULL, "env error names the key: %s", err);
	unsetenv("MAJLIS_LISTEN");
	unsetenv("MAJLIS_DEFAULT_LANG");
	unsetenv("MAJLIS_REQUEST_TIMEOUT");
	unsetenv("MAJLIS_QUIET");
	unsetenv("MAJLIS_THREADS");
	config_defaults(&c);
	ok(config_load_env(&c, err, sizeof err) && c.listen_port == 8080, "no variables: defaults kept");
}

int main(void)
{
	test_arena();
	test_strbuf();
	test_utf8();
	test_hex_random();
	test_parse_int64();
	test_slugify();
	test_times();
	test_config_set();
	test_config_file_env();
	return done_testing();
}
