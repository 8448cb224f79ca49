/* Unit tests of src/store (SQLite backend and migrations) against real database
 * files in a temporary directory. Errors logged on stderr by the store during
 * the failure cases are expected. */
#include "tap.h"
#include "core/log.h"
#include "store/migrate.h"
#include "store/store.h"
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/majlis-test-store-XXXXXX";

static char *path_in(const char *name)
{
	static char buf[8][512];
	static int k;
	char *p = buf[k++ % 8];
	snprintf(p, 512, "%s/%s", dir, name);
	return p;
}

static void remove_dir(void)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlink(path_in(e->d_name));
	closedir(d);
	rmdir(dir);
}

static void test_open_errors(void)
{
	char *err = NULL;
	store *s = store_open(path_in("no/such/dir/x.db"), &err);
	ok(s == NULL, "open in a missing directory fails");
	ok(err && *err, "with a message: %s", err ? err : "(none)");
	free(err);
	s = store_open(path_in("no/such/dir/x.db"), NULL);
	ok(s == NULL, "open failure with err NULL is accepted");
	store_close(NULL);
	ok(1, "store_close(NULL) is accepted");
}

static void test_basic(store *s)
{
	ok(store_exec(s, "CREATE TABLE t (id INTEGER PRIMARY KEY, i INTEGER, d REAL, "
			 "s TEXT, b BLOB, n TEXT, u TEXT UNIQUE)"),
	   "store_exec creates a table");
	ok(!store_exec(s, "CREATE TABLE oops ("), "store_exec reports a syntax error");
	ok(store_prepare(s, "SELECT nope FROM nowhere") == NULL, "prepare of bad SQL gives NULL");
	ok(strlen(store_errmsg(s)) > 0, "store_errmsg after an error: %s", store_errmsg(s));
	is_int(store_scalar(s, -7, "SELECT 1 FROM nowhere_either", ""), -7, "store_scalar gives dflt on bad SQL");
	is_int(store_run(s, "INSERT INTO nowhere VALUES (1)", ""), -1, "store_run gives -1 on bad SQL");

	static const char ins[] = "INSERT INTO t (i, d, s, b, n, u) VALUES (?, ?, ?, ?, ?, ?) RETURNING id";
	store_stmt *st = store_prepare(s, ins);
	ok(st != NULL, "prepare INSERT ... RETURNING id");
	store_bind_int(st, 1, -9007199254740993LL);
	store_bind_double(st, 2, 3.25);
	char text[] = "نص عربي — texte";
	store_bind_text(st, 3, text);
	memset(text, 'X', 4); /* bound text is copied */
	store_bind_blob(st, 4, "\x00\x01\x02", 3);
	store_bind_null(st, 5);
	store_bind_text(st, 6, NULL);
	is_int(store_step(st), STORE_ROW, "RETURNING gives a row");
	int64_t id1 = store_int(st, 0);
	ok(id1 > 0, "RETURNING id is positive (%lld)", (long long)id1);
	is_int(store_step(st), STORE_DONE, "then done");
	store_done(st);
	ok(store_prepare(s, ins) == st, "the same SQL literal gives the cached statement");

	st = store_prepare(s, "SELECT i, d, s, length(b), n, u, typeof(b) FROM t WHERE id = ?");
	store_bind_int(st, 1, id1);
	is_int(store_step(st), STORE_ROW, "select the row");
	is_int(store_int(st, 0), -9007199254740993LL, "int64 beyond double precision kept");
	ok(store_double(st, 1) == 3.25, "double kept");
	is_str(store_text(st, 2), "نص عربي — texte", "UTF-8 text kept (copied at bind time)");
	is_int(store_int(st, 3), 3, "blob with a NUL byte kept whole");
	ok(store_is_null(st, 4), "bound NULL is NULL");
	ok(store_is_null(st, 5) && store_text(st, 5) == NULL, "bind_text(NULL) is NULL; store_text gives NULL");
	ok(!store_is_null(st, 0), "non-null column");
	is_int(store_int(st, 4), 0, "store_int of NULL is 0");
	is_str(store_text(st, 6), "blob", "blob stored as blob");
	is_int(store_step(st), STORE_DONE, "one row only");
	store_done(st);
	/* After store_done, bindings are cleared: the same query binds NULL and finds nothing. */
	is_int(store_step(st), STORE_DONE, "store_done clears bindings");
	store_done(st);

	int64_t id2 = store_scalar(s, 0, "INSERT INTO t (i, s, u) VALUES (?, ?, ?) RETURNING id", "itt",
				   (int64_t)2, "two", "u2");
	ok(id2 > id1, "store_scalar with RETURNING id (%lld)", (long long)id2);
	is_int(store_run(s, "INSERT INTO t (i, d, s, n) VALUES (?, ?, ?, ?)", "idtn", (int64_t)3, 1.5, (const char *)NULL),
	       1, "store_run with i d t n types, NULL text");
	is_int(store_scalar(s, -1, "SELECT count(*) FROM t WHERE s IS NULL AND i = 3", ""), 1, "'t' NULL bound as NULL");
	is_int(store_run(s, "UPDATE t SET s = ? WHERE i >= ?", "ti", "upd", (int64_t)2), 2, "store_run returns rows changed");
	is_int(store_changes(s), 2, "store_changes agrees");
	is_int(store_run(s, "DELETE FROM t WHERE i = ?", "i", (int64_t)12345), 0, "no rows changed");
	is_int(store_scalar(s, 99, "SELECT i FROM t WHERE i = ?", "i", (int64_t)12345), 99, "store_scalar dflt when no row");
	is_int(store_scalar(s, 0, "SELECT count(*) FROM t", NULL), 3, "NULL types string accepted");
	is_int(store_run(s, "SELECT ?", "x", (int64_t)1), -1, "unknown type letter is an error");
	is_int(store_scalar(s, 0, "SELECT i FROM t ORDER BY id", ""), -9007199254740993LL, "store_scalar reads the first row");

	/* Constraint violations. */
	is_int(store_run(s, "INSERT INTO t (u) VALUES (?)", "t", "u2"), -1, "UNIQUE violation fails");
	ok(store_constraint_error(s), "store_constraint_error after UNIQUE violation");
	ok(strstr(store_errmsg(s), "UNIQUE") != NULL, "message mentions UNIQUE: %s", store_errmsg(s));
	is_int(store_run(s, "INSERT INTO t (u) VALUES (?)", "t", "u3"), 1, "a good insert after it");
	ok(!store_constraint_error(s), "constraint flag cleared by the next success");
	ok(!store_exec(s, "SELECT * FROM missing_table"), "a non-constraint error");
	ok(!store_constraint_error(s), "is not a constraint error");
	ok(store_exec(s, "CREATE TABLE child (p INTEGER NOT NULL REFERENCES t(id))"), "child table");
	is_int(store_run(s, "INSERT INTO child (p) VALUES (?)", "i", (int64_t)999999), -1, "foreign keys enforced");
	ok(store_constraint_error(s), "foreign key violation is a constraint error");
	is_int(store_run(s, "INSERT INTO child (p) VALUES (NULL)", ""), -1, "NOT NULL enforced");
	ok(store_constraint_error(s), "NOT NULL violation is a constraint error");
	store_stmt *jm = store_prepare(s, "PRAGMA journal_mode");
	store_step(jm);
	is_str(store_text(jm, 0), "wal", "database is in WAL mode");
	store_done(jm);
}

