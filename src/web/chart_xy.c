/* See chart_xy.h. Fixed viewBox sizes (the browser scales); no fonts measured
 * on the server; markers differ by shape as well as by colour. */
#include "web/chart_xy.h"
#include "web/page.h"
#include <math.h>
#include <string.h>

/* A marker of shape k (0 circle, 1 square, 2 triangle, 3 diamond, 4 cross,
 * then again) of radius rad centred on (x, y). */
static void marker(struct req *r, int k, double x, double y, double rad)
{
	switch (k % 5) {
	case 0:
		h_printf(&r->out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\"/>", x, y, rad);
		break;
	case 1:
		h_printf(&r->out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>", x - rad, y - rad, 2 * rad,
			 2 * rad);
		break;
	case 2:
		h_printf(&r->out, "<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\"/>", x, y - rad * 1.2, x - rad * 1.1,
			 y + rad * 0.9, x + rad * 1.1, y + rad * 0.9);
		break;
	case 3:
		h_printf(&r->out, "<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f\"/>", x, y - rad * 1.3, x + rad * 1.3,
			 y, x, y + rad * 1.3, x - rad * 1.3, y);
		break;
	default:
		h_printf(&r->out, "<path d=\"M%.1f %.1fh%.1fM%.1f %.1fv%.1f\" class=\"cross\"/>", x - rad * 1.2, y, rad * 2.4, x,
			 y - rad * 1.2, rad * 2.4);
		break;
	}
}

/* The legend as an HTML list (reads in the page's direction). */
static void legend(struct req *r, const char *const *names, const char *const *classes, int n)
{
	h_raw(&r->out, "<ul class=\"legend\">");
	for (int i = 0; i < n; i++) {
		h_printf(&r->out, "<li><svg class=\"sw %s\" viewBox=\"0 0 12 12\" width=\"12\" height=\"12\" aria-hidden=\"true\">",
			 classes[i]);
		marker(r, i, 6, 6, 4);
		h_printf(&r->out, "</svg> %s</li>", names[i]);
	}
	h_raw(&r->out, "</ul>");
}

static void fmt_value(struct req *r, strbuf *sb, double v)
{
	fmt_int(sb, r->lang, (long long)llround(v));
}

void chart_lines(struct req *r, const char *id, const char *title, const char *desc, const char *const *xlabels, int n,
		 const struct chart_series *series, int ns, double ymin, double ymax)
{
	const int W = 640, H = 220, top = 14, bottom = 26, left = 44, right = 10;
	bool rtl = !strcmp(lang_dir(r->lang), "rtl");
	if (ymin == ymax) {
		ymin = 0, ymax = 0;
		for (int s = 0; s < ns; s++)
			for (int i = 0; i < n; i++) {
				double v = series[s].values[i];
				if (v < ymin)
					ymin = v;
				if (v > ymax)
					ymax = v;
			}
		if (ymax <= ymin)
			ymax = ymin + 1;
	}
	/* in right-to-left pages the value scale sits on the right */
	int x0 = rtl ? right : left, x1 = rtl ? W - left : W - right;
	double span = x1 - x0, step = n > 1 ? span / (n - 1) : 0;
	double hgt = H - top - bottom;
#define XPOS(i) (n > 1 ? (rtl ? x1 - (i) * step : x0 + (i) * step) : (x0 + x1) / 2.0)
#define YPOS(v) (top + (ymax - (v)) / (ymax - ymin) * hgt)
	h_printf(&r->out, "<figure class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" role=\"img\" "
			  "aria-labelledby=\"%s-t %s-d\"><title id=\"%s-t\">%s</title><desc id=\"%s-d\">%s</desc>",
		 W, H, id, id, id, title, id, desc);
	/* the scale: bottom, top and zero when it is inside */
	double ticks[3] = {ymin, ymax, 0};
	int nt = ymin < 0 && ymax > 0 ? 3 : 2;
	for (int t = 0; t < nt; t++) {
		strbuf v = STRBUF_INIT;
		fmt_value(r, &v, ticks[t]);
		double y = YPOS(ticks[t]);
		h_printf(&r->out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" class=\"%s\"/>", x0, y, x1, y,
			 t == 0 || t == 2 ? "axis" : "grid");
		h_printf(&r->out, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"%s\" class=\"lbl\">%s</text>", rtl ? x1 + 4 : x0 - 4,
			 y + 4, rtl ? "start" : "end", sb_str(&v));
		sb_free(&v);
	}
	int every = n > 8 ? (n + 7) / 8 : 1;
	for (int i = 0; i < n; i += every)
		h_printf(&r->out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" class=\"lbl\">%s</text>", XPOS(i), H - 8,
			 xlabels[i]);
	const char **names = arena_alloc(r->a, sizeof *names * (size_t)(ns ? ns : 1));
	const char **classes = arena_alloc(r->a, sizeof *classes * (size_t)(ns ? ns : 1));
	for (int s = 0; s < ns; s++) {
		const struct chart_series *se = &series[s];
		names[s] = se->name;
		classes[s] = se->cls;
		h_printf(&r->out, "<g class=\"series %s\"><title>%s</title>", se->cls, se->name);
		if (n > 1) {
			h_raw(&r->out, "<polyline class=\"ln\" points=\"");
			for (int i = 0; i < n; i++)
				h_printf(&r->out, "%s%.1f,%.1f", i ? " " : "", XPOS(i), YPOS(se->values[i]));
			h_raw(&r->out, "\"/>");
		}
		for (int i = 0; i < n; i++) {
			strbuf v = STRBUF_INIT;
			if (se->shown)
				sb_puts(&v, se->shown[i]);
			else
				fmt_value(r, &v, se->values[i]);
			h_printf(&r->out, "<g class=\"pt\"><title>%s, %s: %s</title>", se->name, xlabels[i], sb_str(&v));
			marker(r, s, XPOS(i), YPOS(se->values[i]), 3);
			h_raw(&r->out, "</g>");
			sb_free(&v);
		}
		h_raw(&r->out, "</g>");
	}
#undef XPOS
#undef YPOS
	h_raw(&r->out, "</svg>");
	if (ns > 1)
		legend(r, names, classes, ns);
	h_printf(&r->out, "<figcaption>%s</figcaption></figure>", title);
}

