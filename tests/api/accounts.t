#!/usr/bin/python3
# Accounts: sign-up (email and phone), duplicates, password rules in three
# languages, log in/out, session cookie attributes (also Secure behind https),
# hashed session tokens and argon2id password hashes, password change ending
# other sessions, and the account's language choice.
import hashlib
import os
import re
import sqlite3
import sys
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from majlis import DEMO_CITIZEN, Server, csrf_from, diag, is_, like, ok, run  # noqa: E402

PW = "amina-secret-2026"


def db_rows(srv, sql, args=()):
    con = sqlite3.connect(srv.db, timeout=10)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def set_cookies(resp, name):
    """The Set-Cookie header lines of resp for cookie name."""
    return [v for v in (resp.headers.get_all("Set-Cookie") or []) if v.split("=", 1)[0].strip() == name]


def cookie_attrs(line):
    parts = [p.strip() for p in line.split(";")]
    return parts[0], {p.split("=", 1)[0].lower(): (p.split("=", 1)[1] if "=" in p else True) for p in parts[1:]}


def signup(c, name, login, pw, pw2=None, lang=None, headers=None):
    page = c.get("/signup", headers=headers)
    fields = {"name": name, "email": login, "password": pw, "password2": pw if pw2 is None else pw2}
    if lang:
        fields["lang"] = lang
    return c.post_form("/signup", fields, page=page, headers=headers)


def test_signup(srv):
    c = srv.client()
    r = signup(c, "Amina Test", "amina@example.net", PW, lang="fr")
    is_(r.status, 303, "sign-up with an email: 303")
    is_(r.header("Location"), "/account?welcome=1", "and goes to the account page")
    sc = set_cookies(r, "majlis_session")
    ok(len(sc) == 1, "sign-up sets the session cookie")
    if sc:
        (nv, attrs) = cookie_attrs(sc[0])
        ok("httponly" in attrs, "session cookie is HttpOnly")
        is_(attrs.get("samesite"), "Lax", "session cookie is SameSite=Lax")
        is_(attrs.get("path"), "/", "session cookie has Path=/")
        ok("secure" not in attrs, "no Secure flag on an http base URL")
    r = c.get("/account?welcome=1")
    is_(r.status, 200, "account page after sign-up")
    like(r.text, r'<html lang="fr" dir="ltr"', "shown in the language chosen at sign-up (fr)")
    like(r.text, "Amina Test", "with the name")
    like(r.text, "Bienvenue", "and the French welcome")

    # phone numbers, written the Moroccan way
    p = srv.client()
    r = signup(p, "Hassan Phone", "+212 6 12 34 56 78", PW, lang="ar")
    is_(r.status, 303, "sign-up with a phone number (+212 6 12 34 56 78): 303")
    rows = db_rows(srv, "SELECT phone, email FROM users WHERE name = 'Hassan Phone'")
    is_(rows, [("+212612345678", None)], "phone stored normalised, no email")
    q = srv.client()
    is_(q.login("+212-612-345-678", PW), 303, "logs in with the phone written differently")

    # duplicate email (case differs): 409, error next to the field, values kept, password not echoed
    d = srv.client()
    r = signup(d, "Autre Personne", "AMINA@Example.net", "duplicate-pass-1")
    is_(r.status, 409, "duplicate email: 409")
    like(r.text, r'id="f-email"[^>]*aria-invalid="true"[^>]*aria-describedby="e-email"',
         "email field is marked invalid and described by its error")
    like(r.text, r'<p class="err" id="e-email">An account already uses this email', "error text next to the email field")
    like(r.text, r'id="f-name"[^>]*value="Autre Personne"', "typed name kept")
    like(r.text, r'id="f-email"[^>]*value="AMINA@Example.net"', "typed email kept")
    ok("duplicate-pass-1" not in r.text, "password not echoed back")
    d2 = srv.client()
    r = signup(d2, "Autre Phone", "+212612345678", PW)
    is_(r.status, 409, "duplicate phone: 409")

    # password rules in the page language
    for lang, short, mismatch in (
            ("en", "The password must have at least 10 characters.", "The two passwords are different."),
            ("fr", "Le mot de passe doit compter au moins 10 caractères.", "Les deux mots de passe sont différents."),
            ("ar", "يجب أن تتكون كلمة المرور من 10 أحرف على الأقل.", "كلمتا المرور غير متطابقتين.")):
        h = {"Accept-Language": lang}
        s = srv.client()
        r = signup(s, "Short Pw", "short-%s@example.net" % lang, "short", headers=h)
        is_(r.status, 422, "[%s] short password: 422" % lang)
        ok(short in r.text, "[%s] short-password message in the page language" % lang)
        ok("short-%s@example.net" % lang in r.text, "[%s] typed email kept" % lang)
        r = signup(s, "Mis Match", "mm-%s@example.net" % lang, "long-enough-1", "long-enough-2", headers=h)
        is_(r.status, 422, "[%s] mismatched passwords: 422" % lang)
        ok(mismatch in r.text, "[%s] mismatch message in the page language" % lang)
        if lang == "ar":
            like(r.text, r'<html lang="ar" dir="rtl"', "[ar] page is right-to-left")
        ok("long-enough-1" not in r.text, "[%s] password not echoed" % lang)
    is_(db_rows(srv, "SELECT count(*) FROM users WHERE email LIKE 'short-%' OR email LIKE 'mm-%'"), [(0,)],
        "no account created by refused sign-ups")

    # password hashes
    hashes = [h for (h,) in db_rows(srv, "SELECT password_hash FROM users")]
    ok(hashes and all(h.startswith("$argon2id$") for h in hashes), "every password hash is $argon2id$")
    params_ok = True
    for h in hashes:
        m = re.search(r"\$m=(\d+),t=(\d+)", h)
        params_ok &= bool(m) and int(m.group(1)) >= 19456 and int(m.group(2)) >= 2
    ok(params_ok, "argon2id with m>=19456 KiB and t>=2")
    ok(not any(PW in h for h in hashes), "no clear password in the users table")
    return c


