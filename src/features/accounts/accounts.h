/* Accounts: citizens and staff, departments, roles, sessions, API tokens.
 * Other features ask this header about people and departments; they never read
 * its tables. */
#ifndef MAJLIS_FEATURES_ACCOUNTS_H
#define MAJLIS_FEATURES_ACCOUNTS_H
#include <stdbool.h>
#include <stdint.h>
#include "core/arena.h"
#include "http/http.h"
#include "web/page.h"
#include "store/migrate.h"
#include "store/store.h"

extern const struct migration accounts_migrations[];

/* Registers signup/login/logout/account pages and the admin pages. */
void accounts_routes(void);
/* http_auth_hook: the principal from the session cookie or a Bearer token. */
struct principal *accounts_resolve(struct req *r);
/* The principal of an API token given in clear outside the Authorization
 * header (Open311's api_key parameter); NULL when unknown or revoked.
 * Allocated in r->a. */
struct principal *accounts_token_principal(struct req *r, const char *token);

/* ---- passwords ---- */
#define PASSWORD_MIN 10
#define PASSWORD_MAX 256
/* argon2id hash (libsodium; 19 MiB, 2 passes) into out (crypto_pwhash_STRBYTES).
 * false when out of memory. */
bool password_hash(const char *password, char *out);
/* Constant-time check of password against a stored hash. */
bool password_verify(const char *hash, const char *password);

/* ---- users ---- */
struct user {
	int64_t id;
	char *email, *phone, *name, *lang; /* arena-owned; email or phone may be NULL */
	bool site_admin, disabled;
	int64_t created_at;
};

/* Creates an account; returns its id, 0 when the email/phone is taken, -1 on a
 * database error. email or phone may be NULL (not both). */
int64_t user_create(store *s, const char *email, const char *phone, const char *name,
		    const char *password, const char *lang, bool site_admin);
/* Finds a user by email (case-insensitive) or phone; false when none. */
bool user_find_login(store *s, arena *a, const char *login, struct user *u, char **pw_hash);
bool user_get(store *s, arena *a, int64_t id, struct user *u);
bool user_set_password(store *s, int64_t id, const char *password);
bool user_set_lang(store *s, int64_t id, const char *lang);
bool user_set_disabled(store *s, int64_t id, bool disabled);
bool user_set_site_admin(store *s, int64_t id, bool on);
/* Normalises a login: trims, lower-cases emails, strips spaces/dashes from
 * phones. Returns NULL when it is neither a plausible email nor phone. */
const char *login_normalize(arena *a, const char *login, bool *is_email);

/* ---- verification, suspension, the participation gate ---- */
/* Marks a user verified, recording who verified them and when (re-verifying
 * records a new row). false on a database error or an unknown user. */
bool user_verify(store *s, int64_t user_id, int64_t by_user_id);
bool user_is_verified(store *s, int64_t user_id);
/* Suspends a user from participating until `until` (epoch seconds) with a
 * reason shown to them; until <= now lifts it. */
bool user_suspend(store *s, int64_t user_id, int64_t until, const char *reason, int64_t by_user_id);
/* The current suspension's end and reason (arena), or 0 when not suspended. */
int64_t user_suspended_until(store *s, arena *a, int64_t user_id, const char **reason);
/* May this account comment, vote, support or answer now? Checks: not disabled,
 * not suspended, old enough (setting participation_min_age_hours, default 0),
 * verified when need_verified or when the setting participation_verified_only
 * is "1". false with *why_key a catalog key the page can show. */
bool account_may_participate(store *s, int64_t user_id, bool need_verified, const char **why_key);
/* Registers the moderators' account control (/staff/accounts..., /api/v1/accounts/:id/...)
 * and the participation settings page (/admin/participation); admin_participation.c. */
void accounts_participation_routes(void);

/* ---- roles ---- */
bool role_grant(store *s, int64_t user_id, enum role role, int64_t dept_id);
bool role_revoke(store *s, int64_t user_id, enum role role, int64_t dept_id);
/* Grants of a user into *out (arena); returns count. */
int user_grants(store *s, arena *a, int64_t user_id, struct grant **out);

/* ---- departments ---- */
struct department {
	int64_t id;
	char *slug, *name_ar, *name_fr, *name_en; /* arena-owned */
};
/* Creates a department; id, 0 when the slug is taken, -1 on error. */
int64_t dept_create(store *s, const char *slug, const char *ar, const char *fr, const char *en);
bool dept_update(store *s, int64_t id, const char *ar, const char *fr, const char *en);
/* All departments ordered by slug; count returned, array in *out (arena). */
int dept_list(store *s, arena *a, struct department **out);
bool dept_get(store *s, arena *a, int64_t id, struct department *d);
/* Department id for a slug, 0 when none. */
int64_t dept_by_slug(store *s, const char *slug);
/* The id of an existing department named by its id ("3") or its slug ("roads"),
 * as forms and JSON bodies give it; 0 when there is no such department. */
int64_t dept_resolve(store *s, const char *id_or_slug);
/* The departments where r's principal holds role, as select options (value:
 * the id; text: the name in r's language), in the request arena; *count set. */
struct select_option *dept_options_for(struct req *r, store *s, enum role role, int *count);
/* The department's name in lang. */
const char *dept_name(const struct department *d, const char *lang);

/* Email addresses of the enabled users holding role in dept (department admins
 * hold every role; site admins are not included). Count returned; *out arena. */
int dept_staff_emails(store *s, arena *a, int64_t dept_id, enum role role, const char ***out);
/* The address to notify a user at (email), or NULL; arena-owned. */
const char *user_email(store *s, arena *a, int64_t user_id, const char **lang);

/* ---- sessions ---- */
/* Creates a session and sets the cookie on r. false on a database error. */
bool session_start(struct req *r, store *s, int64_t user_id);
/* Ends r's session (row and cookie). */
void session_end(struct req *r, store *s);
/* Ends every session of a user except keep_id (after a password change). */
void sessions_end_all(store *s, int64_t user_id, int64_t keep_id);

/* ---- API tokens ---- */
/* Creates a token; the clear token (64 hex) goes into clear_out[65] and is never
 * stored. dept_id ALL_DEPTS for every department. Returns id or -1. */
int64_t token_create(store *s, const char *name, enum role role, int64_t dept_id,
		     int64_t created_by, char *clear_out);
bool token_revoke(store *s, int64_t id);
/* Prints tokens (id, name, role, department, created, revoked, last used) to stdout. */
void token_print_all(store *s);

/* ---- settings (site-wide key/value, e.g. the CSRF secret) ---- */
/* The value for key into arena, or NULL. */
char *setting_get(store *s, arena *a, const char *key);
bool setting_set(store *s, const char *key, const char *value);
/* A rate-limit setting "N/SECONDS" (e.g. comment_rate_ip = "30/600") into *max
 * and *window; both left unchanged (the caller's defaults) when the key is
 * absent or malformed. */
void setting_rate(store *s, const char *key, int *max, int *window);
/* Poll votes (changes included) per IP address per minute, unless the site
 * admin set another figure on /admin/participation (setting poll_vote_rate_ip). */
#define POLL_VOTE_RATE_IP_DEFAULT 300
#define POLL_VOTE_RATE_IP_MAX 100000

#endif
