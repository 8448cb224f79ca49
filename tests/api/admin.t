#!/usr/bin/python3
# Roles and denials (anonymous, citizen, editor, department admin, site admin),
# disabling accounts, API tokens (CLI and admin page; hashed; department-scoped;
# revocation), departments, and the audit log of all of it.
import hashlib
import os
import re
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from majlis import DEMO_ADMIN, DEMO_CITIZEN, DEMO_EDITOR, Server, diag, is_, like, ok, run  # noqa: E402

WADMIN = ("wadmin@example.org", "water-admin-pass-2026")


def q(srv, sql, args=()):
    con = sqlite3.connect(srv.db, timeout=10)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def scalar(srv, sql, args=()):
    rows = q(srv, sql, args)
    return rows[0][0] if rows else None


def cli(srv, *args, stdin=None):
    cp = subprocess.run([srv.binary] + list(args), env=srv._env(), cwd=srv.dir, input=stdin,
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60, universal_newlines=True)
    return cp


def uid(srv, email):
    return scalar(srv, "SELECT id FROM users WHERE email = ?", (email,))


def dept_id(srv, slug):
    return scalar(srv, "SELECT id FROM departments WHERE slug = ?", (slug,))


def api_post(c, dept, token=None, title="Token post", csrf=None):
    h = {}
    if token:
        h["Authorization"] = "Bearer " + token
    if csrf:
        h["X-CSRF-Token"] = csrf
    return c.request("POST", "/api/v1/posts", json={"title": title, "kind": "news", "lang": "fr",
                                                     "department": dept, "body": "Texte **gras**."}, headers=h)


def is_json_error(r, status, code, name):
    good = r.status == status
    try:
        e = r.json()["error"]
        good = good and e["code"] == code and isinstance(e["message"], str) and e["message"] != ""
    except (ValueError, KeyError, TypeError):
        good = False
    if not ok(good, name):
        diag("status %d body %r" % (r.status, r.body[:300]))


def test_anonymous(srv):
    a = srv.client()
    for path in ("/account", "/admin", "/staff/posts", "/admin/tokens", "/admin/audit", "/admin/users/1"):
        r = a.get(path)
        ok(r.status == 303 and r.header("Location") == "/login?next=" + path.replace("/", "%2F"),
           "anonymous GET %s → 303 /login?next=… (%d %s)" % (path, r.status, r.header("Location")))
    r = a.get("/posts?x=1")
    pid = scalar(srv, "SELECT id FROM posts ORDER BY id LIMIT 1")
    is_json_error(a.request("POST", "/api/v1/posts", json={"title": "x"}), 401, "unauthorized",
                  "anonymous POST /api/v1/posts → 401 JSON error")
    is_json_error(a.request("PATCH", "/api/v1/posts/%d" % pid, json={"title": "xyz"}), 401, "unauthorized",
                  "anonymous PATCH → 401 JSON error")
    is_json_error(a.request("DELETE", "/api/v1/posts/%d" % pid), 401, "unauthorized", "anonymous DELETE → 401 JSON error")
    is_json_error(a.request("POST", "/api/v1/posts/%d/publish" % pid), 401, "unauthorized",
                  "anonymous publish → 401 JSON error")
    r = a.request("POST", "/api/v1/posts", json={"title": "x"}, headers={"Accept-Language": "fr"})
    like(r.json()["error"]["message"], "connecter", "JSON error message in the reader's language")
    ok((r.header("Content-Type") or "").startswith("application/json"), "JSON content type")
    r = a.request("POST", "/admin/departments", data={"slug": "zz"})
    is_(r.status, 303, "anonymous admin form POST → 303 to log in (nothing done)")


