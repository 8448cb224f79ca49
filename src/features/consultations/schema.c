#include "features/consultations/consultations.h"

const struct migration consultations_migrations[] = {
	{0, NULL},
};
