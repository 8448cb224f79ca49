/* Sentiment training (sentiment.h: sent_train) with liblinear: features,
 * weighting (idf or binary, NB-LR scaling), C by cross-validation, one-vs-rest
 * logistic regressions, int8 quantisation; optionally one such model per
 * group of languages (a routed model). */
#include <linear.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "text/sentiment.h"
#include "text/sentiment_impl.h"

#define seterr sent_seterr

static void quiet(const char *s) { (void)s; }

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static double macro_f1(const double *y, const double *pred, size_t n, unsigned nl)
{
	double f = 0;
	for (unsigned l = 0; l < nl; l++) {
		double tp = 0, fp = 0, fn = 0;
		for (size_t i = 0; i < n; i++) {
			bool g = (int)y[i] == (int)l, p = (int)pred[i] == (int)l;
			tp += g && p, fp += !g && p, fn += g && !p;
		}
		f += tp ? 2 * tp / (2 * tp + fp + fn) : 0;
	}
	return f / nl;
}

static double now_sec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* NB-LR (Wang & Manning 2012): scales each feature of the binary problem
 * x[0..k) / yy by its naive-Bayes log-count ratio r_j = log((p_j/|p|)/(q_j/|q|)),
 * p and q = 1 + number of positive and negative messages having it. *r gets
 * r (F floats), *space the scaled copies, and x[] is pointed at them. 0, or -1
 * when out of memory. */
static int nb_scale(struct feature_node **x, const double *yy, size_t k, size_t F, float **r,
                    struct feature_node **space)
{
	double *pc = calloc(F, sizeof *pc), *qc = calloc(F, sizeof *qc), ps = 0, qs = 0;
	size_t total = 0;
	*r = malloc(F * sizeof **r);
	for (size_t i = 0; i < k; i++)
		for (const struct feature_node *e = x[i]; ; e++) {
			total++;
			if (e->index <= 0)
				break;
		}
	*space = malloc(total * sizeof **space);
	if (!pc || !qc || !*r || !*space) {
		free(pc);
		free(qc);
		free(*r);
		free(*space);
		*r = NULL, *space = NULL;
		return -1;
	}
	for (size_t j = 0; j < F; j++)
		pc[j] = qc[j] = 1;
	for (size_t i = 0; i < k; i++)
		for (const struct feature_node *e = x[i]; e->index > 0 && (size_t)e->index <= F; e++)
			(yy[i] > 0 ? pc : qc)[e->index - 1] += 1;
	for (size_t j = 0; j < F; j++)
		ps += pc[j], qs += qc[j];
	for (size_t j = 0; j < F; j++)
		(*r)[j] = (float)log((pc[j] / ps) / (qc[j] / qs));
	free(pc);
	free(qc);
	size_t u = 0;
	for (size_t i = 0; i < k; i++) {
		const struct feature_node *e = x[i];
		x[i] = *space + u;
		for (;; e++) {
			(*space)[u] = *e;
			if (e->index > 0 && (size_t)e->index <= F)
				(*space)[u].value *= (*r)[e->index - 1];
			u++;
			if (e->index <= 0)
				break;
		}
	}
	return 0;
}

/* One-vs-rest logistic regressions (liblinear L2R_LR, one binary problem per
 * label) on the examples sel[0..ns) of full; label l is learnt only from the
 * examples whose corpus annotates it (bit l of known[i]), so that a corpus
 * without "neu" does not teach that its dialect is never neutral. Weights go
 * to w (F x nl, feature-major), biases to bias. A label without positive and
 * negative examples gets zero weights and a bias of -10. 0, or -1 when
 * liblinear fails. */
