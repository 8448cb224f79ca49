/* Users, passwords and roles. */
#include "features/accounts/accounts.h"
#include "core/util.h"
#include <ctype.h>
#include <sodium.h>
#include <string.h>

bool password_hash(const char *password, char *out)
{
	return crypto_pwhash_str_alg(out, password, strlen(password), 2, 19u * 1024 * 1024,
				     crypto_pwhash_ALG_ARGON2ID13) == 0;
}

bool password_verify(const char *hash, const char *password)
{
	return hash && crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

const char *login_normalize(arena *a, const char *login, bool *is_email)
{
	if (!login)
		return NULL;
	while (isspace((unsigned char)*login))
		login++;
	size_t n = strlen(login);
	while (n && isspace((unsigned char)login[n - 1]))
		n--;
	if (n == 0 || n > 254)
		return NULL;
	const char *at = memchr(login, '@', n);
	if (at) {
		/* one '@', something before it, a dot after it, no spaces */
		if (at == login || !memchr(at, '.', n - (size_t)(at - login)) || memchr(at + 1, '@', n - (size_t)(at - login) - 1))
			return NULL;
		char *e = arena_strndup(a, login, n);
		for (char *p = e; *p; p++) {
			if (isspace((unsigned char)*p) || (unsigned char)*p < 0x21)
				return NULL;
			*p = (char)tolower((unsigned char)*p);
		}
		if (e[n - 1] == '.' || strstr(e, "@.") )
			return NULL;
		*is_email = true;
		return e;
	}
	/* phone: optional leading +, then digits; spaces, dots, dashes dropped */
	char *p = arena_alloc(a, n + 1);
	size_t j = 0, digits = 0;
	for (size_t i = 0; i < n; i++) {
		char c = login[i];
		if (c == '+' && j == 0)
			p[j++] = c;
		else if (isdigit((unsigned char)c))
			p[j++] = c, digits++;
		else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')')
			return NULL;
	}
	if (digits < 8 || digits > 15)
		return NULL;
	p[j] = 0;
	*is_email = false;
	return p;
}

int64_t user_create(store *s, const char *email, const char *phone, const char *name,
		    const char *password, const char *lang, bool site_admin)
{
	char hash[crypto_pwhash_STRBYTES];
	if (!password_hash(password, hash))
		return -1;
	int64_t id = store_scalar(s, -1,
		"INSERT INTO users(email, phone, name, password_hash, lang, site_admin, created_at) "
		"VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
		"tttttii", email, phone, name, hash, lang, (int64_t)site_admin, now_s());
	if (id < 0 && store_constraint_error(s))
		return 0;
	return id;
}

static void read_user(store_stmt *st, arena *a, struct user *u)
{
	u->id = store_int(st, 0);
	u->email = arena_strdup(a, store_text(st, 1));
	u->phone = arena_strdup(a, store_text(st, 2));
	u->name = arena_strdup(a, store_text(st, 3));
	u->lang = arena_strdup(a, store_text(st, 4));
	u->site_admin = store_int(st, 5) != 0;
	u->disabled = store_int(st, 6) != 0;
	u->created_at = store_int(st, 7);
}

#define USER_COLS "id, email, phone, name, lang, site_admin, disabled, created_at"

bool user_find_login(store *s, arena *a, const char *login, struct user *u, char **pw_hash)
{
	bool is_email;
	const char *norm = login_normalize(a, login, &is_email);
	if (!norm)
		return false;
	store_stmt *st = store_prepare(s, "SELECT " USER_COLS ", password_hash FROM users "
					  "WHERE email = ?1 OR phone = ?1");
	if (!st)
		return false;
	store_bind_text(st, 1, norm);
	bool found = store_step(st) == STORE_ROW;
	if (found) {
		read_user(st, a, u);
		if (pw_hash)
			*pw_hash = arena_strdup(a, store_text(st, 8));
	}
	store_done(st);
	return found;
}

