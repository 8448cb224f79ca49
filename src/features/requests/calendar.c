#include "features/requests/calendar.h"
#include <string.h>
#include <time.h>

void cal_default(struct calendar *c)
{
	memset(c, 0, sizeof *c);
	for (int d = 1; d <= 5; d++)
		{ c->iv[c->niv].weekday = d; c->iv[c->niv].open_min = 8 * 60 + 30; c->iv[c->niv].close_min = 16 * 60 + 30; c->niv++; }
}

static bool holiday(const struct calendar *c, const struct tm *tm)
{
	int ymd = (tm->tm_year + 1900) * 10000 + (tm->tm_mon + 1) * 100 + tm->tm_mday;
	for (int i = 0; i < c->nholidays; i++)
		if (c->holidays[i] == ymd)
			return true;
	return false;
}

/* Local midnight of the day containing t, and that day's broken-down time. */
static int64_t day_start(int64_t t, struct tm *tm)
{
	time_t tt = (time_t)t;
	localtime_r(&tt, tm);
	struct tm m = *tm;
	m.tm_hour = m.tm_min = m.tm_sec = 0;
	m.tm_isdst = -1;
	return (int64_t)mktime(&m);
}

/* Instant of minute-of-day `min` on the local day starting at midnight (DST-safe). */
static int64_t at_minute(const struct tm *day, int min)
{
	struct tm m = *day;
	m.tm_hour = min / 60;
	m.tm_min = min % 60;
	m.tm_sec = 0;
	m.tm_isdst = -1;
	return (int64_t)mktime(&m);
}

/* Calls back over the open intervals of one local day, clipped to [lo, hi). */
static int64_t day_overlap(const struct calendar *c, int64_t midnight, const struct tm *tm, int64_t lo, int64_t hi)
{
	(void)midnight;
	if (holiday(c, tm))
		return 0;
	int64_t sum = 0;
	for (int i = 0; i < c->niv; i++) {
		if (c->iv[i].weekday != tm->tm_wday)
			continue;
		int64_t a = at_minute(tm, c->iv[i].open_min), b = at_minute(tm, c->iv[i].close_min);
		if (a < lo) a = lo;
		if (b > hi) b = hi;
		if (b > a)
			sum += b - a;
	}
	return sum;
}

int64_t cal_elapsed(const struct calendar *c, int64_t from, int64_t to)
{
	if (to <= from)
		return 0;
	int64_t sum = 0;
	struct tm tm;
	int64_t d = day_start(from, &tm);
	for (int guard = 0; d < to && guard < 4000; guard++) {
		sum += day_overlap(c, d, &tm, from, to);
		/* next local midnight: noon of this day + 24 h, then back to midnight */
		d = day_start(d + 36 * 3600, &tm);
	}
	return sum;
}

int64_t cal_add(const struct calendar *c, int64_t start, int64_t seconds)
{
	if (c->niv == 0)
		return INT64_MAX;
	if (seconds <= 0)
		return start;
	struct tm tm;
	int64_t d = day_start(start, &tm);
	int64_t left = seconds;
	for (int guard = 0; guard < 2000; guard++) {
		if (!holiday(c, &tm)) {
			/* intervals of this weekday in time order */
			for (int pass = 0; pass < 24 * 60; ) {
				int best = -1;
				for (int i = 0; i < c->niv; i++)
					if (c->iv[i].weekday == tm.tm_wday && c->iv[i].open_min >= pass &&
					    (best < 0 || c->iv[i].open_min < c->iv[best].open_min))
						best = i;
				if (best < 0)
					break;
				int64_t a = at_minute(&tm, c->iv[best].open_min), b = at_minute(&tm, c->iv[best].close_min);
				if (a < start)
					a = start;
				if (b > a) {
					if (b - a >= left)
						return a + left;
					left -= b - a;
				}
				pass = c->iv[best].open_min + 1;
			}
		}
		d = day_start(d + 36 * 3600, &tm);
	}
	return INT64_MAX;
}
