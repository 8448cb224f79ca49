/* Insight: the data layer of "reading public opinion" (issue 5). Every citizen
 * message that any feature receives (requests, comments, proposals, survey
 * answers, imported external comments) is recorded here once, inside the
 * owner's write transaction: language, sentiment (label, confidence, model
 * version), SimHash, index terms, and incremental aggregates. The dashboard
 * pages (pages*.c, dashboard*.c, opinion*.c, digest*.c — another engineer's)
 * read ONLY through the query functions below.
 *
 * Tables (all owned here):
 *   insight_messages   one row per (source, source_id): scores, dept, category,
 *                      channel, location, area, a PII-masked excerpt (<= 280
 *                      characters, for drill-down), the full text (first
 *                      64 KB) only for source "external" (it has no other home)
 *   insight_msg_terms  (message, term): distinct stems and 2-word phrases
 *   insight_forms      (stem, surface form, count): the display form of a stem
 *                      (display only: not decremented by insight_forget)
 *   insight_agg_sent   per day x dept x category x channel x source: pos/neg/neu
 *                      counts and the sum of confidences
 *   insight_agg_terms  per day x dept x category x term (1- and 2-grams): messages
 *   insight_agg_cells  per day x grid cell x category x dept: messages, sum lat/lon
 *   insight_agg_areas  per day x area x category x dept: messages
 *   insight_clusters / insight_cluster_members: computed by a periodic job.
 *
 * Days: a "day" is an int32 count of days since 1970-01-01 in the
 * administration's time zone (the process TZ, set from config.timezone),
 * computed from the message's time. Periods (week: Monday first; month) are
 * identified by their first day.
 *
 * Visibility: every query takes an insight_filter whose depts/ndepts lists the
 * departments the viewer may see (NULL = all, for site admins and management).
 * Rows carry dept ids; the page decides who may open what.
 *
 * Thread-safety: every function may be called from any thread on that
 * thread's store connection; the sentiment model is loaded once and shared
 * read-only, the featurizer and stemmers are per thread. */
#ifndef MAJLIS_FEATURES_INSIGHT_H
#define MAJLIS_FEATURES_INSIGHT_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "core/arena.h"
#include "core/config.h"
#include "store/migrate.h"
#include "store/store.h"

extern const struct migration insight_migrations[];

/* Loads the default sentiment model (sent_model_default) once, registers the
 * job kinds ("insight.rescore", "insight.clusters") and the periodic task
 * (clusters recomputed at most every INSIGHT_CLUSTER_EVERY seconds). Safe to
 * call twice (the second call does nothing). Without a model, messages are
 * recorded with sentiment NULL and version "" (logged once); they are
 * re-scored when a model appears. */
void insight_init(const struct config *cfg);
/* Queues the re-scoring jobs when stored scores come from another model
 * version than the loaded one (one durable job per batch of
 * INSIGHT_RESCORE_BATCH message ids, key "insight.rescore:<version>:<first
 * id>", so queuing twice is harmless). Call at start-up on a migrated
 * database (app_start does). Returns the number of jobs queued, -1 on a
 * database error. */
int insight_rescore_enqueue(store *s);
/* Frees the model. Call after the worker threads have stopped. */
void insight_shutdown(void);
/* The loaded model's version ("" when none). Static storage. */
const char *insight_model_version(void);

#define INSIGHT_RESCORE_BATCH 500
#define INSIGHT_CLUSTER_DAYS 14       /* clusters are built over the last N days */
#define INSIGHT_CLUSTER_EVERY 600     /* seconds between two cluster computations */
#define INSIGHT_CLUSTER_BITS 12       /* SimHash Hamming distance to join a cluster (TEXT_NEAR_DUP_BITS) */
#define INSIGHT_EXCERPT_CHARS 280
#define INSIGHT_CELL_DEG_LAT 0.0045   /* grid cell: ~500 m north-south */
#define INSIGHT_CELL_DEG_LON 0.0055   /* ~500 m east-west at Maghreb latitudes */

/* ---- recording (called by the features that own the messages) ---- */