static void test_transactions(store *s)
{
	int64_t before = store_scalar(s, -1, "SELECT count(*) FROM t", "");
	ok(store_begin(s), "begin");
	is_int(store_run(s, "INSERT INTO t (s) VALUES (?)", "t", "in-tx-1"), 1, "insert in tx");
	is_int(store_run(s, "INSERT INTO t (s) VALUES (?)", "t", "in-tx-2"), 1, "second insert in tx");
	is_int(store_scalar(s, -1, "SELECT count(*) FROM t", ""), before + 2, "visible inside the tx");
	store_rollback(s);
	is_int(store_scalar(s, -1, "SELECT count(*) FROM t", ""), before, "rollback leaves nothing");
	store_rollback(s);
	ok(1, "rollback outside a transaction is harmless");
	ok(store_begin(s), "begin again");
	ok(!store_begin(s), "nested begin refused");
	store_run(s, "INSERT INTO t (s) VALUES (?)", "t", "kept");
	ok(store_commit(s), "commit");
	is_int(store_scalar(s, -1, "SELECT count(*) FROM t WHERE s = 'kept'", ""), 1, "committed row stays");
	ok(!store_commit(s), "commit without a transaction fails");

	/* A second connection sees committed data only. */
	char *err = NULL;
	store *s2 = store_open(path_in("main.db"), &err);
	ok(s2 != NULL, "second connection");
	ok(store_begin(s), "writer begins");
	store_run(s, "INSERT INTO t (s) VALUES (?)", "t", "uncommitted");
	is_int(store_scalar(s2, -1, "SELECT count(*) FROM t WHERE s = 'uncommitted'", ""), 0,
	       "other connection does not see uncommitted rows (WAL reader not blocked)");
	store_rollback(s);
	store_close(s2);
}

