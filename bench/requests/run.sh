#!/usr/bin/env bash
# bench/requests/run.sh — citizen requests: creation throughput through
# POST /api/v1/requests against the same creations done directly on SQLite, and
# the staff inbox latency at 10,000 / 100,000 / 1,000,000 requests, in-process
# and over HTTP. One run on one machine, loopback only. See bench/README.md
# ("Requests"). Usage (from anywhere):
#
#   bash bench/requests/run.sh
#   SIZES="10000 100000" DURATION=5 bash bench/requests/run.sh
#
# Knobs (environment):
#   SIZES="10000 100000 1000000"   inbox database sizes (generated once, reused)
#   DURATION=10       seconds per wrk measurement
#   WARMUP=2          seconds of wrk warm-up before each inbox measurement
#   CREATE_CONNS=16   wrk connections for the creation run (-t WRK_THREADS)
#   GET_CONNS=2       wrk connections for the inbox GET runs
#   WRK_THREADS=2
#   SERVER_THREADS=   server pool (default nproc, as majlis serve does)
#   ITERS=2000        in-process iterations per inbox case (each case also stops
#   BUDGET=2          after BUDGET seconds: the slow count queries)
#   PORT=18731
#   BENCH_DIR=/tmp/majlis-bench-requests
#   REGEN=0           1: regenerate the inbox databases
#   SKIP_BUILD=0      1: do not run make
#   MAJLIS_BIN=       serve this binary (its libmajlis.a builds the C tools)
set -euo pipefail

SIZES=${SIZES:-10000 100000 1000000}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
CREATE_CONNS=${CREATE_CONNS:-16}
GET_CONNS=${GET_CONNS:-2}
WRK_THREADS=${WRK_THREADS:-2}
SERVER_THREADS=${SERVER_THREADS:-$(nproc)}
ITERS=${ITERS:-2000}
BUDGET=${BUDGET:-2}
PORT=${PORT:-18731}
BENCH_DIR=${BENCH_DIR:-/tmp/majlis-bench-requests}
REGEN=${REGEN:-0}
SKIP_BUILD=${SKIP_BUILD:-0}

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/bench/requests"
mkdir -p "$BENCH_DIR/bin"
OUT="$BENCH_DIR/results.txt"
: >"$OUT"
: >"$BENCH_DIR/http.tsv"
say() { printf '== %s\n' "$*" | tee -a "$OUT" >&2; }
note() { printf '   %s\n' "$*" | tee -a "$OUT" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }
command -v wrk >/dev/null || die "wrk not found"
command -v curl >/dev/null || die "curl not found"
command -v sqlite3 >/dev/null || die "sqlite3 (the shell) not found"

SERVER_PID=
stop_server() {
	if [[ -n $SERVER_PID ]]; then
		kill "$SERVER_PID" 2>/dev/null || true # SIGTERM: finishes in-flight requests
		wait "$SERVER_PID" 2>/dev/null || true
		SERVER_PID=
	fi
}
trap stop_server EXIT
T_START=$(date +%s)

# ---- build ----
cd "$ROOT"
if [[ $SKIP_BUILD != 1 ]]; then
	say "building build/majlis and build/libmajlis.a"
	make -j2 build/majlis build/libmajlis.a >"$BENCH_DIR/make.log" 2>&1 || { tail -20 "$BENCH_DIR/make.log"; die "make failed"; }
fi
MAJLIS_BIN=${MAJLIS_BIN:-build/majlis}
LIBMAJLIS=$(dirname "$MAJLIS_BIN")/libmajlis.a
[[ -x $MAJLIS_BIN && -f $LIBMAJLIS ]] || die "$MAJLIS_BIN or $LIBMAJLIS missing (run make)"
# Private copies: a concurrent `make` must not swap binaries mid-run.
cp "$MAJLIS_BIN" "$BENCH_DIR/bin/majlis"
cp "$LIBMAJLIS" "$BENCH_DIR/bin/libmajlis.a"
MAJLIS="$BENCH_DIR/bin/majlis"
MAJLIS_CFLAGS=$(make -s --no-print-directory -C "$ROOT" print-cflags)
MAJLIS_LDLIBS=$(make -s --no-print-directory -C "$ROOT" print-ldlibs)
CFLAGS="-std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter -O2 -g"
for tool in gen_requests inbox_bench direct; do
	cc $CFLAGS -Isrc -Ibuild/gen $MAJLIS_CFLAGS -o "$BENCH_DIR/bin/$tool" "$HERE/$tool.c" \
		"$BENCH_DIR/bin/libmajlis.a" $MAJLIS_LDLIBS
