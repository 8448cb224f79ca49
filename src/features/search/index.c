/* The index: search_meta (what a document is, who may see it) and search_fts
 * (its words), kept in step by search_put/search_remove; and the query. */
#include "features/search/search.h"
#include "core/util.h"
#include "web/html.h"
#include <stdio.h>
#include <string.h>

const struct migration search_migrations[] = {
	{1,
	 "CREATE TABLE search_meta ("
	 " rowid INTEGER PRIMARY KEY, doc_type TEXT NOT NULL, doc_id INTEGER NOT NULL, dept_id INTEGER NOT NULL DEFAULT 0,"
	 " visibility INTEGER NOT NULL, lang TEXT, title TEXT, url TEXT NOT NULL, at INTEGER NOT NULL,"
	 " UNIQUE (doc_type, doc_id));"
	 "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, tokenize='majlis');"},
	{0, NULL},
};

bool search_put(store *s, const struct search_doc *d)
{
	int64_t rowid = store_scalar(s, -1,
		"INSERT INTO search_meta(doc_type, doc_id, dept_id, visibility, lang, title, url, at) VALUES (?,?,?,?,?,?,?,?) "
		"ON CONFLICT(doc_type, doc_id) DO UPDATE SET dept_id = excluded.dept_id, visibility = excluded.visibility,"
		" lang = excluded.lang, title = excluded.title, url = excluded.url, at = excluded.at RETURNING rowid",
		"tiiittti", d->type, d->id, d->dept_id, (int64_t)d->visibility, d->lang, d->title,
		d->url, d->at);
	if (rowid < 0)
		return false;
	return store_run(s, "DELETE FROM search_fts WHERE rowid = ?", "i", rowid) >= 0 &&
	       store_run(s, "INSERT INTO search_fts(rowid, title, body) VALUES (?, ?, ?)", "itt", rowid,
			 d->title ? d->title : "", d->body ? d->body : "") == 1;
}

bool search_remove(store *s, const char *type, int64_t id)
{
	int64_t rowid = store_scalar(s, 0, "SELECT rowid FROM search_meta WHERE doc_type = ? AND doc_id = ?", "ti", type, id);
	if (!rowid)
		return true;
	return store_run(s, "DELETE FROM search_fts WHERE rowid = ?", "i", rowid) >= 0 &&
	       store_run(s, "DELETE FROM search_meta WHERE rowid = ?", "i", rowid) >= 0;
}

static int count_term(void *ctx, const char *term, int tlen, int start, int end, bool colocated)
{
	(void)term, (void)tlen, (void)start, (void)end, (void)colocated;
	(*(int *)ctx)++;
	return 0;
}

/* The FTS5 expression for the user's words: each whitespace-separated word
 * quoted (so that no word is read as an operator), all required; words that
 * give no index term (stop words, punctuation) are left out, since a quoted
 * word without terms would match nothing. NULL when no word remains. */
static char *match_expr(arena *a, const char *q)
{
	strbuf sb = STRBUF_INIT;
	int words = 0;
	const char *p = q;
	while (*p && words < 16) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (!*p)
			break;
		const char *w = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			p++;
		int terms = 0;
		search_tokenize(w, (int)(p - w), true, count_term, &terms);
		if (!terms)
			continue;
		sb_puts(&sb, words ? " \"" : "\"");
		for (const char *c = w; c < p; c++) {
			if (*c == '"')
				sb_putc(&sb, '"');
			sb_putc(&sb, *c);
		}
		sb_putc(&sb, '"');
		words++;
	}
	char *out = words ? arena_strdup(a, sb_str(&sb)) : NULL;
	sb_free(&sb);
	return out;
}

/* Departments where p may read staff documents, as ",1,4," ("" for none). */
static const char *staff_depts(arena *a, const struct principal *p)
{
	strbuf sb = STRBUF_INIT;
	for (int i = 0; p && i < p->ngrants; i++)
		sb_printf(&sb, "%s%lld,", sb.len ? "" : ",", (long long)p->grants[i].dept_id);
	char *out = arena_strdup(a, sb_str(&sb));
	sb_free(&sb);
	return out;
}

