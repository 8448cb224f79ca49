/* Files compiled into the binary by tools/embed.c (static assets, catalogs). */
#ifndef MAJLIS_CORE_EMBEDDED_H
#define MAJLIS_CORE_EMBEDDED_H
#include <stddef.h>

struct embedded_file {
	const char *path; /* as given at build time, e.g. "static/style.css" */
	const char *data; /* NUL-terminated for convenience; len excludes the NUL */
	size_t len;
};

/* The table, ended by an entry whose path is NULL. Static storage; never freed. */
extern const struct embedded_file embedded_files[];

/* Finds an embedded file by path; NULL when absent. Static storage. */
const struct embedded_file *embedded_find(const char *path);

#endif
