/* Requests: open311 (routes and handlers). */
#include "features/requests/internal.h"

void requests_open311_routes(void)
{
}
