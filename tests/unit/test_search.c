/* Search: Arabic-aware, accent-folded, ranked full-text search on a real SQLite
 * database with the text engine as FTS5 tokenizer; the relevance set lives in
 * tests/search/ (docs.tsv, queries.tsv). */
#include "tap.h"
#include "app/app.h"
#include "features/search/search.h"
#include "store/migrate.h"
#include "core/util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Opens tests/search/NAME from the repository root or from the build tree. */
static FILE *open_data(const char *name)
{
	static const char *const dirs[] = {"tests/search", "../tests/search", "../../tests/search"};
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		char path[256];
		snprintf(path, sizeof path, "%s/%s", dirs[i], name);
		FILE *f = fopen(path, "r");
		if (f)
			return f;
	}
	return NULL;
}

/* Splits line in place on tabs into at most n fields; returns the count. */
static int fields(char *line, char **out, int n)
{
	line[strcspn(line, "\r\n")] = 0;
	int k = 0;
	for (char *p = line; p && k < n;) {
		out[k++] = p;
		p = strchr(p, '\t');
		if (p)
			*p++ = 0;
	}
	return k;
}

static bool in_top(const struct search_hit *h, int n, int64_t id)
{
	for (int i = 0; i < n; i++)
		if (h[i].id == id)
			return true;
	return false;
}

/* True when every hit of words scores exactly what FTS5's own bm25 gives
 * its row now (search_run ranks with bm25_cached). */
static bool scores_are_bm25(store *s, arena *a, const char *words, int *nhits)
{
	struct search_query q = {.q = words, .limit = 20};
	struct search_hit *h;
	int total, n = search_run(s, a, NULL, &q, &h, &total);
	bool same = n > 0;
	for (int i = 0; i < n; i++) {
		store_stmt *st = store_prepare(s, "SELECT bm25(search_fts, 4.0, 1.0) FROM search_fts"
						  " JOIN search_meta m ON m.rowid = search_fts.rowid"
						  " WHERE search_fts MATCH ? AND m.doc_type = ? AND m.doc_id = ?");
		store_bind_text(st, 1, arena_printf(a, "\"%s\"", words));
		store_bind_text(st, 2, h[i].type);
		store_bind_int(st, 3, h[i].id);
		same &= store_step(st) == STORE_ROW && store_double(st, 0) == h[i].score;
		store_done(st);
	}
	*nhits = n;
	return same;
}

