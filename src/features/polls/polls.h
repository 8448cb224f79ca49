/* polls: see the feature's files. */
#ifndef MAJLIS_FEATURES_POLLS_H
#define MAJLIS_FEATURES_POLLS_H
#include "store/migrate.h"

extern const struct migration polls_migrations[];
/* Registers the feature's routes. */
void polls_routes(void);
/* Start-up wiring (moderation targets, job kinds); once, before serving. */
void polls_init(void);

#endif
