#!/usr/bin/python3
"""Browser smoke test: starts a demo majlis (tests/lib/majlis.py Server) and runs
tests/e2e/smoke.js (playwright-core driving Debian /usr/bin/chromium) against it;
its "ok - ..." / "not ok - ..." lines become this file's TAP lines.

Arabic home page is RTL; the editor logs in through the form, publishes a post
from /staff/posts/new; the post is on the home page and in /feeds/posts.atom; a
320 px viewport has no horizontal scroll; screenshots are taken.
Screenshots go to $MAJLIS_SHOTS if set (kept), else to a temporary directory
that is removed unless MAJLIS_KEEP=1.
Needs tests/node/node_modules (scripts/test.sh runs `npm ci`) and chromium.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from majlis import REPO_ROOT, Server, diag, ok, run, skip_all  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PLAYWRIGHT = os.path.join(REPO_ROOT, "tests", "node", "node_modules", "playwright-core")
SCRIPT = os.path.join(HERE, "smoke.js")
NODE_TIMEOUT = 75  # seconds, for the whole browser run (the file must finish in < 90 s)


def main():
    if not os.path.isdir(PLAYWRIGHT):
        skip_all("no tests/node/node_modules/playwright-core (run `npm ci` in tests/node)")
    if not os.access(CHROMIUM, os.X_OK):
        skip_all("no chromium at %s (scripts/deps.sh test installs it)" % CHROMIUM)
    node = shutil.which("node")
    if not node:
        skip_all("no node")
    shots = os.environ.get("MAJLIS_SHOTS")
    tmp = None
    if not shots:
        shots = tmp = tempfile.mkdtemp(prefix="majlis-e2e-")
    os.makedirs(shots, exist_ok=True)
    try:
        with Server() as srv:
            env = dict(os.environ, MAJLIS_URL=srv.base_url, SHOT_DIR=shots, CHROMIUM=CHROMIUM)
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
            ok(steps >= 10, "browser run reported every step (%d)" % steps)
    finally:
        if tmp:
            if os.environ.get("MAJLIS_KEEP"):
                diag("screenshots kept in %s" % tmp)
            else:
                shutil.rmtree(tmp, ignore_errors=True)
        else:
            diag("screenshots in %s" % shots)


run(main)
