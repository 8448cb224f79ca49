/* Accessible server-side SVG line charts and scatter plots (companions of
 * web/chart.h's bars). Same contract: an <svg role="img"> labelled by its
 * <title> and <desc> inside a <figure>; callers also print a table with the
 * same figures as the text alternative. Colours come from CSS classes
 * (.s0 … .s5, .pos/.neg/.neu), and every series or group also differs by its
 * marker shape, so nothing is told by colour alone. In right-to-left
 * languages time runs from right to left (the first period on the right). */
#ifndef MAJLIS_WEB_CHART_XY_H
#define MAJLIS_WEB_CHART_XY_H
#include "http/http.h"

struct chart_series {
	const char *name;          /* plain text (escaped), shown in the legend */
	const char *cls;           /* CSS class of the line and markers: "s0".."s5", "pos", "neg", "neu" */
	const double *values;      /* n values, one per x label */
	const char *const *shown;  /* n texts for the points' <title>, or NULL (the value, as an integer) */
};

/* Appends to r->out a <figure> with a line chart of ns series over n periods
 * (xlabels[n], plain text; about eight of them printed under the axis), and a
 * legend. The y range is [ymin, ymax]; when ymin == ymax it runs from
 * min(0, smallest value) to the largest value. id must be unique in the page
 * (ASCII letters, digits, '-'). Allocates only in r->a and on the stack. */
void chart_lines(struct req *r, const char *id, const char *title, const char *desc, const char *const *xlabels, int n,
		 const struct chart_series *series, int ns, double ymin, double ymax);

struct chart_point {
	double x, y;
	int group;                 /* 0..ngroups-1 */
};

/* Appends a <figure> with a scatter plot of n points coloured and shaped by
 * group (group_names[ngroups], plain text, in the legend and in each group's
 * <title>). Points falling on the same 2-unit spot of the drawing are drawn
 * once with a larger marker, so 5,000 points stay a small page. The axes have
 * no units (a projection): they are not mirrored in right-to-left languages. */
void chart_scatter(struct req *r, const char *id, const char *title, const char *desc, const struct chart_point *pts,
		   int n, const char *const *group_names, int ngroups);

#endif
