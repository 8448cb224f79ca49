/* Opinion groups, the math (features/insight/opinion.c) on synthetic votes
 * where the right answer is known: two clear camps (k = 2, the right members,
 * representative statements in the right direction, the consensus), three
 * camps (k = 3), noise only (low silhouette: "no clear groups"), too few
 * participants, participants with too few votes left out, bad input refused,
 * determinism, k-means and the silhouette on hand-made points, and a
 * 5,000 × 500 run under a time budget. */
#include "tap.h"
#include "core/arena.h"
#include "core/util.h"
#include "features/insight/opinion.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(SANITIZED)
#define SANITIZED 1
#endif
#ifdef SANITIZED
#define SCALE_BUDGET_US (40LL * 1000 * 1000)
#else
#define SCALE_BUDGET_US (3LL * 1000 * 1000)
#endif

static uint64_t rng_state = 42;

static double unit(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (double)(z >> 11) / 9007199254740992.0;
}

/* Participants in camps (camp[i]); statement j leans to +1 for camp lean[j]
 * and -1 for the others (lean -1: everybody agrees); flip noise; skip missing. */
static signed char *camps(int np, int ns, const int *camp, const int *lean, double flip, double skip)
{
	signed char *v = calloc((size_t)np * (size_t)ns, 1);
	for (int i = 0; i < np; i++)
		for (int j = 0; j < ns; j++) {
			if (unit() < skip)
				continue;
			int want = lean[j] < 0 || lean[j] == camp[i] ? 1 : -1;
			if (unit() < flip)
				want = -want;
			v[(size_t)i * ns + j] = (signed char)want;
		}
	return v;
}

static bool has_rep(const struct opinion_group *g, int statement, int direction)
{
	for (int i = 0; i < g->nreps; i++)
		if (g->reps[i].statement == statement && g->reps[i].direction == direction)
			return true;
	return false;
}

static void two_camps(void)
{
	enum { NP = 40, NS = 22 };
	int camp[NP], lean[NS];
	for (int i = 0; i < NP; i++)
		camp[i] = i < 24 ? 0 : 1; /* 24 and 16: the larger group comes first */
	for (int j = 0; j < NS; j++)
		lean[j] = j < 10 ? 0 : j < 20 ? 1 : -1; /* 20, 21: everybody agrees */
	signed char *v = camps(NP, NS, camp, lean, 0.05, 0.1);
	arena *a = arena_new();
	struct opinion_input in = {NP, NS, v};
	struct opinion_result o;
	ok(opinion_compute(a, &in, &o), "two camps: computed");
	is_int(o.status, OPINION_GROUPS, "two camps: clear groups");
	is_int(o.k, 2, "two camps: k = 2");
	is_int(o.nplaced, NP, "two camps: everybody placed");
	ok(o.silhouette >= OPINION_CLEAR_SILHOUETTE, "two camps: silhouette %.3f above the threshold", o.silhouette);
	is_int(o.groups[0].size, 24, "two camps: largest group first (24)");
	is_int(o.groups[1].size, 16, "two camps: then 16");
	int wrong = 0;
	for (int i = 0; i < NP; i++)
		wrong += o.group[i] != camp[i];
	is_int(wrong, 0, "two camps: every participant in their camp's group");
	ok(has_rep(&o.groups[0], 0, 1) || has_rep(&o.groups[0], 1, 1) || has_rep(&o.groups[0], 2, 1),
	   "camp A: represented by agreeing with one of its own statements");
	bool dir_ok = true;
	for (int g = 0; g < 2; g++) {
		ok(o.groups[g].nreps > 0, "group %d has representative statements", g);
		for (int r = 0; r < o.groups[g].nreps; r++) {
			const struct opinion_statement_stat *s = &o.groups[g].reps[r];
			int expect = lean[s->statement] == g ? 1 : -1;
			if (lean[s->statement] < 0 || s->direction != expect || s->z < OPINION_MIN_REP_Z ||
			    (r && s->z > o.groups[g].reps[r - 1].z))
				dir_ok = false;
		}
	}
	ok(dir_ok, "representative statements: right direction, significant, highest z first, never the shared ones");
	ok(o.nconsensus == 2, "consensus: the two statements everybody agrees with (%d)", o.nconsensus);
	bool cons_ok = o.nconsensus == 2;
	for (int c = 0; c < o.nconsensus; c++)
		cons_ok = cons_ok && lean[o.consensus[c].statement] < 0 && o.consensus[c].group_rate > 0.5;
	ok(cons_ok, "consensus statements are 20 and 21");
	ok(o.explained[0] > 0.3 && o.explained[0] <= 1.0 && o.explained[1] < o.explained[0],
	   "first component explains most (%.2f, %.2f)", o.explained[0], o.explained[1]);

	/* determinism: the same input, the same answer */
	struct opinion_result o2;
	opinion_compute(a, &in, &o2);
	bool same = o2.k == o.k;
	for (int i = 0; i < NP && same; i++)
		same = o2.x[i] == o.x[i] && o2.y[i] == o.y[i] && o2.group[i] == o.group[i];
	ok(same, "deterministic: a second run gives the same points and groups");
	arena_free(a);
	free(v);
}