done

wait_up() { # url
	for _ in $(seq 1 100); do
		curl -fs -o /dev/null "$1" && return 0
		sleep 0.05
	done
	die "server did not come up at $1"
}
BASE="http://127.0.0.1:$PORT"
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }
start_majlis() { # db
	# Another job on this machine may hold the port: never measure (or POST to) its server.
	port_free || die "port $PORT is in use by another process: set PORT"
	"$MAJLIS" serve --db "$1" --listen "127.0.0.1:$PORT" --threads "$SERVER_THREADS" --quiet \
		>"$BENCH_DIR/serve.log" 2>&1 &
	SERVER_PID=$!
	wait_up "$BASE/healthz"
	kill -0 "$SERVER_PID" 2>/dev/null || die "majlis serve exited (see $BENCH_DIR/serve.log)"
}
new_token() { # db
	"$MAJLIS" token add --db "$1" --name "bench-$RANDOM" --role agent 2>/dev/null | head -1
}
rows() { sqlite3 "$1" "SELECT count(*) FROM requests"; }
wrk_field() { # file what
	case $2 in
	rps) awk '/^Requests\/sec:/ {print $2}' "$1" ;;
	p50) awk '$1 == "50%" {print $2}' "$1" ;;
	p99) awk '$1 == "99%" {print $2}' "$1" ;;
	non2xx) awk '/Non-2xx or 3xx responses:/ {print $NF}' "$1" ;;
	errors) awk '/Socket errors:/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$1" ;;
	count) awk '/ requests in / {print $1}' "$1" ;;
	esac
}

say "load: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min), $(nproc) cores shared by wrk, the server and other jobs"

