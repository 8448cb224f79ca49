#include "features/consultations/consultations.h"

/* dept_id and author_id name rows of the accounts feature (no foreign key, by
 * the features-own-their-tables rule). closes_at is moved to the closing time
 * when staff close early (closed_at records that it happened), so the status
 * is always derived from opens_at/closes_at alone. Documents are media files
 * (src/features/media) named by content hash. */
const struct migration consultations_migrations[] = {
	{1,
	 "CREATE TABLE consultations ("
	 " id INTEGER PRIMARY KEY, dept_id INTEGER NOT NULL, author_id INTEGER,"
	 " title TEXT NOT NULL, slug TEXT NOT NULL, lang TEXT NOT NULL CHECK (lang IN ('ar','fr','en')),"
	 " body TEXT NOT NULL, body_html TEXT NOT NULL,"
	 " summary TEXT NOT NULL DEFAULT '', summary_html TEXT NOT NULL DEFAULT '',"
	 " published INTEGER NOT NULL DEFAULT 0,"
	 " opens_at INTEGER NOT NULL, closes_at INTEGER NOT NULL, closed_at INTEGER,"
	 " allow_proposals INTEGER NOT NULL DEFAULT 0, support_threshold INTEGER NOT NULL DEFAULT 0,"
	 " proposals_deadline INTEGER,"
	 " created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
	 " CHECK (closes_at > opens_at), CHECK (support_threshold >= 0));"
	 "CREATE INDEX consultations_closes ON consultations(published, closes_at, id);"
	 "CREATE INDEX consultations_opens ON consultations(published, opens_at, id);"
	 "CREATE INDEX consultations_staff ON consultations(dept_id, updated_at, id);"
	 "CREATE TABLE consultation_documents ("
	 " consultation_id INTEGER NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,"
	 " position INTEGER NOT NULL, name TEXT NOT NULL, title TEXT NOT NULL,"
	 " PRIMARY KEY (consultation_id, position));"},
	{0, NULL},
};
