/* Logging to standard error, one line per event, with a UTC timestamp. Thread-safe. */
#ifndef MAJLIS_CORE_LOG_H
#define MAJLIS_CORE_LOG_H

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Silences log_info (access log included); warnings and errors still print. */
void log_set_quiet(int quiet);

#endif
