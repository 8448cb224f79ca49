#include "http/auth.h"
#include <string.h>

static const char *names[ROLE_COUNT] = {"", "agent", "editor", "moderator", "analyst", "admin"};

const char *role_name(enum role r)
{
	return r > ROLE_NONE && r < ROLE_COUNT ? names[r] : "";
}

enum role role_parse(const char *name)
{
	for (int r = ROLE_AGENT; name && r < ROLE_COUNT; r++)
		if (strcmp(name, names[r]) == 0)
			return (enum role)r;
	return ROLE_NONE;
}

bool principal_can(const struct principal *p, enum role role, int64_t dept_id)
{
	if (!p)
		return false;
	if (p->site_admin)
		return true;
	for (int i = 0; i < p->ngrants; i++) {
		const struct grant *g = &p->grants[i];
		if ((g->role == role || g->role == ROLE_ADMIN) && (dept_id == 0 || g->dept_id == dept_id || g->dept_id == ALL_DEPTS))
			return true;
	}
	return false;
}

bool principal_is_staff(const struct principal *p)
{
	return p && (p->site_admin || p->ngrants > 0);
}
