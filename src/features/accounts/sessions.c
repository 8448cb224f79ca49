/* Server-side sessions (only a hash of the cookie's token is stored) and the
 * authentication hook: session cookie, or "Authorization: Bearer <api token>". */
#include "features/accounts/accounts.h"
#include "core/log.h"
#include "core/util.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define SESSION_COOKIE "majlis_session"
#define SESSION_DAYS 30

bool session_start(struct req *r, store *s, int64_t user_id)
{
	char token[65], hash[65];
	random_hex(token, 32);
	hash_hex(hash, token, 64);
	int64_t now = now_s();
	if (store_run(s, "INSERT INTO sessions(token_hash, user_id, created_at, expires_at, ip) VALUES (?, ?, ?, ?, ?)",
		      "tiiit", hash, user_id, now, now + SESSION_DAYS * 86400, r->ip) != 1)
		return false;
	/* Drop this user's expired sessions while we are here. */
	store_run(s, "DELETE FROM sessions WHERE user_id = ? AND expires_at < ?", "ii", user_id, now);
	resp_cookie(r, SESSION_COOKIE, token, SESSION_DAYS * 86400);
	return true;
}

void session_end(struct req *r, store *s)
{
	const char *token = kv_get(&r->cookies, SESSION_COOKIE);
	if (token) {
		char hash[65];
		hash_hex(hash, token, strlen(token));
		store_run(s, "DELETE FROM sessions WHERE token_hash = ?", "t", hash);
	}
	resp_cookie(r, SESSION_COOKIE, "", 0);
}

void sessions_end_all(store *s, int64_t user_id, int64_t keep_id)
{
	store_run(s, "DELETE FROM sessions WHERE user_id = ? AND id <> ?", "ii", user_id, keep_id);
}

/* Fills p from a users row id; false when the account is missing or disabled. */
static bool load_principal(store *s, arena *a, int64_t user_id, struct principal *p)
{
	struct user u;
	if (!user_get(s, a, user_id, &u) || u.disabled)
		return false;
	p->user_id = u.id;
	p->name = u.name;
	p->email = u.email ? u.email : u.phone;
	p->lang = u.lang;
	p->site_admin = u.site_admin;
	p->ngrants = user_grants(s, a, u.id, &p->grants);
	return true;
}

static struct principal *from_session(struct req *r, store *s, const char *token)
{
	if (strlen(token) != 64)
		return NULL;
	char hash[65];
	hash_hex(hash, token, 64);
	store_stmt *st = store_prepare(s, "SELECT id, user_id FROM sessions WHERE token_hash = ? AND expires_at > ?");
	if (!st)
		return NULL;
	store_bind_text(st, 1, hash);
	store_bind_int(st, 2, now_s());
	int64_t sid = 0, uid = 0;
	if (store_step(st) == STORE_ROW) {
		sid = store_int(st, 0);
		uid = store_int(st, 1);
	}
	store_done(st);
	if (!uid)
		return NULL;
	struct principal *p = arena_alloc(r->a, sizeof *p);
	if (!load_principal(s, r->a, uid, p))
		return NULL;
	p->session_id = sid;
	return p;
}

