#include "store/migrate.h"
#include "core/util.h"
#include <stdio.h>
#include <string.h>

static int latest(const struct feature_schema *f)
{
	int v = 0;
	for (const struct migration *m = f->migrations; m->sql; m++)
		v = m->version;
	return v;
}

static int current(store *s, const char *feature)
{
	return (int)store_scalar(s, 0, "SELECT version FROM schema_versions WHERE feature = ?", "t", feature);
}

/* Returns false with err when the database is newer than the binary or has
 * features this binary does not know. */
static bool check_not_newer(store *s, const struct feature_schema *schemas, char *err, size_t errn)
{
	store_stmt *st = store_prepare(s, "SELECT feature, version FROM schema_versions");
	if (!st) {
		snprintf(err, errn, "cannot read schema_versions");
		return false;
	}
	bool ok = true;
	while (ok && store_step(st) == STORE_ROW) {
		const char *name = store_text(st, 0);
		int v = (int)store_int(st, 1);
		const struct feature_schema *f = schemas;
		while (f->feature && strcmp(f->feature, name))
			f++;
		if (!f->feature || v > latest(f)) {
			snprintf(err, errn,
				 "the database was written by a newer majlis (feature '%s' at schema version %d, "
				 "this binary knows %d); upgrade majlis or restore a backup",
				 name, v, f->feature ? latest(f) : 0);
			ok = false;
		}
	}
	store_done(st);
	return ok;
}

static bool ensure_table(store *s)
{
	return store_exec(s, "CREATE TABLE IF NOT EXISTS schema_versions ("
			     "feature TEXT PRIMARY KEY, version INTEGER NOT NULL, applied_at INTEGER NOT NULL)");
}

bool migrate_apply(store *s, const struct feature_schema *schemas, int *applied, char *err, size_t errn)
{
	*applied = 0;
	if (!ensure_table(s)) {
		snprintf(err, errn, "cannot create schema_versions: %s", store_errmsg(s));
		return false;
	}
	if (!check_not_newer(s, schemas, err, errn))
		return false;
	for (const struct feature_schema *f = schemas; f->feature; f++) {
		int have = current(s, f->feature);
		for (const struct migration *m = f->migrations; m->sql; m++) {
			if (m->version <= have)
				continue;
			if (!store_begin(s))
				goto fail;
			if (!store_exec(s, m->sql) ||
			    store_run(s, "INSERT INTO schema_versions(feature, version, applied_at) "
					  "VALUES (?, ?, ?) "
					  "ON CONFLICT(feature) DO UPDATE SET version = excluded.version, "
					  "applied_at = excluded.applied_at",
				      "tii", f->feature, (int64_t)m->version, now_s()) < 0 ||
			    !store_commit(s)) {
				store_rollback(s);
				goto fail_m;
			}
			(*applied)++;
			continue;
		fail_m:
			snprintf(err, errn, "migration %s/%d failed: %s", f->feature, m->version, store_errmsg(s));
			return false;
		}
	}
	return true;
fail:
	snprintf(err, errn, "cannot start a transaction: %s", store_errmsg(s));
	return false;
}

static bool check_current(store *s, const struct feature_schema *schemas, char *err, size_t errn)
{
	if (!ensure_table(s)) {
		snprintf(err, errn, "cannot read schema_versions: %s", store_errmsg(s));
		return false;
	}
	if (!check_not_newer(s, schemas, err, errn))
		return false;
	for (const struct feature_schema *f = schemas; f->feature; f++)
		if (current(s, f->feature) < latest(f)) {
			snprintf(err, errn, "the database needs upgrading (feature '%s' at version %d of %d): "
					    "run `majlis migrate --db PATH`",
				 f->feature, current(s, f->feature), latest(f));
			return false;
		}
	return true;
}

bool migrate_check(store *s, const struct feature_schema *schemas, char *err, size_t errn)
{
	/* Inside a transaction that is always rolled back: on a fresh database the
	 * schema_versions table that ensure_table creates must not stay behind. */
	if (!store_begin(s)) {
		snprintf(err, errn, "cannot read schema_versions: %s", store_errmsg(s));
		return false;
	}
	bool ok = check_current(s, schemas, err, errn);
	store_rollback(s);
	return ok;
}
