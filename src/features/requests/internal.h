/* Shared inside src/features/requests only. */
#ifndef MAJLIS_REQUESTS_INTERNAL_H
#define MAJLIS_REQUESTS_INTERNAL_H
#include "features/requests/requests.h"

/* Column list matching request_read_row. */
const char *request_columns(void);
/* Fills r from a row selected with request_columns(). */
void request_read_row(store_stmt *st, arena *a, struct request *r);
/* Appends an event to the history. */
bool request_event_add(store *s, int64_t id, const struct actor *by, const char *type, bool public,
		       const char *body, const char *data);
/* Puts the request in the search index (staff of its department only). */
bool request_reindex(store *s, int64_t id);
/* Starts the first-response and resolution clocks of a new request. */
bool sla_start(store *s, int64_t id, int64_t category_id, enum req_priority p, int64_t now);
/* Moves clocks for a status change from -> to. */
bool sla_on_status(store *s, int64_t id, enum req_status from, enum req_status to, int64_t now);
/* A public staff reply: fulfils first/next response. */
bool sla_on_public_reply(store *s, int64_t id, int64_t now);
/* The citizen answered: starts the next-response clock. */
bool sla_on_citizen_reply(store *s, int64_t id, int64_t now);
/* Queues the notification of an event to the citizen (and citizens of requests
 * merged into this one). what: "created", "reply", "status", "transfer",
 * "assigned" (to the agent), "breach" (to the department's admins). */
bool request_notify(store *s, arena *a, int64_t id, const char *what, const char *detail);

#endif
