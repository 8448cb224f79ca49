/* Sentiment model: load/save, prediction, training with liblinear. */
#include "text/sentiment.h"
#include "text/sentiment_impl.h"
#include <linear.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define MAGIC "MJSENT01"
#define MAGIC_ROUTED "MJSENTG1"
#define MAX_HEADER 65536
#define MAX_FILE (64u << 20)

void sent_seterr(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || !errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}
#define seterr sent_seterr

void sent_model_free(sent_model *m)
{
	if (!m)
		return;
	free(m->header);
	free(m->q);
	free(m->idf);
	for (unsigned g = 0; g < m->ng; g++)
		sent_model_free(m->sub[g]);
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

/* Levels of a stored idf: few enough for the table to compress well (idf
 * only needs to tell rare from common: 32 levels lose nothing measurable). */
#define IDF_LEVELS 32

float sent_idf_value(uint8_t q, float max)
{
	if (q > IDF_LEVELS)
		q = IDF_LEVELS;
	return q ? 1.0f + (max - 1.0f) * (float)(q - 1) / (IDF_LEVELS - 1) : 0.0f;
}

uint8_t sent_idf_quantise(double idf, double max)
{
	long q = max > 1 ? 1 + lrint((idf - 1) / (max - 1) * (IDF_LEVELS - 1)) : 1;
	return (uint8_t)(q < 1 ? 1 : q > IDF_LEVELS ? IDF_LEVELS : q);
}

void sent_dequantise(sent_model *m)
{
	for (unsigned l = 0; l < m->nl; l++)
		for (int q = -128; q < 128; q++)
			m->deq[l][q + 128] = deq((int8_t)q, m->scale[l]);
	for (int q = 0; q < 256; q++)
		m->idf_of[q] = sent_idf_value((uint8_t)q, m->idf_max);
}

bool sent_parse_groups(const char *spec, uint8_t route[TEXT_LANG_COUNT], unsigned *ng)
{
	bool named[TEXT_LANG_COUNT] = {0};
	memset(route, 0, TEXT_LANG_COUNT);
	*ng = 0;
	const char *p = spec;
	while (*p) {
		if (*ng >= SENT_MAX_GROUPS)
			return false;
		const char *end = p + strcspn(p, "/");
		if (end == p)
			return false; /* empty group */
		while (p < end) {
			const char *e = p;
			while (e < end && *e != ',')
				e++;
			char code[16];
			size_t n = (size_t)(e - p);
			if (n == 0 || n >= sizeof code)
				return false;
			memcpy(code, p, n);
			code[n] = 0;
			enum text_lang l = text_lang_parse(code);
			if ((l == TEXT_LANG_UND && strcmp(code, "und")) || named[l])
				return false;
			named[l] = true;
			route[l] = (uint8_t)*ng;
			p = e < end ? e + 1 : e;
			if (e < end && p == end)
				return false; /* trailing comma */
		}
		(*ng)++;
		if (*end == '/' && !end[1])
			return false;
		p = *end ? end + 1 : end;
	}
	return *ng >= 1;
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

/* Reads magic, header, version, bits and labels common to both file kinds
 * into m; returns the offset after the header, 0 on error (err set). */
static size_t parse_header(sent_model *m, const unsigned char *p, size_t len, const char *magic, char *err,
                           size_t errlen)
{
	char val[256];
	if (!p || len < 12 || memcmp(p, magic, 8)) {
		seterr(err, errlen, "not a majlis sentiment model (bad magic)");
		return 0;
	}
	uint32_t H = rd32(p + 8);
	if (H > MAX_HEADER || 12 + (size_t)H > len) {
		seterr(err, errlen, "bad header length");
		return 0;
	}
	m->header = malloc(H + 1);
	if (!m->header) {
		seterr(err, errlen, "out of memory");
		return 0;
	}
	memcpy(m->header, p + 12, H);
	m->header[H] = 0;
	if (strlen(m->header) != H) {
		seterr(err, errlen, "NUL in header");
		return 0;
	}
	if (!header_get(m->header, "version", m->version, sizeof m->version) ||
	    !header_get(m->header, "bits", val, sizeof val)) {
		seterr(err, errlen, "header lacks version or bits");
		return 0;
	}
	long bits = strtol(val, NULL, 10);
	if (bits < TEXT_FEAT_MIN_BITS || bits > TEXT_FEAT_MAX_BITS) {
		seterr(err, errlen, "bits out of range");
		return 0;
	}
	m->bits = (unsigned)bits;
	if (!header_get(m->header, "labels", val, sizeof val) || !parse_labels(m, val)) {
		seterr(err, errlen, "bad labels");
		return 0;
	}
	if (!header_get(m->header, "features", val, sizeof val) || strcmp(val, SENT_FEATURES_ID)) {
		seterr(err, errlen, "model made for other features (%s), retrain it", val);
		return 0;
	}
	return 12 + H;
}

/* Inflates exactly want bytes of p[0..z) into a new buffer; NULL on error. */
static void *inflate_exact(const unsigned char *p, size_t z, size_t want)
{
	unsigned char *out = malloc(want ? want : 1);
	uLongf dl = (uLongf)want;
	if (out && (uncompress(out, &dl, p, (uLong)z) != Z_OK || dl != want)) {
		free(out);
		return NULL;
	}
	return out;
}

/* The body of a single model (MAGIC): scales, biases, weights, idf. */
static sent_model *parse_single(const unsigned char *p, size_t len, char *err, size_t errlen)
{
	sent_model *m = calloc(1, sizeof *m);
	char val[256];
	size_t off = m ? parse_header(m, p, len, MAGIC, err, errlen) : 0;
	if (!off)
		goto fail;
	if (!header_get(m->header, "quant", val, sizeof val) || strcmp(val, "sqrt-int8")) {
		seterr(err, errlen, "unknown quantisation");
		goto fail;
	}
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
	size_t F = (size_t)1 << m->bits;
	if (Z > len - off || !(m->q = inflate_exact(p + off, Z, F * m->nl))) {
		seterr(err, errlen, "truncated or corrupt weights");
		goto fail;
	}
	off += Z;
	if (header_get(m->header, "weighting", val, sizeof val) && !strcmp(val, "idf")) {
		if (len - off < 8) {
			seterr(err, errlen, "truncated idf");
			goto fail;
		}
		m->idf_max = rdf(p + off);
		uint32_t Z2 = rd32(p + off + 4);
		off += 8;
		if (!isfinite(m->idf_max) || m->idf_max < 1 || m->idf_max > 100 || Z2 > len - off ||
		    !(m->idf = inflate_exact(p + off, Z2, F))) {
			seterr(err, errlen, "bad or corrupt idf");
			goto fail;
		}
	}
	sent_dequantise(m);
	return m;
fail:
	if (!m)
		seterr(err, errlen, "out of memory");
	sent_model_free(m);
	return NULL;
}

/* A routed model (MAGIC_ROUTED): its header has groups=, then u32 count and
 * count x (u32 length, a single model's file image). */
static sent_model *parse_routed(const unsigned char *p, size_t len, char *err, size_t errlen)
{
	sent_model *m = calloc(1, sizeof *m);
	char val[256];
	unsigned ng = 0;
	size_t off = m ? parse_header(m, p, len, MAGIC_ROUTED, err, errlen) : 0;
	if (!off)
		goto fail;
	if (!header_get(m->header, "groups", val, sizeof val) || !sent_parse_groups(val, m->route, &ng)) {
		seterr(err, errlen, "bad groups");
		goto fail;
	}
	if (len - off < 4 || rd32(p + off) != ng) {
		seterr(err, errlen, "group count does not match the header");
		goto fail;
	}
	off += 4;
	for (unsigned g = 0; g < ng; g++) {
		uint32_t L = len - off >= 4 ? rd32(p + off) : UINT32_MAX;
		if (L > len - off - 4) {
			seterr(err, errlen, "truncated group %u", g);
			goto fail;
		}
		sent_model *sub = parse_single(p + off + 4, L, err, errlen);
		if (!sub)
			goto fail;
		m->sub[m->ng++] = sub;
		bool same = sub->bits == m->bits && sub->nl == m->nl;
		for (unsigned l = 0; same && l < m->nl; l++)
			same = !strcmp(sub->labels[l], m->labels[l]);
		if (!same) {
			seterr(err, errlen, "group %u has other bits or labels", g);
			goto fail;
		}
		off += 4 + (size_t)L;
	}
	return m;
fail:
	if (!m)
		seterr(err, errlen, "out of memory");
	sent_model_free(m);
	return NULL;
}

sent_model *sent_model_from_memory(const void *data, size_t len, char *err, size_t errlen)
{
	const unsigned char *p = data;
	if (p && len >= 8 && !memcmp(p, MAGIC_ROUTED, 8))
		return parse_routed(p, len, err, errlen);
	return parse_single(p, len, err, errlen);
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

/* Writes a single model's file image to f; 0, or -1 with err set. */
static int write_single(FILE *f, const sent_model *m, char *err, size_t errlen)
{
	size_t F = (size_t)1 << m->bits, total = F * m->nl;
	uLongf zl = compressBound((uLong)total), zl2 = compressBound((uLong)F);
	unsigned char *z = malloc(zl), *z2 = malloc(zl2);
	int rc = -1;
	if (!z || !z2 || compress2(z, &zl, (const Bytef *)m->q, (uLong)total, 9) != Z_OK ||
	    (m->idf && compress2(z2, &zl2, m->idf, (uLong)F, 9) != Z_OK)) {
		seterr(err, errlen, "compression failed");
		goto done;
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
	if (m->idf) {
		wrf(f, m->idf_max);
		wr32(f, (uint32_t)zl2);
		fwrite(z2, 1, zl2, f);
	}
	rc = 0;
done:
	free(z);
	free(z2);
	return rc;
}

/* Writes a routed model: header, then each group's single-model image. */
static int write_routed(FILE *f, const sent_model *m, char *err, size_t errlen)
{
	size_t H = strlen(m->header);
	fwrite(MAGIC_ROUTED, 1, 8, f);
	wr32(f, (uint32_t)H);
	fwrite(m->header, 1, H, f);
	wr32(f, m->ng);
	for (unsigned g = 0; g < m->ng; g++) {
		char *img = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&img, &len);
		if (!mem) {
			seterr(err, errlen, "out of memory");
			return -1;
		}
		int rc = write_single(mem, m->sub[g], err, errlen);
		if (fclose(mem) || rc) {
			free(img);
			if (!rc)
				seterr(err, errlen, "out of memory");
			return -1;
		}
		wr32(f, (uint32_t)len);
		fwrite(img, 1, len, f);
		free(img);
	}
	return 0;
}

int sent_model_save(const sent_model *m, const char *path, char *err, size_t errlen)
{
	char tmp[4096];
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) {
		seterr(err, errlen, "path too long");
		return -1;
	}
	FILE *f = fopen(tmp, "wb");
	if (!f) {
		seterr(err, errlen, "%s: cannot create", tmp);
		return -1;
	}
	int rc = m->ng ? write_routed(f, m, err, errlen) : write_single(f, m, err, errlen);
	if ((ferror(f) | fclose(f)) && !rc) {
		seterr(err, errlen, "%s: write error", tmp);
		rc = -1;
	}
	if (!rc && rename(tmp, path)) {
		seterr(err, errlen, "%s: cannot rename", path);
		rc = -1;
	}
	if (rc)
		unlink(tmp);
	return rc;
}

int sent_predict(const sent_model *m, text_featurizer *f, const char *s, size_t n, unsigned mask,
                 double *confidence, double *prob)
{
	if (text_featurizer_bits(f) != m->bits)
		return -1;
	const uint32_t *idx;
	size_t k = text_features(f, s, n, &idx);
	unsigned nl = m->nl;
	const sent_model *top = m;
	if (m->ng)
		m = m->sub[m->route[text_featurizer_lang(f)]];
	float acc[SENT_MAX_LABELS] = {0}, norm2 = 0;
	if (m->idf) {
		for (size_t i = 0; i < k; i++) {
			const int8_t *row = m->q + (size_t)idx[i] * nl;
			float x = m->idf_of[m->idf[idx[i]]];
			norm2 += x * x;
			for (unsigned l = 0; l < nl; l++)
				acc[l] += m->deq[l][row[l] + 128] * x;
		}
	} else {
		for (size_t i = 0; i < k; i++) {
			const int8_t *row = m->q + (size_t)idx[i] * nl;
			for (unsigned l = 0; l < nl; l++)
				acc[l] += m->deq[l][row[l] + 128];
		}
		norm2 = (float)k;
	}
	double v = norm2 > 0 ? 1.0 / sqrt((double)norm2) : 0, p[SENT_MAX_LABELS], sum = 0;
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
		int neu = sent_model_label_index(top, "neu");
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