static void three_camps(void)
{
	enum { NP = 60, NS = 30 };
	int camp[NP], lean[NS];
	for (int i = 0; i < NP; i++)
		camp[i] = i % 3;
	for (int j = 0; j < NS; j++)
		lean[j] = j % 3;
	signed char *v = camps(NP, NS, camp, lean, 0.05, 0.2);
	arena *a = arena_new();
	struct opinion_input in = {NP, NS, v};
	struct opinion_result o;
	opinion_compute(a, &in, &o);
	is_int(o.status, OPINION_GROUPS, "three camps: clear groups");
	is_int(o.k, 3, "three camps: k = 3");
	/* every camp maps to one group, and the map is one-to-one */
	int map[3] = {-1, -1, -1};
	bool pure = true;
	for (int i = 0; i < NP; i++) {
		if (map[camp[i]] < 0)
			map[camp[i]] = o.group[i];
		else if (map[camp[i]] != o.group[i])
			pure = false;
	}
	ok(pure && map[0] != map[1] && map[1] != map[2] && map[0] != map[2], "three camps: each camp is one group");
	for (int g = 0; g < 3; g++)
		is_int(o.groups[g].size, 20, "three camps: 20 in each group");
	is_int(o.nconsensus, 0, "three camps: no consensus");
	diag("three camps: silhouettes k2 %.3f k3 %.3f k4 %.3f k5 %.3f", o.silhouette_by_k[2], o.silhouette_by_k[3],
	     o.silhouette_by_k[4], o.silhouette_by_k[5]);
	arena_free(a);
	free(v);
}

static void noise(void)
{
	enum { NP = 80, NS = 25 };
	signed char *v = calloc(NP * NS, 1);
	for (int c = 0; c < NP * NS; c++)
		v[c] = (signed char)(unit() < 0.15 ? 0 : unit() < 0.5 ? 1 : -1);
	arena *a = arena_new();
	struct opinion_input in = {NP, NS, v};
	struct opinion_result o;
	opinion_compute(a, &in, &o);
	is_int(o.status, OPINION_NO_CLEAR_GROUPS, "noise: no clear groups");
	ok(o.silhouette < OPINION_CLEAR_SILHOUETTE, "noise: low silhouette (%.3f, best k %d)", o.silhouette, o.best_k);
	is_int(o.k, 1, "noise: one group");
	is_int(o.groups[0].size, NP, "noise: with everybody");
	is_int(o.groups[0].nreps, 0, "noise: no representative statements without groups");
	arena_free(a);
	free(v);
}

