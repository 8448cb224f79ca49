/* Shared between insight's own files; not for other features. */
#ifndef MAJLIS_FEATURES_INSIGHT_INTERNAL_H
#define MAJLIS_FEATURES_INSIGHT_INTERNAL_H
#include "features/insight/insight.h"
#include "text/sentiment.h"

#define INSIGHT_MAX_TERMS 64

/* The shared model (loaded on first use; NULL when none can be found). */
const sent_model *insight_model(void);
/* Frees it (insight_shutdown). */
void insight_model_free(void);

/* insight_dept_list and insight_filter_empty: see insight.h. */

/* Scores text[0..n) with the loaded model: *label (model-owned) and *conf;
 * false when there is no model. Per-thread featurizer. */
bool insight_score(const char *text, size_t n, const char **label, double *conf);

/* Drill-down rows: the column list (prefix "m." = insight_messages) and the
 * reader of one row starting at column c. */
#define INSIGHT_ITEM_COLS "m.id, m.source, m.source_id, coalesce(m.url, ''), m.dept_id, m.category_id, m.channel," \
	" m.lang, coalesce(m.area, ''), coalesce(m.sentiment, ''), m.confidence, m.model_version, m.excerpt," \
	" m.has_location, coalesce(m.lat, 0), coalesce(m.lon, 0), m.at"
void insight_item_read(store_stmt *st, arena *a, struct insight_item *it, int c);
/* Display form of a term key ("stem" or "stem stem"), arena-owned. */
const char *insight_display_of(store *s, arena *a, const char *term);

/* CSV reading (csv.c, libcsv, RFC 4180, the INSIGHT_CSV_* limits, UTF-8
 * checked, a leading BOM dropped). fn is called for the header (rowno 0) and
 * each data row (1, 2, ...) with NUL-terminated fields valid during the call;
 * it returns false after writing a message into err to stop. Returns 0, or 1
 * with err set (the message names the row). */
typedef bool (*insight_row_fn)(void *ctx, char **fields, int nf, long rowno, char *err, size_t errn);
int insight_csv_read(FILE *in, insight_row_fn fn, void *ctx, char *err, size_t errn);
/* Index of the column called name in a header row, -1 when absent. */
int insight_csv_column(char **fields, int nf, const char *name);

#endif
