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
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from majlis import DEMO_ADMIN, Server, binary_path, diag, ok, run, skip_all  # noqa: E402
from browser import browser_prereqs, run_browser_script, screenshots  # noqa: E402

SCRIPT = os.path.join(HERE, "participation.js")
NEEDED = ["POST /api/v1/consultations", "GET /consultations/:id", "POST /comments", "GET /comments/:id/reply",
          "POST /api/v1/comments", "POST /api/v1/polls", "GET /polls/:id", "POST /polls/:id/vote",
          "GET /polls/:id/results", "GET /api/v1/polls/:id/results", "GET /api/v1/comments/:id/replies"]
OTHER = ("voisin@example.org", "voisin-password-2026")


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%MZ")


def main():
    node = browser_prereqs()
    routes = subprocess.run([binary_path(), "routes"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            universal_newlines=True, timeout=30).stdout
    have = {line.split("\t")[0] for line in routes.splitlines()}
    missing = [r for r in NEEDED if r not in have]
    if missing:
        skip_all("participation features not ready: route(s) %s not registered" % ", ".join(missing))
    with screenshots() as shots:
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
            run_browser_script(node, SCRIPT, {"MAJLIS_URL": srv.base_url, "CONSULT_ID": str(consult_id),
                                              "POLL_ID": str(poll_id), "OTHER_COMMENT_ID": str(r.json()["id"])},
                               shots, min_steps=15)


run(main)
