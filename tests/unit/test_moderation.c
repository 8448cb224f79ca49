/* Moderation core and the participation gate against a real SQLite file, with
 * a fake content type registered here ("fake": items 1..NFAKE in memory, with
 * an author, a department and a hidden bit): threshold auto-hide after N
 * distinct flaggers, one flag per user, own item refused, unknown type/item,
 * decisions with reasons, moderation_reason/pending, flags resolved after a
 * decision, the queue and its department filter; then account_may_participate:
 * disabled, suspended, too new (setting), verified-only (setting and
 * need_verified). */
#include "tap.h"
#include "app/app.h"
#include "core/util.h"
#include "features/accounts/accounts.h"
#include "features/moderation/moderation.h"
#include "store/migrate.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NFAKE 4
static struct {
	int64_t author, dept;
	bool hidden;
	int set_calls;
} fake[NFAKE + 1];

static bool fake_describe(store *s, arena *a, int64_t id, int64_t *author_id, int64_t *dept_id, const char **excerpt,
			  const char **link)
{
	(void)s;
	if (id < 1 || id > NFAKE)
		return false;
	*author_id = fake[id].author;
	*dept_id = fake[id].dept;
	*excerpt = arena_printf(a, "fake item %lld", (long long)id);
	*link = arena_printf(a, "/fake/%lld", (long long)id);
	return true;
}

static bool fake_set_hidden(store *s, int64_t id, bool hidden)
{
	(void)s;
	if (id < 1 || id > NFAKE)
		return false;
	fake[id].hidden = hidden;
	fake[id].set_calls++;
	return true;
}

static const struct mod_target fake_target = {"fake", fake_describe, fake_set_hidden};

static int64_t open_flags(store *s, int64_t id)
{
	return store_scalar(s, -1, "SELECT count(*) FROM mod_flags WHERE target_type = 'fake' AND target_id = ? AND resolved = 0",
			    "i", id);
}

static int64_t user(store *s, const char *email)
{
	return user_create(s, email, NULL, "Test User", "a-long-password-1", "ar", false);
}

