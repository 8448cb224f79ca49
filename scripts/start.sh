#!/usr/bin/env bash
# Installs what is missing, builds, creates var/majlis.db with demo content on
# first run, and starts majlis on http://127.0.0.1:8080 (Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
make -s -j"$(nproc)" build/majlis
if [ ! -f var/majlis.db ]; then
  ./build/majlis init --db var/majlis.db --demo
else
  ./build/majlis migrate --db var/majlis.db
fi
cat <<'MSG'

  majlis is starting on http://127.0.0.1:8080/
  Demo administrator: admin@example.org / majlis-admin-2026
  (editor: editor@example.org / majlis-editor-2026, citizen: citizen@example.org / majlis-citizen-2026)
  Stop with Ctrl-C.

MSG
exec ./build/majlis serve --db var/majlis.db --listen 127.0.0.1:8080 "$@"
