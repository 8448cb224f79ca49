#!/usr/bin/env bash
# bench/participation/run.sh — issue 4, measured: a consultation with 100,000
# comments and a poll with 1,000,000 ballots (gen_participation.c, through
# comment_create and poll_vote), then over loopback with wrk:
#   1. latency (p50, p99) of the first page of comments (consultation page and
#      /api/v1/comments) and of the poll results (page and JSON), cached and not;
#   2. votes per second from concurrent voters, each request a different account
#      (POST /api/v1/polls/ID/vote with session cookie + CSRF pair), on a fresh poll;
#   3. the one-ballot rule: ballots rows = distinct voters = polls.ballots = sum of
#      option counters, a replay of the same accounts gets only 409, and the
#      1,000,000-ballot poll holds exactly 1,000,000. Any mismatch: exit 1.
# See bench/README.md, "Participation". ~4 min with an existing dataset (REGEN=0),
# ~2.5 min more to generate it.
#
# Knobs: USERS=1000000 COMMENTS=100000 VOTES=1000000 SESSIONS=200000
#        DURATION=10 (latency cases) WARMUP=2 LAT_CONNS=16 WRK_THREADS=2
#        VOTE_CONNS=64 VOTE_DURATION=20 CLOSE_EVERY=50 (about one vote in 50 closes
#        its connection; the reconnection leaves from a new 127.x address)
#        SERVER_THREADS=nproc PORT=18490 BENCH_DIR=/tmp/majlis-bench-participation
#        REGEN=0 SKIP_BUILD=0 MAJLIS_BIN=
set -euo pipefail
USERS=${USERS:-1000000}
COMMENTS=${COMMENTS:-100000}
VOTES=${VOTES:-1000000}
SESSIONS=${SESSIONS:-200000}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
LAT_CONNS=${LAT_CONNS:-16}
WRK_THREADS=${WRK_THREADS:-2}
VOTE_CONNS=${VOTE_CONNS:-64}
VOTE_DURATION=${VOTE_DURATION:-20}
CLOSE_EVERY=${CLOSE_EVERY:-50}
SERVER_THREADS=${SERVER_THREADS:-$(nproc)}
PORT=${PORT:-18490}
BENCH_DIR=${BENCH_DIR:-/tmp/majlis-bench-participation}
REGEN=${REGEN:-0}
SKIP_BUILD=${SKIP_BUILD:-0}

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/bench/participation"
mkdir -p "$BENCH_DIR/bin"
TAG="u$USERS-c$COMMENTS-v$VOTES-s$SESSIONS"
DB="$BENCH_DIR/part-$TAG.db"
ENVF="$BENCH_DIR/part-$TAG.env"
RESULTS="$BENCH_DIR/results.tsv"
: >"$RESULTS"
say() { printf '== %s\n' "$*" >&2; }
die() { printf 'bench/participation: FAIL: %s\n' "$*" >&2; exit 1; }
command -v wrk >/dev/null || die "wrk not found"
command -v sqlite3 >/dev/null || die "sqlite3 (CLI) not found"

