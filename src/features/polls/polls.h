/* Polls: one question, single or multiple choice (with a maximum), open and
 * close dates, results optionally hidden until closing, one ballot per account
 * enforced by the database (poll_ballots UNIQUE(poll_id, user_id), choices in
 * poll_choices), changeable while open when the poll allows it, eligibility
 * any account or verified only (and always account_may_participate). Option
 * counters (poll_options.votes) and the ballot count (polls.ballots) are kept
 * in the vote transaction, so results cost O(options) whatever the turnout.
 * Owns polls, poll_options, poll_ballots, poll_choices; the pages /polls...,
 * the staff pages /staff/polls... and the API /api/v1/polls... */
#ifndef MAJLIS_FEATURES_POLLS_H
#define MAJLIS_FEATURES_POLLS_H
#include <stdbool.h>
#include <stdint.h>
#include "core/arena.h"
#include "store/migrate.h"
#include "store/store.h"

extern const struct migration polls_migrations[];
/* Registers the feature's routes. */
void polls_routes(void);
/* Start-up wiring (moderation targets, job kinds); once, before serving. */
void polls_init(void);

#define POLL_QUESTION_MAX 300   /* characters */
#define POLL_OPTION_MAX 200     /* characters */
#define POLL_OPTIONS_MIN 2
#define POLL_OPTIONS_MAX 20
/* Anti-abuse defaults: votes (including changes) per account and per IP address
 * per minute (per IP: POLL_VOTE_RATE_IP_DEFAULT of accounts.h); the settings
 * poll_vote_rate_account / poll_vote_rate_ip ("N/SECONDS", accounts.h
 * setting_rate; the second is on /admin/participation) override them. */
#define POLL_VOTES_PER_ACCOUNT 20

struct poll {
	int64_t id, dept_id, created_by;
	const char *question;      /* arena-owned */
	bool multiple;             /* false: exactly one choice */
	int max_choices;           /* multiple: 1..options; single: 1 */
	int64_t opens_at, closes_at; /* epoch seconds; closes_at 0 = no end */
	bool results_after_close, changeable, verified_only;
	int64_t ballots, created_at, updated_at;
};

struct poll_option {
	int64_t id;
	int position;
	const char *label;         /* arena-owned */
	int64_t votes;
};

enum poll_state { POLL_UPCOMING, POLL_OPEN, POLL_CLOSED };
enum poll_state poll_state(const struct poll *p, int64_t now);
/* "poll.state_upcoming" / "_open" / "_closed" and the API names. */
const char *poll_state_key(enum poll_state st);
const char *poll_state_name(enum poll_state st);

/* Loads a poll and, when opts is not NULL, its options in order (arena).
 * false when absent. */
bool poll_load(store *s, arena *a, int64_t id, struct poll *p, struct poll_option **opts, int *nopts);
/* Polls newest first, page of limit from offset; dept 0 = any; state -1 = any.
 * Returns count (-1 on error); *out arena-owned. */
int poll_list(store *s, arena *a, int64_t dept_id, int state, int64_t now, int limit, int offset, struct poll **out);
/* Creates a poll with its options in one transaction (p->id set). -1 on error. */
int64_t poll_create(store *s, struct poll *p, const char *const *options, int nopts);
/* Saves question, dates and flags; replaces the options too when nopts > 0 and
 * nobody has voted yet (false otherwise, nothing changed). */
bool poll_update(store *s, const struct poll *p, const char *const *options, int nopts);
/* Sets closes_at to now (if it is later or unset). */
bool poll_close(store *s, int64_t id, int64_t now);

enum vote_result {
	VOTE_OK,          /* first ballot recorded */
	VOTE_CHANGED,     /* an existing ballot's choices replaced */
	VOTE_ALREADY,     /* this account already voted and the poll does not allow changes */
	VOTE_NOT_OPEN,    /* upcoming or closed */
	VOTE_NO_CHOICE,   /* no option chosen */
	VOTE_TOO_MANY,    /* more than max_choices (or >1 on a single-choice poll) */
	VOTE_UNKNOWN,     /* an option id not of this poll, or a duplicate */
	VOTE_ERROR,       /* database error; nothing written */
};
/* Records user's ballot for the options (ids) in one transaction: the ballot
 * row (the UNIQUE constraint refuses a second one), its choices and the
 * counters. On any refusal or error nothing is written. */
enum vote_result poll_vote(store *s, int64_t poll_id, int64_t user_id, const int64_t *option_ids, int n, int64_t now);
/* Option ids of user's current ballot into *out (arena); count, 0 when none. */
int poll_my_choices(store *s, arena *a, int64_t poll_id, int64_t user_id, int64_t **out);
/* The catalog key for a refusal. */
const char *vote_result_key(enum vote_result v);

#endif