def test_login_logout(srv):
    c = srv.client()
    is_(c.login(DEMO_CITIZEN[0], "not-the-password"), 401, "wrong password: 401")
    like(c.last.text, "Wrong email, phone or password", "with a message")
    ok(c.cookie("majlis_session") is None, "and no session")
    is_(c.login("CITIZEN@example.org ", DEMO_CITIZEN[1]), 303, "citizen logs in (email case and spaces ignored)")
    tok = c.cookie("majlis_session")
    ok(tok and re.fullmatch(r"[0-9a-f]{64}", tok), "session cookie holds a 64-hex token")
    hashes = [h for (h,) in db_rows(srv, "SELECT token_hash FROM sessions")]
    ok(tok not in hashes, "the database does not hold the cookie's token")
    want = hashlib.blake2b((tok or "").encode(), digest_size=32).hexdigest()
    ok(want in hashes, "it holds its BLAKE2b hash (token_hash differs from the cookie)")
    r = c.get("/account")
    is_(r.status, 200, "account page with the session")
    r = c.post_form("/logout", {}, page=r)
    is_(r.status, 303, "log out: 303")
    sc = set_cookies(r, "majlis_session")
    ok(sc and "Max-Age=0" in sc[0], "log out clears the cookie")
    is_(db_rows(srv, "SELECT count(*) FROM sessions WHERE token_hash = ?", (want,)), [(0,)],
        "log out deletes the session row")
    r = c.get("/account")
    is_(r.status, 303, "after log out /account redirects")
    # replaying the old cookie does not work either
    r2 = srv.client().get("/account", headers={"Cookie": "majlis_session=%s" % tok})
    is_(r2.status, 303, "the old session token is dead")


def test_password_change(srv):
    a = srv.client()
    b = srv.client()
    is_(a.login("amina@example.net", PW), 303, "amina logs in (client A)")
    is_(b.login("amina@example.net", PW), 303, "amina logs in again (client B)")
    page = a.get("/account")
    r = a.post_form("/account/password", {"current": "wrong-current-pw", "password": "new-amina-pass-1",
                                          "password2": "new-amina-pass-1"}, page=page)
    is_(r.status, 422, "wrong current password: 422")
    like(r.text, "Le mot de passe actuel est incorrect", "message in the account language (fr)")
    is_(b.get("/account").status, 200, "a refused change leaves other sessions alone")
    r = a.post_form("/account/password", {"current": PW, "password": "new-amina-pass-1",
                                          "password2": "other-amina-pass"}, page=page)
    is_(r.status, 422, "new password mismatch: 422")
    r = a.post_form("/account/password", {"current": PW, "password": "new-amina-pass-1",
                                          "password2": "new-amina-pass-1"}, page=page)
    is_(r.status, 200, "password changed")
    like(r.text, "vos autres sessions ont été fermées", "with a notice")
    is_(a.get("/account").status, 200, "the session that changed it lives on")
    r = b.get("/account")
    is_(r.status, 303, "the other session ended")
    c = srv.client()
    is_(c.login("amina@example.net", PW), 401, "old password refused")
    is_(c.login("amina@example.net", "new-amina-pass-1"), 303, "new password accepted")


