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
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from majlis import Server, run  # noqa: E402
from browser import browser_prereqs, run_browser_script, screenshots  # noqa: E402

SCRIPT = os.path.join(HERE, "smoke.js")


def main():
    node = browser_prereqs()
    with screenshots() as shots, Server() as srv:
        run_browser_script(node, SCRIPT, {"MAJLIS_URL": srv.base_url}, shots, min_steps=10)


run(main)
