/* Unit tests of the untrusted-input parsers and policies of src/http:
 * urlenc (forms, query strings, paths), cookie, auth (roles), ratelimit. */
#include "tap.h"
#include "core/arena.h"
#include "core/util.h"
#include "http/auth.h"
#include "http/cookie.h"
#include "http/kv.h"
#include "http/ratelimit.h"
#include "http/urlenc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LIT(s) (s), (sizeof(s) - 1)

static enum urlenc_status parse(arena *a, const char *s, struct kvlist *l)
{
	memset(l, 0, sizeof *l);
	return urlenc_parse(a, s, strlen(s), l, 16, 1024);
}

static void test_urlenc_parse(void)
{
	arena *a = arena_new();
	struct kvlist l;

	is_int(parse(a, "a=1&b=hello+world&c=%41%42", &l), URLENC_OK, "simple form parses");
	is_int(l.n, 3, "three pairs");
	is_str(kv_get(&l, "a"), "1", "a=1");
	is_str(kv_get(&l, "b"), "hello world", "'+' is a space in forms");
	is_str(kv_get(&l, "c"), "AB", "%41%42 decoded");
	ok(l.n == 3 && !strcmp(l.items[0].name, "a") && !strcmp(l.items[2].name, "c"), "insertion order kept");

	is_int(parse(a, "q=caf%C3%A9&t=%D8%B3%D9%84%D8%A7%D9%85", &l), URLENC_OK, "UTF-8 escapes parse");
	is_str(kv_get(&l, "q"), "café", "French decoded");
	is_str(kv_get(&l, "t"), "سلام", "Arabic decoded");
	is_int(parse(a, "t=سلام&e=%e2%82%ac", &l), URLENC_OK, "raw UTF-8 and lower-case hex accepted");
	is_str(kv_get(&l, "t"), "سلام", "raw UTF-8 kept");
	is_str(kv_get(&l, "e"), "€", "lower-case escapes");
	is_int(parse(a, "a=%2B%26%3D%25", &l), URLENC_OK, "escaped delimiters");
	is_str(kv_get(&l, "a"), "+&=%", "escaped + & = % are literal");
	is_int(parse(a, "first+name=Ali", &l), URLENC_OK, "'+' in a name");
	is_str(kv_get(&l, "first name"), "Ali", "name decoded too");

	is_int(parse(a, "a=1&&b=2&", &l), URLENC_OK, "empty pairs skipped");
	is_int(l.n, 2, "only real pairs");
	is_int(parse(a, "", &l), URLENC_OK, "empty input");
	is_int(l.n, 0, "no pairs from empty input");
	is_int(parse(a, "&&&", &l), URLENC_OK, "only separators");
	is_int(l.n, 0, "no pairs from separators");
	is_int(parse(a, "flag&x=1", &l), URLENC_OK, "pair without '='");
	is_str(kv_get(&l, "flag"), "", "missing '=' gives an empty value");
	is_str(kv_get(&l, "x"), "1", "next pair still parsed");
	is_int(parse(a, "a=1=2", &l), URLENC_OK, "second '=' is part of the value");
	is_str(kv_get(&l, "a"), "1=2", "value keeps '='");
	is_int(parse(a, "a=", &l), URLENC_OK, "empty value");
	is_str(kv_get(&l, "a"), "", "empty value is \"\"");
	is_int(parse(a, "tag=x&tag=y&tag=z", &l), URLENC_OK, "repeated names");
	is_int(kv_count(&l, "tag"), 3, "kv_count counts repeats");
	is_str(kv_get(&l, "tag"), "x", "kv_get gives the first");
	ok(kv_get(&l, "nope") == NULL, "kv_get of an absent name is NULL");

	is_int(parse(a, "%G1=x", &l), URLENC_BAD_ESCAPE, "%G1 is a bad escape");
	is_int(parse(a, "a=%4", &l), URLENC_BAD_ESCAPE, "truncated %4 is a bad escape");
	is_int(parse(a, "a=%", &l), URLENC_BAD_ESCAPE, "lone % is a bad escape");
	is_int(parse(a, "a=%4&b=1", &l), URLENC_BAD_ESCAPE, "truncated escape before '&'");
	is_int(parse(a, "a=%zz", &l), URLENC_BAD_ESCAPE, "%zz is a bad escape");
	is_int(parse(a, "a=%FF", &l), URLENC_BAD_UTF8, "%FF is not UTF-8");
	is_int(parse(a, "a=%C3", &l), URLENC_BAD_UTF8, "truncated UTF-8 sequence");
	is_int(parse(a, "a=%C0%AF", &l), URLENC_BAD_UTF8, "overlong encoding");
	is_int(parse(a, "a=%ED%A0%80", &l), URLENC_BAD_UTF8, "surrogate");
	is_int(parse(a, "a=%00", &l), URLENC_BAD_UTF8, "NUL byte rejected");
	is_int(parse(a, "a=%1B", &l), URLENC_BAD_UTF8, "control character rejected");
	is_int(parse(a, "%FF=1", &l), URLENC_BAD_UTF8, "bad UTF-8 in a name");
	is_int(parse(a, "a=\xff", &l), URLENC_BAD_UTF8, "raw invalid byte");
	is_int(parse(a, "a=line1%0D%0Aline2%09", &l), URLENC_OK, "CR LF TAB allowed in values");

	/* Limits. */
	memset(&l, 0, sizeof l);
	is_int(urlenc_parse(a, LIT("a=1&b=2&c=3"), &l, 3, 100), URLENC_OK, "exactly max_fields");
	memset(&l, 0, sizeof l);
	is_int(urlenc_parse(a, LIT("a=1&b=2&c=3&d=4"), &l, 3, 100), URLENC_TOO_MANY, "max_fields + 1");
	memset(&l, 0, sizeof l);
	is_int(urlenc_parse(a, LIT("a=1&&&&b=2&&&&c=3&&&"), &l, 3, 100), URLENC_OK,
	       "empty pairs do not count as fields");
	char buf[4096];
	memset(&l, 0, sizeof l);
	snprintf(buf, sizeof buf, "v=%0*d", 10, 0);
	is_int(urlenc_parse(a, buf, strlen(buf), &l, 4, 10), URLENC_OK, "value of max_value bytes");
	memset(&l, 0, sizeof l);
	snprintf(buf, sizeof buf, "v=%0*d", 11, 0);
	is_int(urlenc_parse(a, buf, strlen(buf), &l, 4, 10), URLENC_TOO_LONG, "value of max_value+1 bytes");
	memset(&l, 0, sizeof l);
	is_int(urlenc_parse(a, LIT("v=%41%41%41%41%41%41%41%41%41%41"), &l, 4, 10), URLENC_OK,
	       "escaped value decoding to max_value bytes");
	memset(&l, 0, sizeof l);
	is_int(urlenc_parse(a, LIT("v=%41%41%41%41%41%41%41%41%41%41%41"), &l, 4, 10), URLENC_TOO_LONG,
	       "escaped value decoding to max_value+1 bytes");
	char name[100];
	memset(name, 'n', 64);
	strcpy(name + 64, "=x");
	memset(&l, 0, sizeof l);
	is_int(urlenc_parse(a, name, strlen(name), &l, 4, 10), URLENC_OK, "64-byte name accepted");
	memset(name, 'n', 65);
	strcpy(name + 65, "=x");
	memset(&l, 0, sizeof l);
	is_int(urlenc_parse(a, name, strlen(name), &l, 4, 10), URLENC_TOO_LONG, "65-byte name rejected");
	memset(&l, 0, sizeof l);
	is_int(urlenc_parse(a, "a=1&b=%FF", 3, &l, 4, 10), URLENC_OK, "only n bytes are parsed");
	is_int(l.n, 1, "one pair within n");
	memset(&l, 0, sizeof l);
	is_int(urlenc_parse(a, "a=%41", 4, &l, 4, 10), URLENC_BAD_ESCAPE, "escape cut by n is bad");
	arena_free(a);
}

