/* consultations: routes. (Start-up wiring, consultations_init, is in pages.c
 * beside the comment target it registers.) */
#include "features/consultations/internal.h"

void consultations_routes(void)
{
	consultations_pages_routes();
	consultations_api_routes();
}
