/* Responsiveness figures per month, computed from the engine's tables with SQL
 * aggregates. Definitions (also stated on the page and in the JSON):
 *  - a request belongs to the month it was received in (local time zone);
 *  - time to first response = first public answer - reception; time to
 *    resolution = solved (or closed, for requests closed without being marked
 *    solved) - reception; both in CALENDAR time (nights, weekends and
 *    holidays count), merged requests excluded;
 *  - percentiles by the nearest-rank method: the p-th percentile of n sorted
 *    values is the value at rank ceil(p/100 * n);
 *  - share within target: first-response clocks (request_clocks) fulfilled and
 *    never breached (used <= budget) / every first-response clock of the
 *    month's requests (running, paused and breached ones included). Clocks run
 *    on business hours or 24/7 as each target says. */
#include "features/requests/stats.h"
#include "core/util.h"
#include <string.h>
#include <time.h>

/* Local midnight of the first day of month index mi (year*12 + month-1). */
int64_t stats_month_start(int mi)
{
	struct tm tm = {0};
	tm.tm_year = mi / 12 - 1900;
	tm.tm_mon = mi % 12;
	tm.tm_mday = 1;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

int stats_month_index(int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;
	localtime_r(&tt, &tm);
	return (tm.tm_year + 1900) * 12 + tm.tm_mon;
}

/* Binds the common filter parameters ?3..?5 of every query below. */
static void bind_filter(store_stmt *st, const struct stats_filter *f, int64_t from, int64_t to)
{
	store_bind_int(st, 1, from);
	store_bind_int(st, 2, to);
	store_bind_int(st, 3, f->dept_id);
	store_bind_int(st, 4, f->category_id);
	store_bind_text(st, 5, f->channel ? f->channel : "");
}

#define FILTER " r.created_at >= ?1 AND r.created_at < ?2 AND (?3 = 0 OR r.dept_id = ?3)" \
	       " AND (?4 = 0 OR r.category_id = ?4) AND (?5 = '' OR r.channel = ?5)"

/* Fills p50/p90 from the sorted durations the statement returns. */
static int64_t percentiles(arena *a, store_stmt *st, int64_t *p50, int64_t *p90)
{
	int64_t cap = 256, n = 0;
	int64_t *v = arena_alloc(a, sizeof *v * (size_t)cap);
	while (store_step(st) == STORE_ROW) {
		if (n == cap) {
			int64_t *g = arena_alloc(a, sizeof *g * (size_t)(cap * 2));
			memcpy(g, v, sizeof *v * (size_t)n);
			v = g;
			cap *= 2;
		}
		v[n++] = store_int(st, 0);
	}
	store_done(st);
	*p50 = *p90 = -1;
	if (n) {
		/* nearest rank: ceil(p * n / 100), 1-based */
		*p50 = v[(50 * n + 99) / 100 - 1];
		*p90 = v[(90 * n + 99) / 100 - 1];
	}
	return n;
}

static bool one_month(store *s, arena *a, const struct stats_filter *f, struct month_stats *m)
{
	int64_t from = stats_month_start(m->month), to = stats_month_start(m->month + 1);
	store_stmt *st = store_prepare(s, "SELECT count(*) FROM requests r WHERE" FILTER);
	if (!st)
		return false;
	bind_filter(st, f, from, to);
	m->received = store_step(st) == STORE_ROW ? store_int(st, 0) : 0;
	store_done(st);
	if (!m->received) {
		m->first_p50 = m->first_p90 = m->res_p50 = m->res_p90 = -1;
		return true;
	}
	st = store_prepare(s, "SELECT r.first_response_at - r.created_at AS d FROM requests r WHERE" FILTER
			      " AND r.first_response_at IS NOT NULL AND r.merged_into IS NULL ORDER BY d");
	if (!st)
		return false;
	bind_filter(st, f, from, to);
	m->answered = percentiles(a, st, &m->first_p50, &m->first_p90);
	st = store_prepare(s, "SELECT coalesce(r.solved_at, r.closed_at) - r.created_at AS d FROM requests r WHERE" FILTER
			      " AND coalesce(r.solved_at, r.closed_at) IS NOT NULL AND r.merged_into IS NULL ORDER BY d");
	if (!st)
		return false;
	bind_filter(st, f, from, to);
	m->resolved = percentiles(a, st, &m->res_p50, &m->res_p90);
	st = store_prepare(s, "SELECT count(*), coalesce(sum(c.state = 'fulfilled' AND c.breached = 0 AND c.used <= c.budget), 0)"
			      " FROM request_clocks c JOIN requests r ON r.id = c.request_id"
			      " WHERE c.target = 'first_response' AND r.merged_into IS NULL AND" FILTER);
	if (!st)
		return false;
	bind_filter(st, f, from, to);
	if (store_step(st) == STORE_ROW) {
		m->with_target = store_int(st, 0);
		m->on_time = store_int(st, 1);
	}
	store_done(st);
	return true;
}

int stats_compute(store *s, arena *a, const struct stats_filter *f, struct month_stats **out)
{
	int n = f->to_month - f->from_month + 1;
	if (n < 1 || n > STATS_MAX_MONTHS)
		return -1;
	struct month_stats *m = arena_alloc(a, sizeof *m * (size_t)n);
	for (int i = 0; i < n; i++) {
		m[i].month = f->from_month + i;
		if (!one_month(s, a, f, &m[i]))
			return -1;
	}
	*out = m;
	return n;
}

void stats_last_months(struct stats_filter *f, int64_t now, int n)
{
	f->to_month = stats_month_index(now);
	f->from_month = f->to_month - n + 1;
}

bool stats_parse_month(const char *s, int *out)
{
	int y, mo, used = 0;
	if (!s || sscanf(s, "%4d-%2d%n", &y, &mo, &used) != 2 || s[used] || y < 2000 || y > 2200 || mo < 1 || mo > 12)
		return false;
	*out = y * 12 + mo - 1;
	return true;
}
