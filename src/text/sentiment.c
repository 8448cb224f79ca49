/* Sentiment model: load/save, prediction, training with liblinear. */
#include "text/sentiment.h"
#include <linear.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#define MAGIC "MJSENT01"
#define MAX_HEADER 65536
#define MAX_FILE (64u << 20)
/* Names the feature extraction of features.c; a model trained with another
 * one is refused. Change it whenever features.c changes what it emits. */
#define FEATURES_ID "majlis-feat/3 char2-5,word1-2,neg3,script,lexicon,lang-aug,l2norm"

struct sent_model {
	unsigned bits, nl;
	char labels[SENT_MAX_LABELS][SENT_LABEL_MAX];
	char *header;            /* "key=value\n" lines, NUL-terminated */
	char version[160];
	float scale[SENT_MAX_LABELS], bias[SENT_MAX_LABELS];
	int8_t *q;               /* quantised weights, 2^bits x nl (kept quantised in memory:
	                            4x smaller than floats, so prediction stays in cache) */
	float deq[SENT_MAX_LABELS][256]; /* q + 128 -> weight, per label */
};

static void seterr(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || !errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

void sent_model_free(sent_model *m)
{
	if (!m)
		return;
	free(m->header);
	free(m->q);
	free(m);
}

const char *sent_model_version(const sent_model *m) { return m->version; }
unsigned sent_model_bits(const sent_model *m) { return m->bits; }
unsigned sent_model_nlabels(const sent_model *m) { return m->nl; }
const char *sent_model_label(const sent_model *m, unsigned i) { return i < m->nl ? m->labels[i] : NULL; }

int sent_model_label_index(const sent_model *m, const char *name)
{
	for (unsigned i = 0; i < m->nl; i++)
		if (!strcmp(m->labels[i], name))
			return (int)i;
	return -1;
}

static float deq(int8_t q, float scale)
{
	float a = (float)(q < 0 ? -q : q) / 127.0f;
	return (q < 0 ? -1.0f : 1.0f) * a * a * scale;
}

/* Fills the dequantisation tables from m->scale. */
static int dequantise(sent_model *m)
{
	for (unsigned l = 0; l < m->nl; l++)
		for (int q = -128; q < 128; q++)
			m->deq[l][q + 128] = deq((int8_t)q, m->scale[l]);
	return 0;
}

static uint32_t rd32(const unsigned char *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static float rdf(const unsigned char *p)
{
	uint32_t u = rd32(p);
	float f;
	memcpy(&f, &u, sizeof f);
	return f;
}

/* Value of key in header text into out; false when absent. */
static bool header_get(const char *h, const char *key, char *out, size_t outlen)
{
	size_t kl = strlen(key);
	for (const char *p = h; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (!strncmp(p, key, kl) && p[kl] == '=') {
			const char *v = p + kl + 1, *e = strchr(v, '\n');
			size_t n = e ? (size_t)(e - v) : strlen(v);
			if (n >= outlen)
				n = outlen - 1;
			memcpy(out, v, n);
			out[n] = 0;
			return true;
		}
	}
	return false;
}

/* Parses "a,b,c" into m->labels; false on a bad list. */
static bool parse_labels(sent_model *m, const char *s)
{
	m->nl = 0;
	while (*s) {
		const char *e = strchr(s, ',');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n == 0 || n >= SENT_LABEL_MAX || m->nl >= SENT_MAX_LABELS)
			return false;
		memcpy(m->labels[m->nl], s, n);
		m->labels[m->nl++][n] = 0;
		s += n + (e ? 1 : 0);
	}
	return m->nl >= 2;
}

sent_model *sent_model_from_memory(const void *data, size_t len, char *err, size_t errlen)
{
	const unsigned char *p = data;
	sent_model *m = calloc(1, sizeof *m);
	char val[256];
	if (!m) {
		seterr(err, errlen, "out of memory");
		return NULL;
	}
	if (!data || len < 12 || memcmp(p, MAGIC, 8)) {
		seterr(err, errlen, "not a majlis sentiment model (bad magic)");
		goto fail;
	}
	uint32_t H = rd32(p + 8);
	if (H > MAX_HEADER || 12 + (size_t)H > len) {
		seterr(err, errlen, "bad header length");
		goto fail;
	}
	m->header = malloc(H + 1);
	if (!m->header)
		goto oom;
	memcpy(m->header, p + 12, H);
	m->header[H] = 0;
	if (strlen(m->header) != H) {
		seterr(err, errlen, "NUL in header");
		goto fail;
	}
	if (!header_get(m->header, "version", m->version, sizeof m->version) ||
	    !header_get(m->header, "bits", val, sizeof val)) {
		seterr(err, errlen, "header lacks version or bits");
		goto fail;
	}
	long bits = strtol(val, NULL, 10);
	if (bits < TEXT_FEAT_MIN_BITS || bits > TEXT_FEAT_MAX_BITS) {
		seterr(err, errlen, "bits out of range");
		goto fail;
	}
	m->bits = (unsigned)bits;
	if (!header_get(m->header, "labels", val, sizeof val) || !parse_labels(m, val)) {
		seterr(err, errlen, "bad labels");
		goto fail;
	}
	if (!header_get(m->header, "features", val, sizeof val) || strcmp(val, FEATURES_ID)) {
		seterr(err, errlen, "model made for other features (%s), retrain it", val);
		goto fail;
	}
	if (!header_get(m->header, "quant", val, sizeof val) || strcmp(val, "sqrt-int8")) {
		seterr(err, errlen, "unknown quantisation");
		goto fail;
	}
	size_t off = 12 + H;
	if (len - off < (size_t)m->nl * 8 + 4) {
		seterr(err, errlen, "truncated model");
		goto fail;
	}
	for (unsigned l = 0; l < m->nl; l++) {
		m->scale[l] = rdf(p + off + 4 * l);
		m->bias[l] = rdf(p + off + 4 * (m->nl + l));
		if (!isfinite(m->scale[l]) || !isfinite(m->bias[l]) || m->scale[l] < 0) {
			seterr(err, errlen, "bad scale or bias");
			goto fail;
		}
	}
	off += (size_t)m->nl * 8;
	uint32_t Z = rd32(p + off);
	off += 4;
	if (Z > len - off) {
		seterr(err, errlen, "truncated weights");
		goto fail;
	}
	size_t total = ((size_t)1 << m->bits) * m->nl;
	m->q = malloc(total);
	if (!m->q)
		goto oom;
	uLongf dl = (uLongf)total;
	if (uncompress((Bytef *)m->q, &dl, p + off, Z) != Z_OK || dl != total) {
		seterr(err, errlen, "corrupt weights");
		goto fail;
	}
	if (dequantise(m))
		goto oom;
	return m;
oom:
	seterr(err, errlen, "out of memory");
fail:
	sent_model_free(m);
	return NULL;
}

sent_model *sent_model_load(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	sent_model *m = NULL;
	if (!f) {
		seterr(err, errlen, "%s: cannot open", path);
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) || ftell(f) < 0 || ftell(f) > (long)MAX_FILE) {
		seterr(err, errlen, "%s: not a regular file or too large", path);
		goto done;
	}
	size_t len = (size_t)ftell(f);
	rewind(f);
	buf = malloc(len ? len : 1);
	if (!buf || fread(buf, 1, len, f) != len) {
		seterr(err, errlen, "%s: read error", path);
		goto done;
	}
	m = sent_model_from_memory(buf, len, err, errlen);
done:
	free(buf);
	fclose(f);
	return m;
}

