/* Every route of the requests feature, registered from each part's file. */
#include "features/requests/requests.h"

void requests_routes(void)
{
}
