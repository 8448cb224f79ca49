/* The dashboard's breakdowns (by department, category, channel) built from
 * insight_series, and the one query insight.h does not offer yet: the
 * channels and sources present in the aggregates (dash_channels; to move into
 * insight.h as insight_channels). */
#include "features/insight/dashboard.h"
#include "features/insight/internal.h"
#include "features/requests/requests.h"
#include "web/page.h"
#include <stdlib.h>
#include <string.h>

int dash_channels(store *s, arena *a, const struct insight_filter *f, bool sources, int max, const char ***out)
{
	*out = NULL;
	if (insight_filter_empty(f))
		return 0;
	store_stmt *st = store_prepare(s, sources
		? "SELECT source, sum(n) FROM insight_agg_sent WHERE (?1 IS NULL OR instr(?1, ',' || dept_id || ',') > 0)"
		  " GROUP BY source ORDER BY 2 DESC, 1 LIMIT ?2"
		: "SELECT channel, sum(n) FROM insight_agg_sent WHERE (?1 IS NULL OR instr(?1, ',' || dept_id || ',') > 0)"
		  " GROUP BY channel ORDER BY 2 DESC, 1 LIMIT ?2");
	if (!st)
		return -1;
	store_bind_text(st, 1, insight_dept_list(a, f));
	store_bind_int(st, 2, max);
	const char **v = arena_alloc(a, sizeof *v * (size_t)(max > 0 ? max : 1));
	int n = 0, rc;
	while ((rc = store_step(st)) == STORE_ROW && n < max)
		v[n++] = arena_strdup(a, store_text(st, 0));
	store_done(st);
	if (rc != STORE_DONE && rc != STORE_ROW)
		return -1;
	*out = v;
	return n;
}

static int by_total(const void *a, const void *b)
{
	const struct dash_breakdown *x = a, *y = b;
	if (x->total != y->total)
		return x->total < y->total ? 1 : -1;
	return strcmp(x->key, y->key);
}

/* Fills one row from the series of filter f; false on a database error. */
static bool fill(store *s, arena *a, const struct insight_filter *f, struct dash_breakdown *b)
{
	b->npts = insight_series(s, a, f, &b->pts);
	if (b->npts < 0)
		return false;
	for (int i = 0; i < b->npts; i++) {
		b->total += b->pts[i].total;
		b->pos += b->pts[i].pos;
		b->neg += b->pts[i].neg;
		b->neu += b->pts[i].neu;
	}
	return true;
}

int dash_breakdown(struct req *r, store *s, const struct dash_view *v, enum dash_by by, struct dash_breakdown **out)
{
	*out = NULL;
	int cap = 0, n = 0;
	struct dash_breakdown *rows = NULL;
	struct insight_filter f = v->f;
	if (by == DASH_BY_DEPT) {
		cap = v->ndepts;
		rows = arena_alloc(r->a, sizeof *rows * (size_t)(cap ? cap : 1));
		for (int i = 0; i < v->ndepts; i++) {
			if (v->dept && v->dept->id != v->depts[i].id)
				continue;
			struct dash_breakdown *b = &rows[n];
			*b = (struct dash_breakdown){.key = v->depts[i].slug, .name = dept_name(&v->depts[i], r->lang),
						     .id = v->depts[i].id};
			f.dept_id = b->id;
			if (!fill(s, r->a, &f, b))
				return -1;
			if (b->total)
				n++;
		}
	} else if (by == DASH_BY_CATEGORY) {
		struct category *c;
		int nc = category_list(s, r->a, true, &c);
		if (nc < 0)
			return -1;
		rows = arena_alloc(r->a, sizeof *rows * (size_t)(nc ? nc : 1));
		for (int i = 0; i < nc; i++) {
			if (v->f.category_id && v->f.category_id != c[i].id)
				continue;
			struct dash_breakdown *b = &rows[n];
			*b = (struct dash_breakdown){.key = c[i].code, .name = c[i].name[lang_index3(r->lang)], .id = c[i].id};
			f.category_id = c[i].id;
			if (!fill(s, r->a, &f, b))
				return -1;
			if (b->total)
				n++;
		}
	} else {
		const char **ch;
		int nch = dash_channels(s, r->a, &v->f, false, 20, &ch);
		if (nch < 0)
			return -1;
		rows = arena_alloc(r->a, sizeof *rows * (size_t)(nch ? nch : 1));
		for (int i = 0; i < nch; i++) {
			if (v->channel && strcmp(v->channel, ch[i]))
				continue;
			struct dash_breakdown *b = &rows[n];
			*b = (struct dash_breakdown){.key = ch[i], .name = ch[i]};
			f.channel = ch[i];
			if (!fill(s, r->a, &f, b))
				return -1;
			if (b->total)
				n++;
		}
	}
	qsort(rows, (size_t)n, sizeof *rows, by_total);
	*out = rows;
	return n;
}
