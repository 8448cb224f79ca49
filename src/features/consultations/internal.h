/* Inside the consultations feature: storage writes and input validation shared
 * by the staff pages and the JSON API. */
#ifndef MAJLIS_FEATURES_CONSULTATIONS_INTERNAL_H
#define MAJLIS_FEATURES_CONSULTATIONS_INTERNAL_H
#include "features/consultations/consultations.h"
#include "http/http.h"
#include "web/page.h"

/* Saves every field and replaces the documents in one transaction. */
bool consult_save(store *s, const struct consultation *c);
/* Closes now (closes_at moved to now when later) and/or sets the summary
 * (NULL keeps it); summary_html must match. */
bool consult_close(store *s, int64_t id, int64_t now, const char *summary, const char *summary_html);

/* Registrations. */
void consultations_pages_routes(void);
void consultations_api_routes(void);

#endif
