/* bench/requests/gen_requests.c — fills a majlis database with N citizen
 * requests for the inbox benchmark.
 *
 * The rows are what request_create() and the actions (status, assign, reply,
 * breach scan) leave behind, written with the project's own schema through
 * src/store/store.h in transactions of --batch rows (50,000) with prepared
 * statements and synchronous=OFF on this connection only (a bulk load; the
 * server's connections set synchronous=NORMAL themselves, and the generator
 * sets it back and checkpoints the WAL before it exits). request_create()
 * itself commits once per request and, as shipped, gets slower with every open
 * request in the database (sla_refresh, see bench/README.md "Requests"): 14/s
 * at 100,000 — not a way to build a million.
 *
 * Per request: the requests row (with simhash, is_open and due_sort kept as
 * sla_refresh() keeps them), its "created" event, and for requests still open
 * the two SLA clocks (first response, resolution) with their "started" events.
 * Closed requests get no clock rows (they would be "fulfilled" and the inbox
 * never reads them). No ANALYZE: the server never runs it, so the planner sees
 * what it sees in production.
 *
 * Distribution (deterministic for a --seed):
 *   departments  roads 40 %, water 30 %, urbanism 15 %, culture 15 % (the demo
 *                departments and their demo categories: pothole / streetlight,
 *                water-leak / water-bill, permit-question, event-suggestion)
 *   status       closed 66 %, solved 4 % (70 % not open); new 8 %, open 12 %,
 *                pending 6 %, on_hold 4 % (30 % open)
 *   priority     low 10 %, normal 70 %, high 15 %, urgent 5 %
 *   created_at   closed: uniform over the last 3 years; solved: solved within
 *                the last 6 days (older would have been auto-closed); open: three
 *                quarters recent enough to be within target, a quarter older
 *                (up to 60 days: the backlog)
 *   due time     open, not pending: the earliest running clock, as sla_refresh
 *                keeps it — resolution at created + target (normal/high 7 days,
 *                urgent 1 day, low 10 days) ± 20 %, first response at a fifth of
 *                that for "new" requests; due times spread from weeks ago to ~12
 *                days ahead; overdue = 1 where a running clock is past due (about
 *                a third of the open requests: a quarter of the backlog is old,
 *                and most "new" ones missed the first-response target) and that
 *                clock is marked breached, so the breach scan finds nothing to do;
 *                pending: clocks paused, no due time (due_sort = max, listed last)
 *   assignee     60 % of open requests assigned to one of 8 agents per department
 *   channel      web 60 %, api 20 %, open311 15 %, email 5 %
 *   text         ar 50 % / fr 35 % / en 15 %, 1–3 sentences; reports carry a
 *                location near Casablanca; pothole and water-leak their required
 *                attribute
 *
 * The database must exist with the demo data: `majlis init --db PATH --demo`.
 * Usage: gen_requests --db PATH [--requests N] [--seed S] [--batch N]
 */
#include "app/app.h"
#include "core/util.h"
#include "features/accounts/accounts.h"
#include "store/store.h"
#include "text/simhash.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}
static unsigned pick(unsigned n) { return (unsigned)(rnd() % n); }
static double unit(void) { return (double)(rnd() >> 11) / 9007199254740992.0; }

static const char *const ar_s[] = {
	"حفرة كبيرة أمام المدرسة الابتدائية.", "الإنارة العمومية معطلة منذ أسبوع في هذا الشارع.",
	"تسرب للماء في الزاوية والشارع غارق.", "فاتورة هذا الشهر مرتفعة جدا مقارنة بالأشهر السابقة.",
	"أرجو معرفة الوثائق المطلوبة لرخصة البناء.", "نقترح تنظيم مهرجان للشباب في الحي.",
	"الوضع خطير على الأطفال والمارة.", "سبق أن اتصلت بالجماعة دون جواب.", "شكرا على تدخلكم السريع.",
	"الحفرة تتسع كل يوم بسبب مرور الشاحنات.",
};
static const char *const fr_s[] = {
	"Le lampadaire devant le numéro 12 est éteint depuis une semaine.", "Un nid-de-poule dangereux s'est formé au carrefour.",
	"Une fuite d'eau inonde le trottoir depuis ce matin.", "Ma facture d'eau a doublé sans raison apparente.",
	"Quels documents faut-il pour un permis de construire ?", "Nous proposons une soirée de théâtre pour les jeunes.",
	"Les enfants passent par là pour aller à l'école.", "J'ai déjà signalé ce problème le mois dernier.",
	"Merci de faire le nécessaire rapidement.", "La situation empire après chaque pluie.",
};
static const char *const en_s[] = {
	"Water is leaking from a pipe at the corner, the street is flooded.", "The street light in front of the mosque is broken.",
	"There is a deep pothole on the main road near the market.", "My water bill is much higher than usual this month.",
	"Which documents do I need for a building permit?", "We suggest an open-air cinema night in the park.",
	"It is dangerous for cyclists at night.", "I reported this two weeks ago and nothing happened.",
	"Thank you for looking into it.", "Several neighbours have the same problem.",
};
static const char *const *banks[] = {ar_s, fr_s, en_s};
static const char *const langs[] = {"ar", "fr", "en"};
static const char *const streets[] = {"شارع محمد الخامس", "Boulevard Zerktouni", "Rue des Orangers", "حي النهضة",
				      "Avenue Hassan II", "Derb Sultan", "Quartier Maarif", "حي السلام"};