static void test_url_encode_decode(void)
{
	arena *a = arena_new();
	is_str(url_encode(a, "abcXYZ019-_.~"), "abcXYZ019-_.~", "unreserved characters kept");
	is_str(url_encode(a, "a b&c=d/e?f#g+h%"), "a%20b%26c%3Dd%2Fe%3Ff%23g%2Bh%25", "reserved escaped");
	is_str(url_encode(a, "é"), "%C3%A9", "UTF-8 escaped per byte, upper-case hex");
	is_str(url_encode(a, ""), "", "empty");

	const char *samples[] = {
		"hello world", "café & crème = 100%", "انقطاع الماء يوم الثلاثاء", "a+b=c&d", "line\r\nbreak\ttab",
		"\xF0\x9F\x98\x80 ~._-", "/path/../x?y#z",
	};
	int all = 1;
	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		char *enc = url_encode(a, samples[i]);
		char *form = arena_printf(a, "k=%s", enc);
		struct kvlist l = {0};
		enum urlenc_status st = urlenc_parse(a, form, strlen(form), &l, 4, 1024);
		const char *back = st == URLENC_OK ? kv_get(&l, "k") : NULL;
		char *path = url_decode_path(a, enc, strlen(enc));
		if (!back || strcmp(back, samples[i]) || !path || strcmp(path, samples[i])) {
			all = 0;
			diag("round trip failed for '%s' (enc %s)", samples[i], enc);
		}
	}
	ok(all, "url_encode round-trips through urlenc_parse and url_decode_path");

	is_str(url_decode_path(a, LIT("/a%20b+c")), "/a b+c", "path: %20 decoded, '+' kept");
	is_str(url_decode_path(a, LIT("%2Fposts%2F%D8%A3")), "/posts/أ", "path: %2F and UTF-8 decoded");
	is_str(url_decode_path(a, LIT("")), "", "path: empty");
	ok(url_decode_path(a, LIT("/a%G1")) == NULL, "path: %%G1 rejected");
	ok(url_decode_path(a, LIT("/a%4")) == NULL, "path: truncated escape rejected");
	ok(url_decode_path(a, LIT("/a%")) == NULL, "path: lone %% rejected");
	ok(url_decode_path(a, LIT("/a%FF")) == NULL, "path: %%FF rejected");
	ok(url_decode_path(a, LIT("/a%00b")) == NULL, "path: %%00 rejected");
	ok(url_decode_path(a, LIT("/a%0A")) != NULL, "path: %%0A is text (LF allowed by utf8_valid_text)");
	arena_free(a);
}

