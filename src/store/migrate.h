/* Versioned schema migrations. Each feature owns a list of migrations for its own
 * tables; the versions of each feature are recorded in schema_versions. */
#ifndef MAJLIS_STORE_MIGRATE_H
#define MAJLIS_STORE_MIGRATE_H
#include <stdbool.h>
#include "store/store.h"

struct migration {
	int version;     /* 1, 2, 3 ... in order, never renumbered */
	const char *sql; /* portable DDL; may hold several statements */
};

struct feature_schema {
	const char *feature;                /* e.g. "posts" */
	const struct migration *migrations; /* ended by {0, NULL} */
};

/* Applies every pending migration of every schema (ended by {NULL, NULL}), each
 * in its own transaction. Refuses, writing a message into err, when the database
 * holds a feature version newer than this binary knows, or a feature it does not
 * know at all: nothing is changed then. *applied counts the migrations run. */
bool migrate_apply(store *s, const struct feature_schema *schemas, int *applied,
		   char *err, size_t errn);
/* Checks without changing anything: true when the database is exactly current.
 * Writes what is wrong into err otherwise (pending or too new). */
bool migrate_check(store *s, const struct feature_schema *schemas, char *err, size_t errn);

#endif