static struct principal *from_token(struct req *r, store *s, const char *token)
{
	if (strlen(token) != 64)
		return NULL;
	char hash[65];
	hash_hex(hash, token, 64);
	store_stmt *st = store_prepare(s, "SELECT id, name, role, dept_id, coalesce(last_used_at, 0) FROM api_tokens "
					  "WHERE token_hash = ? AND revoked_at IS NULL");
	if (!st)
		return NULL;
	store_bind_text(st, 1, hash);
	struct principal *p = NULL;
	int64_t id = 0, last_used = 0;
	if (store_step(st) == STORE_ROW) {
		p = arena_alloc(r->a, sizeof *p);
		id = store_int(st, 0);
		last_used = store_int(st, 4);
		p->user_id = 0;
		p->name = arena_printf(r->a, "token:%s", store_text(st, 1));
		p->via_token = true;
		enum role role = role_parse(store_text(st, 2));
		int64_t dept = store_is_null(st, 3) ? ALL_DEPTS : store_int(st, 3);
		if (role == ROLE_ADMIN && dept == ALL_DEPTS) {
			p->site_admin = true;
		} else if (role != ROLE_NONE) {
			p->grants = arena_alloc(r->a, sizeof *p->grants);
			p->grants[0] = (struct grant){role, dept};
			p->ngrants = 1;
		}
	}
	store_done(st);
	/* last_used_at to the minute: a write on every call would make every API
	 * read queue for the database's one write lock behind the job worker and
	 * other writers (5 s busy timeout: "database is locked" under load). */
	int64_t now = now_s();
	if (p && now - last_used >= 60)
		store_run(s, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", "ii", now, id);
	return p;
}

struct principal *accounts_token_principal(struct req *r, const char *token)
{
	store *s = store_thread();
	return s && token ? from_token(r, s, token) : NULL;
}

struct principal *accounts_resolve(struct req *r)
{
	store *s = store_thread();
	if (!s)
		return NULL;
	/* API tokens act on API routes only (http.h, ROUTE_API); elsewhere the
	 * header is ignored and the request is judged by its session cookie. */
	const char *auth = req_header(r, "Authorization");
	if (auth && !strncasecmp(auth, "Bearer ", 7) && r->is_api)
		return from_token(r, s, auth + 7);
	const char *token = kv_get(&r->cookies, SESSION_COOKIE);
	return token ? from_session(r, s, token) : NULL;
}

int64_t token_create(store *s, const char *name, enum role role, int64_t dept_id, int64_t created_by,
		     char *clear_out)
{
	char hash[65];
	random_hex(clear_out, 32);
	hash_hex(hash, clear_out, 64);
	store_stmt *st = store_prepare(s, "INSERT INTO api_tokens(name, token_hash, role, dept_id, created_by, created_at) "
					  "VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
	if (!st)
		return -1;
	store_bind_text(st, 1, name);
	store_bind_text(st, 2, hash);
	store_bind_text(st, 3, role_name(role));
	if (dept_id == ALL_DEPTS)
		store_bind_null(st, 4);
	else
		store_bind_int(st, 4, dept_id);
	if (created_by)
		store_bind_int(st, 5, created_by);
	else
		store_bind_null(st, 5);
	store_bind_int(st, 6, now_s());
	int64_t id = -1;
	if (store_step(st) == STORE_ROW)
		id = store_int(st, 0);
	while (store_step(st) == STORE_ROW)
		;
	store_done(st);
	return id;
}

bool token_revoke(store *s, int64_t id)
{
	return store_run(s, "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
			 "ii", now_s(), id) == 1;
}

void token_print_all(store *s)
{
	store_stmt *st = store_prepare(s, "SELECT t.id, t.name, t.role, coalesce(d.slug, '*'), t.created_at, "
					  "t.revoked_at, t.last_used_at FROM api_tokens t "
					  "LEFT JOIN departments d ON d.id = t.dept_id ORDER BY t.id");
	if (!st)
		return;
	printf("%-5s %-24s %-10s %-16s %-21s %-21s %s\n", "id", "name", "role", "department", "created",
	       "revoked", "last used");
	while (store_step(st) == STORE_ROW) {
		char c[32], rv[32] = "-", lu[32] = "-";
		iso8601_utc(c, sizeof c, (time_t)store_int(st, 4));
		if (!store_is_null(st, 5))
			iso8601_utc(rv, sizeof rv, (time_t)store_int(st, 5));
		if (!store_is_null(st, 6))
			iso8601_utc(lu, sizeof lu, (time_t)store_int(st, 6));
		printf("%-5lld %-24s %-10s %-16s %-21s %-21s %s\n", (long long)store_int(st, 0), store_text(st, 1),
		       store_text(st, 2), store_text(st, 3), c, rv, lu);
	}
	store_done(st);
}
