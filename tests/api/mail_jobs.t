#!/usr/bin/python3
"""Password reset by email through the durable job queue, against a real SMTP
server (aiosmtpd): the email arrives in the account's language, the link works
once, and while the relay is down jobs retry — across a server restart — and
every email is delivered exactly once when it comes back."""
import os
import re
import sqlite3
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from majlis import Server, ok, is_, like, diag, run  # noqa: E402
from smtpsink import SmtpSink  # noqa: E402


def body_of(msg):
    part = msg.get_body(preferencelist=("plain",))
    return part.get_content() if part else ""


def link_in(msg):
    m = re.search(r"(http://127\.0\.0\.1:\d+/password/reset\?token=[0-9a-f]{64})", body_of(msg))
    return m.group(1) if m else None


def jobs(db, status):
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT count(*) FROM jobs WHERE status = ? AND key LIKE 'reset:%'", (status,)).fetchone()[0]
    finally:
        con.close()


def main():
    sink = SmtpSink().start()
    env = {"MAJLIS_SMTP_URL": sink.url, "MAJLIS_JOB_RETRY_BASE": "1", "MAJLIS_MAIL_FROM": "noreply@city.example"}
    try:
        with Server(env=env) as srv:
            c = srv.client()
            st = c.get("/password/forgot").status
            is_(st, 200, "forgot-password form")
            r = c.post_form("/password/forgot", {"email": "citizen@example.org"})
            is_(r.status, 200, "reset asked for an existing account")
            r2 = c.post_form("/password/forgot", {"email": "nobody@example.org"}, page=c.get("/password/forgot").text)
            is_(r2.status, 200, "same answer for an unknown account")
            ok(r.text.count("notice ok") == 1 and r2.text.count("notice ok") == 1, "both answers say the same thing")
            # (the demo requests send their own receipts too: look at reset emails only)
            def resets():
                return [m for m in sink.messages if "/password/reset?token=" in body_of(m)]
            deadline = time.time() + 15
            while time.time() < deadline and not resets():
                time.sleep(0.05)
            time.sleep(0.5)
            msgs = resets()
            is_(len(msgs), 1, "exactly one reset email arrived (none for the unknown account)")
            m = msgs[0]
            is_(m["To"], "citizen@example.org", "sent to the account's address")
            is_(str(m["Subject"]), "اختر كلمة مرور جديدة", "subject in the account's language (ar)")
            ok(m.get_body(preferencelist=("html",)) is not None, "has an HTML part too")
            like(m.get_body(preferencelist=("html",)).get_content(), r'dir="rtl"', "Arabic HTML part is right-to-left")
            link = link_in(m)
            ok(link is not None, "email holds a reset link")
            path = link[link.index("/password"):]
            form = c.get(path)
            is_(form.status, 200, "reset link opens the form")
            r = c.post_form("/password/reset", {"token": path.split("=")[1], "password": "short", "password2": "short"},
                            page=form.text)
            is_(r.status, 422, "short password refused on the reset form")
            form = c.get(path)
            r = c.post_form("/password/reset", {"token": path.split("=")[1], "password": "a-brand-new-pass",
                                                "password2": "a-brand-new-pass"}, page=form.text)
            is_(r.status, 200, "new password set")
            is_(c.get(path).status, 400, "the link works only once")
            c2 = srv.client()
            is_(c2.login("citizen@example.org", "majlis-citizen-2026"), 401, "old password no longer works")
            is_(srv.client().login("citizen@example.org", "a-brand-new-pass"), 303, "new password works")

            # Relay down: emails wait and retry; the server restarts; nothing is lost or doubled.
            sink.stop()
            before = len(resets())
            for who in ("admin@example.org", "editor@example.org"):
                cl = srv.client()
                cl.get("/password/forgot")
                is_(cl.post_form("/password/forgot", {"email": who}).status, 200, "reset asked for %s while relay is down" % who)
            deadline = time.time() + 10
            while time.time() < deadline:
                con = sqlite3.connect(srv.db)
                retried = con.execute("SELECT count(*) FROM jobs WHERE kind='email' AND key LIKE 'reset:%' AND status='queued' "
                                      "AND attempts >= 1 AND last_error LIKE 'smtp:%'").fetchone()[0]
                con.close()
                if retried >= 2:
                    break
                time.sleep(0.2)
            is_(retried, 2, "both email jobs failed once and wait for a retry with the SMTP error recorded")
            srv._stop(report=False)
            ok(srv._start(), "server restarted on the same database")
            sink.start()
            deadline = time.time() + 30
            while time.time() < deadline and len(resets()) < before + 2:
                time.sleep(0.1)
            time.sleep(1.5)  # would a duplicate come?
            got = [m["To"] for m in resets()[before:]]
            is_(sorted(got), ["admin@example.org", "editor@example.org"], "each queued email delivered exactly once after the relay came back")
            is_(jobs(srv.db, "done"), 3, "three reset email jobs done")
            con = sqlite3.connect(srv.db)
            dead = con.execute("SELECT count(*) FROM jobs WHERE status = 'dead'").fetchone()[0]
            con.close()
            is_(dead, 0, "no dead jobs at all")
            a = srv.client()
            a.login("admin@example.org", "majlis-admin-2026")
            jp = a.get("/admin/jobs")
            is_(jp.status, 200, "admin sees the job queue page")
    finally:
        sink.stop()


run(main)