void chart_scatter(struct req *r, const char *id, const char *title, const char *desc, const struct chart_point *pts,
		   int n, const char *const *group_names, int ngroups)
{
	const int W = 480, H = 360, pad = 14;
	double xmin = 0, xmax = 0, ymin = 0, ymax = 0;
	for (int i = 0; i < n; i++) {
		if (!i || pts[i].x < xmin) xmin = pts[i].x;
		if (!i || pts[i].x > xmax) xmax = pts[i].x;
		if (!i || pts[i].y < ymin) ymin = pts[i].y;
		if (!i || pts[i].y > ymax) ymax = pts[i].y;
	}
	if (xmax - xmin < 1e-9)
		xmin -= 1, xmax += 1;
	if (ymax - ymin < 1e-9)
		ymin -= 1, ymax += 1;
	double sx = (W - 2 * pad) / (xmax - xmin), sy = (H - 2 * pad) / (ymax - ymin);
	h_printf(&r->out, "<figure class=\"chart scatter\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
			  "role=\"img\" aria-labelledby=\"%s-t %s-d\"><title id=\"%s-t\">%s</title><desc id=\"%s-d\">%s</desc>",
		 W, H, id, id, id, title, id, desc);
	h_printf(&r->out, "<rect x=\"0.5\" y=\"0.5\" width=\"%d\" height=\"%d\" class=\"frame\"/>", W - 1, H - 1);
	if (xmin < 0 && xmax > 0)
		h_printf(&r->out, "<line x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%d\" class=\"grid\"/>", pad - xmin * sx,
			 pad - xmin * sx, H);
	if (ymin < 0 && ymax > 0)
		h_printf(&r->out, "<line x1=\"0\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" class=\"grid\"/>", pad + ymax * sy, W,
			 pad + ymax * sy);
	/* one bucket per 2×2 spot and group: drawn once, bigger with its count */
	enum { GX = W / 2, GY = H / 2 };
	unsigned short *cnt = arena_alloc(r->a, sizeof *cnt * (size_t)GX * GY * (size_t)(ngroups ? ngroups : 1));
	const char **classes = arena_alloc(r->a, sizeof *classes * (size_t)(ngroups ? ngroups : 1));
	for (int g = 0; g < ngroups; g++) {
		classes[g] = arena_printf(r->a, "s%d", g % 6);
		memset(cnt, 0, sizeof *cnt * (size_t)GX * GY * (size_t)ngroups);
		for (int i = 0; i < n; i++) {
			if (pts[i].group != g)
				continue;
			int bx = (int)((pad + (pts[i].x - xmin) * sx) / 2), by = (int)((pad + (ymax - pts[i].y) * sy) / 2);
			if (bx < 0) bx = 0;
			if (by < 0) by = 0;
			if (bx >= GX) bx = GX - 1;
			if (by >= GY) by = GY - 1;
			unsigned short *c = &cnt[(size_t)g * GX * GY + (size_t)by * GX + bx];
			if (*c < 65535)
				(*c)++;
		}
		h_printf(&r->out, "<g class=\"grp %s\"><title>%s</title>", classes[g], group_names[g]);
		for (int by = 0; by < GY; by++)
			for (int bx = 0; bx < GX; bx++) {
				unsigned c = cnt[(size_t)g * GX * GY + (size_t)by * GX + bx];
				if (c)
					marker(r, g, bx * 2 + 1, by * 2 + 1, 3 + (c > 1 ? fmin(5, log2((double)c)) : 0));
			}
		h_raw(&r->out, "</g>");
	}
	h_raw(&r->out, "</svg>");
	legend(r, group_names, classes, ngroups);
	h_printf(&r->out, "<figcaption>%s</figcaption></figure>", title);
}