static void test_backup(store *s)
{
	char *err = NULL;
	ok(store_backup(s, path_in("backup.db"), &err), "backup to a file");
	if (err)
		diag("backup error: %s", err);
	free(err);
	err = NULL;
	store *b = store_open(path_in("backup.db"), &err);
	ok(b != NULL, "open the backup");
	if (b) {
		is_int(store_scalar(b, -1, "SELECT count(*) FROM t", ""),
		       store_scalar(s, -2, "SELECT count(*) FROM t", ""), "backup has the same rows");
		is_int(store_scalar(b, -1, "SELECT count(*) FROM t WHERE s = 'kept'", ""), 1, "backup row readable");
		store_close(b);
	}
	err = NULL;
	ok(!store_backup(s, path_in("missing-dir/backup.db"), &err), "backup into a missing directory fails");
	ok(err != NULL, "with a message: %s", err ? err : "(none)");
	free(err);
}

/* ---- migrations ---- */

static const struct migration posts_v2[] = {
	{1, "CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL);"},
	{2, "ALTER TABLE posts ADD COLUMN body TEXT; CREATE INDEX posts_title ON posts(title);"},
	{0, NULL},
};
static const struct migration posts_v1[] = {
	{1, "CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL);"},
	{0, NULL},
};
static const struct migration polls_v1[] = {
	{1, "CREATE TABLE polls (id INTEGER PRIMARY KEY, q TEXT);"
	    "CREATE TABLE votes (poll INTEGER REFERENCES polls(id), choice INTEGER);"},
	{0, NULL},
};
static const struct migration broken[] = {
	{1, "CREATE TABLE half (x INTEGER); CREATE TABLE half (y INTEGER);"},
	{0, NULL},
};

static int64_t table_count(store *s)
{
	return store_scalar(s, -1, "SELECT count(*) FROM sqlite_master WHERE type = 'table'", "");
}

static void test_migrate(void)
{
	char *err = NULL;
	char msg[512];
	int applied = -1;
	store *s = store_open(path_in("migrate.db"), &err);
	ok(s != NULL, "open migrate.db");
	if (!s)
		return;

	const struct feature_schema v1[] = {{"posts", posts_v1}, {NULL, NULL}};
	const struct feature_schema v2[] = {{"posts", posts_v2}, {"polls", polls_v1}, {NULL, NULL}};

	msg[0] = 0;
	ok(!migrate_check(s, v1, msg, sizeof msg), "fresh database is not current");
	ok(strstr(msg, "posts") != NULL, "and the message names the feature: %s", msg);
	is_int(table_count(s), 0, "migrate_check changes nothing on a fresh database");

	ok(migrate_apply(s, v1, &applied, msg, sizeof msg), "apply v1");
	is_int(applied, 1, "one migration applied");
	ok(migrate_check(s, v1, msg, sizeof msg), "current with v1");
	msg[0] = 0;
	ok(!migrate_check(s, v2, msg, sizeof msg), "v2 binary: pending");
	ok(strstr(msg, "posts") && strstr(msg, "upgrad"), "pending message names the feature: %s", msg);

	ok(migrate_apply(s, v2, &applied, msg, sizeof msg), "apply v2");
	is_int(applied, 2, "posts/2 and polls/1 applied, posts/1 not re-run");
	is_int(store_scalar(s, -1, "SELECT version FROM schema_versions WHERE feature = 'posts'", ""), 2, "posts at 2");
	is_int(store_scalar(s, -1, "SELECT version FROM schema_versions WHERE feature = 'polls'", ""), 1, "polls at 1");
	ok(store_scalar(s, 0, "SELECT applied_at FROM schema_versions WHERE feature = 'posts'", "") > 1700000000,
	   "applied_at recorded");
	is_int(store_run(s, "INSERT INTO posts (title, body) VALUES (?, ?)", "tt", "t", "b"), 1, "v2 schema usable");
	ok(migrate_apply(s, v2, &applied, msg, sizeof msg), "apply v2 again");
	is_int(applied, 0, "second run applies nothing");
	ok(migrate_check(s, v2, msg, sizeof msg), "current with v2");

	/* An older binary must refuse, and change nothing. */
	int64_t tables = table_count(s);
	msg[0] = 0;
	ok(!migrate_apply(s, v1, &applied, msg, sizeof msg), "v1 binary refuses a database at posts/2");
	ok(strstr(msg, "newer") && strstr(msg, "posts"), "message says newer and names the feature: %s", msg);
	is_int(applied, 0, "nothing applied");
	const struct feature_schema only_posts[] = {{"posts", posts_v2}, {NULL, NULL}};
	msg[0] = 0;
	ok(!migrate_apply(s, only_posts, &applied, msg, sizeof msg), "binary without 'polls' refuses");
	ok(strstr(msg, "polls") != NULL, "message names the unknown feature: %s", msg);
	msg[0] = 0;
	ok(!migrate_check(s, only_posts, msg, sizeof msg), "migrate_check also refuses an unknown feature");
	ok(!migrate_check(s, v1, msg, sizeof msg) && strstr(msg, "newer"), "migrate_check reports too new: %s", msg);
	is_int(table_count(s), tables, "refusals changed no table");
	is_int(store_scalar(s, -1, "SELECT version FROM schema_versions WHERE feature = 'posts'", ""), 2,
	       "refusals changed no version");

	/* A failing migration is rolled back whole and reported. */
	const struct feature_schema bad[] = {{"posts", posts_v2}, {"polls", polls_v1}, {"broken", broken}, {NULL, NULL}};
	msg[0] = 0;
	ok(!migrate_apply(s, bad, &applied, msg, sizeof msg), "failing migration reported");
	ok(strstr(msg, "broken/1") != NULL, "message names feature/version: %s", msg);
	is_int(store_scalar(s, -1, "SELECT count(*) FROM sqlite_master WHERE name = 'half'", ""), 0,
	       "first statement of the failed migration rolled back");
	is_int(store_scalar(s, -1, "SELECT count(*) FROM schema_versions WHERE feature = 'broken'", ""), 0,
	       "failed migration not recorded");
	ok(store_begin(s), "no transaction left open");
	store_rollback(s);
	store_close(s);
}

