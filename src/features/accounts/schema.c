#include "features/accounts/accounts.h"

const struct migration accounts_migrations[] = {
	{1,
	 "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	 "CREATE TABLE departments ("
	 " id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE,"
	 " name_ar TEXT NOT NULL, name_fr TEXT NOT NULL, name_en TEXT NOT NULL,"
	 " created_at INTEGER NOT NULL);"
	 "CREATE TABLE users ("
	 " id INTEGER PRIMARY KEY, email TEXT UNIQUE, phone TEXT UNIQUE, name TEXT NOT NULL,"
	 " password_hash TEXT NOT NULL, lang TEXT, site_admin INTEGER NOT NULL DEFAULT 0,"
	 " disabled INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL,"
	 " CHECK (email IS NOT NULL OR phone IS NOT NULL));"
	 "CREATE TABLE user_roles ("
	 " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	 " role TEXT NOT NULL, dept_id INTEGER NOT NULL REFERENCES departments(id) ON DELETE CASCADE,"
	 " PRIMARY KEY (user_id, role, dept_id));"
	 "CREATE TABLE sessions ("
	 " id INTEGER PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE,"
	 " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	 " created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, ip TEXT);"
	 "CREATE INDEX sessions_user ON sessions(user_id);"
	 "CREATE TABLE api_tokens ("
	 " id INTEGER PRIMARY KEY, name TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE,"
	 " role TEXT NOT NULL, dept_id INTEGER, created_by INTEGER, created_at INTEGER NOT NULL,"
	 " revoked_at INTEGER, last_used_at INTEGER);"},
	{2,
	 "CREATE TABLE password_resets ("
	 " id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	 " token_hash TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,"
	 " used_at INTEGER);"},
	{3,
	 "CREATE TABLE user_verifications ("
	 " id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	 " verified_by INTEGER, at INTEGER NOT NULL);"
	 "CREATE INDEX user_verifications_user ON user_verifications(user_id);"
	 "CREATE TABLE user_suspensions ("
	 " id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	 " until INTEGER NOT NULL, reason TEXT NOT NULL, by_user_id INTEGER, at INTEGER NOT NULL);"
	 "CREATE INDEX user_suspensions_user ON user_suspensions(user_id, until);"},
	{0, NULL},
};
