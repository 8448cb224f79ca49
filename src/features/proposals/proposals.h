/* proposals: see the feature's files. */
#ifndef MAJLIS_FEATURES_PROPOSALS_H
#define MAJLIS_FEATURES_PROPOSALS_H
#include "store/migrate.h"

extern const struct migration proposals_migrations[];
/* Registers the feature's routes. */
void proposals_routes(void);
/* Start-up wiring (moderation targets, job kinds); once, before serving. */
void proposals_init(void);

#endif