def test_citizen_and_editor(srv):
    cit = srv.client()
    is_(cit.login(*DEMO_CITIZEN), 303, "citizen logs in")
    for path in ("/admin", "/staff/posts", "/staff/posts/new", "/admin/tokens", "/admin/audit", "/admin/departments",
                 "/admin/staff"):
        is_(cit.get(path).status, 403, "citizen GET %s → 403" % path)
    like(cit.get("/admin").text, "غير مسموح لك", "403 page in the citizen's language (ar)")
    is_json_error(api_post(cit, "roads", csrf=cit.last_csrf), 403, "forbidden", "citizen API write → 403 JSON")

    ed = srv.client()
    is_(ed.login(*DEMO_EDITOR), 303, "editor (roads, culture) logs in")
    is_(ed.get("/staff/posts").status, 200, "editor GET /staff/posts → 200")
    for path in ("/admin", "/admin/staff", "/admin/tokens", "/admin/audit", "/admin/departments"):
        is_(ed.get(path).status, 403, "editor GET %s → 403" % path)
    cid = uid(srv, DEMO_CITIZEN[0])
    ed.get("/staff/posts")
    r = ed.post_form("/admin/users/%d/roles" % cid, {"role": "editor", "dept": str(dept_id(srv, "roads"))})
    is_(r.status, 403, "editor of roads cannot grant roles in roads (403)")
    is_(q(srv, "SELECT count(*) FROM user_roles WHERE user_id = ?", (cid,)), [(0,)], "no role granted")
    r = api_post(ed, "water", csrf=ed.last_csrf)
    is_json_error(r, 403, "forbidden", "editor of roads cannot post in water (403)")
    r = api_post(ed, "roads", csrf=ed.last_csrf, title="Editor API post")
    is_(r.status, 201, "editor posts in roads through the API (201)")
    return cit, ed


def test_dept_admin(srv, cit):
    cp = cli(srv, "user", "add", "--db", srv.db, "--email", WADMIN[0], "--name", "Water Admin", "--lang", "en",
             stdin=WADMIN[1] + "\n")
    is_(cp.returncode, 0, "CLI creates the future department admin")
    cp = cli(srv, "user", "set-role", "--db", srv.db, "--email", WADMIN[0], "--role", "admin", "--dept", "water")
    is_(cp.returncode, 0, "user set-role --role admin --dept water")
    wa = srv.client()
    is_(wa.login(*WADMIN), 303, "water admin logs in")
    r = wa.get("/admin")
    is_(r.status, 200, "department admin GET /admin → 200")
    ok("/admin/tokens" not in r.text and "/admin/audit" not in r.text and "/admin/departments" not in r.text,
       "department admin home has no site-admin links")
    is_(wa.get("/admin/staff").status, 200, "department admin GET /admin/staff → 200")
    for path in ("/admin/departments", "/admin/tokens", "/admin/audit"):
        is_(wa.get(path).status, 403, "department admin GET %s → 403" % path)
    cid = uid(srv, DEMO_CITIZEN[0])
    page = wa.get("/admin/users/%d" % cid)
    is_(page.status, 200, "department admin sees a user's roles page")
    like(page.text, r'<option value="%d">' % dept_id(srv, "water"), "water offered in the grant form")
    ok('<option value="%d">' % dept_id(srv, "roads") not in page.text, "roads not offered")
    r = wa.post_form("/admin/users/%d/roles" % cid, {"role": "agent", "dept": str(dept_id(srv, "water"))}, page=page)
    is_(r.status, 303, "department admin grants agent@water (303)")
    is_(q(srv, "SELECT r.role, d.slug FROM user_roles r JOIN departments d ON d.id = r.dept_id WHERE r.user_id = ?",
          (cid,)), [("agent", "water")], "role row agent@water exists")
    r = wa.post_form("/admin/users/%d/roles" % cid, {"role": "editor", "dept": str(dept_id(srv, "roads"))}, page=page)
    is_(r.status, 403, "department admin of water cannot grant in roads (403)")
    eid = uid(srv, DEMO_EDITOR[0])
    r = wa.post_form("/admin/users/%d/roles/remove" % eid, {"role": "editor", "dept": str(dept_id(srv, "roads"))},
                     page=page)
    is_(r.status, 403, "nor revoke a role in roads (403)")
    r = wa.post_form("/admin/users/%d/disable" % cid, {}, page=page)
    is_(r.status, 403, "nor disable accounts (site admin only)")
    r = wa.post_form("/admin/users/%d/roles" % cid, {"role": "wizard", "dept": str(dept_id(srv, "water"))}, page=page)
    is_(r.status, 422, "unknown role → 422")
    is_(q(srv, "SELECT count(*) FROM user_roles WHERE user_id = ?", (cid,)), [(1,)], "still exactly one role")
    # the citizen, now an agent in water, is staff but still no admin
    is_(cit.get("/admin").status, 403, "the new agent still gets 403 on /admin")
    r = wa.post_form("/admin/users/%d/roles/remove" % cid, {"role": "agent", "dept": str(dept_id(srv, "water"))},
                     page=page)
    is_(r.status, 303, "department admin revokes agent@water")
    is_(q(srv, "SELECT count(*) FROM user_roles WHERE user_id = ?", (cid,)), [(0,)], "role row gone")
    return wa