/* ---- per-thread pool ---- */

struct worker {
	pthread_barrier_t *bar;
	store *got, *again;
	int64_t answer;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	w->got = store_thread();
	w->again = store_thread();
	w->answer = w->got ? store_scalar(w->got, -1, "SELECT count(*) FROM t", "") : -1;
	/* Both threads hold their connection at the same time before exiting. */
	pthread_barrier_wait(w->bar);
	return NULL;
}

static void test_pool(void)
{
	store_pool_init(path_in("main.db"));
	pthread_barrier_t bar;
	pthread_barrier_init(&bar, NULL, 2);
	struct worker w[2] = {{.bar = &bar}, {.bar = &bar}};
	pthread_t th[2];
	for (int i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, worker_main, &w[i]);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&bar);
	ok(w[0].got && w[1].got, "store_thread gives a connection in each thread");
	ok(w[0].got != w[1].got, "two threads get distinct connections");
	ok(w[0].again == w[0].got && w[1].again == w[1].got, "a thread gets the same connection twice");
	ok(w[0].answer >= 1 && w[0].answer == w[1].answer, "both read the database (%lld rows)", (long long)w[0].answer);
	store *mine = store_thread();
	ok(mine != NULL && mine == store_thread(), "the main thread has its own connection");
	is_int(store_scalar(mine, -1, "SELECT count(*) FROM t", ""), w[0].answer, "and it works");
	store_pool_shutdown();
	ok(1, "store_pool_shutdown closes the pool (leaks checked by LeakSanitizer)");

	/* The pool is usable again after a shutdown (e.g. a second serve in tests). */
	store_pool_init(path_in("main.db"));
	store *again = store_thread();
	ok(again != NULL, "store_thread after re-init opens a new connection");
	is_int(again ? store_scalar(again, -1, "SELECT count(*) FROM t", "") : -1, w[0].answer, "which works");
	store_pool_shutdown();
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	diag("sql errors logged on stderr by the failure cases below are expected");
	test_open_errors();
	char *err = NULL;
	store *s = store_open(path_in("main.db"), &err);
	ok(s != NULL, "store_open creates a database file");
	if (!s) {
		diag("error: %s", err ? err : "?");
		free(err);
		remove_dir();
		return done_testing();
	}
	ok(access(path_in("main.db"), F_OK) == 0, "the file exists");
	test_basic(s);
	test_transactions(s);
	test_backup(s);
	store_close(s);
	test_migrate();
	test_pool();
	remove_dir();
	return done_testing();
}
