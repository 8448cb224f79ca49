/* Requests: admin (routes and handlers). */
#include "features/requests/internal.h"

void requests_admin_routes(void)
{
}
