/* Proposals: citizens (through account_may_participate) submit proposals in a
 * consultation that allows them (settings read through consultation_get) or
 * in a department's open proposal space (proposal_spaces: open/closed, support
 * threshold, deadline — owned here); other citizens support them (one support
 * per account: PRIMARY KEY(proposal_id, user_id); withdrawable while open; an
 * author cannot support their own). The threshold and deadline in force when a
 * proposal is submitted are copied onto it, so later changes to the space do
 * not move the goalposts of proposals already running. A proposal is open for
 * supports until its deadline or a final answer (accepted/rejected) and while
 * not hidden by moderation. When supports reach the threshold the proposal is
 * marked (reached_at) and the department's editors and admins are emailed once
 * (job key "prop-threshold:<id>:<address>"). Staff (editor role in the
 * department) give the official answer — accepted, under study, rejected with
 * reasons — which the author and the supporters see on the page and by email.
 * The supports counter is kept in the support transaction. Moderation target
 * "proposal". Owns proposal_spaces, proposals, proposal_supports. */
#ifndef MAJLIS_FEATURES_PROPOSALS_H
#define MAJLIS_FEATURES_PROPOSALS_H
#include <stdbool.h>
#include <stdint.h>
#include "core/arena.h"
#include "store/migrate.h"
#include "store/store.h"

extern const struct migration proposals_migrations[];
/* Registers the feature's routes. */
void proposals_routes(void);
/* Start-up wiring: registers the "proposal" moderation target. Once, before serving. */
void proposals_init(void);

#define PROP_TITLE_MAX 200            /* characters */
#define PROP_BODY_MAX (20 * 1024)     /* bytes of Markdown */
#define PROP_ANSWER_MAX (20 * 1024)
#define PROP_SUPPORTS_PER_ACCOUNT 30  /* supports + withdrawals per minute */
#define PROP_SUPPORTS_PER_IP 300
#define PROP_SUBMIT_PER_ACCOUNT 5     /* submissions per hour */

struct proposal_space {
	int64_t dept_id;
	bool open;
	int64_t threshold;   /* 0 = no threshold */
	int64_t deadline;    /* 0 = none; proposals and supports until then */
};

struct proposal {
	int64_t id, dept_id, consultation_id, author_id;
	const char *title, *body, *body_html;       /* arena-owned */
	int64_t threshold, deadline, supports, reached_at;
	const char *answer;                          /* NULL, "accepted", "under_study", "rejected" */
	const char *answer_text, *answer_html;       /* "" when none */
	int64_t answered_by, answered_at;
	bool hidden;
	int64_t created_at;
};

/* The space of a department (defaults: closed, no threshold) — never fails. */
void proposal_space_get(store *s, int64_t dept_id, struct proposal_space *sp);
bool proposal_space_set(store *s, const struct proposal_space *sp, int64_t by);

bool proposal_load(store *s, arena *a, int64_t id, struct proposal *p);
/* True while supports may be given or withdrawn. */
bool proposal_open(const struct proposal *p, int64_t now);
/* "open", "threshold" (reached), "closed", or the answer. Static. */
const char *proposal_state(const struct proposal *p, int64_t now);
/* The newest visible proposals of a department (0 = all), at most limit
 * (1..100), into *out (arena); count returned, -1 on error. */
int proposal_recent(store *s, arena *a, int64_t dept_id, int limit, struct proposal **out);
/* Puts a visible proposal (text and official answer) in the search index,
 * removes a hidden one. Inside the caller's transaction. */
bool proposal_reindex(store *s, int64_t id);
/* Inserts p (id and created_at set) and indexes it, in one transaction. -1 on error. */
int64_t proposal_insert(store *s, struct proposal *p);

enum support_result { SUPPORT_OK, SUPPORT_ALREADY, SUPPORT_OWN, SUPPORT_CLOSED, SUPPORT_NOT_SUPPORTED, SUPPORT_GONE,
		      SUPPORT_ERROR };
/* Adds (on) or withdraws user's support in one transaction with the counter;
 * on reaching the threshold marks the proposal and queues the department's
 * emails (in lang, the site's default language; base_url for the link). Nothing is written on a refusal. *reached
 * is set when this support crossed the threshold. */
enum support_result proposal_support(store *s, arena *a, int64_t id, int64_t user_id, bool on, int64_t now,
				     const char *base_url, const char *lang, bool *reached);
bool proposal_supported_by(store *s, int64_t id, int64_t user_id);
/* Records the official answer and queues emails to the author and every
 * supporter (one job each, keyed by proposal, answer time and user). */
bool proposal_answer(store *s, arena *a, int64_t id, const char *answer, const char *text, int64_t by, int64_t now,
		     const char *base_url);

#endif
