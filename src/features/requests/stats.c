/* Requests: stats (routes and handlers). */
#include "features/requests/internal.h"

void requests_stats_routes(void)
{
}
