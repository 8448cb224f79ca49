/* bench/requests/direct.c — the baseline for the creation benchmark: the same
 * request creations as `POST /api/v1/requests`, done in-process against SQLite,
 * one transaction per request, on a database opened exactly as the server opens
 * it (store_open: WAL, synchronous=NORMAL, foreign keys on, 16 MB cache).
 *
 *   --mode engine   calls request_create() itself (validation, category and SLA
 *                   policy lookups, the calendar, the inserts, the search index
 *                   entry, the insight record with its sentiment scoring,
 *                   BEGIN IMMEDIATE … COMMIT) — what the handler calls, without
 *                   HTTP and JSON
 *   --mode raw      only the statements request_create() writes, through the
 *                   sqlite3 API with prepared statements: BEGIN IMMEDIATE; the
 *                   requests row (RETURNING id); the "created" event and the
 *                   updated_at touch; two clocks (first response, resolution)
 *                   and their two "started" events; sla_refresh's UPDATE; the
 *                   notification job; COMMIT — no reads, no validation, and
 *                   not the search-index and insight rows request_create() also
 *                   writes since the search and insight features (so "raw" is
 *                   the request's own rows: a stricter baseline than engine)
 *
 *   --mode raw-fixed  raw with sla_refresh's UPDATE as patches/01 rewrites it
 *
 * Runs for --seconds (10), or for exactly --count requests (so that a run
 * grows the tables exactly as much as the HTTP run it is compared with: the
 * cost of a creation grows with the number of running clocks, see README), and
 * prints "MODE N SECONDS RATE". Bodies rotate over
 * the same four inputs as create.lua. The database must have the demo
 * categories (`majlis init --demo`); run each mode on its own copy.
 *
 * --profile (raw mode) prints the wall time per request of each statement.
 *
 * Usage: direct --db PATH --mode engine|raw|raw-fixed [--seconds S | --count N] [--profile]
 */
#include "app/app.h"
#include "core/arena.h"
#include "core/util.h"
#include "features/accounts/accounts.h"
#include "features/requests/requests.h"
#include "store/store.h"
#include "text/simhash.h"
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_sec(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

struct input {
	const char *kind, *cat, *desc, *lat, *lon, *address, *lang, *email, *name, *attr, *value;
};
static const struct input inputs[] = {
	{"report", "pothole", "حفرة كبيرة أمام المدرسة الابتدائية، خطيرة على الأطفال رقم %d", "33.5731", "-7.5898",
	 "شارع محمد الخامس", "ar", "c%d@example.org", NULL, "size", "dangerous"},
	{"report", "streetlight", "Le lampadaire devant le numéro %d est éteint depuis une semaine.", "33.575", "-7.587",
	 "12 rue des Orangers", "fr", "h%d@example.org", NULL, NULL, NULL},
	{"complaint", "water-leak", "Water is leaking from a pipe at corner %d, the street is flooded.", NULL, NULL, NULL, "en",
	 "r%d@example.org", "Resident", "where", "street"},
	{"report", "pothole", "Nid-de-poule profond au carrefour %d, danger pour les cyclistes.", NULL, NULL, NULL, "fr",
	 "v%d@example.org", NULL, "size", "small"},
};

static long run_engine(store *s, double seconds, long count)
{
	double end = now_sec() + seconds;
	long n = 0;
	while (count ? n < count : now_sec() < end) {
		const struct input *x = &inputs[n % 4];
		arena *a = arena_new();
		struct request_input in = {.kind = x->kind, .category_code = x->cat, .lat = x->lat, .lon = x->lon,
					   .address = x->address, .lang = x->lang, .contact_name = x->name, .channel = "api"};
		in.description = arena_printf(a, x->desc, (int)(n % 64));
		in.contact_email = arena_printf(a, x->email, (int)(n % 64));
		if (x->attr)
			kv_add(a, &in.attrs, x->attr, x->value);
		struct form_errors e = {0};
		char ref[16];
		int64_t id = request_create(s, a, &in, &e, ref);
		arena_free(a);
		if (id <= 0) {
			fprintf(stderr, "direct: request_create failed (%s)\n", e.n ? e.key[0] : store_errmsg(s));
			exit(1);
		}
		n++;
	}
	return n;
}

/* record.c's new_ref(): R- and 7 random characters without look-alikes. A
 * collision (1 in 27 billion per pair) would stop the run with an error. */
static void new_ref(char out[16])
{
	static const char alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
	unsigned char rnd[7];
	randombytes_buf(rnd, sizeof rnd);
	out[0] = 'R';
	out[1] = '-';
	for (int i = 0; i < 7; i++)
		out[2 + i] = alphabet[rnd[i] % (sizeof alphabet - 1)];
	out[9] = 0;
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "direct: %s: %s\n", sql, sqlite3_errmsg(db));
		exit(1);
	}
	return st;
}

