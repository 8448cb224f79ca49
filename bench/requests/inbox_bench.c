/* bench/requests/inbox_bench.c — in-process latency of the staff inbox on a
 * database made by gen_requests: the engine calls themselves (inbox_list,
 * inbox_count from src/features/requests/requests.h), timed one call at a time
 * with CLOCK_MONOTONIC on one connection opened by store_open (the server's
 * pragmas: WAL, synchronous=NORMAL, 16 MB page cache), after a warm-up pass.
 *
 * Cases (department --dept, default roads):
 *   list-first   the queue's first page: open requests sorted by next due time, 50
 *   list-deep    a page whose cursor sits half-way down the open queue
 *   list-last    a page at the end (pending requests, no due time, id order)
 *   count:*      every inbox_count the JSON list endpoint runs per call
 *                (src/features/requests/api.c list(): one per status, overdue,
 *                unassigned, mine, and the total of the current filter)
 *   list+row-lookups  list-first + what request_json() reads per listed row
 *                (category_get with attributes, dept_get): 100 lookups a page
 *   api-equiv    the list endpoint's engine work: list-first + those 10 counts
 *   prop:*       with --proposal (the database must have patches/counters.sql
 *                applied): the ten figures from the trigger-maintained counters
 *                of patches/02-inbox-counters.patch, checked equal to
 *                inbox_count's first; prop:api-equiv = list-first + that query
 *
 * Each case runs once untimed, then --iters times (2,000) or until --budget
 * seconds (3) have passed, whichever comes first, but at least 3 times (once
 * for api-equiv); prints median, p99, max and the iteration
 * count as tab-separated lines: case, n, p50_us, p99_us, max_us.
 *
 * Usage: inbox_bench --db PATH [--dept SLUG] [--iters N] [--budget S] [--proposal]
 */
#include "app/app.h"
#include "core/arena.h"
#include "core/util.h"
#include "features/accounts/accounts.h"
#include "features/requests/requests.h"
#include "store/store.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long iters = 2000;
static double budget = 3.0;

static double now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

typedef void (*fn)(void *ctx);

/* Runs f: one warm-up call (statements prepared, pages cached), then up to
 * iters timed calls, stopping after budget seconds once min_n are done. */
static void run_case_n(const char *name, fn f, void *ctx, long min_n)
{
	double *t = malloc(sizeof *t * (size_t)iters);
	f(ctx);
	double start = now_us();
	long n = 0;
	while (n < iters && (n < min_n || now_us() - start < budget * 1e6)) {
		double a = now_us();
		f(ctx);
		t[n++] = now_us() - a;
	}
	qsort(t, (size_t)n, sizeof *t, cmp);
	long i99 = (long)((double)n * 0.99);
	if (i99 >= n)
		i99 = n - 1;
	printf("%s\t%ld\t%.0f\t%.0f\t%.0f\n", name, n, t[n / 2], t[i99], t[n - 1]);
	fflush(stdout);
	free(t);
}

static void run_case(const char *name, fn f, void *ctx) { run_case_n(name, f, ctx, 3); }

struct ctx {
	store *s;
	struct inbox_filter f;
	int64_t user;
	int expect;
	const char *sql;
};

static void do_list(void *v)
{
	struct ctx *c = v;
	arena *a = arena_new();
	struct request *rows;
	int n = inbox_list(c->s, a, &c->f, &rows);
	if (n != c->expect) {
		fprintf(stderr, "inbox_bench: inbox_list gave %d rows, expected %d\n", n, c->expect);
		exit(1);
	}
	arena_free(a);
}

/* What api.c's request_json() reads for each listed row besides the row: its
 * category (with attributes and their values) and its department. */
static void do_lookups(void *v)
{
	struct ctx *c = v;
	arena *a = arena_new();
	struct request *rows;
	int n = inbox_list(c->s, a, &c->f, &rows);
	for (int i = 0; i < n; i++) {
		struct category cat;
		struct department d;
		if (!category_get(c->s, a, rows[i].category_id, &cat) || !dept_get(c->s, a, rows[i].dept_id, &d))
			exit(1);
	}
	arena_free(a);
}

