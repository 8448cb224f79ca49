/* Outgoing email through libcurl's SMTP client to the configured relay, always
 * through the job queue: mail_queue() writes an "email" job; the worker sends it
 * (plain text plus a simple HTML part, UTF-8) and retries while the relay is down. */
#ifndef MAJLIS_JOBS_MAIL_H
#define MAJLIS_JOBS_MAIL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/config.h"
#include "store/store.h"

/* Queues an email. key makes it idempotent (e.g. "reset:42:1699999999"); it
 * also becomes the Message-ID, so a receiver can drop a duplicate delivery.
 * html may be NULL (the plain text is then wrapped in a minimal HTML part).
 * dir is "rtl" or "ltr" for the HTML part. Returns the job id, 0 if already
 * queued, -1 on error. */
int64_t mail_queue(store *s, const char *key, const char *to, const char *subject,
		   const char *text, const char *html, const char *lang);

/* Sends one message now (used by the job). false with a reason in err. */
bool mail_send(const struct config *cfg, const char *to, const char *subject, const char *text,
	       const char *html, const char *lang, const char *message_id, char *err, size_t errn);

/* Registers the "email" job kind. */
void mail_init(void);

#endif
