/* Consultations: a department asks citizens about a topic for a period. Staff
 * (editor or admin role in the department) write the title and a Markdown body,
 * set the opening and closing times, attach documents (PDF, images), publish,
 * close (early or at the closing time) and write a closing summary with the
 * administration's conclusions. Citizens comment while it is open (through the
 * comments feature, target type "consultation"). The proposal space settings
 * (allow_proposals, support_threshold, proposals_deadline) are read by the
 * proposals feature through consultation_get. Owns the consultations and
 * consultation_documents tables, /consultations pages, /staff/consultations
 * and /api/v1/consultations. Every staff write is audited. */
#ifndef MAJLIS_FEATURES_CONSULTATIONS_H
#define MAJLIS_FEATURES_CONSULTATIONS_H
#include <stdbool.h>
#include <stdint.h>
#include "core/arena.h"
#include "store/migrate.h"
#include "web/page.h"
#include "store/store.h"

extern const struct migration consultations_migrations[];
/* Registers the feature's routes. */
void consultations_routes(void);
/* Start-up wiring: registers "consultation" as a comment target. Once, before serving. */
void consultations_init(void);

#define CONSULT_TITLE_MAX 200     /* characters */
#define CONSULT_BODY_MAX (100 * 1024) /* bytes of Markdown */
#define CONSULT_SUMMARY_MAX (50 * 1024)
#define CONSULT_DOCS_MAX 10

/* Derived status: a draft is never public; a published consultation is
 * upcoming before opens_at, open until closes_at, closed after. */
enum consult_status { CONSULT_DRAFT, CONSULT_UPCOMING, CONSULT_OPEN, CONSULT_CLOSED };

struct consult_doc {
	const char *name;          /* media name ("<sha256>.pdf"), served at /media/<name> */
	const char *title;         /* shown text (the uploaded file's name by default) */
};

struct consultation {
	int64_t id, dept_id, author_id;
	const char *title, *slug, *lang, *body, *body_html;   /* arena-owned */
	const char *summary, *summary_html; /* closing summary ("" until written) */
	bool published;
	int64_t opens_at, closes_at;        /* UTC seconds; closes_at > opens_at */
	int64_t closed_at;                  /* when staff closed it early, else 0 */
	bool allow_proposals;               /* citizens may submit proposals in it */
	int64_t support_threshold;          /* supports a proposal needs (0 = none set) */
	int64_t proposals_deadline;         /* last moment for proposals (0 = closes_at) */
	int64_t created_at, updated_at;
	struct consult_doc *docs;           /* consultation_get fills them; lists do not */
	int ndocs;
};

/* What staff send (form or JSON) before validation; NULL = not given. */
struct consult_input {
	const char *title, *lang, *body, *dept, *opens_at, *closes_at;
	const char *allow_proposals;     /* "1"/"on"/"true" or "0"/"" */
	const char *support_threshold, *proposals_deadline;
	const char *summary;
};

/* Validates in into c, merging over c's current values. Errors go to e as
 * (field, catalog key). Renders Markdown. Returns e->n == 0. */
bool consult_apply_input(store *s, arena *a, const struct consult_input *in, struct consultation *c,
			 struct form_errors *e);
/* Inserts c with its documents in one transaction; the id, or -1. */
int64_t consult_insert(store *s, struct consultation *c);
/* The status at time now. */
enum consult_status consultation_status(const struct consultation *c, int64_t now);
/* "draft", "upcoming", "open", "closed". Static storage. */
const char *consult_status_name(enum consult_status st);

/* Loads one consultation with its documents into arena memory (any status:
 * callers decide who may see a draft). false when absent. */
bool consultation_get(store *s, arena *a, int64_t id, struct consultation *c);

/* What to list. status CONSULT_LIST_PUBLIC lists every published one, open
 * first (closing soonest first), then upcoming (opening soonest first), then
 * closed (latest closed first); one of the statuses lists only those; staff
 * lists (CONSULT_LIST_STAFF) show every status, latest change first. */
enum consult_list { CONSULT_LIST_PUBLIC = -1, CONSULT_LIST_STAFF = -2 };
struct consult_filter {
	int status;                /* CONSULT_LIST_PUBLIC, CONSULT_LIST_STAFF or an enum consult_status */
	int64_t dept_id;           /* 0 = any */
	const char *cursor;        /* next_cursor of the previous page, or NULL */
	int limit;                 /* 1..100 (default 20) */
};
/* Lists consultations matching f at time now into *out (arena; no documents).
 * Returns the count, -1 on a malformed cursor or a database error. *next
 * (arena) is the cursor of the next page, or NULL when this is the last. */
int consultation_list(store *s, arena *a, const struct consult_filter *f, int64_t now, struct consultation **out,
		      const char **next);

/* "/consultations/12" (arena). */
const char *consultation_path(arena *a, const struct consultation *c);

#endif
