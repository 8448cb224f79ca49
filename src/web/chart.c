/* See chart.h. Geometry: one row per bar (label line above, bar below), a
 * fixed viewBox width so the browser scales it; no fonts measured on the server. */
#include "web/chart.h"
#include "web/page.h"
#include <string.h>

void chart_percent(struct req *r, strbuf *sb, long long share, long long total)
{
	if (total <= 0) {
		sb_puts(sb, "—");
		return;
	}
	long long tenths = (share * 1000 + total / 2) / total;
	const char *sep = !strcmp(r->lang, "en") ? "." : ",";
	sb_printf(sb, "%lld%s%lld%s", tenths / 10, sep, tenths % 10, !strcmp(r->lang, "fr") ? "\u202f%" : "%");
}

void chart_hbars(struct req *r, const char *id, const char *title, const char *desc,
		 const struct chart_bar *bars, int n, long long max)
{
	const int W = 640, row = 44, side = 8, barh = 16, textw = 150;
	int H = n * row + 8;
	bool rtl = !strcmp(lang_dir(r->lang), "rtl");
	if (max <= 0)
		for (int i = 0; i < n; i++)
			if (bars[i].value > max)
				max = bars[i].value;
	if (max <= 0)
		max = 1;
	h_printf(&r->out, "<figure class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" role=\"img\" "
			  "aria-labelledby=\"%s-t %s-d\"><title id=\"%s-t\">%s</title><desc id=\"%s-d\">%s</desc>",
		 W, H, id, id, id, title, id, desc);
	double span = W - 2 * side - textw;
	for (int i = 0; i < n; i++) {
		const struct chart_bar *b = &bars[i];
		strbuf v = STRBUF_INIT;
		if (b->shown)
			sb_puts(&v, b->shown);
		else
			fmt_int(&v, r->lang, b->value);
		double w = (double)b->value / (double)max * span;
		int y = i * row + 4;
		double x = rtl ? W - side - w : side;
		h_printf(&r->out, "<g><title>%s: %s</title>", b->label, sb_str(&v));
		/* the label on its own line, anchored on the reading side */
		h_printf(&r->out, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\" class=\"lbl\">%s</text>", rtl ? W - side : side,
			 y + 14, rtl ? "end" : "start", b->label);
		h_printf(&r->out, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" class=\"bar\"/>", x, y + 20, w, barh);
		double tx = rtl ? x - 6 : x + w + 6;
		h_printf(&r->out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"%s\" class=\"val\">%s</text></g>", tx, y + 33,
			 rtl ? "end" : "start", sb_str(&v));
		sb_free(&v);
	}
	h_printf(&r->out, "</svg><figcaption>%s</figcaption></figure>", title);
}
