#!/usr/bin/env bash
# Installs the Debian packages majlis needs. Idempotent and quiet when all is there.
#   scripts/deps.sh          build + run dependencies
#   scripts/deps.sh test     also what the test suite needs
set -euo pipefail

build_pkgs=(build-essential pkg-config libmicrohttpd-dev libsqlite3-dev libjansson-dev
  libsodium-dev libssl-dev libcurl4-openssl-dev libcmark-dev libstemmer-dev
  libutf8proc-dev liblinear-dev zlib1g-dev sqlite3 libcsv-dev)
test_pkgs=(clang libclang-rt-14-dev python3 python3-feedparser python3-icalendar python3-aiosmtpd
  chromium wrk curl)

want=("${build_pkgs[@]}")
if [ "${1:-}" = test ]; then
  want+=("${test_pkgs[@]}")
  # Node may come from elsewhere (its npm is bundled); only ask Debian when absent.
  command -v node >/dev/null 2>&1 || want+=(nodejs)
  command -v npm >/dev/null 2>&1 || want+=(npm)
fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
