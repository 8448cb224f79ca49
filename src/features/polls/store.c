/* Polls: storage and the vote transaction. */
#include "features/polls/polls.h"
#include "core/util.h"
#include <string.h>

enum poll_state poll_state(const struct poll *p, int64_t now)
{
	if (now < p->opens_at)
		return POLL_UPCOMING;
	if (p->closes_at && now >= p->closes_at)
		return POLL_CLOSED;
	return POLL_OPEN;
}

const char *poll_state_key(enum poll_state st)
{
	return st == POLL_UPCOMING ? "poll.state_upcoming" : st == POLL_OPEN ? "poll.state_open" : "poll.state_closed";
}

const char *poll_state_name(enum poll_state st)
{
	return st == POLL_UPCOMING ? "upcoming" : st == POLL_OPEN ? "open" : "closed";
}

const char *vote_result_key(enum vote_result v)
{
	switch (v) {
	case VOTE_OK: return "poll.voted";
	case VOTE_CHANGED: return "poll.vote_changed";
	case VOTE_ALREADY: return "poll.already_voted";
	case VOTE_NOT_OPEN: return "poll.not_open";
	case VOTE_NO_CHOICE: return "poll.no_choice";
	case VOTE_TOO_MANY: return "poll.too_many";
	case VOTE_UNKNOWN: return "poll.unknown_option";
	case VOTE_ERROR: break;
	}
	return "error.unavailable";
}

#define POLL_COLS "id, dept_id, created_by, question, multiple, max_choices, opens_at, closes_at, " \
		  "results_after_close, changeable, verified_only, ballots, created_at, updated_at"

static void row(store_stmt *st, arena *a, struct poll *p)
{
	p->id = store_int(st, 0);
	p->dept_id = store_int(st, 1);
	p->created_by = store_int(st, 2);
	p->question = arena_strdup(a, store_text(st, 3));
	p->multiple = store_int(st, 4) != 0;
	p->max_choices = (int)store_int(st, 5);
	p->opens_at = store_int(st, 6);
	p->closes_at = store_int(st, 7);
	p->results_after_close = store_int(st, 8) != 0;
	p->changeable = store_int(st, 9) != 0;
	p->verified_only = store_int(st, 10) != 0;
	p->ballots = store_int(st, 11);
	p->created_at = store_int(st, 12);
	p->updated_at = store_int(st, 13);
}

bool poll_load(store *s, arena *a, int64_t id, struct poll *p, struct poll_option **opts, int *nopts)
{
	store_stmt *st = store_prepare(s, "SELECT " POLL_COLS " FROM polls WHERE id = ?");
	if (!st)
		return false;
	store_bind_int(st, 1, id);
	bool found = store_step(st) == STORE_ROW;
	if (found)
		row(st, a, p);
	store_done(st);
	if (!found || !opts)
		return found;
	*nopts = 0;
	*opts = arena_alloc(a, sizeof **opts * POLL_OPTIONS_MAX);
	st = store_prepare(s, "SELECT id, position, label, votes FROM poll_options WHERE poll_id = ? ORDER BY position");
	if (!st)
		return false;
	store_bind_int(st, 1, id);
	while (store_step(st) == STORE_ROW && *nopts < POLL_OPTIONS_MAX) {
		struct poll_option *o = &(*opts)[(*nopts)++];
		o->id = store_int(st, 0);
		o->position = (int)store_int(st, 1);
		o->label = arena_strdup(a, store_text(st, 2));
		o->votes = store_int(st, 3);
	}
	store_done(st);
	return true;
}

