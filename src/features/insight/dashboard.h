/* The insight dashboard, the drill-down lists, the exports, the opinion-group
 * pages and the weekly digest: the pages side of "reading public opinion".
 * Everything here reads through insight.h (aggregates), never the owners'
 * tables.
 *
 * Who sees what: a department's analysts and admins (ROLE_ANALYST, which a
 * department admin holds too) see that department; site admins (and API
 * tokens for every department) see the whole administration. A dept= filter
 * naming a department the viewer cannot see is refused (403).
 *
 * Routes (registered by insight_pages_routes):
 *   GET  /insight                      the dashboard (filters: from, to
 *                                      YYYY-MM-DD; gran day|week|month; dept
 *                                      slug; category code; channel; source)
 *   GET  /insight/export/:block        one block as CSV or JSON (format=csv|json,
 *                                      default csv) with the same filters
 *   GET  /insight/messages             the messages behind a figure (filters plus
 *                                      term, cluster, cell, area, sentiment; keyset
 *                                      pager before=<at>.<id>); format=csv|json too
 *   GET  /api/v1/insight/:block        the same blocks as JSON (bearer tokens)
 *   POST /insight/digest/send          site admins: queue the weekly digest now
 *                                      (week=YYYY-Www, default the last full week)
 *   GET  /consultations/:id/opinions   opinion groups (opinion_pages.c)
 *   GET  /api/v1/consultations/:id/opinions
 * Blocks: series, departments, categories, channels, terms, phrases, emerging,
 * clusters, hotspots, areas, messages. */
#ifndef MAJLIS_FEATURES_INSIGHT_DASHBOARD_H
#define MAJLIS_FEATURES_INSIGHT_DASHBOARD_H
#include <stdbool.h>
#include <stdint.h>
#include "features/accounts/accounts.h"
#include "features/insight/insight.h"
#include "http/http.h"
#include "jobs/jobs.h"

/* Registers every route above, and (once) the weekly digest: the job kind
 * "insight.digest" and its periodic task. Call once at start-up, like the
 * other *_routes (app_register_routes). */
void insight_pages_routes(void);

#define DASH_MAX_PERIODS 400   /* points of a series */
#define DASH_DEFAULT_DAYS 30
#define DASH_MAX_SERIES 6      /* lines in a breakdown chart */
#define DASH_PAGE 50           /* messages per drill-down page */

/* ---- shared between the dashboard files (not for other features) ---- */

/* A parsed dashboard request. */
struct dash_view {
	struct insight_filter f;           /* depts = the visible ones */
	struct department *depts;          /* visible departments (arena) */
	int ndepts;
	const struct department *dept;     /* the dept= filter, or NULL */
	const char *category_code;         /* the category= filter, or NULL */
	const char *channel, *source;      /* or NULL */
	bool all_depts;                    /* the viewer sees every department */
	bool site_admin;
};

/* Parses the filters of r for its principal into *v (defaults: the last
 * DASH_DEFAULT_DAYS days, by day). On a bad value answers 400 (or 403 for a
 * department the viewer cannot see) and returns false: the caller stops. */
bool dash_view_or_reply(struct req *r, store *s, struct dash_view *v);
/* The query string (without '?') reproducing v's filters, plus extra
 * ("k=v&k=v", already encoded; may be NULL). Arena-owned. */
const char *dash_query(struct req *r, const struct dash_view *v, const char *extra);
/* Department / category names in r's language ("" for 0). */
const char *dash_dept_name(struct req *r, const struct dash_view *v, int64_t id);
const char *dash_dept_slug(const struct dash_view *v, int64_t id);
const char *dash_category_name(struct req *r, store *s, int64_t id);
const char *dash_category_code(struct req *r, store *s, int64_t id);
/* "YYYY-MM-DD" of a day (arena). */
const char *dash_day(struct req *r, int32_t day);

/* Channels (and sources) present in the aggregates, most messages first,
 * at most max; *out arena-owned; count or -1. Reads insight's aggregate
 * table (dashboard_data.c) — to move into insight.h. */
int dash_channels(store *s, arena *a, const struct insight_filter *f, bool sources, int max, const char ***out);

/* One breakdown row: a department, category or channel over the period. */
struct dash_breakdown {
	const char *key;         /* slug / code / channel name */
	const char *name;        /* shown name */
	int64_t id;              /* dept / category id, 0 for channels */
	struct insight_point *pts;
	int npts;
	int64_t total, pos, neg, neu;
};
enum dash_by { DASH_BY_DEPT, DASH_BY_CATEGORY, DASH_BY_CHANNEL };
/* The breakdown of v's period by dept, category or channel (rows with no
 * message left out), largest first. Count or -1 (arena). */
int dash_breakdown(struct req *r, store *s, const struct dash_view *v, enum dash_by by, struct dash_breakdown **out);
/* Net sentiment (pos - neg) / scored, in percent; 0 when nothing is scored. */
double dash_net(int64_t pos, int64_t neg, int64_t neu);

/* Answers block (by name) in format "csv" or "json"; 404 for an unknown block. */
void dash_export(struct req *r, store *s, const struct dash_view *v, const char *block, const char *format);
/* Answers rows (flat objects, reference borrowed) as CSV with the columns
 * cols (NULL-terminated), file name insight-<name>.csv. */
void dash_csv(struct req *r, const char *name, const char *const *cols, json_t *rows);
/* The filters of v as a JSON object (new reference). */
json_t *dash_filters_json(struct req *r, const struct dash_view *v);
/* The drill-down list (HTML, CSV or JSON). */
void dash_messages(struct req *r, store *s, const struct dash_view *v, const char *format);

/* ---- the weekly digest (digest.c) ---- */

/* ISO week "YYYY-Www" holding local day (out: 9 bytes); its Monday. */
void digest_iso_week(int32_t day, char out[9]);
/* Day of the Monday of an ISO week "YYYY-Www"; 0 when malformed. */
int32_t digest_week_monday(const char *week);
/* Queues the digest job of every department and of the whole administration
 * for the ISO week starting on monday (keys "digest:<slug|all>:<week>": each
 * once). Returns how many jobs were new, -1 on a database error. */
int digest_enqueue_week(store *s, int32_t monday);
/* Registers the job kind and the periodic task (once). */
void digest_init(void);
/* Enabled site admins' addresses and languages (arena; digest_recipients.c)
 * — to move into accounts.h. Count or -1. */
int digest_site_admins(store *s, arena *a, const char ***emails, const char ***langs);

#endif
