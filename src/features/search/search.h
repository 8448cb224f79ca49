/* Search: one full-text index (SQLite FTS5 with the text engine as tokenizer)
 * over what every feature publishes — posts, consultations, proposals,
 * comments — and, for staff, requests. Features call search_put/search_remove
 * in the same transaction as their own write, so the index never lags. */
#ifndef MAJLIS_FEATURES_SEARCH_H
#define MAJLIS_FEATURES_SEARCH_H
#include <stdbool.h>
#include <stdint.h>
#include "core/arena.h"
#include "http/http.h"
#include "store/migrate.h"
#include "store/store.h"

extern const struct migration search_migrations[];

/* The store tokenizer (see store_set_tokenizer): Arabic-aware terms from the
 * text engine (normalisation, stop words, Snowball stems), with byte spans. */
int search_tokenize(const char *text, int n, bool query, store_term_emit emit, void *ctx);

enum search_visibility {
	SEARCH_PUBLIC = 0, /* everyone */
	SEARCH_STAFF = 1,  /* staff of dept_id (agents and above), and site admins */
};

struct search_doc {
	const char *type;    /* "post", "consultation", "proposal", "comment", "request" */
	int64_t id;          /* the owner's id */
	int64_t dept_id;     /* 0 = none */
	enum search_visibility visibility;
	const char *lang;    /* "ar", "fr", "en" or NULL */
	const char *title;   /* may be NULL */
	const char *body;    /* plain text (not HTML) */
	const char *url;     /* path on this site */
	int64_t at;          /* publication or creation time */
};

/* Adds or replaces a document. Call inside the owner's write transaction.
 * false on a database error (the caller rolls back). */
bool search_put(store *s, const struct search_doc *d);
/* Removes a document (no error when absent). */
bool search_remove(store *s, const char *type, int64_t id);

struct search_hit {
	const char *type, *title, *snippet_html, *url, *lang; /* snippet: escaped, with <mark> */
	int64_t id, dept_id, at;
	double score;        /* bm25: lower is better */
};

struct search_query {
	const char *q;       /* the user's words */
	const char *type;    /* NULL = all types */
	int64_t dept_id;     /* 0 = all */
	int64_t from, to;    /* date range on `at`; 0 = open */
	int offset, limit;   /* limit 1..50 */
};

/* Runs a query for principal p (staff documents only for staff of their
 * department). Returns hits (arena) and their count, -1 on error; *total gets
 * the number of matches (capped at 1000). */
int search_run(store *s, arena *a, const struct principal *p, const struct search_query *q, struct search_hit **out,
	       int *total);

/* Registers GET /search and GET /api/v1/search. */
void search_routes(void);

#endif
