/* The site admins who receive the whole administration's weekly digest.
 * accounts.h has no call for this yet (it has dept_staff_emails, which leaves
 * site admins out), so this one read of the users table stands in for a
 * future `site_admin_emails()` there — to move when accounts adds it. */
#include "features/insight/dashboard.h"

int digest_site_admins(store *s, arena *a, const char ***emails, const char ***langs)
{
	*emails = *langs = NULL;
	store_stmt *st = store_prepare(s, "SELECT email, coalesce(lang, '') FROM users WHERE site_admin = 1 AND disabled = 0"
					  " AND email IS NOT NULL ORDER BY id LIMIT 200");
	if (!st)
		return -1;
	const char **e = arena_alloc(a, sizeof *e * 200), **l = arena_alloc(a, sizeof *l * 200);
	int n = 0, rc;
	while ((rc = store_step(st)) == STORE_ROW && n < 200) {
		e[n] = arena_strdup(a, store_text(st, 0));
		l[n++] = arena_strdup(a, store_text(st, 1));
	}
	store_done(st);
	if (rc != STORE_DONE && rc != STORE_ROW)
		return -1;
	*emails = e;
	*langs = l;
	return n;
}