struct cat {
	const char *code, *dept, *attr_key;
	const char *const *attr_values;
	int nvalues;
	bool public, located;
	int64_t id, dept_id;
};
static const char *const sizes[] = {"small", "large", "dangerous"};
static const char *const wheres[] = {"street", "building"};
static struct cat cats[] = {
	{"pothole", "roads", "size", sizes, 3, true, true, 0, 0},
	{"streetlight", "roads", NULL, NULL, 0, true, true, 0, 0},
	{"water-leak", "water", "where", wheres, 2, true, true, 0, 0},
	{"water-bill", "water", NULL, NULL, 0, false, false, 0, 0},
	{"permit-question", "urbanism", NULL, NULL, 0, false, false, 0, 0},
	{"event-suggestion", "culture", NULL, NULL, 0, true, false, 0, 0},
};

/* A unique, readable reference for sequence number i: the alphabet of new_ref()
 * (31 letters, 7 places), i scrambled by an odd multiplier modulo 31^7 (a
 * bijection), prefixed "R-" like the real ones; "B" in front of the first
 * place would collide with nothing (real refs are random: a collision with the
 * 4 demo requests is ~1e-10 and would fail the batch loudly). */
static void make_ref(uint64_t i, char out[16])
{
	static const char alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
	const uint64_t mod = 27512614111ull; /* 31^7 */
	uint64_t v = (i * 1000003ull + 12345) % mod;
	out[0] = 'R';
	out[1] = '-';
	for (int k = 8; k >= 2; k--) {
		out[k] = alphabet[v % 31];
		v /= 31;
	}
	out[9] = 0;
}

static int64_t dept_id(store *s, const char *slug)
{
	return store_scalar(s, 0, "SELECT id FROM departments WHERE slug = ?", "t", slug);
}

