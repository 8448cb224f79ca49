/* Citizen requests: questions, complaints, reports, suggestions — one inbox for
 * every channel (web, JSON API, Open311), routed to departments by category,
 * with response-time targets (SLA) on the administration's business hours.
 *
 * This header is the engine every requests page and endpoint goes through:
 * categories, the request record, the actions on it (each writes an event,
 * moves the SLA clocks, queues notifications), the inbox query, access rules.
 * The pages (citizen, staff, admin), the JSON API, Open311 and the statistics
 * live in their own files and only call these functions. */
#ifndef MAJLIS_FEATURES_REQUESTS_H
#define MAJLIS_FEATURES_REQUESTS_H
#include <stdbool.h>
#include <stdint.h>
#include "core/arena.h"
#include "features/requests/calendar.h"
#include "http/http.h"
#include "store/migrate.h"
#include "store/store.h"
#include "web/page.h"

extern const struct migration requests_migrations[];

/* Registers every requests route and the periodic jobs (breach scan, auto-close). */
void requests_routes(void);
/* Registers job kinds (notifications, breach scan); call once at start-up. */
void requests_init(void);

#define REQ_DESC_MAX 5000     /* characters */
#define REQ_PHOTOS_MAX 5
#define REQ_ATTR_VALUE_MAX 1000
#define REQ_AUTO_CLOSE_DAYS 7

enum req_status { RS_NEW, RS_OPEN, RS_PENDING, RS_ON_HOLD, RS_SOLVED, RS_CLOSED, RS_COUNT };
enum req_priority { RP_LOW, RP_NORMAL, RP_HIGH, RP_URGENT, RP_COUNT };
enum sla_target { SLA_FIRST, SLA_NEXT, SLA_RESOLUTION, SLA_COUNT };

extern const char *const req_status_names[RS_COUNT];   /* "new", "open", ... */
extern const char *const req_priority_names[RP_COUNT]; /* "low", ... */
extern const char *const req_kinds[];                  /* ended by NULL */
extern const char *const sla_target_names[SLA_COUNT];  /* "first_response", ... */
bool req_status_parse(const char *s, enum req_status *out);
bool req_priority_parse(const char *s, enum req_priority *out);
bool req_kind_valid(const char *s);
/* Open311's two statuses: "open" for everything but solved/closed. */
const char *req_open311_status(enum req_status s);

/* ---- categories (Open311 services) ---- */

struct attr_value {
	const char *key, *name[3]; /* name in ar, fr, en */
};

struct attribute {
	int64_t id;
	const char *code, *datatype, *label[3];
	bool required;
	int ord;
	struct attr_value *values;
	int nvalues;
};

struct category {
	int64_t id, dept_id;
	const char *code, *name[3], *desc[3], *grp, *keywords;
	bool public, active;
	struct attribute *attrs;
	int nattrs;
};

/* Index 0/1/2 for ar/fr/en (ar for anything else). */
int lang_index3(const char *lang);
/* All categories (active only unless all), ordered by group then code, with
 * their attributes; count returned, array in *out (arena). */
int category_list(store *s, arena *a, bool all, struct category **out);
bool category_get(store *s, arena *a, int64_t id, struct category *c);
bool category_by_code(store *s, arena *a, const char *code, struct category *c);
/* Creates or updates (by code) a category; returns its id or -1. */
int64_t category_save(store *s, const struct category *c);
/* Replaces a category's attributes (and their values) with c->attrs. */
bool category_save_attributes(store *s, int64_t category_id, const struct attribute *attrs, int n);

/* ---- SLA targets and the calendar ---- */

struct sla_policy {
	int64_t seconds[SLA_COUNT]; /* 0 = no target */
	bool business_hours;        /* false = 24/7 */
	bool raise_priority;        /* on breach, priority goes up one step */
};

/* The policy for a category and priority (zeros when none is set). */
bool sla_policy_get(store *s, int64_t category_id, enum req_priority p, struct sla_policy *out);
bool sla_policy_set(store *s, int64_t category_id, enum req_priority p, const struct sla_policy *pol);
/* The administration's calendar (default week when none is stored). */
void calendar_load(store *s, struct calendar *c);
/* Replaces the week and the holidays in one transaction; names (may be NULL)
 * holds one label per holiday, in c->holidays order. */
bool calendar_save(store *s, const struct calendar *c, const char *const *names);

/* ---- the request ---- */

struct request {
	int64_t id, category_id, dept_id, user_id, assignee_id, merged_into;
	const char *ref, *kind, *channel, *description, *address, *lang, *attributes; /* attributes: JSON object */
	const char *contact_name, *contact_email, *contact_phone;
	enum req_status status;
	enum req_priority priority;
	bool has_location, public, overdue;
	double lat, lon;
	int64_t next_due_at;       /* 0 when no clock runs */
	int64_t first_response_at, solved_at, closed_at, created_at, updated_at;
	int rating;                /* 0 = not rated */
	const char *rating_comment;
	const char **photos;       /* media names */
	int nphotos;
};

