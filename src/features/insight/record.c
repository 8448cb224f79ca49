/* Recording messages and keeping the aggregates in step; forgetting them;
 * re-scoring when the model changes; start-up wiring. */
#include "features/insight/insight.h"
#include "features/insight/internal.h"
#include "features/requests/requests.h"
#include "core/log.h"
#include "core/util.h"
#include "jobs/jobs.h"
#include "text/common.h"
#include "text/pii.h"
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* ---- sources that keep their own text ---- */

#define MAX_SOURCES 16
static struct {
	const char *source;
	insight_text_fn fn;
} sources[MAX_SOURCES];
static int nsources;
static pthread_mutex_t sources_lock = PTHREAD_MUTEX_INITIALIZER;

void insight_source_register(const char *source, insight_text_fn fn)
{
	pthread_mutex_lock(&sources_lock);
	int i = 0;
	while (i < nsources && strcmp(sources[i].source, source))
		i++;
	if (i < MAX_SOURCES) {
		sources[i].source = source;
		sources[i].fn = fn;
		if (i == nsources)
			nsources++;
	}
	pthread_mutex_unlock(&sources_lock);
}

static insight_text_fn source_fn(const char *source)
{
	insight_text_fn fn = NULL;
	pthread_mutex_lock(&sources_lock);
	for (int i = 0; i < nsources; i++)
		if (!strcmp(sources[i].source, source))
			fn = sources[i].fn;
	pthread_mutex_unlock(&sources_lock);
	return fn;
}

static const char *request_text(store *s, arena *a, int64_t id)
{
	struct request r;
	return request_load(s, a, id, &r) ? r.description : NULL;
}

/* ---- grid ---- */

int64_t insight_cell_of(double lat, double lon)
{
	if (!isfinite(lat) || !isfinite(lon) || lat < -90 || lat > 90 || lon < -180 || lon > 180)
		return 0;
	int64_t la = (int64_t)floor(lat / INSIGHT_CELL_DEG_LAT) + 30000;
	int64_t lo = (int64_t)floor(lon / INSIGHT_CELL_DEG_LON) + 40000;
	return la * 100000 + lo + 1; /* never 0 */
}

/* ---- record / forget ---- */

