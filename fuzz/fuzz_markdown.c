/* libFuzzer harness: Markdown rendering and plain-text summaries
 * (src/web/markdown.c). Beyond memory safety it checks the safety contract of
 * the HTML: every tag in the output is one cmark emits for Markdown (raw HTML
 * never passes), no URL attribute starts with javascript:/vbscript:, and the
 * HTML and the plain text are valid UTF-8 text (no control characters, which
 * feeds cannot carry) and the plain text stays within its byte limit. */
#include "core/util.h"
#include "web/markdown.h"
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const tags[] = {
	"p", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "a", "img", "code", "pre",
	"blockquote", "ul", "ol", "li", "hr", "br", NULL,
};

static void check_html(const char *h)
{
	for (const char *p = strchr(h, '<'); p; p = strchr(p + 1, '<')) {
		if (!strncmp(p, "<!-- raw HTML omitted -->", 25))
			continue;
		const char *q = p + 1 + (p[1] == '/');
		size_t n = 0;
		while (isalnum((unsigned char)q[n]))
			n++;
		int known = 0;
		for (int i = 0; tags[i] && !known; i++)
			known = strlen(tags[i]) == n && !strncmp(q, tags[i], n);
		if (!known || (q[n] != '>' && q[n] != ' ' && q[n] != '/'))
			abort(); /* a tag Markdown does not produce: raw HTML got through */
	}
	/* Only URL attributes execute a scheme; a title="javascript:…" is text. */
	static const char *const url_attrs[] = {" href=\"", " src=\"", NULL};
	for (int k = 0; url_attrs[k]; k++)
		for (const char *p = h; (p = strstr(p, url_attrs[k])); p += strlen(url_attrs[k])) {
			const char *v = p + strlen(url_attrs[k]);
			if (!strncasecmp(v, "javascript:", 11) || !strncasecmp(v, "vbscript:", 9))
				abort();
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *md = (const char *)data;
	int valid = utf8_valid_text(md, size) && size <= MARKDOWN_MAX;
	char *h = markdown_render(md, size);
	if (!valid != !h)
		abort(); /* NULL exactly for invalid input */
	if (h) {
		if (!utf8_valid_text(h, strlen(h)))
			abort(); /* e.g. a control character from a numeric reference */
		check_html(h);
		free(h);
	}
	size_t max = size ? data[0] : 0;
	char *p = markdown_plain(md, size, max);
	if (!valid != !p)
		abort();
	if (p) {
		size_t n = strlen(p);
		if (n > max || !utf8_valid_text(p, n))
			abort();
		free(p);
	}
	return 0;
}
