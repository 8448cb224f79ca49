/* Moderation: citizens flag what others post (comments, proposals, survey
 * answers); after N distinct flags (setting flag_threshold, default 3) the item
 * is hidden pending review; moderators hide or restore it with a reason the
 * author sees. Features that own flaggable content register a target type here
 * and keep the hidden state on their own rows; this feature owns the flags, the
 * decisions and the queue. */
#ifndef MAJLIS_FEATURES_MODERATION_H
#define MAJLIS_FEATURES_MODERATION_H
#include <stdbool.h>
#include <stdint.h>
#include "core/arena.h"
#include "http/auth.h"
#include "store/migrate.h"
#include "store/store.h"

extern const struct migration moderation_migrations[];

/* What a content feature provides for its flaggable type. */
struct mod_target {
	const char *type;  /* "comment", "proposal", "survey_answer" */
	/* The item's author, department (0 = none), a short excerpt and a link for
	 * the queue (all arena-owned). false when the item does not exist. */
	bool (*describe)(store *s, arena *a, int64_t id, int64_t *author_id, int64_t *dept_id, const char **excerpt,
			 const char **link);
	/* Hides or restores the item on the owner's table. */
	bool (*set_hidden)(store *s, int64_t id, bool hidden);
};

/* Registers a target type (at start-up). The struct must outlive the program. */
void moderation_register(const struct mod_target *t);

extern const char *const flag_reasons[]; /* "spam", "insult", "personal_data", "off_topic", "other"; NULL-ended */
bool flag_reason_valid(const char *reason);

enum flag_result { FLAG_OK, FLAG_DUPLICATE, FLAG_UNKNOWN, FLAG_OWN, FLAG_ERROR };
/* Records user's flag on (type, id) with a reason and optional note; hides the
 * item when the count of distinct flaggers reaches the threshold (*hidden_now).
 * One flag per user and item; a user cannot flag their own item. */
enum flag_result moderation_flag(store *s, const char *type, int64_t id, int64_t user_id, const char *reason,
				 const char *note, bool *hidden_now);
/* A moderator's decision: hide (true) or restore, with a reason the author sees.
 * Clears the pending flags. Writes the decision log. */
bool moderation_decide(store *s, const char *type, int64_t id, bool hide, const char *reason, int64_t moderator_id);
/* The reason of the latest decision to hide (arena), or NULL (also NULL when
 * hidden by flags and not yet reviewed: then *pending is true). */
const char *moderation_reason(store *s, arena *a, const char *type, int64_t id, bool *pending);
/* The configured threshold. */
int moderation_threshold(store *s);

/* The registered target for type, or NULL. */
const struct mod_target *moderation_target(const char *type);

/* Who moderates what: an item of department d (d > 0) is decided by the
 * moderators (and department admins) of d and by site admins; an item with no
 * department (d = 0) by any moderator of any department and by site admins. */
bool moderation_may_moderate(const struct principal *p, int64_t dept_id);

/* ---- the queue: items hidden pending review or with open flags ---- */

#define MOD_NREASONS 5 /* entries of flag_reasons */

struct mod_item {
	const char *type;           /* the registered type's name (static) */
	int64_t id;
	int64_t author_id, dept_id; /* from describe() */
	const char *excerpt, *link; /* arena-owned; "" when the item is gone */
	bool exists;                /* describe() found it */
	int open_flags;             /* distinct flaggers since the last decision */
	int reasons[MOD_NREASONS];  /* open flags per flag_reasons[i] */
	int64_t last_flag_at;       /* 0 when none is open */
	bool hidden;                /* latest decision hides it (auto_hide or hide) */
	bool pending;               /* hidden by flags, not yet reviewed */
};

/* The queue as p may see it (moderation_may_moderate on each item's
 * department), newest flag first, items of unregistered types left out; at
 * most limit items (1..500) into *out (arena). Returns the count, -1 on a
 * database error. */
int moderation_queue(store *s, arena *a, const struct principal *p, int limit, struct mod_item **out);
/* One item's state (flags, decision state, describe()); false when the type
 * is not registered. it->exists tells whether the item itself was found. */
bool moderation_item(store *s, arena *a, const char *type, int64_t id, struct mod_item *it);

struct mod_flag {
	int64_t id, user_id, at;
	const char *reason, *note;  /* arena-owned; note may be NULL */
	bool resolved;
};
/* Every flag of an item, newest first, at most 200 (arena); count or -1. */
int moderation_flags(store *s, arena *a, const char *type, int64_t id, struct mod_flag **out);

struct mod_decision {
	int64_t id, moderator_id, at; /* moderator_id 0 for auto_hide */
	const char *action, *reason;  /* "hide"/"restore"/"auto_hide"; reason NULL for auto_hide */
};
/* The decision log of an item, oldest first, at most 200 (arena); count or -1. */
int moderation_decisions(store *s, arena *a, const char *type, int64_t id, struct mod_decision **out);

/* Registers the moderators' queue and decision routes, the flag endpoints
 * (POST /flag, /api/v1/flags) and the JSON moderation API. */
void moderation_routes(void);

#endif
