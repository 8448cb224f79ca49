/* Moderators' pages: the queue and the decisions (filled in by the moderation work). */
#include "features/moderation/moderation.h"

void moderation_routes(void)
{
}