/* What a citizen (or a client on their behalf) submits. Strings may be NULL. */
struct request_input {
	const char *kind, *category_code, *description, *address, *lang, *channel;
	const char *lat, *lon;     /* as text, validated here */
	const char *contact_name, *contact_email, *contact_phone;
	struct kvlist attrs;       /* attribute code -> value; repeated for multi-value lists */
	struct kvlist extra;       /* channel metadata (e.g. Open311 media_url, address_id), stored
				    * unvalidated as strings in attributes["_extra"]; names unique */
	const char *photos[REQ_PHOTOS_MAX]; /* media names already stored */
	int nphotos;
	int64_t user_id;           /* logged-in citizen, or 0 */
	bool on_behalf;            /* submitted by a trusted client (API token, Open311 api_key)
	                            * that keeps its own contact with the citizen: no contact required */
	const char *priority;      /* staff/API only; NULL = normal */
};

/* Who acts on a request. */
struct actor {
	int64_t user_id;           /* 0 for the system or an anonymous citizen */
	const char *name;
	bool staff;
};

/* Validates in and creates the request: tracking reference, SLA clocks started,
 * "created" event, receipt email queued. Errors go to e (field, catalog key) and
 * nothing is written. ref_out gets the reference. Returns the id, 0 when
 * invalid, -1 on a database error. */
int64_t request_create(store *s, arena *a, const struct request_input *in, struct form_errors *e,
		       char ref_out[16]);
bool request_load(store *s, arena *a, int64_t id, struct request *r);
bool request_by_ref(store *s, arena *a, const char *ref, struct request *r);
/* The private-link token of a request (64 hex, a keyed hash of its id under
 * the site secret: nothing to store, can be re-sent in every email). */
void request_token(int64_t id, char out[65]);
/* True when token is request id's private-link token (constant-time). */
bool request_token_ok(int64_t id, const char *token);

/* ---- access ---- */

/* Staff of the handling department with role (or admins) may act. */
bool request_staff_can(const struct principal *p, const struct request *r, enum role role);
/* May p (possibly anonymous, with an optional private-link token) read r?
 * Public requests: everyone (contact data hidden); private ones: the author,
 * the token holder, and the handling department's staff. */
bool request_can_view(store *s, const struct principal *p, const struct request *r, const char *token);
/* True when p is r's author (logged in as them) or holds its private-link token. */
bool request_is_author(const struct principal *p, const struct request *r, const char *token);
/* True when p may see r's contact details and internal notes. */
bool request_can_see_private(const struct principal *p, const struct request *r);

/* ---- actions (each returns false on a database error or an impossible move) ---- */

/* Status change by staff; records an event, moves clocks, notifies the citizen. */
bool request_set_status(store *s, int64_t id, enum req_status to, const struct actor *by);
/* A public reply (citizen notified; fulfils first/next response clocks) or an
 * internal note (staff only; clocks untouched). new_status may be -1 to keep. */
bool request_reply(store *s, int64_t id, const char *body, bool public, int new_status, const struct actor *by);
/* The citizen answers: pending → open, paused clocks resume, next-response starts. */
bool request_citizen_reply(store *s, int64_t id, const char *body, const struct actor *by);
bool request_assign(store *s, int64_t id, int64_t assignee_id, const struct actor *by);
/* Moves the request to another department with a reason (event + notification). */
bool request_transfer(store *s, int64_t id, int64_t dept_id, const char *reason, const struct actor *by);
bool request_set_priority(store *s, int64_t id, enum req_priority p, const struct actor *by);
/* Merges id into into: id is closed with merged_into set; its citizen keeps
 * receiving every update of into. */
bool request_merge(store *s, int64_t id, int64_t into, const struct actor *by);
/* Rating after solved (1–5, optional comment), once. */
bool request_rate(store *s, int64_t id, int rating, const char *comment, const struct actor *by);

/* ---- history ---- */

struct request_event {
	int64_t id, at, actor_id;
	const char *actor, *type, *body, *data;
	bool public;
};
/* Events of a request in order; internal ones only when with_internal. */
int request_events(store *s, arena *a, int64_t id, bool with_internal, struct request_event **out);

/* ---- SLA clocks (sla.c) ---- */

/* Recomputes r's next_due_at and overdue flag from its clocks. */
void sla_refresh(store *s, int64_t id);
/* Marks breached clocks (due_at < now), once per clock: event, overdue flag,
 * priority raise when the policy says so, escalation email to the department's
 * admins. Returns how many were breached. */
int sla_scan(store *s, int64_t now);
/* Closes requests solved more than REQ_AUTO_CLOSE_DAYS ago. Returns how many. */
int requests_auto_close(store *s, int64_t now);

/* ---- the staff inbox ---- */

struct inbox_filter {
	int64_t dept_id;           /* required: the queue */
	unsigned status_mask;      /* bit per enum req_status; 0 = open ones (new..on_hold) */
	int64_t category_id;       /* 0 = any */
	int priority;              /* -1 = any */
	int64_t assignee_id;       /* 0 = any, -1 = unassigned */
	bool overdue_only;
	const char *channel;       /* NULL = any */
	int64_t from, to;          /* created_at range; 0 = open-ended */
	int64_t after_due, after_id; /* keyset cursor on (next_due_at, id); after_id 0 = first page */
	int limit;                 /* 1..100 */
};
/* One page of the queue sorted by next due time (requests without a due time
 * last), then id. Returns count or -1. */
int inbox_list(store *s, arena *a, const struct inbox_filter *f, struct request **out);
/* How many requests match f (ignoring the cursor). */
int64_t inbox_count(store *s, const struct inbox_filter *f);

/* ---- duplicates ---- */

/* Open requests of the same category that look like r (similar text, within
 * ~300 m when both have a location). Up to max, most similar first. */
int request_similar(store *s, arena *a, const struct request *r, int max, struct request **out);

#endif
