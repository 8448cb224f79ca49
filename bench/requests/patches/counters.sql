-- bench/requests/patches/counters.sql — the queue counters of
-- patches/02-inbox-counters.patch as plain SQL, so that run.sh can measure the
-- proposal on the benchmark databases (applied to a database, then removed by
-- counters-drop.sql). Keep in sync with the migration in the patch.
CREATE TABLE IF NOT EXISTS req_queue_counts (
 dept_id INTEGER NOT NULL, status TEXT NOT NULL, overdue INTEGER NOT NULL,
 assignee INTEGER NOT NULL, -- 0 = unassigned
 n INTEGER NOT NULL, PRIMARY KEY (dept_id, status, overdue, assignee)) WITHOUT ROWID;
DELETE FROM req_queue_counts;
INSERT INTO req_queue_counts(dept_id, status, overdue, assignee, n)
 SELECT dept_id, status, overdue, coalesce(assignee_id, 0), count(*) FROM requests GROUP BY 1, 2, 3, 4;
CREATE TRIGGER IF NOT EXISTS requests_count_ins AFTER INSERT ON requests BEGIN
 INSERT INTO req_queue_counts(dept_id, status, overdue, assignee, n)
  VALUES (new.dept_id, new.status, new.overdue, coalesce(new.assignee_id, 0), 1)
  ON CONFLICT(dept_id, status, overdue, assignee) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS requests_count_del AFTER DELETE ON requests BEGIN
 UPDATE req_queue_counts SET n = n - 1 WHERE dept_id = old.dept_id AND status = old.status
  AND overdue = old.overdue AND assignee = coalesce(old.assignee_id, 0);
END;
CREATE TRIGGER IF NOT EXISTS requests_count_upd AFTER UPDATE OF dept_id, status, overdue, assignee_id ON requests
 WHEN old.dept_id <> new.dept_id OR old.status <> new.status OR old.overdue <> new.overdue
  OR coalesce(old.assignee_id, 0) <> coalesce(new.assignee_id, 0) BEGIN
 UPDATE req_queue_counts SET n = n - 1 WHERE dept_id = old.dept_id AND status = old.status
  AND overdue = old.overdue AND assignee = coalesce(old.assignee_id, 0);
 INSERT INTO req_queue_counts(dept_id, status, overdue, assignee, n)
  VALUES (new.dept_id, new.status, new.overdue, coalesce(new.assignee_id, 0), 1)
  ON CONFLICT(dept_id, status, overdue, assignee) DO UPDATE SET n = n + 1;
END;
