/* Shared by the moderation feature's pages and API (nothing here is used
 * outside src/features/moderation/). */
#ifndef MAJLIS_MODERATION_INTERNAL_H
#define MAJLIS_MODERATION_INTERNAL_H
#include "features/moderation/moderation.h"
#include "http/http.h"

#define MOD_REASON_MAX 1000 /* code points of a decision reason */
#define MOD_NOTE_MAX 500    /* code points of a flag's note */
#define FLAGS_PER_ACCOUNT 30 /* flags per account per window */
#define FLAGS_PER_IP 60
#define FLAGS_WINDOW 600     /* seconds */

/* This thread's store, or NULL after answering 503. */
store *mod_db(struct req *r);

/* The outcome of a moderator's decision through mod_decide_or_reply: HTTP
 * status and a catalog key (the key doubles as the JSON error code's source). */
struct mod_outcome {
	int status;      /* 200 done; 403, 404, 422, 503 */
	const char *key; /* catalog message key */
	const char *field; /* the form field at fault for 422, else NULL */
};
/* Validates and applies a decision on (type, id) by r's principal: action
 * "hide" or "restore", reason required (1..MOD_REASON_MAX code points). Checks
 * the principal moderates the item's department. On success writes the audit
 * line and drops the page cache. Answers nothing itself. */
struct mod_outcome mod_decide(struct req *r, store *s, const char *type, int64_t id, const char *action,
			      const char *reason);

/* Validates and records r's principal's flag (same rules for the form and the
 * API): the participation gate, rate limits, reason, note length, then
 * moderation_flag. status 201 on success (*hidden_now when it hid the item),
 * 403 (not allowed / own item), 404 (unknown type or item), 409 (already
 * flagged), 422 (bad reason / note), 429, 503. Audits the flag. */
struct mod_outcome mod_flag_submit(struct req *r, store *s, const char *type, int64_t id, const char *reason,
				   const char *note, bool *hidden_now);

/* The display name of a user ("#id" when unknown, "—" for 0); arena-owned. */
const char *mod_user_name(struct req *r, store *s, int64_t user_id);
/* The catalog label of a content type ("mod.type.comment"), or the type itself. */
const char *mod_type_label(struct req *r, const char *type);

void moderation_pages_routes(void);
void moderation_flag_routes(void);
void moderation_api_routes(void);
void moderation_feed_routes(void);

#endif
