/* Opinion groups on a consultation, the Pol.is way.
 *
 * The math (opinion.c) knows nothing of HTTP or the database: from a matrix of
 * participants × statements holding votes (+1 agree, -1 disagree, 0 none) it
 *   1. keeps the participants with at least OPINION_MIN_VOTES votes;
 *   2. centres every statement's column: a cast vote becomes vote - mean of the
 *      votes cast on that statement, a missing vote becomes 0 (the column mean
 *      imputed, as Pol.is does);
 *   3. finds the two leading principal components by power iteration on the
 *      covariance XᵀX/(n-1) (never formed: v ← Xᵀ(Xv) over the sparse votes),
 *      the second after deflating the first; the start vector is deterministic
 *      and each component's sign is fixed (largest coordinate positive), so the
 *      same votes always give the same picture; a participant's projection is
 *      scaled by sqrt(active statements / their votes) (Pol.is), so that
 *      someone who voted on few statements is not pulled to the centre;
 *   4. groups the projected points with k-means for k = 2..5 (k-means++ seeding
 *      from a fixed seed, OPINION_RESTARTS restarts, the lowest inertia kept)
 *      and chooses k by the highest mean silhouette; below
 *      OPINION_CLEAR_SILHOUETTE the answer is "no clear groups" (everybody in
 *      one group);
 *   5. per group, the representative statements: for statement s, the group's
 *      agreement rate p_g = (agrees_g + 1) / (votes_g + 2) (Laplace-smoothed, as
 *      Pol.is) against the same rate p_r among everybody else; the statistic is
 *      the two-proportion z-score z = (p_g - p_r) / sqrt(p(1-p)(1/n_g + 1/n_r))
 *      with p the pooled raw rate; the same for disagreement. A statement
 *      represents the group when the group voted on it at least
 *      OPINION_MIN_REP_VOTES times, a majority of the group's votes on it go that
 *      way, and z >= OPINION_MIN_REP_Z (one-sided 95 %); the OPINION_MAX_REPS
 *      highest z are kept, highest first;
 *   6. the consensus statements: agreed by a strict majority of the votes cast
 *      in every group (each group at least OPINION_MIN_REP_VOTES votes on it),
 *      ordered by the lowest of the groups' agreement rates, highest first.
 * Everything is deterministic; 5,000 participants × 500 statements take well
 * under a second (silhouettes are exact, O(n²) in 2-D).
 *
 * Where the votes come from: a source registered at start-up by the feature
 * that owns them (comments and proposal supports); see opinion_register_source. */
#ifndef MAJLIS_FEATURES_INSIGHT_OPINION_H
#define MAJLIS_FEATURES_INSIGHT_OPINION_H
#include <stdbool.h>
#include <stdint.h>
#include "core/arena.h"
#include "store/store.h"

#define OPINION_MAX_PARTICIPANTS 5000
#define OPINION_MAX_STATEMENTS 500
#define OPINION_MIN_VOTES 3            /* votes a participant needs to be placed */
#define OPINION_MIN_PARTICIPANTS 6     /* fewer placed participants: no groups at all */
#define OPINION_KMIN 2
#define OPINION_KMAX 5
#define OPINION_RESTARTS 8
#define OPINION_SEED 0x6d616a6c6973ULL /* "majlis" */
#define OPINION_CLEAR_SILHOUETTE 0.5
#define OPINION_MIN_REP_VOTES 3
#define OPINION_MIN_REP_Z 1.645
#define OPINION_MAX_REPS 5
#define OPINION_MAX_CONSENSUS 10

/* The votes: row-major np × ns, votes[i * ns + j] in {-1, 0, 1} (0 = no vote). */
struct opinion_input {
	int np, ns;
	const signed char *votes;
};

enum opinion_status {
	OPINION_GROUPS,          /* clear groups found (k >= 2) */
	OPINION_NO_CLEAR_GROUPS, /* best mean silhouette below the threshold: one group */
	OPINION_TOO_FEW,         /* fewer than OPINION_MIN_PARTICIPANTS placed: no projection */
};

struct opinion_statement_stat {
	int statement;           /* column index */
	int direction;           /* +1 agree, -1 disagree */
	double group_rate;       /* raw share of the group's votes in that direction */
	double rest_rate;        /* the same among the others (0 when they cast none) */
	int group_votes, rest_votes;
	double z;                /* two-proportion z-score (representative); 0 for consensus */
};

