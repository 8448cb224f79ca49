#include "web/html.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void h_text(strbuf *sb, const char *s)
{
	if (!s)
		return;
	const char *run = s;
	for (; *s; s++) {
		const char *rep;
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		sb_append(sb, run, (size_t)(s - run));
		sb_puts(sb, rep);
		run = s + 1;
	}
	sb_append(sb, run, (size_t)(s - run));
}

void h_attr(strbuf *sb, const char *s)
{
	h_text(sb, s);
}

void h_raw(strbuf *sb, const char *html)
{
	sb_puts(sb, html);
}

void h_printf(strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	const char *p = fmt;
	while (*p) {
		const char *pct = strchr(p, '%');
		if (!pct) {
			sb_puts(sb, p);
			break;
		}
		sb_append(sb, p, (size_t)(pct - p));
		/* Collect one conversion spec: flags, width, length, conversion. */
		char spec[16] = "%";
		size_t k = 1;
		const char *q = pct + 1;
		while (*q && strchr("-+ #0123456789.lhzj", *q) && k < sizeof spec - 2)
			spec[k++] = *q++;
		char conv = *q;
		spec[k++] = conv;
		spec[k] = 0;
		p = conv ? q + 1 : q;
		switch (conv) {
		case 's': h_text(sb, va_arg(ap, const char *)); break;
		case '%': sb_putc(sb, '%'); break;
		case 'd': case 'i': case 'u': case 'x':
			if (strstr(spec, "ll") || strchr(spec, 'j'))
				sb_printf(sb, spec, va_arg(ap, long long));
			else if (strchr(spec, 'l') || strchr(spec, 'z'))
				sb_printf(sb, spec, va_arg(ap, long));
			else
				sb_printf(sb, spec, va_arg(ap, int));
			break;
		case 'f': sb_printf(sb, spec, va_arg(ap, double)); break;
		default: break; /* unknown conversions are dropped */
		}
	}
	va_end(ap);
}
