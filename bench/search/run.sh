#!/usr/bin/env bash
# bench/search/run.sh — issue 5, measured: search latency over DOCS (1,000,000)
# documents built by gen_search.c from ../shared/data/sentiment/*.tsv text,
# indexed through search_put (FTS5 + the text engine's tokenizer):
#   1. in-process: qbench runs search_run() for ~255 queries (ar/fr/en, frequent,
#      middling and rare words, two-word queries) ROUNDS times, p50/p99 per class
#      of match count; EXPLAIN QUERY PLAN of search_run's statement;
#   2. over HTTP: GET /api/v1/search?q=… (not page-cached) with wrk --latency,
#      all queries, then only the rare and only the common ones.
# With BASE_BIN=path/to/other/build/majlis (its libmajlis.a beside it), the
# other build is measured too, on the same database: qbench of both, ALT times
# alternating (noise hits both alike), then wrk against each server in turn.
# Target (issue 5): p99 under 20 ms. See bench/README.md, "Search".
# Knobs: DOCS=1000000 ROUNDS=5 DURATION=10 WARMUP=2 CONNS=8 WRK_THREADS=2
#        SERVER_THREADS=nproc PORT=18495 BENCH_DIR=/tmp/majlis-bench-search
#        DATA=../shared/data/sentiment REGEN=0 SKIP_BUILD=0 MAJLIS_BIN= BASE_BIN= ALT=2
set -euo pipefail
DOCS=${DOCS:-1000000}
ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
CONNS=${CONNS:-8}
WRK_THREADS=${WRK_THREADS:-2}
SERVER_THREADS=${SERVER_THREADS:-$(nproc)}
PORT=${PORT:-18495}
BENCH_DIR=${BENCH_DIR:-/tmp/majlis-bench-search}
REGEN=${REGEN:-0}
SKIP_BUILD=${SKIP_BUILD:-0}
BASE_BIN=${BASE_BIN:-}
ALT=${ALT:-2}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/bench/search"
DATA=${DATA:-$ROOT/../shared/data/sentiment}
mkdir -p "$BENCH_DIR/bin"
DB="$BENCH_DIR/search-$DOCS.db"
say() { printf '== %s\n' "$*" >&2; }
die() { printf 'bench/search: FAIL: %s\n' "$*" >&2; exit 1; }
command -v wrk >/dev/null || die "wrk not found"
SERVER_PID=
stop_server() { if [[ -n $SERVER_PID ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=; fi; }
trap stop_server EXIT

cd "$ROOT"
if [[ $SKIP_BUILD != 1 ]]; then
	make -j2 build/majlis build/libmajlis.a >"$BENCH_DIR/make.log" 2>&1 || { tail -20 "$BENCH_DIR/make.log"; die "make failed"; }
fi
MAJLIS_BIN=${MAJLIS_BIN:-build/majlis}
LIBMAJLIS=$(dirname "$MAJLIS_BIN")/libmajlis.a
cp "$MAJLIS_BIN" "$BENCH_DIR/bin/majlis"
cp "$LIBMAJLIS" "$BENCH_DIR/bin/libmajlis.a"
MAJLIS="$BENCH_DIR/bin/majlis"
MAJLIS_CFLAGS=$(make -s --no-print-directory -C "$ROOT" print-cflags)
MAJLIS_LDLIBS=$(make -s --no-print-directory -C "$ROOT" print-ldlibs)
CFLAGS="-std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter -O2 -g"
tool() { # name source library
	cc $CFLAGS -Isrc -Ibuild/gen $MAJLIS_CFLAGS -o "$BENCH_DIR/bin/$1" "$HERE/$2.c" \
		"$3" $MAJLIS_LDLIBS
}
tool gen_search gen_search "$BENCH_DIR/bin/libmajlis.a"
tool qbench qbench "$BENCH_DIR/bin/libmajlis.a"
if [[ -n $BASE_BIN ]]; then
	cp "$BASE_BIN" "$BENCH_DIR/bin/majlis-base"
	cp "$(dirname "$BASE_BIN")/libmajlis.a" "$BENCH_DIR/bin/libmajlis-base.a"
	tool qbench-base qbench "$BENCH_DIR/bin/libmajlis-base.a"
fi

if [[ $REGEN == 1 || ! -s $DB ]]; then
	say "creating $DB with $DOCS documents (text material: $DATA)"
	rm -f "$DB" "$DB-wal" "$DB-shm"
	"$MAJLIS" init --db "$DB.tmp" --demo >/dev/null
	"$BENCH_DIR/bin/gen_search" --db "$DB.tmp" --docs "$DOCS" "$DATA"/*.tsv 2>&1 | sed 's/^/   /' >&2
	mv "$DB.tmp" "$DB"; rm -f "$DB.tmp-wal" "$DB.tmp-shm"
else
	say "reusing $DB (REGEN=1 rebuilds it)"
fi
cat "$DB" >/dev/null
bash "$HERE/queries.sh" "$DATA" >"$BENCH_DIR/queries.txt"

say "1. in-process: search_run over $DOCS documents, $ROUNDS rounds"
"$BENCH_DIR/bin/qbench" --db "$DB" --queries "$BENCH_DIR/queries.txt" --rounds "$ROUNDS" --paths "$BENCH_DIR/paths" | tee "$BENCH_DIR/qbench.txt" >&2
if [[ -n $BASE_BIN ]]; then
	for i in $(seq 1 "$ALT"); do
		for b in qbench-base qbench; do
			say "   $b, pass $i"
			"$BENCH_DIR/bin/$b" --db "$DB" --queries "$BENCH_DIR/queries.txt" --rounds "$ROUNDS" >"$BENCH_DIR/$b-$i.txt"
			grep -E '^(rare|medium|common|all) ' "$BENCH_DIR/$b-$i.txt" | sed 's/^/   /' >&2
		done
	done
fi
http() { # majlis-binary tag
	say "2. HTTP ($2): GET /api/v1/search?q=…, wrk -t$WRK_THREADS -c$CONNS -d${DURATION}s --latency"
	B="http://127.0.0.1:$PORT"
	"$1" serve --db "$DB" --listen "127.0.0.1:$PORT" --threads "$SERVER_THREADS" --quiet >"$BENCH_DIR/serve.log" 2>&1 &
	SERVER_PID=$!
	for _ in $(seq 1 100); do curl -fs -o /dev/null "$B/healthz" && break; sleep 0.05; done
	for p in $(shuf -n 10 --random-source=<(yes) "$BENCH_DIR/paths"); do
		code=$(curl -s -o /dev/null -w '%{http_code}' "$B$p"); [[ $code == 200 ]] || die "GET $p answered $code"
	done
	for set in paths paths.rare paths.common; do
		out="$BENCH_DIR/wrk-$2-$set.txt"
		wrk -t"$WRK_THREADS" -c"$CONNS" -d"${WARMUP}s" -s "$ROOT/bench/random.lua" "$B/" -- paths "$BENCH_DIR/$set" >/dev/null 2>&1
		wrk -t"$WRK_THREADS" -c"$CONNS" -d"${DURATION}s" --latency -s "$ROOT/bench/random.lua" "$B/" -- paths "$BENCH_DIR/$set" >"$out" 2>&1
		printf '   %-14s %6.0f req/s  p50 %-9s p90 %-9s p99 %-9s non-2xx %s\n' "$set" "$(awk '/^Requests\/sec:/ {print $2}' "$out")" \
			"$(awk '$1 == "50%" {print $2}' "$out")" "$(awk '$1 == "90%" {print $2}' "$out")" "$(awk '$1 == "99%" {print $2}' "$out")" \
			"$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$out")" >&2
	done
	stop_server
}
[[ -z $BASE_BIN ]] || http "$BENCH_DIR/bin/majlis-base" base
http "$MAJLIS" this
