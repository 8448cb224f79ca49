#include "features/moderation/moderation.h"
#include "core/util.h"
#include <stdlib.h>
#include <string.h>

const struct migration moderation_migrations[] = {
	{1,
	 "CREATE TABLE mod_flags ("
	 " id INTEGER PRIMARY KEY, target_type TEXT NOT NULL, target_id INTEGER NOT NULL, user_id INTEGER NOT NULL,"
	 " reason TEXT NOT NULL, note TEXT, at INTEGER NOT NULL, resolved INTEGER NOT NULL DEFAULT 0,"
	 " UNIQUE (target_type, target_id, user_id));"
	 "CREATE INDEX mod_flags_open ON mod_flags(resolved, target_type, target_id);"
	 "CREATE TABLE mod_decisions ("
	 " id INTEGER PRIMARY KEY, target_type TEXT NOT NULL, target_id INTEGER NOT NULL, action TEXT NOT NULL"
	 "  CHECK (action IN ('hide','restore','auto_hide')), reason TEXT, moderator_id INTEGER, at INTEGER NOT NULL);"
	 "CREATE INDEX mod_decisions_target ON mod_decisions(target_type, target_id, id);"},
	{0, NULL},
};

const char *const flag_reasons[] = {"spam", "insult", "personal_data", "off_topic", "other", NULL};

bool flag_reason_valid(const char *reason)
{
	for (int i = 0; reason && flag_reasons[i]; i++)
		if (!strcmp(reason, flag_reasons[i]))
			return true;
	return false;
}

#define MAX_TARGETS 8
static const struct mod_target *targets[MAX_TARGETS];
static int ntargets;

void moderation_register(const struct mod_target *t)
{
	for (int i = 0; i < ntargets; i++)
		if (!strcmp(targets[i]->type, t->type))
			return;
	if (ntargets < MAX_TARGETS)
		targets[ntargets++] = t;
}

const struct mod_target *moderation_target(const char *type)
{
	for (int i = 0; type && i < ntargets; i++)
		if (!strcmp(targets[i]->type, type))
			return targets[i];
	return NULL;
}

int moderation_threshold(store *s)
{
	int64_t v = store_scalar(s, 3, "SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'flag_threshold'", "");
	return v >= 1 && v <= 100 ? (int)v : 3;
}

enum flag_result moderation_flag(store *s, const char *type, int64_t id, int64_t user_id, const char *reason,
				 const char *note, bool *hidden_now)
{
	*hidden_now = false;
	const struct mod_target *t = moderation_target(type);
	if (!t || !flag_reason_valid(reason))
		return FLAG_UNKNOWN;
	arena *a = arena_new();
	int64_t author = 0, dept = 0;
	const char *excerpt, *link;
	enum flag_result res = FLAG_ERROR;
	if (!t->describe(s, a, id, &author, &dept, &excerpt, &link)) {
		res = FLAG_UNKNOWN;
		goto done;
	}
	if (author == user_id) {
		res = FLAG_OWN;
		goto done;
	}
	if (!store_begin(s))
		goto done;
	int64_t n = store_run(s, "INSERT INTO mod_flags(target_type, target_id, user_id, reason, note, at) VALUES (?,?,?,?,?,?) "
				 "ON CONFLICT DO NOTHING", "tiitti", type, id, user_id, reason, note, now_s());
	if (n == 0) {
		store_rollback(s);
		res = FLAG_DUPLICATE;
		goto done;
	}
	int64_t count = store_scalar(s, 0, "SELECT count(*) FROM mod_flags WHERE target_type = ? AND target_id = ? AND resolved = 0",
				     "ti", type, id);
	bool ok = n == 1;
	/* At or past the threshold (it may have been lowered since) and not hidden already. */
	int64_t hidden = store_scalar(s, 0, "SELECT action IN ('hide','auto_hide') FROM mod_decisions "
					    "WHERE target_type = ? AND target_id = ? ORDER BY id DESC LIMIT 1", "ti", type, id);
	if (ok && count >= moderation_threshold(s) && !hidden) {
		ok = t->set_hidden(s, id, true) &&
		     store_run(s, "INSERT INTO mod_decisions(target_type, target_id, action, at) VALUES (?, ?, 'auto_hide', ?)",
			       "tii", type, id, now_s()) == 1;
		*hidden_now = ok;
	}
	if (ok && store_commit(s))
		res = FLAG_OK;
	else
		store_rollback(s);
done:
	arena_free(a);
	return res;
}

bool moderation_decide(store *s, const char *type, int64_t id, bool hide, const char *reason, int64_t moderator_id)
{
	const struct mod_target *t = moderation_target(type);
	if (!t || !reason || !*reason)
		return false;
	if (!store_begin(s))
		return false;
	bool ok = t->set_hidden(s, id, hide) &&
		  store_run(s, "INSERT INTO mod_decisions(target_type, target_id, action, reason, moderator_id, at) "
			       "VALUES (?, ?, ?, ?, ?, ?)", "tittii", type, id, hide ? "hide" : "restore",
			    reason, moderator_id, now_s()) == 1 &&
		  store_run(s, "UPDATE mod_flags SET resolved = 1 WHERE target_type = ? AND target_id = ?", "ti", type, id) >= 0;
	if (ok && store_commit(s))
		return true;
	store_rollback(s);
	return false;
}

const char *moderation_reason(store *s, arena *a, const char *type, int64_t id, bool *pending)
{
	*pending = false;
	store_stmt *st = store_prepare(s, "SELECT action, reason FROM mod_decisions WHERE target_type = ? AND target_id = ? "
					  "ORDER BY id DESC LIMIT 1");
	if (!st)
		return NULL;
	store_bind_text(st, 1, type);
	store_bind_int(st, 2, id);
	const char *reason = NULL;
	if (store_step(st) == STORE_ROW) {
		const char *action = store_text(st, 0);
		if (!strcmp(action, "auto_hide"))
			*pending = true;
		else if (!strcmp(action, "hide"))
			reason = arena_strdup(a, store_text(st, 1));
	}
	store_done(st);
	return reason;
}
