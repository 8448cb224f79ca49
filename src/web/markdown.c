#include "web/markdown.h"
#include "core/strbuf.h"
#include "core/util.h"
#include <cmark.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

/* Numeric character references (&#1;, &#x1B;) make cmark emit C0 controls and DEL,
 * which are not text (and are illegal in the XML of feeds): drop them, in place.
 * They are ASCII bytes, so no UTF-8 sequence is split. NULL accepted. */
static char *drop_controls(char *s)
{
	if (!s)
		return NULL;
	char *w = s;
	for (const char *r = s; *r; r++) {
		unsigned char c = (unsigned char)*r;
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
			continue;
		*w++ = *r;
	}
	*w = 0;
	return s;
}

char *markdown_render(const char *md, size_t n)
{
	if (n > MARKDOWN_MAX || !utf8_valid_text(md, n))
		return NULL;
	/* CMARK_OPT_SAFE (the default in cmark >= 0.29 unless UNSAFE is given)
	 * suppresses raw HTML and dangerous URLs; we ask for it explicitly. */
	return drop_controls(cmark_markdown_to_html(md, n, CMARK_OPT_SAFE | CMARK_OPT_SMART | CMARK_OPT_VALIDATE_UTF8));
}

char *markdown_plain(const char *md, size_t n, size_t max)
{
	if (n > MARKDOWN_MAX || !utf8_valid_text(md, n))
		return NULL;
	cmark_node *doc = cmark_parse_document(md, n, CMARK_OPT_SAFE);
	if (!doc)
		return NULL;
	strbuf sb = STRBUF_INIT;
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE && sb.len < max) {
		cmark_node *node = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(node);
		if (ev == CMARK_EVENT_ENTER && (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE)) {
			sb_puts(&sb, cmark_node_get_literal(node));
		} else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK) {
			sb_putc(&sb, ' ');
		} else if (ev == CMARK_EVENT_EXIT && (t == CMARK_NODE_PARAGRAPH || t == CMARK_NODE_HEADING ||
						      t == CMARK_NODE_ITEM || t == CMARK_NODE_CODE_BLOCK)) {
			if (sb.len && sb.data[sb.len - 1] != ' ')
				sb_putc(&sb, ' ');
		}
	}
	cmark_iter_free(it);
	cmark_node_free(doc);
	char *out = drop_controls(sb_detach(&sb));
	size_t len = strlen(out);
	bool cut = len > max;
	if (cut) {
		/* Cut on a character boundary, then back to the last word boundary
		 * when one is near, and mark the cut with an ellipsis (3 bytes, so
		 * the text itself keeps max - 3). */
		len = max > 3 ? max - 3 : 0;
		while (len > 0 && ((unsigned char)out[len] & 0xC0) == 0x80)
			len--;
		size_t word = len;
		while (word > 0 && out[word - 1] != ' ' && len - word < 40)
			word--;
		if (word > 0 && out[word - 1] == ' ')
			len = word;
		out[len] = 0;
	}
	while (len > 0 && out[len - 1] == ' ')
		out[--len] = 0;
	if (cut && len > 0)
		memcpy(out + len, "\xe2\x80\xa6", 4); /* "…" + NUL: fits, len <= max - 3 */
	return out;
}
