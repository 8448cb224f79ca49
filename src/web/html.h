/* The HTML writer: everything written through h_text/h_attr/h_printf is escaped;
 * h_raw is the one named call that writes markup as is (for trusted templates and
 * cmark's sanitised output). */
#ifndef MAJLIS_WEB_HTML_H
#define MAJLIS_WEB_HTML_H
#include "core/strbuf.h"

/* Appends s with & < > " ' escaped (NULL appends nothing). */
void h_text(strbuf *sb, const char *s);
/* Same escaping; for attribute values (kept separate for readability at call sites). */
void h_attr(strbuf *sb, const char *s);
/* printf where every %s argument is escaped; %d/%lld/%zu etc. as usual. */
void h_printf(strbuf *sb, const char *fmt, ...);
/* Appends markup as is. Only for literals and already-sanitised HTML. */
void h_raw(strbuf *sb, const char *html);
/* Appends XML-escaped text (same rules; for Atom and Open311 XML). */
#define x_text h_text

#endif
