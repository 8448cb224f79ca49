/* Every route of the requests feature, registered part by part. */
#include "features/requests/requests.h"

void requests_citizen_routes(void);
void requests_staff_routes(void);
void requests_admin_routes(void);
void requests_api_routes(void);
void requests_open311_routes(void);
void requests_stats_routes(void);

void requests_routes(void)
{
	requests_citizen_routes();
	requests_staff_routes();
	requests_admin_routes();
	requests_api_routes();
	requests_open311_routes();
	requests_stats_routes();
}
