/* Response-time clocks. Each request has up to three clocks (first response,
 * next response, resolution) that run on business hours or 24/7, pause while
 * the request waits for the citizen, and record every move in
 * request_clock_events so that every statistic can be recomputed. */
#include "features/requests/internal.h"
#include "core/log.h"
#include "core/util.h"
#include <string.h>

static int64_t elapsed(const struct calendar *cal, bool business, int64_t from, int64_t to)
{
	return business ? cal_elapsed(cal, from, to) : (to > from ? to - from : 0);
}

static int64_t due(const struct calendar *cal, bool business, int64_t start, int64_t left)
{
	if (left < 0)
		left = 0;
	return business ? cal_add(cal, start, left) : start + left;
}

static bool clock_event(store *s, int64_t id, const char *target, const char *event, int64_t at)
{
	return store_run(s, "INSERT INTO request_clock_events(request_id, target, event, at) VALUES (?, ?, ?, ?)",
			 "itti", id, target, event, at) == 1;
}

/* (Re)starts a clock with a fresh budget. */
static bool clock_start(store *s, const struct calendar *cal, int64_t id, enum sla_target t, int64_t budget,
			bool business, int64_t now)
{
	if (budget <= 0)
		return true;
	int64_t d = due(cal, business, now, budget);
	return store_run(s, "INSERT INTO request_clocks(request_id, target, state, budget, used, running_since, business_hours,"
			    " due_at, breached) VALUES (?, ?, 'running', ?, 0, ?, ?, ?, 0) "
			    "ON CONFLICT(request_id, target) DO UPDATE SET state = 'running', budget = excluded.budget, used = 0,"
			    " running_since = excluded.running_since, business_hours = excluded.business_hours,"
			    " due_at = excluded.due_at, breached = 0",
			 "itiiii", id, sla_target_names[t], budget, now, (int64_t)business, d) >= 0 &&
	       clock_event(s, id, sla_target_names[t], "started", now);
}

struct clock {
	int target;
	char state[12];
	int64_t budget, used, running_since;
	bool business;
};

static int load_clocks(store *s, int64_t id, struct clock out[SLA_COUNT])
{
	store_stmt *st = store_prepare(s, "SELECT target, state, budget, used, coalesce(running_since, 0), business_hours "
					  "FROM request_clocks WHERE request_id = ?");
	if (!st)
		return 0;
	store_bind_int(st, 1, id);
	int n = 0;
	while (n < SLA_COUNT && store_step(st) == STORE_ROW) {
		const char *t = store_text(st, 0);
		out[n].target = !strcmp(t, "first_response") ? SLA_FIRST : !strcmp(t, "next_response") ? SLA_NEXT : SLA_RESOLUTION;
		snprintf(out[n].state, sizeof out[n].state, "%s", store_text(st, 1));
		out[n].budget = store_int(st, 2);
		out[n].used = store_int(st, 3);
		out[n].running_since = store_int(st, 4);
		out[n].business = store_int(st, 5) != 0;
		n++;
	}
	store_done(st);
	return n;
}

/* Moves one clock to a new state at now, accounting the time it ran. */
static bool clock_move(store *s, const struct calendar *cal, int64_t id, const struct clock *c, const char *to, int64_t now)
{
	const char *target = sla_target_names[c->target];
	int64_t used = c->used;
	if (!strcmp(c->state, "running"))
		used += elapsed(cal, c->business, c->running_since, now);
	bool ok;
	if (!strcmp(to, "running"))
		ok = store_run(s, "UPDATE request_clocks SET state = 'running', used = ?, running_since = ?, due_at = ? "
				  "WHERE request_id = ? AND target = ?", "iiiit", used, now,
			       due(cal, c->business, now, c->budget - used), id, target) == 1;
	else
		ok = store_run(s, "UPDATE request_clocks SET state = ?, used = ?, running_since = NULL, due_at = NULL "
				  "WHERE request_id = ? AND target = ?", "tiit", to, used, id, target) == 1;
	const char *event = !strcmp(to, "running") ? "resumed" : !strcmp(to, "paused") ? "paused" : "fulfilled";
	return ok && clock_event(s, id, target, event, now);
}

/* Applies `to` to the clocks whose state is `from` and (target < 0 or target matches). */
static bool clocks_move(store *s, int64_t id, const char *from, const char *to, int target, int64_t now)
{
	struct calendar cal;
	calendar_load(s, &cal);
	struct clock c[SLA_COUNT];
	int n = load_clocks(s, id, c);
	for (int i = 0; i < n; i++)
		if (!strcmp(c[i].state, from) && (target < 0 || c[i].target == target))
			if (!clock_move(s, &cal, id, &c[i], to, now))
				return false;
	sla_refresh(s, id);
	return true;
}

bool sla_start(store *s, int64_t id, int64_t category_id, enum req_priority p, int64_t now)
{
	struct sla_policy pol;
	sla_policy_get(s, category_id, p, &pol);
	struct calendar cal;
	calendar_load(s, &cal);
	bool ok = clock_start(s, &cal, id, SLA_FIRST, pol.seconds[SLA_FIRST], pol.business_hours, now) &&
		  clock_start(s, &cal, id, SLA_RESOLUTION, pol.seconds[SLA_RESOLUTION], pol.business_hours, now);
	sla_refresh(s, id);
	return ok;
}

