/* Transparency statistics of responsiveness (stats_compute.c, pages in
 * stats.c). Shared by the stats files only. */
#ifndef MAJLIS_REQUESTS_STATS_H
#define MAJLIS_REQUESTS_STATS_H
#include "features/requests/internal.h"

#define STATS_MAX_MONTHS 36

struct stats_filter {
	int64_t dept_id;      /* 0 = every department */
	int64_t category_id;  /* 0 = every category */
	const char *channel;  /* NULL = every channel */
	int from_month, to_month; /* month indexes (year*12 + month-1), inclusive */
};

struct month_stats {
	int month;                      /* year*12 + month-1 */
	int64_t received;
	int64_t answered, first_p50, first_p90; /* seconds; -1 when none */
	int64_t resolved, res_p50, res_p90;
	int64_t with_target, on_time;   /* first-response clocks */
};

/* Figures per month of f's range into *out (arena); returns the count, or -1
 * on a database error or a range of more than STATS_MAX_MONTHS. */
int stats_compute(store *s, arena *a, const struct stats_filter *f, struct month_stats **out);
/* Sets f's range to the n months ending with the current one. */
void stats_last_months(struct stats_filter *f, int64_t now, int n);
/* Local time of the first instant of month index mi; month index of t. */
int64_t stats_month_start(int mi);
int stats_month_index(int64_t t);
/* Parses "YYYY-MM" into a month index. */
bool stats_parse_month(const char *s, int *out);

#endif
