/* bench/participation/gen_participation.c — the issue-4 dataset, through the
 * project's own code where it matters:
 *
 *   accounts    --users N (1,000,000) rows inserted directly (prepared INSERT in
 *               transactions of 50,000; a fixed dummy password hash: nobody logs
 *               in, sessions are inserted below), created 30 days ago so that a
 *               minimum-account-age setting never refuses them
 *   sessions    --sessions K (first K accounts) rows in `sessions`, token =
 *               the account id as 64 decimal digits ("%064lld"), stored as
 *               hash_hex(token) exactly as src/features/accounts/sessions.c
 *               does: the Lua voter builds the cookie from the id alone
 *   consultation one open consultation through consult_apply_input + consult_insert
 *   comments    --comments C (100,000) through comment_create() itself (checks,
 *               rate limits, duplicate check, comment_counts, search index,
 *               spam check), each from a different account and "IP"; ~15 %
 *               are replies to a recent top-level comment; unique texts
 *   poll        one open single-choice poll with 4 options, --votes V
 *               (1,000,000) ballots through poll_vote() itself, one per
 *               account 1..V (one transaction each, the engine's own path);
 *               prints the in-process votes/s
 *   fresh poll  a second open poll with no ballot, for the HTTP voting run
 *
 * Writes KEY=VALUE lines (consultation, poll, fresh_poll, csrf_cookie,
 * csrf_token, ...) to --out for the shell script.
 *
 * The database must exist with the demo departments: `majlis init --db PATH --demo`.
 * Usage: gen_participation --db PATH --out FILE [--users N] [--sessions K]
 *                          [--comments C] [--votes V] [--seed S]
 */
#include "app/app.h"
#include "core/arena.h"
#include "core/util.h"
#include "features/accounts/accounts.h"
#include "features/comments/comments.h"
#include "features/consultations/consultations.h"
#include "features/polls/polls.h"
#include "http/auth.h"
#include "http/csrf.h"
#include "store/store.h"
#include "web/page.h"
#include <sodium.h>
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

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *const openers[] = {
	"أنا مع هذا المشروع لكن", "نطالب الجماعة بأن", "صراحة الحي ديالنا محتاج", "شكرا على المبادرة، ولكن",
	"Je soutiens le projet, mais", "Il faudrait d'abord", "Bonne idée : pensez aussi à", "Franchement,",
	"I support this, but", "Please consider", "Good plan; what about", "In our street,",
};
static const char *const middles[] = {
	"الإنارة العمومية في الشارع الرئيسي", "حفر الطريق قرب المدرسة", "جمع النفايات مرتين في الأسبوع",
	"المساحات الخضراء للأطفال", "مواقف السيارات أمام السوق", "الماء الصالح للشرب في الدوار",
	"l'éclairage de l'avenue principale", "les trottoirs près de l'école", "le ramassage des déchets le samedi",
	"un terrain de sport pour les jeunes", "les bus vers la zone industrielle", "la sécurité au carrefour",
	"the potholes near the market", "street lights on the main road", "a bike lane to the university",
	"more bins in the park", "the bus timetable on Fridays", "parking around the clinic",
};
static const char *const closers[] = {
	"خاصها تكون أولوية.", "في أقرب وقت من فضلكم.", "وشكرا لكم.", "لأن الوضع لم يعد يحتمل.",
	"doit passer en priorité.", "avant l'été, s'il vous plaît.", "merci d'avance.", "c'est urgent.",
	"should come first.", "before the rainy season.", "thank you.", "it is getting worse every month.",
};