/* Escapes a snippet and turns the \x02 \x03 markers FTS5 put around matches
 * into <mark> (content never holds control characters: input is validated). */
static char *snippet_html(arena *a, const char *raw)
{
	strbuf sb = STRBUF_INIT;
	const char *run = raw;
	for (const char *p = raw;; p++) {
		if (*p == '\x02' || *p == '\x03' || !*p) {
			char *piece = arena_strndup(a, run, (size_t)(p - run));
			h_text(&sb, piece);
			if (!*p)
				break;
			sb_puts(&sb, *p == '\x02' ? "<mark>" : "</mark>");
			run = p + 1;
		}
	}
	char *out = arena_strdup(a, sb_str(&sb));
	sb_free(&sb);
	return out;
}

#define WHERE_SQL " WHERE search_fts MATCH ?1 AND (?2 IS NULL OR m.doc_type = ?2) AND (?3 = 0 OR m.dept_id = ?3)" \
		  " AND m.at >= ?4 AND m.at <= ?5" \
		  " AND ((m.visibility = 0 AND m.at <= ?8) OR ?6 = 1 OR (m.visibility = 1 AND instr(?7, ',' || m.dept_id || ',') > 0))"

static void bind_query(store_stmt *st, const char *expr, const struct search_query *q, const struct principal *p,
		       const char *depts)
{
	store_bind_text(st, 1, expr);
	store_bind_text(st, 2, q->type && *q->type ? q->type : NULL);
	store_bind_int(st, 3, q->dept_id);
	store_bind_int(st, 4, q->from);
	store_bind_int(st, 5, q->to ? q->to : INT64_MAX);
	store_bind_int(st, 6, p && p->site_admin);
	store_bind_text(st, 7, depts);
	store_bind_int(st, 8, now_s());
}

/* Matches ranked at most: past this, only the newest RANK_CAP matches (by
 * rowid, i.e. indexing order) are ranked. bm25 is computed for every row it
 * ranks, so a very common word (hundreds of thousands of matches) would
 * otherwise cost a bm25 per match on every search. RANK_CAP is also the cap
 * of the total (the API documents "at most 1000"). */
#define RANK_CAP 1000

struct ranked {
	int64_t rowid;
	double score;
};

/* Best bm25 first (lower is better); equal scores in indexing order, as
 * SQLite's sorter gave them when the ranking was an ORDER BY. */
static int ranked_cmp(const void *x, const void *y)
{
	const struct ranked *a = x, *b = y;
	if (a->score != b->score)
		return a->score < b->score ? -1 : 1;
	return a->rowid < b->rowid ? -1 : a->rowid > b->rowid;
}

/* The key under which bm25_cached may keep expr's per-word match counts:
 * the database file (the cache is per process, a process may open several
 * databases; an in-memory one is named by its connection), FTS5's averages and
 * structure records (search_fts_data rows 1 and 10; every committed change of
 * the index rewrites the structure, with its write counter) and expr. NULL
 * (nothing cached) if they cannot be read. */
static const char *rank_key(store *s, arena *a, const char *expr)
{
	store_stmt *st = store_prepare(s, "SELECT (SELECT file FROM pragma_database_list WHERE name = 'main'),"
					  " (SELECT group_concat(hex(block), '.') FROM"
					  " (SELECT block FROM search_fts_data WHERE id IN (1, 10) ORDER BY id))");
	if (!st)
		return NULL;
	const char *key = NULL;
	if (store_step(st) == STORE_ROW && store_text(st, 1)) {
		const char *file = store_text(st, 0);
		const char *db = file && *file ? file : arena_printf(a, "memory:%p", (void *)s);
		key = arena_printf(a, "%s\n%s\n%s", db, store_text(st, 1), expr);
	}
	store_done(st);
	return key;
}

/* One pass over the newest RANK_CAP visible matches, newest first (FTS5
 * walks the doclist by rowid, so it stops there): their bm25 scores, sorted
 * best first into *out (arena). Returns how many (the total, capped), -1 on
 * error. bm25_cached is bm25 without its walk of every match of each word
 * when the index has not changed since the same words were last ranked. */