SERVER_PID=
stop_server() { if [[ -n $SERVER_PID ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=; fi; }
trap stop_server EXIT

cd "$ROOT"
if [[ $SKIP_BUILD != 1 ]]; then
	say "building"
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
cc $CFLAGS -Isrc -Ibuild/gen $MAJLIS_CFLAGS -o "$BENCH_DIR/bin/gen_participation" "$HERE/gen_participation.c" \
	"$BENCH_DIR/bin/libmajlis.a" $MAJLIS_LDLIBS
cc -O2 -Wall -shared -fPIC -o "$BENCH_DIR/bin/srcip_shim.so" "$HERE/srcip_shim.c" -ldl

if [[ $REGEN == 1 || ! -s $DB || ! -s $ENVF ]]; then
	say "creating $DB: $USERS accounts, $COMMENTS comments, $VOTES ballots"
	rm -f "$DB" "$DB-wal" "$DB-shm" "$ENVF"
	"$MAJLIS" init --db "$DB" --demo >/dev/null
	"$BENCH_DIR/bin/gen_participation" --db "$DB" --out "$ENVF.tmp" --users "$USERS" --sessions "$SESSIONS" \
		--comments "$COMMENTS" --votes "$VOTES" 2>&1 | sed 's/^/   /' >&2
	mv "$ENVF.tmp" "$ENVF"
	cp "$DB" "$DB.pristine" # the voting runs write to the fresh poll: restart from this copy each run
else
	say "reusing $DB (REGEN=1 rebuilds it)"
	cp "$DB.pristine" "$DB"; rm -f "$DB-wal" "$DB-shm"
fi
# shellcheck disable=SC1090
. "$ENVF"
cat "$DB" >/dev/null

B="http://127.0.0.1:$PORT"
"$MAJLIS" serve --db "$DB" --listen "127.0.0.1:$PORT" --threads "$SERVER_THREADS" --quiet >"$BENCH_DIR/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do curl -fs -o /dev/null "$B/healthz" && break; sleep 0.05; done

q() { sqlite3 -batch -noheader "$DB" "$1"; }

# ---- checks before measuring ----
C_PAGE="/consultations/$CONSULTATION"
C_API="/api/v1/comments?target_type=consultation&target_id=$CONSULTATION"
R_PAGE="/polls/$POLL/results"
R_API="/api/v1/polls/$POLL/results"
for p in "$C_PAGE" "$C_PAGE?r=1" "$C_API" "$C_API&cursor=50000" "$R_PAGE" "$R_PAGE?r=1" "$R_API" "$R_API?r=1"; do
	code=$(curl -s -o /dev/null -w '%{http_code}' "$B$p")
	[[ $code == 200 ]] || die "GET $p answered $code"
done
[[ $(curl -s "$B$R_API" | grep -o '"ballots":[0-9]*') == "\"ballots\":$VOTES" ]] || die "results JSON does not say $VOTES ballots"
curl -s "$B$C_PAGE" | grep -q "(#$((COMMENTS - 1)))" || die "consultation page does not show the newest comment"

# ---- 1. latency ----
measure() { # name conns path [lua args...]
	local name=$1 conns=$2 path=$3; shift 3
	local lua=(); [[ $# -gt 0 ]] && lua=(-s "$HERE/$1") && shift
	wrk -t"$WRK_THREADS" -c"$conns" -d"${WARMUP}s" "${lua[@]}" "$B$path" ${1:+--} "$@" >/dev/null 2>&1
	local out="$BENCH_DIR/wrk-$name.txt"
	wrk -t"$WRK_THREADS" -c"$conns" -d"${DURATION}s" --latency "${lua[@]}" "$B$path" ${1:+--} "$@" >"$out" 2>&1
	local rps p50 p99 non2xx
	rps=$(awk '/^Requests\/sec:/ {print $2}' "$out"); p50=$(awk '$1 == "50%" {print $2}' "$out"); p99=$(awk '$1 == "99%" {print $2}' "$out")
	non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$out")
	[[ -n $rps ]] || { cat "$out" >&2; die "wrk failed for $name"; }
	[[ -z $non2xx ]] || die "$name: $non2xx non-2xx answers"
	printf '%s\t%s\t%s\t%s\n' "$name" "$rps" "$p50" "$p99" >>"$RESULTS"
	printf '   %-28s %8.0f req/s  p50 %-9s p99 %s\n' "$name" "$rps" "$p50" "$p99" >&2
}
say "1. latency: wrk -t$WRK_THREADS -c$LAT_CONNS -d${DURATION}s, $COMMENTS comments, $VOTES ballots, server pool $SERVER_THREADS, $(nproc) cores shared"
measure consultation-page "$LAT_CONNS" "$C_PAGE"
measure consultation-page-uncached "$LAT_CONNS" / bust.lua "$C_PAGE"
measure comments-api "$LAT_CONNS" "$C_API"
measure comments-api-cursor "$LAT_CONNS" / cursor.lua "$C_API" 1 "$COMMENTS"
measure results-page "$LAT_CONNS" "$R_PAGE"
measure results-page-uncached "$LAT_CONNS" / bust.lua "$R_PAGE"
measure results-api "$LAT_CONNS" "$R_API"
measure results-api-uncached "$LAT_CONNS" / bust.lua "$R_API"

# ---- 2. votes per second ----
FP=$FRESH_POLL
HALF=$((SESSIONS / 2))
vote_run() { # name duration first count close_every [preload]
	local name=$1 dur=$2 first=$3 count=$4 ce=$5 pre=${6:-}
	local out="$BENCH_DIR/wrk-$name.txt"
	env ${pre:+LD_PRELOAD=$pre} wrk -t"$WRK_THREADS" -c"$VOTE_CONNS" -d"${dur}s" --latency -s "$HERE/vote.lua" "$B" -- \
		"$FP" "$FRESH_OPTION" "$first" "$count" "$CSRF_COOKIE" "$CSRF_TOKEN" "$ce" "$WRK_THREADS" >"$out" 2>&1
	local req non2xx rps p50 p99 sent errs
	req=$(awk '/requests in/ {print $1}' "$out"); non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$out")
	rps=$(awk '/^Requests\/sec:/ {print $2}' "$out"); p50=$(awk '$1 == "50%" {print $2}' "$out"); p99=$(awk '$1 == "99%" {print $2}' "$out")
	sent=$(awk -F= '/^VOTERS_SENT=/ {print $2}' "$out"); errs=$(awk '/Socket errors:/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$out")
	[[ -n $req && -n $sent ]] || { cat "$out" >&2; die "wrk failed for $name"; }
	V_REQ=$req V_NON2XX=${non2xx:-0} V_SENT=$sent
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$rps" "$p50" "$p99" "$req" "${non2xx:-0}" "${errs:-0}" >>"$RESULTS"
	printf '   %-28s %8.0f req/s  p50 %-9s p99 %-9s requests %s, non-2xx %s, socket errors %s, accounts sent %s\n' \
		"$name" "$rps" "$p50" "$p99" "$req" "${non2xx:-0}" "${errs:-0}" "$sent" >&2
}
ballots() { q "SELECT count(*) FROM poll_ballots WHERE poll_id = $FP"; }
say "2a. $VOTE_CONNS voters from ONE address (127.0.0.1), 10 s: the per-IP limit (300 votes/min) caps them"
vote_run vote-one-ip 10 $((FIRST_UID + HALF)) "$HALF" 0
ONEIP_OK=$((V_REQ - V_NON2XX)); ONEIP_BALLOTS=$(ballots)
printf '   accepted %s, ballots now %s (expected <= 300 + in-flight)\n' "$ONEIP_OK" "$ONEIP_BALLOTS" >&2
say "2b. $VOTE_CONNS concurrent voters, each request a different account, each connection from its own 127.x address, ${VOTE_DURATION}s"
vote_run vote-many-ip "$VOTE_DURATION" "$FIRST_UID" "$HALF" "$CLOSE_EVERY" "$BENCH_DIR/bin/srcip_shim.so"
(( V_SENT < HALF )) || die "the voters wrapped around ($V_SENT >= $HALF accounts): raise SESSIONS"
MANY_OK=$((V_REQ - V_NON2XX)); MANY_SENT=$V_SENT
(( V_NON2XX == 0 )) || die "vote-many-ip: $V_NON2XX refused votes from distinct accounts"
AFTER_B=$(ballots)

# ---- 3. the one-ballot rule ----
say "3. replay: the same accounts vote again for 5 s (every answer must be 409, no ballot added)"
vote_run vote-replay 5 "$FIRST_UID" $((MANY_OK > 1000 ? MANY_OK - 1000 : MANY_OK)) "$CLOSE_EVERY" "$BENCH_DIR/bin/srcip_shim.so"
(( V_NON2XX == V_REQ )) || die "replay: $((V_REQ - V_NON2XX)) second ballots accepted"
REPLAY_REQ=$V_REQ
stop_server
read -r NB ND NU NS NC < <(q "SELECT (SELECT count(*) FROM poll_ballots WHERE poll_id = $FP), (SELECT count(DISTINCT user_id) FROM poll_ballots WHERE poll_id = $FP),
	(SELECT ballots FROM polls WHERE id = $FP), (SELECT sum(votes) FROM poll_options WHERE poll_id = $FP),
	(SELECT count(*) FROM poll_choices c JOIN poll_ballots b ON b.id = c.ballot_id WHERE b.poll_id = $FP)" | tr '|' ' ')
read -r BB BD BU BS < <(q "SELECT (SELECT count(*) FROM poll_ballots WHERE poll_id = $POLL), (SELECT count(DISTINCT user_id) FROM poll_ballots WHERE poll_id = $POLL),
	(SELECT ballots FROM polls WHERE id = $POLL), (SELECT sum(votes) FROM poll_options WHERE poll_id = $POLL)" | tr '|' ' ')
printf '   fresh poll %s: ballots rows %s, distinct voters %s, polls.ballots %s, sum(option votes) %s, choices %s\n' "$FP" "$NB" "$ND" "$NU" "$NS" "$NC" >&2
printf '   wrk: accepted %s (one-ip) + %s (many-ip) = %s; accounts sent %s; after the replay %s\n' "$ONEIP_OK" "$MANY_OK" \
	$((ONEIP_OK + MANY_OK)) "$MANY_SENT" "$(( NB - AFTER_B )) ballots added by $REPLAY_REQ replayed votes" >&2
printf '   big poll %s: ballots rows %s, distinct voters %s, polls.ballots %s, sum(option votes) %s\n' "$POLL" "$BB" "$BD" "$BU" "$BS" >&2
[[ $NB == "$ND" && $NB == "$NU" && $NB == "$NS" && $NB == "$NC" ]] || die "fresh poll: counts disagree"
[[ $BB == "$VOTES" && $BD == "$VOTES" && $BU == "$VOTES" && $BS == "$VOTES" ]] || die "big poll: counts are not $VOTES"
(( NB == AFTER_B )) || die "the replay added ballots"
# wrk stops with requests in flight: the server may commit up to VOTE_CONNS votes per run that wrk never counts
(( NB >= ONEIP_OK + MANY_OK && NB <= ONEIP_OK + MANY_OK + 3 * VOTE_CONNS )) || die "ballots ($NB) do not match the accepted votes ($((ONEIP_OK + MANY_OK)))"
(( ONEIP_BALLOTS <= 300 + VOTE_CONNS )) || die "one address got $ONEIP_BALLOTS ballots in 10 s (limit 300/min)"
echo "one-ballot rule: OK" >&2

awk -F'\t' -v inproc="$INPROC_VOTES_PER_S" '
	NF == 4 { printf "| %-27s | %8.0f | %9s | %9s |\n", $1, $2, $3, $4 }
	NF == 7 { v[++n] = sprintf("| %-14s | %8.0f | %9s | %9s | %8s | %7s | %6s |", $1, $2, $3, $4, $5, $6, $7) }
	END { printf "\n| votes          | req/s    | p50       | p99       | requests | non-2xx | errors |\n"
	      for (i = 1; i <= n; i++) print v[i]
	      printf "\nin-process poll_vote (generator, one transaction each): %s votes/s\n", inproc }' "$RESULTS"