def test_language(srv):
    c = srv.client()
    is_(c.login(DEMO_CITIZEN[0], DEMO_CITIZEN[1]), 303, "citizen logs in")
    r = c.get("/account", headers={"Accept-Language": "fr"})
    like(r.text, r'<html lang="ar" dir="rtl"', "the citizen's account language (ar) wins over Accept-Language")
    r = c.post_form("/account/lang", {"lang": "en"}, page=r)
    is_(r.status, 303, "choose English: 303")
    r = c.post_form("/account/lang", {"lang": "xx"})
    is_(r.status, 422, "unknown language: 422")
    fresh = srv.client()
    is_(fresh.login(DEMO_CITIZEN[0], DEMO_CITIZEN[1]), 303, "log in from another client")
    for path in ("/account", "/"):
        r = fresh.get(path, headers={"Accept-Language": "ar"})
        like(r.text, r'<html lang="en" dir="ltr"', "%s shown in the stored language (en)" % path)
    page = fresh.get("/account")
    r = fresh.post_form("/account/lang", {"lang": "ar"}, page=page)
    r = fresh.get("/account", headers={"Accept-Language": "en"})
    like(r.text, r'<html lang="ar" dir="rtl"', "back to Arabic: dir=rtl")
    like(r.text, "حسابي", "Arabic title")
    is_(db_rows(srv, "SELECT lang FROM users WHERE email = ?", (DEMO_CITIZEN[0],)), [("ar",)], "stored in the users row")


def test_https_cookie():
    with Server(env={"MAJLIS_BASE_URL": "https://majlis.example.org"}) as srv:
        c = srv.client()
        r = c.get("/login")
        csrf_line = set_cookies(r, "majlis_csrf")
        ok(csrf_line and "Secure" in csrf_line[0], "https base URL: csrf cookie is Secure")
        csrf_cookie = cookie_attrs(csrf_line[0])[0] if csrf_line else ""
        body = urllib.parse.urlencode({"email": DEMO_CITIZEN[0], "password": DEMO_CITIZEN[1],
                                       "csrf": csrf_from(r.body) or ""})
        r = c.request("POST", "/login", data=body, headers={
            "Cookie": csrf_cookie, "Content-Type": "application/x-www-form-urlencoded"})
        is_(r.status, 303, "log in (cookie sent by hand: the jar keeps Secure cookies for https)")
        sc = set_cookies(r, "majlis_session")
        ok(sc, "session cookie set")
        if sc:
            attrs = cookie_attrs(sc[0])[1]
            ok("secure" in attrs, "session cookie is Secure")
            ok("httponly" in attrs and attrs.get("samesite") == "Lax", "and still HttpOnly, SameSite=Lax")


def main():
    with Server() as srv:
        test_signup(srv)
        test_login_logout(srv)
        test_password_change(srv)
        test_language(srv)
        ok(not re.search(r"amina-secret-2026|new-amina-pass-1", srv.log()), "no password in the server log")
        aid = db_rows(srv, "SELECT id FROM users WHERE email = 'amina@example.net'")[0][0]
        is_(db_rows(srv, "SELECT actor, actor_id, object_id FROM audit_log WHERE action = 'signup' AND object_id = ?",
                    (aid,)), [("amina@example.net", aid, aid)], "audit: the sign-up names the new account as actor")
        ok(("+212612345678",) in db_rows(srv, "SELECT actor FROM audit_log WHERE action = 'signup'"),
           "audit: a phone sign-up names the phone")
        ok(db_rows(srv, "SELECT count(*) FROM audit_log WHERE action = 'login' AND actor = 'amina@example.net' "
                        "AND actor_id = ?", (aid,))[0][0] >= 2, "audit: logins name who logged in")
        is_(db_rows(srv, "SELECT count(*) FROM audit_log WHERE action = 'password.change' AND actor_id = ?", (aid,)),
            [(1,)], "audit: the password change")
        ok(db_rows(srv, "SELECT count(*) FROM audit_log WHERE action = 'login.failed'")[0][0] >= 2,
           "audit: failed logins")
    test_https_cookie()


run(main)
