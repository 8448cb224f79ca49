/* comments: see the feature's files. */
#ifndef MAJLIS_FEATURES_COMMENTS_H
#define MAJLIS_FEATURES_COMMENTS_H
#include "store/migrate.h"

extern const struct migration comments_migrations[];
/* Registers the feature's routes. */
void comments_routes(void);
/* Start-up wiring (moderation targets, job kinds); once, before serving. */
void comments_init(void);

#endif
