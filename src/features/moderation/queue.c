/* The moderation queue and an item's history, read from this feature's tables
 * (mod_flags, mod_decisions) and the owning feature's describe(). */
#include "features/moderation/moderation.h"
#include <string.h>

#define QUEUE_SCAN_MAX 2000 /* candidates looked at for one queue page */

bool moderation_may_moderate(const struct principal *p, int64_t dept_id)
{
	if (!p)
		return false;
	/* principal_can with dept 0 asks "in any department". */
	return principal_can(p, ROLE_MODERATOR, dept_id > 0 ? dept_id : 0);
}

bool moderation_item(store *s, arena *a, const char *type, int64_t id, struct mod_item *it)
{
	const struct mod_target *t = moderation_target(type);
	memset(it, 0, sizeof *it);
	if (!t)
		return false;
	it->type = t->type;
	it->id = id;
	it->excerpt = it->link = "";
	const char *excerpt = NULL, *link = NULL;
	it->exists = id > 0 && t->describe(s, a, id, &it->author_id, &it->dept_id, &excerpt, &link);
	if (it->exists) {
		it->excerpt = excerpt ? excerpt : "";
		it->link = link ? link : "";
	}
	store_stmt *st = store_prepare(s, "SELECT reason, count(*), max(at) FROM mod_flags "
					  "WHERE target_type = ? AND target_id = ? AND resolved = 0 GROUP BY reason");
	if (st) {
		store_bind_text(st, 1, it->type);
		store_bind_int(st, 2, id);
		while (store_step(st) == STORE_ROW) {
			int n = (int)store_int(st, 1);
			it->open_flags += n;
			for (int i = 0; i < MOD_NREASONS && flag_reasons[i]; i++)
				if (!strcmp(store_text(st, 0), flag_reasons[i]))
					it->reasons[i] += n;
			if (store_int(st, 2) > it->last_flag_at)
				it->last_flag_at = store_int(st, 2);
		}
		store_done(st);
	}
	st = store_prepare(s, "SELECT action FROM mod_decisions WHERE target_type = ? AND target_id = ? ORDER BY id DESC LIMIT 1");
	if (st) {
		store_bind_text(st, 1, it->type);
		store_bind_int(st, 2, id);
		if (store_step(st) == STORE_ROW) {
			const char *action = store_text(st, 0);
			it->pending = !strcmp(action, "auto_hide");
			it->hidden = it->pending || !strcmp(action, "hide");
		}
		store_done(st);
	}
	return true;
}

int moderation_queue(store *s, arena *a, const struct principal *p, int limit, struct mod_item **out)
{
	*out = NULL;
	if (limit < 1)
		limit = 1;
	if (limit > 500)
		limit = 500;
	/* Candidates first (type, id), newest activity first; the department is only
	 * known through describe(), so the filter runs in C afterwards. */
	store_stmt *st = store_prepare(s,
		"SELECT target_type, target_id FROM ("
		" SELECT target_type, target_id, max(at) AS t FROM mod_flags WHERE resolved = 0 GROUP BY target_type, target_id"
		" UNION ALL"
		" SELECT d.target_type, d.target_id, d.at AS t FROM mod_decisions d WHERE d.action = 'auto_hide'"
		"  AND d.id = (SELECT max(x.id) FROM mod_decisions x WHERE x.target_type = d.target_type AND x.target_id = d.target_id)"
		"  AND NOT EXISTS (SELECT 1 FROM mod_flags f WHERE f.resolved = 0 AND f.target_type = d.target_type"
		"   AND f.target_id = d.target_id)"
		") ORDER BY t DESC, target_id DESC LIMIT ?");
	if (!st)
		return -1;
	store_bind_int(st, 1, QUEUE_SCAN_MAX);
	struct cand {
		char *type;
		int64_t id;
	} *c = arena_alloc(a, sizeof *c * QUEUE_SCAN_MAX);
	int nc = 0, rc;
	while ((rc = store_step(st)) == STORE_ROW && nc < QUEUE_SCAN_MAX) {
		c[nc].type = arena_strdup(a, store_text(st, 0));
		c[nc].id = store_int(st, 1);
		nc++;
	}
	store_done(st);
	if (rc == STORE_ERROR)
		return -1;
	struct mod_item *items = arena_alloc(a, sizeof *items * (size_t)limit);
	int n = 0;
	for (int i = 0; i < nc && n < limit; i++) {
		if (!moderation_item(s, a, c[i].type, c[i].id, &items[n]))
			continue; /* type no longer registered */
		if (!moderation_may_moderate(p, items[n].dept_id))
			continue;
		n++;
	}
	*out = items;
	return n;
}

int moderation_flags(store *s, arena *a, const char *type, int64_t id, struct mod_flag **out)
{
	*out = NULL;
	store_stmt *st = store_prepare(s, "SELECT id, user_id, at, reason, note, resolved FROM mod_flags "
					  "WHERE target_type = ? AND target_id = ? ORDER BY id DESC LIMIT 200");
	if (!st)
		return -1;
	store_bind_text(st, 1, type);
	store_bind_int(st, 2, id);
	struct mod_flag *f = arena_alloc(a, sizeof *f * 200);
	int n = 0, rc;
	while ((rc = store_step(st)) == STORE_ROW && n < 200) {
		f[n] = (struct mod_flag){.id = store_int(st, 0), .user_id = store_int(st, 1), .at = store_int(st, 2),
					 .reason = arena_strdup(a, store_text(st, 3)),
					 .note = store_is_null(st, 4) ? NULL : arena_strdup(a, store_text(st, 4)),
					 .resolved = store_int(st, 5) != 0};
		n++;
	}
	store_done(st);
	*out = f;
	return rc == STORE_ERROR ? -1 : n;
}

int moderation_decisions(store *s, arena *a, const char *type, int64_t id, struct mod_decision **out)
{
	*out = NULL;
	store_stmt *st = store_prepare(s, "SELECT id, coalesce(moderator_id, 0), at, action, reason FROM mod_decisions "
					  "WHERE target_type = ? AND target_id = ? ORDER BY id LIMIT 200");
	if (!st)
		return -1;
	store_bind_text(st, 1, type);
	store_bind_int(st, 2, id);
	struct mod_decision *d = arena_alloc(a, sizeof *d * 200);
	int n = 0, rc;
	while ((rc = store_step(st)) == STORE_ROW && n < 200) {
		d[n] = (struct mod_decision){.id = store_int(st, 0), .moderator_id = store_int(st, 1), .at = store_int(st, 2),
					     .action = arena_strdup(a, store_text(st, 3)),
					     .reason = store_is_null(st, 4) ? NULL : arena_strdup(a, store_text(st, 4))};
		n++;
	}
	store_done(st);
	*out = d;
	return rc == STORE_ERROR ? -1 : n;
}
