/* The audit log: who did what, when, on which object. Every staff action and
 * every account-security event writes one line; admins read it at /admin/audit. */
#ifndef MAJLIS_FEATURES_AUDIT_H
#define MAJLIS_FEATURES_AUDIT_H
#include <stdint.h>
#include "http/http.h"
#include "store/migrate.h"
#include "store/store.h"

extern const struct migration audit_migrations[];

/* Records an action by r's principal (or "anonymous"). object_type/detail may be
 * NULL. Failures are logged, never fatal to the action. */
void audit_record(struct req *r, store *s, const char *action, const char *object_type,
		  int64_t object_id, const char *detail);
/* Records an action by an account that r has not authenticated yet (log in,
 * sign up): actor_id and actor (email or phone) name who acted. */
void audit_record_as(struct req *r, store *s, int64_t actor_id, const char *actor, const char *action,
		     const char *object_type, int64_t object_id, const char *detail);
/* Records an action from the command line (actor "cli"). */
void audit_record_cli(store *s, const char *action, const char *object_type, int64_t object_id,
		      const char *detail);
/* Registers GET /admin/audit (site admins). */
void audit_routes(void);

#endif