struct insight_msg {
	const char *source;   /* "request", "comment", "proposal", "survey", "external" ... (required) */
	int64_t source_id;    /* the owner's id (required; for "external": the import's row id) */
	int64_t dept_id;      /* 0 = none */
	int64_t category_id;  /* 0 = none */
	const char *channel;  /* "web", "api", "open311", "email", "facebook" ...; NULL = "web" */
	const char *text;     /* the citizen's words, UTF-8 (required; may be "") */
	double lat, lon;      /* used when has_location */
	bool has_location;
	const char *area;     /* district / neighbourhood name, NULL = none */
	const char *url;      /* link to the message on this site (drill-down); NULL = derived
	                         for known sources: request -> /staff/requests/ID */
	int64_t at;           /* creation time (UTC seconds); 0 = now */
};

/* Records (or, when (source, source_id) is already recorded, replaces) one
 * message and updates every aggregate. Call INSIDE the owner's write
 * transaction (it does not begin or commit); false on a database error, the
 * caller then rolls back. Costs one sentiment prediction plus ~a few dozen
 * prepared-statement upserts (see docs: well under 1 ms). */
bool insight_record(store *s, const struct insight_msg *m);
/* Removes a message and takes it out of every aggregate (on deletion or a
 * privacy erasure). No error when absent. Inside the caller's transaction. */
bool insight_forget(store *s, const char *source, int64_t source_id);

/* Re-scoring needs the full text of messages whose owner keeps it. A feature
 * may register a function returning the current text of one of its
 * messages (arena-owned, NULL when it no longer exists). "request" is
 * registered by insight itself (through requests.h). Without a fetcher the
 * stored text (external) or the excerpt is used. Call at start-up. */
typedef const char *(*insight_text_fn)(store *s, arena *a, int64_t source_id);
void insight_source_register(const char *source, insight_text_fn fn);

/* ---- the analysis of one text (no database; used by record and by `analyze`) ---- */

struct insight_analysis {
	const char *lang;       /* "ar", "ar-Latn", "fr", "en", "und" (static) */
	double lang_confidence;
	const char *sentiment;  /* "pos", "neg", "neu" (model label; static/model-owned), NULL without a model */
	double confidence;
	unsigned pii_kinds;     /* OR of enum pii_kind (text/pii.h) */
	char **terms;           /* distinct stems in order of first appearance (arena) */
	char **forms;           /* forms[i]: surface form of terms[i] as first seen (arena) */
	int nterms;
	char **phrases;         /* distinct "stem stem" pairs of adjacent terms (arena) */
	int nphrases;
	uint64_t simhash;
};

/* Analyses text[0..n) (cut to 64 KB; invalid UTF-8 tolerated) into *out
 * (arena-owned strings). At most 64 terms and 64 phrases are kept. Uses this
 * thread's analyzer/featurizer and the loaded model (insight_init, or loaded
 * on first use). Never fails. */
void insight_analyze(arena *a, const char *text, size_t n, struct insight_analysis *out);

/* ---- queries for the dashboard ---- */

enum insight_gran { INSIGHT_DAY = 0, INSIGHT_WEEK, INSIGHT_MONTH };

struct insight_filter {
	const int64_t *depts;  /* departments the viewer may see; NULL = all */
	int ndepts;            /* with depts != NULL: 0 means none (empty results) */
	int64_t dept_id;       /* 0 = every (visible) department */
	int64_t category_id;   /* 0 = all */
	const char *channel;   /* NULL/"" = all */
	const char *source;    /* NULL/"" = all */
	int32_t from_day, to_day; /* inclusive local days; 0 = open (see insight_day_*) */
	enum insight_gran gran;
};

/* Day helpers. insight_day_of: local day of a UTC time. insight_day_parse:
 * "YYYY-MM-DD" -> day, or 0 when invalid. insight_day_format: writes
 * "YYYY-MM-DD" into out (11 bytes). insight_today: local day now. */
