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

/* Registers the moderators' queue and decision routes. */
void moderation_routes(void);

#endif