struct opinion_group {
	int size;
	double cx, cy;           /* centroid in the projection */
	int nreps;
	struct opinion_statement_stat reps[OPINION_MAX_REPS];
};

struct opinion_result {
	enum opinion_status status;
	int nplaced;             /* participants kept (>= OPINION_MIN_VOTES votes) */
	int *placed;             /* their row indices in the input, ascending */
	double *x, *y;           /* their coordinates (NULL when OPINION_TOO_FEW) */
	int *group;              /* their group 0..k-1 (NULL when OPINION_TOO_FEW) */
	int k;                   /* groups (1 when no clear groups, 0 when too few) */
	double silhouette;       /* mean silhouette of the chosen k (0 if k < 2) */
	double silhouette_by_k[OPINION_KMAX + 1]; /* for k = 2..5; 0 when not tried */
	int best_k;              /* the k with the highest silhouette, even if unclear */
	double explained[2];     /* share of the total variance on each component */
	struct opinion_group groups[OPINION_KMAX];  /* ordered by size, largest first */
	int nconsensus;
	struct opinion_statement_stat consensus[OPINION_MAX_CONSENSUS];
};

/* Computes the groups of in into *out. Every array of *out is allocated in a
 * (the caller frees the arena). false when the input is out of bounds (np or
 * ns negative or above the maxima, a vote outside -1..1); *out is then zeroed. */
bool opinion_compute(arena *a, const struct opinion_input *in, struct opinion_result *out);

/* Projection alone (steps 1-3), exposed for tests: fills x[i], y[i] for the n
 * rows given in rows[] (indices into in) and the explained shares. false when
 * n < 2. */
bool opinion_project(arena *a, const struct opinion_input *in, const int *rows, int n, double *x, double *y,
		     double explained[2]);

/* k-means on n 2-D points (k-means++ from seed, restarts restarts, the best
 * inertia kept); labels[n] and centroids cx[k], cy[k] filled. Returns the
 * inertia, or -1 when n < k. Exposed for tests. */
double opinion_kmeans(const double *x, const double *y, int n, int k, uint64_t seed, int restarts, int *labels,
		      double *cx, double *cy);
/* Mean silhouette of a labelling with k groups (points in a singleton group
 * score 0). */
double opinion_silhouette(const double *x, const double *y, const int *labels, int n, int k);

/* ---- where the votes come from ---- */

/* One statement citizens voted on: a comment (votes up/down) or a proposal
 * (a support counts as +1; the source decides what, if anything, counts as -1). */
struct opinion_statement {
	int64_t id;              /* the source's id (comment id, proposal id) */
	const char *kind;        /* "comment" or "proposal" (static or arena) */
	const char *text;        /* plain text shown as the statement, arena-owned
	                          * (already redacted for public view; may be shortened) */
	const char *path;        /* its page on this site, or NULL; arena-owned */
};

struct opinion_vote {
	int64_t participant;     /* the voter's account id */
	int statement;           /* index into the statements array */
	signed char value;       /* +1 or -1 */
};

struct opinion_votes {
	struct opinion_statement *statements; /* at most OPINION_MAX_STATEMENTS */
	int nstatements;
	struct opinion_vote *votes;
	int nvotes;
};

/* Fills *out with the visible (not hidden, not deleted) statements of
 * consultation consultation_id and every vote on them, all in a. Returns false
 * on a database error. The statements beyond OPINION_MAX_STATEMENTS may be
 * dropped by the source (it should keep the most voted). */
typedef bool (*opinion_source_fn)(store *s, arena *a, int64_t consultation_id, struct opinion_votes *out);

/* Registers the source of votes (once, at start-up; the last registration
 * wins). Until one is registered the opinion pages say that no votes can be
 * read yet. */
void opinion_register_source(opinion_source_fn fn);
/* The registered source, or NULL. */
opinion_source_fn opinion_source(void);

/* Routes of the opinion pages (GET /consultations/:id/opinions and
 * GET /api/v1/consultations/:id/opinions); called by insight_pages_routes. */
void opinion_routes(void);

#endif
