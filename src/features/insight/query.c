/* The dashboard's queries: days and periods, sentiment/volume series, top and
 * emerging terms, hotspots, drill-down. Aggregate tables when the filter
 * allows it, the per-message tables otherwise (channel/source filters). */
#include "features/insight/insight.h"
#include "features/insight/internal.h"
#include "core/strbuf.h"
#include "core/util.h"
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- days (Howard Hinnant's civil calendar algorithms) ---- */

static int32_t days_from_civil(int y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int32_t)doe - 719468;
}

static void civil_from_days(int32_t z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int yy = (int)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yy + (*m <= 2);
}

int32_t insight_day_of(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!localtime_r(&tt, &tm))
		return (int32_t)(t / 86400);
	return days_from_civil(tm.tm_year + 1900, (unsigned)tm.tm_mon + 1, (unsigned)tm.tm_mday);
}

int32_t insight_today(void) { return insight_day_of(now_s()); }

int32_t insight_day_parse(const char *ymd)
{
	int y, m, d, used = 0;
	if (!ymd || strlen(ymd) != 10 || sscanf(ymd, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 || used != 10)
		return 0;
	if (y < 1971 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
		return 0;
	int32_t day = days_from_civil(y, (unsigned)m, (unsigned)d);
	int yy;
	unsigned mm, dd;
	civil_from_days(day, &yy, &mm, &dd);
	return (yy == y && (int)mm == m && (int)dd == d) ? day : 0; /* rejects 2024-02-30 */
}

void insight_day_format(int32_t day, char out[11])
{
	int y;
	unsigned m, d;
	civil_from_days(day, &y, &m, &d);
	char buf[48];
	snprintf(buf, sizeof buf, "%04d-%02u-%02u", y < 0 ? 0 : y % 10000, m % 100, d % 100);
	memcpy(out, buf, 10);
	out[10] = 0;
}

int32_t insight_period_start(int32_t day, enum insight_gran g)
{
	if (g == INSIGHT_WEEK) {
		int32_t wd = ((day + 3) % 7 + 7) % 7; /* 0 = Monday (1970-01-01 was a Thursday) */
		return day - wd;
	}
	if (g == INSIGHT_MONTH) {
		int y;
		unsigned m, d;
		civil_from_days(day, &y, &m, &d);
		return days_from_civil(y, m, 1);
	}
	return day;
}

int32_t insight_period_end(int32_t start, enum insight_gran g)
{
	if (g == INSIGHT_WEEK)
		return start + 6;
	if (g == INSIGHT_MONTH) {
		int y;
		unsigned m, d;
		civil_from_days(start, &y, &m, &d);
		return (m == 12 ? days_from_civil(y + 1, 1, 1) : days_from_civil(y, m + 1, 1)) - 1;
	}
	return start;
}

/* ---- filters ---- */

bool insight_filter_empty(const struct insight_filter *f)
{
	return f->depts && f->ndepts <= 0;
}

const char *insight_dept_list(arena *a, const struct insight_filter *f)
{
	if (!f->depts)
		return NULL;
	strbuf sb = STRBUF_INIT;
	sb_putc(&sb, ',');
	for (int i = 0; i < f->ndepts; i++)
		sb_printf(&sb, "%lld,", (long long)f->depts[i]);
	char *out = arena_strdup(a, sb_str(&sb));
	sb_free(&sb);
	return out;
}

static const char *nz(const char *s) { return s && *s ? s : NULL; }

/* Binds the common parameters ?1..?7: from, to, dept, depts, category,
 * channel, source. */
static void bind_filter(store_stmt *st, arena *a, const struct insight_filter *f, int32_t from, int32_t to)
{
	store_bind_int(st, 1, from ? from : INT32_MIN);
	store_bind_int(st, 2, to ? to : INT32_MAX);
	store_bind_int(st, 3, f->dept_id);
	store_bind_text(st, 4, insight_dept_list(a, f));
	store_bind_int(st, 5, f->category_id);
	store_bind_text(st, 6, nz(f->channel));
	store_bind_text(st, 7, nz(f->source));
}

#define W_AGG " day >= ?1 AND day <= ?2 AND (?3 = 0 OR dept_id = ?3)" \
	      " AND (?4 IS NULL OR instr(?4, ',' || dept_id || ',') > 0) AND (?5 = 0 OR category_id = ?5)"
#define W_MSG " m.day >= ?1 AND m.day <= ?2 AND (?3 = 0 OR m.dept_id = ?3)" \
	      " AND (?4 IS NULL OR instr(?4, ',' || m.dept_id || ',') > 0) AND (?5 = 0 OR m.category_id = ?5)" \
	      " AND (?6 IS NULL OR m.channel = ?6) AND (?7 IS NULL OR m.source = ?7)"

/* Growable arena array. */
static void *grow(arena *a, void *v, int n, int *cap, size_t size)
{
	if (n < *cap)
		return v;
	int nc = *cap ? *cap * 2 : 32;
	void *nv = arena_alloc(a, (size_t)nc * size);
	if (n)
		memcpy(nv, v, (size_t)n * size);
	*cap = nc;
	return nv;
}

/* ---- series ---- */

int insight_series(store *s, arena *a, const struct insight_filter *f, struct insight_point **out)
{
	*out = NULL;
	int n = 0, cap = 0;
	struct insight_point *v = NULL;
	if (insight_filter_empty(f))
		return 0;
	store_stmt *st = store_prepare(s,
		"SELECT day, sum(n), sum(n_pos), sum(n_neg), sum(n_neu), sum(conf_sum) FROM insight_agg_sent WHERE" W_AGG
		" AND (?6 IS NULL OR channel = ?6) AND (?7 IS NULL OR source = ?7) GROUP BY day ORDER BY day");
	if (!st)
		return -1;
	bind_filter(st, a, f, f->from_day, f->to_day);
	/* periods in order; with a closed range, every period from the start */
	if (f->from_day && f->to_day && f->to_day >= f->from_day && f->to_day - f->from_day <= 3660) {
		for (int32_t d = insight_period_start(f->from_day, f->gran); d <= f->to_day;
		     d = insight_period_end(d, f->gran) + 1) {
			v = grow(a, v, n, &cap, sizeof *v);
			memset(&v[n], 0, sizeof v[n]);
			v[n].day = d;
			insight_day_format(d, v[n].label);
			n++;
		}
	}
	int rc;
	while ((rc = store_step(st)) == STORE_ROW) {
		int32_t p = insight_period_start((int32_t)store_int(st, 0), f->gran);
		int i = n - 1;
		while (i >= 0 && v[i].day > p)
			i--;
		if (i < 0 || v[i].day != p) { /* not pre-filled: append (rows come in order) */
			v = grow(a, v, n, &cap, sizeof *v);
			memset(&v[n], 0, sizeof v[n]);
			v[n].day = p;
			insight_day_format(p, v[n].label);
			i = n++;
		}
		v[i].total += store_int(st, 1);
		v[i].pos += store_int(st, 2);
		v[i].neg += store_int(st, 3);
		v[i].neu += store_int(st, 4);
		v[i].mean_confidence += store_double(st, 5); /* the sum, divided below */
	}
	store_done(st);
	if (rc != STORE_DONE)
		return -1;
	for (int i = 0; i < n; i++) {
		int64_t scored = v[i].pos + v[i].neg + v[i].neu;
		v[i].mean_confidence = scored ? v[i].mean_confidence / (double)scored : 0;
	}
	*out = v;
	return n;
}

/* ---- breakdowns ---- */

int insight_breakdown(store *s, arena *a, const struct insight_filter *f, enum insight_dim by, int limit,
		      struct insight_slice **out)
{
	*out = NULL;
	if (insight_filter_empty(f))
		return 0;
	limit = limit < 1 ? 1 : limit > 500 ? 500 : limit;
#define B_SQL(col) "SELECT " col ", sum(n), sum(n_pos), sum(n_neg), sum(n_neu), sum(conf_sum) FROM insight_agg_sent" \
		   " WHERE" W_AGG " AND (?6 IS NULL OR channel = ?6) AND (?7 IS NULL OR source = ?7)" \
		   " GROUP BY " col " HAVING sum(n) > 0 ORDER BY 2 DESC, 1 LIMIT ?8"
	const char *sql = by == INSIGHT_BY_DEPT ? B_SQL("dept_id") : by == INSIGHT_BY_CATEGORY ? B_SQL("category_id")
			: by == INSIGHT_BY_CHANNEL ? B_SQL("channel") : B_SQL("source");
#undef B_SQL
	store_stmt *st = store_prepare(s, sql);
	if (!st)
		return -1;
	bind_filter(st, a, f, f->from_day, f->to_day);
	store_bind_int(st, 8, limit);
	bool named = by == INSIGHT_BY_CHANNEL || by == INSIGHT_BY_SOURCE;
	struct insight_slice *v = arena_alloc(a, (size_t)limit * sizeof *v);
	int n = 0, rc;
	while ((rc = store_step(st)) == STORE_ROW && n < limit) {
		struct insight_slice *x = &v[n++];
		x->id = named ? 0 : store_int(st, 0);
		x->key = named ? arena_strdup(a, store_text(st, 0)) : "";
		x->total = store_int(st, 1);
		x->pos = store_int(st, 2);
		x->neg = store_int(st, 3);
		x->neu = store_int(st, 4);
		int64_t scored = x->pos + x->neg + x->neu;
		x->mean_confidence = scored ? store_double(st, 5) / (double)scored : 0;
	}
	store_done(st);
	if (rc != STORE_DONE && rc != STORE_ROW)
		return -1;
	*out = v;
	return n;
}

/* ---- terms ---- */

/* The display of a term key: most frequent surface form of each stem. */
const char *insight_display_of(store *s, arena *a, const char *term)
{
	strbuf sb = STRBUF_INIT;
	const char *p = term;
	while (*p) {
		const char *sp = strchr(p, ' ');
		size_t len = sp ? (size_t)(sp - p) : strlen(p);
		char *stem = arena_strndup(a, p, len);
		store_stmt *st = store_prepare(s, "SELECT form FROM insight_forms WHERE term = ? ORDER BY n DESC, form LIMIT 1");
		const char *form = stem;
		if (st) {
			store_bind_text(st, 1, stem);
			if (store_step(st) == STORE_ROW)
				form = arena_strdup(a, store_text(st, 0));
			store_done(st);
		}
		if (sb.len)
			sb_putc(&sb, ' ');
		sb_puts(&sb, form);
		p += len;
		while (*p == ' ')
			p++;
	}
	char *out = arena_strdup(a, sb_str(&sb));
	sb_free(&sb);
	return out;
}

static bool needs_messages(const struct insight_filter *f)
{
	return nz(f->channel) || nz(f->source);
}

int insight_top_terms(store *s, arena *a, const struct insight_filter *f, int ngram, int limit, struct insight_term **out)
{
	*out = NULL;
	if (insight_filter_empty(f))
		return 0;
	if (limit < 1)
		limit = 1;
	if (limit > 200)
		limit = 200;
	ngram = ngram == 2 ? 2 : 1;
	store_stmt *st = needs_messages(f)
		? store_prepare(s, "SELECT t.term, count(*) FROM insight_msg_terms t JOIN insight_messages m ON m.id = t.msg_id"
				   " WHERE" W_MSG " AND (CASE WHEN instr(t.term, ' ') > 0 THEN 2 ELSE 1 END) = ?8"
				   " GROUP BY t.term ORDER BY 2 DESC, 1 LIMIT ?9")
		: store_prepare(s, "SELECT term, sum(n) FROM insight_agg_terms WHERE" W_AGG " AND ngram = ?8"
				   " AND (?6 IS NULL OR ?6 IS NOT NULL) AND (?7 IS NULL OR ?7 IS NOT NULL)"
				   " GROUP BY term HAVING sum(n) > 0 ORDER BY 2 DESC, 1 LIMIT ?9");
	if (!st)
		return -1;
	bind_filter(st, a, f, f->from_day, f->to_day);
	store_bind_int(st, 8, ngram);
	store_bind_int(st, 9, limit);
	struct insight_term *v = arena_alloc(a, (size_t)limit * sizeof *v);
	int n = 0, rc;
	while ((rc = store_step(st)) == STORE_ROW && n < limit) {
		v[n].term = arena_strdup(a, store_text(st, 0));
		v[n].count = store_int(st, 1);
		n++;
	}
	store_done(st);
	if (rc != STORE_DONE && rc != STORE_ROW)
		return -1;
	for (int i = 0; i < n; i++)
		v[i].display = insight_display_of(s, a, v[i].term);
	*out = v;
	return n;
}

/* Messages matching f in [from, to]. -1 on error. */
static int64_t total_messages(store *s, arena *a, const struct insight_filter *f, int32_t from, int32_t to)
{
	store_stmt *st = store_prepare(s, "SELECT coalesce(sum(n), 0) FROM insight_agg_sent WHERE" W_AGG
					  " AND (?6 IS NULL OR channel = ?6) AND (?7 IS NULL OR source = ?7)");
	if (!st)
		return -1;
	bind_filter(st, a, f, from, to);
	int64_t n = store_step(st) == STORE_ROW ? store_int(st, 0) : -1;
	store_done(st);
	return n;
}

static double xlogx_over(double o, double e) { return o > 0 && e > 0 ? o * log(o / e) : 0; }

/* Dunning's G² for "a of n1 now vs b of n2 before". */
static double g2_of(double a, double n1, double b, double n2)
{
	double c = n1 - a, d = n2 - b, N = n1 + n2;
	if (N <= 0)
		return 0;
	double r1 = a + b, r2 = c + d;
	double ea = n1 * r1 / N, eb = n2 * r1 / N, ec = n1 * r2 / N, ed = n2 * r2 / N;
	double g = 2 * (xlogx_over(a, ea) + xlogx_over(b, eb) + xlogx_over(c, ec) + xlogx_over(d, ed));
	return g > 0 ? g : 0;
}

static int cmp_emerging(const void *x, const void *y)
{
	const struct insight_emerging *a = x, *b = y;
	if (a->g2 != b->g2)
		return a->g2 < b->g2 ? 1 : -1;
	return strcmp(a->term, b->term);
}

int insight_emerging_terms(store *s, arena *a, const struct insight_filter *f, int ngram, int min_count, double alpha,
			   int limit, struct insight_emerging **out)
{
	*out = NULL;
	if (insight_filter_empty(f))
		return 0;
	if (limit < 1)
		limit = 1;
	if (limit > 200)
		limit = 200;
	if (min_count <= 0)
		min_count = 5;
	if (alpha <= 0 || alpha >= 1)
		alpha = 0.01;
	ngram = ngram == 2 ? 2 : 1;
	int32_t to = f->to_day ? f->to_day : insight_today();
	int32_t from = f->from_day ? f->from_day : to - 6;
	if (from > to)
		return 0;
	int32_t len = to - from + 1, pfrom = from - len, pto = from - 1;
	int64_t n1 = total_messages(s, a, f, from, to), n2 = total_messages(s, a, f, pfrom, pto);
	if (n1 < 0 || n2 < 0)
		return -1;
	if (n1 == 0)
		return 0;
	/* ?1..?7 as usual over both periods; ?8 = start of the current one */
	store_stmt *st = needs_messages(f)
		? store_prepare(s, "SELECT t.term, sum(CASE WHEN m.day >= ?8 THEN 1 ELSE 0 END),"
				   " sum(CASE WHEN m.day < ?8 THEN 1 ELSE 0 END)"
				   " FROM insight_msg_terms t JOIN insight_messages m ON m.id = t.msg_id WHERE" W_MSG
				   " AND (CASE WHEN instr(t.term, ' ') > 0 THEN 2 ELSE 1 END) = ?9"
				   " GROUP BY t.term HAVING sum(CASE WHEN m.day >= ?8 THEN 1 ELSE 0 END) >= ?10")
		: store_prepare(s, "SELECT term, sum(CASE WHEN day >= ?8 THEN n ELSE 0 END), sum(CASE WHEN day < ?8 THEN n ELSE 0 END)"
				   " FROM insight_agg_terms WHERE" W_AGG " AND ngram = ?9"
				   " AND (?6 IS NULL OR ?6 IS NOT NULL) AND (?7 IS NULL OR ?7 IS NOT NULL)"
				   " GROUP BY term HAVING sum(CASE WHEN day >= ?8 THEN n ELSE 0 END) >= ?10");
	if (!st)
		return -1;
	bind_filter(st, a, f, pfrom, to);
	store_bind_int(st, 8, from);
	store_bind_int(st, 9, ngram);
	store_bind_int(st, 10, min_count);
	struct insight_emerging *v = NULL;
	int n = 0, cap = 0, rc;
	while ((rc = store_step(st)) == STORE_ROW) {
		int64_t now = store_int(st, 1), before = store_int(st, 2);
		if (now > n1 || before > n2) /* cannot happen; guards the statistic */
			continue;
		if ((double)now / (double)n1 <= (n2 ? (double)before / (double)n2 : 0))
			continue;
		double g2 = g2_of((double)now, (double)n1, (double)before, (double)n2);
		double p = erfc(sqrt(g2 / 2));
		if (!(p < alpha))
			continue;
		v = grow(a, v, n, &cap, sizeof *v);
		v[n] = (struct insight_emerging){.term = arena_strdup(a, store_text(st, 0)), .now = now, .before = before,
						 .total_now = n1, .total_before = n2, .g2 = g2, .p = p};
		n++;
	}
	store_done(st);
	if (rc != STORE_DONE)
		return -1;
	if (n > 1)
		qsort(v, (size_t)n, sizeof *v, cmp_emerging);
	if (n > limit)
		n = limit;
	for (int i = 0; i < n; i++)
		v[i].display = insight_display_of(s, a, v[i].term);
	*out = v;
	return n;
}

/* ---- hotspots ---- */

int insight_hotspots(store *s, arena *a, const struct insight_filter *f, bool by_area, int limit,
		     struct insight_hotspot **out)
{
	*out = NULL;
	if (insight_filter_empty(f))
		return 0;
	if (limit < 1)
		limit = 1;
	if (limit > 200)
		limit = 200;
	store_stmt *st = by_area
		? store_prepare(s, "SELECT area, category_id, sum(n), 0, 0 FROM insight_agg_areas WHERE" W_AGG
				   " AND (?6 IS NULL OR ?6 IS NOT NULL) AND (?7 IS NULL OR ?7 IS NOT NULL)"
				   " GROUP BY area, category_id HAVING sum(n) > 0 ORDER BY 3 DESC, 1, 2 LIMIT ?8")
		: store_prepare(s, "SELECT cell, category_id, sum(n), sum(sum_lat), sum(sum_lon) FROM insight_agg_cells WHERE" W_AGG
				   " AND (?6 IS NULL OR ?6 IS NOT NULL) AND (?7 IS NULL OR ?7 IS NOT NULL)"
				   " GROUP BY cell, category_id HAVING sum(n) > 0 ORDER BY 3 DESC, 1, 2 LIMIT ?8");
	if (!st)
		return -1;
	bind_filter(st, a, f, f->from_day, f->to_day);
	store_bind_int(st, 8, limit);
	struct insight_hotspot *v = arena_alloc(a, (size_t)limit * sizeof *v);
	int n = 0, rc;
	while ((rc = store_step(st)) == STORE_ROW && n < limit) {
		struct insight_hotspot *h = &v[n++];
		h->category_id = store_int(st, 1);
		h->count = store_int(st, 2);
		if (by_area) {
			h->area = arena_strdup(a, store_text(st, 0));
		} else {
			h->cell = store_int(st, 0);
			h->lat = store_double(st, 3) / (double)h->count;
			h->lon = store_double(st, 4) / (double)h->count;
		}
	}
	store_done(st);
	if (rc != STORE_DONE && rc != STORE_ROW)
		return -1;
	*out = v;
	return n;
}

/* ---- drill-down ---- */

void insight_item_read(store_stmt *st, arena *a, struct insight_item *it, int c)
{
	it->id = store_int(st, c + 0);
	it->source = arena_strdup(a, store_text(st, c + 1));
	it->source_id = store_int(st, c + 2);
	it->url = arena_strdup(a, store_text(st, c + 3));
	it->dept_id = store_int(st, c + 4);
	it->category_id = store_int(st, c + 5);
	it->channel = arena_strdup(a, store_text(st, c + 6));
	it->lang = arena_strdup(a, store_text(st, c + 7));
	it->area = arena_strdup(a, store_text(st, c + 8));
	it->sentiment = arena_strdup(a, store_text(st, c + 9));
	it->confidence = store_double(st, c + 10);
	it->model_version = arena_strdup(a, store_text(st, c + 11));
	it->excerpt = arena_strdup(a, store_text(st, c + 12));
	it->has_location = store_int(st, c + 13) != 0;
	it->lat = store_double(st, c + 14);
	it->lon = store_double(st, c + 15);
	it->at = store_int(st, c + 16);
}

int insight_messages(store *s, arena *a, const struct insight_drill *d, struct insight_item **out)
{
	*out = NULL;
	if (insight_filter_empty(&d->f))
		return 0;
	int limit = d->limit < 1 ? 1 : d->limit > 200 ? 200 : d->limit;
	store_stmt *st = store_prepare(s,
		"SELECT " INSIGHT_ITEM_COLS " FROM insight_messages m WHERE" W_MSG
		" AND (?8 IS NULL OR EXISTS (SELECT 1 FROM insight_msg_terms t WHERE t.msg_id = m.id AND t.term = ?8))"
		" AND (?9 = 0 OR EXISTS (SELECT 1 FROM insight_cluster_members c WHERE c.msg_id = m.id AND c.cluster_id = ?9))"
		" AND (?10 = 0 OR m.cell = ?10) AND (?11 IS NULL OR m.area = ?11) AND (?12 IS NULL OR m.sentiment = ?12)"
		" AND (?13 = 0 OR (m.at, m.id) < (?13, ?14))"
		" ORDER BY m.at DESC, m.id DESC LIMIT ?15");
	if (!st)
		return -1;
	bind_filter(st, a, &d->f, d->f.from_day, d->f.to_day);
	store_bind_text(st, 8, nz(d->term));
	store_bind_int(st, 9, d->cluster_id);
	store_bind_int(st, 10, d->cell);
	store_bind_text(st, 11, nz(d->area));
	store_bind_text(st, 12, nz(d->sentiment));
	store_bind_int(st, 13, d->before_at);
	store_bind_int(st, 14, d->before_id);
	store_bind_int(st, 15, limit);
	struct insight_item *v = arena_alloc(a, (size_t)limit * sizeof *v);
	int n = 0, rc;
	while ((rc = store_step(st)) == STORE_ROW && n < limit)
		insight_item_read(st, a, &v[n++], 0);
	store_done(st);
	if (rc != STORE_DONE && rc != STORE_ROW)
		return -1;
	*out = v;
	return n;
}
