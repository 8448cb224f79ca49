/* comments: routes. (Start-up wiring, comments_init, is in store.c beside the
 * moderation target it registers.) */
#include "features/comments/comments.h"

void comments_pages_routes(void);
void comments_api_routes(void);

void comments_routes(void)
{
	comments_pages_routes();
	comments_api_routes();
}
