#!/usr/bin/env bash
# bench/run.sh — HTTP throughput of majlis against a bare libmicrohttpd handler,
# on a database of POSTS posts, all on this machine over loopback. Prints a table.
# See bench/README.md. Usage (from the repository root or anywhere):
#
#   bash bench/run.sh
#   POSTS=100000 DURATION=10 CONNS=64 WRK_THREADS=2 bash bench/run.sh
#
# Knobs (environment):
#   POSTS=100000      posts in the benchmark database
#   DURATION=10       seconds per measurement (plus WARMUP seconds before each)
#   WARMUP=2
#   CONNS=64          wrk connections (keep-alive)
#   WRK_THREADS=2     wrk threads
#   SERVER_THREADS=   server pool size (default: nproc, as majlis serve does)
#   PORT=18480        base port (hello uses PORT, majlis PORT+1)
#   BENCH_DIR=/tmp/majlis-bench   where the database, binaries and logs go
#   REGEN=0           1: rebuild the database even if BENCH_DIR has one for POSTS
#   SKIP_BUILD=0      1: do not run make (use the existing build/)
#   MAJLIS_BIN=       serve this majlis binary instead of build/majlis (to compare a patch;
#                     the libmajlis.a beside it builds gen_posts)
set -euo pipefail

POSTS=${POSTS:-100000}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
CONNS=${CONNS:-64}
WRK_THREADS=${WRK_THREADS:-2}
SERVER_THREADS=${SERVER_THREADS:-$(nproc)}
PORT=${PORT:-18480}
BENCH_DIR=${BENCH_DIR:-/tmp/majlis-bench}
REGEN=${REGEN:-0}
SKIP_BUILD=${SKIP_BUILD:-0}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH="$ROOT/bench"
mkdir -p "$BENCH_DIR/bin"
DB="$BENCH_DIR/posts-$POSTS.db"
PATHS="$BENCH_DIR/posts-$POSTS.paths"
HOT="$BENCH_DIR/posts-$POSTS.hot100"
RESULTS="$BENCH_DIR/results.tsv"
: >"$RESULTS"