/* The excerpt: PII masked, at most INSIGHT_EXCERPT_CHARS code points, one line. */
static char *excerpt_of(arena *a, const char *text)
{
	size_t n = strlen(text);
	size_t cut = 0, chars = 0;
	/* mask only what the excerpt can show (plus some context for the rules) */
	while (cut < n && chars < INSIGHT_EXCERPT_CHARS + 60) {
		cut++;
		while (cut < n && ((unsigned char)text[cut] & 0xC0) == 0x80)
			cut++;
		chars++;
	}
	char *masked = pii_mask(a, arena_strndup(a, text, cut), NULL);
	size_t i = 0;
	chars = 0;
	for (; masked[i] && chars < INSIGHT_EXCERPT_CHARS; chars++) {
		i++;
		while (masked[i] && ((unsigned char)masked[i] & 0xC0) == 0x80)
			i++;
	}
	char *out = arena_strndup(a, masked, i);
	for (char *p = out; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	return out;
}

static bool agg_sent(store *s, int32_t day, int64_t dept, int64_t cat, const char *channel, const char *source,
		     const char *sent, double conf, int sign)
{
	int64_t pos = sent && !strcmp(sent, "pos"), neg = sent && !strcmp(sent, "neg"), neu = sent && !strcmp(sent, "neu");
	return store_run(s,
		"INSERT INTO insight_agg_sent(day, dept_id, category_id, channel, source, n, n_pos, n_neg, n_neu, conf_sum)"
		" VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT(day, dept_id, category_id, channel, source) DO UPDATE SET"
		" n = insight_agg_sent.n + excluded.n, n_pos = insight_agg_sent.n_pos + excluded.n_pos,"
		" n_neg = insight_agg_sent.n_neg + excluded.n_neg, n_neu = insight_agg_sent.n_neu + excluded.n_neu,"
		" conf_sum = insight_agg_sent.conf_sum + excluded.conf_sum",
		"iiittiiiid", (int64_t)day, dept, cat, channel, source, (int64_t)sign, sign * pos, sign * neg, sign * neu,
		sent ? sign * conf : 0.0) >= 0;
}

static bool agg_term(store *s, int32_t day, int64_t dept, int64_t cat, const char *term, int sign)
{
	int64_t ngram = strchr(term, ' ') ? 2 : 1;
	return store_run(s,
		"INSERT INTO insight_agg_terms(day, dept_id, category_id, ngram, term, n) VALUES (?,?,?,?,?,?)"
		" ON CONFLICT(day, dept_id, category_id, ngram, term) DO UPDATE SET n = insight_agg_terms.n + excluded.n",
		"iiiiti", (int64_t)day, dept, cat, ngram, term, (int64_t)sign) >= 0;
}

static bool add_term(store *s, int64_t msg, int32_t day, int64_t dept, int64_t cat, const char *term)
{
	return store_run(s, "INSERT INTO insight_msg_terms(msg_id, term) VALUES (?, ?) ON CONFLICT DO NOTHING", "it", msg,
			 term) >= 0 &&
	       agg_term(s, day, dept, cat, term, 1);
}

bool insight_record(store *s, const struct insight_msg *m)
{
	if (!m || !m->source || !*m->source)
		return false;
	if (!insight_forget(s, m->source, m->source_id))
		return false;
	arena *a = arena_new();
	bool ok = false;
	const char *text = m->text ? m->text : "";
	const char *channel = m->channel && *m->channel ? m->channel : "web";
	const char *area = m->area && *m->area ? m->area : NULL;
	int64_t at = m->at ? m->at : now_s();
	int32_t day = insight_day_of(at);
	struct insight_analysis an;
	insight_analyze(a, text, strlen(text), &an);
	int64_t cell = m->has_location ? insight_cell_of(m->lat, m->lon) : 0;
	bool has_loc = cell != 0;
	const char *url = m->url;
	if (!url && !strcmp(m->source, "request"))
		url = arena_printf(a, "/staff/requests/%lld", (long long)m->source_id);
	bool external = !strcmp(m->source, "external");

	store_stmt *st = store_prepare(s,
		"INSERT INTO insight_messages(source, source_id, dept_id, category_id, channel, lang, sentiment, confidence,"
		" model_version, simhash, has_location, lat, lon, cell, area, url, excerpt, text, day, at)"
		" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id");
	if (!st)
		goto out;
	int k = 1;
	store_bind_text(st, k++, m->source);
	store_bind_int(st, k++, m->source_id);
	store_bind_int(st, k++, m->dept_id);
	store_bind_int(st, k++, m->category_id);
	store_bind_text(st, k++, channel);
	store_bind_text(st, k++, an.lang);
	store_bind_text(st, k++, an.sentiment);
	store_bind_double(st, k++, an.sentiment ? an.confidence : 0);
	store_bind_text(st, k++, an.sentiment ? insight_model_version() : "");
	store_bind_int(st, k++, (int64_t)an.simhash);
	store_bind_int(st, k++, has_loc);
	if (has_loc) {
		store_bind_double(st, k++, m->lat);
		store_bind_double(st, k++, m->lon);
	} else {
		k += 2;
	}
	store_bind_int(st, k++, cell);
	store_bind_text(st, k++, area);
	store_bind_text(st, k++, url);
	store_bind_text(st, k++, excerpt_of(a, text));
	store_bind_text(st, k++, external ? arena_strndup(a, text, text_clamp_len(text, strlen(text))) : NULL);
	store_bind_int(st, k++, day);
	store_bind_int(st, k++, at);
	int64_t id = -1;
	int rc = store_step(st);
	if (rc == STORE_ROW)
		id = store_int(st, 0);
	while (rc == STORE_ROW)
		rc = store_step(st);
	store_done(st);
	if (id < 0)
		goto out;

	if (!agg_sent(s, day, m->dept_id, m->category_id, channel, m->source, an.sentiment, an.confidence, 1))
		goto out;
	for (int i = 0; i < an.nterms; i++) {
		if (!add_term(s, id, day, m->dept_id, m->category_id, an.terms[i]) ||
		    store_run(s, "INSERT INTO insight_forms(term, form, n) VALUES (?, ?, 1) ON CONFLICT(term, form)"
				 " DO UPDATE SET n = insight_forms.n + 1", "tt", an.terms[i], an.forms[i]) < 0)
			goto out;
	}
	for (int i = 0; i < an.nphrases; i++)
		if (!add_term(s, id, day, m->dept_id, m->category_id, an.phrases[i]))
			goto out;
	if (has_loc &&
	    store_run(s, "INSERT INTO insight_agg_cells(day, cell, category_id, dept_id, n, sum_lat, sum_lon) VALUES (?,?,?,?,1,?,?)"
			 " ON CONFLICT(day, cell, category_id, dept_id) DO UPDATE SET n = insight_agg_cells.n + 1,"
			 " sum_lat = insight_agg_cells.sum_lat + excluded.sum_lat, sum_lon = insight_agg_cells.sum_lon + excluded.sum_lon",
		      "iiiidd", (int64_t)day, cell, m->category_id, m->dept_id, m->lat, m->lon) < 0)
		goto out;
	if (area &&
	    store_run(s, "INSERT INTO insight_agg_areas(day, area, category_id, dept_id, n) VALUES (?,?,?,?,1)"
			 " ON CONFLICT(day, area, category_id, dept_id) DO UPDATE SET n = insight_agg_areas.n + 1",
		      "itii", (int64_t)day, area, m->category_id, m->dept_id) < 0)
		goto out;
	ok = true;
out:
	arena_free(a);
	return ok;
}

bool insight_forget(store *s, const char *source, int64_t source_id)
{
	store_stmt *st = store_prepare(s,
		"SELECT id, day, dept_id, category_id, channel, sentiment, confidence, cell, area, lat, lon"
		" FROM insight_messages WHERE source = ? AND source_id = ?");
	if (!st)
		return false;
	store_bind_text(st, 1, source);
	store_bind_int(st, 2, source_id);
	int rc = store_step(st);
	if (rc != STORE_ROW) {
		store_done(st);
		return rc == STORE_DONE;
	}
	arena *a = arena_new();
	int64_t id = store_int(st, 0), dept = store_int(st, 2), cat = store_int(st, 3), cell = store_int(st, 7);
	int32_t day = (int32_t)store_int(st, 1);
	char *channel = arena_strdup(a, store_text(st, 4));
	char *sent = arena_strdup(a, store_text(st, 5));
	double conf = store_double(st, 6), lat = store_double(st, 9), lon = store_double(st, 10);
	char *area = arena_strdup(a, store_text(st, 8));
	store_done(st);
	bool ok = false;
	if (!agg_sent(s, day, dept, cat, channel, source, sent, conf, -1))
		goto out;
	/* the message's terms, then their aggregates */
	char **terms = NULL;
	int nt = 0, cap = 0;
	st = store_prepare(s, "SELECT term FROM insight_msg_terms WHERE msg_id = ?");
	if (!st)
		goto out;
	store_bind_int(st, 1, id);
	while ((rc = store_step(st)) == STORE_ROW) {
		if (nt == cap) {
			cap = cap ? cap * 2 : 64;
			char **n = arena_alloc(a, (size_t)cap * sizeof *n);
			if (nt)
				memcpy(n, terms, (size_t)nt * sizeof *n);
			terms = n;
		}
		terms[nt++] = arena_strdup(a, store_text(st, 0));
	}
	store_done(st);
	if (rc != STORE_DONE)
		goto out;
	for (int i = 0; i < nt; i++)
		if (!agg_term(s, day, dept, cat, terms[i], -1))
			goto out;
	if (store_run(s, "DELETE FROM insight_agg_terms WHERE day = ? AND dept_id = ? AND category_id = ? AND n <= 0", "iii",
		      (int64_t)day, dept, cat) < 0 ||
	    (cell && store_run(s, "UPDATE insight_agg_cells SET n = n - 1, sum_lat = sum_lat - ?, sum_lon = sum_lon - ?"
				  " WHERE day = ? AND cell = ? AND category_id = ? AND dept_id = ?",
			       "ddiiii", lat, lon, (int64_t)day, cell, cat, dept) < 0) ||
	    (area && store_run(s, "UPDATE insight_agg_areas SET n = n - 1 WHERE day = ? AND area = ? AND category_id = ?"
				  " AND dept_id = ?", "itii", (int64_t)day, area, cat, dept) < 0) ||
	    store_run(s, "DELETE FROM insight_msg_terms WHERE msg_id = ?", "i", id) < 0 ||
	    store_run(s, "DELETE FROM insight_cluster_members WHERE msg_id = ?", "i", id) < 0 ||
	    store_run(s, "DELETE FROM insight_messages WHERE id = ?", "i", id) < 0)
		goto out;
	ok = true;
out:
	arena_free(a);
	return ok;
}

/* ---- re-scoring ---- */

int insight_rescore_enqueue(store *s)
{
	const char *ver = insight_model_version();
	if (!*ver)
		return 0;
	int64_t lo = store_scalar(s, 0, "SELECT min(id) FROM insight_messages WHERE model_version <> ?", "t", ver);
	int64_t hi = store_scalar(s, 0, "SELECT max(id) FROM insight_messages WHERE model_version <> ?", "t", ver);
	if (lo <= 0)
		return 0;
	int queued = 0;
	if (!store_begin(s))
		return -1;
	for (int64_t from = lo; from <= hi; from += INSIGHT_RESCORE_BATCH) {
		int64_t to = from + INSIGHT_RESCORE_BATCH - 1;
		if (store_scalar(s, 0, "SELECT count(*) FROM insight_messages WHERE id BETWEEN ? AND ? AND model_version <> ?",
				 "iit", from, to, ver) == 0)
			continue;
		char key[160], payload[200];
		snprintf(key, sizeof key, "insight.rescore:%s:%lld", ver, (long long)from);
		json_t *j = json_pack("{s:I, s:I, s:s}", "from", (json_int_t)from, "to", (json_int_t)to, "version", ver);
		char *p = j ? json_dumps(j, JSON_COMPACT) : NULL;
		json_decref(j);
		snprintf(payload, sizeof payload, "%s", p ? p : "{}");
		free(p);
		int64_t r = job_enqueue(s, "insight.rescore", key, payload, 0);
		if (r < 0) {
			store_rollback(s);
			return -1;
		}
		queued += r > 0;
	}
	if (!store_commit(s)) {
		store_rollback(s);
		return -1;
	}
	if (queued) {
		log_info("insight: %d re-scoring job(s) queued for model %s", queued, ver);
		jobs_kick();
	}
	return queued;
}

struct rescore_row {
	int64_t id, source_id, dept, cat;
	int32_t day;
	char *source, *channel, *sent, *text;
	double conf;
};

/* Re-scores messages with ids in [from, to] not yet scored by the loaded
 * model, fixing the sentiment aggregates; one transaction. Idempotent. */
static enum job_result rescore_job(store *s, const struct config *cfg, const char *payload, const char *key, char *err,
				   size_t errn)
{
	(void)cfg, (void)key;
	json_error_t je;
	json_t *j = json_loads(payload, 0, &je);
	json_int_t from = 0, to = -1;
	const char *ver = NULL;
	if (!j || json_unpack(j, "{s:I, s:I, s:s}", "from", &from, "to", &to, "version", &ver) != 0) {
		json_decref(j);
		snprintf(err, errn, "bad payload");
		return JOB_FAILED;
	}
	const char *cur = insight_model_version();
	bool stale = strcmp(ver, cur) != 0;
	json_decref(j);
	if (stale || !*cur)
		return JOB_DONE; /* queued for another model; a newer enqueue covers it */
	arena *a = arena_new();
	enum job_result res = JOB_RETRY;
	if (!store_begin(s)) {
		snprintf(err, errn, "cannot begin");
		goto out_noTx;
	}
	struct rescore_row *rows = arena_alloc(a, INSIGHT_RESCORE_BATCH * sizeof *rows);
	int n = 0;
	store_stmt *st = store_prepare(s,
		"SELECT id, source, source_id, dept_id, category_id, day, channel, sentiment, confidence,"
		" coalesce(text, excerpt) FROM insight_messages WHERE id BETWEEN ? AND ? AND model_version <> ? ORDER BY id");
	if (!st)
		goto fail;
	store_bind_int(st, 1, from);
	store_bind_int(st, 2, to);
	store_bind_text(st, 3, cur);
	int rc;
	while ((rc = store_step(st)) == STORE_ROW && n < INSIGHT_RESCORE_BATCH) {
		struct rescore_row *r = &rows[n++];
		r->id = store_int(st, 0);
		r->source = arena_strdup(a, store_text(st, 1));
		r->source_id = store_int(st, 2);
		r->dept = store_int(st, 3);
		r->cat = store_int(st, 4);
		r->day = (int32_t)store_int(st, 5);
		r->channel = arena_strdup(a, store_text(st, 6));
		r->sent = arena_strdup(a, store_text(st, 7));
		r->conf = store_double(st, 8);
		r->text = arena_strdup(a, store_text(st, 9));
	}
	store_done(st);
	for (int i = 0; i < n; i++) {
		struct rescore_row *r = &rows[i];
		insight_text_fn fn = source_fn(r->source);
		const char *text = fn ? fn(s, a, r->source_id) : NULL;
		if (!text)
			text = r->text ? r->text : "";
		const char *label;
		double conf;
		if (!insight_score(text, strlen(text), &label, &conf))
			goto fail;
		if (!agg_sent(s, r->day, r->dept, r->cat, r->channel, r->source, r->sent, r->conf, -1) ||
		    !agg_sent(s, r->day, r->dept, r->cat, r->channel, r->source, label, conf, 1) ||
		    store_run(s, "UPDATE insight_messages SET sentiment = ?, confidence = ?, model_version = ? WHERE id = ?",
			      "tdti", label, conf, cur, r->id) != 1)
			goto fail;
	}
	if (!store_commit(s))
		goto fail;
	res = JOB_DONE;
	goto out_noTx;
fail:
	snprintf(err, errn, "database error: %s", store_errmsg(s));
	store_rollback(s);
out_noTx:
	arena_free(a);
	return res;
}

/* ---- clusters job and periodic task ---- */

static enum job_result clusters_job(store *s, const struct config *cfg, const char *payload, const char *key, char *err,
				    size_t errn)
{
	(void)cfg, (void)payload, (void)key;
	if (insight_clusters_compute(s, insight_today()) < 0) {
		snprintf(err, errn, "cluster computation failed: %s", store_errmsg(s));
		return JOB_RETRY;
	}
	return JOB_DONE;
}

static void tick(store *s, const struct config *cfg)
{
	(void)cfg;
	static int64_t last_slot = -1;
	int64_t slot = now_s() / INSIGHT_CLUSTER_EVERY;
	if (slot == last_slot)
		return;
	last_slot = slot;
	char key[64];
	snprintf(key, sizeof key, "insight.clusters:%lld", (long long)slot);
	job_enqueue(s, "insight.clusters", key, "{}", 0);
}

void insight_init(const struct config *cfg)
{
	(void)cfg;
	static bool done;
	if (done)
		return;
	done = true;
	insight_model();
	insight_source_register("request", request_text);
	job_register("insight.rescore", rescore_job);
	job_register("insight.clusters", clusters_job);
	jobs_every(tick);
}

void insight_shutdown(void)
{
	insight_model_free();
}
