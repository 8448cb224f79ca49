#!/usr/bin/python3
# Self-test of tests/lib/majlis.py against the real server: start a demo server,
# health check, the login flow with CSRF for each demo account, cookie jar,
# no automatic redirects, JSON requests, and a clean shutdown (checked by Server).
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from majlis import DEMO_ADMIN, DEMO_CITIZEN, DEMO_EDITOR, Server, diag, is_, like, ok, run, skip_all, binary_path  # noqa: E402


def main():
    if not os.access(binary_path(), os.X_OK):
        skip_all("no server binary at %s" % binary_path())
    with Server() as srv:
        c = srv.client()
        r = c.get("/healthz")
        is_(r.status, 200, "GET /healthz is 200")
        r = c.get("/login")
        is_(r.status, 200, "GET /login is 200")
        ok(c.last_csrf is not None, "the login page carries a csrf field")
        ok(c.cookie("majlis_csrf") is not None, "and sets the csrf cookie in the jar")

        bad = srv.client()
        st = bad.login(DEMO_EDITOR[0], "wrong-password")
        ok(st not in (301, 302, 303), "a wrong password does not log in (status %d)" % st)

        forged = srv.client()
        forged.get("/login")
        r = forged.post_form("/login", {"email": DEMO_EDITOR[0], "password": DEMO_EDITOR[1], "csrf": "0" * 64})
        is_(r.status, 403, "a forged csrf token is refused")

        for who, (email, password) in (("admin", DEMO_ADMIN), ("editor", DEMO_EDITOR), ("citizen", DEMO_CITIZEN)):
            u = srv.client()
            st = u.login(email, password)
            ok(st in (302, 303), "%s logs in: redirect, not followed (status %d)" % (who, st))
            ok(u.last.headers.get("Location"), "with a Location header (%s)" % u.last.headers.get("Location"))
            n_cookies = len(list(u.jar))
            ok(n_cookies >= 2, "%s holds a session cookie besides csrf (%d cookies)" % (who, n_cookies))
            r = u.get("/", follow=True)
            is_(r.status, 200, "%s: home page with the session" % who)

        r = c.request("GET", "/healthz", headers={"Accept": "application/json"})
        ok(r.status == 200 and len(r.body) > 0, "request() returns status and body bytes")
        r = c.request("POST", "/api/v1/nonexistent-endpoint", json={"x": 1})
        ok(r.status >= 400, "an unknown API path answers an error status (%d), not a crash" % r.status)
        r = c.get("/this/page/does/not/exist")
        is_(r.status, 404, "unknown page is 404")


run(main)
