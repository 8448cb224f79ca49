/* polls: routes and start-up wiring. */
#include "features/polls/polls.h"

void polls_routes(void)
{
}

void polls_init(void)
{
}
