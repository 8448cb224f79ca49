#!/usr/bin/python3
# CSRF on every state-changing form (missing, wrong, or another browser's token
# is 403 and changes nothing), CSRF on the JSON API (session needs the header,
# a Bearer token does not), security headers on HTML answers, escaping of
# reflected input, open redirects, session fixation.
import os
import re
import sqlite3
import sys
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from majlis import DEMO_ADMIN, DEMO_CITIZEN, DEMO_EDITOR, Server, diag, is_, like, ok, run  # noqa: E402


def scalar(srv, sql, args=()):
    con = sqlite3.connect(srv.db, timeout=10)
    try:
        return con.execute(sql, args).fetchone()[0]
    finally:
        con.close()


def multipart(fields):
    boundary = "----majlis" + uuid.uuid4().hex
    parts = []
    for k, v in fields.items():
        parts.append("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n" % (boundary, k, v))
    parts.append("--%s--\r\n" % boundary)
    return "".join(parts).encode("utf-8"), "multipart/form-data; boundary=" + boundary


def post_variants(c, other_token, path, fields, name, is_multipart=False):
    """POSTs fields to path with no token, a forged token and another client's token;
    each must be 403."""
    for label, tok in (("no token", None), ("forged token", "0" * 64), ("another browser's token", other_token),
                       ("truncated token", (c.last_csrf or "x" * 64)[:63])):
        f = dict(fields)
        if tok is not None:
            f["csrf"] = tok
        if is_multipart:
            body, ctype = multipart(f)
            r = c.request("POST", path, data=body, headers={"Content-Type": ctype})
        else:
            r = c.request("POST", path, data=f)
        is_(r.status, 403, "%s: %s → 403" % (name, label))