static int rank_newest(store *s, arena *a, const char *expr, const struct search_query *q, const struct principal *p,
		       struct ranked **out)
{
	store_stmt *st = store_prepare(s,
		"SELECT search_fts.rowid, bm25_cached(search_fts, ?10, 4.0, 1.0)"
		" FROM search_fts JOIN search_meta m ON m.rowid = search_fts.rowid"
		WHERE_SQL " ORDER BY search_fts.rowid DESC LIMIT ?9");
	if (!st)
		return -1;
	bind_query(st, expr, q, p, staff_depts(a, p));
	store_bind_int(st, 9, RANK_CAP);
	store_bind_text(st, 10, rank_key(s, a, expr));
	struct ranked *r = arena_alloc(a, sizeof *r * RANK_CAP);
	int n = 0, rc = STORE_DONE;
	while (n < RANK_CAP && (rc = store_step(st)) == STORE_ROW)
		r[n++] = (struct ranked){store_int(st, 0), store_double(st, 1)};
	store_done(st);
	if (rc == STORE_ERROR)
		return -1;
	qsort(r, (size_t)n, sizeof *r, ranked_cmp);
	*out = r;
	return n;
}

/* Fills h with the metadata and the escaped, marked snippet of one ranked
 * row: 1, 0 when the row is gone, -1 on error. */
static int fetch_hit(store *s, arena *a, const char *expr, const struct ranked *r, struct search_hit *h)
{
	store_stmt *ht = store_prepare(s,
		"SELECT m.doc_type, m.doc_id, m.dept_id, m.lang, m.title, m.url, m.at,"
		" snippet(search_fts, 1, char(2), char(3), '…', 14)"
		" FROM search_fts JOIN search_meta m ON m.rowid = search_fts.rowid"
		" WHERE search_fts MATCH ?1 AND search_fts.rowid = ?2");
	if (!ht)
		return -1;
	store_bind_text(ht, 1, expr);
	store_bind_int(ht, 2, r->rowid);
	bool found = store_step(ht) == STORE_ROW;
	if (found) {
		h->type = arena_strdup(a, store_text(ht, 0));
		h->id = store_int(ht, 1);
		h->dept_id = store_int(ht, 2);
		h->lang = arena_strdup(a, store_text(ht, 3));
		h->title = arena_strdup(a, store_text(ht, 4));
		h->url = arena_strdup(a, store_text(ht, 5));
		h->at = store_int(ht, 6);
		h->snippet_html = snippet_html(a, store_text(ht, 7) ? store_text(ht, 7) : "");
		h->score = r->score;
	}
	store_done(ht);
	return found ? 1 : 0;
}

/* search_run inside one read snapshot (the ranking key and the ranking must
 * see the same index). */
static int run_query(store *s, arena *a, const struct principal *p, const struct search_query *q, const char *expr,
		     struct search_hit **out, int *total)
{
	int limit = q->limit < 1 ? 20 : q->limit > 50 ? 50 : q->limit;
	int offset = q->offset > 0 ? q->offset : 0;
	/* 1. Rank and count in one pass; snippets only for the shown rows. */
	struct ranked *r;
	int n = rank_newest(s, a, expr, q, p, &r);
	if (n < 0)
		return -1;
	*total = n;
	/* 2. The shown rows: metadata and snippet, one rowid each. */
	struct search_hit *hits = arena_alloc(a, sizeof *hits * (size_t)limit);
	int k = 0;
	for (int i = offset; i < n && i < offset + limit; i++) {
		int got = fetch_hit(s, a, expr, &r[i], &hits[k]);
		if (got < 0)
			return -1;
		k += got;
	}
	*out = hits;
	return k;
}

int search_run(store *s, arena *a, const struct principal *p, const struct search_query *q, struct search_hit **out,
	       int *total)
{
	*out = NULL;
	*total = 0;
	char *expr = q->q ? match_expr(a, q->q) : NULL;
	if (!expr)
		return 0;
	bool snapshot = store_read_begin(s);
	int n = run_query(s, a, p, q, expr, out, total);
	if (snapshot)
		store_read_end(s);
	return n;
}
