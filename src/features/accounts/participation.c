/* Verification, suspension and the gate every participation action passes. */
#include "features/accounts/accounts.h"
#include "core/util.h"
#include <stdlib.h>
#include <string.h>

bool user_verify(store *s, int64_t user_id, int64_t by_user_id)
{
	if (store_scalar(s, 0, "SELECT count(*) FROM users WHERE id = ?", "i", user_id) != 1)
		return false;
	store_stmt *st = store_prepare(s, "INSERT INTO user_verifications(user_id, verified_by, at) VALUES (?, ?, ?)");
	if (!st)
		return false;
	store_bind_int(st, 1, user_id);
	if (by_user_id)
		store_bind_int(st, 2, by_user_id);
	store_bind_int(st, 3, now_s());
	int rc = store_step(st);
	store_done(st);
	return rc == STORE_DONE;
}

bool user_is_verified(store *s, int64_t user_id)
{
	return store_scalar(s, 0, "SELECT count(*) FROM user_verifications WHERE user_id = ?", "i", user_id) > 0;
}

bool user_suspend(store *s, int64_t user_id, int64_t until, const char *reason, int64_t by_user_id)
{
	if (store_scalar(s, 0, "SELECT count(*) FROM users WHERE id = ?", "i", user_id) != 1)
		return false;
	int64_t now = now_s();
	if (until <= now) /* lift: end every running suspension now */
		return store_run(s, "UPDATE user_suspensions SET until = ? WHERE user_id = ? AND until > ?", "iii", now, user_id,
				 now) >= 0;
	store_stmt *st = store_prepare(s, "INSERT INTO user_suspensions(user_id, until, reason, by_user_id, at) VALUES (?, ?, ?, ?, ?)");
	if (!st)
		return false;
	store_bind_int(st, 1, user_id);
	store_bind_int(st, 2, until);
	store_bind_text(st, 3, reason ? reason : "");
	if (by_user_id)
		store_bind_int(st, 4, by_user_id);
	store_bind_int(st, 5, now);
	int rc = store_step(st);
	store_done(st);
	return rc == STORE_DONE;
}

int64_t user_suspended_until(store *s, arena *a, int64_t user_id, const char **reason)
{
	store_stmt *st = store_prepare(s, "SELECT until, reason FROM user_suspensions WHERE user_id = ? AND until > ? "
					  "ORDER BY until DESC LIMIT 1");
	if (!st)
		return 0;
	store_bind_int(st, 1, user_id);
	store_bind_int(st, 2, now_s());
	int64_t until = 0;
	if (store_step(st) == STORE_ROW) {
		until = store_int(st, 0);
		if (reason)
			*reason = arena_strdup(a, store_text(st, 1));
	}
	store_done(st);
	return until;
}

bool account_may_participate(store *s, int64_t user_id, bool need_verified, const char **why_key)
{
	arena *a = arena_new();
	struct user u;
	bool ok = false;
	*why_key = "participate.login";
	if (!user_id || !user_get(s, a, user_id, &u) || u.disabled)
		goto done;
	*why_key = "participate.suspended";
	if (user_suspended_until(s, a, user_id, NULL))
		goto done;
	char *min_age = setting_get(s, a, "participation_min_age_hours");
	int64_t hours = min_age ? atoll(min_age) : 0;
	*why_key = "participate.too_new";
	if (hours > 0 && now_s() - u.created_at < hours * 3600)
		goto done;
	char *vonly = setting_get(s, a, "participation_verified_only");
	*why_key = "participate.verified_only";
	if ((need_verified || (vonly && !strcmp(vonly, "1"))) && !u.site_admin && !user_is_verified(s, user_id))
		goto done;
	*why_key = NULL;
	ok = true;
done:
	arena_free(a);
	return ok;
}