int main(void)
{
	char dir[] = "/tmp/majlis-search-XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	char path[256];
	snprintf(path, sizeof path, "%s/t.db", dir);
	app_store_setup();
	char *err = NULL, msg[512];
	int applied;
	store *s = store_open(path, &err);
	ok(s && migrate_apply(s, app_schemas, &applied, msg, sizeof msg), "schema with the FTS5 index applied");
	arena *a = arena_new();
	int64_t now = now_s();

	FILE *f = open_data("docs.tsv");
	ok(f != NULL, "relevance corpus found");
	char line[4096];
	int ndocs = 0;
	store_begin(s);
	while (f && fgets(line, sizeof line, f)) {
		char *c[4];
		if (line[0] == '#' || fields(line, c, 4) != 4)
			continue;
		struct search_doc d = {.type = "post", .id = atoll(c[0]), .lang = c[1], .title = c[2], .body = c[3],
				       .url = arena_printf(a, "/posts/%s", c[0]), .at = now - 100};
		ndocs += search_put(s, &d);
	}
	store_commit(s);
	if (f)
		fclose(f);
	ok(ndocs >= 10, "corpus indexed (%d documents)", ndocs);

	f = open_data("queries.tsv");
	int nq = 0, good = 0;
	while (f && fgets(line, sizeof line, f)) {
		char *c[2];
		if (line[0] == '#' || fields(line, c, 2) != 2)
			continue;
		struct search_query q = {.q = c[0], .limit = 5};
		struct search_hit *h;
		int total;
		int n = search_run(s, a, NULL, &q, &h, &total);
		bool all = n > 0;
		char want[256];
		snprintf(want, sizeof want, "%s", c[1]);
		for (char *t = strtok(want, ","); t; t = strtok(NULL, ","))
			all &= in_top(h, n, atoll(t));
		nq++;
		good += all;
		if (!ok(all, "\"%s\" finds %s in the top 5", c[0], c[1])) {
			for (int i = 0; i < n; i++)
				diag("  got #%lld %s (%.2f)", (long long)h[i].id, h[i].title, h[i].score);
		}
	}
	if (f)
		fclose(f);
	ok(nq >= 10, "%d relevance queries run, %d passed", nq, good);

	/* snippets are escaped and marked */
	struct search_doc evil = {.type = "post", .id = 99, .lang = "en", .title = "Tricky <b>title</b>",
				  .body = "water <script>alert(1)</script> water", .url = "/posts/99", .at = now - 10};
	ok(search_put(s, &evil), "document with markup indexed");
	struct search_query q = {.q = "water", .limit = 5};
	struct search_hit *h;
	int total, n = search_run(s, a, NULL, &q, &h, &total);
	bool found = false;
	for (int i = 0; i < n; i++)
		if (h[i].id == 99) {
			found = true;
			ok(strstr(h[i].snippet_html, "<mark>") && !strstr(h[i].snippet_html, "<script"),
			   "snippet escaped with <mark> (%s)", h[i].snippet_html);
		}
	ok(found, "markup document found");

	/* the ranking's cached match counts follow every change of the index */
	int before = 0, after = 0;
	bool same = scores_are_bm25(s, a, "water", &before);
	ok(same, "scores are bm25's (%d hits)", before);
	ok(scores_are_bm25(s, a, "water", &before), "and again, from the cached counts");
	struct search_doc more = {.type = "post", .id = 98, .lang = "en", .title = "Water", .body = "water, water",
				  .url = "/posts/98", .at = now - 10};
	ok(search_put(s, &more), "another water document");
	same = scores_are_bm25(s, a, "water", &after);
	ok(same && after == before + 1, "scores are bm25's on the new index (%d hits)", after);
	ok(search_remove(s, "post", 98), "removed again");
	ok(scores_are_bm25(s, a, "water", &after) && after == before, "and after the removal");

	/* two databases whose indexes look alike (same structure and averages
	 * records: five one-commit documents of two words each) but hold "harbour"
	 * twice and once: the counts cached for one are not used for the other */
	store *twin[2] = {NULL, NULL};
	bool twins_ok = true;
	for (int t = 0; t < 2; t++) {
		char tp[300];
		snprintf(tp, sizeof tp, "%s/twin%d.db", dir, t);
		twin[t] = store_open(tp, &err);
		twins_ok &= twin[t] && migrate_apply(twin[t], app_schemas, &applied, msg, sizeof msg);
		for (int k = 0; twins_ok && k < 5; k++) {
			struct search_doc d = {.type = "post", .id = 1 + k, .lang = "en", .title = "Notice",
					       .body = k < 2 - t ? "harbour opening" : "station opening", .url = "/posts/1",
					       .at = now - 10};
			twins_ok &= store_begin(twin[t]) && search_put(twin[t], &d) && store_commit(twin[t]);
		}
	}
	ok(twins_ok, "two small databases indexed");
	int n0 = 0, n1 = 0;
	bool same0 = twins_ok && scores_are_bm25(twin[0], a, "harbour", &n0);
	ok(same0 && n0 == 2, "first database: bm25 scores (%d hits)", n0);
	bool same1 = twins_ok && scores_are_bm25(twin[1], a, "harbour", &n1);
	ok(same1 && n1 == 1, "second database: its own bm25 scores, not the first one's cached counts (%d hits)", n1);
	for (int t = 0; t < 2; t++)
		store_close(twin[t]);

	/* visibility */
	struct search_doc staff = {.type = "request", .id = 7, .dept_id = 2, .visibility = SEARCH_STAFF, .lang = "fr",
				   .title = "Fuite rue des Orangers", .body = "Fuite d'eau importante", .url = "/staff/requests/7",
				   .at = now - 10};
	ok(search_put(s, &staff), "staff document indexed");
	q = (struct search_query){.q = "fuite", .limit = 5};
	n = search_run(s, a, NULL, &q, &h, &total);
	is_int(n, 0, "anonymous readers do not find staff documents");
	struct grant g_water = {ROLE_AGENT, 2}, g_roads = {ROLE_AGENT, 1};
	struct principal agent = {.user_id = 5, .grants = &g_water, .ngrants = 1};
	n = search_run(s, a, &agent, &q, &h, &total);
	is_int(n, 1, "the department's agent finds it");
	agent.grants = &g_roads;
	is_int(search_run(s, a, &agent, &q, &h, &total), 0, "another department's agent does not");

	struct search_doc later = {.type = "post", .id = 100, .lang = "en", .title = "Scheduled announcement",
				   .body = "zebra crossing", .url = "/posts/100", .at = now + 3600};
	search_put(s, &later);
	q = (struct search_query){.q = "zebra", .limit = 5};
	is_int(search_run(s, a, NULL, &q, &h, &total), 0, "a scheduled post is not found before its time");
	ok(search_remove(s, "post", 99), "remove");
	q = (struct search_query){.q = "tricky", .limit = 5};
	is_int(search_run(s, a, NULL, &q, &h, &total), 0, "removed document gone");
	static const char *const odd[] = {"\"", "AND OR NOT", "*", "(((", "the of and", "title:x", "NEAR(a b)", "-", "^a"};
	bool fine = true;
	for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
		q = (struct search_query){.q = odd[i], .limit = 5};
		fine &= search_run(s, a, NULL, &q, &h, &total) >= 0;
	}
	ok(fine, "operator-like and stop-word-only queries never error");

	arena_free(a);
	store_close(s);
	free(err);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		diag("cannot remove %s", dir);
	return done_testing();
}