int poll_list(store *s, arena *a, int64_t dept_id, int state, int64_t now, int limit, int offset, struct poll **out)
{
	store_stmt *st = store_prepare(s,
		"SELECT " POLL_COLS " FROM polls WHERE (?1 = 0 OR dept_id = ?1)"
		" AND (?2 < 0 OR (?2 = 0 AND opens_at > ?3) OR (?2 = 1 AND opens_at <= ?3 AND (closes_at = 0 OR closes_at > ?3))"
		"      OR (?2 = 2 AND closes_at <> 0 AND closes_at <= ?3))"
		" ORDER BY opens_at DESC, id DESC LIMIT ?4 OFFSET ?5");
	if (!st)
		return -1;
	store_bind_int(st, 1, dept_id);
	store_bind_int(st, 2, state);
	store_bind_int(st, 3, now);
	store_bind_int(st, 4, limit);
	store_bind_int(st, 5, offset);
	*out = arena_alloc(a, sizeof **out * (size_t)(limit > 0 ? limit : 1));
	int n = 0;
	int rc;
	while (n < limit && (rc = store_step(st)) == STORE_ROW)
		row(st, a, &(*out)[n++]);
	store_done(st);
	return n;
}

static bool insert_options(store *s, int64_t poll_id, const char *const *options, int nopts)
{
	for (int i = 0; i < nopts; i++)
		if (store_run(s, "INSERT INTO poll_options(poll_id, position, label) VALUES (?, ?, ?)", "iit", poll_id,
			      (int64_t)(i + 1), options[i]) != 1)
			return false;
	return true;
}

int64_t poll_create(store *s, struct poll *p, const char *const *options, int nopts)
{
	if (!store_begin(s))
		return -1;
	int64_t now = p->created_at ? p->created_at : now_s();
	p->id = store_scalar(s, -1,
		"INSERT INTO polls(dept_id, created_by, question, multiple, max_choices, opens_at, closes_at,"
		" results_after_close, changeable, verified_only, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		"iitiiiiiiiii", p->dept_id, p->created_by, p->question, (int64_t)p->multiple, (int64_t)p->max_choices,
		p->opens_at, p->closes_at, (int64_t)p->results_after_close, (int64_t)p->changeable,
		(int64_t)p->verified_only, now, now);
	if (p->id <= 0 || !insert_options(s, p->id, options, nopts) || !store_commit(s)) {
		store_rollback(s);
		return -1;
	}
	p->created_at = p->updated_at = now;
	return p->id;
}

bool poll_update(store *s, const struct poll *p, const char *const *options, int nopts)
{
	if (!store_begin(s))
		return false;
	if (nopts > 0) {
		if (store_scalar(s, 1, "SELECT ballots FROM polls WHERE id = ?", "i", p->id) != 0 ||
		    store_run(s, "DELETE FROM poll_options WHERE poll_id = ?", "i", p->id) < 0 ||
		    !insert_options(s, p->id, options, nopts))
			goto fail;
	}
	if (store_run(s, "UPDATE polls SET question = ?, multiple = ?, max_choices = ?, opens_at = ?, closes_at = ?,"
			 " results_after_close = ?, changeable = ?, verified_only = ?, updated_at = ? WHERE id = ?",
		      "tiiiiiiiii", p->question, (int64_t)p->multiple, (int64_t)p->max_choices, p->opens_at, p->closes_at,
		      (int64_t)p->results_after_close, (int64_t)p->changeable, (int64_t)p->verified_only,
		      now_s(), p->id) != 1)
		goto fail;
	if (!store_commit(s))
		goto fail;
	return true;
fail:
	store_rollback(s);
	return false;
}

bool poll_close(store *s, int64_t id, int64_t now)
{
	return store_run(s, "UPDATE polls SET closes_at = ?1, updated_at = ?1 WHERE id = ?2 AND (closes_at = 0 OR closes_at > ?1)",
			 "ii", now, id) >= 0;
}

int poll_my_choices(store *s, arena *a, int64_t poll_id, int64_t user_id, int64_t **out)
{
	*out = arena_alloc(a, sizeof **out * POLL_OPTIONS_MAX);
	store_stmt *st = store_prepare(s, "SELECT c.option_id FROM poll_ballots b JOIN poll_choices c ON c.ballot_id = b.id"
					  " WHERE b.poll_id = ? AND b.user_id = ?");
	if (!st)
		return 0;
	store_bind_int(st, 1, poll_id);
	store_bind_int(st, 2, user_id);
	int n = 0;
	while (store_step(st) == STORE_ROW && n < POLL_OPTIONS_MAX)
		(*out)[n++] = store_int(st, 0);
	store_done(st);
	return n;
}