static void test_cookie(void)
{
	arena *a = arena_new();
	struct kvlist l;

#define COOKIES(h) (memset(&l, 0, sizeof l), cookie_parse(a, (h), strlen(h), &l))
	COOKIES("a=1; b=2");
	is_int(l.n, 2, "two cookies");
	is_str(kv_get(&l, "a"), "1", "a");
	is_str(kv_get(&l, "b"), "2", "b");
	COOKIES("sid=\"abc123\"; lang=ar");
	is_str(kv_get(&l, "sid"), "abc123", "double quotes removed");
	is_str(kv_get(&l, "lang"), "ar", "cookie after a quoted one");
	COOKIES("q=\"\"");
	is_str(kv_get(&l, "q"), "", "empty quoted value");
	COOKIES("q=\"abc; r=1");
	ok(kv_get(&l, "q") == NULL, "unbalanced quote skipped");
	is_str(kv_get(&l, "r"), "1", "next cookie kept after an unbalanced quote");
	COOKIES("q=\"a\"b\"");
	ok(kv_get(&l, "q") == NULL, "quote inside a quoted value skipped");
	COOKIES("   a=1 ;\tb=2\t;;;  c=3  ");
	is_int(l.n, 3, "whitespace and empty pieces tolerated");
	ok(!strcmp(kv_get(&l, "a") ? kv_get(&l, "a") : "", "1") &&
		   !strcmp(kv_get(&l, "b") ? kv_get(&l, "b") : "", "2") &&
		   !strcmp(kv_get(&l, "c") ? kv_get(&l, "c") : "", "3"),
	   "values trimmed of trailing whitespace");
	COOKIES("a=x y; b=2");
	ok(kv_get(&l, "a") == NULL, "space inside a value skipped");
	is_str(kv_get(&l, "b"), "2", "following cookie kept");
	COOKIES("a=x,y; b=x\\y; c=é; d=\x01; e=ok");
	is_int(l.n, 1, "comma, backslash, non-ASCII, control values skipped");
	is_str(kv_get(&l, "e"), "ok", "the good one kept");
	COOKIES("no-equals; =empty-name; f=5; g");
	is_int(l.n, 1, "pieces without '=' or without a name skipped");
	is_str(kv_get(&l, "f"), "5", "f kept");
	COOKIES("h=a=b");
	is_str(kv_get(&l, "h"), "a=b", "'=' allowed in a value");
	COOKIES("x y=1; z=2");
	ok(kv_get(&l, "x y") == NULL && kv_get(&l, "z") && !strcmp(kv_get(&l, "z"), "2"), "space in a name skipped");
	COOKIES("");
	is_int(l.n, 0, "empty header");
	COOKIES(";;; ;");
	is_int(l.n, 0, "only separators");
	COOKIES("a=1; a=2");
	is_int(kv_count(&l, "a"), 2, "duplicate names kept");
	is_str(kv_get(&l, "a"), "1", "first duplicate wins");

	char hdr[8192] = "";
	for (int i = 0; i < 40; i++) {
		char piece[32];
		snprintf(piece, sizeof piece, "%sk%d=%d", i ? "; " : "", i, i);
		strcat(hdr, piece);
	}
	COOKIES(hdr);
	is_int(l.n, 32, "at most 32 pairs kept");
	is_str(kv_get(&l, "k31"), "31", "the first 32 are the ones kept");
	ok(kv_get(&l, "k32") == NULL, "the 33rd is dropped");

	char *big = malloc(5000);
	strcpy(big, "big=");
	memset(big + 4, 'v', 4096);
	strcpy(big + 4 + 4096, "; s=1");
	COOKIES(big);
	ok(kv_get(&l, "big") && strlen(kv_get(&l, "big")) == 4096, "4096-byte value kept");
	memset(big + 4, 'v', 4097);
	strcpy(big + 4 + 4097, "; s=1");
	COOKIES(big);
	ok(kv_get(&l, "big") == NULL, "4097-byte value skipped");
	is_str(kv_get(&l, "s"), "1", "next cookie kept after an oversized one");
	free(big);

	memset(&l, 0, sizeof l);
	cookie_parse(a, "a=1; b=2", 3, &l);
	ok(l.n == 1 && !strcmp(l.items[0].value, "1"), "only n bytes are read");
#undef COOKIES
	arena_free(a);
}

