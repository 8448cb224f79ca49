/* Accessible server-side SVG bar charts for results pages (polls, surveys).
 * The chart is an <svg role="img"> labelled by its <title> and <desc>; each bar
 * is a <g> with its own <title> ("label: value"); callers also print a table
 * with the same figures as the text alternative. Horizontal bars grow from the
 * inline start: from the right in right-to-left languages. */
#ifndef MAJLIS_WEB_CHART_H
#define MAJLIS_WEB_CHART_H
#include "http/http.h"

struct chart_bar {
	const char *label;   /* plain text (escaped) */
	long long value;     /* >= 0 */
	const char *shown;   /* text printed beside the bar ("12 · 34%"), or NULL for the value */
};

/* Appends to r->out a <figure> holding an SVG of n horizontal bars scaled to
 * max (the largest value when max <= 0). id must be unique in the page (ASCII
 * letters, digits, '-'); title and desc are plain text. Nothing is allocated
 * beyond r->a. */
void chart_hbars(struct req *r, const char *id, const char *title, const char *desc,
		 const struct chart_bar *bars, int n, long long max);

/* Appends a percentage share/total with one decimal in r's language ("33.3%",
 * "33,3 %"); "—" when total is 0. */
void chart_percent(struct req *r, strbuf *sb, long long share, long long total);

#endif