def test_csrf_forms(srv):
    other = srv.client()
    other.get("/login")
    other_token = other.last_csrf

    anon = srv.client()
    anon.get("/login")
    post_variants(anon, other_token, "/login", {"email": DEMO_CITIZEN[0], "password": DEMO_CITIZEN[1]}, "POST /login")
    ok(anon.cookie("majlis_session") is None, "no session after refused logins")
    anon.get("/signup")
    post_variants(anon, other_token, "/signup", {"name": "Csrf Victim", "email": "csrf@example.net",
                                                 "password": "csrf-password-1", "password2": "csrf-password-1"},
                  "POST /signup")
    is_(scalar(srv, "SELECT count(*) FROM users WHERE email = 'csrf@example.net'"), 0, "no account created")
    nocookie = srv.client()
    r = nocookie.request("POST", "/login", data={"email": DEMO_CITIZEN[0], "password": DEMO_CITIZEN[1],
                                                 "csrf": other_token})
    is_(r.status, 403, "POST /login with a token but no csrf cookie → 403")
    like(r.text, "The form expired", "403 page explains in the reader's language")

    cit = srv.client()
    is_(cit.login(*DEMO_CITIZEN), 303, "citizen logs in")
    cit.get("/account")
    post_variants(cit, other_token, "/account/lang", {"lang": "fr"}, "POST /account/lang")
    is_(scalar(srv, "SELECT lang FROM users WHERE email = ?", (DEMO_CITIZEN[0],)), "ar", "language unchanged")
    post_variants(cit, other_token, "/account/password", {"current": DEMO_CITIZEN[1], "password": "csrf-new-pass-1",
                                                          "password2": "csrf-new-pass-1"}, "POST /account/password")
    post_variants(cit, other_token, "/logout", {}, "POST /logout")
    is_(cit.get("/account").status, 200, "still logged in after refused log-outs")

    adm = srv.client()
    is_(adm.login(*DEMO_ADMIN), 303, "admin logs in")
    adm.get("/admin")
    ndept = scalar(srv, "SELECT count(*) FROM departments")
    post_variants(adm, other_token, "/admin/departments", {"slug": "csrf-dept", "name_ar": "قسم", "name_fr": "Dépt",
                                                          "name_en": "Dept"}, "POST /admin/departments")
    post_variants(adm, other_token, "/admin/departments/1", {"name_ar": "قسم", "name_fr": "Dépt", "name_en": "Dept"},
                  "POST /admin/departments/1")
    is_(scalar(srv, "SELECT count(*) FROM departments"), ndept, "no department created")
    is_(scalar(srv, "SELECT name_en FROM departments WHERE id = 1"), "Roads and street lighting",
        "no department renamed")
    cid = scalar(srv, "SELECT id FROM users WHERE email = ?", (DEMO_CITIZEN[0],))
    post_variants(adm, other_token, "/admin/users/%d/roles" % cid, {"role": "editor", "dept": "1"},
                  "POST /admin/users/:id/roles")
    is_(scalar(srv, "SELECT count(*) FROM user_roles WHERE user_id = ?", (cid,)), 0, "no role granted")
    eid = scalar(srv, "SELECT id FROM users WHERE email = ?", (DEMO_EDITOR[0],))
    post_variants(adm, other_token, "/admin/users/%d/roles/remove" % eid, {"role": "editor", "dept": "1"},
                  "POST /admin/users/:id/roles/remove")
    post_variants(adm, other_token, "/admin/users/%d/disable" % cid, {}, "POST /admin/users/:id/disable")
    is_(scalar(srv, "SELECT disabled FROM users WHERE id = ?", (cid,)), 0, "nobody disabled")
    post_variants(adm, other_token, "/admin/tokens", {"name": "csrf-token", "role": "editor", "dept": "*"},
                  "POST /admin/tokens")
    is_(scalar(srv, "SELECT count(*) FROM api_tokens"), 0, "no token created")

    ed = srv.client()
    is_(ed.login(*DEMO_EDITOR), 303, "editor logs in")
    ed.get("/staff/posts/new")
    nposts = scalar(srv, "SELECT count(*) FROM posts")
    post = {"title": "CSRF post", "kind": "news", "lang": "en", "dept": "roads", "body": "text", "action": "publish"}
    post_variants(ed, other_token, "/staff/posts", post, "POST /staff/posts (multipart)", is_multipart=True)
    post_variants(ed, other_token, "/staff/posts", post, "POST /staff/posts (urlencoded)")
    pid = scalar(srv, "SELECT p.id FROM posts p JOIN departments d ON d.id = p.dept_id WHERE d.slug = 'roads' LIMIT 1")
    before = scalar(srv, "SELECT status || '|' || title FROM posts WHERE id = ?", (pid,))
    post_variants(ed, other_token, "/staff/posts/%d" % pid, post, "POST /staff/posts/:id", is_multipart=True)
    for action in ("unpublish", "archive", "delete"):
        post_variants(ed, other_token, "/staff/posts/%d/%s" % (pid, action), {}, "POST /staff/posts/:id/" + action)
    is_(scalar(srv, "SELECT count(*) FROM posts"), nposts, "no post created or deleted")
    is_(scalar(srv, "SELECT status || '|' || title FROM posts WHERE id = ?", (pid,)), before,
        "the existing post is unchanged")
    # and with the right token the same form works (the refusals were about the token)
    page = ed.get("/staff/posts/new")
    body, ctype = multipart(dict(post, csrf=ed.last_csrf))
    r = ed.request("POST", "/staff/posts", data=body, headers={"Content-Type": ctype})
    is_(r.status, 303, "the editor's form with its token is accepted")
    return adm, ed


def test_csrf_api(srv, ed):
    body = {"title": "API CSRF test", "kind": "news", "lang": "en", "department": "roads", "body": "Hello."}
    r = ed.request("POST", "/api/v1/posts", json=body)
    is_(r.status, 403, "API write with a session cookie and no X-CSRF-Token → 403")
    is_(r.json().get("error", {}).get("code"), "forbidden", "JSON error code forbidden")
    r = ed.request("POST", "/api/v1/posts", json=body, headers={"X-CSRF-Token": "f" * 64})
    is_(r.status, 403, "API write with a wrong X-CSRF-Token → 403")
    r = ed.request("POST", "/api/v1/posts", json=body, headers={"X-CSRF-Token": ed.last_csrf})
    is_(r.status, 201, "API write with the session's X-CSRF-Token → 201")
    pid = r.json().get("id") if r.status == 201 else 0
    r = ed.request("DELETE", "/api/v1/posts/%d" % pid)
    is_(r.status, 403, "API DELETE with a session and no X-CSRF-Token → 403")
    r = ed.request("PATCH", "/api/v1/posts/%d" % pid, json={"title": "Changed by CSRF"})
    is_(r.status, 403, "API PATCH with a session and no X-CSRF-Token → 403")
    is_(scalar(srv, "SELECT title FROM posts WHERE id = ?", (pid,)), "API CSRF test", "post unchanged")

    cp = srv.run_cli("token", "add", "--db", srv.db, "--name", "csrf-bot", "--role", "editor", "--dept", "roads")
    tok = cp.stdout.strip()
    bot = srv.client()
    r = bot.request("POST", "/api/v1/posts", json=body, headers={"Authorization": "Bearer " + tok})
    is_(r.status, 201, "Bearer token: no CSRF header needed → 201")
    r = bot.request("POST", "/api/v1/posts", json=body, headers={"Authorization": "Bearer " + "a" * 64})
    is_(r.status, 401, "unknown Bearer token → 401")
    r = srv.client().request("POST", "/api/v1/posts", json=body)
    is_(r.status, 401, "anonymous API write → 401 (not a CSRF 403)")


