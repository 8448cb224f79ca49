/* Insight's data layer on a real database: recording (language, sentiment
 * with the model version, aggregates), top terms and phrases, emerging terms
 * with a significance test, clusters, hotspots, drill-down, visibility,
 * forgetting, re-scoring; and the cost of insight_record. */
#include "tap.h"
#include "text/sentiment.h"
#include "app/app.h"
#include "core/config.h"
#include "core/util.h"
#include "features/insight/insight.h"
#include "jobs/jobs.h"
#include "store/migrate.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The budget of one insight_record: well under 1 ms; sanitizers cost ~5x. */
#if defined(__SANITIZE_ADDRESS__)
#define RECORD_BUDGET_US 5000
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RECORD_BUDGET_US 5000
#endif
#endif
#ifndef RECORD_BUDGET_US
#define RECORD_BUDGET_US 500
#endif

/* CPU microseconds of this thread (wall time is meaningless on a loaded box). */
static int64_t cpu_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static store *s;
static int64_t next_id = 1;

static bool rec(const char *source, int64_t dept, int64_t cat, const char *channel, const char *text, int32_t day,
		int hour)
{
	struct insight_msg m = {.source = source, .source_id = next_id++, .dept_id = dept, .category_id = cat,
				.channel = channel, .text = text, .at = (int64_t)day * 86400 + hour * 3600};
	return insight_record(s, &m);
}

static bool rec_at(const char *text, int32_t day, double lat, double lon, const char *area, int64_t cat)
{
	struct insight_msg m = {.source = "request", .source_id = next_id++, .dept_id = 1, .category_id = cat,
				.channel = "web", .text = text, .lat = lat, .lon = lon, .has_location = true, .area = area,
				.at = (int64_t)day * 86400 + 10 * 3600};
	return insight_record(s, &m);
}

static const char *str_col(arena *a, const char *sql, int64_t id)
{
	store_stmt *st = store_prepare(s, sql);
	const char *out = NULL;
	store_bind_int(st, 1, id);
	if (store_step(st) == STORE_ROW)
		out = arena_strdup(a, store_text(st, 0) ? store_text(st, 0) : "");
	store_done(st);
	return out;
}

static int64_t find_term(const struct insight_term *t, int n, const char *display)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(t[i].display, display))
			return t[i].count;
	return -1;
}

static const struct insight_emerging *find_em(const struct insight_emerging *e, int n, const char *display)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(e[i].display, display))
			return &e[i];
	return NULL;
}

/* Background chatter: varied messages without the test terms. */
static const char *const filler[] = {
	"الطريق مليئة بالحفر قرب المدرسة",
	"Les horaires de la mairie ne sont pas affichés",
	"The park needs more benches and shade",
	"bghit nsowel 3la lwatha2eq dyal sakan",
	"متى يفتح مكتب الحالة المدنية يوم السبت",
	"Le marché couvert est sale depuis des semaines",
	"Street lights near the stadium are off",
	"الحديقة العمومية تحتاج إلى تنظيف",
	"Demande de renseignement sur la taxe d'habitation",
	"fin kayn lbureau dyal tasjil",
};
#define NFILLER (sizeof filler / sizeof filler[0])

