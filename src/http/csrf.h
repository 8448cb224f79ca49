/* CSRF protection by signed double-submit: a random cookie, and in every form a
 * token that is the keyed hash of that cookie under the server's secret. */
#ifndef MAJLIS_HTTP_CSRF_H
#define MAJLIS_HTTP_CSRF_H
#include <stdbool.h>
#include "http/http.h"

/* Sets the 32-byte server secret (kept in the database; see settings). */
void csrf_set_secret(const unsigned char key[32]);
/* Token for forms on this response; sets the cookie when the client has none.
 * Arena-owned. */
const char *csrf_token(struct req *r);
/* True when token matches the request's cookie (constant-time). */
bool csrf_valid(struct req *r, const char *token);

/* Keyed hash (BLAKE2b under the site secret) of msg, as 64 hex + NUL: for
 * tokens that can be recomputed instead of stored (e.g. private links). */
void site_mac(const char *msg, char out[65]);

#endif