static void test_auth(void)
{
	for (int r = ROLE_AGENT; r < ROLE_COUNT; r++) {
		const char *n = role_name((enum role)r);
		ok(n[0] && role_parse(n) == (enum role)r, "role %d round-trips as '%s'", r, n);
	}
	is_str(role_name(ROLE_AGENT), "agent", "agent");
	is_str(role_name(ROLE_EDITOR), "editor", "editor");
	is_str(role_name(ROLE_MODERATOR), "moderator", "moderator");
	is_str(role_name(ROLE_ANALYST), "analyst", "analyst");
	is_str(role_name(ROLE_ADMIN), "admin", "admin");
	is_str(role_name(ROLE_NONE), "", "ROLE_NONE has an empty name");
	is_str(role_name((enum role)99), "", "out of range gives \"\"");
	is_str(role_name((enum role)-1), "", "negative gives \"\"");
	is_int(role_parse("Editor"), ROLE_NONE, "role names are case-sensitive");
	is_int(role_parse(""), ROLE_NONE, "empty name");
	is_int(role_parse(NULL), ROLE_NONE, "NULL name");
	is_int(role_parse("root"), ROLE_NONE, "unknown name");

	ok(!principal_can(NULL, ROLE_AGENT, 0), "anonymous can do nothing (any dept)");
	ok(!principal_can(NULL, ROLE_EDITOR, 1), "anonymous can do nothing (dept 1)");
	ok(!principal_is_staff(NULL), "anonymous is not staff");

	struct principal citizen = {.user_id = 7, .name = "Citizen"};
	ok(!principal_can(&citizen, ROLE_AGENT, 0), "citizen without grants cannot act");
	ok(!principal_is_staff(&citizen), "citizen is not staff");

	struct grant eg[] = {{ROLE_EDITOR, 1}, {ROLE_AGENT, 2}};
	struct principal ed = {.user_id = 8, .grants = eg, .ngrants = 2};
	ok(principal_is_staff(&ed), "a granted user is staff");
	ok(principal_can(&ed, ROLE_EDITOR, 1), "editor in dept 1");
	ok(!principal_can(&ed, ROLE_EDITOR, 2), "not editor in dept 2");
	ok(principal_can(&ed, ROLE_AGENT, 2), "agent in dept 2");
	ok(!principal_can(&ed, ROLE_AGENT, 1), "not agent in dept 1 (roles do not imply each other)");
	ok(principal_can(&ed, ROLE_EDITOR, 0), "editor in some department (dept 0)");
	ok(!principal_can(&ed, ROLE_MODERATOR, 0), "no moderator grant anywhere");
	ok(!principal_can(&ed, ROLE_ADMIN, 1), "editor is not department admin");

	struct grant ag[] = {{ROLE_ADMIN, 3}};
	struct principal da = {.user_id = 9, .grants = ag, .ngrants = 1};
	int every = 1;
	for (int r = ROLE_AGENT; r < ROLE_COUNT; r++)
		every &= principal_can(&da, (enum role)r, 3);
	ok(every, "department admin holds every role in its department");
	int none = 1;
	for (int r = ROLE_AGENT; r < ROLE_COUNT; r++)
		none &= !principal_can(&da, (enum role)r, 4);
	ok(none, "department admin holds no role in another department");
	ok(principal_can(&da, ROLE_EDITOR, 0), "department admin is an editor somewhere");

	struct principal sa = {.user_id = 1, .site_admin = true};
	int all = 1;
	for (int r = ROLE_AGENT; r < ROLE_COUNT; r++)
		all &= principal_can(&sa, (enum role)r, 42) && principal_can(&sa, (enum role)r, 0);
	ok(all, "site admin holds every role everywhere");
	ok(principal_is_staff(&sa), "site admin is staff without grants");
}

