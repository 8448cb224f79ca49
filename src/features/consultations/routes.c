/* consultations: routes and start-up wiring. */
#include "features/consultations/consultations.h"

void consultations_routes(void)
{
}

void consultations_init(void)
{
}