static void wr32(FILE *f, uint32_t v)
{
	unsigned char b[4] = {v & 255, (v >> 8) & 255, (v >> 16) & 255, v >> 24};
	fwrite(b, 1, 4, f);
}
static void wrf(FILE *f, float x)
{
	uint32_t u;
	memcpy(&u, &x, sizeof u);
	wr32(f, u);
}

int sent_model_save(const sent_model *m, const char *path, char *err, size_t errlen)
{
	size_t total = ((size_t)1 << m->bits) * m->nl;
	uLongf zl = compressBound((uLong)total);
	unsigned char *z = malloc(zl);
	char tmp[4096];
	FILE *f = NULL;
	if (!z || compress2(z, &zl, (const Bytef *)m->q, (uLong)total, 9) != Z_OK) {
		seterr(err, errlen, "compression failed");
		goto fail;
	}
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) {
		seterr(err, errlen, "path too long");
		goto fail;
	}
	f = fopen(tmp, "wb");
	if (!f) {
		seterr(err, errlen, "%s: cannot create", tmp);
		goto fail;
	}
	size_t H = strlen(m->header);
	fwrite(MAGIC, 1, 8, f);
	wr32(f, (uint32_t)H);
	fwrite(m->header, 1, H, f);
	for (unsigned l = 0; l < m->nl; l++)
		wrf(f, m->scale[l]);
	for (unsigned l = 0; l < m->nl; l++)
		wrf(f, m->bias[l]);
	wr32(f, (uint32_t)zl);
	fwrite(z, 1, zl, f);
	if (ferror(f) | fclose(f)) {
		f = NULL;
		seterr(err, errlen, "%s: write error", tmp);
		goto fail;
	}
	f = NULL;
	if (rename(tmp, path)) {
		seterr(err, errlen, "%s: cannot rename", path);
		goto fail;
	}
	free(z);
	return 0;