say() { printf '== %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }
command -v wrk >/dev/null || die "wrk not found (scripts/deps.sh test installs it)"
command -v curl >/dev/null || die "curl not found"

SERVER_PID=
stop_server() {
	if [[ -n $SERVER_PID ]]; then
		kill "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
		SERVER_PID=
	fi
}
trap stop_server EXIT

# ---- build ----
cd "$ROOT"
if [[ $SKIP_BUILD != 1 ]]; then
	say "building build/majlis and build/libmajlis.a"
	make -j2 build/majlis build/libmajlis.a >"$BENCH_DIR/make.log" 2>&1 || { tail -20 "$BENCH_DIR/make.log"; die "make failed"; }
fi
MAJLIS_BIN=${MAJLIS_BIN:-build/majlis}
LIBMAJLIS=$(dirname "$MAJLIS_BIN")/libmajlis.a
[[ -x $MAJLIS_BIN && -f $LIBMAJLIS ]] || die "$MAJLIS_BIN or $LIBMAJLIS missing (run make)"
# Private copies: a concurrent `make` in the tree must not swap binaries mid-run.
cp "$MAJLIS_BIN" "$BENCH_DIR/bin/majlis"
cp "$LIBMAJLIS" "$BENCH_DIR/bin/libmajlis.a"
MAJLIS="$BENCH_DIR/bin/majlis"
MAJLIS_CFLAGS=$(make -s --no-print-directory -C "$ROOT" print-cflags)
MAJLIS_LDLIBS=$(make -s --no-print-directory -C "$ROOT" print-ldlibs)
CFLAGS="-std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter -O2 -g"
cc $CFLAGS -o "$BENCH_DIR/bin/hello" bench/hello.c $(pkg-config --cflags --libs libmicrohttpd)
cc $CFLAGS -Isrc -Ibuild/gen $MAJLIS_CFLAGS -o "$BENCH_DIR/bin/gen_posts" bench/gen_posts.c \
	"$BENCH_DIR/bin/libmajlis.a" $MAJLIS_LDLIBS

# ---- dataset ----
if [[ $REGEN == 1 || ! -s $DB || ! -s $PATHS ]]; then
	say "creating $DB with $POSTS posts"
	rm -f "$DB" "$DB-wal" "$DB-shm" "$PATHS"
	"$MAJLIS" init --db "$DB" --demo >/dev/null
	"$BENCH_DIR/bin/gen_posts" --db "$DB" --posts "$POSTS" --paths "$PATHS" 2>&1 | sed 's/^/   /' >&2
else
	say "reusing $DB (REGEN=1 rebuilds it)"
	"$MAJLIS" init --db "$DB" >/dev/null # upgrade the schema if needed
fi
cat "$DB" >/dev/null # into the OS page cache, as on a server that has been running
shuf -n 100 --random-source=<(yes) "$PATHS" >"$HOT"
SINGLE=$(sed -n '1p' "$HOT")
NOW=$(date +%s)
OLDEST=$((NOW - 3 * 365 * 86400))

# ---- servers ----
wait_up() { # url
	for _ in $(seq 1 100); do
		curl -fs -o /dev/null "$1" && return 0
		sleep 0.05
	done
	die "server did not come up at $1"
}
start_hello() {
	"$BENCH_DIR/bin/hello" "$PORT" "$SERVER_THREADS" 2>/dev/null &
	SERVER_PID=$!
	wait_up "http://127.0.0.1:$PORT/"
}
start_majlis() { # logfile or "" for --quiet
	local port=$((PORT + 1))
	if [[ -n ${1:-} ]]; then
		"$MAJLIS" serve --db "$DB" --listen "127.0.0.1:$port" --threads "$SERVER_THREADS" >"$1" 2>&1 &
	else
		"$MAJLIS" serve --db "$DB" --listen "127.0.0.1:$port" --threads "$SERVER_THREADS" --quiet \
			>"$BENCH_DIR/serve.log" 2>&1 &
	fi
	SERVER_PID=$!
	wait_up "http://127.0.0.1:$port/healthz"
}

# ---- checks: every sampled URL must answer 200 (wrk does not count 3xx) ----
check_200() { # base_url path...
	local base=$1 p code
	shift
	for p in "$@"; do
		code=$(curl -s -o /dev/null -w '%{http_code}' "$base$p")
		[[ $code == 200 ]] || die "GET $p answered $code, not 200"
	done
}

# ---- one measurement ----
# measure NAME TARGET_BASE PATH [LUA-ARGS...]; appends a row to $RESULTS
measure() {
	local name=$1 base=$2 path=$3
	shift 3
	local lua=()
	[[ $# -gt 0 ]] && lua=(-s "$BENCH/random.lua")
	local extra=()
	[[ -n ${GZIP_HDR:-} ]] && extra=(-H "Accept-Encoding: gzip")
	wrk -t"$WRK_THREADS" -c"$CONNS" -d"${WARMUP}s" "${extra[@]}" "${lua[@]}" "$base$path" ${1:+--} "$@" >/dev/null 2>&1
	local out="$BENCH_DIR/wrk-$name.txt"
	wrk -t"$WRK_THREADS" -c"$CONNS" -d"${DURATION}s" --latency "${extra[@]}" "${lua[@]}" "$base$path" ${1:+--} "$@" >"$out" 2>&1
	local rps p50 p99 non2xx errs
	rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
	p50=$(awk '$1 == "50%" {print $2}' "$out")
	p99=$(awk '$1 == "99%" {print $2}' "$out")
	non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$out")
	errs=$(awk '/Socket errors:/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$out")
	[[ -n $rps ]] || { cat "$out" >&2; die "wrk failed for $name"; }
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$rps" "$p50" "$p99" "${non2xx:-0}" "${errs:-0}" >>"$RESULTS"
	printf '   %-26s %10.0f req/s  p50 %-8s p99 %-8s non-2xx %s  socket errors %s\n' "$name" "$rps" "$p50" "$p99" \
		"${non2xx:-0}" "${errs:-0}" >&2
}

HB="http://127.0.0.1:$PORT"
MB="http://127.0.0.1:$((PORT + 1))"
say "wrk -t$WRK_THREADS -c$CONNS -d${DURATION}s (after ${WARMUP}s warm-up), server pool $SERVER_THREADS threads, $(nproc) cores shared with wrk"

say "1. bare libmicrohttpd handler (bench/hello.c)"
start_hello
check_200 "$HB" /
measure hello "$HB" /
stop_server

say "2. majlis serve --quiet, $POSTS posts"
start_majlis ""
mapfile -t SAMPLE < <(shuf -n 20 "$PATHS")
check_200 "$MB" "/api/v1/posts?limit=20" "/api/v1/posts?limit=20&cursor=$((OLDEST + 86400))-999999999" \
	"$SINGLE" "${SAMPLE[@]}" / "/?r=1"
measure api-list "$MB" "/api/v1/posts?limit=20"
measure api-list-uncached "$MB" / cursor "$OLDEST" "$NOW"
measure post-single "$MB" "$SINGLE"
measure post-hot100 "$MB" / paths "$HOT"
measure post-random "$MB" / paths "$PATHS"
measure home "$MB" /
measure home-uncached "$MB" / bust /
GZIP_HDR=1 measure post-random-gzip "$MB" / paths "$PATHS"
stop_server

say "3. majlis serve with the access log on (to $BENCH_DIR/access.log)"
start_majlis "$BENCH_DIR/access.log"
measure log:post-single "$MB" "$SINGLE"
measure log:post-random "$MB" / paths "$PATHS"
stop_server
LOGLINES=$(wc -l <"$BENCH_DIR/access.log")

say "4. bare handler again (drift check: the machine may be shared)"
start_hello
measure hello-again "$HB" /
stop_server

# ---- table ----
awk -F'\t' -v posts="$POSTS" -v loglines="$LOGLINES" '
	{ name[NR] = $1; rps[NR] = $2; p50[NR] = $3; p99[NR] = $4; bad[NR] = $5; err[NR] = $6; n = NR
	  if ($1 == "hello" || $1 == "hello-again") { h += $2; hn++ } }
	END {
		base = h / hn
		what["hello"] = "bare MHD handler (bench/hello.c)"
		what["hello-again"] = "bare MHD handler, end of run"
		what["api-list"] = "GET /api/v1/posts?limit=20 (cached 5 s)"
		what["api-list-uncached"] = "same, random cursor (cache misses)"
		what["post-single"] = "one post page (cached 60 s)"
		what["post-hot100"] = "100 post pages at random"
		what["post-random"] = "any of ~all posts at random (misses)"
		what["home"] = "GET / (cached 60 s)"
		what["home-uncached"] = "GET /?r=N (cache misses)"
		what["post-random-gzip"] = "post-random, Accept-Encoding: gzip"
		what["log:post-single"] = "post-single, access log on"
		what["log:post-random"] = "post-random, access log on"
		printf "\nposts: %d   baseline (mean of the two hello runs): %.0f req/s   target: ratio >= 0.50\n\n", posts, base
		printf "| %-18s | %-40s | %9s | %6s | %8s | %8s | %7s | %6s | %6s |\n", "case", "what", "req/s", "ratio", "p50", "p99", "non-2xx", "errors", "target"
		printf "|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n", "--------------------", "------------------------------------------", "----------:", "-------:", "---------:", "---------:", "--------:", "-------:", ":------:"
		for (i = 1; i <= n; i++) {
			r = rps[i] / base
			t = (name[i] ~ /^hello/) ? "" : (r >= 0.5 ? "met" : "MISSED")
			printf "| %-18s | %-40s | %9.0f | %6.2f | %8s | %8s | %7d | %6d | %6s |\n", name[i], what[name[i]], rps[i], r, p50[i], p99[i], bad[i], err[i], t
		}
		printf "\naccess log lines written during the logged runs: %d\n", loglines
	}' "$RESULTS"
printf 'raw wrk output: %s/wrk-*.txt\n' "$BENCH_DIR"
