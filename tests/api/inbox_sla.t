#!/usr/bin/python3
"""Response-time targets end to end: an admin sets a target through /admin/sla
on a 24/7 clock, a new request misses it, and within a few worker ticks the
request is flagged overdue in the inbox, its priority rises one step, and the
department's admin receives exactly one escalation email."""
import os
import re
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from majlis import Server, ok, is_, like, diag, run  # noqa: E402
from smtpsink import SmtpSink  # noqa: E402

AGENT = ("agent@example.org", "majlis-agent-2026")
ADMIN = ("admin@example.org", "majlis-admin-2026")


def q(srv, sql, args=()):
    con = sqlite3.connect(srv.db, timeout=10)
    try:
        rows = con.execute(sql, args).fetchall()
        con.commit()
        return rows
    finally:
        con.close()


def add_user(srv, email, name, password, *extra):
    cmd = [srv.binary, "user", "add", "--db", srv.db, "--email", email, "--name", name] + list(extra)
    cp = subprocess.run(cmd, input=(password + "\n").encode(), env=srv._env(), cwd=srv.dir,
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    if cp.returncode != 0:
        raise RuntimeError("user add failed: %s" % cp.stderr.decode())


def main():
    sink = SmtpSink().start()
    env = {"MAJLIS_SMTP_URL": sink.url, "MAJLIS_JOB_RETRY_BASE": "1", "MAJLIS_TICK_INTERVAL": "1"}
    try:
        with Server(env=env) as srv:
            add_user(srv, "water.chief@example.org", "Chef Eau", "water-chief-pass-1", "--lang", "fr",
                     "--role", "admin", "--dept", "water")
            cat = q(srv, "SELECT id FROM req_categories WHERE code = 'water-leak'")[0][0]
            adm = srv.client()
            is_(adm.login(*ADMIN), 303, "site admin logs in")
            page = adm.get("/admin/sla?category=%d" % cat)
            is_(page.status, 200, "SLA form for water-leak")
            fields = {"category": str(cat)}
            for p in ("low", "normal", "high", "urgent"):
                fields.update({"first_%s" % p: "8", "next_%s" % p: "8", "resolution_%s" % p: "40",
                               "clock_%s" % p: "business", "raise_%s" % p: "1"})
            fields.update({"first_normal": "0.01", "next_normal": "", "resolution_normal": "2", "clock_normal": "247"})
            r = adm.post_form("/admin/sla", dict(fields, first_normal="0"), page=page)
            is_(r.status, 422, "a zero target is refused (the smallest is 0.01 h)")
            r = adm.post_form("/admin/sla", fields, page=page)
            is_(r.status, 303, "targets saved through the form")
            is_(q(srv, "SELECT first_response, next_response, resolution, business_hours, raise_priority FROM req_sla "
                       "WHERE category_id = ? AND priority = 'normal'", (cat,))[0], (36, None, 7200, 0, 1),
                "normal: 36 s first response, no next-response target, 2 h resolution, 24/7, raise on breach")
            # 36 s is the smallest the form takes; the test shortens it to 2 s in the database.
            q(srv, "UPDATE req_sla SET first_response = 2 WHERE category_id = ? AND priority = 'normal'", (cat,))

            base = len(sink.wait(4, timeout=10))
            time.sleep(1)
            base = len(sink.messages)
            r = srv.client().request("POST", "/api/v1/requests", json={
                "kind": "report", "category": "water-leak", "description": "Leak near the mosque, water everywhere.",
                "contact_email": "late@example.org", "lang": "en", "attributes": {"where": "street"}})
            now = int(time.time())
            if r.status != 201:
                diag("JSON API answered %d; writing the request and its clock to the database" % r.status)
                dept = q(srv, "SELECT dept_id FROM req_categories WHERE id = ?", (cat,))[0][0]
                q(srv, "INSERT INTO requests(ref, category_id, dept_id, kind, channel, status, priority, description, lang,"
                       " public, contact_email, due_sort, created_at, updated_at) VALUES"
                       " ('R-LATE234', ?, ?, 'report', 'web', 'new', 'normal', 'Leak near the mosque', 'en', 1,"
                       " 'late@example.org', ?, ?, ?)", (cat, dept, now + 2, now, now))
                rid = q(srv, "SELECT id FROM requests WHERE ref = 'R-LATE234'")[0][0]
                q(srv, "INSERT INTO request_clocks(request_id, target, state, budget, used, running_since, business_hours,"
                       " due_at) VALUES (?, 'first_response', 'running', 2, 0, ?, 0, ?)", (rid, now, now + 2))
            rid, ref = q(srv, "SELECT id, ref FROM requests WHERE contact_email = 'late@example.org'")[0]
            due = q(srv, "SELECT due_at, business_hours FROM request_clocks WHERE request_id = ? AND target = 'first_response'",
                    (rid,))[0]
            ok(due[0] is not None and due[0] - now <= 3 and due[1] == 0, "its first-response clock runs 24/7, due in ~2 s")

            deadline = time.time() + 20
            while time.time() < deadline and not q(srv, "SELECT overdue FROM requests WHERE id = ?", (rid,))[0][0]:
                time.sleep(0.3)
            is_(q(srv, "SELECT overdue FROM requests WHERE id = ?", (rid,))[0][0], 1, "the request is flagged overdue")
            is_(q(srv, "SELECT priority FROM requests WHERE id = ?", (rid,))[0][0], "high", "its priority rose one step")
            is_(q(srv, "SELECT count(*) FROM request_clock_events WHERE request_id = ? AND event = 'breached'", (rid,))[0][0],
                1, "one breach recorded")

            ag = srv.client()
            ag.login(*AGENT)
            r = ag.get("/staff/requests")
            like(r.text, r'<tr id="r-%s" data-ref="%s" class="overdue">' % (ref, ref), "the inbox marks the row overdue")
            r = ag.get("/staff/requests?overdue=1")
            ok(ref in r.text, "the overdue filter lists it")
            r = ag.get("/staff/requests/%d" % rid)
            like(r.text, r'id="overdue"', "the request page shows the overdue flag")
            like(r.text, r'class="event ev-breach internal"', "the breach is in the history, staff only")
            like(r.text, r'<tr class="clock-running overdue">', "the missed clock is marked")

            msgs = sink.wait(base + 2, timeout=15)  # receipt to the citizen + escalation
            time.sleep(4)  # a few more ticks: the breach must not be reported again
            esc = [m for m in sink.messages[base:] if "water.chief@example.org" in str(m["To"])]
            is_(len(esc), 1, "exactly one escalation email to the department's admin")
            if esc:
                like(str(esc[0]["Subject"]), re.escape(ref), "it names the request")
                part = esc[0].get_body(preferencelist=("plain",))
                like(part.get_content() if part else "", r"/staff/requests/%d" % rid, "and links to its staff page")
            ok(not [m for m in sink.messages[base:] if "agent@example.org" == str(m["To"])],
               "agents are not escalated to")
    finally:
        sink.stop()


run(main)
