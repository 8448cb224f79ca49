#!/usr/bin/env bash
# Runs every test: unit (C), API (black-box over HTTP), browser, lint, fuzz —
# against the normal build and again against the AddressSanitizer +
# UndefinedBehaviorSanitizer build. Installs what the tests need first.
# The last line is the summary: "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)

bash scripts/deps.sh test
if [ -f tests/node/package.json ] && [ ! -d tests/node/node_modules ] || \
   [ tests/node/package-lock.json -nt tests/node/node_modules ]; then
  (cd tests/node && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

echo "building (normal and sanitizer builds)..." >&2
make -s -j"$jobs" all >/dev/null
make -s -j"$jobs" SAN=1 CC=clang all >/dev/null

shopt -s nullglob
unit=(build/tests/test_*)
unit_asan=(build-asan/tests/test_*)
api=(tests/api/*.t)
e2e=(tests/e2e/*.t)
lint=(tests/lint/*.t)

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
args=(--jobs "$jobs" --timeout 600)
[ ${#unit[@]} -gt 0 ] && args+=(--group unit -- "${unit[@]}")
[ ${#api[@]} -gt 0 ] && args+=(--group api MAJLIS_BUILD=build -- "${api[@]}")
[ ${#e2e[@]} -gt 0 ] && args+=(--group e2e MAJLIS_BUILD=build -- "${e2e[@]}")
[ ${#lint[@]} -gt 0 ] && args+=(--group lint MAJLIS_BUILD=build -- "${lint[@]}")
[ -f tests/fuzz.t ] && args+=(--group fuzz -- tests/fuzz.t)
[ ${#unit_asan[@]} -gt 0 ] && args+=(--group unit-asan -- "${unit_asan[@]}")
[ ${#api[@]} -gt 0 ] && args+=(--group api-asan MAJLIS_BUILD=build-asan -- "${api[@]}")
exec perl tests/harness.pl "${args[@]}"
