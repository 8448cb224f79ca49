/* Requests: citizen (routes and handlers). */
#include "features/requests/internal.h"

void requests_citizen_routes(void)
{
}
