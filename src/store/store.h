/* The database interface. Features write portable SQL (positional `?` parameters,
 * `RETURNING id` instead of last-insert-id, no backend-specific functions) and run
 * it through these calls; only src/store/ talks to SQLite. See docs/DECISIONS.md
 * for how a PostgreSQL backend slots in behind the same calls. */
#ifndef MAJLIS_STORE_STORE_H
#define MAJLIS_STORE_STORE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct store store;           /* one connection; one thread at a time */
typedef struct store_stmt store_stmt; /* a prepared, cached statement */

enum { STORE_ROW = 1, STORE_DONE = 0, STORE_ERROR = -1 };

/* Opens (creating if needed) the database at path in WAL mode with foreign keys on.
 * Returns NULL and a malloc'd message in *err on failure (caller frees *err). */
store *store_open(const char *path, char **err);
/* Finalizes cached statements and closes. NULL accepted. */
void store_close(store *s);

/* Full-text search: the store's indexes use one tokenizer, named "majlis" in
 * SQL (FTS5 `tokenize='majlis'`). It calls emit for each index term of
 * text[0..n) with the term and its byte span in text (for snippets); query is
 * true while tokenizing a search query. colocated marks an alternative form at
 * the same position as the previous term (in a query: either may match).
 * Returns 0, non-zero to abort. */
typedef int (*store_term_emit)(void *ctx, const char *term, int tlen, int start, int end, bool colocated);
typedef int (*store_tokenizer_fn)(const char *text, int n, bool query, store_term_emit emit, void *ctx);
/* Sets the tokenizer that every connection opened afterwards registers. Call
 * once at start-up, before the first store_open (migrations need it too). */
void store_set_tokenizer(store_tokenizer_fn fn);
/* With the tokenizer, every connection also gets the SQL ranking function
 * bm25_cached(fts, key, weight...): FTS5's bm25(fts, weight...), same scores,
 * with each phrase's match count (a walk of its whole doclist) remembered
 * under key; the caller's key must change whenever the index does (NULL:
 * nothing cached). See src/store/bm25.c. */

/* Remembers path for store_thread(); call once before serving. */
void store_pool_init(const char *path);
/* This thread's connection, opened on first use; NULL (logged) if it cannot open.
 * Owned by the pool; closed by store_pool_shutdown or at thread exit. */
store *store_thread(void);
/* Closes every pooled connection; call after all worker threads have stopped. */
void store_pool_shutdown(void);

/* Prepared statement for sql, cached per connection (sql should be a literal).
 * Returns NULL on a syntax error (logged). The statement stays owned by s;
 * callers finish each use with store_done. */
store_stmt *store_prepare(store *s, const char *sql);
/* Binders: idx is 1-based. bind_text with NULL binds SQL NULL. The text is copied. */
void store_bind_int(store_stmt *st, int idx, int64_t v);
void store_bind_double(store_stmt *st, int idx, double v);
void store_bind_text(store_stmt *st, int idx, const char *v);
void store_bind_blob(store_stmt *st, int idx, const void *p, size_t n);
void store_bind_null(store_stmt *st, int idx);
/* Runs one step: STORE_ROW, STORE_DONE or STORE_ERROR (logged, see store_errmsg). */
int store_step(store_stmt *st);
/* Column readers for the current row; col is 0-based. Text is valid until the next
 * step or store_done; NULL columns give 0 / NULL. */
int64_t store_int(store_stmt *st, int col);
double store_double(store_stmt *st, int col);
const char *store_text(store_stmt *st, int col);
bool store_is_null(store_stmt *st, int col);
/* Resets the statement and clears bindings, ready for the next use. */
void store_done(store_stmt *st);

/* True when the last error on s was a UNIQUE/constraint violation. */
bool store_constraint_error(store *s);
/* Message of the last error on s (owned by s). */
const char *store_errmsg(store *s);

/* Runs SQL text that takes no parameters (schema, pragmas). false + logged on error. */
bool store_exec(store *s, const char *sql);
/* Transactions: begin takes the write lock at once (IMMEDIATE). */
bool store_begin(store *s);
bool store_commit(store *s);
void store_rollback(store *s);

/* A read-only snapshot for a run of SELECTs (one lock instead of one per
 * statement). Must not be mixed with writes; end it with store_read_end. */
bool store_read_begin(store *s);
void store_read_end(store *s);

/* Number of rows the last INSERT/UPDATE/DELETE changed. */
int64_t store_changes(store *s);

/* Online backup of s into a new database file at dest. false + *err (malloc'd). */
bool store_backup(store *s, const char *dest, char **err);

/* Convenience: prepare, bind by a type string and run to completion.
 * types: 'i' int64_t, 'd' double, 't' const char * (NULL = SQL NULL), 'n' null.
 * Returns rows changed, or -1 on error. */
int64_t store_run(store *s, const char *sql, const char *types, ...);
/* Like store_run but returns the first column of the first row as an integer
 * (for `SELECT count(*)` and `INSERT ... RETURNING id`); dflt when no row. */
int64_t store_scalar(store *s, int64_t dflt, const char *sql, const char *types, ...);

#endif