static void moderation_tests(store *s)
{
	arena *a = arena_new();
	int64_t roads = dept_create(s, "roads", "الطرق", "Voirie", "Roads");
	int64_t water = dept_create(s, "water", "الماء", "Eau", "Water");
	int64_t author = user(s, "author@example.org");
	int64_t u[5];
	for (int i = 0; i < 5; i++)
		u[i] = user(s, arena_printf(a, "u%d@example.org", i));
	ok(roads > 0 && water > 0 && author > 0 && u[4] > 0, "departments and users created");
	for (int i = 1; i <= NFAKE; i++)
		fake[i].author = author;
	fake[1].dept = roads;
	fake[2].dept = water;
	fake[3].dept = 0;
	fake[4].dept = roads;
	moderation_register(&fake_target);
	moderation_register(&fake_target); /* twice: ignored */
	ok(moderation_target("fake") == &fake_target, "the fake type is registered");
	ok(moderation_target("nope") == NULL && moderation_target(NULL) == NULL, "unknown types are not");

	bool hidden = true;
	is_int(moderation_threshold(s), 3, "threshold defaults to 3");
	is_int(moderation_flag(s, "nope", 1, u[0], "spam", NULL, &hidden), FLAG_UNKNOWN, "unknown type: FLAG_UNKNOWN");
	ok(!hidden, "hidden_now false on refusal");
	is_int(moderation_flag(s, "fake", 99, u[0], "spam", NULL, &hidden), FLAG_UNKNOWN, "unknown item: FLAG_UNKNOWN");
	is_int(moderation_flag(s, "fake", 1, u[0], "rude", NULL, &hidden), FLAG_UNKNOWN, "unknown reason: refused");
	is_int(moderation_flag(s, "fake", 1, author, "spam", NULL, &hidden), FLAG_OWN, "own item: FLAG_OWN");
	is_int(open_flags(s, 1), 0, "no flag stored by refusals");

	is_int(moderation_flag(s, "fake", 1, u[0], "spam", "buy now", &hidden), FLAG_OK, "first flag");
	ok(!hidden && !fake[1].hidden, "not hidden after one flag");
	is_int(moderation_flag(s, "fake", 1, u[0], "insult", NULL, &hidden), FLAG_DUPLICATE, "same user again: FLAG_DUPLICATE");
	is_int(open_flags(s, 1), 1, "still one flag");
	is_int(moderation_flag(s, "fake", 1, u[1], "insult", NULL, &hidden), FLAG_OK, "second flagger");
	ok(!hidden && !fake[1].hidden, "not hidden after two flags");
	bool pending = false;
	ok(moderation_reason(s, a, "fake", 1, &pending) == NULL && !pending, "no reason, not pending before the threshold");
	is_int(moderation_flag(s, "fake", 1, u[2], "spam", NULL, &hidden), FLAG_OK, "third flagger");
	ok(hidden && fake[1].hidden, "third distinct flagger hides the item (threshold 3)");
	ok(moderation_reason(s, a, "fake", 1, &pending) == NULL && pending, "hidden by flags: pending review, no reason yet");
	is_int(moderation_flag(s, "fake", 1, u[3], "spam", NULL, &hidden), FLAG_OK, "a fourth flag is recorded");
	ok(!hidden, "but does not hide again");
	is_int(fake[1].set_calls, 1, "set_hidden called once");

	struct mod_item it;
	ok(moderation_item(s, a, "fake", 1, &it), "item state loads");
	ok(it.exists && it.hidden && it.pending && it.open_flags == 4 && it.dept_id == roads, "hidden, pending, 4 open flags, roads");
	is_int(it.reasons[0], 3, "3 × spam");
	is_int(it.reasons[1], 1, "1 × insult");
	is_str(it.excerpt, "fake item 1", "excerpt from describe()");
	ok(!moderation_item(s, a, "nope", 1, &it), "unknown type: no item state");

	/* the queue and who sees it */
	is_int(moderation_flag(s, "fake", 2, u[0], "off_topic", NULL, &hidden), FLAG_OK, "a flag on a water item");
	is_int(moderation_flag(s, "fake", 3, u[0], "other", "no department", &hidden), FLAG_OK, "a flag on a site-wide item");
	struct grant groads = {ROLE_MODERATOR, roads}, gwater = {ROLE_MODERATOR, water}, geditor = {ROLE_EDITOR, roads};
	struct principal proads = {.user_id = u[4], .grants = &groads, .ngrants = 1};
	struct principal pwater = {.user_id = u[4], .grants = &gwater, .ngrants = 1};
	struct principal peditor = {.user_id = u[4], .grants = &geditor, .ngrants = 1};
	struct principal padmin = {.user_id = u[4], .site_admin = true};
	struct mod_item *q;
	is_int(moderation_queue(s, a, &padmin, 100, &q), 3, "site admin: 3 items in the queue");
	is_int(q[0].id, 3, "newest activity first");
	int n = moderation_queue(s, a, &proads, 100, &q);
	is_int(n, 2, "roads moderator: the roads item and the site-wide one");
	ok(n == 2 && ((q[0].id == 3 && q[1].id == 1) || (q[0].id == 1 && q[1].id == 3)), "items 1 and 3");
	n = moderation_queue(s, a, &pwater, 100, &q);
	ok(n == 2 && (q[0].id == 2 || q[1].id == 2), "water moderator: the water item (and the site-wide one)");
	is_int(moderation_queue(s, a, &peditor, 100, &q), 0, "an editor without the moderator role sees nothing");
	ok(moderation_may_moderate(&proads, roads) && !moderation_may_moderate(&proads, water), "roads moderates roads, not water");
	ok(moderation_may_moderate(&pwater, 0) && !moderation_may_moderate(&peditor, 0), "site-wide items: any moderator");
	ok(!moderation_may_moderate(NULL, 0), "anonymous moderates nothing");

	/* decisions */
	ok(!moderation_decide(s, "fake", 1, false, "", u[4]), "a decision without a reason is refused");
	ok(!moderation_decide(s, "fake", 1, false, NULL, u[4]), "NULL reason refused");
	ok(!moderation_decide(s, "nope", 1, true, "x", u[4]), "unknown type refused");
	ok(fake[1].hidden && open_flags(s, 1) == 4, "nothing changed by refusals");
	ok(moderation_decide(s, "fake", 1, false, "Criticism is not insult", u[4]), "restore with a reason");
	ok(!fake[1].hidden, "restored on the owner's row");
	is_int(open_flags(s, 1), 0, "flags resolved after the decision");
	ok(moderation_reason(s, a, "fake", 1, &pending) == NULL && !pending, "restored: no reason, not pending");
	ok(moderation_item(s, a, "fake", 1, &it) && !it.hidden && !it.pending && it.open_flags == 0, "item state: visible");
	is_int(moderation_queue(s, a, &padmin, 100, &q), 2, "the decided item left the queue");

	ok(moderation_decide(s, "fake", 2, true, "Advertising", u[4]), "hide with a reason");
	ok(fake[2].hidden, "hidden on the owner's row");
	is_str(moderation_reason(s, a, "fake", 2, &pending), "Advertising", "the author's reason");
	ok(!pending, "not pending once decided");
	is_int(open_flags(s, 2), 0, "flags resolved");

	/* after a restore, flags count afresh */
	is_int(moderation_flag(s, "fake", 1, u[0], "spam", NULL, &hidden), FLAG_DUPLICATE, "a resolved flag still counts as given");
	is_int(moderation_flag(s, "fake", 1, u[4], "spam", NULL, &hidden), FLAG_OK, "a new flagger after the restore");
	ok(!hidden, "one new flag does not hide");

	/* a lower threshold applies to the next flag */
	ok(setting_set(s, "flag_threshold", "1"), "threshold set to 1");
	is_int(moderation_threshold(s), 1, "threshold reads 1");
	is_int(moderation_flag(s, "fake", 4, u[0], "spam", NULL, &hidden), FLAG_OK, "one flag on item 4");
	ok(hidden && fake[4].hidden, "threshold 1: hidden at once");
	ok(setting_set(s, "flag_threshold", "0"), "an out-of-range threshold stored");
	is_int(moderation_threshold(s), 3, "falls back to 3");

	struct mod_decision *d;
	n = moderation_decisions(s, a, "fake", 1, &d);
	is_int(n, 2, "item 1: two decisions");
	ok(n == 2 && !strcmp(d[0].action, "auto_hide") && d[0].moderator_id == 0 && d[0].reason == NULL, "auto_hide first, by nobody");
	ok(n == 2 && !strcmp(d[1].action, "restore") && d[1].moderator_id == u[4] && !strcmp(d[1].reason, "Criticism is not insult"),
	   "then the restore, by the moderator, with its reason");
	struct mod_flag *f;
	n = moderation_flags(s, a, "fake", 1, &f);
	is_int(n, 5, "item 1: five flags kept");
	ok(n == 5 && !f[0].resolved && f[4].resolved && f[4].note && !strcmp(f[4].note, "buy now"),
	   "newest open, oldest resolved with its note");
	arena_free(a);
}