int main(int argc, char **argv)
{
	const char *path = NULL;
	long n = 10000, batch = 50000;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--db") && i + 1 < argc)
			path = argv[++i];
		else if (!strcmp(argv[i], "--requests") && i + 1 < argc)
			n = atol(argv[++i]);
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			rng_state ^= strtoull(argv[++i], NULL, 10) * 0x9E3779B97F4A7C15ull;
		else if (!strcmp(argv[i], "--batch") && i + 1 < argc)
			batch = atol(argv[++i]);
		else {
			fprintf(stderr, "usage: gen_requests --db PATH [--requests N] [--seed S] [--batch N]\n");
			return 2;
		}
	}
	if (!path || n < 1 || batch < 1) {
		fprintf(stderr, "gen_requests: --db PATH required\n");
		return 2;
	}
	app_store_setup(); /* the full-text tokenizer, as the server registers it */
	char *err = NULL;
	store *s = store_open(path, &err);
	if (!s) {
		fprintf(stderr, "gen_requests: %s\n", err);
		return 1;
	}
	store_exec(s, "PRAGMA synchronous=OFF; PRAGMA cache_size=-400000; PRAGMA wal_autocheckpoint=0;");
	for (size_t c = 0; c < N(cats); c++) {
		cats[c].id = store_scalar(s, 0, "SELECT id FROM req_categories WHERE code = ?", "t", cats[c].code);
		cats[c].dept_id = dept_id(s, cats[c].dept);
		if (!cats[c].id || !cats[c].dept_id) {
			fprintf(stderr, "gen_requests: category %s or department %s missing (majlis init --demo)\n", cats[c].code,
				cats[c].dept);
			return 1;
		}
	}
	int64_t base_req = store_scalar(s, 0, "SELECT coalesce(max(id), 0) FROM requests", "");
	int64_t now = now_s();
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	long done = 0, nopen = 0, noverdue = 0;
	const char *ins_req =
		"INSERT INTO requests(id, ref, category_id, dept_id, kind, channel, status, priority, description, lat, lon,"
		" address, user_id, contact_name, contact_email, contact_phone, lang, public, attributes, assignee_id, overdue,"
		" is_open, due_sort, first_response_at, solved_at, closed_at, rating, simhash, created_at, updated_at)"
		" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
	const char *ins_ev = "INSERT INTO request_events(request_id, at, actor_id, actor, type, public, body, data)"
			     " VALUES (?, ?, NULL, ?, 'created', 1, NULL, NULL)";
	const char *ins_clock = "INSERT INTO request_clocks(request_id, target, state, budget, used, running_since,"
				" business_hours, due_at, breached) VALUES (?, ?, ?, ?, 0, ?, 1, ?, ?)";
	const char *ins_cev = "INSERT INTO request_clock_events(request_id, target, event, at) VALUES (?, ?, 'started', ?)";
	char desc[1024], ref[16], attrs[64], email[64];
	while (done < n) {
		if (!store_begin(s))
			return 1;
		long end = done + batch < n ? done + batch : n;
		for (; done < end; done++) {
			int64_t id = base_req + 1 + done;
			unsigned d = pick(100);
			int ci = d < 40 ? (int)pick(2) : d < 70 ? 2 + (int)pick(2) : d < 85 ? 4 : 5;
			struct cat *c = &cats[ci];
			unsigned sr = pick(100);
			const char *status = sr < 66 ? "closed" : sr < 70 ? "solved" : sr < 78 ? "new" : sr < 90 ? "open"
					   : sr < 96 ? "pending" : "on_hold";
			bool open = sr >= 70;
			unsigned pr = pick(100);
			const char *prio = pr < 10 ? "low" : pr < 80 ? "normal" : pr < 95 ? "high" : "urgent";
			int64_t budget = pr < 10 ? 10 * 86400 : pr < 95 ? 7 * 86400 : 86400;
			/* open: three quarters still within their target, a quarter older (up to 60 days) */
			bool solved_st = sr >= 66 && sr < 70;
			int64_t age = solved_st ? (int64_t)((2 + unit() * 12) * 86400)
				    : !open ? (int64_t)(unit() * 3 * 365 * 86400)
				    : pick(4) ? (int64_t)(unit() * 0.75 * (double)budget)
				    : budget + (int64_t)(unit() * (double)(60 * 86400 - budget));
			int64_t created = now - age;
			int64_t due = INT64_MAX;
			bool overdue = false;
			bool new_st = sr >= 70 && sr < 78; /* no first response yet */
			int64_t res_due = created + budget + (int64_t)((unit() - 0.5) * budget * 0.4);
			if (open && strcmp(status, "pending")) {
				/* as sla_refresh: the earliest running clock; overdue when any has breached */
				due = new_st && created + budget / 5 < res_due ? created + budget / 5 : res_due;
				overdue = due < now;
			}
			unsigned ch = pick(100);
			const char *channel = ch < 60 ? "web" : ch < 80 ? "api" : ch < 95 ? "open311" : "email";
			unsigned lr = pick(100);
			int li = lr < 50 ? 0 : lr < 85 ? 1 : 2;
			size_t dl = 0;
			int ns = 1 + (int)pick(3);
			for (int k = 0; k < ns; k++)
				dl += (size_t)snprintf(desc + dl, sizeof desc - dl, "%s%s", k ? " " : "", banks[li][pick(10)]);
			make_ref((uint64_t)id, ref);
			if (c->attr_key)
				snprintf(attrs, sizeof attrs, "{\"%s\":\"%s\"}", c->attr_key, c->attr_values[pick((unsigned)c->nvalues)]);
			else
				snprintf(attrs, sizeof attrs, "{}");
			bool anon = pick(100) < 40;
			snprintf(email, sizeof email, "citizen%u@example.org", pick(200000));
			int64_t assignee = open && pick(100) < 60 ? 1000 + c->dept_id * 10 + pick(8) : 0;
			int64_t first = new_st ? 0 : created + (int64_t)(unit() * 2 * 86400);
			/* solved ones were solved in the last 7 days: older ones the worker's
			 * auto-close (REQ_AUTO_CLOSE_DAYS) would have closed already */
			int64_t solved = solved_st ? now - (int64_t)(unit() * 6 * 86400)
				       : !open ? created + (int64_t)(unit() * 10 * 86400) : 0;
			if (solved_st && solved < created)
				solved = created + 3600;
			if (solved && first > solved)
				first = solved;
			int64_t closed = !strcmp(status, "closed") ? solved + 7 * 86400 : 0;
			int64_t updated = closed ? closed : solved ? solved : first ? first : created;
			if (updated > now)
				updated = now;

			store_stmt *st = store_prepare(s, ins_req);
			if (!st)
				return 1;
			int k = 1;
			store_bind_int(st, k++, id);
			store_bind_text(st, k++, ref);
			store_bind_int(st, k++, c->id);
			store_bind_int(st, k++, c->dept_id);
			store_bind_text(st, k++, c->located ? (pick(4) ? "report" : "complaint")
							  : ci == 5 ? "suggestion" : ci == 4 ? "question" : "complaint");
			store_bind_text(st, k++, channel);
			store_bind_text(st, k++, status);
			store_bind_text(st, k++, prio);
			store_bind_text(st, k++, desc);
			if (c->located) {
				store_bind_double(st, k++, 33.55 + unit() * 0.06);
				store_bind_double(st, k++, -7.65 + unit() * 0.1);
				store_bind_text(st, k++, streets[pick(N(streets))]);
			} else {
				k += 3;
			}
			if (!anon)
				store_bind_int(st, k, 100 + pick(100000));
			k++;
			store_bind_text(st, k++, anon ? "Citoyen" : NULL);
			store_bind_text(st, k++, anon ? email : NULL);
			store_bind_text(st, k++, NULL);
			store_bind_text(st, k++, langs[li]);
			store_bind_int(st, k++, c->public);
			store_bind_text(st, k++, attrs);
			if (assignee)
				store_bind_int(st, k, assignee);
			k++;
			store_bind_int(st, k++, overdue);
			store_bind_int(st, k++, open);
			store_bind_int(st, k++, due);
			if (first)
				store_bind_int(st, k, first);
			k++;
			if (solved)
				store_bind_int(st, k, solved);
			k++;
			if (closed)
				store_bind_int(st, k, closed);
			k++;
			if (solved && pick(100) < 20)
				store_bind_int(st, k, 1 + pick(5));
			k++;
			store_bind_int(st, k++, (int64_t)text_simhash(desc, dl));
			store_bind_int(st, k++, created);
			store_bind_int(st, k++, updated);
			if (store_step(st) != STORE_DONE) {
				fprintf(stderr, "gen_requests: insert failed at %ld: %s\n", done, store_errmsg(s));
				return 1;
			}
			store_done(st);
			st = store_prepare(s, ins_ev);
			store_bind_int(st, 1, id);
			store_bind_int(st, 2, created);
			store_bind_text(st, 3, anon ? "Citoyen" : "");
			if (store_step(st) != STORE_DONE)
				return 1;
			store_done(st);
			if (open) {
				nopen++;
				noverdue += overdue;
				for (int t = 0; t < 2; t++) {
					int64_t tb = t ? budget : budget / 5;
					bool fulfilled = t == 0 && first;
					const char *state = fulfilled ? "fulfilled" : !strcmp(status, "pending") ? "paused" : "running";
					bool running = !strcmp(state, "running");
					st = store_prepare(s, ins_clock);
					store_bind_int(st, 1, id);
					store_bind_text(st, 2, t ? "resolution" : "first_response");
					store_bind_text(st, 3, state);
					store_bind_int(st, 4, tb);
					if (running)
						store_bind_int(st, 5, created);
					if (running)
						store_bind_int(st, 6, t ? res_due : created + tb);
					store_bind_int(st, 7, running && (t ? res_due : created + tb) < now);
					if (store_step(st) != STORE_DONE)
						return 1;
					store_done(st);
					st = store_prepare(s, ins_cev);
					store_bind_int(st, 1, id);
					store_bind_text(st, 2, t ? "resolution" : "first_response");
					store_bind_int(st, 3, created);
					if (store_step(st) != STORE_DONE)
						return 1;
					store_done(st);
				}
			}
		}
		if (!store_commit(s))
			return 1;
		store_exec(s, "PRAGMA wal_checkpoint(PASSIVE)");
	}
	store_exec(s, "PRAGMA synchronous=NORMAL; PRAGMA wal_checkpoint(TRUNCATE);");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("gen_requests: %ld requests (%ld open, %ld overdue) in %.1f s (%.0f/s)\n", n, nopen, noverdue, secs, n / secs);
	store_close(s);
	return 0;
}
