#include "jobs/jobs.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "core/util.h"
#include <pthread.h>
#include <stdio.h>
#include <string.h>

const struct migration jobs_migrations[] = {
	{1,
	 "CREATE TABLE jobs ("
	 " id INTEGER PRIMARY KEY, kind TEXT NOT NULL, key TEXT UNIQUE, payload TEXT NOT NULL,"
	 " status TEXT NOT NULL CHECK (status IN ('queued','running','done','dead')),"
	 " attempts INTEGER NOT NULL DEFAULT 0, run_at INTEGER NOT NULL, locked_until INTEGER,"
	 " last_error TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
	 "CREATE INDEX jobs_due ON jobs(status, run_at);"},
	{0, NULL},
};

#define MAX_KINDS 32
#define LEASE 300 /* seconds a claimed job is ours before another worker may take it */

struct handler_entry {
	const char *kind;
	job_handler fn;
};
static struct handler_entry handlers[MAX_KINDS];
static int nhandlers;

void job_register(const char *kind, job_handler fn)
{
	for (int i = 0; i < nhandlers; i++)
		if (!strcmp(handlers[i].kind, kind)) {
			handlers[i].fn = fn;
			return;
		}
	if (nhandlers < MAX_KINDS)
		handlers[nhandlers++] = (struct handler_entry){kind, fn};
}

static job_handler find(const char *kind)
{
	for (int i = 0; i < nhandlers; i++)
		if (!strcmp(handlers[i].kind, kind))
			return handlers[i].fn;
	return NULL;
}

int64_t job_enqueue(store *s, const char *kind, const char *key, const char *payload, int64_t run_at)
{
	int64_t now = now_s();
	int64_t id = store_scalar(s, -1,
		"INSERT INTO jobs(kind, key, payload, status, run_at, created_at, updated_at) "
		"VALUES (?, ?, ?, 'queued', ?, ?, ?) ON CONFLICT(key) DO NOTHING RETURNING id",
		"tttiii", kind, key, payload, run_at ? run_at : now, now, now);
	if (id == -1 && !store_constraint_error(s) && key &&
	    store_scalar(s, 0, "SELECT count(*) FROM jobs WHERE key = ?", "t", key) > 0)
		return 0; /* ON CONFLICT DO NOTHING returns no row */
	return id;
}

/* Claims the oldest due job (or one whose lease expired after a crash). Returns
 * its id and copies kind/payload/key into the buffers; 0 when none is due. */
static int64_t claim(store *s, int64_t now, char *kind, size_t kn, strbuf *payload, char *key, size_t keyn, int *attempts)
{
	if (!store_begin(s))
		return 0;
	int64_t id = 0;
	store_stmt *st = store_prepare(s,
		"UPDATE jobs SET status = 'running', locked_until = ?1, attempts = attempts + 1, updated_at = ?2 "
		"WHERE id = (SELECT id FROM jobs WHERE (status = 'queued' AND run_at <= ?2) "
		"             OR (status = 'running' AND locked_until < ?2) ORDER BY run_at, id LIMIT 1) "
		"RETURNING id, kind, payload, coalesce(key, ''), attempts");
	if (st) {
		store_bind_int(st, 1, now + LEASE);
		store_bind_int(st, 2, now);
		if (store_step(st) == STORE_ROW) {
			id = store_int(st, 0);
			snprintf(kind, kn, "%s", store_text(st, 1));
			sb_reset(payload);
			sb_puts(payload, store_text(st, 2));
			snprintf(key, keyn, "%s", store_text(st, 3));
			*attempts = (int)store_int(st, 4);
		}
		while (store_step(st) == STORE_ROW)
			;
		store_done(st);
	}
	if (!store_commit(s)) {
		store_rollback(s);
		return 0;
	}
	return id;
}