int32_t insight_day_of(int64_t t);
int32_t insight_day_parse(const char *ymd);
void insight_day_format(int32_t day, char out[11]);
int32_t insight_today(void);
/* First day of the period holding day; last day of the period starting at start. */
int32_t insight_period_start(int32_t day, enum insight_gran g);
int32_t insight_period_end(int32_t start, enum insight_gran g);

struct insight_point {
	int32_t day;           /* first day of the period */
	char label[11];        /* its YYYY-MM-DD */
	int64_t pos, neg, neu; /* messages per sentiment */
	int64_t total;         /* volume (also counts messages without a score) */
	double mean_confidence;/* over scored messages, 0 when none */
};

/* Sentiment and volume per period of f->gran, oldest first. When both ends
 * of the range are set, empty periods are included (zeros) so that a chart
 * has no holes. Returns the count and an arena array in *out; -1 on error. */
int insight_series(store *s, arena *a, const struct insight_filter *f, struct insight_point **out);

/* The filter's department restriction as ",1,4," (arena), NULL when
 * f->depts is NULL (all); and whether the filter can see nothing at all
 * (depts given and empty). For SQL of the pages that use the same rule. */
const char *insight_dept_list(arena *a, const struct insight_filter *f);
bool insight_filter_empty(const struct insight_filter *f);

enum insight_dim { INSIGHT_BY_DEPT, INSIGHT_BY_CATEGORY, INSIGHT_BY_CHANNEL, INSIGHT_BY_SOURCE };

struct insight_slice {
	int64_t id;            /* dept / category id (0 = none); 0 for channel and source */
	const char *key;       /* channel or source name; "" for dept and category */
	int64_t total, pos, neg, neu;
	double mean_confidence;
};

/* Totals of the filtered period split by one dimension, largest first (rows
 * without messages left out); limit 1..500. Returns the count (arena array),
 * -1 on error. With by = CHANNEL or SOURCE this is also the list of channels
 * or sources present (what a filter menu needs). */
int insight_breakdown(store *s, arena *a, const struct insight_filter *f, enum insight_dim by, int limit,
		      struct insight_slice **out);

struct insight_term {
	const char *term;      /* the key: a stem, or "stem stem" for a phrase (give it to drill-down) */
	const char *display;   /* most frequent surface form(s), e.g. "البلدية", "coupure d'eau" -> "coupure eau" */
	int64_t count;         /* messages containing it */
};

/* Top terms (ngram 1) or 2-word phrases (ngram 2) of the filtered messages,
 * stop words excluded, by number of messages. limit 1..200. Returns the count
 * (arena array), -1 on error. */
int insight_top_terms(store *s, arena *a, const struct insight_filter *f, int ngram, int limit,
		      struct insight_term **out);

struct insight_emerging {
	const char *term, *display;
	int64_t now, before;         /* messages with the term in this / the previous period */
	int64_t total_now, total_before; /* messages in each period */
	double g2;                   /* Dunning log-likelihood ratio G² (1 df) */
	double p;                    /* its p-value (chi-square, 1 df) */
};

/* Terms (ngram 1 or 2) rising in [from_day, to_day] against the previous
 * period of the same length: share of messages now > share before, now >=
 * min_count (0 = 5), and p < alpha (0 = 0.01). Open ends default to the last
 * 7 days up to today. Sorted by G² descending; limit 1..200. Returns the
 * count (arena array), -1 on error. */
int insight_emerging_terms(store *s, arena *a, const struct insight_filter *f, int ngram, int min_count,
			   double alpha, int limit, struct insight_emerging **out);

struct insight_item {          /* one message, for drill-down and examples */
	int64_t id;                /* insight's id (keyset cursor together with at) */
	const char *source;        /* "request", ... */
	int64_t source_id;
	const char *url;           /* link to it on this site; "" for external */
	int64_t dept_id, category_id;
	const char *channel, *lang, *area;   /* area "" when none */
	const char *sentiment;     /* "" when not scored */
	double confidence;
	const char *model_version;
	const char *excerpt;       /* PII-masked, <= INSIGHT_EXCERPT_CHARS characters */
	bool has_location;
	double lat, lon;
	int64_t at;
};