static void gate_tests(store *s)
{
	const char *why = NULL;
	int64_t u = user(s, "gate@example.org");
	int64_t admin = user_create(s, "siteadmin@example.org", NULL, "Admin", "a-long-password-1", "ar", true);
	ok(account_may_participate(s, u, false, &why) && why == NULL, "a fresh account may take part by default");
	ok(!account_may_participate(s, 0, false, &why), "no account: refused");
	is_str(why, "participate.login", "why: log in");
	ok(!account_may_participate(s, 999999, false, &why), "unknown account: refused");

	ok(user_suspend(s, u, now_s() + 3600, "Insults", admin), "suspended for an hour");
	ok(!account_may_participate(s, u, false, &why), "suspended: refused");
	is_str(why, "participate.suspended", "why: suspended");
	arena *a = arena_new();
	const char *reason = NULL;
	int64_t until = user_suspended_until(s, a, u, &reason);
	ok(until > now_s() && until <= now_s() + 3600, "user_suspended_until: the end");
	is_str(reason, "Insults", "and the reason");
	ok(user_suspend(s, u, 0, NULL, admin), "lifted");
	is_int(user_suspended_until(s, a, u, NULL), 0, "no longer suspended");
	ok(account_may_participate(s, u, false, &why), "may take part again");
	ok(user_suspend(s, u, now_s() - 10, NULL, admin), "an end in the past lifts too");
	ok(!user_suspend(s, 999999, now_s() + 10, "x", admin), "suspending an unknown account fails");

	ok(setting_set(s, "participation_min_age_hours", "2"), "minimum age 2 h");
	ok(!account_may_participate(s, u, false, &why), "a new account is refused");
	is_str(why, "participate.too_new", "why: too new");
	store_run(s, "UPDATE users SET created_at = ? WHERE id = ?", "ii", now_s() - 3 * 3600, u);
	ok(account_may_participate(s, u, false, &why), "3 hours old: accepted");
	ok(setting_set(s, "participation_min_age_hours", "0"), "minimum age off");

	ok(!account_may_participate(s, u, true, &why), "need_verified: an unverified account is refused");
	is_str(why, "participate.verified_only", "why: verified only");
	ok(setting_set(s, "participation_verified_only", "1"), "verified-only site-wide");
	ok(!account_may_participate(s, u, false, &why), "verified-only setting: refused");
	ok(account_may_participate(s, admin, false, &why), "a site admin passes verified-only");
	ok(!user_is_verified(s, u), "not verified yet");
	ok(user_verify(s, u, admin), "verified by the admin");
	ok(!user_verify(s, 999999, admin), "verifying an unknown account fails");
	ok(user_is_verified(s, u), "verified");
	is_int(store_scalar(s, 0, "SELECT verified_by FROM user_verifications WHERE user_id = ?", "i", u), admin,
	       "who verified is recorded");
	ok(account_may_participate(s, u, false, &why) && account_may_participate(s, u, true, &why), "verified: accepted");
	ok(setting_set(s, "participation_verified_only", "0"), "verified-only off");

	ok(user_set_disabled(s, u, true), "account disabled");
	ok(!account_may_participate(s, u, false, &why), "disabled: refused");
	is_str(why, "participate.login", "why: log in (a disabled account cannot)");
	arena_free(a);
}

int main(void)
{
	char dir[] = "/tmp/majlis-mod-XXXXXX";
	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return done_testing();
	}
	char path[256];
	snprintf(path, sizeof path, "%s/t.db", dir);
	char *err = NULL;
	app_store_setup(); /* the full-text tokenizer, before the first store_open */
	store *s = store_open(path, &err);
	char msg[512];
	int applied = 0;
	if (ok(s && migrate_apply(s, app_schemas, &applied, msg, sizeof msg), "schema applied")) {
		moderation_tests(s);
		gate_tests(s);
	} else {
		diag("%s", err ? err : msg);
	}
	free(err);
	store_close(s);
	char side[300];
	static const char *const suffix[] = {"", "-wal", "-shm"};
	for (int i = 0; i < 3; i++) {
		snprintf(side, sizeof side, "%s%s", path, suffix[i]);
		unlink(side);
	}
	rmdir(dir);
	return done_testing();
}
