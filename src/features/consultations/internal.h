/* Inside the consultations feature: storage writes and input validation shared
 * by the staff pages and the JSON API. */
#ifndef MAJLIS_FEATURES_CONSULTATIONS_INTERNAL_H
#define MAJLIS_FEATURES_CONSULTATIONS_INTERNAL_H
#include "features/consultations/consultations.h"
#include "http/http.h"
#include "web/page.h"

/* What staff send (form or JSON) before validation; NULL = not given. */
struct consult_input {
	const char *title, *lang, *body, *dept, *opens_at, *closes_at;
	const char *allow_proposals;     /* "1"/"on"/"true" or "0"/"" */
	const char *support_threshold, *proposals_deadline;
	const char *summary;
};

/* Validates in into c, merging over c's current values. Errors go to e as
 * (field, catalog key). Renders Markdown. Returns e->n == 0. */
bool consult_apply_input(store *s, arena *a, const struct consult_input *in, struct consultation *c,
			 struct form_errors *e);
/* Inserts c with its documents in one transaction; the id, or -1. */
int64_t consult_insert(store *s, struct consultation *c);
/* Saves every field and replaces the documents in one transaction. */
bool consult_save(store *s, const struct consultation *c);
/* Closes now (closes_at moved to now when later) and/or sets the summary
 * (NULL keeps it); summary_html must match. */
bool consult_close(store *s, int64_t id, int64_t now, const char *summary, const char *summary_html);

/* Registrations. */
void consultations_pages_routes(void);
void consultations_api_routes(void);

#endif
