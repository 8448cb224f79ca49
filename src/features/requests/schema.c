#include "features/requests/requests.h"

/* dept_id / user ids name rows of the accounts feature: no foreign keys across
 * features (see DECISIONS). Times are UTC seconds. */
const struct migration requests_migrations[] = {
	{1,
	 /* categories = Open311 services */
	 "CREATE TABLE req_categories ("
	 " id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, dept_id INTEGER NOT NULL,"
	 " name_ar TEXT NOT NULL, name_fr TEXT NOT NULL, name_en TEXT NOT NULL,"
	 " desc_ar TEXT NOT NULL DEFAULT '', desc_fr TEXT NOT NULL DEFAULT '', desc_en TEXT NOT NULL DEFAULT '',"
	 " grp TEXT NOT NULL DEFAULT '', keywords TEXT NOT NULL DEFAULT '',"
	 " public INTEGER NOT NULL DEFAULT 1, active INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL);"
	 /* extra fields = Open311 attributes */
	 "CREATE TABLE req_attributes ("
	 " id INTEGER PRIMARY KEY, category_id INTEGER NOT NULL REFERENCES req_categories(id) ON DELETE CASCADE,"
	 " code TEXT NOT NULL, datatype TEXT NOT NULL CHECK (datatype IN"
	 "  ('string','number','datetime','text','singlevaluelist','multivaluelist')),"
	 " required INTEGER NOT NULL DEFAULT 0, ord INTEGER NOT NULL DEFAULT 0,"
	 " label_ar TEXT NOT NULL, label_fr TEXT NOT NULL, label_en TEXT NOT NULL,"
	 " UNIQUE (category_id, code));"
	 "CREATE TABLE req_attribute_values ("
	 " id INTEGER PRIMARY KEY, attribute_id INTEGER NOT NULL REFERENCES req_attributes(id) ON DELETE CASCADE,"
	 " key TEXT NOT NULL, name_ar TEXT NOT NULL, name_fr TEXT NOT NULL, name_en TEXT NOT NULL,"
	 " ord INTEGER NOT NULL DEFAULT 0, UNIQUE (attribute_id, key));"
	 /* response-time targets per category and priority */
	 "CREATE TABLE req_sla ("
	 " id INTEGER PRIMARY KEY, category_id INTEGER NOT NULL REFERENCES req_categories(id) ON DELETE CASCADE,"
	 " priority TEXT NOT NULL CHECK (priority IN ('low','normal','high','urgent')),"
	 " first_response INTEGER, next_response INTEGER, resolution INTEGER,"
	 " business_hours INTEGER NOT NULL DEFAULT 1, raise_priority INTEGER NOT NULL DEFAULT 1,"
	 " UNIQUE (category_id, priority));"
	 /* the administration's calendar */
	 "CREATE TABLE req_business_hours (weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),"
	 " open_min INTEGER NOT NULL, close_min INTEGER NOT NULL, CHECK (open_min < close_min));"
	 "CREATE TABLE req_holidays (day TEXT PRIMARY KEY, name TEXT NOT NULL DEFAULT '');"
	 /* the requests */
	 "CREATE TABLE requests ("
	 " id INTEGER PRIMARY KEY, ref TEXT NOT NULL UNIQUE,"
	 " category_id INTEGER NOT NULL REFERENCES req_categories(id), dept_id INTEGER NOT NULL,"
	 " kind TEXT NOT NULL CHECK (kind IN ('question','complaint','report','suggestion')),"
	 " channel TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN"
	 "  ('new','open','pending','on_hold','solved','closed')),"
	 " priority TEXT NOT NULL CHECK (priority IN ('low','normal','high','urgent')),"
	 " description TEXT NOT NULL, lat REAL, lon REAL, address TEXT,"
	 " user_id INTEGER, contact_name TEXT, contact_email TEXT, contact_phone TEXT, lang TEXT NOT NULL,"
	 " public INTEGER NOT NULL, attributes TEXT NOT NULL DEFAULT '{}', assignee_id INTEGER,"
	 " merged_into INTEGER REFERENCES requests(id), overdue INTEGER NOT NULL DEFAULT 0,"
	 /* is_open: new/open/pending/on_hold; due_sort: next due time, or the largest
	  * integer when no clock runs — together they make the inbox one index range */
	 " is_open INTEGER NOT NULL DEFAULT 1, due_sort INTEGER NOT NULL DEFAULT 9223372036854775807,"
	 " first_response_at INTEGER, solved_at INTEGER, closed_at INTEGER,"
	 " rating INTEGER CHECK (rating BETWEEN 1 AND 5), rating_comment TEXT, simhash INTEGER,"
	 " created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
	 "CREATE INDEX requests_inbox ON requests(dept_id, is_open, due_sort, id);"
	 "CREATE INDEX requests_assignee ON requests(assignee_id, is_open, due_sort, id);"
	 "CREATE INDEX requests_merged ON requests(merged_into) WHERE merged_into IS NOT NULL;"
	 "CREATE INDEX requests_user ON requests(user_id, created_at);"
	 "CREATE INDEX requests_created ON requests(created_at);"
	 "CREATE INDEX requests_category ON requests(category_id, status);"
	 "CREATE TABLE request_photos (request_id INTEGER NOT NULL REFERENCES requests(id) ON DELETE CASCADE,"
	 " media TEXT NOT NULL, ord INTEGER NOT NULL, PRIMARY KEY (request_id, ord));"
	 /* history: public replies, internal notes, status changes ... */
	 "CREATE TABLE request_events ("
	 " id INTEGER PRIMARY KEY, request_id INTEGER NOT NULL REFERENCES requests(id) ON DELETE CASCADE,"
	 " at INTEGER NOT NULL, actor_id INTEGER, actor TEXT NOT NULL, type TEXT NOT NULL,"
	 " public INTEGER NOT NULL, body TEXT, data TEXT);"
	 "CREATE INDEX request_events_req ON request_events(request_id, id);"
	 /* SLA clocks and every event on them, so every figure can be recomputed */
	 "CREATE TABLE request_clocks ("
	 " request_id INTEGER NOT NULL REFERENCES requests(id) ON DELETE CASCADE,"
	 " target TEXT NOT NULL CHECK (target IN ('first_response','next_response','resolution')),"
	 " state TEXT NOT NULL CHECK (state IN ('running','paused','fulfilled','breached')),"
	 " budget INTEGER NOT NULL, used INTEGER NOT NULL DEFAULT 0, running_since INTEGER,"
	 " business_hours INTEGER NOT NULL, due_at INTEGER, breached INTEGER NOT NULL DEFAULT 0,"
	 " PRIMARY KEY (request_id, target));"
	 "CREATE INDEX request_clocks_due ON request_clocks(state, due_at);"
	 "CREATE TABLE request_clock_events ("
	 " id INTEGER PRIMARY KEY, request_id INTEGER NOT NULL REFERENCES requests(id) ON DELETE CASCADE,"
	 " target TEXT NOT NULL, event TEXT NOT NULL CHECK (event IN ('started','paused','resumed','fulfilled','breached')),"
	 " at INTEGER NOT NULL);"
	 "CREATE INDEX request_clock_events_req ON request_clock_events(request_id, id);"
	 "CREATE TABLE reply_templates ("
	 " id INTEGER PRIMARY KEY, dept_id INTEGER, name TEXT NOT NULL,"
	 " body_ar TEXT NOT NULL, body_fr TEXT NOT NULL, body_en TEXT NOT NULL, created_at INTEGER NOT NULL);"},
	{2,
	 /* The inbox's counts (per status, overdue, unassigned, mine), kept by
	  * triggers so that inbox_count reads a few hundred rows instead of a
	  * department's whole queue (0.3–0.75 s per count at 1,000,000 requests,
	  * ten counts per inbox page). assignee 0 = unassigned. */
	 "CREATE TABLE req_queue_counts ("
	 " dept_id INTEGER NOT NULL, status TEXT NOT NULL, overdue INTEGER NOT NULL, assignee INTEGER NOT NULL,"
	 " n INTEGER NOT NULL, PRIMARY KEY (dept_id, status, overdue, assignee)) WITHOUT ROWID;"
	 "INSERT INTO req_queue_counts(dept_id, status, overdue, assignee, n)"
	 " SELECT dept_id, status, overdue, coalesce(assignee_id, 0), count(*) FROM requests GROUP BY 1, 2, 3, 4;"
	 "CREATE TRIGGER requests_count_ins AFTER INSERT ON requests BEGIN"
	 " INSERT INTO req_queue_counts(dept_id, status, overdue, assignee, n)"
	 "  VALUES (new.dept_id, new.status, new.overdue, coalesce(new.assignee_id, 0), 1)"
	 "  ON CONFLICT(dept_id, status, overdue, assignee) DO UPDATE SET n = n + 1;"
	 "END;"
	 "CREATE TRIGGER requests_count_del AFTER DELETE ON requests BEGIN"
	 " UPDATE req_queue_counts SET n = n - 1 WHERE dept_id = old.dept_id AND status = old.status"
	 "  AND overdue = old.overdue AND assignee = coalesce(old.assignee_id, 0);"
	 "END;"
	 "CREATE TRIGGER requests_count_upd AFTER UPDATE OF dept_id, status, overdue, assignee_id ON requests"
	 " WHEN old.dept_id <> new.dept_id OR old.status <> new.status OR old.overdue <> new.overdue"
	 "  OR coalesce(old.assignee_id, 0) <> coalesce(new.assignee_id, 0) BEGIN"
	 " UPDATE req_queue_counts SET n = n - 1 WHERE dept_id = old.dept_id AND status = old.status"
	 "  AND overdue = old.overdue AND assignee = coalesce(old.assignee_id, 0);"
	 " INSERT INTO req_queue_counts(dept_id, status, overdue, assignee, n)"
	 "  VALUES (new.dept_id, new.status, new.overdue, coalesce(new.assignee_id, 0), 1)"
	 "  ON CONFLICT(dept_id, status, overdue, assignee) DO UPDATE SET n = n + 1;"
	 "END;"},
	{0, NULL},
};
