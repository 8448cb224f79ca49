/* Unit tests of src/web/markdown: rendering, safety of raw HTML and links,
 * input limits, and the plain-text summary. */
#include "tap.h"
#include "core/util.h"
#include "web/markdown.h"
#include <ctype.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

#define LIT(s) (s), (sizeof(s) - 1)

/* Case-insensitive substring search. */
static int has(const char *hay, const char *needle)
{
	if (!hay)
		return 0;
	size_t n = strlen(needle);
	for (const char *p = hay; *p; p++)
		if (strncasecmp(p, needle, n) == 0)
			return 1;
	return 0;
}

static char *render(const char *md)
{
	return markdown_render(md, strlen(md));
}

static void check_render(const char *md, const char *want, const char *name)
{
	char *h = render(md);
	ok(h && strstr(h, want), "%s", name);
	if (!h || !strstr(h, want))
		diag("input: %s\ngot: %s\nwanted to contain: %s", md, h ? h : "NULL", want);
	free(h);
}

static void check_safe(const char *md, const char *const *bad, const char *name)
{
	char *h = render(md);
	int safe = h != NULL;
	for (int i = 0; safe && bad[i]; i++)
		if (has(h, bad[i])) {
			safe = 0;
			diag("found '%s' in: %s", bad[i], h);
		}
	ok(safe, "%s", name);
	free(h);
}

static void test_render(void)
{
	check_render("# Title", "<h1>Title</h1>", "heading 1");
	check_render("### عنوان فرعي", "<h3>عنوان فرعي</h3>", "Arabic heading 3");
	check_render("*em* and **strong**", "<em>em</em> and <strong>strong</strong>", "emphasis");
	check_render("[site](https://example.org/a?b=1&c=2)", "<a href=\"https://example.org/a?b=1&amp;c=2\">site</a>",
		     "link with escaped ampersand");
	check_render("- one\n- two\n", "<li>one</li>", "list");
	check_render("`x < y`", "<code>x &lt; y</code>", "inline code escaped");
	check_render("a < b & c > d", "a &lt; b &amp; c &gt; d", "text escaped");
	check_render("\"quoted\"", "\xE2\x80\x9C" "quoted" "\xE2\x80\x9D", "smart quotes");
	check_render("", "", "empty input renders");
	check_render("![alt](https://example.org/i.png)", "<img src=\"https://example.org/i.png\" alt=\"alt\"",
		     "image with https URL");
	check_render("[mail](mailto:info@example.org)", "href=\"mailto:info@example.org\"", "mailto kept");
}

static void test_safety(void)
{
	const char *script[] = {"<script", NULL};
	check_safe("<script>alert(1)</script>", script, "raw <script> block never passes");
	check_safe("text <script>alert(1)</script> more", script, "inline <script> never passes");
	check_safe("<SCRIPT SRC=//evil.example/x.js></SCRIPT>", script, "upper-case SCRIPT never passes");
	const char *img[] = {"onerror", "<img src=x", NULL};
	check_safe("<img src=x onerror=alert(1)>", img, "raw <img onerror> never passes");
	check_safe("hello <img src=x onerror=alert(1)> world", img, "inline <img onerror> never passes");
	const char *iframe[] = {"<iframe", "<svg", "onload", "<style", NULL};
	check_safe("<iframe src=\"https://evil.example\"></iframe>\n\n<svg onload=alert(1)>\n\n<style>*{}</style>",
		   iframe, "iframe, svg, style never pass");
	/* The text "javascript:..." may appear as escaped link text; never as a URL. */
	const char *js[] = {"href=\"javascript", "src=\"javascript", "href=\" javascript", NULL};
	check_safe("[click](javascript:alert(1))", js, "javascript: link dropped");
	check_safe("[click](JaVaScRiPt:alert(1))", js, "mixed-case javascript: link dropped");
	check_safe("[click]( javascript:alert(1) )", js, "spaced javascript: link dropped");
	check_safe("<javascript:alert(1)>", js, "javascript: autolink dropped");
	check_safe("[x][r]\n\n[r]: javascript:alert(1)", js, "javascript: reference link dropped");
	check_safe("![x](javascript:alert(1))", js, "javascript: image dropped");
	const char *vb[] = {"href=\"vbscript:", NULL};
	check_safe("[x](vbscript:msgbox(1))", vb, "vbscript: link dropped");
	const char *data[] = {"href=\"data:text/html", NULL};
	check_safe("[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", data, "data:text/html link dropped");
	const char *attr[] = {"\" onmouseover", NULL};
	check_safe("[x](https://example.org \"t\\\" onmouseover=\\\"alert(1)\")", attr,
		   "title cannot break out of its attribute");
	char *h = render("[x](https://example.org/\"onmouseover=\"alert(1))");
	ok(h && !strstr(h, "\" onmouseover") && !strstr(h, "\"onmouseover=\"alert"), "quote in URL escaped");
	if (h && (strstr(h, "\" onmouseover") || strstr(h, "\"onmouseover=\"alert")))
		diag("got: %s", h);
	free(h);
}

