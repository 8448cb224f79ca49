/* Who is making a request, and what they may do. The accounts feature fills a
 * principal (through the hook in http.h); handlers only ask questions of it. */
#ifndef MAJLIS_HTTP_AUTH_H
#define MAJLIS_HTTP_AUTH_H
#include <stdbool.h>
#include <stdint.h>

/* Staff roles, scoped to a department. A department admin holds every role in
 * that department; a site admin holds every role everywhere. */
enum role {
	ROLE_NONE = 0,
	ROLE_AGENT = 1,     /* answers citizens' requests */
	ROLE_EDITOR = 2,    /* publishes posts */
	ROLE_MODERATOR = 3, /* moderates comments and proposals */
	ROLE_ANALYST = 4,   /* reads dashboards */
	ROLE_ADMIN = 5,     /* manages the department's staff */
	ROLE_COUNT
};

#define ALL_DEPTS (-1) /* a grant's dept_id for "every department" (API tokens) */

struct grant {
	enum role role;
	int64_t dept_id;
};

struct principal {
	int64_t user_id;
	const char *name;
	const char *email;
	const char *lang;    /* the account's chosen language, or NULL */
	bool site_admin;
	bool via_token;      /* authenticated by an API token, not a session */
	int64_t session_id;  /* 0 for tokens */
	struct grant *grants;
	int ngrants;
};

/* Name of a role ("agent", "editor", ...); "" for ROLE_NONE. Static storage. */
const char *role_name(enum role r);
/* Role for a name; ROLE_NONE when unknown. */
enum role role_parse(const char *name);
/* True when p may act as role in dept_id; dept_id 0 asks "in any department".
 * NULL p (anonymous) may do nothing. */
bool principal_can(const struct principal *p, enum role role, int64_t dept_id);
/* True when p holds any staff role at all (or is a site admin). */
bool principal_is_staff(const struct principal *p);

#endif