static int train_ovr(const struct problem *full, const unsigned *known, const size_t *sel, size_t ns, unsigned nl,
                     double C, float *w, float *bias, size_t F, bool nb)
{
	struct feature_node **x = malloc((ns ? ns : 1) * sizeof *x);
	double *yy = malloc((ns ? ns : 1) * sizeof *yy);
	int rc = -1;
	if (!x || !yy)
		goto done;
	for (unsigned l = 0; l < nl; l++) {
		size_t k = 0, npos = 0;
		for (size_t s = 0; s < ns; s++) {
			size_t i = sel[s];
			if (!(known[i] & (1u << l)))
				continue;
			x[k] = full->x[i];
			yy[k] = (unsigned)full->y[i] == l ? 1 : -1;
			npos += yy[k] > 0;
			k++;
		}
		if (npos == 0 || npos == k) {
			for (size_t j = 0; j < F; j++)
				w[j * nl + l] = 0;
			bias[l] = npos ? 10.0f : -10.0f;
			continue;
		}
		float *r = NULL;
		struct feature_node *nbspace = NULL;
		if (nb && nb_scale(x, yy, k, F, &r, &nbspace))
			goto done;
		struct problem p = {(int)k, full->n, yy, x, 1.0};
		struct parameter par = {.solver_type = L2R_LR, .eps = 0.01, .C = C, .p = 0.1};
		struct model *lm = train(&p, &par);
		if (nb) {
			/* x[] pointed into nbspace: give them back */
			size_t kk = 0;
			for (size_t s = 0; s < ns; s++)
				if (known[sel[s]] & (1u << l))
					x[kk++] = full->x[sel[s]];
		}
		free(nbspace);
		if (!lm) {
			free(r);
			goto done;
		}
		int li = lm->label[0] == 1 ? 0 : 1;
		for (size_t j = 0; j < F; j++)
			w[j * nl + l] = (float)get_decfun_coef(lm, (int)j + 1, li) * (r ? r[j] : 1.0f);
		bias[l] = (float)get_decfun_bias(lm, li);
		free(r);
		free_and_destroy_model(&lm);
	}
	rc = 0;
done:
	free(x);
	free(yy);
	return rc;
}

/* Label index with the highest decision value for a liblinear instance,
 * among the labels of mask (as `--labels` does for a pos/neg corpus). */
static double predict_nodes(const struct feature_node *x, const float *w, const float *bias, unsigned nl, size_t F,
                            unsigned mask)
{
	double dec[SENT_MAX_LABELS];
	for (unsigned l = 0; l < nl; l++)
		dec[l] = bias[l];
	for (; x->index > 0; x++)
		if ((size_t)x->index <= F)
			for (unsigned l = 0; l < nl; l++)
				dec[l] += w[(size_t)(x->index - 1) * nl + l] * x->value;
	int best = -1;
	for (unsigned l = 0; l < nl; l++)
		if ((mask & (1u << l)) && (best < 0 || dec[l] > dec[best]))
			best = (int)l;
	return best < 0 ? 0 : best;
}

/* Gives each feature of xs[0..n) its value: with idf, the smoothed inverse
 * document frequency over these n messages (ln((n+1)/(df+1)) + 1, quantised
 * as the model stores it, kept in m->idf), else 1; then each message's vector
 * is L2-normalised (the bias node, last before the terminator, stays 1).
 * 0, or -1 when out of memory. */
static int weigh_features(sent_model *m, struct feature_node **xs, size_t n, bool idf)
{
	size_t F = (size_t)1 << m->bits;
	float of[256];
	if (idf) {
		uint32_t *df = calloc(F, sizeof *df);
		m->idf = malloc(F);
		if (!df || !m->idf) {
			free(df);
			return -1;
		}
		for (size_t i = 0; i < n; i++)
			for (const struct feature_node *x = xs[i]; x->index > 0; x++)
				if ((size_t)x->index <= F)
					df[x->index - 1]++;
		m->idf_max = (float)(log((n + 1.0) / 1.0) + 1);
		for (size_t j = 0; j < F; j++)
			m->idf[j] = df[j] ? sent_idf_quantise(log((n + 1.0) / (df[j] + 1.0)) + 1, m->idf_max) : 0;
		free(df);
		for (int q = 0; q < 256; q++)
			of[q] = sent_idf_value((uint8_t)q, m->idf_max);
	}
	for (size_t i = 0; i < n; i++) {
		double norm2 = 0;
		struct feature_node *x = xs[i];
		for (; x->index > 0 && (size_t)x->index <= F; x++) {
			x->value = idf ? of[m->idf[x->index - 1]] : 1.0;
			norm2 += x->value * x->value;
		}
		double v = norm2 > 0 ? 1.0 / sqrt(norm2) : 0;
		for (x = xs[i]; x->index > 0 && (size_t)x->index <= F; x++)
			x->value *= v;
	}
	return 0;
}


/* Labelled, featurised training messages; nodes point into space. */
struct trainset {
	size_t n;
	struct feature_node **xs, *space;
	double *y;
	unsigned *known;      /* bit l: the message's corpus annotates label l */
	enum text_lang *lang; /* text_featurizer_lang of the message */
};

static void trainset_free(struct trainset *t)
{
	free(t->xs);
	free(t->space);
	free(t->y);
	free(t->known);
	free(t->lang);
}

/* Sorted distinct labels of labels[0..n) into m; false (err set) when there
 * are fewer than 2, more than SENT_MAX_LABELS or a malformed one. */
