/* consultations: see the feature's files. */
#ifndef MAJLIS_FEATURES_CONSULTATIONS_H
#define MAJLIS_FEATURES_CONSULTATIONS_H
#include "store/migrate.h"

extern const struct migration consultations_migrations[];
/* Registers the feature's routes. */
void consultations_routes(void);
/* Start-up wiring (moderation targets, job kinds); once, before serving. */
void consultations_init(void);

#endif