bool user_get(store *s, arena *a, int64_t id, struct user *u)
{
	store_stmt *st = store_prepare(s, "SELECT " USER_COLS " FROM users WHERE id = ?");
	if (!st)
		return false;
	store_bind_int(st, 1, id);
	bool found = store_step(st) == STORE_ROW;
	if (found)
		read_user(st, a, u);
	store_done(st);
	return found;
}

bool user_set_password(store *s, int64_t id, const char *password)
{
	char hash[crypto_pwhash_STRBYTES];
	return password_hash(password, hash) &&
	       store_run(s, "UPDATE users SET password_hash = ? WHERE id = ?", "ti", hash, id) == 1;
}

bool user_set_lang(store *s, int64_t id, const char *lang)
{
	return store_run(s, "UPDATE users SET lang = ? WHERE id = ?", "ti", lang, id) == 1;
}

bool user_set_disabled(store *s, int64_t id, bool disabled)
{
	if (store_run(s, "UPDATE users SET disabled = ? WHERE id = ?", "ii", (int64_t)disabled, id) != 1)
		return false;
	if (disabled)
		sessions_end_all(s, id, 0);
	return true;
}

bool user_set_site_admin(store *s, int64_t id, bool on)
{
	return store_run(s, "UPDATE users SET site_admin = ? WHERE id = ?", "ii", (int64_t)on, id) == 1;
}

bool role_grant(store *s, int64_t user_id, enum role role, int64_t dept_id)
{
	return store_run(s, "INSERT INTO user_roles(user_id, role, dept_id) VALUES (?, ?, ?) "
			    "ON CONFLICT DO NOTHING", "iti", user_id, role_name(role), dept_id) >= 0;
}

bool role_revoke(store *s, int64_t user_id, enum role role, int64_t dept_id)
{
	return store_run(s, "DELETE FROM user_roles WHERE user_id = ? AND role = ? AND dept_id = ?",
			 "iti", user_id, role_name(role), dept_id) > 0;
}

int user_grants(store *s, arena *a, int64_t user_id, struct grant **out)
{
	*out = NULL;
	store_stmt *st = store_prepare(s, "SELECT role, dept_id FROM user_roles WHERE user_id = ? "
					  "ORDER BY dept_id, role");
	if (!st)
		return 0;
	store_bind_int(st, 1, user_id);
	int n = 0, cap = 0;
	struct grant *g = NULL;
	while (store_step(st) == STORE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			struct grant *ng = arena_alloc(a, sizeof *ng * (size_t)cap);
			if (n)
				memcpy(ng, g, sizeof *ng * (size_t)n);
			g = ng;
		}
		g[n].role = role_parse(store_text(st, 0));
		g[n].dept_id = store_int(st, 1);
		if (g[n].role != ROLE_NONE)
			n++;
	}
	store_done(st);
	*out = g;
	return n;
}

char *setting_get(store *s, arena *a, const char *key)
{
	store_stmt *st = store_prepare(s, "SELECT value FROM settings WHERE key = ?");
	if (!st)
		return NULL;
	store_bind_text(st, 1, key);
	char *v = store_step(st) == STORE_ROW ? arena_strdup(a, store_text(st, 0)) : NULL;
	store_done(st);
	return v;
}

void setting_rate(store *s, const char *key, int *max, int *window)
{
	arena *a = arena_new();
	const char *v = setting_get(s, a, key);
	int m, w, used = 0;
	if (v && sscanf(v, "%d/%d%n", &m, &w, &used) == 2 && !v[used] && m > 0 && w > 0) {
		*max = m;
		*window = w;
	}
	arena_free(a);
}

bool setting_set(store *s, const char *key, const char *value)
{
	return store_run(s, "INSERT INTO settings(key, value) VALUES (?, ?) "
			    "ON CONFLICT(key) DO UPDATE SET value = excluded.value", "tt", key, value) >= 0;
}
