/* SQLite backend of store.h. */
#include "store/store.h"
#include "store/bm25.h"
#include "core/log.h"
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_SIZE 256 /* statements per connection; open addressing by sql pointer */

struct store_stmt {
	const char *sql; /* key: the caller's literal */
	sqlite3_stmt *st;
	store *owner;
};

struct store {
	sqlite3 *db;
	struct store_stmt cache[CACHE_SIZE];
	int last_rc;
	store *next_in_pool;
};

/* ---- the FTS5 tokenizer bridge ---- */

static store_tokenizer_fn tokenizer_fn;

void store_set_tokenizer(store_tokenizer_fn fn)
{
	tokenizer_fn = fn;
}

struct fts_ctx {
	void *pctx;
	int (*xToken)(void *, int, const char *, int, int, int);
};

static int fts_emit(void *ctx, const char *term, int tlen, int start, int end, bool colocated)
{
	struct fts_ctx *c = ctx;
	return c->xToken(c->pctx, colocated ? FTS5_TOKEN_COLOCATED : 0, term, tlen, start, end);
}

static int fts_create(void *ctx, const char **args, int nargs, Fts5Tokenizer **out)
{
	(void)args;
	(void)nargs;
	*out = (Fts5Tokenizer *)ctx; /* stateless: the function pointer is all */
	return SQLITE_OK;
}

static void fts_delete(Fts5Tokenizer *t) { (void)t; }

static int fts_tokenize(Fts5Tokenizer *t, void *pctx, int flags, const char *text, int n,
			int (*xToken)(void *, int, const char *, int, int, int))
{
	store_tokenizer_fn fn = *(store_tokenizer_fn *)t;
	struct fts_ctx c = {pctx, xToken};
	int rc = fn(text, n, (flags & FTS5_TOKENIZE_QUERY) != 0, fts_emit, &c);
	return rc == 0 ? SQLITE_OK : rc;
}

/* The tokenizer and bm25_cached on db (nothing without a tokenizer set). */
static bool register_fts(sqlite3 *db)
{
	if (!tokenizer_fn)
		return true;
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (!api)
		return false;
	static fts5_tokenizer tok = {fts_create, fts_delete, fts_tokenize};
	return api->xCreateTokenizer(api, "majlis", (void *)&tokenizer_fn, &tok, NULL) == SQLITE_OK &&
	       store_bm25_register(api);
}

store *store_open(const char *path, char **err)
{
	store *s = calloc(1, sizeof *s);
	if (!s)
		abort();
	int rc = sqlite3_open_v2(path, &s->db,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		if (err)
			*err = strdup(s->db ? sqlite3_errmsg(s->db) : "cannot open database");
		sqlite3_close(s->db);
		free(s);
		return NULL;
	}
	sqlite3_busy_timeout(s->db, 5000);
	sqlite3_extended_result_codes(s->db, 1);
	/* WAL: readers never block the writer; NORMAL sync is durable across process
	 * crashes and loses at most the last commits on power loss (see DECISIONS).
	 * The first GiB of the file is read through mmap: a page costs no read()
	 * and no copy into each connection's cache (the search's random seeks at a
	 * million documents halve; see DECISIONS). */
	const char *pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
			      "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
			      "PRAGMA cache_size=-16000; PRAGMA mmap_size=1073741824;";
	char *msg = NULL;
	if (!register_fts(s->db)) {
		if (err)
			*err = strdup("cannot register the full-text tokenizer and ranking");
		sqlite3_close(s->db);
		free(s);
		return NULL;
	}
	if (sqlite3_exec(s->db, pragmas, NULL, NULL, &msg) != SQLITE_OK) {
		if (err)
			*err = strdup(msg ? msg : "cannot configure database");
		sqlite3_free(msg);
		sqlite3_close(s->db);
		free(s);
		return NULL;
	}
	return s;
}

void store_close(store *s)
{
	if (!s)
		return;
	for (int i = 0; i < CACHE_SIZE; i++)
		sqlite3_finalize(s->cache[i].st);
	sqlite3_close(s->db);
	free(s);
}

/* ---- per-thread pool ---- */