def test_headers(srv, adm, ed):
    anon = srv.client()
    cases = [(anon, p) for p in ("/", "/login", "/signup", "/posts", "/does-not-exist")]
    cases += [(adm, "/admin"), (adm, "/admin/tokens"), (adm, "/admin/audit"), (ed, "/admin/tokens"),
              (ed, "/staff/posts/new")]
    for c, path in cases:
        r = c.get(path)
        ctype = r.header("Content-Type", "")
        csp = r.header("Content-Security-Policy", "")
        good = ("text/html" in ctype and "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
                and r.header("X-Content-Type-Options") == "nosniff" and r.header("X-Frame-Options") == "DENY")
        if not ok(good, "GET %s (%d): HTML with CSP, nosniff, X-Frame-Options DENY" % (path, r.status)):
            diag(str(r.headers))
    like(adm.get("/admin").header("Cache-Control", ""), "private", "logged-in pages are Cache-Control: private")
    r = anon.get("/healthz")
    is_(r.header("X-Content-Type-Options"), "nosniff", "JSON answers are nosniff too")
    r = anon.get("/posts?tag=%FF")
    ok(r.status == 400 and r.header("Content-Security-Policy"), "error pages carry the CSP too")


def test_reflection_and_redirects(srv):
    c = srv.client()
    r = c.get('/login?next=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E')
    is_(r.status, 200, "login form with a hostile next")
    ok("<script>alert(1)" not in r.text, "next is escaped in the form")
    for nxt, want in (("//evil.example/x", "/"), ("https://evil.example/", "/"), ("/\\evil.example", "/"),
                      ("/admin", "/admin")):
        d = srv.client()
        d.get("/login")
        r = d.post_form("/login", {"email": DEMO_CITIZEN[0], "password": DEMO_CITIZEN[1], "next": nxt})
        is_(r.header("Location"), want, "log in with next=%s goes to %s" % (nxt, want))
    # sign-up name with markup is escaped where shown
    s = srv.client()
    s.get("/signup")
    r = s.post_form("/signup", {"name": "<img src=x onerror=alert(1)>", "email": "xss@example.net",
                                "password": "xss-password-1", "password2": "xss-password-1"})
    is_(r.status, 303, "sign-up with markup in the name")
    r = s.get("/account")
    ok("<img src=x" not in r.text and "&lt;img src=x" in r.text, "the name is escaped on the account page")
    # session fixation: a planted session cookie is not adopted
    f = srv.client()
    planted = "ab" * 32
    f.get("/login", headers={"Cookie": "majlis_session=" + planted})
    page = f.get("/login")
    r = f.post_form("/login", {"email": DEMO_CITIZEN[0], "password": DEMO_CITIZEN[1]}, page=page,
                    headers={"Cookie": "majlis_session=%s; majlis_csrf=%s" % (planted, f.cookie("majlis_csrf"))})
    is_(r.status, 303, "log in while holding a planted session cookie")
    new = [v for v in r.headers.get_all("Set-Cookie") or [] if v.startswith("majlis_session=")]
    ok(new and planted not in new[0], "a fresh session token is issued")


def main():
    with Server() as srv:
        adm, ed = test_csrf_forms(srv)
        test_csrf_api(srv, ed)
        test_headers(srv, adm, ed)
        test_reflection_and_redirects(srv)


run(main)
