#include "features/proposals/proposals.h"

const struct migration proposals_migrations[] = {
	{0, NULL},
};
