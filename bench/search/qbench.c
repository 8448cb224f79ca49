/* bench/search/qbench.c — search latency in-process: search_run() (anonymous
 * reader, limit 20, no filter) on one connection, every query of a list run
 * ROUNDS times in a shuffled order, each call timed. Each query is classed by
 * its true number of matches (SELECT count(*) … MATCH, the quoted words as
 * search_run's match_expr builds them): rare < 100, medium < 10,000, common
 * >= 10,000. Prints p50 / p99 / max per class and overall, and the slowest
 * queries. Also writes, with --paths FILE, "/api/v1/search?q=ENC" for every
 * query (and FILE.common / FILE.rare for the classes) for wrk.
 *
 * Usage: qbench --db PATH --queries FILE [--rounds R] [--paths FILE] [--explain] */
#include "app/app.h"
#include "core/arena.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "features/search/search.h"
#include "http/urlenc.h"
#include "store/store.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

struct q { char *text; long matches; int cls; double worst, sum; int n; };

static void report(const char *name, double *v, size_t n)
{
	if (!n) {
		printf("%-8s      0 calls\n", name);
		return;
	}
	qsort(v, n, sizeof *v, cmpd);
	printf("%-8s %6zu calls  p50 %8.2f ms  p90 %8.2f ms  p99 %8.2f ms  max %8.2f ms\n", name, n, v[n / 2],
	       v[(size_t)((double)n * 0.90)], v[(size_t)((double)n * 0.99)], v[n - 1]);
}

