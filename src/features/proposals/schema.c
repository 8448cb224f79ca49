#include "features/proposals/proposals.h"

/* dept_id, author_id, user_id name rows of the accounts feature and
 * consultation_id a row of the consultations feature: no foreign keys across
 * features; checked through their headers. */
const struct migration proposals_migrations[] = {
	{1,
	 "CREATE TABLE proposal_spaces ("
	 " dept_id INTEGER PRIMARY KEY, open INTEGER NOT NULL DEFAULT 0,"
	 " threshold INTEGER NOT NULL DEFAULT 0 CHECK (threshold >= 0), deadline INTEGER NOT NULL DEFAULT 0,"
	 " updated_by INTEGER, updated_at INTEGER NOT NULL);"
	 "CREATE TABLE proposals ("
	 " id INTEGER PRIMARY KEY, dept_id INTEGER NOT NULL, consultation_id INTEGER, author_id INTEGER NOT NULL,"
	 " title TEXT NOT NULL, body TEXT NOT NULL, body_html TEXT NOT NULL,"
	 " threshold INTEGER NOT NULL DEFAULT 0, deadline INTEGER NOT NULL DEFAULT 0,"
	 " supports INTEGER NOT NULL DEFAULT 0 CHECK (supports >= 0), reached_at INTEGER NOT NULL DEFAULT 0,"
	 " answer TEXT CHECK (answer IN ('accepted','under_study','rejected')),"
	 " answer_text TEXT NOT NULL DEFAULT '', answer_html TEXT NOT NULL DEFAULT '',"
	 " answered_by INTEGER, answered_at INTEGER NOT NULL DEFAULT 0,"
	 " hidden INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
	 "CREATE INDEX proposals_new ON proposals(hidden, created_at DESC, id DESC);"
	 "CREATE INDEX proposals_dept ON proposals(dept_id, hidden, created_at DESC);"
	 "CREATE INDEX proposals_consultation ON proposals(consultation_id, hidden, created_at DESC);"
	 "CREATE INDEX proposals_top ON proposals(hidden, supports DESC, id DESC);"
	 "CREATE TABLE proposal_supports ("
	 " proposal_id INTEGER NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,"
	 " user_id INTEGER NOT NULL, created_at INTEGER NOT NULL,"
	 " PRIMARY KEY (proposal_id, user_id));"},
	{0, NULL},
};
