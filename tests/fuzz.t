#!/bin/bash
# TAP: builds the libFuzzer harnesses (fuzz/build.sh) and runs each for a short,
# bounded time, in parallel (FUZZ_SECONDS, default 8). One "ok" line for the build
# and one per harness. Seeds come from fuzz/corpus/NAME; new inputs go to a
# temporary directory (the repository's corpus is not modified). A crash leaves
# its reproducer in that directory, which is then kept and named.
cd "$(dirname "$0")/.." || exit 1
SECS=${FUZZ_SECONDS:-8}
HARNESSES="fuzz_urlenc fuzz_cookie fuzz_markdown fuzz_open311 fuzz_multipart fuzz_csv_analyze fuzz_text"
OUT=${FUZZ_OUT:-build-fuzz}
n=0
failed=0
say() { n=$((n + 1)); if [ "$1" = ok ]; then echo "ok $n - $2"; else failed=$((failed + 1)); echo "not ok $n - $2"; fi; }
diag() { sed 's/^/# /'; }

if ! command -v clang >/dev/null 2>&1; then
	echo "1..0 # SKIP clang not installed"
	exit 0
fi
work=$(mktemp -d /tmp/majlis-fuzz-XXXXXX)
if fuzz/build.sh >"$work/build.log" 2>&1; then
	say ok "fuzz harnesses build"
else
	say fail "fuzz harnesses build"
	tail -40 "$work/build.log" | diag
	echo "1..$n"
	rm -rf "$work"
	exit 1
fi

for h in $HARNESSES; do
	mkdir -p "$work/$h/new"
	# First corpus directory receives new inputs; the seed directory is read only.
	timeout --kill-after=5 $((SECS + 20)) "$OUT/$h" -max_total_time="$SECS" -rss_limit_mb=2048 -timeout=10 \
		-max_len=4096 -artifact_prefix="$work/$h/" -print_final_stats=1 \
		"$work/$h/new" "fuzz/corpus/$h" >"$work/$h/log" 2>&1 &
	echo $! >"$work/$h/pid"
done
keep=0
for h in $HARNESSES; do
	wait "$(cat "$work/$h/pid")"
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$h/log")
	if [ $rc -eq 0 ]; then
		say ok "$h ran ${SECS}s without a finding (${runs:-?} executions)"
	else
		say fail "$h ran ${SECS}s without a finding (exit $rc)"
		grep -E "ERROR|runtime error|SUMMARY|Test unit written|==[0-9]+==|#[0-9]+ 0x" "$work/$h/log" | head -40 | diag
		ls "$work/$h"/crash-* "$work/$h"/leak-* "$work/$h"/timeout-* "$work/$h"/oom-* 2>/dev/null | sed 's/^/reproducer: /' | diag
		keep=1
	fi
done
echo "1..$n"
if [ $keep -eq 1 ]; then
	echo "# fuzz logs and reproducers kept in $work"
	echo "tests/fuzz.t: a harness found a problem; logs and reproducers kept in $work" >&2
else
	rm -rf "$work"
fi
[ $failed -eq 0 ]
