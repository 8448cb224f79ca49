#include "core/log.h"
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

static int quiet;

void log_set_quiet(int q) { quiet = q; }

static void emit(const char *level, const char *fmt, va_list ap)
{
	char ts[32], line[2048];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
	vsnprintf(line, sizeof line, fmt, ap);
	/* One fprintf call: stdio locks the stream, so lines never interleave. */
	fprintf(stderr, "%s %s %s\n", ts, level, line);
}

#define DEFINE_LOG(name, level, cond)                \
	void name(const char *fmt, ...)              \
	{                                            \
		if (!(cond))                         \
			return;                      \
		va_list ap;                          \
		va_start(ap, fmt);                   \
		emit(level, fmt, ap);                \
		va_end(ap);                          \
	}

DEFINE_LOG(log_info, "info", !quiet)
DEFINE_LOG(log_warn, "warn", 1)
DEFINE_LOG(log_error, "error", 1)
