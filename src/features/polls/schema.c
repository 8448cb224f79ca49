#include "features/polls/polls.h"

const struct migration polls_migrations[] = {
	{0, NULL},
};