static void test_ratelimit(void)
{
	int retry = -1;
	int allowed = 0;
	for (int i = 0; i < 5; i++)
		allowed += ratelimit_take("test-ip:10.0.0.1", 5, 60, &retry);
	is_int(allowed, 5, "five events within a limit of five");
	retry = -1;
	ok(!ratelimit_take("test-ip:10.0.0.1", 5, 60, &retry), "the sixth is denied");
	ok(retry > 0 && retry <= 60, "retry_after within the window (%d)", retry);
	ok(!ratelimit_take("test-ip:10.0.0.1", 5, 60, NULL), "denied again; NULL retry_after accepted");
	ok(ratelimit_take("test-ip:10.0.0.2", 5, 60, &retry), "another key is independent");
	ratelimit_clear("test-ip:10.0.0.1");
	ok(ratelimit_take("test-ip:10.0.0.1", 5, 60, &retry), "after clear the key is allowed again");
	ratelimit_clear("never-seen");
	ok(1, "clearing an unknown key is harmless");

	ok(ratelimit_take("test-short", 1, 1, &retry), "1 per second: first");
	ok(!ratelimit_take("test-short", 1, 1, &retry), "1 per second: second denied");
	ok(retry >= 0 && retry <= 1, "retry_after at most the window (%d)", retry);
	usleep(2100 * 1000);
	ok(ratelimit_take("test-short", 1, 1, &retry), "allowed again after the window passed");

	/* Many keys in one bucket chain and many buckets. */
	char key[64];
	int okall = 1;
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "bulk-%d", i);
		okall &= ratelimit_take(key, 1, 60, NULL);
	}
	ok(okall, "5000 distinct keys each allowed once");
	okall = 1;
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "bulk-%d", i);
		okall &= !ratelimit_take(key, 1, 60, NULL);
	}
	ok(okall, "and each denied the second time");
	ratelimit_shutdown();
	ok(ratelimit_take("bulk-1", 1, 60, NULL), "shutdown forgets every key");
	ratelimit_shutdown();
}

int main(void)
{
	test_urlenc_parse();
	test_url_encode_decode();
	test_cookie();
	test_auth();
	test_ratelimit();
	return done_testing();
}
