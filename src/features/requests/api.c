/* Requests: api (routes and handlers). */
#include "features/requests/internal.h"

void requests_api_routes(void)
{
}
