/* Helpers shared by the staff and admin pages of the requests feature
 * (staff*.c, admin*.c) — nothing here is used outside this folder. */
#ifndef MAJLIS_REQUESTS_STAFF_COMMON_H
#define MAJLIS_REQUESTS_STAFF_COMMON_H
#include "features/requests/internal.h"
#include "features/accounts/accounts.h"

/* This thread's store, or NULL after answering 503. */
store *staff_db(struct req *r);
/* The actor for r's principal (a staff member). */
struct actor staff_actor(struct req *r);
/* Writes a due time: absolute (administration's zone, reader's language) and
 * relative to now ("in 3 h", "2 d ago"); "—" when due is 0. */
void staff_fmt_due(struct req *r, int64_t due, int64_t now);
/* The relative part alone ("in 3 h" / "2 d ago") in lang; arena-owned. */
const char *staff_relative(arena *a, const char *lang, int64_t due, int64_t now);
/* A category's name in lang ("" for NULL). */
const char *staff_cat_name(const struct category *c, const char *lang);
/* Departments where p holds role, as select options ended by {NULL}; the ids as
 * decimal text. *count gets how many. Arena-owned. */
struct select_option *staff_dept_options(struct req *r, store *s, enum role role, int *count);
/* Parses a positive id from text; 0 when it is not one. */
int64_t staff_id(const char *text);
/* Writes a success notice when ?done=<what> names one of the allowed keys
 * (catalog key "<prefix><what>"). */
void staff_notice(struct req *r, const char *prefix, const char *const *allowed);

#endif
