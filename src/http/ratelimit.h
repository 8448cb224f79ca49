/* In-memory rate limits: at most max events per key per window of seconds.
 * Keys are free-form ("login-ip:1.2.3.4", "login-acct:x@y"). Thread-safe.
 * Counts live in this process only (see DECISIONS for several processes). */
#ifndef MAJLIS_HTTP_RATELIMIT_H
#define MAJLIS_HTTP_RATELIMIT_H
#include <stdbool.h>

/* Records one event for key. True when it is within the limit; false when over,
 * with *retry_after set to the seconds until the window frees up. */
bool ratelimit_take(const char *key, int max, int window, int *retry_after);
/* Forgets key (e.g. after a successful login). */
void ratelimit_clear(const char *key);
/* Frees every entry (at shutdown). */
void ratelimit_shutdown(void);

#endif