static void edges(void)
{
	arena *a = arena_new();
	struct opinion_result o;
	/* 5 participants only */
	signed char few[5 * 4];
	for (int c = 0; c < 20; c++)
		few[c] = (signed char)(c % 3 - 1);
	struct opinion_input in = {5, 4, few};
	ok(opinion_compute(a, &in, &o), "too few: computed");
	is_int(o.status, OPINION_TOO_FEW, "too few: status");
	is_int(o.k, 0, "too few: no groups");
	ok(o.x == NULL && o.group == NULL, "too few: no projection");

	/* participants with fewer than OPINION_MIN_VOTES votes are not placed */
	enum { NP = 20, NS = 10 };
	signed char v[NP * NS];
	memset(v, 0, sizeof v);
	for (int i = 0; i < NP; i++)
		for (int j = 0; j < NS; j++)
			v[i * NS + j] = (signed char)((i < 10) == (j < 5) ? 1 : -1);
	v[3 * NS + 0] = 1;
	for (int j = 1; j < NS; j++)
		v[3 * NS + j] = 0;          /* participant 3: one vote */
	v[7 * NS + 0] = v[7 * NS + 1] = 1;
	for (int j = 2; j < NS; j++)
		v[7 * NS + j] = 0;          /* participant 7: two votes */
	struct opinion_input in2 = {NP, NS, v};
	opinion_compute(a, &in2, &o);
	is_int(o.nplaced, NP - 2, "two sparse voters left out");
	bool skipped = true;
	for (int r = 0; r < o.nplaced; r++)
		if (o.placed[r] == 3 || o.placed[r] == 7)
			skipped = false;
	ok(skipped, "the left-out rows are 3 and 7");
	is_int(o.k, 2, "and the two camps are still found");

	/* everybody votes the same: nothing to separate */
	memset(v, 1, sizeof v);
	opinion_compute(a, &in2, &o);
	is_int(o.status, OPINION_NO_CLEAR_GROUPS, "unanimous votes: no clear groups");
	is_int(o.nconsensus, OPINION_MAX_CONSENSUS, "unanimous votes: consensus capped at the maximum");

	/* bad input */
	signed char bad[12] = {1, 2, 0};
	struct opinion_input b1 = {3, 4, bad};
	ok(!opinion_compute(a, &b1, &o), "a vote of 2 is refused");
	struct opinion_input b2 = {OPINION_MAX_PARTICIPANTS + 1, 1, bad};
	ok(!opinion_compute(a, &b2, &o), "too many participants refused");
	struct opinion_input b3 = {1, OPINION_MAX_STATEMENTS + 1, bad};
	ok(!opinion_compute(a, &b3, &o), "too many statements refused");
	struct opinion_input b4 = {0, 0, NULL};
	ok(opinion_compute(a, &b4, &o) && o.status == OPINION_TOO_FEW, "empty input: too few");
	arena_free(a);
}

static void kmeans_silhouette(void)
{
	/* two tight pairs far apart */
	double x[] = {0, 0.1, 10, 10.1}, y[] = {0, 0, 0, 0};
	int lab[4];
	double cx[2], cy[2];
	double in = opinion_kmeans(x, y, 4, 2, 1, 4, lab, cx, cy);
	ok(fabs(in - 0.01) < 1e-9, "k-means inertia 0.01 (%g)", in);
	ok(lab[0] == lab[1] && lab[2] == lab[3] && lab[0] != lab[2], "k-means splits the pairs");
	/* silhouette by hand: a = 0.1; b = mean(10, 10.1) or mean(9.9, 10) */
	double want = 0;
	double b[4] = {10.05, 9.95, 9.95, 10.05};
	for (int i = 0; i < 4; i++)
		want += (b[i] - 0.1) / b[i];
	want /= 4;
	double got = opinion_silhouette(x, y, lab, 4, 2);
	ok(fabs(got - want) < 1e-9, "silhouette %.6f = %.6f by hand", got, want);
	is_int(opinion_kmeans(x, y, 1, 2, 1, 1, lab, cx, cy) < 0, 1, "k-means refuses n < k");
}

static void scale(void)
{
	enum { NP = OPINION_MAX_PARTICIPANTS, NS = OPINION_MAX_STATEMENTS };
	int *camp = malloc(sizeof *camp * NP), *lean = malloc(sizeof *lean * NS);
	for (int i = 0; i < NP; i++)
		camp[i] = i % 2;
	for (int j = 0; j < NS; j++)
		lean[j] = j % 2;
	signed char *v = camps(NP, NS, camp, lean, 0.1, 0.9); /* ~50 votes each */
	arena *a = arena_new();
	struct opinion_input in = {NP, NS, v};
	struct opinion_result o;
	int64_t t0 = mono_us();
	opinion_compute(a, &in, &o);
	int64_t us = mono_us() - t0;
	is_int(o.k, 2, "5,000 × 500: two groups");
	diag("5,000 x 500 sparse votes: %.0f ms", us / 1000.0);
	ok(us < SCALE_BUDGET_US, "5,000 × 500 within budget (%lld s)", (long long)(SCALE_BUDGET_US / 1000000));
	arena_free(a);
	free(v);
	free(camp);
	free(lean);
}

int main(void)
{
	two_camps();
	three_camps();
	noise();
	edges();
	kmeans_silhouette();
	scale();
	return done_testing();
}
