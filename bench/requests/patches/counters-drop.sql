-- removes what counters.sql added (run.sh leaves the benchmark databases as generated)
DROP TRIGGER IF EXISTS requests_count_ins;
DROP TRIGGER IF EXISTS requests_count_del;
DROP TRIGGER IF EXISTS requests_count_upd;
DROP TABLE IF EXISTS req_queue_counts;
