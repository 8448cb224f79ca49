/* The staff queue: one department's requests sorted by next due time, read
 * through the (dept_id, is_open, due_sort, id) index with a keyset cursor so
 * that the first page — and every later page — costs the same on a large queue. */
#include "features/requests/internal.h"
#include "text/simhash.h"
#include "core/util.h"
#include <math.h>
#include <pthread.h>
#include <string.h>

#define OPEN_MASK ((1u << RS_NEW) | (1u << RS_OPEN) | (1u << RS_PENDING) | (1u << RS_ON_HOLD))

/* 1 when every wanted status is an open one, 0 when none is, -1 for a mix. */
static int side_of(unsigned mask)
{
	return (mask & OPEN_MASK) == mask ? 1 : (mask & OPEN_MASK) == 0 ? 0 : -1;
}

/* Binds the filter; every variant shares parameter numbers ?1..?10. */
static void bind_filter(store_stmt *st, const struct inbox_filter *f, unsigned mask)
{
	store_bind_int(st, 1, f->dept_id);
	store_bind_int(st, 2, side_of(mask));
	store_bind_int(st, 3, mask);
	store_bind_int(st, 4, f->category_id);
	store_bind_text(st, 5, f->priority >= 0 && f->priority < RP_COUNT ? req_priority_names[f->priority] : NULL);
	store_bind_int(st, 6, f->assignee_id);
	store_bind_int(st, 7, f->overdue_only);
	store_bind_text(st, 8, f->channel);
	store_bind_int(st, 9, f->from);
	store_bind_int(st, 10, f->to ? f->to : INT64_MAX);
}

/* Status bit of a row, computed in SQL from the status name. */
#define STATUS_BIT "(CASE status WHEN 'new' THEN 1 WHEN 'open' THEN 2 WHEN 'pending' THEN 4 WHEN 'on_hold' THEN 8 " \
		   "WHEN 'solved' THEN 16 ELSE 32 END)"
/* is_open = ?2 must stay a plain equality so that the planner walks the
 * (dept_id, is_open, due_sort, id) index in order; a filter mixing open and
 * closed statuses uses the _ANY variant, which sorts. */
#define FILTER_TAIL " AND (" STATUS_BIT " & ?3) != 0" \
		   " AND (?4 = 0 OR category_id = ?4) AND (?5 IS NULL OR priority = ?5)" \
		   " AND (?6 = 0 OR (?6 = -1 AND assignee_id IS NULL) OR assignee_id = ?6)" \
		   " AND (?7 = 0 OR overdue = 1) AND (?8 IS NULL OR channel = ?8)" \
		   " AND created_at >= ?9 AND created_at <= ?10"
#define FILTER_SQL " WHERE dept_id = ?1 AND is_open = ?2" FILTER_TAIL
#define FILTER_SQL_ANY " WHERE dept_id = ?1 AND ?2 = -1" FILTER_TAIL

/* [any][part]: part 0 = the first page; 1 = after a cursor, the rows that tie
 * with it on due_sort (id > ?12); 2 = after a cursor, due_sort > ?11. The row
 * value (due_sort, id) > (?11, ?12) in one query seeks to due_sort >= ?11 only
 * and then steps over every tie: all pending requests share due_sort = max, so
 * a page deep in them read 24,000 index entries at 1,000,000 requests (7 ms
 * p50, 17 ms p99; bench/README.md "Requests"). Two seeks instead. */
static char inbox_sql[2][3][2048];

static void build_sql(void)
{
	for (int any = 0; any < 2; any++) {
		const char *where = any ? FILTER_SQL_ANY : FILTER_SQL;
		snprintf(inbox_sql[any][0], sizeof inbox_sql[any][0], "SELECT %s FROM requests%s"
			 " ORDER BY due_sort, id LIMIT ?13", request_columns(), where);
		snprintf(inbox_sql[any][1], sizeof inbox_sql[any][1], "SELECT %s FROM requests%s"
			 " AND due_sort = ?11 AND id > ?12 ORDER BY due_sort, id LIMIT ?13", request_columns(), where);
		snprintf(inbox_sql[any][2], sizeof inbox_sql[any][2], "SELECT %s FROM requests%s"
			 " AND due_sort > ?11 ORDER BY due_sort, id LIMIT ?13", request_columns(), where);
	}
}

int inbox_list(store *s, arena *a, const struct inbox_filter *f, struct request **out)
{
	/* Built once: the statement cache keys on the address of the text. */
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, build_sql);
	unsigned mask = f->status_mask ? f->status_mask : OPEN_MASK;
	int limit = f->limit < 1 ? 50 : f->limit > 100 ? 100 : f->limit;
	*out = arena_alloc(a, sizeof **out * (size_t)limit);
	int any = side_of(mask) == -1, n = 0;
	for (int part = f->after_id ? 1 : 0; part < (f->after_id ? 3 : 1) && n < limit; part++) {
		store_stmt *st = store_prepare(s, inbox_sql[any][part]);
		if (!st)
			return -1;
		bind_filter(st, f, mask);
		store_bind_int(st, 11, f->after_due);
		store_bind_int(st, 12, f->after_id);
		store_bind_int(st, 13, limit - n);
		while (n < limit && store_step(st) == STORE_ROW)
			request_read_row(st, a, &(*out)[n++]);
		store_done(st);
	}
	return n;
}