/* --profile: wall time per statement (first words of its SQL), printed at the end */
static bool profile;
static struct { sqlite3_stmt *st; double us; } prof[16];
static int nprof;

static void prof_add(sqlite3_stmt *st, double us)
{
	int i = 0;
	while (i < nprof && prof[i].st != st)
		i++;
	if (i == nprof && nprof < 16)
		prof[nprof++].st = st;
	if (i < 16)
		prof[i].us += us;
}

static void step_done(sqlite3 *db, sqlite3_stmt *st)
{
	double t0 = profile ? now_sec() : 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "direct: %s\n", sqlite3_errmsg(db));
		exit(1);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (profile)
		prof_add(st, (now_sec() - t0) * 1e6);
}

static long run_raw(const char *path, double seconds, long count, bool fixed)
{
	sqlite3 *db;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		exit(1);
	sqlite3_busy_timeout(db, 5000);
	sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
			 " PRAGMA temp_store=MEMORY; PRAGMA cache_size=-16000;", NULL, NULL, NULL);
	/* ids of the demo categories and departments */
	int64_t cat[4], dept[4];
	for (int i = 0; i < 4; i++) {
		sqlite3_stmt *q = prep(db, "SELECT id, dept_id FROM req_categories WHERE code = ?");
		sqlite3_bind_text(q, 1, inputs[i].cat, -1, SQLITE_STATIC);
		if (sqlite3_step(q) != SQLITE_ROW)
			exit(1);
		cat[i] = sqlite3_column_int64(q, 0);
		dept[i] = sqlite3_column_int64(q, 1);
		sqlite3_finalize(q);
	}
	sqlite3_stmt *begin = prep(db, "BEGIN IMMEDIATE"), *commit = prep(db, "COMMIT");
	sqlite3_stmt *ins = prep(db,
		"INSERT INTO requests(ref, category_id, dept_id, kind, channel, status, priority, description, lat, lon,"
		" address, user_id, contact_name, contact_email, contact_phone, lang, public, attributes, simhash,"
		" created_at, updated_at) VALUES (?,?,?,?,?,'new',?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id");
	sqlite3_stmt *ev = prep(db, "INSERT INTO request_events(request_id, at, actor_id, actor, type, public, body, data) "
				    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	sqlite3_stmt *touch = prep(db, "UPDATE requests SET updated_at = ? WHERE id = ?");
	sqlite3_stmt *clock = prep(db,
		"INSERT INTO request_clocks(request_id, target, state, budget, used, running_since, business_hours,"
		" due_at, breached) VALUES (?, ?, 'running', ?, 0, ?, ?, ?, 0) "
		"ON CONFLICT(request_id, target) DO UPDATE SET state = 'running', budget = excluded.budget, used = 0,"
		" running_since = excluded.running_since, business_hours = excluded.business_hours,"
		" due_at = excluded.due_at, breached = 0");
	sqlite3_stmt *cev = prep(db, "INSERT INTO request_clock_events(request_id, target, event, at) VALUES (?, ?, ?, ?)");
	sqlite3_stmt *refresh = prep(db, fixed ?
		/* patches/01-sla-refresh-by-request.patch: only request_id constrains the
		 * subqueries, so they read the request's own (at most 3) clocks by the
		 * primary key instead of walking request_clocks_due (state, due_at) */
		"UPDATE requests SET "
		" due_sort = coalesce((SELECT min(CASE WHEN state = 'running' THEN due_at END) FROM request_clocks"
		"                      WHERE request_id = ?1), 9223372036854775807),"
		" overdue = coalesce((SELECT max(state = 'running' AND breached = 1) FROM request_clocks"
		"                     WHERE request_id = ?1), 0),"
		" is_open = status IN ('new','open','pending','on_hold') WHERE id = ?1" :
		/* src/features/requests/sla.c sla_refresh(), as shipped */
		"UPDATE requests SET "
		" due_sort = coalesce((SELECT min(due_at) FROM request_clocks WHERE request_id = ?1 AND state = 'running'),"
		"                     9223372036854775807),"
		" overdue = EXISTS (SELECT 1 FROM request_clocks WHERE request_id = ?1 AND state = 'running' AND breached = 1),"
		" is_open = status IN ('new','open','pending','on_hold') WHERE id = ?1");
	sqlite3_stmt *job = prep(db,
		"INSERT INTO jobs(kind, key, payload, status, run_at, created_at, updated_at) "
		"VALUES (?, ?, ?, 'queued', ?, ?, ?) ON CONFLICT(key) DO NOTHING RETURNING id");
	double end = now_sec() + seconds;
	long n = 0;
	char desc[256], email[64], ref[16], attrs[64], payload[64];
	while (count ? n < count : now_sec() < end) {
		const struct input *x = &inputs[n % 4];
		int k = 1;
		int64_t now = now_s();
		snprintf(desc, sizeof desc, x->desc, (int)(n % 64));
		snprintf(email, sizeof email, x->email, (int)(n % 64));
		new_ref(ref); /* random, like record.c's: the UNIQUE index takes it anywhere */
		if (x->attr)
			snprintf(attrs, sizeof attrs, "{\"%s\":\"%s\"}", x->attr, x->value);
		else
			snprintf(attrs, sizeof attrs, "{}");
		step_done(db, begin);
		sqlite3_bind_text(ins, k++, ref, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(ins, k++, cat[n % 4]);
		sqlite3_bind_int64(ins, k++, dept[n % 4]);
		sqlite3_bind_text(ins, k++, x->kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, k++, "api", -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, k++, "normal", -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, k++, desc, -1, SQLITE_TRANSIENT);
		if (x->lat) {
			sqlite3_bind_double(ins, k++, atof(x->lat));
			sqlite3_bind_double(ins, k++, atof(x->lon));
		} else {
			k += 2;
		}
		sqlite3_bind_text(ins, k++, x->address, -1, SQLITE_STATIC);
		k++; /* user_id */
		sqlite3_bind_text(ins, k++, x->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, k++, email, -1, SQLITE_TRANSIENT);
		k++; /* phone */
		sqlite3_bind_text(ins, k++, x->lang, -1, SQLITE_STATIC);
		sqlite3_bind_int(ins, k++, 1);
		sqlite3_bind_text(ins, k++, attrs, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(ins, k++, (int64_t)text_simhash(desc, strlen(desc)));
		sqlite3_bind_int64(ins, k++, now);
		sqlite3_bind_int64(ins, k++, now);
		double t_ins = now_sec();
		int rc_ins = sqlite3_step(ins);
		if (profile)
			prof_add(ins, (now_sec() - t_ins) * 1e6);
		if (rc_ins != SQLITE_ROW) {
			fprintf(stderr, "direct: %s\n", sqlite3_errmsg(db));
			exit(1);
		}
		int64_t id = sqlite3_column_int64(ins, 0);
		step_done(db, ins);
		sqlite3_bind_int64(ev, 1, id);
		sqlite3_bind_int64(ev, 2, now);
		sqlite3_bind_text(ev, 4, x->name ? x->name : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(ev, 5, "created", -1, SQLITE_STATIC);
		sqlite3_bind_int(ev, 6, 1);
		step_done(db, ev);
		sqlite3_bind_int64(touch, 1, now);
		sqlite3_bind_int64(touch, 2, id);
		step_done(db, touch);
		for (int t = 0; t < 2; t++) {
			int64_t budget = t ? 5 * 8 * 3600 : 8 * 3600;
			sqlite3_bind_int64(clock, 1, id);
			sqlite3_bind_text(clock, 2, t ? "resolution" : "first_response", -1, SQLITE_STATIC);
			sqlite3_bind_int64(clock, 3, budget);
			sqlite3_bind_int64(clock, 4, now);
			sqlite3_bind_int(clock, 5, 1);
			sqlite3_bind_int64(clock, 6, now + budget * 3); /* business hours ≈ 3× calendar time */
			step_done(db, clock);
			sqlite3_bind_int64(cev, 1, id);
			sqlite3_bind_text(cev, 2, t ? "resolution" : "first_response", -1, SQLITE_STATIC);
			sqlite3_bind_text(cev, 3, "started", -1, SQLITE_STATIC);
			sqlite3_bind_int64(cev, 4, now);
			step_done(db, cev);
		}
		sqlite3_bind_int64(refresh, 1, id);
		step_done(db, refresh);
		snprintf(payload, sizeof payload, "{\"id\":%lld,\"what\":\"created\"}", (long long)id);
		sqlite3_bind_text(job, 1, "request_notify", -1, SQLITE_STATIC);
		sqlite3_bind_text(job, 3, payload, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(job, 4, now);
		sqlite3_bind_int64(job, 5, now);
		sqlite3_bind_int64(job, 6, now);
		step_done(db, job);
		step_done(db, commit);
		n++;
	}
	for (int i = 0; profile && i < nprof; i++)
		fprintf(stderr, "  %8.1f us/request  %.60s\n", prof[i].us / (double)n, sqlite3_sql(prof[i].st));
	sqlite3_stmt *all[] = {begin, commit, ins, ev, touch, clock, cev, refresh, job};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		sqlite3_finalize(all[i]);
	sqlite3_close(db);
	return n;
}

int main(int argc, char **argv)
{
	const char *path = NULL, *mode = NULL;
	double seconds = 10;
	long count = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--db") && i + 1 < argc)
			path = argv[++i];
		else if (!strcmp(argv[i], "--mode") && i + 1 < argc)
			mode = argv[++i];
		else if (!strcmp(argv[i], "--profile"))
			profile = true;
		else if (!strcmp(argv[i], "--count") && i + 1 < argc)
			count = atol(argv[++i]);
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			seconds = atof(argv[++i]);
		else
			mode = NULL, i = argc;
	}
	if (!path || !mode || (strcmp(mode, "engine") && strcmp(mode, "raw") && strcmp(mode, "raw-fixed"))) {
		fprintf(stderr, "usage: direct --db PATH --mode engine|raw|raw-fixed [--seconds S | --count N] [--profile]\n");
		return 2;
	}
	double t0 = now_sec();
	long n;
	if (!strcmp(mode, "engine")) {
		app_store_setup(); /* the full-text tokenizer, as the server registers it */
		char *err = NULL;
		store *s = store_open(path, &err);
		if (!s) {
			fprintf(stderr, "direct: %s\n", err);
			return 1;
		}
		n = run_engine(s, seconds, count);
		store_close(s);
	} else {
		n = run_raw(path, seconds, count, !strcmp(mode, "raw-fixed"));
	}
	double secs = now_sec() - t0;
	printf("%s\t%ld\t%.2f\t%.0f\n", mode, n, secs, n / secs);
	return 0;
}