int main(int argc, char **argv)
{
	const char *db = NULL, *outpath = NULL;
	long users = 1000000, sessions = 200000, ncomments = 100000, votes = 1000000;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--db") && i + 1 < argc) db = argv[++i];
		else if (!strcmp(argv[i], "--out") && i + 1 < argc) outpath = argv[++i];
		else if (!strcmp(argv[i], "--users") && i + 1 < argc) users = atol(argv[++i]);
		else if (!strcmp(argv[i], "--sessions") && i + 1 < argc) sessions = atol(argv[++i]);
		else if (!strcmp(argv[i], "--comments") && i + 1 < argc) ncomments = atol(argv[++i]);
		else if (!strcmp(argv[i], "--votes") && i + 1 < argc) votes = atol(argv[++i]);
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc) rng_state ^= strtoull(argv[++i], NULL, 10) * 0x2545F4914F6CDD1Dull;
		else {
			fprintf(stderr, "usage: %s --db PATH --out FILE [--users N] [--sessions K] [--comments C] [--votes V] [--seed S]\n", argv[0]);
			return 2;
		}
	}
	if (!db || !outpath || votes > users || sessions > users || ncomments > users) {
		fprintf(stderr, "gen_participation: --db and --out required; votes, sessions, comments <= users\n");
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	app_store_setup();
	char *err = NULL;
	store *s = store_open(db, &err);
	if (!s) {
		fprintf(stderr, "gen_participation: %s\n", err ? err : "cannot open");
		return 1;
	}
	store_exec(s, "PRAGMA synchronous=OFF; PRAGMA cache_size=-262144");
	comments_init();
	consultations_init();
	polls_init();
	int64_t now = now_s();
	int64_t dept = store_scalar(s, 0, "SELECT min(id) FROM departments", "");
	int64_t first_uid = store_scalar(s, 0, "SELECT coalesce(max(id), 0) FROM users", "") + 1;
	if (!dept) {
		fprintf(stderr, "gen_participation: no department (run majlis init --demo first)\n");
		return 1;
	}

	/* ---- accounts and sessions ---- */
	double t0 = mono();
	static const char *const langs[] = {"ar", "ar", "fr", "en"};
	for (long i = 0; i < users; i++) {
		if (i % 50000 == 0 && !store_begin(s))
			return 1;
		char email[64], name[64];
		snprintf(email, sizeof email, "voter%ld@bench.invalid", i);
		snprintf(name, sizeof name, "Voter %ld", i);
		if (store_run(s, "INSERT INTO users(id, email, name, password_hash, lang, created_at) VALUES (?, ?, ?, ?, ?, ?)",
			      "itttti", (int64_t)(first_uid + i), email, name, "$bench$not-a-hash", langs[i % 4],
			      now - 30 * 86400) != 1) {
			fprintf(stderr, "users: %s\n", store_errmsg(s));
			return 1;
		}
		if (i % 50000 == 49999 || i == users - 1)
			store_commit(s);
	}
	double t1 = mono();
	fprintf(stderr, "accounts: %ld in %.1f s\n", users, t1 - t0);
	for (long i = 0; i < sessions; i++) {
		if (i % 50000 == 0 && !store_begin(s))
			return 1;
		char token[65], hash[65];
		snprintf(token, sizeof token, "%064lld", (long long)(first_uid + i));
		hash_hex(hash, token, 64);
		if (store_run(s, "INSERT INTO sessions(token_hash, user_id, created_at, expires_at, ip) VALUES (?, ?, ?, ?, ?)",
			      "tiiit", hash, (int64_t)(first_uid + i), now, now + 30 * 86400, "127.0.0.1") != 1) {
			fprintf(stderr, "sessions: %s\n", store_errmsg(s));
			return 1;
		}
		if (i % 50000 == 49999 || i == sessions - 1)
			store_commit(s);
	}
	double t2 = mono();
	fprintf(stderr, "sessions: %ld in %.1f s\n", sessions, t2 - t1);

	/* ---- consultation and comments ---- */
	arena *a = arena_new();
	char opens[32], closes[32];
	time_t o = (time_t)(now - 86400), c = (time_t)(now + 60 * 86400);
	strftime(opens, sizeof opens, "%Y-%m-%dT%H:%M", gmtime(&o));
	strftime(closes, sizeof closes, "%Y-%m-%dT%H:%M", gmtime(&c));
	const char *dslug = arena_strdup(a, "");
	{
		store_stmt *st = store_prepare(s, "SELECT slug FROM departments WHERE id = ?");
		store_bind_int(st, 1, dept);
		if (store_step(st) == STORE_ROW)
			dslug = arena_strdup(a, store_text(st, 0));
		store_done(st);
	}
	struct consult_input in = {
		.title = "مشروع تهيئة الشارع الرئيسي — Aménagement de l'avenue principale",
		.lang = "ar",
		.body = "تدعو الجماعة الساكنة إلى إبداء الرأي في **مشروع تهيئة الشارع الرئيسي**: الأرصفة، الإنارة، مواقف السيارات.\n\n"
			"La commune invite les habitants à donner leur avis sur le projet.",
		.dept = dslug, .opens_at = opens, .closes_at = closes, .allow_proposals = "0",
	};
	struct consultation cons = {0};
	struct form_errors fe = {0};
	if (!consult_apply_input(s, a, &in, &cons, &fe)) {
		fprintf(stderr, "consultation input refused (%d errors: %s %s)\n", fe.n, fe.n ? fe.field[0] : "",
			fe.n ? fe.key[0] : "");
		return 1;
	}
	cons.published = true;
	cons.author_id = 1;
	int64_t cid = consult_insert(s, &cons);
	if (cid <= 0) {
		fprintf(stderr, "consult_insert failed: %s\n", store_errmsg(s));
		return 1;
	}
	int64_t *tops = malloc(sizeof *tops * (size_t)(ncomments + 1));
	long ntops = 0, refused = 0;
	for (long i = 0; i < ncomments; i++) {
		arena *ca = arena_new();
		struct principal who = {.user_id = first_uid + i, .name = arena_printf(ca, "Voter %ld", i)};
		char ip[32];
		snprintf(ip, sizeof ip, "10.%ld.%ld.%ld", (i >> 16) & 255, (i >> 8) & 255, i & 255);
		const char *body = arena_printf(ca, "%s %s %s (#%ld)", openers[pick(N(openers))], middles[pick(N(middles))],
						closers[pick(N(closers))], i);
		int64_t parent = (ntops > 10 && pick(100) < 15) ? tops[ntops - 1 - pick(ntops < 200 ? (unsigned)ntops : 200)] : 0;
		struct comment out;
		struct comment_result res;
		if (comment_create(s, ca, &who, ip, "consultation", cid, parent, body, &out, &res)) {
			if (!parent)
				tops[ntops++] = out.id;
		} else if (++refused <= 5) {
			fprintf(stderr, "comment %ld refused: %d %s\n", i, res.status, res.key ? res.key : "");
		}
		arena_free(ca);
	}
	double t3 = mono();
	int64_t stored = store_scalar(s, -1, "SELECT count(*) FROM comments WHERE target_type = 'consultation' AND target_id = ?", "i", cid);
	fprintf(stderr, "comments: %lld stored (%ld top-level, %ld refused) in %.1f s (%.0f/s through comment_create)\n",
		(long long)stored, ntops, refused, t3 - t2, (double)ncomments / (t3 - t2));
	if (stored < ncomments * 99 / 100) {
		fprintf(stderr, "gen_participation: too many comments refused\n");
		return 1;
	}

	/* ---- polls ---- */
	const char *const opts[] = {"نعم — Oui — Yes", "لا — Non — No", "ربما — Peut-être — Maybe", "بدون رأي — Sans avis — No opinion"};
	struct poll p = {.dept_id = dept, .created_by = 1, .question = "هل توافق على تحويل الشارع الرئيسي إلى شارع للراجلين؟",
			 .max_choices = 1, .opens_at = now - 86400, .closes_at = now + 60 * 86400};
	if (poll_create(s, &p, opts, 4) <= 0)
		return 1;
	int64_t optid[4];
	{
		store_stmt *st = store_prepare(s, "SELECT id FROM poll_options WHERE poll_id = ? ORDER BY position");
		store_bind_int(st, 1, p.id);
		for (int k = 0; k < 4 && store_step(st) == STORE_ROW; k++)
			optid[k] = store_int(st, 0);
		store_done(st);
	}
	long bad = 0;
	double t4 = mono();
	for (long i = 0; i < votes; i++) {
		unsigned r = pick(100);
		int64_t choice = optid[r < 48 ? 0 : r < 80 ? 1 : r < 92 ? 2 : 3];
		enum vote_result v = poll_vote(s, p.id, first_uid + i, &choice, 1, now);
		if (v != VOTE_OK && ++bad <= 5)
			fprintf(stderr, "vote %ld: %s\n", i, vote_result_key(v));
		/* the one-ballot rule, in-process: every 100,000th voter tries again */
		if (i % 100000 == 0 && poll_vote(s, p.id, first_uid + i, &choice, 1, now) != VOTE_ALREADY) {
			fprintf(stderr, "gen_participation: a second ballot was not refused\n");
			return 1;
		}
	}
	double t5 = mono();
	fprintf(stderr, "poll %lld: %ld ballots through poll_vote in %.1f s (%.0f votes/s in-process, one transaction each), %ld refused\n",
		(long long)p.id, votes, t5 - t4, (double)votes / (t5 - t4), bad);
	struct poll fresh = p;
	fresh.id = 0;
	fresh.question = "Which day should the weekly market move to? / أي يوم للسوق الأسبوعي؟";
	const char *const fopts[] = {"Friday / الجمعة", "Saturday / السبت", "Sunday / الأحد"};
	if (poll_create(s, &fresh, fopts, 3) <= 0)
		return 1;
	int64_t fopt = store_scalar(s, 0, "SELECT min(id) FROM poll_options WHERE poll_id = ?", "i", fresh.id);

	/* ---- the CSRF pair (signed double submit, src/http/csrf.c) ---- */
	char *hex = NULL;
	{
		store_stmt *st = store_prepare(s, "SELECT value FROM settings WHERE key = 'csrf_secret'");
		if (store_step(st) == STORE_ROW)
			hex = arena_strdup(a, store_text(st, 0));
		store_done(st);
	}
	if (!hex) { /* as app_start would: create it now so that the server reads the same */
		char fresh_hex[65];
		random_hex(fresh_hex, 32);
		store_run(s, "INSERT INTO settings(key, value) VALUES ('csrf_secret', ?)", "t", fresh_hex);
		hex = arena_strdup(a, fresh_hex);
	}
	unsigned char key[32];
	if (sodium_hex2bin(key, 32, hex, 64, NULL, NULL, NULL) != 0)
		return 1;
	csrf_set_secret(key);
	const char *cookie = "0123456789abcdef0123456789abcdef";
	char tok[65];
	site_mac(cookie, tok); /* the same keyed BLAKE2b as csrf.c's token_for */

	FILE *f = fopen(outpath, "w");
	if (!f)
		return 1;
	fprintf(f, "CONSULTATION=%lld\nPOLL=%lld\nFRESH_POLL=%lld\nFRESH_OPTION=%lld\nFIRST_UID=%lld\nUSERS=%ld\nSESSIONS=%ld\n"
		   "COMMENTS=%lld\nVOTES=%ld\nCSRF_COOKIE=%s\nCSRF_TOKEN=%s\nINPROC_VOTES_PER_S=%.0f\n",
		(long long)cid, (long long)p.id, (long long)fresh.id, (long long)fopt, (long long)first_uid, users, sessions,
		(long long)stored, votes, cookie, tok, (double)votes / (t5 - t4));
	fclose(f);
	store_exec(s, "PRAGMA wal_checkpoint(TRUNCATE)");
	store_close(s);
	arena_free(a);
	free(tops);
	return 0;
}