static void finish(store *s, const struct config *cfg, int64_t id, enum job_result res, int attempts, const char *err)
{
	int64_t now = now_s();
	if (res == JOB_DONE) {
		store_run(s, "UPDATE jobs SET status = 'done', locked_until = NULL, last_error = NULL, updated_at = ? WHERE id = ?",
			  "ii", now, id);
		return;
	}
	if (res == JOB_RETRY && attempts < JOB_MAX_ATTEMPTS) {
		/* exponential backoff: base, 2×base, 4×base … capped at six hours */
		int64_t delay = (int64_t)cfg->job_retry_base << (attempts - 1 < 16 ? attempts - 1 : 16);
		if (delay > 6 * 3600)
			delay = 6 * 3600;
		store_run(s, "UPDATE jobs SET status = 'queued', run_at = ?, locked_until = NULL, last_error = ?, updated_at = ? WHERE id = ?",
			  "itii", now + delay, err, now, id);
		log_warn("job %lld failed (attempt %d), retry in %llds: %s", (long long)id, attempts, (long long)delay, err);
		return;
	}
	store_run(s, "UPDATE jobs SET status = 'dead', locked_until = NULL, last_error = ?, updated_at = ? WHERE id = ?",
		  "tii", err, now, id);
	log_error("job %lld dead after %d attempt(s): %s", (long long)id, attempts, err);
}

int jobs_run_due(store *s, const struct config *cfg, int max)
{
	int ran = 0;
	strbuf payload = STRBUF_INIT;
	while (ran < max) {
		char kind[64], key[256], err[512] = "";
		int attempts = 0;
		int64_t id = claim(s, now_s(), kind, sizeof kind, &payload, key, sizeof key, &attempts);
		if (!id)
			break;
		job_handler fn = find(kind);
		enum job_result res;
		if (!fn) {
			snprintf(err, sizeof err, "no handler for job kind '%s'", kind);
			res = JOB_FAILED;
		} else {
			res = fn(s, cfg, sb_str(&payload), key, err, sizeof err);
		}
		finish(s, cfg, id, res, attempts, err);
		ran++;
	}
	sb_free(&payload);
	return ran;
}

bool job_retry_dead(store *s, int64_t id)
{
	return store_run(s, "UPDATE jobs SET status = 'queued', attempts = 0, run_at = ?, updated_at = ? "
			    "WHERE id = ? AND status = 'dead'", "iii", now_s(), now_s(), id) == 1;
}

/* ---- the worker thread ---- */

#define MAX_PERIODIC 8
static void (*periodic[MAX_PERIODIC])(store *s, const struct config *cfg);
static int nperiodic;

void jobs_every(void (*fn)(store *s, const struct config *cfg))
{
	if (nperiodic < MAX_PERIODIC)
		periodic[nperiodic++] = fn;
}

static pthread_t worker;
static bool running, stopping, kicked;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static const struct config *worker_cfg;

void jobs_kick(void)
{
	pthread_mutex_lock(&lock);
	kicked = true;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
}

static void *worker_main(void *arg)
{
	(void)arg;
	store *s = store_thread();
	int64_t last_tick = 0;
	for (;;) {
		pthread_mutex_lock(&lock);
		if (!stopping && !kicked) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += 1;
			pthread_cond_timedwait(&wake, &lock, &ts);
		}
		bool stop = stopping;
		kicked = false;
		pthread_mutex_unlock(&lock);
		if (stop)
			break;
		if (!s)
			s = store_thread();
		if (s && now_s() - last_tick >= worker_cfg->tick_interval) {
			last_tick = now_s();
			for (int i = 0; i < nperiodic; i++)
				periodic[i](s, worker_cfg);
		}
		if (s)
			while (jobs_run_due(s, worker_cfg, 20) == 20 && !stopping)
				;
	}
	return NULL;
}

bool jobs_worker_start(const struct config *cfg)
{
	worker_cfg = cfg;
	stopping = false;
	if (pthread_create(&worker, NULL, worker_main, NULL) != 0)
		return false;
	running = true;
	return true;
}

void jobs_worker_stop(void)
{
	if (!running)
		return;
	pthread_mutex_lock(&lock);
	stopping = true;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	pthread_join(worker, NULL);
	running = false;
}