static void do_count(void *v)
{
	struct ctx *c = v;
	if (inbox_count(c->s, &c->f) < 0)
		exit(1);
}

/* The counts the list endpoint computes (api.c list()), in its order. */
static void api_counts(store *s, int64_t dept, int64_t user, const struct inbox_filter *cur, int64_t out[10])
{
	int k = 0;
	for (int st = RS_NEW; st < RS_COUNT; st++) {
		struct inbox_filter cf = {.dept_id = dept, .priority = -1, .status_mask = 1u << st};
		out[k++] = inbox_count(s, &cf);
	}
	struct inbox_filter cf = {.dept_id = dept, .priority = -1, .overdue_only = true};
	out[k++] = inbox_count(s, &cf);
	cf = (struct inbox_filter){.dept_id = dept, .priority = -1, .assignee_id = -1};
	out[k++] = inbox_count(s, &cf);
	cf = (struct inbox_filter){.dept_id = dept, .priority = -1, .assignee_id = user};
	out[k++] = inbox_count(s, &cf);
	struct inbox_filter total = *cur;
	total.after_id = 0;
	out[k++] = inbox_count(s, &total);
}

static void do_api(void *v)
{
	struct ctx *c = v;
	do_list(v);
	int64_t counts[10];
	api_counts(c->s, c->f.dept_id, c->user, &c->f, counts);
}

/* ---- the proposal (patches/02-inbox-counters.patch), as SQL ---- */

/* Every chip of the list endpoint from the trigger-maintained counters
 * (patches/counters.sql): a few hundred rows per department at most. Columns:
 * the six statuses, overdue, unassigned, mine (open requests), open total. */
static const char *prop_sql =
	"SELECT sum(CASE WHEN status = 'new' THEN n ELSE 0 END), sum(CASE WHEN status = 'open' THEN n ELSE 0 END),"
	" sum(CASE WHEN status = 'pending' THEN n ELSE 0 END), sum(CASE WHEN status = 'on_hold' THEN n ELSE 0 END),"
	" sum(CASE WHEN status = 'solved' THEN n ELSE 0 END), sum(CASE WHEN status = 'closed' THEN n ELSE 0 END),"
	" sum(CASE WHEN open AND overdue = 1 THEN n ELSE 0 END), sum(CASE WHEN open AND assignee = 0 THEN n ELSE 0 END),"
	" sum(CASE WHEN open AND assignee = ?2 THEN n ELSE 0 END), sum(CASE WHEN open THEN n ELSE 0 END)"
	" FROM (SELECT *, status IN ('new','open','pending','on_hold') AS open FROM req_queue_counts WHERE dept_id = ?1)";

static void prop_run(store *s, int64_t dept, int64_t user, int64_t out[10])
{
	store_stmt *st = store_prepare(s, prop_sql);
	if (!st)
		exit(1);
	store_bind_int(st, 1, dept);
	store_bind_int(st, 2, user);
	if (store_step(st) != STORE_ROW)
		exit(1);
	for (int i = 0; i < 10; i++)
		out[i] = store_int(st, i);
	store_done(st);
}

static void do_prop_chips(void *v)
{
	struct ctx *c = v;
	int64_t o[10];
	prop_run(c->s, c->f.dept_id, c->user, o);
}

static void do_prop_api(void *v)
{
	do_list(v);
	do_prop_chips(v);
}

