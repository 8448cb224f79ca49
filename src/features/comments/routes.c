/* comments: routes and start-up wiring. */
#include "features/comments/comments.h"

void comments_routes(void)
{
}

void comments_init(void)
{
}