static char *pool_path;
static pthread_key_t pool_key;
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static store *pool_all;

static void pool_unlink_and_close(void *p)
{
	store *s = p;
	pthread_mutex_lock(&pool_lock);
	for (store **pp = &pool_all; *pp; pp = &(*pp)->next_in_pool)
		if (*pp == s) {
			*pp = s->next_in_pool;
			break;
		}
	pthread_mutex_unlock(&pool_lock);
	store_close(s);
}

static void pool_make_key(void)
{
	pthread_key_create(&pool_key, pool_unlink_and_close);
}

void store_pool_init(const char *path)
{
	pthread_once(&pool_once, pool_make_key);
	free(pool_path);
	pool_path = strdup(path);
}

store *store_thread(void)
{
	pthread_once(&pool_once, pool_make_key);
	store *s = pthread_getspecific(pool_key);
	if (s)
		return s;
	char *err = NULL;
	s = store_open(pool_path, &err);
	if (!s) {
		log_error("database %s: %s", pool_path, err ? err : "?");
		free(err);
		return NULL;
	}
	pthread_setspecific(pool_key, s);
	pthread_mutex_lock(&pool_lock);
	s->next_in_pool = pool_all;
	pool_all = s;
	pthread_mutex_unlock(&pool_lock);
	return s;
}

void store_pool_shutdown(void)
{
	pthread_mutex_lock(&pool_lock);
	store *s = pool_all;
	pool_all = NULL;
	pthread_mutex_unlock(&pool_lock);
	while (s) {
		store *n = s->next_in_pool;
		store_close(s);
		s = n;
	}
	/* The calling thread's key still points at a closed connection, if it had one. */
	pthread_setspecific(pool_key, NULL);
	free(pool_path);
	pool_path = NULL;
}

/* ---- statements ---- */

store_stmt *store_prepare(store *s, const char *sql)
{
	uintptr_t h = ((uintptr_t)sql >> 3) * 2654435761u;
	for (int probe = 0; probe < CACHE_SIZE; probe++) {
		struct store_stmt *e = &s->cache[(h + (uintptr_t)probe) % CACHE_SIZE];
		if (e->sql == sql && e->st)
			return e;
		if (!e->st) {
			int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &e->st, NULL);
			if (rc != SQLITE_OK) {
				s->last_rc = rc;
				log_error("sql prepare: %s in: %.200s", sqlite3_errmsg(s->db), sql);
				sqlite3_finalize(e->st);
				e->st = NULL;
				return NULL;
			}
			e->sql = sql;
			e->owner = s;
			return e;
		}
	}
	log_error("statement cache full");
	return NULL;
}

void store_bind_int(store_stmt *st, int idx, int64_t v) { sqlite3_bind_int64(st->st, idx, v); }
void store_bind_double(store_stmt *st, int idx, double v) { sqlite3_bind_double(st->st, idx, v); }
void store_bind_null(store_stmt *st, int idx) { sqlite3_bind_null(st->st, idx); }

void store_bind_text(store_stmt *st, int idx, const char *v)
{
	if (v)
		sqlite3_bind_text(st->st, idx, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st->st, idx);
}

void store_bind_blob(store_stmt *st, int idx, const void *p, size_t n)
{
	sqlite3_bind_blob64(st->st, idx, p, n, SQLITE_TRANSIENT);
}

int store_step(store_stmt *st)
{
	int rc = sqlite3_step(st->st);
	st->owner->last_rc = rc;
	if (rc == SQLITE_ROW)
		return STORE_ROW;
	if (rc == SQLITE_DONE)
		return STORE_DONE;
	if ((rc & 0xff) != SQLITE_CONSTRAINT)
		log_error("sql step: %s in: %.200s", sqlite3_errmsg(st->owner->db), st->sql);
	return STORE_ERROR;
}

int64_t store_int(store_stmt *st, int col) { return sqlite3_column_int64(st->st, col); }
double store_double(store_stmt *st, int col) { return sqlite3_column_double(st->st, col); }
const char *store_text(store_stmt *st, int col) { return (const char *)sqlite3_column_text(st->st, col); }
bool store_is_null(store_stmt *st, int col) { return sqlite3_column_type(st->st, col) == SQLITE_NULL; }