int main(int argc, char **argv)
{
	const char *path = NULL, *dept_slug = "roads";
	bool proposal = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--db") && i + 1 < argc)
			path = argv[++i];
		else if (!strcmp(argv[i], "--dept") && i + 1 < argc)
			dept_slug = argv[++i];
		else if (!strcmp(argv[i], "--iters") && i + 1 < argc)
			iters = atol(argv[++i]);
		else if (!strcmp(argv[i], "--budget") && i + 1 < argc)
			budget = atof(argv[++i]);
		else if (!strcmp(argv[i], "--proposal"))
			proposal = true;
		else {
			fprintf(stderr, "usage: inbox_bench --db PATH [--dept SLUG] [--iters N] [--budget S] "
					"[--proposal]\n");
			return 2;
		}
	}
	app_store_setup(); /* the full-text tokenizer, as the server registers it */
	char *err = NULL;
	store *s = path ? store_open(path, &err) : NULL;
	if (!s) {
		fprintf(stderr, "inbox_bench: %s\n", err ? err : "--db PATH required");
		return 1;
	}
	int64_t dept = store_scalar(s, 0, "SELECT id FROM departments WHERE slug = ?", "t", dept_slug);
	int64_t nreq = store_scalar(s, 0, "SELECT count(*) FROM requests", "");
	int64_t nopen = store_scalar(s, 0, "SELECT count(*) FROM requests WHERE dept_id = ? AND is_open = 1", "i", dept);
	int64_t user = store_scalar(s, 0, "SELECT assignee_id FROM requests WHERE dept_id = ? AND is_open = 1 AND"
				    " assignee_id IS NOT NULL LIMIT 1", "i", dept);
	if (!dept || nopen < 150) {
		fprintf(stderr, "inbox_bench: department %s missing or fewer than 150 open requests\n", dept_slug);
		return 1;
	}
	printf("# %lld requests, %s: %lld open\n", (long long)nreq, dept_slug, (long long)nopen);
	struct ctx c = {.s = s, .f = {.dept_id = dept, .priority = -1, .limit = 50}, .user = user, .expect = 50};
	run_case("list-first", do_list, &c);
	for (int k = 0; k < 2; k++) {
		/* the cursor: the row at half / the start of the last page of the open queue */
		int64_t off = k ? nopen - 50 - 1 : nopen / 2;
		store_stmt *st = store_prepare(s, "SELECT due_sort, id FROM requests WHERE dept_id = ? AND is_open = 1"
						  " ORDER BY due_sort, id LIMIT 1 OFFSET ?");
		store_bind_int(st, 1, dept);
		store_bind_int(st, 2, off);
		if (store_step(st) != STORE_ROW)
			return 1;
		struct ctx d = c;
		d.f.after_due = store_int(st, 0);
		d.f.after_id = store_int(st, 1);
		store_done(st);
		run_case(k ? "list-last" : "list-deep", do_list, &d);
	}
	static const char *const names[] = {"count:new", "count:open", "count:pending", "count:on_hold", "count:solved",
					    "count:closed", "count:overdue", "count:unassigned", "count:mine", "count:total"};
	for (int k = 0; k < 10; k++) {
		struct ctx d = c;
		d.f = (struct inbox_filter){.dept_id = dept, .priority = -1};
		if (k < 6)
			d.f.status_mask = 1u << k;
		else if (k == 6)
			d.f.overdue_only = true;
		else if (k == 7)
			d.f.assignee_id = -1;
		else if (k == 8)
			d.f.assignee_id = user;
		run_case(names[k], do_count, &d);
	}
	run_case("list+row-lookups", do_lookups, &c);
	run_case_n("api-equiv", do_api, &c, 1);

	/* the proposal: the same ten figures from the counters table (checked equal first) */
	if (proposal) {
		int64_t want[10], got[10];
		api_counts(s, dept, user, &c.f, want);
		prop_run(s, dept, user, got);
		for (int k = 0; k < 10; k++)
			if (got[k] != want[k]) {
				fprintf(stderr, "inbox_bench: counters give %s = %lld, inbox_count %lld\n", names[k],
					(long long)got[k], (long long)want[k]);
				return 1;
			}
		run_case("prop:all-chips", do_prop_chips, &c);
		run_case("prop:api-equiv", do_prop_api, &c);
	}
	store_close(s);
	return 0;
}
