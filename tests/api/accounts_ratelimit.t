#!/usr/bin/python3
# Rate limits on accounts: repeated failed logins for one account end in 429
# with "try again in N minutes" in the reader's language and Retry-After; the
# limit is per account (others still log in); sign-ups are limited per IP.
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from majlis import DEMO_ADMIN, DEMO_CITIZEN, Server, diag, is_, like, ok, run  # noqa: E402

LOGIN_ACCT_MAX = 8      # src/features/accounts/pages.c
SIGNUP_IP_MAX = 10


def test_login_limit():
    with Server() as srv:
        c = srv.client()
        statuses = [c.login(DEMO_CITIZEN[0], "wrong-password-%d" % i) for i in range(LOGIN_ACCT_MAX)]
        is_(statuses, [401] * LOGIN_ACCT_MAX, "%d wrong passwords: 401 each" % LOGIN_ACCT_MAX)
        st = c.login(DEMO_CITIZEN[0], "wrong-password-x")
        is_(st, 429, "the next attempt: 429")
        r = c.last
        like(r.text, r"Try again in 15 minutes", "English: 'Try again in 15 minutes'")
        ra = r.header("Retry-After")
        ok(ra is not None and ra.isdigit() and 800 <= int(ra) <= 900, "Retry-After in seconds (%s)" % ra)
        ok("wrong-password-x" not in r.text, "password not echoed on the 429 page")
        like(r.text, r'value="citizen@example.org"', "typed login kept")

        # the reader's language
        for lang, text in (("ar", "حاول مجددا بعد 15 دقيقة"), ("fr", "Réessayez dans 15 minutes")):
            page = c.get("/login", headers={"Accept-Language": lang})
            r = c.post_form("/login", {"email": DEMO_CITIZEN[0], "password": "x-wrong-pass"}, page=page,
                            headers={"Accept-Language": lang})
            is_(r.status, 429, "[%s] still 429" % lang)
            ok(text in r.text, "[%s] 'try again in N minutes' in the reader's language" % lang)
            if lang == "ar":
                like(r.text, r'dir="rtl"', "[ar] right-to-left page")

        # even the right password is refused while limited
        d = srv.client()
        is_(d.login(DEMO_CITIZEN[0], DEMO_CITIZEN[1]), 429, "right password also refused while limited")
        ok(d.cookie("majlis_session") is None, "no session")
        # the same account written differently is the same account
        is_(d.login("  Citizen@Example.ORG", DEMO_CITIZEN[1]), 429, "the limit keys on the normalised login")
        # other accounts are not affected
        e = srv.client()
        is_(e.login(DEMO_ADMIN[0], DEMO_ADMIN[1]), 303, "another account still logs in")
        # the limit also holds for accounts that do not exist (no enumeration)
        f = srv.client()
        sts = [f.login("ghost@example.org", "whatever-pass-%d" % i) for i in range(LOGIN_ACCT_MAX + 1)]
        is_(sts[-1], 429, "unknown accounts are limited the same way")
        is_(sorted(set(sts[:-1])), [401], "and answer 401 before that, like a wrong password")


def test_signup_limit():
    with Server() as srv:
        sts = []
        for i in range(SIGNUP_IP_MAX):
            c = srv.client()
            page = c.get("/signup")
            r = c.post_form("/signup", {"name": "Person %d" % i, "email": "p%d@example.net" % i,
                                        "password": "signup-pass-%04d" % i, "password2": "signup-pass-%04d" % i},
                            page=page)
            sts.append(r.status)
        is_(sts, [303] * SIGNUP_IP_MAX, "%d sign-ups from one IP: 303 each" % SIGNUP_IP_MAX)
        c = srv.client()
        page = c.get("/signup", headers={"Accept-Language": "fr"})
        r = c.post_form("/signup", {"name": "One Too Many", "email": "p-last@example.net",
                                    "password": "signup-pass-last", "password2": "signup-pass-last"},
                        page=page, headers={"Accept-Language": "fr"})
        is_(r.status, 429, "the next sign-up from that IP: 429")
        like(r.text, r"Réessayez dans 60 minutes", "French message with the minutes left")
        ra = r.header("Retry-After")
        ok(ra is not None and ra.isdigit() and 3500 <= int(ra) <= 3600, "Retry-After about an hour (%s)" % ra)
        out = srv.run_cli("user", "list", "--db", srv.db).stdout
        ok("p-last@example.net" not in out, "no account created")
        ok("p9@example.net" in out, "the earlier ones exist")


def main():
    test_login_limit()
    test_signup_limit()


run(main)
