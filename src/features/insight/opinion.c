/* Opinion groups: the math (see opinion.h for the method and its statistic).
 * No HTTP, no database; every array lives in the caller's arena. */
#include "features/insight/opinion.h"
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define POWER_MAX_ITER 1000
#define POWER_EPS 1e-10
#define KMEANS_MAX_ITER 100

/* ---- a small deterministic PRNG (splitmix64) ---- */

static uint64_t rng_next(uint64_t *st)
{
	uint64_t z = (*st += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double rng_unit(uint64_t *st)
{
	return (double)(rng_next(st) >> 11) * (1.0 / 9007199254740992.0);
}

/* ---- projection ---- */

struct sparse {
	int n, ns;
	int *rowstart;   /* n + 1 */
	int *col;        /* nnz */
	double *val;     /* nnz, centred */
};

static double dot(const double *a, const double *b, int n)
{
	double s = 0;
	for (int i = 0; i < n; i++)
		s += a[i] * b[i];
	return s;
}

/* u = Xᵀ(Xv) / (n - 1); w is scratch of n. */
static void cov_apply(const struct sparse *X, const double *v, double *u, double *w)
{
	for (int i = 0; i < X->n; i++) {
		double s = 0;
		for (int e = X->rowstart[i]; e < X->rowstart[i + 1]; e++)
			s += X->val[e] * v[X->col[e]];
		w[i] = s;
	}
	memset(u, 0, sizeof *u * (size_t)X->ns);
	for (int i = 0; i < X->n; i++)
		for (int e = X->rowstart[i]; e < X->rowstart[i + 1]; e++)
			u[X->col[e]] += X->val[e] * w[i];
	double d = X->n > 1 ? (double)(X->n - 1) : 1.0;
	for (int j = 0; j < X->ns; j++)
		u[j] /= d;
}

/* The leading eigenvector of the covariance, orthogonal to prev (NULL for the
 * first) whose eigenvalue is prev_l; *lambda gets this one's eigenvalue. The
 * vector is zero when the deflated covariance is zero. */
static void power_iteration(const struct sparse *X, const double *prev, double prev_l, double *v, double *lambda,
			    double *u, double *w)
{
	int ns = X->ns;
	for (int j = 0; j < ns; j++)
		v[j] = 1.0 + 0.5 * sin((double)(j + 1) * 1.618);
	if (prev) {
		double p = dot(v, prev, ns);
		for (int j = 0; j < ns; j++)
			v[j] -= p * prev[j];
	}
	double nv = sqrt(dot(v, v, ns));
	if (nv < 1e-300) {
		memset(v, 0, sizeof *v * (size_t)ns);
		*lambda = 0;
		return;
	}
	for (int j = 0; j < ns; j++)
		v[j] /= nv;
	*lambda = 0;
	for (int it = 0; it < POWER_MAX_ITER; it++) {
		cov_apply(X, v, u, w);
		if (prev) {
			double p = dot(prev, v, ns);
			for (int j = 0; j < ns; j++)
				u[j] -= prev_l * p * prev[j];
			/* keep it orthogonal despite rounding */
			double q = dot(prev, u, ns);
			for (int j = 0; j < ns; j++)
				u[j] -= q * prev[j];
		}
		double nu = sqrt(dot(u, u, ns));
		if (nu < 1e-12) {
			memset(v, 0, sizeof *v * (size_t)ns);
			*lambda = 0;
			return;
		}
		double diff = 0;
		for (int j = 0; j < ns; j++) {
			double nvj = u[j] / nu;
			diff += (nvj - v[j]) * (nvj - v[j]);
			v[j] = nvj;
		}
		*lambda = nu;
		if (diff < POWER_EPS * POWER_EPS)
			break;
	}
	/* the sign: largest coordinate positive */
	int big = 0;
	for (int j = 1; j < ns; j++)
		if (fabs(v[j]) > fabs(v[big]) + 1e-12)
			big = j;
	if (v[big] < 0)
		for (int j = 0; j < ns; j++)
			v[j] = -v[j];
}

bool opinion_project(arena *a, const struct opinion_input *in, const int *rows, int n, double *x, double *y,
		     double explained[2])
{
	explained[0] = explained[1] = 0;
	if (n < 2 || in->ns < 1)
		return false;
	int ns = in->ns;
	double *sum = arena_alloc(a, sizeof *sum * (size_t)ns);
	int *cnt = arena_alloc(a, sizeof *cnt * (size_t)ns);
	int *nvotes = arena_alloc(a, sizeof *nvotes * (size_t)n);
	size_t nnz = 0;
	for (int r = 0; r < n; r++) {
		const signed char *row = in->votes + (size_t)rows[r] * (size_t)ns;
		for (int j = 0; j < ns; j++)
			if (row[j]) {
				sum[j] += row[j];
				cnt[j]++;
				nvotes[r]++;
				nnz++;
			}
	}
	int active = 0;
	for (int j = 0; j < ns; j++)
		if (cnt[j]) {
			active++;
			sum[j] /= cnt[j]; /* now the mean */
		}
	struct sparse X = {.n = n, .ns = ns};
	X.rowstart = arena_alloc(a, sizeof *X.rowstart * (size_t)(n + 1));
	X.col = arena_alloc(a, sizeof *X.col * (nnz ? nnz : 1));
	X.val = arena_alloc(a, sizeof *X.val * (nnz ? nnz : 1));
	size_t e = 0;
	double total = 0;
	for (int r = 0; r < n; r++) {
		X.rowstart[r] = (int)e;
		const signed char *row = in->votes + (size_t)rows[r] * (size_t)ns;
		for (int j = 0; j < ns; j++)
			if (row[j]) {
				X.col[e] = j;
				X.val[e] = row[j] - sum[j];
				total += X.val[e] * X.val[e];
				e++;
			}
	}
	X.rowstart[n] = (int)e;
	total /= (double)(n - 1);
	double *v1 = arena_alloc(a, sizeof *v1 * (size_t)ns), *v2 = arena_alloc(a, sizeof *v2 * (size_t)ns);
	double *u = arena_alloc(a, sizeof *u * (size_t)ns), *w = arena_alloc(a, sizeof *w * (size_t)n);
	double l1, l2;
	power_iteration(&X, NULL, 0, v1, &l1, u, w);
	power_iteration(&X, v1, l1, v2, &l2, u, w);
	if (total > 0) {
		explained[0] = l1 / total;
		explained[1] = l2 / total;
	}
	for (int r = 0; r < n; r++) {
		double px = 0, py = 0;
		for (int k = X.rowstart[r]; k < X.rowstart[r + 1]; k++) {
			px += X.val[k] * v1[X.col[k]];
			py += X.val[k] * v2[X.col[k]];
		}
		double scale = nvotes[r] ? sqrt((double)active / nvotes[r]) : 0;
		x[r] = px * scale;
		y[r] = py * scale;
	}
	return true;
}

/* ---- k-means ---- */

static double d2(double ax, double ay, double bx, double by)
{
	return (ax - bx) * (ax - bx) + (ay - by) * (ay - by);
}

/* One run of k-means++ then Lloyd; returns the inertia. */
static double kmeans_once(const double *x, const double *y, int n, int k, uint64_t *rng, int *lab, double *cx,
			  double *cy, double *dist, int *cnt)
{
	int first = (int)(rng_next(rng) % (uint64_t)n);
	cx[0] = x[first], cy[0] = y[first];
	for (int i = 0; i < n; i++)
		dist[i] = d2(x[i], y[i], cx[0], cy[0]);
	for (int c = 1; c < k; c++) {
		double tot = 0;
		for (int i = 0; i < n; i++)
			tot += dist[i];
		int pick = n - 1;
		if (tot <= 0) {
			pick = (int)(rng_next(rng) % (uint64_t)n);
		} else {
			double t = rng_unit(rng) * tot;
			for (int i = 0; i < n; i++) {
				t -= dist[i];
				if (t < 0) {
					pick = i;
					break;
				}
			}
		}
		cx[c] = x[pick], cy[c] = y[pick];
		for (int i = 0; i < n; i++) {
			double d = d2(x[i], y[i], cx[c], cy[c]);
			if (d < dist[i])
				dist[i] = d;
		}
	}
	for (int i = 0; i < n; i++)
		lab[i] = -1;
	for (int it = 0; it < KMEANS_MAX_ITER; it++) {
		bool changed = false;
		for (int i = 0; i < n; i++) {
			int best = 0;
			double bd = d2(x[i], y[i], cx[0], cy[0]);
			for (int c = 1; c < k; c++) {
				double d = d2(x[i], y[i], cx[c], cy[c]);
				if (d < bd)
					bd = d, best = c;
			}
			dist[i] = bd;
			if (lab[i] != best)
				lab[i] = best, changed = true;
		}
		if (!changed)
			break;
		for (int c = 0; c < k; c++)
			cx[c] = cy[c] = 0, cnt[c] = 0;
		for (int i = 0; i < n; i++) {
			cx[lab[i]] += x[i];
			cy[lab[i]] += y[i];
			cnt[lab[i]]++;
		}
		for (int c = 0; c < k; c++) {
			if (cnt[c]) {
				cx[c] /= cnt[c];
				cy[c] /= cnt[c];
				continue;
			}
			/* an empty cluster takes the point farthest from its centre */
			int far = 0;
			for (int i = 1; i < n; i++)
				if (dist[i] > dist[far])
					far = i;
			cx[c] = x[far], cy[c] = y[far];
			dist[far] = 0;
		}
	}
	double inertia = 0;
	for (int i = 0; i < n; i++)
		inertia += d2(x[i], y[i], cx[lab[i]], cy[lab[i]]);
	return inertia;
}

double opinion_kmeans(const double *x, const double *y, int n, int k, uint64_t seed, int restarts, int *labels,
		      double *cx, double *cy)
{
	if (k < 1 || n < k || k > OPINION_KMAX)
		return -1;
	arena *a = arena_new();
	int *lab = arena_alloc(a, sizeof *lab * (size_t)n);
	double *dist = arena_alloc(a, sizeof *dist * (size_t)n);
	double tcx[OPINION_KMAX], tcy[OPINION_KMAX];
	int cnt[OPINION_KMAX];
	uint64_t rng = seed ^ ((uint64_t)k << 32);
	double best = -1;
	for (int rs = 0; rs < (restarts < 1 ? 1 : restarts); rs++) {
		double in = kmeans_once(x, y, n, k, &rng, lab, tcx, tcy, dist, cnt);
		if (best < 0 || in < best - 1e-12) {
			best = in;
			memcpy(labels, lab, sizeof *lab * (size_t)n);
			memcpy(cx, tcx, sizeof *cx * (size_t)k);
			memcpy(cy, tcy, sizeof *cy * (size_t)k);
		}
	}
	arena_free(a);
	return best;
}

/* Mean silhouettes of nl labellings at once (one pass over the pairs). */
static void silhouettes(const double *x, const double *y, int n, int nl, const int *const *labels, const int *ks,
			double *out)
{
	arena *a = arena_new();
	/* sums[l][i * KMAX + c]: sum of distances from i to the members of group c under labelling l */
	double **sums = arena_alloc(a, sizeof *sums * (size_t)nl);
	int **sizes = arena_alloc(a, sizeof *sizes * (size_t)nl);
	for (int l = 0; l < nl; l++) {
		sums[l] = arena_alloc(a, sizeof **sums * (size_t)n * OPINION_KMAX);
		sizes[l] = arena_alloc(a, sizeof **sizes * OPINION_KMAX);
		for (int i = 0; i < n; i++)
			sizes[l][labels[l][i]]++;
	}
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++) {
			double d = sqrt(d2(x[i], y[i], x[j], y[j]));
			for (int l = 0; l < nl; l++) {
				sums[l][(size_t)i * OPINION_KMAX + labels[l][j]] += d;
				sums[l][(size_t)j * OPINION_KMAX + labels[l][i]] += d;
			}
		}
	for (int l = 0; l < nl; l++) {
		double tot = 0;
		for (int i = 0; i < n; i++) {
			int own = labels[l][i];
			if (sizes[l][own] <= 1)
				continue; /* a singleton scores 0 */
			double ai = sums[l][(size_t)i * OPINION_KMAX + own] / (sizes[l][own] - 1);
			double bi = INFINITY;
			for (int c = 0; c < ks[l]; c++)
				if (c != own && sizes[l][c] > 0) {
					double m = sums[l][(size_t)i * OPINION_KMAX + c] / sizes[l][c];
					if (m < bi)
						bi = m;
				}
			if (!isfinite(bi))
				continue;
			double mx = ai > bi ? ai : bi;
			if (mx > 0)
				tot += (bi - ai) / mx;
		}
		out[l] = n ? tot / n : 0;
	}
	arena_free(a);
}

double opinion_silhouette(const double *x, const double *y, const int *labels, int n, int k)
{
	double out = 0;
	if (n < 2 || k < 2)
		return 0;
	silhouettes(x, y, n, 1, &labels, &k, &out);
	return out;
}

/* ---- statements ---- */

/* Two-proportion z-score with smoothed rates and a pooled raw variance. */
static double ztest(int hits_g, int n_g, int hits_r, int n_r)
{
	if (n_g <= 0 || n_r <= 0)
		return 0;
	double pg = (hits_g + 1.0) / (n_g + 2.0), pr = (hits_r + 1.0) / (n_r + 2.0);
	double p = (double)(hits_g + hits_r) / (n_g + n_r);
	double se = sqrt(p * (1 - p) * (1.0 / n_g + 1.0 / n_r));
	if (se <= 0)
		return 0;
	return (pg - pr) / se;
}

static int cmp_stat_z(const void *a, const void *b)
{
	const struct opinion_statement_stat *x = a, *y = b;
	if (x->z != y->z)
		return x->z < y->z ? 1 : -1;
	return x->statement - y->statement;
}

static int cmp_stat_rate(const void *a, const void *b)
{
	const struct opinion_statement_stat *x = a, *y = b;
	if (x->group_rate != y->group_rate)
		return x->group_rate < y->group_rate ? 1 : -1;
	return x->statement - y->statement;
}

static void statements(arena *a, const struct opinion_input *in, struct opinion_result *o)
{
	int ns = in->ns, k = o->k;
	/* agree/disagree/votes per group per statement, and totals */
	int *ag = arena_alloc(a, sizeof *ag * (size_t)ns * (size_t)k);
	int *dg = arena_alloc(a, sizeof *dg * (size_t)ns * (size_t)k);
	int *ta = arena_alloc(a, sizeof *ta * (size_t)ns), *td = arena_alloc(a, sizeof *td * (size_t)ns);
	for (int r = 0; r < o->nplaced; r++) {
		const signed char *row = in->votes + (size_t)o->placed[r] * (size_t)ns;
		int g = o->group[r];
		for (int j = 0; j < ns; j++) {
			if (row[j] > 0)
				ag[(size_t)g * ns + j]++, ta[j]++;
			else if (row[j] < 0)
				dg[(size_t)g * ns + j]++, td[j]++;
		}
	}
	struct opinion_statement_stat *cand = arena_alloc(a, sizeof *cand * (size_t)ns);
	if (k >= 2)
		for (int g = 0; g < k; g++) {
			int nc = 0;
			for (int j = 0; j < ns; j++) {
				int A = ag[(size_t)g * ns + j], D = dg[(size_t)g * ns + j], N = A + D;
				int Ar = ta[j] - A, Dr = td[j] - D, Nr = Ar + Dr;
				if (N < OPINION_MIN_REP_VOTES || Nr <= 0)
					continue;
				double za = 2 * A > N ? ztest(A, N, Ar, Nr) : -INFINITY;
				double zd = 2 * D > N ? ztest(D, N, Dr, Nr) : -INFINITY;
				double z = za >= zd ? za : zd;
				if (!(z >= OPINION_MIN_REP_Z))
					continue;
				bool agree = za >= zd;
				cand[nc++] = (struct opinion_statement_stat){
					.statement = j, .direction = agree ? 1 : -1,
					.group_rate = (double)(agree ? A : D) / N, .rest_rate = (double)(agree ? Ar : Dr) / Nr,
					.group_votes = N, .rest_votes = Nr, .z = z};
			}
			qsort(cand, (size_t)nc, sizeof *cand, cmp_stat_z);
			struct opinion_group *gr = &o->groups[g];
			gr->nreps = nc < OPINION_MAX_REPS ? nc : OPINION_MAX_REPS;
			memcpy(gr->reps, cand, sizeof *cand * (size_t)gr->nreps);
		}
	int nc = 0;
	for (int j = 0; j < ns; j++) {
		double minrate = 1;
		bool all = true;
		for (int g = 0; g < k && all; g++) {
			int A = ag[(size_t)g * ns + j], N = A + dg[(size_t)g * ns + j];
			if (N < OPINION_MIN_REP_VOTES || 2 * A <= N)
				all = false;
			else if ((double)A / N < minrate)
				minrate = (double)A / N;
		}
		if (all)
			cand[nc++] = (struct opinion_statement_stat){.statement = j, .direction = 1, .group_rate = minrate,
								      .group_votes = ta[j] + td[j]};
	}
	qsort(cand, (size_t)nc, sizeof *cand, cmp_stat_rate);
	o->nconsensus = nc < OPINION_MAX_CONSENSUS ? nc : OPINION_MAX_CONSENSUS;
	memcpy(o->consensus, cand, sizeof *cand * (size_t)o->nconsensus);
}

/* ---- the whole computation ---- */

bool opinion_compute(arena *a, const struct opinion_input *in, struct opinion_result *o)
{
	memset(o, 0, sizeof *o);
	if (!in || in->np < 0 || in->ns < 0 || in->np > OPINION_MAX_PARTICIPANTS || in->ns > OPINION_MAX_STATEMENTS ||
	    (in->np && in->ns && !in->votes))
		return false;
	size_t cells = (size_t)in->np * (size_t)in->ns;
	for (size_t c = 0; c < cells; c++)
		if (in->votes[c] < -1 || in->votes[c] > 1)
			return false;
	o->placed = arena_alloc(a, sizeof *o->placed * (size_t)(in->np ? in->np : 1));
	for (int i = 0; i < in->np; i++) {
		int nv = 0;
		for (int j = 0; j < in->ns; j++)
			nv += in->votes[(size_t)i * in->ns + j] != 0;
		if (nv >= OPINION_MIN_VOTES)
			o->placed[o->nplaced++] = i;
	}
	int n = o->nplaced;
	if (n < OPINION_MIN_PARTICIPANTS) {
		o->status = OPINION_TOO_FEW;
		return true;
	}
	o->x = arena_alloc(a, sizeof *o->x * (size_t)n);
	o->y = arena_alloc(a, sizeof *o->y * (size_t)n);
	o->group = arena_alloc(a, sizeof *o->group * (size_t)n);
	opinion_project(a, in, o->placed, n, o->x, o->y, o->explained);

	int nk = 0, ks[OPINION_KMAX];
	int *labs[OPINION_KMAX];
	double cxs[OPINION_KMAX][OPINION_KMAX], cys[OPINION_KMAX][OPINION_KMAX], sil[OPINION_KMAX];
	for (int k = OPINION_KMIN; k <= OPINION_KMAX && k < n; k++) {
		labs[nk] = arena_alloc(a, sizeof **labs * (size_t)n);
		opinion_kmeans(o->x, o->y, n, k, OPINION_SEED, OPINION_RESTARTS, labs[nk], cxs[nk], cys[nk]);
		ks[nk++] = k;
	}
	silhouettes(o->x, o->y, n, nk, (const int *const *)labs, ks, sil);
	int best = 0;
	for (int l = 0; l < nk; l++) {
		o->silhouette_by_k[ks[l]] = sil[l];
		if (sil[l] > sil[best] + 1e-9)
			best = l;
	}
	o->best_k = ks[best];
	if (sil[best] < OPINION_CLEAR_SILHOUETTE) {
		o->status = OPINION_NO_CLEAR_GROUPS;
		o->k = 1;
		o->silhouette = sil[best];
		double sx = 0, sy = 0;
		for (int i = 0; i < n; i++)
			sx += o->x[i], sy += o->y[i], o->group[i] = 0;
		o->groups[0] = (struct opinion_group){.size = n, .cx = sx / n, .cy = sy / n};
	} else {
		o->status = OPINION_GROUPS;
		o->k = ks[best];
		o->silhouette = sil[best];
		/* order the groups: largest first, then by centroid x */
		int size[OPINION_KMAX] = {0}, order[OPINION_KMAX], rank[OPINION_KMAX];
		for (int i = 0; i < n; i++)
			size[labs[best][i]]++;
		for (int c = 0; c < o->k; c++)
			order[c] = c;
		for (int i = 1; i < o->k; i++)
			for (int j = i; j > 0; j--) {
				int p = order[j - 1], q = order[j];
				bool swap = size[q] > size[p] || (size[q] == size[p] && cxs[best][q] < cxs[best][p]);
				if (!swap)
					break;
				order[j - 1] = q, order[j] = p;
			}
		for (int c = 0; c < o->k; c++) {
			rank[order[c]] = c;
			o->groups[c] = (struct opinion_group){.size = size[order[c]], .cx = cxs[best][order[c]],
							     .cy = cys[best][order[c]]};
		}
		for (int i = 0; i < n; i++)
			o->group[i] = rank[labs[best][i]];
	}
	statements(a, in, o);
	return true;
}

/* ---- the source of votes ---- */

static opinion_source_fn the_source;

void opinion_register_source(opinion_source_fn fn)
{
	the_source = fn;
}

opinion_source_fn opinion_source(void)
{
	return the_source;
}
