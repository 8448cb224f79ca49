/* Internal to src/http: route lookup. */
#ifndef MAJLIS_HTTP_ROUTER_H
#define MAJLIS_HTTP_ROUTER_H
#include <stdbool.h>
#include "http/http.h"

/* The route for method and path (HEAD matches GET), with captures in params[4].
 * NULL when none; *path_known tells whether another method would match (405). */
const struct route *route_find(arena *a, const char *method, const char *path,
			       const char **params, bool *path_known);

#endif