bool sla_on_status(store *s, int64_t id, enum req_status from, enum req_status to, int64_t now)
{
	if (from == to)
		return true;
	bool ok = true;
	if (to == RS_PENDING)
		ok = clocks_move(s, id, "running", "paused", -1, now);
	else if (from == RS_PENDING && to != RS_SOLVED && to != RS_CLOSED)
		ok = clocks_move(s, id, "paused", "running", -1, now);
	if (to == RS_SOLVED || to == RS_CLOSED) {
		ok = ok && clocks_move(s, id, "running", "fulfilled", -1, now) &&
		     clocks_move(s, id, "paused", "fulfilled", -1, now);
	} else if (from == RS_SOLVED || from == RS_CLOSED) {
		/* reopened: the resolution clock goes on from where it stopped */
		ok = ok && clocks_move(s, id, "fulfilled", "running", SLA_RESOLUTION, now);
	}
	sla_refresh(s, id);
	return ok;
}

bool sla_on_public_reply(store *s, int64_t id, int64_t now)
{
	bool ok = clocks_move(s, id, "running", "fulfilled", SLA_FIRST, now) &&
		  clocks_move(s, id, "paused", "fulfilled", SLA_FIRST, now) &&
		  clocks_move(s, id, "running", "fulfilled", SLA_NEXT, now);
	store_run(s, "UPDATE requests SET first_response_at = coalesce(first_response_at, ?) WHERE id = ?", "ii", now, id);
	return ok;
}

bool sla_on_citizen_reply(store *s, int64_t id, int64_t now)
{
	/* Only once the first response was given does a "next response" clock make sense. */
	if (!store_scalar(s, 0, "SELECT count(*) FROM requests WHERE id = ? AND first_response_at IS NOT NULL", "i", id))
		return true;
	int64_t cat = store_scalar(s, 0, "SELECT category_id FROM requests WHERE id = ?", "i", id);
	enum req_priority p = RP_NORMAL;
	store_stmt *st = store_prepare(s, "SELECT priority FROM requests WHERE id = ?");
	if (st) {
		store_bind_int(st, 1, id);
		if (store_step(st) == STORE_ROW)
			req_priority_parse(store_text(st, 0), &p);
		store_done(st);
	}
	struct sla_policy pol;
	sla_policy_get(s, cat, p, &pol);
	struct calendar cal;
	calendar_load(s, &cal);
	bool ok = clock_start(s, &cal, id, SLA_NEXT, pol.seconds[SLA_NEXT], pol.business_hours, now);
	sla_refresh(s, id);
	return ok;
}

/* Only request_id may constrain the subqueries: with `state = 'running'` in
 * their WHERE the planner answers min(due_at) from request_clocks_due
 * (state, due_at), walking every running clock of every request until it meets
 * this one's — O(open requests) per call, 1.7 ms at 3,000 requests and 70 ms at
 * 100,000 (bench/README.md, "Requests"). Read by the primary key instead, the
 * request's own three clocks at most. */
void sla_refresh(store *s, int64_t id)
{
	store_run(s, "UPDATE requests SET "
		     " due_sort = coalesce((SELECT min(CASE WHEN state = 'running' THEN due_at END) FROM request_clocks"
		     "                      WHERE request_id = ?1), 9223372036854775807),"
		     " overdue = coalesce((SELECT max(state = 'running' AND breached = 1) FROM request_clocks"
		     "                     WHERE request_id = ?1), 0),"
		     " is_open = status IN ('new','open','pending','on_hold') WHERE id = ?1", "i", id);
}

int sla_scan(store *s, int64_t now)
{
	int64_t ids[200];
	char targets[200][16];
	int n = 0;
	store_stmt *st = store_prepare(s, "SELECT request_id, target FROM request_clocks "
					  "WHERE state = 'running' AND breached = 0 AND due_at < ? ORDER BY due_at LIMIT 200");
	if (!st)
		return 0;
	store_bind_int(st, 1, now);
	while (n < 200 && store_step(st) == STORE_ROW) {
		ids[n] = store_int(st, 0);
		snprintf(targets[n], sizeof targets[n], "%s", store_text(st, 1));
		n++;
	}
	store_done(st);
	int done = 0;
	arena *a = arena_new();
	for (int i = 0; i < n; i++) {
		if (!store_begin(s))
			break;
		struct request r;
		bool ok = store_run(s, "UPDATE request_clocks SET breached = 1 WHERE request_id = ? AND target = ? AND breached = 0",
				    "it", ids[i], targets[i]) == 1 &&
			  clock_event(s, ids[i], targets[i], "breached", now) && request_load(s, a, ids[i], &r);
		if (ok) {
			struct sla_policy pol;
			sla_policy_get(s, r.category_id, r.priority, &pol);
			if (pol.raise_priority && r.priority < RP_URGENT)
				store_run(s, "UPDATE requests SET priority = ?, updated_at = ? WHERE id = ?", "tii",
					  req_priority_names[r.priority + 1], now, r.id);
			struct actor sys = {0, "system", true};
			ok = request_event_add(s, r.id, &sys, "breach", false, targets[i], NULL) &&
			     request_notify(s, a, r.id, "breach", targets[i]);
			sla_refresh(s, r.id);
		}
		if (ok && store_commit(s))
			done++;
		else
			store_rollback(s);
	}
	arena_free(a);
	if (done)
		log_info("sla: %d target(s) breached", done);
	return done;
}

int requests_auto_close(store *s, int64_t now)
{
	int64_t ids[200];
	int n = 0;
	store_stmt *st = store_prepare(s, "SELECT id FROM requests WHERE status = 'solved' AND solved_at < ? LIMIT 200");
	if (!st)
		return 0;
	store_bind_int(st, 1, now - REQ_AUTO_CLOSE_DAYS * 86400);
	while (n < 200 && store_step(st) == STORE_ROW)
		ids[n++] = store_int(st, 0);
	store_done(st);
	struct actor sys = {0, "system", true};
	int closed = 0;
	for (int i = 0; i < n; i++)
		closed += request_set_status(s, ids[i], RS_CLOSED, &sys);
	return closed;
}