/* Counts whose filter only names statuses, overdue and assignee — every chip
 * of the inbox and the default queue's total — come from req_queue_counts
 * (kept by triggers, schema.c migration 2): a few hundred rows per department
 * whatever the size of its queue. Same status-bit, overdue and assignee rules
 * as FILTER_TAIL. */
#define COUNTERS_SQL "SELECT coalesce(sum(n), 0) FROM req_queue_counts WHERE dept_id = ?1" \
		     " AND ((CASE status WHEN 'new' THEN 1 WHEN 'open' THEN 2 WHEN 'pending' THEN 4 WHEN 'on_hold' THEN 8" \
		     " WHEN 'solved' THEN 16 ELSE 32 END) & ?2) != 0 AND (?3 = 0 OR overdue = 1)" \
		     " AND (?4 = 0 OR (?4 = -1 AND assignee = 0) OR assignee = ?4)"

int64_t inbox_count(store *s, const struct inbox_filter *f)
{
	unsigned mask = f->status_mask ? f->status_mask : OPEN_MASK;
	if (!f->category_id && (f->priority < 0 || f->priority >= RP_COUNT) && !f->channel && !f->from && !f->to) {
		store_stmt *c = store_prepare(s, COUNTERS_SQL);
		if (!c)
			return -1;
		store_bind_int(c, 1, f->dept_id);
		store_bind_int(c, 2, mask);
		store_bind_int(c, 3, f->overdue_only);
		store_bind_int(c, 4, f->assignee_id);
		int64_t n = store_step(c) == STORE_ROW ? store_int(c, 0) : -1;
		store_done(c);
		return n;
	}
	store_stmt *st = store_prepare(s, side_of(mask) == -1 ? "SELECT count(*) FROM requests" FILTER_SQL_ANY
							       : "SELECT count(*) FROM requests" FILTER_SQL);
	if (!st)
		return -1;
	bind_filter(st, f, mask);
	int64_t n = store_step(st) == STORE_ROW ? store_int(st, 0) : -1;
	store_done(st);
	return n;
}

/* Distance in metres between two points (haversine). */
static double metres(double lat1, double lon1, double lat2, double lon2)
{
	const double r = 6371000.0, rad = M_PI / 180.0;
	double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
	double h = sin(dlat / 2) * sin(dlat / 2) + cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
	return 2 * r * asin(sqrt(h));
}

static char similar_sql[1024];

static void build_similar_sql(void)
{
	snprintf(similar_sql, sizeof similar_sql, "SELECT %s, simhash FROM requests WHERE category_id = ? AND is_open = 1"
		 " AND id <> ? AND merged_into IS NULL ORDER BY created_at DESC LIMIT 500", request_columns());
}

int request_similar(store *s, arena *a, const struct request *r, int max, struct request **out)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, build_similar_sql);
	*out = arena_alloc(a, sizeof **out * (size_t)(max + 1));
	int score[64] = {0};
	if (max > 64)
		max = 64;
	store_stmt *st = store_prepare(s, similar_sql);
	if (!st)
		return 0;
	store_bind_int(st, 1, r->category_id);
	store_bind_int(st, 2, r->id);
	uint64_t mine = text_simhash(r->description, strlen(r->description));
	int n = 0;
	while (store_step(st) == STORE_ROW) {
		int ncols = 30;
		uint64_t h = (uint64_t)store_int(st, ncols);
		int dist = text_hamming(mine, h);
		struct request cand;
		bool near_text = dist <= 12;
		double d = -1;
		if (r->has_location && !store_is_null(st, 9))
			d = metres(r->lat, r->lon, store_double(st, 9), store_double(st, 10));
		bool near_place = d >= 0 && d <= 300;
		if (!(near_text && (d < 0 || near_place)) && !(near_place && dist <= 20))
			continue;
		request_read_row(st, a, &cand);
		int sc = dist + (near_place ? 0 : 8);
		/* insertion into the top-max list, lowest score first */
		int pos = n < max ? n++ : max;
		if (pos == max && sc >= score[max - 1])
			continue;
		if (pos == max)
			pos = max - 1;
		while (pos > 0 && score[pos - 1] > sc) {
			(*out)[pos] = (*out)[pos - 1];
			score[pos] = score[pos - 1];
			pos--;
		}
		(*out)[pos] = cand;
		score[pos] = sc;
	}
	store_done(st);
	return n;
}