static void test_limits(void)
{
	ok(markdown_render(LIT("bad \xFF byte")) == NULL, "invalid UTF-8 gives NULL");
	ok(markdown_render(LIT("overlong \xC0\xAF")) == NULL, "overlong UTF-8 gives NULL");
	ok(markdown_render(LIT("nul \0 byte")) == NULL, "NUL byte gives NULL");
	ok(markdown_render(LIT("esc \x1b[31m")) == NULL, "control character gives NULL");
	ok(markdown_plain(LIT("bad \xFF byte"), 100) == NULL, "markdown_plain: invalid UTF-8 gives NULL");

	size_t n = MARKDOWN_MAX;
	char *big = malloc(n + 2);
	memset(big, 'a', n + 1);
	for (size_t i = 80; i < n + 1; i += 81)
		big[i] = '\n';
	big[n + 1] = 0;
	char *h = markdown_render(big, n);
	ok(h != NULL, "exactly MARKDOWN_MAX bytes accepted");
	free(h);
	ok(markdown_render(big, n + 1) == NULL, "MARKDOWN_MAX + 1 bytes gives NULL");
	ok(markdown_plain(big, n + 1, 100) == NULL, "markdown_plain: over the limit gives NULL");
	free(big);

	/* Deep nesting must not blow the stack or take long. */
	size_t depth = 50000;
	char *nest = malloc(depth * 2 + 1);
	for (size_t i = 0; i < depth; i++)
		nest[i] = '>';
	nest[depth] = ' ';
	memset(nest + depth + 1, '[', depth - 1);
	nest[depth * 2] = 0;
	h = markdown_render(nest, strlen(nest));
	ok(h != NULL, "50000 nested block quotes and brackets render");
	free(h);
	free(nest);
}

static void test_plain(void)
{
	char *p = markdown_plain(LIT("# Title\n\nSome *emphasis* and **strong** [link](https://x.org) `code`."), 1000);
	is_str(p, "Title Some emphasis and strong link code.", "markup stripped, blocks separated by a space");
	free(p);
	p = markdown_plain(LIT("line one\nline two"), 1000);
	is_str(p, "line one line two", "soft break becomes a space");
	free(p);
	p = markdown_plain(LIT("before <script>alert(1)</script> after\n\n<div>block</div>\n\nend"), 1000);
	ok(p && !has(p, "<script") && !has(p, "<div") && strstr(p, "before") && strstr(p, "end"),
	   "raw HTML omitted from plain text (%s)", p ? p : "NULL");
	free(p);
	p = markdown_plain(LIT("- a\n- b\n"), 1000);
	is_str(p, "a b", "list items separated");
	free(p);
	p = markdown_plain(LIT(""), 10);
	is_str(p, "", "empty gives \"\"");
	free(p);

	const char *ar = "انقطاع الماء في حي السلام يوم الثلاثاء من الساعة التاسعة صباحا";
	static const char ell[] = "\xe2\x80\xa6";
	for (size_t max = 1; max <= 40; max++) {
		p = markdown_plain(ar, strlen(ar), max);
		size_t n = p ? strlen(p) : 0;
		bool has_ell = n >= 3 && !strcmp(p + n - 3, ell);
		size_t body = has_ell ? n - 3 : n;
		if (!p || n > max || !utf8_valid_text(p, n) || strncmp(p, ar, body) || (body && !has_ell)) {
			ok(0, "Arabic cut at %zu bytes: '%s'", max, p ? p : "NULL");
			free(p);
			goto done;
		}
		free(p);
	}
	ok(1, "Arabic text cut at every max 1..40: valid UTF-8, a prefix plus an ellipsis, within max");
done:
	p = markdown_plain(ar, strlen(ar), 15);
	is_str(p, "انقطاع…", "cut at 15 bytes: the first word and an ellipsis");
	free(p);
	p = markdown_plain(ar, strlen(ar), 14);
	is_str(p, "انقطا…", "no word boundary before: the split letter is dropped");
	free(p);
	p = markdown_plain(ar, strlen(ar), 30);
	is_str(p, "انقطاع الماء…", "cut back to the last space, not mid-word");
	free(p);
	p = markdown_plain(ar, strlen(ar), 3);
	is_str(p, "", "no room for any letter gives \"\"");
	free(p);
	p = markdown_plain(ar, strlen(ar), 1000);
	is_str(p, ar, "short enough: unchanged, no ellipsis");
	free(p);
	p = markdown_plain(LIT("**bold** word"), 4);
	is_str(p, "bold", "cut counts plain bytes, not markup");
	free(p);
	p = markdown_plain(LIT("# عنوان\n\n**نص** مهم"), 1000);
	is_str(p, "عنوان نص مهم", "Arabic markup stripped");
	free(p);
	p = markdown_plain(LIT("word   \n\n"), 1000);
	is_str(p, "word", "no trailing space");
	free(p);
	p = markdown_plain(LIT("a &#1; b &#x1B; c &#127; d"), 1000);
	ok(p && utf8_valid_text(p, strlen(p)), "markdown_plain: numeric references to C0 controls and DEL give no control characters");
	free(p);
	p = markdown_render(LIT("a &#1; b &#x1B; c &#127; d"));
	ok(p && utf8_valid_text(p, strlen(p)), "markdown_render: numeric references to C0 controls and DEL give no control characters");
	free(p);
	p = markdown_plain(LIT("é\xCC\x81"), 2);
	ok(p && utf8_valid_text(p, strlen(p)), "combining mark cut leaves valid UTF-8");
	free(p);
}

int main(void)
{
	test_render();
	test_safety();
	test_limits();
	test_plain();
	return done_testing();
}
