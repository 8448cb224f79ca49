/* surveys: routes and start-up wiring. */
#include "features/surveys/surveys.h"

void surveys_routes(void)
{
}

void surveys_init(void)
{
}
