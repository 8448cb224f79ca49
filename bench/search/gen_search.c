/* bench/search/gen_search.c — fills the search index with N documents through
 * search_put() (FTS5 with the text engine as tokenizer), in transactions of
 * 10,000 on a synchronous=OFF connection (a bulk load).
 *
 * Text material: the lines of the TSV files given (../shared/data/sentiment/ *.tsv:
 * label<TAB>text; used only as words). Each file's language is its name's
 * prefix (ar-, fr-, en-). A document takes its language with the weights
 * ar 50 %, fr 30 %, en 20 %; its title is a run of 3–7 consecutive words of one
 * random line, its body 2–4 runs of 4–14 consecutive words of random lines of
 * that language: real word frequencies (Zipf), real Darija/Arabizi/French/English
 * spellings, but 1,000,000 different documents out of ~42,000 lines. Types
 * (post 20 %, comment 60 %, consultation 10 %, proposal 10 %), the four
 * demo departments, dates over three years, all public.
 *
 * Usage: gen_search --db PATH [--docs N] [--seed S] FILE.tsv...
 * (the database: `majlis init --db PATH --demo` first) */
#include "app/app.h"
#include "core/arena.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "features/search/search.h"
#include "store/store.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}
static unsigned pick(unsigned n) { return (unsigned)(rnd() % n); }

struct line { char **w; int n; };
struct lang { const char *code; struct line *l; size_t n, cap; } langs[3] = {{.code = "ar"}, {.code = "fr"}, {.code = "en"}};

static void add_line(struct lang *L, char *text)
{
	struct line ln = {0};
	int cap = 0;
	for (char *tok = strtok(text, " \t\r\n"); tok; tok = strtok(NULL, " \t\r\n")) {
		if (ln.n == cap)
			ln.w = realloc(ln.w, sizeof *ln.w * (size_t)(cap = cap ? cap * 2 : 16));
		ln.w[ln.n++] = strdup(tok);
	}
	if (ln.n < 3)
		return;
	if (L->n == L->cap)
		L->l = realloc(L->l, sizeof *L->l * (L->cap = L->cap ? L->cap * 2 : 1024));
	L->l[L->n++] = ln;
}

static void run(strbuf *sb, struct lang *L, int minw, int maxw)
{
	struct line *ln = &L->l[pick((unsigned)L->n)];
	int len = minw + (int)pick((unsigned)(maxw - minw + 1));
	if (len > ln->n)
		len = ln->n;
	int start = (int)pick((unsigned)(ln->n - len + 1));
	for (int i = 0; i < len; i++) {
		if (sb->len && sb->data[sb->len - 1] != ' ')
			sb_putc(sb, ' ');
		sb_puts(sb, ln->w[start + i]);
	}
}

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const char *db = NULL;
	long docs = 1000000;
	int i;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--db") && i + 1 < argc) db = argv[++i];
		else if (!strcmp(argv[i], "--docs") && i + 1 < argc) docs = atol(argv[++i]);
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc) rng_state ^= strtoull(argv[++i], NULL, 10) * 0x2545F4914F6CDD1Dull;
		else break;
	}
	if (!db || i >= argc) {
		fprintf(stderr, "usage: gen_search --db PATH [--docs N] [--seed S] FILE.tsv...\n");
		return 2;
	}
	for (; i < argc; i++) {
		const char *base = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
		struct lang *L = !strncmp(base, "fr-", 3) ? &langs[1] : !strncmp(base, "en-", 3) ? &langs[2] : &langs[0];
		FILE *f = fopen(argv[i], "r");
		if (!f) {
			perror(argv[i]);
			return 1;
		}
		char buf[8192];
		while (fgets(buf, sizeof buf, f)) {
			char *tab = strchr(buf, '\t');
			if (tab)
				add_line(L, tab + 1);
		}
		fclose(f);
	}
	for (int k = 0; k < 3; k++)
		if (!langs[k].n) {
			fprintf(stderr, "gen_search: no %s lines\n", langs[k].code);
			return 1;
		}
	fprintf(stderr, "material: %zu ar, %zu fr, %zu en lines\n", langs[0].n, langs[1].n, langs[2].n);
	app_store_setup();
	char *err = NULL;
	store *s = store_open(db, &err);
	if (!s) {
		fprintf(stderr, "gen_search: %s\n", err ? err : "cannot open");
		return 1;
	}
	store_exec(s, "PRAGMA synchronous=OFF; PRAGMA cache_size=-262144");
	int64_t first = store_scalar(s, 0, "SELECT coalesce(max(doc_id), 0) FROM search_meta", "") + 1000000;
	int64_t now = now_s();
	static const char *const types[] = {"post", "post", "comment", "comment", "comment", "comment", "comment", "comment",
					    "consultation", "proposal"};
	double t0 = mono();
	for (long d = 0; d < docs; d++) {
		if (d % 10000 == 0 && !store_begin(s))
			return 1;
		unsigned r = pick(100);
		struct lang *L = &langs[r < 50 ? 0 : r < 80 ? 1 : 2];
		strbuf title = STRBUF_INIT, body = STRBUF_INIT;
		run(&title, L, 3, 7);
		int runs = 2 + (int)pick(3);
		for (int k = 0; k < runs; k++)
			run(&body, L, 4, 14);
		const char *type = types[pick(10)];
		char url[64];
		snprintf(url, sizeof url, "/%ss/%lld", type, (long long)(first + d));
		struct search_doc doc = {.type = type, .id = first + d, .dept_id = 1 + pick(4), .visibility = SEARCH_PUBLIC,
					 .lang = L->code, .title = sb_str(&title), .body = sb_str(&body), .url = url,
					 .at = now - 86400 - (int64_t)pick(3 * 365 * 86400)};
		if (!search_put(s, &doc)) {
			fprintf(stderr, "search_put: %s\n", store_errmsg(s));
			return 1;
		}
		sb_free(&title);
		sb_free(&body);
		if (d % 10000 == 9999 || d == docs - 1) {
			if (!store_commit(s))
				return 1;
			if (d % 200000 == 199999)
				fprintf(stderr, "  %ld documents, %.0f s\n", d + 1, mono() - t0);
		}
	}
	double t1 = mono();
	fprintf(stderr, "indexed %ld documents through search_put in %.1f s (%.0f/s)\n", docs, t1 - t0, (double)docs / (t1 - t0));
	store_exec(s, "INSERT INTO search_fts(search_fts) VALUES ('optimize')");
	fprintf(stderr, "optimize: %.1f s\n", mono() - t1);
	store_exec(s, "PRAGMA wal_checkpoint(TRUNCATE)");
	store_close(s);
	return 0;
}
