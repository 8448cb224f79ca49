/* surveys: see the feature's files. */
#ifndef MAJLIS_FEATURES_SURVEYS_H
#define MAJLIS_FEATURES_SURVEYS_H
#include "store/migrate.h"

extern const struct migration surveys_migrations[];
/* Registers the feature's routes. */
void surveys_routes(void);
/* Start-up wiring (moderation targets, job kinds); once, before serving. */
void surveys_init(void);

#endif