def test_site_admin(srv, cit):
    adm = srv.client()
    is_(adm.login(*DEMO_ADMIN), 303, "site admin logs in")
    r = adm.get("/admin")
    ok(all(p in r.text for p in ("/admin/departments", "/admin/tokens", "/admin/audit")),
       "site admin home links departments, tokens, audit")
    for path in ("/admin/departments", "/admin/tokens", "/admin/audit", "/admin/staff"):
        is_(adm.get(path).status, 200, "site admin GET %s → 200" % path)
    # departments
    page = adm.get("/admin/departments")
    r = adm.post_form("/admin/departments", {"slug": "parks", "name_ar": "الحدائق", "name_fr": "Parcs et jardins",
                                             "name_en": "Parks"}, page=page)
    is_(r.status, 303, "create department parks")
    r = adm.post_form("/admin/departments", {"slug": "parks", "name_ar": "الحدائق", "name_fr": "Parcs",
                                             "name_en": "Parks"}, page=page)
    is_(r.status, 422, "same slug again → 422")
    r = adm.post_form("/admin/departments", {"slug": "Bad Slug!", "name_ar": "س", "name_fr": "Parcs",
                                             "name_en": "Parks"}, page=page)
    is_(r.status, 422, "bad slug and too-short name → 422")
    like(r.text, r'id="e-slug"', "error next to the slug")
    like(r.text, r'id="e-name_ar"', "and next to the short name")
    is_(scalar(srv, "SELECT count(*) FROM departments WHERE slug = 'parks'"), 1, "one parks department")

    # disabling an account ends its sessions and its logins
    cid = uid(srv, DEMO_CITIZEN[0])
    is_(cit.get("/account").status, 200, "citizen session alive before")
    r = adm.post_form("/admin/users/%d/disable" % cid, {}, page=adm.get("/admin/users/%d" % cid))
    is_(r.status, 303, "site admin disables the citizen")
    is_(cit.get("/account").status, 303, "the citizen's session ended")
    is_(scalar(srv, "SELECT count(*) FROM sessions WHERE user_id = ?", (cid,)), 0, "no session rows left")
    x = srv.client()
    is_(x.login(*DEMO_CITIZEN), 401, "a disabled account cannot log in")
    me = uid(srv, DEMO_ADMIN[0])
    r = adm.post_form("/admin/users/%d/disable" % me, {}, page=adm.get("/admin"))
    is_(r.status, 403, "a site admin cannot disable themself")
    r = adm.post_form("/admin/users/%d/enable" % cid, {}, page=adm.get("/admin/users/%d" % cid))
    is_(r.status, 303, "enable the citizen again")
    is_(x.login(*DEMO_CITIZEN), 303, "and they log in again")
    r = adm.post_form("/admin/users/999999/disable", {}, page=adm.get("/admin"))
    is_(r.status, 404, "disabling an unknown user → 404")
    return adm