fail:
	if (f)
		fclose(f);
	free(z);
	return -1;
}

int sent_predict(const sent_model *m, text_featurizer *f, const char *s, size_t n, unsigned mask,
                 double *confidence, double *prob)
{
	if (text_featurizer_bits(f) != m->bits)
		return -1;
	const uint32_t *idx;
	size_t k = text_features(f, s, n, &idx);
	unsigned nl = m->nl;
	float acc[SENT_MAX_LABELS] = {0};
	for (size_t i = 0; i < k; i++) {
		const int8_t *row = m->q + (size_t)idx[i] * nl;
		for (unsigned l = 0; l < nl; l++)
			acc[l] += m->deq[l][row[l] + 128];
	}
	double v = k ? 1.0 / sqrt((double)k) : 0, p[SENT_MAX_LABELS], sum = 0;
	for (unsigned l = 0; l < nl; l++) {
		p[l] = 1.0 / (1.0 + exp(-(acc[l] * v + m->bias[l])));
		sum += p[l];
	}
	if (!(mask & ((1u << nl) - 1)))
		mask = (1u << nl) - 1;
	int best = -1;
	double asum = 0;
	if (text_featurizer_tokens(f) == 0) {
		/* nothing to read: "neu" when allowed, at chance confidence */
		int neu = sent_model_label_index(m, "neu");
		unsigned allowed = (unsigned)__builtin_popcount(mask & ((1u << nl) - 1));
		for (unsigned l = 0; l < nl; l++) {
			if (prob)
				prob[l] = 1.0 / nl;
			if ((mask & (1u << l)) && (best < 0 || (int)l == neu))
				best = (int)l;
		}
		if (confidence)
			*confidence = 1.0 / allowed;
		return best;
	}
	for (unsigned l = 0; l < nl; l++) {
		p[l] /= sum;
		if (prob)
			prob[l] = p[l];
		if (!(mask & (1u << l)))
			continue;
		asum += p[l];
		if (best < 0 || p[l] > p[best])
			best = (int)l;
	}
	if (confidence)
		*confidence = asum > 0 ? p[best] / asum : 0;
	return best;
}

/* ---- training ---- */

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

/* One-vs-rest logistic regressions (liblinear L2R_LR, one binary problem per
 * label) on the examples sel[0..ns) of full; label l is learnt only from the
 * examples whose corpus annotates it (bit l of known[i]), so that a corpus
 * without "neu" does not teach that its dialect is never neutral. Weights go
 * to w (F x nl, feature-major), biases to bias. A label without positive and
 * negative examples gets zero weights and a bias of -10. 0, or -1 when
 * liblinear fails. */