int main(int argc, char **argv)
{
	const char *db = NULL, *qfile = NULL, *paths = NULL;
	int rounds = 5;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--db") && i + 1 < argc) db = argv[++i];
		else if (!strcmp(argv[i], "--queries") && i + 1 < argc) qfile = argv[++i];
		else if (!strcmp(argv[i], "--rounds") && i + 1 < argc) rounds = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--paths") && i + 1 < argc) paths = argv[++i];
		else {
			fprintf(stderr, "usage: qbench --db PATH --queries FILE [--rounds R] [--paths FILE]\n");
			return 2;
		}
	}
	if (!db || !qfile)
		return 2;
	app_store_setup();
	char *err = NULL;
	store *s = store_open(db, &err);
	if (!s) {
		fprintf(stderr, "qbench: %s\n", err ? err : "cannot open");
		return 1;
	}
	FILE *f = fopen(qfile, "r");
	if (!f)
		return 1;
	struct q *qs = NULL;
	size_t nq = 0, cap = 0;
	char buf[1024];
	while (fgets(buf, sizeof buf, f)) {
		buf[strcspn(buf, "\r\n")] = 0;
		if (!*buf)
			continue;
		if (nq == cap)
			qs = realloc(qs, sizeof *qs * (cap = cap ? cap * 2 : 256));
		qs[nq++] = (struct q){.text = strdup(buf)};
	}
	fclose(f);
	/* true match counts (the expression: each word quoted, as match_expr does) */
	long ncls[3] = {0};
	for (size_t i = 0; i < nq; i++) {
		strbuf e = STRBUF_INIT;
		char *dup = strdup(qs[i].text);
		for (char *w = strtok(dup, " "); w; w = strtok(NULL, " ")) {
			sb_puts(&e, e.len ? " \"" : "\"");
			for (char *c = w; *c; c++) {
				if (*c == '"')
					sb_putc(&e, '"');
				sb_putc(&e, *c);
			}
			sb_putc(&e, '"');
		}
		qs[i].matches = store_scalar(s, -1, "SELECT count(*) FROM search_fts WHERE search_fts MATCH ?", "t", sb_str(&e));
		qs[i].cls = qs[i].matches < 100 ? 0 : qs[i].matches < 10000 ? 1 : 2;
		ncls[qs[i].cls]++;
		free(dup);
		sb_free(&e);
	}
	/* the plan of search_run's ranking statement (rank_newest in src/features/search/index.c) */
	store_stmt *ep = store_prepare(s, "EXPLAIN QUERY PLAN SELECT search_fts.rowid, bm25(search_fts, 4.0, 1.0)"
		" FROM search_fts JOIN search_meta m ON m.rowid = search_fts.rowid"
		" WHERE search_fts MATCH 'x' AND m.at >= 0 AND m.visibility = 0 ORDER BY search_fts.rowid DESC LIMIT 1000");
	while (ep && store_step(ep) == STORE_ROW)
		printf("plan: %s\n", store_text(ep, 3));
	if (ep)
		store_done(ep);
	printf("queries: %zu (rare < 100 matches: %ld, medium: %ld, common >= 10,000: %ld)\n", nq, ncls[0], ncls[1], ncls[2]);
	if (paths) {
		char name[512];
		FILE *pf[3];
		snprintf(name, sizeof name, "%s.rare", paths);
		pf[0] = fopen(name, "w");
		pf[1] = NULL;
		snprintf(name, sizeof name, "%s.common", paths);
		pf[2] = fopen(name, "w");
		FILE *all = fopen(paths, "w");
		arena *a = arena_new();
		for (size_t i = 0; i < nq; i++) {
			const char *line = arena_printf(a, "/api/v1/search?q=%s\n", url_encode(a, qs[i].text));
			fputs(line, all);
			if (pf[qs[i].cls])
				fputs(line, pf[qs[i].cls]);
		}
		arena_free(a);
		fclose(all);
		fclose(pf[0]);
		fclose(pf[2]);
	}
	/* warm-up: one pass */
	for (size_t i = 0; i < nq; i++) {
		arena *a = arena_new();
		struct search_query sq = {.q = qs[i].text, .limit = 20};
		struct search_hit *h;
		int total;
		search_run(s, a, NULL, &sq, &h, &total);
		arena_free(a);
	}
	size_t n = nq * (size_t)rounds;
	double *all = malloc(sizeof *all * n), *bycls[3];
	size_t nc[3] = {0};
	for (int k = 0; k < 3; k++)
		bycls[k] = malloc(sizeof(double) * n);
	size_t *order = malloc(sizeof *order * n);
	for (size_t i = 0; i < n; i++)
		order[i] = i % nq;
	srand(7);
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = (size_t)rand() % (i + 1), t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	long hits0 = 0;
	for (size_t i = 0; i < n; i++) {
		struct q *q = &qs[order[i]];
		arena *a = arena_new();
		struct search_query sq = {.q = q->text, .limit = 20};
		struct search_hit *h;
		int total;
		double t0 = mono_ms();
		int got = search_run(s, a, NULL, &sq, &h, &total);
		double dt = mono_ms() - t0;
		arena_free(a);
		if (got < 0) {
			fprintf(stderr, "search_run failed on %s\n", q->text);
			return 1;
		}
		if (got == 0)
			hits0++;
		all[i] = dt;
		bycls[q->cls][nc[q->cls]++] = dt;
		q->sum += dt;
		q->n++;
		if (dt > q->worst)
			q->worst = dt;
	}
	printf("search_run, limit 20, %d rounds (shuffled), %ld calls with no hit\n", rounds, hits0);
	report("rare", bycls[0], nc[0]);
	report("medium", bycls[1], nc[1]);
	report("common", bycls[2], nc[2]);
	report("all", all, n);
	/* slowest queries by mean */
	for (int k = 0; k < 8; k++) {
		size_t best = 0;
		double bm = -1;
		for (size_t i = 0; i < nq; i++)
			if (qs[i].n && qs[i].sum / qs[i].n > bm)
				bm = qs[i].sum / qs[i].n, best = i;
		printf("  slow: %-30s %8ld matches  mean %7.2f ms\n", qs[best].text, qs[best].matches, bm);
		qs[best].n = 0;
	}
	store_close(s);
	return 0;
}