def test_tokens(srv, adm):
    cp = cli(srv, "token", "add", "--db", srv.db, "--name", "roads-bot", "--role", "editor", "--dept", "roads")
    is_(cp.returncode, 0, "token add exits 0")
    tok = cp.stdout.strip()
    ok(re.fullmatch(r"[0-9a-f]{64}", tok) and cp.stdout.count("\n") == 1, "stdout is one 64-hex token line")
    like(cp.stderr, "shown only this once", "stderr says it is shown once")
    bot = srv.client()
    r = api_post(bot, "roads", token=tok, title="Bot roads post")
    is_(r.status, 201, "Bearer token posts in roads (201)")
    bot_post = r.json()["id"] if r.status == 201 else 0
    r = api_post(bot, "water", token=tok)
    is_json_error(r, 403, "forbidden", "the roads token cannot post in water (403)")
    r = bot.request("POST", "/api/v1/posts/%d/publish" % bot_post, headers={"Authorization": "Bearer " + tok})
    is_(r.status, 200, "the token publishes its post")
    is_(r.json().get("status") if r.status == 200 else None, "published", "status published")
    r = bot.get("/staff/posts", headers={"Authorization": "Bearer " + tok})
    is_(r.status, 303, "a Bearer token is not a login for HTML pages (303 to /login)")
    lst = cli(srv, "token", "list", "--db", srv.db)
    like(lst.stdout, r"(?m)^\d+\s+roads-bot\s+editor\s+roads\s", "token list shows name, role, department")
    like(lst.stdout, r"(?m)roads-bot.*\d{4}-\d\d-\d\dT\S+\s*$", "with its last use")
    ok(tok not in lst.stdout, "but never the token")
    h = hashlib.blake2b(tok.encode(), digest_size=32).hexdigest()
    is_(scalar(srv, "SELECT count(*) FROM api_tokens WHERE token_hash = ?", (h,)), 1, "the db stores the token's hash")
    raw = b""
    for suffix in ("", "-wal"):
        try:
            with open(srv.db + suffix, "rb") as f:
                raw += f.read()
        except OSError:
            pass
    ok(tok.encode() not in raw, "the clear token appears nowhere in the database files")
    tid = scalar(srv, "SELECT id FROM api_tokens WHERE name = 'roads-bot'")
    cp = cli(srv, "token", "revoke", "--db", srv.db, "--id", str(tid))
    is_(cp.returncode, 0, "token revoke exits 0")
    is_json_error(api_post(bot, "roads", token=tok), 401, "unauthorized", "revoked token → 401")
    cp = cli(srv, "token", "revoke", "--db", srv.db, "--id", str(tid))
    ok(cp.returncode != 0, "revoking it twice fails")
    like(cli(srv, "token", "list", "--db", srv.db).stdout, r"roads-bot\s+editor\s+roads\s+\S+\s+\d{4}-",
         "token list shows the revocation time")

    # the admin page
    page = adm.get("/admin/tokens")
    r = adm.post_form("/admin/tokens", {"name": "water-bot", "role": "editor", "dept": "water"}, page=page)
    is_(r.status, 201, "admin page creates a token (201)")
    m = re.search(r'<code dir="ltr">([0-9a-f]{64})</code>', r.text)
    ok(m, "the new token is shown")
    wtok = m.group(1) if m else ""
    like(r.header("Cache-Control", ""), "no-store", "that answer is Cache-Control: no-store")
    r2 = adm.get("/admin/tokens")
    ok(wtok and wtok not in r2.text and "water-bot" in r2.text, "shown once: listed by name, token gone on reload")
    r = adm.post_form("/admin/tokens", {"name": "x", "role": "overlord", "dept": "nowhere"}, page=r2)
    is_(r.status, 422, "bad token form → 422")
    ok(all(('id="e-%s"' % f) in r.text for f in ("name", "role", "dept")), "errors next to name, role, department")
    is_(api_post(bot, "water", token=wtok, title="Water bot post").status, 201, "the page's token posts in water")
    is_json_error(api_post(bot, "roads", token=wtok), 403, "forbidden", "but not in roads")
    wid = scalar(srv, "SELECT id FROM api_tokens WHERE name = 'water-bot'")
    r = adm.post_form("/admin/tokens/%d/revoke" % wid, {}, page=r2)
    is_(r.status, 303, "revoke from the admin page")
    is_json_error(api_post(bot, "water", token=wtok), 401, "unauthorized", "revoked → 401")
    r = adm.post_form("/admin/tokens/%d/revoke" % wid, {}, page=adm.get("/admin/tokens"))
    is_(r.status, 404, "revoking again → 404")
    return bot_post