static int train_ovr(const struct problem *full, const unsigned *known, const size_t *sel, size_t ns, unsigned nl,
                     double C, float *w, float *bias, size_t F)
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
		struct problem p = {(int)k, full->n, yy, x, 1.0};
		struct parameter par = {.solver_type = L2R_LR, .eps = 0.01, .C = C, .p = 0.1};
		struct model *lm = train(&p, &par);
		if (!lm)
			goto done;
		int li = lm->label[0] == 1 ? 0 : 1;
		for (size_t j = 0; j < F; j++)
			w[j * nl + l] = (float)get_decfun_coef(lm, (int)j + 1, li);
		bias[l] = (float)get_decfun_bias(lm, li);
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

sent_model *sent_train(const char *const *labels, const char *const *texts, size_t n,
                       const sent_train_opts *o, char *err, size_t errlen)
{
	sent_train_opts opts = o ? *o : (sent_train_opts){0};
	unsigned bits = opts.bits ? opts.bits : 17;
	int folds = opts.folds ? opts.folds : 3;
	double budget = opts.cv_seconds > 0 ? opts.cv_seconds : 300;
	sent_model *m = calloc(1, sizeof *m);
	text_featurizer *f = text_featurizer_new(bits);
	struct feature_node *space = NULL, **xs = NULL;
	double *y = NULL, *target = NULL;
	const char **uniq = NULL;
	unsigned *known = NULL;
	size_t *sel = NULL;
	if (!m || !f) {
		seterr(err, errlen, bits < TEXT_FEAT_MIN_BITS || bits > TEXT_FEAT_MAX_BITS ? "bits out of range" : "out of memory");
		goto fail;
	}
	m->bits = bits;
	/* label set */
	uniq = malloc((n ? n : 1) * sizeof *uniq);
	if (!uniq)
		goto oom;
	memcpy(uniq, labels, n * sizeof *uniq);
	qsort(uniq, n, sizeof *uniq, cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (i && !strcmp(uniq[i], uniq[i - 1]))
			continue;
		if (m->nl >= SENT_MAX_LABELS || strlen(uniq[i]) == 0 || strlen(uniq[i]) >= SENT_LABEL_MAX ||
		    strchr(uniq[i], ',')) {
			seterr(err, errlen, "too many labels or a bad label: '%s'", uniq[i]);
			goto fail;
		}
		strcpy(m->labels[m->nl++], uniq[i]);
	}
	if (m->nl < 2) {
		seterr(err, errlen, "need at least two labels");
		goto fail;
	}
	/* features */
	size_t cap = n * 64 + 1024, used = 0;
	space = malloc(cap * sizeof *space);
	xs = malloc(n * sizeof *xs);
	y = malloc(n * sizeof *y);
	target = malloc(n * sizeof *target);
	size_t *start = malloc(n * sizeof *start + 1);
	if (!space || !xs || !y || !target || !start) {
		free(start);
		goto oom;
	}
	for (size_t i = 0; i < n; i++) {
		const uint32_t *idx;
		size_t k = text_features(f, texts[i], strlen(texts[i]), &idx);
		uint32_t tmp[TEXT_FEAT_MAX];
		memcpy(tmp, idx, k * sizeof *tmp);
		qsort(tmp, k, sizeof *tmp, cmp_u32);
		if (used + k + 2 > cap) {
			while (used + k + 2 > cap)
				cap *= 2;
			struct feature_node *ns = realloc(space, cap * sizeof *space);
			if (!ns) {
				free(start);
				goto oom;
			}
			space = ns;
		}
		start[i] = used;
		double v = k ? 1.0 / sqrt((double)k) : 0;
		for (size_t j = 0; j < k; j++)
			space[used++] = (struct feature_node){(int)tmp[j] + 1, v};
		space[used++] = (struct feature_node){(1 << bits) + 1, 1.0};
		space[used++] = (struct feature_node){-1, 0};
		int id = -1;
		for (unsigned l = 0; l < m->nl; l++)
			if (!strcmp(m->labels[l], labels[i]))
				id = (int)l;
		y[i] = id;
	}
	for (size_t i = 0; i < n; i++)
		xs[i] = space + start[i];
	free(start);
	struct problem prob = {(int)n, (1 << bits) + 1, y, xs, 1.0};
	set_print_string_function(quiet);
	/* which labels each example's corpus annotates */
	known = malloc(n * sizeof *known);
	sel = malloc(n * sizeof *sel);
	if (!known || !sel)
		goto oom;
	for (size_t i = 0; i < n; i++) {
		const char *cl = opts.corpus_labels ? opts.corpus_labels[i] : NULL;
		known[i] = cl ? 0 : (1u << m->nl) - 1;
		for (unsigned l = 0; cl && l < m->nl; l++) {
			char key[SENT_LABEL_MAX + 2], list[256];
			snprintf(key, sizeof key, ",%s,", m->labels[l]);
			snprintf(list, sizeof list, ",%s,", cl);
			if (strstr(list, key))
				known[i] |= 1u << l;
		}
		known[i] |= 1u << (unsigned)y[i];
	}
	size_t F = (size_t)1 << bits;
	float *w = malloc(F * m->nl * sizeof *w);
	if (!w)
		goto oom;
	double cv_best = -1, C = opts.C > 0 ? opts.C : 1;
	if (opts.C <= 0) {
		static const double grid[] = {0.5, 1, 2, 4, 8, 16, 32};
		double t0 = now_sec(), bestC = 1;
		int worse = 0;
		for (size_t g = 0; g < sizeof grid / sizeof *grid; g++) {
			for (int fold = 0; fold < folds; fold++) {
				size_t ns = 0;
				for (size_t i = 0; i < n; i++)
					if ((int)(i % (size_t)folds) != fold)
						sel[ns++] = i;
				if (train_ovr(&prob, known, sel, ns, m->nl, grid[g], w, m->bias, F)) {
					free(w);
					seterr(err, errlen, "liblinear training failed");
					goto fail;
				}
				for (size_t i = (size_t)fold; i < n; i += (size_t)folds)
					target[i] = predict_nodes(xs[i], w, m->bias, m->nl, F, known[i]);
			}
			double score = macro_f1(y, target, n, m->nl);
			if (opts.verbose)
				fprintf(stderr, "cv C=%g macro-F1=%.4f (%.0fs)\n", grid[g], score, now_sec() - t0);
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
	if (train_ovr(&prob, known, sel, n, m->nl, C, w, m->bias, F)) {
		free(w);
		seterr(err, errlen, "liblinear training failed");
		goto fail;
	}
	/* weights into our layout, quantised */
	m->q = malloc(F * m->nl);
	if (!m->q) {
		free(w);
		goto oom;
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
	free(w);
	if (dequantise(m))
		goto oom;
	/* header */
	char labs[SENT_MAX_LABELS * SENT_LABEL_MAX + 8] = "";
	for (unsigned l = 0; l < m->nl; l++) {
		strcat(labs, m->labels[l]);
		if (l + 1 < m->nl)
			strcat(labs, ",");
	}
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	char day[16];
	strftime(day, sizeof day, "%Y-%m-%d", &tm);
	snprintf(m->version, sizeof m->version, "majlis-sentiment/1 %s C=%g n=%zu", day, C, n);
	char head[4096];
	snprintf(head, sizeof head,
	         "version=%s\nbits=%u\nlabels=%s\nquant=sqrt-int8\nfeatures=" FEATURES_ID "\n"
	         "solver=L2R_LR one-vs-rest, each label on the corpora that annotate it\nC=%g\n"
	         "cv_macro_f1=%.4f\nexamples=%zu\nnote=%s\n",
	         m->version, bits, labs, C, cv_best, n, opts.note ? opts.note : "");
	for (char *c = head + strlen("version="); *c; c++)
		if ((unsigned char)*c < 0x20 && *c != '\n')
			*c = ' ';
	m->header = strdup(head);
	if (!m->header)
		goto oom;
	free(known);
	free(sel);
	free(space);
	free(xs);
	free(y);
	free(target);
	free(uniq);
	text_featurizer_free(f);
	return m;
oom:
	seterr(err, errlen, "out of memory");
fail:
	free(known);
	free(sel);
	free(space);
	free(xs);
	free(y);
	free(target);
	free(uniq);
	text_featurizer_free(f);
	sent_model_free(m);
	return NULL;
}
