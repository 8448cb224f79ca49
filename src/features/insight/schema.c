/* Insight's tables (see insight.h for what each holds). */
#include "features/insight/insight.h"

const struct migration insight_migrations[] = {
	{1,
	 "CREATE TABLE insight_messages ("
	 " id INTEGER PRIMARY KEY, source TEXT NOT NULL, source_id INTEGER NOT NULL,"
	 " dept_id INTEGER NOT NULL DEFAULT 0, category_id INTEGER NOT NULL DEFAULT 0, channel TEXT NOT NULL,"
	 " lang TEXT NOT NULL, sentiment TEXT, confidence REAL NOT NULL DEFAULT 0, model_version TEXT NOT NULL DEFAULT '',"
	 " simhash INTEGER NOT NULL DEFAULT 0, has_location INTEGER NOT NULL DEFAULT 0, lat REAL, lon REAL,"
	 " cell INTEGER NOT NULL DEFAULT 0, area TEXT, url TEXT, excerpt TEXT NOT NULL, text TEXT,"
	 " day INTEGER NOT NULL, at INTEGER NOT NULL, UNIQUE (source, source_id));"
	 "CREATE INDEX insight_messages_at ON insight_messages(at, id);"
	 "CREATE INDEX insight_messages_day ON insight_messages(day, dept_id);"
	 "CREATE INDEX insight_messages_version ON insight_messages(model_version, id);"
	 "CREATE TABLE insight_msg_terms (msg_id INTEGER NOT NULL, term TEXT NOT NULL, PRIMARY KEY (msg_id, term));"
	 "CREATE INDEX insight_msg_terms_term ON insight_msg_terms(term, msg_id);"
	 "CREATE TABLE insight_forms (term TEXT NOT NULL, form TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (term, form));"
	 "CREATE TABLE insight_agg_sent (day INTEGER NOT NULL, dept_id INTEGER NOT NULL, category_id INTEGER NOT NULL,"
	 " channel TEXT NOT NULL, source TEXT NOT NULL, n INTEGER NOT NULL DEFAULT 0, n_pos INTEGER NOT NULL DEFAULT 0,"
	 " n_neg INTEGER NOT NULL DEFAULT 0, n_neu INTEGER NOT NULL DEFAULT 0, conf_sum REAL NOT NULL DEFAULT 0,"
	 " PRIMARY KEY (day, dept_id, category_id, channel, source));"
	 "CREATE TABLE insight_agg_terms (day INTEGER NOT NULL, dept_id INTEGER NOT NULL, category_id INTEGER NOT NULL,"
	 " ngram INTEGER NOT NULL, term TEXT NOT NULL, n INTEGER NOT NULL,"
	 " PRIMARY KEY (day, dept_id, category_id, ngram, term));"
	 "CREATE TABLE insight_agg_cells (day INTEGER NOT NULL, cell INTEGER NOT NULL, category_id INTEGER NOT NULL,"
	 " dept_id INTEGER NOT NULL, n INTEGER NOT NULL, sum_lat REAL NOT NULL, sum_lon REAL NOT NULL,"
	 " PRIMARY KEY (day, cell, category_id, dept_id));"
	 "CREATE TABLE insight_agg_areas (day INTEGER NOT NULL, area TEXT NOT NULL, category_id INTEGER NOT NULL,"
	 " dept_id INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (day, area, category_id, dept_id));"
	 "CREATE TABLE insight_clusters (id INTEGER PRIMARY KEY, dept_id INTEGER NOT NULL, category_id INTEGER NOT NULL,"
	 " size INTEGER NOT NULL, label TEXT NOT NULL, first_at INTEGER NOT NULL, last_at INTEGER NOT NULL,"
	 " n_pos INTEGER NOT NULL, n_neg INTEGER NOT NULL, n_neu INTEGER NOT NULL, computed_at INTEGER NOT NULL);"
	 "CREATE TABLE insight_cluster_members (cluster_id INTEGER NOT NULL, msg_id INTEGER NOT NULL,"
	 " PRIMARY KEY (cluster_id, msg_id));"},
	{0, NULL},
};
