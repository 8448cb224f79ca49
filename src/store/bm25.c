/* bm25_cached(fts, key, weight...): FTS5's bm25() — the same formula, the same
 * arithmetic in the same order, so the same doubles — except that the number
 * of rows matching each phrase (the IDF's nHit) is remembered under key.
 * bm25() counts them by walking the phrase's whole doclist on every query:
 * 146,000 rows for a common word at a million documents, ~8 ms. The caller's
 * key must name one query on one state of the index (search_run: the FTS5
 * structure and averages records and the MATCH expression); NULL caches
 * nothing. Nothing is cached inside a write transaction, whose pending rows the
 * records do not show yet. */
#include "store/bm25.h"
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 4096 /* direct-mapped: a colliding query replaces the older one */
#define MAX_PHRASES 16 /* match_expr: at most 16 words, a phrase each */

struct slot {
	unsigned char *key;
	int nkey, nphrase;
	sqlite3_int64 nhit[MAX_PHRASES];
};

static struct slot slots[SLOTS];
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;

/* What one statement computes once: as fts5_aux.c's Fts5Bm25Data. */
struct bm25_data {
	int nphrase;
	double avgdl;
	double *idf, *freq;
};

static unsigned key_hash(const unsigned char *k, int n)
{
	unsigned h = 2166136261u;
	for (int i = 0; i < n; i++)
		h = (h ^ k[i]) * 16777619u;
	return h;
}

/* Copies the cached counts of key into nhit; false when not cached. */
static bool cache_get(const unsigned char *key, int nkey, int nphrase, sqlite3_int64 *nhit)
{
	struct slot *s = &slots[key_hash(key, nkey) % SLOTS];
	pthread_mutex_lock(&slots_lock);
	bool hit = s->key && s->nkey == nkey && s->nphrase == nphrase && !memcmp(s->key, key, (size_t)nkey);
	if (hit)
		memcpy(nhit, s->nhit, sizeof *nhit * (size_t)nphrase);
	pthread_mutex_unlock(&slots_lock);
	return hit;
}

/* Remembers the counts of key, replacing whatever shared its slot. */
static void cache_put(const unsigned char *key, int nkey, int nphrase, const sqlite3_int64 *nhit)
{
	unsigned char *copy = malloc((size_t)nkey);
	if (!copy)
		return;
	memcpy(copy, key, (size_t)nkey);
	struct slot *s = &slots[key_hash(key, nkey) % SLOTS];
	pthread_mutex_lock(&slots_lock);
	free(s->key);
	s->key = copy;
	s->nkey = nkey;
	s->nphrase = nphrase;
	memcpy(s->nhit, nhit, sizeof *nhit * (size_t)nphrase);
	pthread_mutex_unlock(&slots_lock);
}

static int count_cb(const Fts5ExtensionApi *api, Fts5Context *fts, void *ctx)
{
	(void)api, (void)fts;
	(*(sqlite3_int64 *)ctx)++;
	return SQLITE_OK;
}

/* nhit[i]: rows matching phrase i, from the cache under key or counted. */
static int phrase_hits(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, sqlite3_value *key,
		       int nphrase, sqlite3_int64 *nhit)
{
	const unsigned char *k = sqlite3_value_blob(key);
	int nkey = sqlite3_value_bytes(key);
	bool cacheable = k && nkey > 0 && nphrase <= MAX_PHRASES &&
			 sqlite3_txn_state(sqlite3_context_db_handle(ctx), "main") != SQLITE_TXN_WRITE;
	if (cacheable && cache_get(k, nkey, nphrase, nhit))
		return SQLITE_OK;
	int rc = SQLITE_OK;
	for (int i = 0; rc == SQLITE_OK && i < nphrase; i++) {
		nhit[i] = 0;
		rc = api->xQueryPhrase(fts, i, &nhit[i], count_cb);
	}
	if (rc == SQLITE_OK && cacheable)
		cache_put(k, nkey, nphrase, nhit);
	return rc;
}

/* The statement's bm25_data (fts5Bm25GetData, with the counts above). */
static int bm25_data(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, sqlite3_value *key,
		     struct bm25_data **out)
{
	struct bm25_data *p = api->xGetAuxdata(fts, 0);
	if (p) {
		*out = p;
		return SQLITE_OK;
	}
	int nphrase = api->xPhraseCount(fts);
	p = sqlite3_malloc64(sizeof *p + (size_t)nphrase * 2 * sizeof(double) + (size_t)nphrase * sizeof(sqlite3_int64));
	if (!p)
		return SQLITE_NOMEM;
	memset(p, 0, sizeof *p + (size_t)nphrase * 2 * sizeof(double));
	p->nphrase = nphrase;
	p->idf = (double *)&p[1];
	p->freq = &p->idf[nphrase];
	sqlite3_int64 nrow = 0, ntoken = 0, *nhit = (sqlite3_int64 *)&p->freq[nphrase];
	int rc = api->xRowCount(fts, &nrow);
	if (rc == SQLITE_OK)
		rc = api->xColumnTotalSize(fts, -1, &ntoken);
	if (rc == SQLITE_OK)
		p->avgdl = (double)ntoken / (double)nrow;
	if (rc == SQLITE_OK)
		rc = phrase_hits(api, fts, ctx, key, nphrase, nhit);
	for (int i = 0; rc == SQLITE_OK && i < nphrase; i++) {
		double idf = log((nrow - nhit[i] + 0.5) / (nhit[i] + 0.5));
		p->idf[i] = idf <= 0.0 ? 1e-6 : idf;
	}
	if (rc == SQLITE_OK)
		rc = api->xSetAuxdata(fts, p, sqlite3_free);
	else
		sqlite3_free(p);
	*out = rc == SQLITE_OK ? p : NULL;
	return rc;
}

/* The row's score (fts5Bm25Function; the weights follow the key). */
static void bm25_cached(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int nval, sqlite3_value **val)
{
	const double k1 = 1.2, b = 0.75;
	if (nval < 1) {
		sqlite3_result_error(ctx, "bm25_cached: a key (or NULL) is required", -1);
		return;
	}
	struct bm25_data *d;
	int ninst = 0, rc = bm25_data(api, fts, ctx, val[0], &d);
	if (rc == SQLITE_OK) {
		memset(d->freq, 0, sizeof(double) * (size_t)d->nphrase);
		rc = api->xInstCount(fts, &ninst);
	}
	for (int i = 0; rc == SQLITE_OK && i < ninst; i++) {
		int ip, ic, io;
		rc = api->xInst(fts, i, &ip, &ic, &io);
		if (rc == SQLITE_OK)
			d->freq[ip] += nval - 1 > ic ? sqlite3_value_double(val[1 + ic]) : 1.0;
	}
	double D = 0.0, score = 0.0;
	if (rc == SQLITE_OK) {
		int ntok;
		rc = api->xColumnSize(fts, -1, &ntok);
		D = (double)ntok;
	}
	if (rc != SQLITE_OK) {
		sqlite3_result_error_code(ctx, rc);
		return;
	}
	for (int i = 0; i < d->nphrase; i++)
		score += d->idf[i] * ((d->freq[i] * (k1 + 1.0)) / (d->freq[i] + k1 * (1 - b + b * D / d->avgdl)));
	sqlite3_result_double(ctx, -1.0 * score);
}

bool store_bm25_register(fts5_api *api)
{
	return api->xCreateFunction(api, "bm25_cached", NULL, bm25_cached, NULL) == SQLITE_OK;
}
