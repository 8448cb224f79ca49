#!/usr/bin/python3
"""Browser test of participation in Arabic: starts a demo majlis, prepares an
open consultation in roads (with another citizen's comment) and an open poll
through the JSON API, then runs tests/e2e/participation.js (playwright-core
driving Debian /usr/bin/chromium): the demo citizen logs in, comments, replies,
votes and reads the results page right to left. Its "ok - ..." lines become
this file's TAP lines. SKIPs, naming the route, when a participation feature it
needs is not registered. Screenshots go to $MAJLIS_SHOTS if set (kept), else to
a temporary directory removed unless MAJLIS_KEEP=1.
"""
import datetime
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from majlis import DEMO_ADMIN, REPO_ROOT, Server, binary_path, diag, ok, run, skip_all  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PLAYWRIGHT = os.path.join(REPO_ROOT, "tests", "node", "node_modules", "playwright-core")
SCRIPT = os.path.join(HERE, "participation.js")
NODE_TIMEOUT = 75
NEEDED = ["POST /api/v1/consultations", "GET /consultations/:id", "POST /comments", "GET /comments/:id/reply",
          "POST /api/v1/comments", "POST /api/v1/polls", "GET /polls/:id", "POST /polls/:id/vote",
          "GET /polls/:id/results", "GET /api/v1/polls/:id/results", "GET /api/v1/comments/:id/replies"]
OTHER = ("voisin@example.org", "voisin-password-2026")


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%MZ")


def main():
    if not os.path.isdir(PLAYWRIGHT):
        skip_all("no tests/node/node_modules/playwright-core (run `npm ci` in tests/node)")
    if not os.access(CHROMIUM, os.X_OK):
        skip_all("no chromium at %s (scripts/deps.sh test installs it)" % CHROMIUM)
    node = shutil.which("node")
    if not node:
        skip_all("no node")
    routes = subprocess.run([binary_path(), "routes"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            universal_newlines=True, timeout=30).stdout
    have = {line.split("\t")[0] for line in routes.splitlines()}
    missing = [r for r in NEEDED if r not in have]
    if missing:
        skip_all("participation features not ready: route(s) %s not registered" % ", ".join(missing))
    shots = os.environ.get("MAJLIS_SHOTS")
    tmp = None
    if not shots:
        shots = tmp = tempfile.mkdtemp(prefix="majlis-e2e-")
    os.makedirs(shots, exist_ok=True)
    try:
        with Server() as srv:
            now = datetime.datetime.now(datetime.timezone.utc)
            admin = srv.client()
            admin.login(*DEMO_ADMIN)
            admin.get("/account")
            h = {"X-CSRF-Token": admin.last_csrf or ""}
            r = admin.request("POST", "/api/v1/consultations", headers=h, json={
                "title": "مخطط السير في وسط المدينة", "lang": "ar", "body": "ما رأيكم في **المخطط** الجديد؟",
                "department": "roads", "published": True,
                "opens_at": iso(now - datetime.timedelta(hours=1)), "closes_at": iso(now + datetime.timedelta(days=7))})
            if not ok(r.status == 201, "an open consultation is prepared (%d)" % r.status):
                diag(r.text[:500])
                return
            consult_id = r.json()["id"]
            r = admin.request("POST", "/api/v1/polls", headers=h, json={
                "question": "أي يوم يناسب السوق الأسبوعي؟", "department": "roads", "kind": "single",
                "options": ["السبت", "الأحد", "الأربعاء"],
                "opens_at": iso(now - datetime.timedelta(hours=1)), "closes_at": iso(now + datetime.timedelta(days=7))})
            if not ok(r.status == 201, "an open poll is prepared (%d)" % r.status):
                diag(r.text[:500])
                return
            poll_id = r.json()["id"]
            cp = subprocess.run([srv.binary, "user", "add", "--db", srv.db, "--email", OTHER[0], "--name", "جار المدرسة",
                                 "--lang", "ar"], env=srv._env(), cwd=srv.dir, input=OTHER[1] + "\n",
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=60)
            other = srv.client()
            other.login(*OTHER)
            other.get("/account")
            r = other.request("POST", "/api/v1/comments", headers={"X-CSRF-Token": other.last_csrf or ""}, json={
                "target_type": "consultation", "target_id": consult_id, "body": "الطريق أمام المدرسة خطير على الأطفال."})
            if not ok(cp.returncode == 0 and r.status == 201, "another citizen's comment is prepared (%d)" % r.status):
                diag(r.text[:500])
                return
            env = dict(os.environ, MAJLIS_URL=srv.base_url, SHOT_DIR=shots, CHROMIUM=CHROMIUM,
                       CONSULT_ID=str(consult_id), POLL_ID=str(poll_id), OTHER_COMMENT_ID=str(r.json()["id"]))
            try:
                cp = subprocess.run([node, SCRIPT], env=env, cwd=REPO_ROOT, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=NODE_TIMEOUT)
                out, err, rc = cp.stdout, cp.stderr, cp.returncode
            except subprocess.TimeoutExpired as e:
                out, err, rc = e.stdout or b"", e.stderr or b"", None
            steps = 0
            for line in out.decode("utf-8", "replace").splitlines():
                m = re.match(r"^(not )?ok - (.*)$", line)
                if m:
                    steps += 1
                    ok(m.group(1) is None, m.group(2))
                elif line.startswith("#"):
                    diag(line[1:].strip())
            if rc is None:
                ok(False, "browser run finished within %d s" % NODE_TIMEOUT)
            elif rc != 0 and steps == 0:
                ok(False, "browser run (node exited %d)" % rc)
            if (rc != 0 or steps == 0) and err:
                diag(err.decode("utf-8", "replace")[-3000:])
            ok(steps >= 15, "browser run reported every step (%d)" % steps)
    finally:
        if tmp:
            if os.environ.get("MAJLIS_KEEP"):
                diag("screenshots kept in %s" % tmp)
            else:
                shutil.rmtree(tmp, ignore_errors=True)
        else:
            diag("screenshots in %s" % shots)


run(main)