struct insight_cluster {
	int64_t id, dept_id, category_id; /* category: the most frequent one */
	int size;
	const char *label;         /* its top terms' display forms joined by " · " */
	int64_t first_at, last_at;
	int pos, neg, neu;
	struct insight_item *examples; /* up to 3, newest first */
	int nexamples;
};

/* Clusters of near-duplicate recent messages (computed by the periodic job
 * over the last INSIGHT_CLUSTER_DAYS days; size >= 2), biggest first,
 * restricted by f's depts/dept_id/category_id (dates, channel and source are
 * ignored: clusters are "now"). limit 1..100. Returns the count, -1 on error. */
int insight_clusters(store *s, arena *a, const struct insight_filter *f, int limit, struct insight_cluster **out);
/* Recomputes every cluster now (what the job runs; also for tests). Greedy:
 * messages newest first (at most 20,000), per department; a message joins
 * the first cluster one of whose first 4 members is within
 * INSIGHT_CLUSTER_BITS bits of SimHash AND has an excerpt resemblance >= 0.3
 * (text_resemblance). Replaces the tables in one transaction. Returns the
 * number of clusters (size >= 2), -1 on error. */
int insight_clusters_compute(store *s, int32_t today);

struct insight_hotspot {
	int64_t cell;              /* grid cell id (drill-down), 0 for areas */
	const char *area;          /* area name when by_area, else NULL */
	double lat, lon;           /* centre: mean position of its messages (cells only) */
	int64_t category_id;
	int64_t count;
};

/* Top grid cells (by_area false) or areas (by_area true) x category of the
 * filtered period, by messages. limit 1..200. Returns the count, -1 on error. */
int insight_hotspots(store *s, arena *a, const struct insight_filter *f, bool by_area, int limit,
		     struct insight_hotspot **out);
/* The cell id of a position (same grid as the aggregates). */
int64_t insight_cell_of(double lat, double lon);

struct insight_drill {
	struct insight_filter f;   /* period = [from_day, to_day]; dept/category/channel/source */
	const char *term;          /* a term or phrase key from insight_top_terms/emerging; NULL = any */
	int64_t cluster_id;        /* 0 = any */
	int64_t cell;              /* 0 = any */
	const char *area;          /* NULL = any */
	const char *sentiment;     /* "pos"/"neg"/"neu"; NULL = any */
	int64_t before_at, before_id; /* keyset: rows strictly before (at, id); 0,0 = from the newest */
	int limit;                 /* 1..200 */
};

/* The messages behind a figure, newest first. Returns the count (arena array),
 * -1 on error. Next page: before_at/before_id = the last row's at/id. */
int insight_messages(store *s, arena *a, const struct insight_drill *d, struct insight_item **out);

/* ---- command line (src/main.c) ---- */

/* `majlis analyze FILE.csv --text-column NAME [--out FILE.csv]`: no database.
 * argv[0] is "analyze". Returns the exit code (0 ok, 1 bad input/runtime, 2 usage). */
int insight_analyze_main(int argc, char **argv);
/* `majlis import FILE.csv --text-column NAME [--date-column D] [--channel NAME]
 * [--dept SLUG] [--db PATH]`: records each row as source "external".
 * schemas: the application's (to check the database is migrated). */
int insight_import_main(int argc, char **argv, const struct feature_schema *schemas);

/* Limits of the CSV commands. */
#define INSIGHT_CSV_MAX_BYTES (256u * 1024 * 1024)
#define INSIGHT_CSV_MAX_FIELD (1024u * 1024)
#define INSIGHT_CSV_MAX_COLUMNS 1000
#define INSIGHT_CSV_MAX_ROWS 5000000

/* The CSV analysis as a stream function (fuzzed by fuzz/fuzz_csv_analyze.c):
 * reads in, writes the enriched CSV to out and the summary to summary (may
 * be NULL). 0 on success; 1 with a message in err on bad input (not CSV,
 * not UTF-8, no such column, over a limit). Never crashes on any input. */
int insight_csv_analyze(FILE *in, FILE *out, FILE *summary, const char *text_column, char *err, size_t errn);

#endif
