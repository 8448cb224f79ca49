/* What staff and citizens do to a request. Every action runs in one
 * transaction: the change, its event in the history, the SLA clocks, and the
 * notification job — all or nothing. */
#include "features/requests/internal.h"
#include "features/accounts/accounts.h"
#include "jobs/jobs.h"
#include "core/util.h"
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

bool request_event_add(store *s, int64_t id, const struct actor *by, const char *type, bool public, const char *body,
		       const char *data)
{
	store_stmt *st = store_prepare(s, "INSERT INTO request_events(request_id, at, actor_id, actor, type, public, body, data) "
					  "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	if (!st)
		return false;
	store_bind_int(st, 1, id);
	store_bind_int(st, 2, now_s());
	if (by->user_id)
		store_bind_int(st, 3, by->user_id);
	store_bind_text(st, 4, by->name ? by->name : "");
	store_bind_text(st, 5, type);
	store_bind_int(st, 6, public);
	store_bind_text(st, 7, body);
	store_bind_text(st, 8, data);
	int rc = store_step(st);
	store_done(st);
	return rc == STORE_DONE &&
	       store_run(s, "UPDATE requests SET updated_at = ? WHERE id = ?", "ii", now_s(), id) == 1;
}

bool request_notify(store *s, arena *a, int64_t id, const char *what, const char *detail)
{
	(void)a;
	json_t *p = json_pack("{s:I,s:s,s:s*}", "id", (json_int_t)id, "what", what, "detail", detail);
	char *payload = json_dumps(p, JSON_COMPACT);
	json_decref(p);
	int64_t job = payload ? job_enqueue(s, "request_notify", NULL, payload, 0) : -1;
	free(payload);
	if (job > 0)
		jobs_kick();
	return job > 0;
}

/* Runs fn inside a transaction with the request loaded; commits when it
 * returns true. */
typedef bool (*action_fn)(store *s, arena *a, struct request *r, void *ctx);

static bool with_request(store *s, int64_t id, action_fn fn, void *ctx)
{
	arena *a = arena_new();
	struct request r;
	bool ok = false;
	if (!store_begin(s))
		goto done;
	if (request_load(s, a, id, &r) && fn(s, a, &r, ctx) && store_commit(s))
		ok = true;
	else
		store_rollback(s);
done:
	arena_free(a);
	return ok;
}

/* ---- status ---- */

static bool move_allowed(enum req_status from, enum req_status to)
{
	return from != to && to != RS_NEW && from != RS_CLOSED;
}

/* Sets status and its timestamps, moves clocks, records and notifies. */
static bool apply_status(store *s, arena *a, struct request *r, enum req_status to, const struct actor *by, bool notify)
{
	if (!move_allowed(r->status, to))
		return false;
	int64_t now = now_s();
	if (store_run(s, "UPDATE requests SET status = ?1,"
			 " solved_at = CASE WHEN ?1 = 'solved' THEN ?2 WHEN ?1 = 'closed' THEN solved_at ELSE NULL END,"
			 " closed_at = CASE WHEN ?1 = 'closed' THEN ?2 ELSE NULL END WHERE id = ?3",
		      "tii", req_status_names[to], now, r->id) != 1)
		return false;
	char data[64];
	snprintf(data, sizeof data, "{\"from\":\"%s\",\"to\":\"%s\"}", req_status_names[r->status], req_status_names[to]);
	bool ok = sla_on_status(s, r->id, r->status, to, now) &&
		  request_event_add(s, r->id, by, "status", true, NULL, data) &&
		  (!notify || request_notify(s, a, r->id, "status", req_status_names[to]));
	r->status = to;
	return ok;
}

struct status_ctx {
	enum req_status to;
	const struct actor *by;
};

static bool do_status(store *s, arena *a, struct request *r, void *vctx)
{
	struct status_ctx *c = vctx;
	return apply_status(s, a, r, c->to, c->by, true);
}

bool request_set_status(store *s, int64_t id, enum req_status to, const struct actor *by)
{
	struct status_ctx c = {to, by};
	return with_request(s, id, do_status, &c);
}

/* ---- replies ---- */

struct reply_ctx {
	const char *body;
	bool public;
	int new_status;
	const struct actor *by;
};

static bool do_reply(store *s, arena *a, struct request *r, void *vctx)
{
	struct reply_ctx *c = vctx;
	if (r->status == RS_CLOSED || !c->body || !*c->body)
		return false;
	if (!c->public)
		return request_event_add(s, r->id, c->by, "note", false, c->body, NULL);
	if (!request_event_add(s, r->id, c->by, "reply", true, c->body, NULL) || !sla_on_public_reply(s, r->id, now_s()) ||
	    !request_notify(s, a, r->id, "reply", c->body))
		return false;
	/* Answering a new request opens it; an explicit status wins. */
	int to = c->new_status >= 0 ? c->new_status : r->status == RS_NEW ? RS_OPEN : -1;
	if (to >= 0 && to != (int)r->status)
		return apply_status(s, a, r, (enum req_status)to, c->by, false);
	return true;
}

bool request_reply(store *s, int64_t id, const char *body, bool public, int new_status, const struct actor *by)
{
	struct reply_ctx c = {body, public, new_status, by};
	return with_request(s, id, do_reply, &c);
}

static bool do_citizen_reply(store *s, arena *a, struct request *r, void *vctx)
{
	struct reply_ctx *c = vctx;
	if (r->status == RS_CLOSED || !c->body || !*c->body)
		return false;
	if (!request_event_add(s, r->id, c->by, "citizen_reply", true, c->body, NULL))
		return false;
	if ((r->status == RS_PENDING || r->status == RS_SOLVED) && !apply_status(s, a, r, RS_OPEN, c->by, false))
		return false;
	return sla_on_citizen_reply(s, r->id, now_s()) && request_notify(s, a, r->id, "citizen_reply", c->body);
}

bool request_citizen_reply(store *s, int64_t id, const char *body, const struct actor *by)
{
	struct reply_ctx c = {body, true, -1, by};
	return with_request(s, id, do_citizen_reply, &c);
}

/* ---- assignment, transfer, priority ---- */

struct id_ctx {
	int64_t value;
	const char *text;
	const struct actor *by;
};

static bool do_assign(store *s, arena *a, struct request *r, void *vctx)
{
	struct id_ctx *c = vctx;
	if (c->value) {
		/* The assignee must be staff of the handling department. */
		struct grant *g;
		int n = user_grants(s, a, c->value, &g);
		bool ok = false;
		for (int i = 0; i < n; i++)
			ok |= g[i].dept_id == r->dept_id && (g[i].role == ROLE_AGENT || g[i].role == ROLE_ADMIN);
		struct user u;
		if (!ok || !user_get(s, a, c->value, &u) || u.disabled)
			return false;
	}
	char data[48];
	snprintf(data, sizeof data, "{\"assignee\":%lld}", (long long)c->value);
	if (c->value)
		store_run(s, "UPDATE requests SET assignee_id = ? WHERE id = ?", "ii", c->value, r->id);
	else
		store_run(s, "UPDATE requests SET assignee_id = NULL WHERE id = ?", "i", r->id);
	return request_event_add(s, r->id, c->by, "assign", false, NULL, data) &&
	       (!c->value || request_notify(s, a, r->id, "assigned", NULL));
}

bool request_assign(store *s, int64_t id, int64_t assignee_id, const struct actor *by)
{
	struct id_ctx c = {assignee_id, NULL, by};
	return with_request(s, id, do_assign, &c);
}

static bool do_transfer(store *s, arena *a, struct request *r, void *vctx)
{
	struct id_ctx *c = vctx;
	struct department d;
	if (c->value == r->dept_id || !dept_get(s, a, c->value, &d) || !c->text || !*c->text || r->status == RS_CLOSED)
		return false;
	char data[64];
	snprintf(data, sizeof data, "{\"from\":%lld,\"to\":%lld}", (long long)r->dept_id, (long long)c->value);
	return store_run(s, "UPDATE requests SET dept_id = ?, assignee_id = NULL WHERE id = ?", "ii", c->value, r->id) == 1 &&
	       request_reindex(s, r->id) && request_event_add(s, r->id, c->by, "transfer", true, c->text, data) &&
	       request_notify(s, a, r->id, "transfer", d.slug);
}

bool request_transfer(store *s, int64_t id, int64_t dept_id, const char *reason, const struct actor *by)
{
	struct id_ctx c = {dept_id, reason, by};
	return with_request(s, id, do_transfer, &c);
}

static bool do_priority(store *s, arena *a, struct request *r, void *vctx)
{
	struct id_ctx *c = vctx;
	(void)a;
	if (c->value < 0 || c->value >= RP_COUNT || c->value == r->priority)
		return false;
	char data[64];
	snprintf(data, sizeof data, "{\"from\":\"%s\",\"to\":\"%s\"}", req_priority_names[r->priority],
		 req_priority_names[c->value]);
	return store_run(s, "UPDATE requests SET priority = ? WHERE id = ?", "ti", req_priority_names[c->value], r->id) == 1 &&
	       request_event_add(s, r->id, c->by, "priority", false, NULL, data);
}

bool request_set_priority(store *s, int64_t id, enum req_priority p, const struct actor *by)
{
	struct id_ctx c = {p, NULL, by};
	return with_request(s, id, do_priority, &c);
}

/* ---- merge and rating ---- */

static bool do_merge(store *s, arena *a, struct request *r, void *vctx)
{
	struct id_ctx *c = vctx;
	struct request into;
	if (c->value == r->id || r->merged_into || r->status == RS_CLOSED || !request_load(s, a, c->value, &into) ||
	    into.merged_into || into.status == RS_CLOSED)
		return false;
	char data[48];
	snprintf(data, sizeof data, "{\"into\":%lld}", (long long)into.id);
	if (store_run(s, "UPDATE requests SET merged_into = ? WHERE id = ?", "ii", into.id, r->id) != 1 ||
	    store_run(s, "UPDATE requests SET merged_into = ? WHERE merged_into = ?", "ii", into.id, r->id) < 0 ||
	    !request_event_add(s, r->id, c->by, "merged", true, into.ref, data) ||
	    !request_event_add(s, into.id, c->by, "merged_from", false, r->ref, NULL) ||
	    !request_notify(s, a, r->id, "merged", into.ref))
		return false;
	return apply_status(s, a, r, RS_CLOSED, c->by, false);
}

bool request_merge(store *s, int64_t id, int64_t into, const struct actor *by)
{
	struct id_ctx c = {into, NULL, by};
	return with_request(s, id, do_merge, &c);
}

static bool do_rate(store *s, arena *a, struct request *r, void *vctx)
{
	struct id_ctx *c = vctx;
	(void)a;
	if ((r->status != RS_SOLVED && r->status != RS_CLOSED) || r->rating || c->value < 1 || c->value > 5 ||
	    (c->text && utf8_length(c->text) > 1000))
		return false;
	char data[24];
	snprintf(data, sizeof data, "{\"rating\":%lld}", (long long)c->value);
	return store_run(s, "UPDATE requests SET rating = ?, rating_comment = ? WHERE id = ? AND rating IS NULL", "iti",
			 c->value, c->text && *c->text ? c->text : NULL, r->id) == 1 &&
	       request_event_add(s, r->id, c->by, "rating", true, c->text, data);
}

bool request_rate(store *s, int64_t id, int rating, const char *comment, const struct actor *by)
{
	struct id_ctx c = {rating, comment, by};
	return with_request(s, id, do_rate, &c);
}

/* ---- history ---- */

int request_events(store *s, arena *a, int64_t id, bool with_internal, struct request_event **out)
{
	int n = (int)store_scalar(s, 0, "SELECT count(*) FROM request_events WHERE request_id = ?", "i", id);
	*out = arena_alloc(a, sizeof **out * (size_t)(n + 1));
	store_stmt *st = store_prepare(s, "SELECT id, at, coalesce(actor_id, 0), actor, type, public, body, data "
					  "FROM request_events WHERE request_id = ? AND (public = 1 OR ? = 1) ORDER BY id");
	if (!st)
		return 0;
	store_bind_int(st, 1, id);
	store_bind_int(st, 2, with_internal);
	int k = 0;
	while (k < n && store_step(st) == STORE_ROW) {
		struct request_event *e = &(*out)[k++];
		e->id = store_int(st, 0);
		e->at = store_int(st, 1);
		e->actor_id = store_int(st, 2);
		e->actor = arena_strdup(a, store_text(st, 3));
		e->type = arena_strdup(a, store_text(st, 4));
		e->public = store_int(st, 5) != 0;
		e->body = arena_strdup(a, store_text(st, 6));
		e->data = arena_strdup(a, store_text(st, 7));
	}
	store_done(st);
	return k;
}