static bool collect_labels(sent_model *m, const char *const *labels, size_t n, char *err, size_t errlen)
{
	const char **uniq = malloc((n ? n : 1) * sizeof *uniq);
	if (!uniq) {
		seterr(err, errlen, "out of memory");
		return false;
	}
	memcpy(uniq, labels, n * sizeof *uniq);
	qsort(uniq, n, sizeof *uniq, cmp_str);
	bool ok = true;
	for (size_t i = 0; i < n && ok; i++) {
		if (i && !strcmp(uniq[i], uniq[i - 1]))
			continue;
		if (m->nl >= SENT_MAX_LABELS || strlen(uniq[i]) == 0 || strlen(uniq[i]) >= SENT_LABEL_MAX ||
		    strchr(uniq[i], ',')) {
			seterr(err, errlen, "too many labels or a bad label: '%s'", uniq[i]);
			ok = false;
		} else
			strcpy(m->labels[m->nl++], uniq[i]);
	}
	free(uniq);
	if (ok && m->nl < 2) {
		seterr(err, errlen, "need at least two labels");
		ok = false;
	}
	return ok;
}

/* Featurises texts[0..n) into t (values 1 until weigh_features; a bias node
 * of index 2^bits + 1 ends every message), with labels as indices of m's
 * labels and the label sets of corpus_labels. 0, or -1 when out of memory. */
static int featurise(struct trainset *t, const sent_model *m, const char *const *labels, const char *const *texts,
                     size_t n, const char *const *corpus_labels)
{
	text_featurizer *f = text_featurizer_new(m->bits);
	size_t cap = n * 64 + 1024, used = 0;
	size_t *start = malloc((n ? n : 1) * sizeof *start);
	*t = (struct trainset){.n = n};
	t->space = malloc(cap * sizeof *t->space);
	t->xs = malloc((n ? n : 1) * sizeof *t->xs);
	t->y = malloc((n ? n : 1) * sizeof *t->y);
	t->known = malloc((n ? n : 1) * sizeof *t->known);
	t->lang = malloc((n ? n : 1) * sizeof *t->lang);
	if (!f || !start || !t->space || !t->xs || !t->y || !t->known || !t->lang)
		goto oom;
	for (size_t i = 0; i < n; i++) {
		const uint32_t *idx;
		size_t k = text_features(f, texts[i], strlen(texts[i]), &idx);
		t->lang[i] = text_featurizer_lang(f);
		uint32_t tmp[TEXT_FEAT_MAX];
		memcpy(tmp, idx, k * sizeof *tmp);
		qsort(tmp, k, sizeof *tmp, cmp_u32);
		if (used + k + 2 > cap) {
			while (used + k + 2 > cap)
				cap *= 2;
			struct feature_node *ns = realloc(t->space, cap * sizeof *t->space);
			if (!ns)
				goto oom;
			t->space = ns;
		}
		start[i] = used;
		for (size_t j = 0; j < k; j++)
			t->space[used++] = (struct feature_node){(int)tmp[j] + 1, 1.0};
		t->space[used++] = (struct feature_node){(1 << m->bits) + 1, 1.0};
		t->space[used++] = (struct feature_node){-1, 0};
		int id = sent_model_label_index(m, labels[i]);
		t->y[i] = id;
		const char *cl = corpus_labels ? corpus_labels[i] : NULL;
		t->known[i] = cl ? 0 : (1u << m->nl) - 1;
		for (unsigned l = 0; cl && l < m->nl; l++) {
			char key[SENT_LABEL_MAX + 2], list[256];
			snprintf(key, sizeof key, ",%s,", m->labels[l]);
			snprintf(list, sizeof list, ",%s,", cl);
			if (strstr(list, key))
				t->known[i] |= 1u << l;
		}
		t->known[i] |= 1u << (unsigned)id;
	}
	for (size_t i = 0; i < n; i++)
		t->xs[i] = t->space + start[i];
	free(start);
	text_featurizer_free(f);
	return 0;
oom:
	free(start);
	text_featurizer_free(f);
	trainset_free(t);
	*t = (struct trainset){0};
	return -1;
}

/* The day, as the version strings carry it. */
static void today(char *out, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(out, len, "%Y-%m-%d", &tm);
}

/* Fills m's "labels" list (comma-separated) into out. */
static void label_list(const sent_model *m, char *out, size_t len)
{
	out[0] = 0;
	for (unsigned l = 0; l < m->nl; l++)
		snprintf(out + strlen(out), len - strlen(out), "%s%s", l ? "," : "", m->labels[l]);
}

/* Copies h into a new header string, control characters other than newlines
 * blanked; false when out of memory. */
