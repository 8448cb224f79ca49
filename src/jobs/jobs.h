/* The durable job queue: work that must happen after a request (email, webhooks,
 * re-scoring) is written to the `jobs` table in the same transaction as the change
 * that caused it, and a worker thread in the server runs it — with retries and
 * exponential backoff, a dead-letter state after max attempts, and idempotency
 * keys so that the same job is never queued twice. Nothing is lost on restart:
 * a job that was running when the process died is picked up again. */
#ifndef MAJLIS_JOBS_JOBS_H
#define MAJLIS_JOBS_JOBS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/config.h"
#include "store/migrate.h"
#include "store/store.h"

extern const struct migration jobs_migrations[];

#define JOB_MAX_ATTEMPTS 8

enum job_result {
	JOB_DONE,     /* finished; never run again */
	JOB_RETRY,    /* temporary failure: run again after a backoff */
	JOB_FAILED,   /* permanent failure: dead-letter at once */
};

/* Runs one job; payload is the JSON text given to job_enqueue. On failure,
 * writes a short reason into err. Must be idempotent: it may run again after a
 * crash between its effect and the queue's bookkeeping. */
typedef enum job_result (*job_handler)(store *s, const struct config *cfg, const char *payload,
				       const char *key, char *err, size_t errn);

/* Registers the handler of a kind (call at start-up, before the worker runs). */
void job_register(const char *kind, job_handler fn);

/* Registers a function the worker calls every tick_interval seconds (breach
 * scans, automatic closing). It runs on the worker's connection; it must be
 * quick and idempotent. */
void jobs_every(void (*fn)(store *s, const struct config *cfg));

/* Queues a job; key (unique, may be NULL) makes it idempotent. run_at 0 = now.
 * Use inside the caller's transaction to tie the job to its cause. Returns the
 * job id, 0 when a job with this key already exists, -1 on a database error. */
int64_t job_enqueue(store *s, const char *kind, const char *key, const char *payload, int64_t run_at);

/* Claims and runs up to max due jobs on s; returns how many ran. Used by the
 * worker and by `majlis jobs run`. */
int jobs_run_due(store *s, const struct config *cfg, int max);

/* Starts the worker thread (polls every second, wakes at once on jobs_kick). */
bool jobs_worker_start(const struct config *cfg);
/* Wakes the worker (after enqueuing). Safe from any thread. */
void jobs_kick(void);
/* Stops the worker and waits for the job in progress to finish. */
void jobs_worker_stop(void);

/* Dead jobs go back to the queue with a fresh attempt count. false if none. */
bool job_retry_dead(store *s, int64_t id);

/* Registers GET /admin/jobs and POST /admin/jobs/:id/retry (site admins). */
void jobs_routes(void);

#endif