# =====================================================================
say "1. creation: POST /api/v1/requests (agent token) vs the same creations on SQLite directly"
TEMPLATE="$BENCH_DIR/create-template.db"
rm -f "$TEMPLATE"* "$BENCH_DIR"/create-*.db*
"$MAJLIS" init --db "$TEMPLATE" --demo >/dev/null
sqlite3 "$TEMPLATE" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
fresh() { cp "$TEMPLATE" "$1"; }
CDB="$BENCH_DIR/create-http.db"
fresh "$CDB"
TOKEN=$(new_token "$CDB")
[[ ${#TOKEN} -ge 32 ]] || die "no token from majlis token add"
start_majlis "$CDB"
code=$(curl -s -o "$BENCH_DIR/create-sample.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
	-H 'Content-Type: application/json' --data '{"kind":"report","category":"streetlight","description":"check","contact_email":"x@example.org"}' \
	"$BASE/api/v1/requests")
[[ $code == 201 ]] || { cat "$BENCH_DIR/create-sample.json" >&2; die "POST /api/v1/requests answered $code"; }
R0=$(rows "$CDB")
wrk -t"$WRK_THREADS" -c"$CREATE_CONNS" -d"${DURATION}s" --latency -s "$HERE/create.lua" "$BASE" \
	-- "$TOKEN" "$BENCH_DIR/create-counts.txt" >"$BENCH_DIR/wrk-create.txt" 2>&1
N201=$(sed -n 's/^201=\([0-9]*\) other=.*/\1/p' "$BENCH_DIR/create-counts.txt")
NOTHER=$(sed -n 's/.* other=\([0-9]*\)/\1/p' "$BENCH_DIR/create-counts.txt")
# requests in flight when wrk stopped still commit: let them, then count
sleep 1
R1=$(rows "$CDB")
# exact check: a bounded burst of creations, every answer counted
seq 1 200 | xargs -P 4 -I{} curl -s -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer $TOKEN" \
	-H 'Content-Type: application/json' \
	--data '{"kind":"report","category":"pothole","description":"burst {}","contact_email":"b@example.org","attributes":{"size":"small"}}' \
	"$BASE/api/v1/requests" >"$BENCH_DIR/burst-codes.txt"
stop_server
R2=$(rows "$CDB")
B201=$(grep -c '^201$' "$BENCH_DIR/burst-codes.txt" || true)
HTTP_RPS=$(wrk_field "$BENCH_DIR/wrk-create.txt" rps)
C_P50=$(wrk_field "$BENCH_DIR/wrk-create.txt" p50)
C_P99=$(wrk_field "$BENCH_DIR/wrk-create.txt" p99)
C_ERR=$(wrk_field "$BENCH_DIR/wrk-create.txt" errors)
WRK_ROWS=$((R1 - R0))
note "HTTP: $HTTP_RPS req/s (wrk -t$WRK_THREADS -c$CREATE_CONNS -d${DURATION}s), p50 $C_P50, p99 $C_P99, socket errors ${C_ERR:-0}"
note "      201 answers $N201, other answers $NOTHER; rows added during the wrk run $WRK_ROWS" \
	"(rows - 201s = $((WRK_ROWS - N201)): requests in flight when wrk stopped, committed unanswered; allowed 0..$CREATE_CONNS)"
note "      exact check: 200 POSTs by curl -P4 → $B201 × 201, rows added $((R2 - R1))"
[[ $NOTHER == 0 ]] || die "creation: $NOTHER answers were not 201"
((WRK_ROWS - N201 >= 0 && WRK_ROWS - N201 <= CREATE_CONNS)) || die "creation: rows ($WRK_ROWS) do not match 201 answers ($N201)"
[[ $B201 == 200 && $((R2 - R1)) == 200 ]] || die "creation: exact check failed"
JOBS=$(sqlite3 "$CDB" "SELECT count(*) FROM jobs WHERE kind = 'request_notify'")
note "      notification jobs queued: $JOBS for $R2 requests"

# Direct: the same number of creations as the HTTP run made (rows grow alike).
NC=$WRK_ROWS
for mode in engine raw raw-fixed; do
	fresh "$BENCH_DIR/create-$mode.db"
	"$BENCH_DIR/bin/direct" --db "$BENCH_DIR/create-$mode.db" --mode "$mode" --count "$NC" >"$BENCH_DIR/direct-$mode.txt"
	read -r _ n secs rate <"$BENCH_DIR/direct-$mode.txt"
	declare "D_${mode//-/_}=$rate"
	note "direct $mode: $n creations in $secs s = $rate/s"
done
note "ratio HTTP / direct request_create: $(awk -v a="$HTTP_RPS" -v b="$D_engine" 'BEGIN {printf "%.2f", a / b}')," \
	"HTTP / direct raw SQL: $(awk -v a="$HTTP_RPS" -v b="$D_raw" 'BEGIN {printf "%.2f", a / b}')  (target >= 0.30)"

# =====================================================================
say "2. inbox databases (gen_requests, batches of 50,000, synchronous=OFF while loading)"
for n in $SIZES; do
	db="$BENCH_DIR/inbox-$n.db"
	if [[ $REGEN == 1 || ! -s $db ]]; then
		rm -f "$db" "$db-wal" "$db-shm"
		"$MAJLIS" init --db "$db" --demo >/dev/null
		/usr/bin/time -f "%e s wall, %U s user, max RSS %M KB" "$BENCH_DIR/bin/gen_requests" --db "$db" --requests "$n" \
			2>&1 | sed 's/^/   /' | tee -a "$OUT" >&2
	else
		"$MAJLIS" init --db "$db" >/dev/null # upgrade the schema if needed
		note "reusing $db (REGEN=1 rebuilds it)"
	fi
	note "$db: $(du -m "$db" | cut -f1) MB"
done

# =====================================================================
say "3. inbox over HTTP: GET /api/v1/requests?dept=roads&limit=50 (agent token; wrk -t$WRK_THREADS -c$GET_CONNS, --timeout 30s)"
for n in $SIZES; do
	db="$BENCH_DIR/inbox-$n.db"
	cat "$db" >/dev/null # into the OS page cache, as on a server that has been running
	TOKEN=$(new_token "$db")
	start_majlis "$db"
	url="$BASE/api/v1/requests?dept=roads&limit=50"
	code=$(curl -s -o "$BENCH_DIR/list-$n.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$url")
	[[ $code == 200 ]] || die "GET $url answered $code"
	items=$(grep -o '"reference"' "$BENCH_DIR/list-$n.json" | wc -l)
	[[ $items == 50 ]] || die "GET $url listed $items requests, not 50"
	wrk -t"$WRK_THREADS" -c"$GET_CONNS" -d"${WARMUP}s" --timeout 30s -H "Authorization: Bearer $TOKEN" "$url" >/dev/null 2>&1
	wrk -t"$WRK_THREADS" -c"$GET_CONNS" -d"${DURATION}s" --timeout 30s --latency -H "Authorization: Bearer $TOKEN" "$url" \
		>"$BENCH_DIR/wrk-list-$n.txt" 2>&1
	f="$BENCH_DIR/wrk-list-$n.txt"
	if (($(wrk_field "$f" count) < 5)); then # too slow for wrk's window: time single calls
		for k in 1 2 3; do
			curl -s -o /dev/null -m 120 -w '%{time_total}\n' -H "Authorization: Bearer $TOKEN" "$url"
		done >"$BENCH_DIR/curl-list-$n.txt"
		note "$(printf '%8d requests: fewer than 5 answers in %s s; three single calls by curl took %s s' "$n" "$DURATION" \
			"$(paste -sd' ' "$BENCH_DIR/curl-list-$n.txt")")"
	fi
	stop_server
	note "$(printf '%8d requests: %8s req/s  p50 %-9s p99 %-9s (%s answers)  non-2xx %s  socket errors %s' "$n" \
		"$(wrk_field "$f" rps)" "$(wrk_field "$f" p50)" "$(wrk_field "$f" p99)" "$(wrk_field "$f" count)" \
		"$(wrk_field "$f" non2xx)" "$(wrk_field "$f" errors)")"
	printf 'http\t%s\t%s\t%s\t%s\n' "$n" "$(wrk_field "$f" rps)" "$(wrk_field "$f" p50)" "$(wrk_field "$f" p99)" >>"$BENCH_DIR/http.tsv"
done

# =====================================================================
say "4. inbox in-process (inbox_bench: inbox_list / inbox_count, $ITERS iterations or ${BUDGET}s per case; µs)"
# prop:* rows: patches/02's counters, applied as plain SQL (patches/counters.sql) for the
# measurement and removed afterwards — unless the binary under test has them already.
for n in $SIZES; do
	db="$BENCH_DIR/inbox-$n.db"
	had=$(sqlite3 "$db" "SELECT count(*) FROM sqlite_master WHERE name = 'req_queue_counts'")
	[[ $had == 1 ]] || sqlite3 "$db" <"$HERE/patches/counters.sql"
	"$BENCH_DIR/bin/inbox_bench" --db "$db" --iters "$ITERS" --budget "$BUDGET" --proposal >"$BENCH_DIR/inproc-$n.tsv"
	[[ $had == 1 ]] || sqlite3 "$db" <"$HERE/patches/counters-drop.sql"
done
awk -F'\t' '
	FNR == 1 { f++; split(FILENAME, p, "inproc-"); size[f] = p[2]; sub(/\.tsv$/, "", size[f]) }
	/^#/ { next }
	{ if (!(($1) in seen)) { seen[$1] = 1; order[++nc] = $1 } v[$1, f] = sprintf("%s / %s", $3, $4); it[$1, f] = $2 }
	END {
		printf "   %-18s", "case (p50 / p99 µs)"
		for (i = 1; i <= f; i++) printf " | %22s", size[i] " requests"
		printf "\n"
		for (c = 1; c <= nc; c++) {
			printf "   %-18s", order[c]
			for (i = 1; i <= f; i++) printf " | %15s (%4s)", v[order[c], i], it[order[c], i]
			printf "\n"
		}
	}' $(for n in $SIZES; do printf '%s ' "$BENCH_DIR/inproc-$n.tsv"; done) | tee -a "$OUT" >&2
note "(in parentheses: iterations run)"

# =====================================================================
LARGEST=${SIZES##* }
say "5. EXPLAIN QUERY PLAN at $LARGEST requests (inbox.c's SQL; sla.c's sla_refresh)"
F="WHERE dept_id = ?1 AND is_open = ?2 AND ((CASE status WHEN 'new' THEN 1 WHEN 'open' THEN 2 WHEN 'pending' THEN 4"
F+=" WHEN 'on_hold' THEN 8 WHEN 'solved' THEN 16 ELSE 32 END) & ?3) != 0 AND (?4 = 0 OR category_id = ?4)"
F+=" AND (?5 IS NULL OR priority = ?5) AND (?6 = 0 OR (?6 = -1 AND assignee_id IS NULL) OR assignee_id = ?6)"
F+=" AND (?7 = 0 OR overdue = 1) AND (?8 IS NULL OR channel = ?8) AND created_at >= ?9 AND created_at <= ?10"
{
	echo "inbox_list:"
	sqlite3 "$BENCH_DIR/inbox-$LARGEST.db" "EXPLAIN QUERY PLAN SELECT * FROM requests $F AND (due_sort, id) > (?11, ?12) ORDER BY due_sort, id LIMIT ?13"
	echo "inbox_count:"
	sqlite3 "$BENCH_DIR/inbox-$LARGEST.db" "EXPLAIN QUERY PLAN SELECT count(*) FROM requests $F"
	echo "sla_refresh (every creation and every action):"
	sqlite3 "$BENCH_DIR/inbox-$LARGEST.db" "EXPLAIN QUERY PLAN UPDATE requests SET due_sort = coalesce((SELECT min(due_at) FROM request_clocks WHERE request_id = ?1 AND state = 'running'), 9223372036854775807), overdue = EXISTS (SELECT 1 FROM request_clocks WHERE request_id = ?1 AND state = 'running' AND breached = 1) WHERE id = ?1"
	echo "running clocks: $(sqlite3 "$BENCH_DIR/inbox-$LARGEST.db" "SELECT count(*) FROM request_clocks WHERE state = 'running'")"
} | sed 's/^/   /' | tee -a "$OUT" >&2

# =====================================================================
say "6. creation on a loaded database: direct request_create on a copy of the 100,000-request database"
if [[ " $SIZES " == *" 100000 "* ]]; then
	RC=$(sqlite3 "$BENCH_DIR/inbox-100000.db" "SELECT count(*) FROM request_clocks WHERE state = 'running'")
	for mode in engine raw-fixed; do
		cp "$BENCH_DIR/inbox-100000.db" "$BENCH_DIR/create-loaded.db"
		rm -f "$BENCH_DIR/create-loaded.db-wal" "$BENCH_DIR/create-loaded.db-shm"
		"$BENCH_DIR/bin/direct" --db "$BENCH_DIR/create-loaded.db" --mode "$mode" --count 100 >"$BENCH_DIR/loaded-$mode.txt"
		read -r _ n secs rate <"$BENCH_DIR/loaded-$mode.txt"
		note "direct $mode on 100,000 requests ($RC running clocks): $n creations in $secs s = $rate/s"
	done
	rm -f "$BENCH_DIR"/create-loaded.db*
else
	note "(skipped: 100000 not in SIZES)"
fi

say "load at the end: $(cut -d' ' -f1-3 /proc/loadavg); whole run $(($(date +%s) - T_START)) s"
printf 'results: %s; raw wrk output: %s/wrk-*.txt\n' "$OUT" "$BENCH_DIR"
