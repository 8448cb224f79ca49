/* The application: which features exist, their schemas and routes, and the
 * start-up wiring of hooks. The only place that knows every feature. */
#ifndef MAJLIS_APP_APP_H
#define MAJLIS_APP_APP_H
#include <stdbool.h>
#include "core/config.h"
#include "store/migrate.h"
#include "store/store.h"

/* Every feature's migrations, ended by {NULL, NULL}. */
extern const struct feature_schema app_schemas[];

/* Configures the store for this application (the full-text tokenizer); call
 * before the first store_open — migrations need it. */
void app_store_setup(void);

/* Loads catalogs, sets the http hooks and the CSRF secret (creating it in the
 * database on first use), and registers every route. false + message in err. */
bool app_start(const struct config *cfg, store *s, char *err, size_t errn);
/* Registers every route without touching a database (for `majlis routes`). */
void app_register_routes(void);
/* Frees what app_start loaded. */
void app_stop(void);

/* Adds demo departments, staff accounts and posts in ar/fr/en. Prints how to
 * log in. Idempotent: does nothing when departments already exist. */
bool app_seed_demo(store *s, char *err, size_t errn);

#endif