void store_done(store_stmt *st)
{
	sqlite3_reset(st->st);
	sqlite3_clear_bindings(st->st);
}

bool store_constraint_error(store *s) { return (s->last_rc & 0xff) == SQLITE_CONSTRAINT; }
const char *store_errmsg(store *s) { return sqlite3_errmsg(s->db); }
int64_t store_changes(store *s) { return sqlite3_changes64(s->db); }

bool store_exec(store *s, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);
	s->last_rc = rc;
	if (rc != SQLITE_OK) {
		log_error("sql: %s", msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return false;
	}
	return true;
}

bool store_begin(store *s) { return store_exec(s, "BEGIN IMMEDIATE"); }
bool store_commit(store *s) { return store_exec(s, "COMMIT"); }

void store_rollback(store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

static bool run_simple(store *s, const char *sql)
{
	store_stmt *st = store_prepare(s, sql);
	if (!st)
		return false;
	int rc = store_step(st);
	store_done(st);
	return rc == STORE_DONE;
}

bool store_read_begin(store *s)
{
	return sqlite3_get_autocommit(s->db) && run_simple(s, "BEGIN");
}

void store_read_end(store *s)
{
	if (!sqlite3_get_autocommit(s->db) && !run_simple(s, "COMMIT"))
		store_rollback(s);
}

bool store_backup(store *s, const char *dest, char **err)
{
	sqlite3 *to = NULL;
	bool ok = false;
	if (sqlite3_open(dest, &to) != SQLITE_OK)
		goto fail;
	sqlite3_backup *b = sqlite3_backup_init(to, "main", s->db, "main");
	if (!b)
		goto fail;
	int rc;
	do {
		rc = sqlite3_backup_step(b, 256);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(20);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	ok = rc == SQLITE_DONE;
fail:
	if (!ok && err)
		*err = strdup(to ? sqlite3_errmsg(to) : "cannot open backup file");
	sqlite3_close(to);
	return ok;
}

static bool bind_va(store_stmt *st, const char *types, va_list ap)
{
	/* A type string that does not match the statement's parameters is a
	 * programming error: refuse it loudly rather than read stray varargs. */
	if ((int)strlen(types ? types : "") != sqlite3_bind_parameter_count(st->st)) {
		log_error("sql: %d parameter types given for %d parameters in: %.200s", (int)strlen(types ? types : ""),
			  sqlite3_bind_parameter_count(st->st), st->sql);
		return false;
	}
	for (int i = 0; types && types[i]; i++) {
		switch (types[i]) {
		case 'i': store_bind_int(st, i + 1, va_arg(ap, int64_t)); break;
		case 'd': store_bind_double(st, i + 1, va_arg(ap, double)); break;
		case 't': store_bind_text(st, i + 1, va_arg(ap, const char *)); break;
		case 'n': store_bind_null(st, i + 1); break;
		default: return false;
		}
	}
	return true;
}

int64_t store_run(store *s, const char *sql, const char *types, ...)
{
	store_stmt *st = store_prepare(s, sql);
	if (!st)
		return -1;
	va_list ap;
	va_start(ap, types);
	bool ok = bind_va(st, types, ap);
	va_end(ap);
	int rc = ok ? store_step(st) : STORE_ERROR;
	while (rc == STORE_ROW)
		rc = store_step(st);
	store_done(st);
	return rc == STORE_DONE ? store_changes(s) : -1;
}

int64_t store_scalar(store *s, int64_t dflt, const char *sql, const char *types, ...)
{
	store_stmt *st = store_prepare(s, sql);
	if (!st)
		return dflt;
	va_list ap;
	va_start(ap, types);
	bool ok = bind_va(st, types, ap);
	va_end(ap);
	int64_t v = dflt;
	int rc = ok ? store_step(st) : STORE_ERROR;
	if (rc == STORE_ROW) {
		v = store_int(st, 0);
		while (store_step(st) == STORE_ROW)
			;
	}
	store_done(st);
	return v;
}
