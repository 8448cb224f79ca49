/* Requests: staff (routes and handlers). */
#include "features/requests/internal.h"

void requests_staff_routes(void)
{
}