AUDIT_ROW = re.compile(r"<tr><td>.*?</td><td>(.*?)<br><span class=\"meta\">(.*?)</span></td><td>(.*?)</td>"
                       r"<td>(.*?)</td><td>(.*?)</td></tr>", re.S)


def test_audit(srv, adm, ed, bot_post):
    # an editor creates and publishes through the API (session + CSRF header)
    page = ed.get("/staff/posts")
    r = api_post(ed, "culture", csrf=ed.last_csrf, title="Audited culture post")
    ed_post = r.json()["id"] if r.status == 201 else 0
    r = ed.request("POST", "/api/v1/posts/%d/publish" % ed_post, headers={"X-CSRF-Token": ed.last_csrf})
    is_(r.status, 200, "editor publishes through the API")
    r = adm.get("/admin/audit", headers={"Accept-Language": "en"})
    is_(r.status, 200, "audit page")
    rows = [tuple(x.strip() for x in m) for m in AUDIT_ROW.findall(r.text)]
    ok(len(rows) >= 10, "audit page lists rows (%d)" % len(rows))

    def has(who, action, obj, detail=None, name=None):
        hit = any(w == who and a == action and o.startswith(obj) and (detail is None or d == detail)
                  for (w, ip, a, o, d) in rows)
        if not ok(hit, name or "audit: %s %s %s" % (who, action, obj)):
            diag("\n".join(" | ".join(x) for x in rows[:40]))

    cid, eid = uid(srv, DEMO_CITIZEN[0]), uid(srv, DEMO_EDITOR[0])
    has("admin@example.org", "login", "user #%d" % uid(srv, DEMO_ADMIN[0]))
    has("editor@example.org", "login", "user #%d" % eid)
    has("cli", "user.add", "user #%d" % uid(srv, WADMIN[0]), WADMIN[0])
    has("cli", "role.grant", "user #%d" % uid(srv, WADMIN[0]), "admin@water")
    has(WADMIN[0], "role.grant", "user #%d" % cid, "agent@water", "audit: department admin's grant, who/what/object")
    has(WADMIN[0], "role.revoke", "user #%d" % cid)
    has("admin@example.org", "department.create", "department #", "parks")
    has("admin@example.org", "user.disable", "user #%d" % cid)
    has("admin@example.org", "user.enable", "user #%d" % cid)
    has("cli", "token.create", "api_token #", "roads-bot")
    has("cli", "token.revoke", "api_token #")
    has("admin@example.org", "token.create", "api_token #", "water-bot")
    has("admin@example.org", "token.revoke", "api_token #")
    has("token:roads-bot", "post.create", "post #%d" % bot_post, "Bot roads post")
    has("token:roads-bot", "post.publish", "post #%d" % bot_post)
    has("editor@example.org", "post.create", "post #%d" % ed_post, "Audited culture post")
    has("editor@example.org", "post.publish", "post #%d" % ed_post)
    has("anonymous", "login.failed", "user #%d" % cid, DEMO_CITIZEN[0], "audit: failed login of a disabled account")
    ok(all(ip in ("127.0.0.1", "") for (w, ip, a, o, d) in rows), "rows carry the client IP (or none for the CLI)")
    ok(not any(WADMIN[1] in x or DEMO_ADMIN[1] in x for row in rows for x in row), "no password in the audit log")
    is_(adm.get("/admin/audit?before=abc").status, 400, "bad pager value → 400")


def main():
    with Server() as srv:
        test_anonymous(srv)
        cit, ed = test_citizen_and_editor(srv)
        test_dept_admin(srv, cit)
        adm = test_site_admin(srv, cit)
        bot_post = test_tokens(srv, adm)
        test_audit(srv, adm, ed, bot_post)


run(main)
