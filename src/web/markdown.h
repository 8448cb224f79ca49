/* Markdown to safe HTML with cmark (CommonMark). Raw HTML in the source never
 * passes (cmark's safe mode replaces it by a comment, and javascript:/data:
 * links are dropped). Input limited to MARKDOWN_MAX bytes. */
#ifndef MAJLIS_WEB_MARKDOWN_H
#define MAJLIS_WEB_MARKDOWN_H
#include <stddef.h>

#define MARKDOWN_MAX (256 * 1024)

/* Renders md[0..n) to HTML; returns a malloc'd string the caller frees, or NULL
 * when the input is too large or not valid UTF-8. */
char *markdown_render(const char *md, size_t n);
/* Plain text of md (for summaries and feeds), at most max bytes cut on a
 * character boundary; malloc'd, NULL on bad input. */
char *markdown_plain(const char *md, size_t n, size_t max);

#endif
