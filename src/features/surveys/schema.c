#include "features/surveys/surveys.h"

const struct migration surveys_migrations[] = {
	{0, NULL},
};