static bool set_header(sent_model *m, const char *h)
{
	m->header = strdup(h);
	if (!m->header)
		return false;
	for (char *c = m->header; *c; c++)
		if ((unsigned char)*c < 0x20 && *c != '\n')
			*c = ' ';
	return true;
}

/* Trains the single model m (bits and labels set) on the messages
 * xs/y/known[0..n) (their node values are rewritten by the weighting), C by
 * cross-validation when o->C <= 0; what names the group in the header ("" for
 * none). 0, or -1 with err set. */
static int fit(sent_model *m, struct feature_node **xs, double *y, const unsigned *known, size_t n,
               const sent_train_opts *o, const char *what, char *err, size_t errlen)
{
	int folds = o->folds ? o->folds : 3;
	double budget = o->cv_seconds > 0 ? o->cv_seconds : 300;
	size_t F = (size_t)1 << m->bits;
	float *w = malloc(F * m->nl * sizeof *w);
	double *target = malloc((n ? n : 1) * sizeof *target);
	size_t *sel = malloc((n ? n : 1) * sizeof *sel);
	int rc = -1;
	if (!w || !target || !sel || weigh_features(m, xs, n, !o->binary)) {
		seterr(err, errlen, "out of memory");
		goto done;
	}
	struct problem prob = {(int)n, (int)F + 1, y, xs, 1.0};
	set_print_string_function(quiet);
	double cv_best = -1, C = o->C > 0 ? o->C : 1;
	if (o->C <= 0) {
		static const double grid[] = {0.5, 1, 2, 4, 8, 16, 32};
		double t0 = now_sec(), bestC = 1;
		int worse = 0;
		for (size_t g = 0; g < sizeof grid / sizeof *grid; g++) {
			for (int fold = 0; fold < folds; fold++) {
				size_t ns = 0;
				for (size_t i = 0; i < n; i++)
					if ((int)(i % (size_t)folds) != fold)
						sel[ns++] = i;
				if (train_ovr(&prob, known, sel, ns, m->nl, grid[g], w, m->bias, F, o->nb)) {
					seterr(err, errlen, "liblinear training failed");
					goto done;
				}
				for (size_t i = (size_t)fold; i < n; i += (size_t)folds)
					target[i] = predict_nodes(xs[i], w, m->bias, m->nl, F, known[i]);
			}
			double score = macro_f1(y, target, n, m->nl);
			if (o->verbose)
				fprintf(stderr, "cv%s%s C=%g macro-F1=%.4f (%.0fs)\n", *what ? " " : "", what, grid[g], score,
				        now_sec() - t0);
			if (score > cv_best)
				cv_best = score, bestC = grid[g], worse = 0;
			else if (++worse >= 2)
				break;
			if (now_sec() - t0 > budget)
				break;
		}
		C = bestC;
	}
	for (size_t i = 0; i < n; i++)
		sel[i] = i;
	if (train_ovr(&prob, known, sel, n, m->nl, C, w, m->bias, F, o->nb)) {
		seterr(err, errlen, "liblinear training failed");
		goto done;
	}
	/* weights into our layout, quantised on a square-root scale */
	m->q = malloc(F * m->nl);
	if (!m->q) {
		seterr(err, errlen, "out of memory");
		goto done;
	}
	for (unsigned l = 0; l < m->nl; l++) {
		float mx = 0;
		for (size_t j = 0; j < F; j++)
			if (fabsf(w[j * m->nl + l]) > mx)
				mx = fabsf(w[j * m->nl + l]);
		m->scale[l] = mx;
	}
	for (size_t i = 0; i < F * m->nl; i++) {
		float s = m->scale[i % m->nl];
		float a = s > 0 ? sqrtf(fabsf(w[i]) / s) : 0;
		int q = (int)lrintf(a * 127.0f);
		m->q[i] = (int8_t)(w[i] < 0 ? -q : q);
	}
	sent_dequantise(m);
	char labs[SENT_MAX_LABELS * SENT_LABEL_MAX + 8], day[16], head[4096];
	label_list(m, labs, sizeof labs);
	today(day, sizeof day);
	snprintf(m->version, sizeof m->version, "majlis-sentiment/1 %s%s%s C=%g n=%zu", day, *what ? " " : "", what, C, n);
	snprintf(head, sizeof head,
	         "version=%s\nbits=%u\nlabels=%s\nquant=sqrt-int8\nfeatures=" SENT_FEATURES_ID "\n"
	         "solver=L2R_LR one-vs-rest, each label on the corpora that annotate it%s\nC=%g\n%s"
	         "cv_macro_f1=%.4f\nexamples=%zu\nnote=%s\n",
	         m->version, m->bits, labs, o->nb ? ", NB-LR feature scaling" : "", C,
	         m->idf ? "weighting=idf\n" : "", cv_best, n, o->note ? o->note : "");
	if (!set_header(m, head)) {
		seterr(err, errlen, "out of memory");
		goto done;
	}
	rc = 0;
done:
	free(w);
	free(target);
	free(sel);
	return rc;
}

