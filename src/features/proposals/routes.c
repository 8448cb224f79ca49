/* proposals: routes and start-up wiring. */
#include "features/proposals/proposals.h"

void proposals_routes(void)
{
}

void proposals_init(void)
{
}