/* Adds delta to the counters of a ballot's current choices. */
static bool bump_choices(store *s, int64_t ballot_id, int delta)
{
	return store_run(s, "UPDATE poll_options SET votes = votes + ? WHERE id IN"
			    " (SELECT option_id FROM poll_choices WHERE ballot_id = ?)", "ii", (int64_t)delta, ballot_id) >= 0;
}

enum vote_result poll_vote(store *s, int64_t poll_id, int64_t user_id, const int64_t *ids, int n, int64_t now)
{
	if (n <= 0)
		return VOTE_NO_CHOICE;
	for (int i = 0; i < n; i++)
		for (int j = 0; j < i; j++)
			if (ids[i] == ids[j])
				return VOTE_UNKNOWN;
	if (!store_begin(s))
		return VOTE_ERROR;
	enum vote_result res = VOTE_ERROR;
	/* Read the poll inside the write transaction: a close between the page and
	 * the vote is seen. */
	int64_t opens = 0, closes = 0, max = 1, multiple = 0, changeable = 0;
	store_stmt *st = store_prepare(s, "SELECT opens_at, closes_at, max_choices, multiple, changeable FROM polls WHERE id = ?");
	if (!st)
		goto fail;
	store_bind_int(st, 1, poll_id);
	bool found = store_step(st) == STORE_ROW;
	if (found) {
		opens = store_int(st, 0);
		closes = store_int(st, 1);
		max = store_int(st, 2);
		multiple = store_int(st, 3);
		changeable = store_int(st, 4);
	}
	store_done(st);
	if (!found || now < opens || (closes && now >= closes)) {
		res = VOTE_NOT_OPEN;
		goto fail;
	}
	if (n > (multiple ? max : 1)) {
		res = VOTE_TOO_MANY;
		goto fail;
	}
	for (int i = 0; i < n; i++)
		if (store_scalar(s, 0, "SELECT count(*) FROM poll_options WHERE id = ? AND poll_id = ?", "ii", ids[i], poll_id) != 1) {
			res = VOTE_UNKNOWN;
			goto fail;
		}
	int64_t ballot = 0;
	if (changeable)
		ballot = store_scalar(s, 0, "SELECT id FROM poll_ballots WHERE poll_id = ? AND user_id = ?", "ii", poll_id, user_id);
	if (ballot > 0) {
		if (!bump_choices(s, ballot, -1) || store_run(s, "DELETE FROM poll_choices WHERE ballot_id = ?", "i", ballot) < 0 ||
		    store_run(s, "UPDATE poll_ballots SET updated_at = ? WHERE id = ?", "ii", now, ballot) != 1)
			goto fail;
		res = VOTE_CHANGED;
	} else {
		/* The database holds the one-ballot rule: a second INSERT fails on
		 * UNIQUE(poll_id, user_id), whatever the pages did before. */
		ballot = store_scalar(s, -1, "INSERT INTO poll_ballots(poll_id, user_id, created_at, updated_at)"
					     " VALUES (?, ?, ?, ?) RETURNING id", "iiii", poll_id, user_id, now, now);
		if (ballot <= 0) {
			res = store_constraint_error(s) ? VOTE_ALREADY : VOTE_ERROR;
			goto fail;
		}
		if (store_run(s, "UPDATE polls SET ballots = ballots + 1 WHERE id = ?", "i", poll_id) != 1)
			goto fail;
		res = VOTE_OK;
	}
	for (int i = 0; i < n; i++)
		if (store_run(s, "INSERT INTO poll_choices(ballot_id, option_id) VALUES (?, ?)", "ii", ballot, ids[i]) != 1)
			goto fail_err;
	if (!bump_choices(s, ballot, 1) || !store_commit(s))
		goto fail_err;
	return res;
fail_err:
	res = VOTE_ERROR;
fail:
	store_rollback(s);
	return res;
}