/* Trains one single model per group of o->groups into the routed model m
 * (bits, labels set), each on the messages whose language routes to it. */
static int fit_groups(sent_model *m, struct trainset *t, const sent_train_opts *o, char *err, size_t errlen)
{
	unsigned ng;
	if (!sent_parse_groups(o->groups, m->route, &ng)) {
		seterr(err, errlen, "bad groups '%s' (e.g. ar,ar-Latn,und/fr/en)", o->groups);
		return -1;
	}
	struct feature_node **xs = malloc((t->n ? t->n : 1) * sizeof *xs);
	double *y = malloc((t->n ? t->n : 1) * sizeof *y);
	unsigned *known = malloc((t->n ? t->n : 1) * sizeof *known);
	int rc = -1;
	if (!xs || !y || !known) {
		seterr(err, errlen, "out of memory");
		goto done;
	}
	char spec[256], sizes[256] = "";
	snprintf(spec, sizeof spec, "%s", o->groups);
	char *save = NULL, *name = strtok_r(spec, "/", &save);
	for (unsigned g = 0; g < ng; g++, name = strtok_r(NULL, "/", &save)) {
		size_t k = 0;
		for (size_t i = 0; i < t->n; i++)
			if (m->route[t->lang[i]] == g)
				xs[k] = t->xs[i], y[k] = t->y[i], known[k] = t->known[i], k++;
		if (k == 0) {
			seterr(err, errlen, "no training message in group %s", name);
			goto done;
		}
		sent_model *sub = calloc(1, sizeof *sub);
		if (!sub) {
			seterr(err, errlen, "out of memory");
			goto done;
		}
		m->sub[m->ng++] = sub;
		sub->bits = m->bits;
		sub->nl = m->nl;
		memcpy(sub->labels, m->labels, sizeof sub->labels);
		char what[96];
		snprintf(what, sizeof what, "group=%s", name);
		if (o->verbose)
			fprintf(stderr, "group %s: %zu examples\n", name, k);
		if (fit(sub, xs, y, known, k, o, what, err, errlen))
			goto done;
		snprintf(sizes + strlen(sizes), sizeof sizes - strlen(sizes), "%s%s:%zu", g ? " " : "", name, k);
	}
	char labs[SENT_MAX_LABELS * SENT_LABEL_MAX + 8], day[16], head[4096];
	label_list(m, labs, sizeof labs);
	today(day, sizeof day);
	snprintf(m->version, sizeof m->version, "majlis-sentiment/2 %s groups=%s n=%zu", day, o->groups, t->n);
	snprintf(head, sizeof head,
	         "version=%s\nbits=%u\nlabels=%s\nfeatures=" SENT_FEATURES_ID "\ngroups=%s\n"
	         "examples=%zu (%s)\nnote=%s\n",
	         m->version, m->bits, labs, o->groups, t->n, sizes, o->note ? o->note : "");
	if (!set_header(m, head)) {
		seterr(err, errlen, "out of memory");
		goto done;
	}
	rc = 0;
done:
	free(xs);
	free(y);
	free(known);
	return rc;
}

sent_model *sent_train(const char *const *labels, const char *const *texts, size_t n,
                       const sent_train_opts *o, char *err, size_t errlen)
{
	sent_train_opts opts = o ? *o : (sent_train_opts){0};
	unsigned bits = opts.bits ? opts.bits : 17;
	struct trainset t = {0};
	sent_model *m = calloc(1, sizeof *m);
	if (!m) {
		seterr(err, errlen, "out of memory");
		return NULL;
	}
	if (bits < TEXT_FEAT_MIN_BITS || bits > TEXT_FEAT_MAX_BITS) {
		seterr(err, errlen, "bits out of range");
		goto fail;
	}
	m->bits = bits;
	if (!collect_labels(m, labels, n, err, errlen))
		goto fail;
	if (featurise(&t, m, labels, texts, n, opts.corpus_labels)) {
		seterr(err, errlen, "out of memory");
		goto fail;
	}
	int rc = opts.groups && *opts.groups ? fit_groups(m, &t, &opts, err, errlen)
	                                     : fit(m, t.xs, t.y, t.known, n, &opts, "", err, errlen);
	if (rc)
		goto fail;
	trainset_free(&t);
	return m;
fail:
	trainset_free(&t);
	sent_model_free(m);
	return NULL;
}
