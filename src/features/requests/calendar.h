/* Business-hours arithmetic: the administration's working week (several open
 * intervals per weekday, minutes from local midnight), holidays (local dates),
 * in the configured time zone (the process's TZ). Pure functions: no database. */
#ifndef MAJLIS_REQUESTS_CALENDAR_H
#define MAJLIS_REQUESTS_CALENDAR_H
#include <stdbool.h>
#include <stdint.h>

#define CAL_MAX_INTERVALS 28
#define CAL_MAX_HOLIDAYS 400

struct calendar {
	struct { int weekday, open_min, close_min; } iv[CAL_MAX_INTERVALS]; /* weekday 0 = Sunday */
	int niv;
	int holidays[CAL_MAX_HOLIDAYS]; /* local dates as YYYYMMDD */
	int nholidays;
};

/* Seconds of working time between from and to (0 when to <= from). */
int64_t cal_elapsed(const struct calendar *c, int64_t from, int64_t to);
/* The instant when `seconds` of working time have passed after start. A calendar
 * with no open interval never advances: returns INT64_MAX. Bounded: looks at most
 * ~5 years ahead. */
int64_t cal_add(const struct calendar *c, int64_t start, int64_t seconds);
/* The default week: Monday–Friday 08:30–16:30 (what a Moroccan administration
 * keeps); used until an admin sets the real one. */
void cal_default(struct calendar *c);

#endif
