#include "features/comments/comments.h"

const struct migration comments_migrations[] = {
	{0, NULL},
};