int main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	char dir[] = "/tmp/majlis-insight-XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	char path[256];
	snprintf(path, sizeof path, "%s/t.db", dir);
	app_store_setup();
	char *err = NULL, msg[512];
	int applied;
	s = store_open(path, &err);
	ok(s != NULL, "database opens");
	ok(migrate_apply(s, app_schemas, &applied, msg, sizeof msg), "migrations apply: %s", msg);
	struct config cfg;
	config_defaults(&cfg);
	insight_init(&cfg);
	const char *ver = insight_model_version();
	ok(*ver, "a sentiment model is loaded (version %s)", ver);
	{
		char err[256];
		sent_model *m = sent_model_default(err, sizeof err, NULL, 0);
		is_str(ver, m ? sent_model_version(m) : err, "the whole version string is kept (not cut)");
		sent_model_free(m);
	}
	arena *a = arena_new();

	/* ---- days ---- */
	int32_t d0 = insight_day_parse("2026-03-02"); /* a Monday */
	ok(d0 > 0, "day parse");
	char lbl[11];
	insight_day_format(d0, lbl);
	is_str(lbl, "2026-03-02", "day format round-trips");
	is_int(insight_day_parse("2026-02-30"), 0, "invalid date refused");
	is_int(insight_period_start(d0 + 3, INSIGHT_WEEK), d0, "week starts on Monday");
	is_int(insight_period_start(d0 + 3, INSIGHT_MONTH), insight_day_parse("2026-03-01"), "month start");
	is_int(insight_period_end(insight_day_parse("2026-02-01"), INSIGHT_MONTH), insight_day_parse("2026-02-28"),
	       "month end");
	is_int(insight_day_of((int64_t)d0 * 86400 + 3600), d0, "day of a time");

	/* ---- language and sentiment of each kind of message ---- */
	struct {
		const char *text, *lang, *sent;
	} cases[] = {
		{"الماء مقطوع في الحي منذ ثلاثة أيام ولا أحد يجيب", "ar", NULL},
		{"شكرا جزيلا للبلدية على الخدمة الممتازة، عمل رائع", "ar", "pos"},
		{"الضو مقطوع عندنا بزاف هادشي ماشي معقول", "ar", NULL},
		{"lma ma kaynach f 7ouma dyalna mn 3 iyam, 3afakom", "ar-Latn", NULL},
		{"L'eau est coupée depuis trois jours dans notre quartier, c'est inadmissible", "fr", "neg"},
		{"Thank you so much, the new park is wonderful and clean!", "en", "pos"},
	};
	int64_t first = next_id;
	store_begin(s);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		ok(rec("comment", 1, 10, "web", cases[i].text, d0 - 30, 9), "record message %zu", i);
	store_commit(s);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t sid = first + (int64_t)i;
		const char *lang = str_col(a, "SELECT lang FROM insight_messages WHERE source = 'comment' AND source_id = ?", sid);
		is_str(lang, cases[i].lang, cases[i].text);
		const char *sent = str_col(a, "SELECT sentiment FROM insight_messages WHERE source = 'comment' AND source_id = ?", sid);
		ok(sent && (!strcmp(sent, "pos") || !strcmp(sent, "neg") || !strcmp(sent, "neu")), "scored: %s", sent ? sent : "(null)");
		if (cases[i].sent)
			is_str(sent, cases[i].sent, "sentiment of a clear message");
		is_str(str_col(a, "SELECT model_version FROM insight_messages WHERE source = 'comment' AND source_id = ?", sid), ver,
		       "model version stored with the score");
	}
	struct insight_filter f0 = {.from_day = d0 - 30, .to_day = d0 - 30};
	struct insight_point *pts;
	int np = insight_series(s, a, &f0, &pts);
	is_int(np, 1, "one day in the series");
	is_int(pts[0].total, 6, "volume counts every message");
	is_int(pts[0].pos + pts[0].neg + pts[0].neu, 6, "sentiment counts add up");
	ok(pts[0].mean_confidence > 0.3 && pts[0].mean_confidence <= 1, "mean confidence %.2f", pts[0].mean_confidence);

	/* ---- emerging terms: two weeks, the previous one as baseline ---- */
	int32_t w1 = d0 - 7, w2 = d0; /* [w1, w1+6] before, [w2, w2+6] now */
	store_begin(s);
	for (int i = 0; i < 60; i++) /* baseline: filler, "coupure d'eau" twice, "trottoir" twice */
		rec("request", 1, 11, "web", filler[i % NFILLER], w1 + i % 7, 8);
	rec("request", 1, 11, "web", "Encore une coupure d'eau rue Tarik", w1 + 2, 9);
	rec("request", 1, 11, "web", "Coupure d'eau au quartier Hassan", w1 + 4, 9);
	rec("request", 1, 11, "web", "Le trottoir est cassé devant l'école", w1 + 1, 9);
	rec("request", 1, 11, "web", "Trottoir impraticable avenue Mohammed V", w1 + 5, 9);
	for (int i = 0; i < 60; i++)
		rec("request", 1, 11, "web", filler[(i + 3) % NFILLER], w2 + i % 7, 8);
	for (int i = 0; i < 25; i++) /* the rising one */
		rec("request", 1, 11, i % 2 ? "api" : "web", i % 3 ? "Coupure d'eau depuis ce matin dans tout le quartier" :
				 "Toujours pas d'eau, coupure d'eau totale", w2 + i % 7, 12);
	rec("request", 1, 11, "web", "Le trottoir est défoncé rue 5", w2 + 2, 9); /* 3 now vs 2 before: noise */
	rec("request", 1, 11, "web", "trottoir dangereux pour les enfants", w2 + 3, 9);
	rec("request", 1, 11, "web", "Réparez le trottoir svp", w2 + 4, 9);
	store_commit(s);

	struct insight_filter fw = {.from_day = w2, .to_day = w2 + 6};
	struct insight_term *tt;
	int nt = insight_top_terms(s, a, &fw, 1, 10, &tt);
	ok(nt > 0, "top terms");
	ok(nt > 0 && !strcmp(tt[0].display, "coupure"), "top term is coupure (got %s)", nt > 0 ? tt[0].display : "-");
	is_int(find_term(tt, nt, "coupure"), 25, "coupure counted once per message");
	is_int(find_term(tt, nt, "de"), -1, "stop words are not terms");
	nt = insight_top_terms(s, a, &fw, 2, 10, &tt);
	ok(nt > 0 && !strcmp(tt[0].display, "coupure eau"), "top phrase is 'coupure eau' (got %s)", nt > 0 ? tt[0].display : "-");
	struct insight_filter fch = fw;
	fch.channel = "api";
	nt = insight_top_terms(s, a, &fch, 1, 10, &tt);
	is_int(find_term(tt, nt, "coupure"), 12, "channel filter (per-message path)");

	struct insight_emerging *em;
	int ne = insight_emerging_terms(s, a, &fw, 1, 0, 0, 20, &em);
	ok(ne > 0, "emerging terms found (%d)", ne);
	const struct insight_emerging *e = find_em(em, ne, "coupure");
	ok(e != NULL, "coupure is emerging");
	if (e) {
		is_int(e->now, 25, "now count");
		is_int(e->before, 2, "before count");
		ok(e->g2 > 10.83 && e->p < 0.001, "significant: G2=%.1f p=%.2g", e->g2, e->p);
		ok(fabs(erfc(sqrt(e->g2 / 2)) - e->p) < 1e-12, "p is the chi-square(1) tail of G2");
	}
	ok(!find_em(em, ne, "trottoir"), "trottoir (3 vs 2) is not emerging with min_count 5");
	ne = insight_emerging_terms(s, a, &fw, 1, 1, 0.05, 50, &em);
	ok(!find_em(em, ne, "trottoir"), "trottoir is not significant even with min_count 1");
	ok(find_em(em, ne, "coupure") != NULL, "coupure still is");
	ne = insight_emerging_terms(s, a, &fw, 2, 0, 0, 20, &em);
	ok(find_em(em, ne, "coupure eau") != NULL, "the phrase 'coupure eau' is emerging");

	/* series by week over both weeks, with zero-filled periods */
	struct insight_filter fs = {.from_day = w1 - 7, .to_day = w2 + 6, .gran = INSIGHT_WEEK};
	np = insight_series(s, a, &fs, &pts);
	is_int(np, 3, "three weeks (one empty)");
	if (np == 3) {
		is_int(pts[0].total, 0, "empty week is zero");
		is_int(pts[1].total, 64, "previous week volume");
		is_int(pts[2].total, 88, "this week volume");
	}

	/* ---- breakdowns ---- */
	struct insight_slice *sl;
	int nsl = insight_breakdown(s, a, &fw, INSIGHT_BY_CHANNEL, 10, &sl);
	is_int(nsl, 2, "two channels this week");
	if (nsl == 2) {
		ok(!strcmp(sl[0].key, "web") && sl[0].total == 76, "web first: %s %lld", sl[0].key, (long long)sl[0].total);
		ok(!strcmp(sl[1].key, "api") && sl[1].total == 12, "then api: %s %lld", sl[1].key, (long long)sl[1].total);
		is_int(sl[0].pos + sl[0].neg + sl[0].neu, 76, "sentiment split of a slice");
	}
	nsl = insight_breakdown(s, a, &fw, INSIGHT_BY_CATEGORY, 10, &sl);
	ok(nsl == 1 && sl[0].id == 11 && sl[0].total == 88, "by category");

	/* ---- visibility ---- */
	store_begin(s);
	rec("request", 2, 20, "web", "Coupure d'eau signalée par le service 2", w2 + 1, 10);
	store_commit(s);
	int64_t only2[] = {2};
	struct insight_filter fv = fw;
	fv.depts = only2, fv.ndepts = 1;
	nt = insight_top_terms(s, a, &fv, 1, 10, &tt);
	is_int(find_term(tt, nt, "coupure"), 1, "a viewer of dept 2 sees only dept 2");
	fv.ndepts = 0;
	is_int(insight_top_terms(s, a, &fv, 1, 10, &tt), 0, "a viewer of no department sees nothing");

	/* ---- hotspots ---- */
	int32_t dh = d0 + 10;
	store_begin(s);
	for (int i = 0; i < 5; i++)
		rec_at("Dépôt sauvage d'ordures", dh, 34.0209 + i * 0.0003, -6.8416 + i * 0.0003, "Hassan", 30);
	rec_at("Nid de poule", dh, 34.0500, -6.8000, "Agdal", 31);
	rec_at("Ordures", dh, 34.0209, -6.8416, "Hassan", 31);
	store_commit(s);
	struct insight_filter fh = {.from_day = dh, .to_day = dh};
	struct insight_hotspot *hs;
	int nh = insight_hotspots(s, a, &fh, false, 10, &hs);
	is_int(nh, 3, "three cell x category hotspots");
	if (nh > 0) {
		is_int(hs[0].count, 5, "top cell count");
		is_int(hs[0].category_id, 30, "top cell category");
		ok(fabs(hs[0].lat - 34.0215) < 0.001 && fabs(hs[0].lon + 6.8410) < 0.001, "centre %.4f,%.4f", hs[0].lat, hs[0].lon);
		is_int(hs[0].cell, insight_cell_of(34.0209, -6.8416), "cell id matches the grid");
	}
	nh = insight_hotspots(s, a, &fh, true, 10, &hs);
	ok(nh >= 2 && !strcmp(hs[0].area, "Hassan") && hs[0].count == 5, "areas: Hassan first");
	struct insight_drill dr = {.f = fh, .cell = insight_cell_of(34.0209, -6.8416), .limit = 50};
	struct insight_item *it;
	is_int(insight_messages(s, a, &dr, &it), 6, "drill-down into a cell (both categories)");

	/* ---- drill-down ---- */
	struct insight_drill dt = {.f = fw, .term = "coupur", .limit = 10};
	int ni = insight_messages(s, a, &dt, &it);
	is_int(ni, 10, "drill-down by term, first page");
	ok(ni > 0 && strncmp(it[0].url, "/staff/requests/", 16) == 0, "request link %s", ni > 0 ? it[0].url : "");
	int total = ni;
	while (ni == 10) {
		dt.before_at = it[ni - 1].at, dt.before_id = it[ni - 1].id;
		ni = insight_messages(s, a, &dt, &it);
		total += ni;
	}
	is_int(total, 26, "keyset pages cover every message with the term (25 + dept 2's)");
	struct insight_drill ds = {.f = f0, .sentiment = "pos", .limit = 50};
	ni = insight_messages(s, a, &ds, &it);
	ok(ni >= 1, "drill-down by sentiment");
	for (int i = 0; i < ni; i++)
		is_str(it[i].sentiment, "pos", "only positive messages");

	/* ---- clusters ---- */
	int32_t today = insight_today();
	store_begin(s);
	const char *dups[] = {
		"انقطاع الماء في حي النهضة منذ يومين بدون أي إشعار",
		"انقطاع الماء في حي النهضة منذ يومين بدون اي اشعار!!",
		"انقطاع الماء في حي النهضة منذ يومين دون أي إشعار",
		"انقطاع الماء فى حى النهضة منذ يومين بدون أى إشعار من البلدية",
	};
	for (int i = 0; i < 4; i++)
		rec("comment", 3, 40, "web", dups[i], today, 1 + i);
	rec("comment", 3, 40, "web", "Les bus de la ligne 12 ne passent plus le dimanche", today, 6);
	rec("comment", 3, 41, "web", "The library should open on Friday evenings", today, 7);
	rec("comment", 3, 41, "web", "الإنارة العمومية معطلة في شارع الجيش الملكي", today, 8);
	store_commit(s);
	int nc = insight_clusters_compute(s, today);
	ok(nc >= 1, "clusters computed (%d)", nc);
	struct insight_filter fc = {.dept_id = 3};
	struct insight_cluster *cl;
	nc = insight_clusters(s, a, &fc, 10, &cl);
	is_int(nc, 1, "one cluster in dept 3 (the unrelated ones stay apart)");
	if (nc >= 1) {
		is_int(cl[0].size, 4, "the four near-duplicates");
		is_int(cl[0].category_id, 40, "cluster category");
		ok(strstr(cl[0].label, "الماء") || strstr(cl[0].label, "انقطاع") || strstr(cl[0].label, "النهضة"),
		   "labelled by its top terms: %s", cl[0].label);
		is_int(cl[0].nexamples, 3, "three examples");
		struct insight_drill dc = {.cluster_id = cl[0].id, .limit = 50};
		is_int(insight_messages(s, a, &dc, &it), 4, "drill-down into a cluster");
	}
	fc.depts = only2, fc.ndepts = 1;
	is_int(insight_clusters(s, a, &fc, 10, &cl), 0, "clusters respect visibility");

	/* ---- external text, excerpt masking, replace, forget ---- */
	store_begin(s);
	struct insight_msg ext = {.source = "external", .source_id = 9001, .channel = "facebook",
				  .text = "Appelez-moi au 0612345678, la route est dangereuse", .at = (int64_t)d0 * 86400};
	ok(insight_record(s, &ext), "external message");
	store_commit(s);
	const char *ex = str_col(a, "SELECT excerpt FROM insight_messages WHERE source = 'external' AND source_id = ?", 9001);
	ok(ex && strstr(ex, "[phone]") && !strstr(ex, "0612345678"), "excerpt is PII-masked: %s", ex ? ex : "");
	ok(str_col(a, "SELECT text FROM insight_messages WHERE source = 'external' AND source_id = ?", 9001) != NULL,
	   "external text kept");
	ok(*str_col(a, "SELECT coalesce(text, '') FROM insight_messages WHERE source = 'comment' AND source_id = ?", first) == 0,
	   "other sources' text is not copied");
	struct insight_filter fd = {.from_day = d0, .to_day = d0};
	np = insight_series(s, a, &fd, &pts);
	int64_t before_total = 0;
	for (int i = 0; i < np; i++)
		before_total += pts[i].total;
	store_begin(s);
	ok(insight_record(s, &ext), "recording the same message again replaces it");
	store_commit(s);
	np = insight_series(s, a, &fd, &pts);
	int64_t again = 0;
	for (int i = 0; i < np; i++)
		again += pts[i].total;
	is_int(again, before_total, "no double count");
	store_begin(s);
	ok(insight_forget(s, "external", 9001), "forget");
	ok(insight_forget(s, "external", 9001), "forget twice is harmless");
	store_commit(s);
	np = insight_series(s, a, &fd, &pts);
	int64_t after = 0;
	for (int i = 0; i < np; i++)
		after += pts[i].total;
	is_int(after, before_total - 1, "forgotten message leaves the aggregates");

	/* ---- aggregates agree with the messages ---- */
	is_int(store_scalar(s, -1, "SELECT sum(n) FROM insight_agg_sent", ""),
	       store_scalar(s, -2, "SELECT count(*) FROM insight_messages", ""), "agg volume = messages");
	is_int(store_scalar(s, -1, "SELECT sum(n_pos) FROM insight_agg_sent", ""),
	       store_scalar(s, -2, "SELECT count(*) FROM insight_messages WHERE sentiment = 'pos'", ""), "agg pos = messages");

	/* ---- cost of insight_record ---- */
	int64_t t0 = mono_us(), c0 = cpu_us();
	int N = 2000;
	store_begin(s);
	for (int i = 0; i < N; i++) {
		char buf[300];
		snprintf(buf, sizeof buf, "%s — %d %s", filler[i % NFILLER], i, i % 2 ? "coupure d'eau" : "الماء مقطوع");
		rec("survey", 4, 50, "web", buf, d0 - 100 + i % 60, 10);
	}
	store_commit(s);
	double us = (double)(mono_us() - t0) / N, cus = (double)(cpu_us() - c0) / N;
	diag("insight_record: %.1f us CPU (%.1f us wall) per message (%d messages, one transaction)", cus, us, N);
	ok(cus < RECORD_BUDGET_US, "insight_record under %d us of CPU (%.1f us)", RECORD_BUDGET_US, cus);

	/* ---- re-scoring after a model change ---- */
	int64_t nmsg = store_scalar(s, 0, "SELECT count(*) FROM insight_messages", "");
	store_run(s, "UPDATE insight_messages SET model_version = 'old-model', sentiment = 'neu'", "");
	/* make the aggregates match the fake old scores */
	store_run(s, "UPDATE insight_agg_sent SET n_neu = n_pos + n_neg + n_neu, n_pos = 0, n_neg = 0", "");
	int q = insight_rescore_enqueue(s);
	is_int(q, (int)((store_scalar(s, 0, "SELECT max(id) FROM insight_messages", "") -
			 store_scalar(s, 0, "SELECT min(id) FROM insight_messages", "")) / INSIGHT_RESCORE_BATCH + 1),
	       "one job per batch");
	is_int(insight_rescore_enqueue(s), 0, "queuing again adds nothing (keys)");
	t0 = mono_us(), c0 = cpu_us();
	int ran = jobs_run_due(s, &cfg, 1000);
	double secs = (double)(mono_us() - t0) / 1e6, csecs = (double)(cpu_us() - c0) / 1e6;
	ok(ran >= q, "jobs ran (%d)", ran);
	diag("re-score: %lld messages in %.3f s CPU (%.3f s wall) = %.0f messages/s of CPU", (long long)nmsg, csecs, secs,
	     (double)nmsg / csecs);
	is_int(store_scalar(s, -1, "SELECT count(*) FROM insight_messages WHERE model_version <> ?", "t", ver), 0,
	       "every message re-scored");
	is_int(store_scalar(s, -1, "SELECT sum(n_pos) FROM insight_agg_sent", ""),
	       store_scalar(s, -2, "SELECT count(*) FROM insight_messages WHERE sentiment = 'pos'", ""),
	       "aggregates fixed (pos)");
	is_int(store_scalar(s, -1, "SELECT sum(n_neu) FROM insight_agg_sent", ""),
	       store_scalar(s, -2, "SELECT count(*) FROM insight_messages WHERE sentiment = 'neu'", ""),
	       "aggregates fixed (neu)");
	is_int(store_scalar(s, -1, "SELECT sum(n) FROM insight_agg_sent", ""), nmsg, "volume unchanged");

	arena_free(a);
	store_close(s);
	insight_shutdown();
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	return done_testing();
}
