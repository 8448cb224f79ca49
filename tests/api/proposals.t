#!/usr/bin/python3
"""Proposals: department spaces (open/closed, threshold, deadline), submission
through the participation gate, one support per account held by the database,
no support of one's own proposal, withdrawal while open only, the threshold
email sent once (SMTP sink), official answers by staff only (and emailed to the
author and supporters), hidden proposals, list filters, Markdown safety, pages
in Arabic, rate limits."""
import os
import re
import sqlite3
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from majlis import Server, ok, is_, like, diag, run, DEMO_EDITOR, DEMO_CITIZEN, DEMO_ADMIN  # noqa: E402
from smtpsink import SmtpSink  # noqa: E402

PW = "correct-horse-battery-9"


def api(c, method, path, body=None):
    if c.last_csrf is None:
        c.get("/proposals")
    return c.request(method, path, json=body, headers={"X-CSRF-Token": c.last_csrf or ""})


def q(srv, sql, *args):
    with sqlite3.connect(srv.db) as con:
        return con.execute(sql, args).fetchone()[0]


def signup(srv, email):
    c = srv.client()
    page = c.get("/signup")
    c.post_form("/signup", {"name": email.split("@")[0], "email": email, "password": PW, "password2": PW, "lang": "en"}, page=page)
    c2 = srv.client()
    is_(c2.login(email, PW), 303, "%s signs up and logs in" % email)
    return c2


def subjects(sink, word):
    return [m for m in sink.messages if word in str(m["Subject"])]


def wait_subjects(sink, word, n, timeout=15):
    end = time.time() + timeout
    while time.time() < end and len(subjects(sink, word)) < n:
        time.sleep(0.1)
    return subjects(sink, word)


def main():
    with SmtpSink() as sink:
        env = {"MAJLIS_SMTP_URL": sink.url, "MAJLIS_JOB_RETRY_BASE": "1"}
        with Server(env=env) as srv:
            body(srv, sink)


def body(srv, sink):
    ed = srv.client()
    is_(ed.login(*DEMO_EDITOR), 303, "editor logs in")
    cit = srv.client()
    is_(cit.login(*DEMO_CITIZEN), 303, "citizen logs in")
    u2 = signup(srv, "u2@example.net")
    u3 = signup(srv, "u3@example.net")

    demo_count = q(srv, "SELECT count(*) FROM proposals")  # the demo content has its own

    # spaces
    r = api(cit, "PUT", "/api/v1/proposal-spaces/roads", {"open": True, "threshold": 2})
    is_(r.status, 403, "a citizen cannot open a proposal space")
    r = api(ed, "PUT", "/api/v1/proposal-spaces/roads", {"open": True, "threshold": 2})
    is_(r.status, 200, "the roads editor opens the roads space with a threshold of 2")
    is_(r.json()["threshold"], 2, "threshold saved")
    r = api(ed, "PUT", "/api/v1/proposal-spaces/roads", {"open": True, "threshold": -1})
    is_(r.status, 422, "a negative threshold is refused")
    r = api(ed, "PUT", "/api/v1/proposal-spaces/water", {"open": True})
    ok(r.status in (403, 404), "the roads editor cannot open another department's space")

    # submission
    r = api(cit, "POST", "/api/v1/proposals", {"title": "Plant trees", "body": "Along the avenue.", "department": "culture"})
    is_((r.status, r.json()["error"]["code"]), (422, "space_closed"), "submitting in a closed space is refused")
    r = api(cit, "POST", "/api/v1/proposals", {"title": "", "body": "x", "department": "roads"})
    is_(r.status, 422, "an empty title is refused")
    ok("title" in r.json()["error"]["fields"], "the error names the title")
    r = api(cit, "POST", "/api/v1/proposals", {"title": "Bike lanes", "body": "x", "department": "roads", "colour": "red"})
    is_(r.status, 400, "an unknown field is refused")
    is_(q(srv, "SELECT count(*) FROM proposals"), demo_count, "nothing written by refused submissions")
    r = api(cit, "POST", "/api/v1/proposals", {"title": "Bike lanes on the avenue",
                                               "body": "We need **safe** lanes. <script>alert(1)</script>", "department": "roads"})
    is_(r.status, 201, "the citizen submits a proposal in the roads space")
    p = r.json()
    pid = p["id"]
    is_((p["threshold"], p["supports"], p["state"]), (2, 0, "open"), "threshold copied, no supports, open")
    ok("<script>" not in p["body_html"] and "<strong>safe</strong>" in p["body_html"], "Markdown rendered safely")
    page = cit.get("/proposals/%d" % pid)
    ok("<script>alert" not in page.text, "no script on the page")

    # supports
    r = api(cit, "POST", "/api/v1/proposals/%d/support" % pid)
    is_((r.status, r.json()["error"]["code"]), (409, "own"), "supporting one's own proposal is refused")
    r = api(u2, "POST", "/api/v1/proposals/%d/support" % pid)
    is_((r.status, r.json()["supports"]), (200, 1), "u2 supports: 1")
    r = api(u2, "POST", "/api/v1/proposals/%d/support" % pid)
    is_((r.status, r.json()["error"]["code"]), (409, "already_supported"), "a second support is refused")
    is_(q(srv, "SELECT supports FROM proposals WHERE id = ?", pid), 1, "counter unchanged")
    is_(q(srv, "SELECT count(*) FROM proposal_supports WHERE proposal_id = ?", pid), 1, "one support row")
    try:
        with sqlite3.connect(srv.db) as con:
            uid2 = con.execute("SELECT id FROM users WHERE email = 'u2@example.net'").fetchone()[0]
            con.execute("INSERT INTO proposal_supports(proposal_id, user_id, created_at) VALUES (?, ?, 0)", (pid, uid2))
        ok(False, "the database refuses a duplicate support")
    except sqlite3.IntegrityError:
        ok(True, "the database refuses a duplicate support (primary key)")
    r = api(u2, "DELETE", "/api/v1/proposals/%d/support" % pid)
    is_((r.status, r.json()["supports"]), (200, 0), "u2 withdraws: 0")
    r = api(u2, "DELETE", "/api/v1/proposals/%d/support" % pid)
    is_((r.status, r.json()["error"]["code"]), (409, "not_supported"), "withdrawing twice is refused")
    page = u2.get("/proposals/%d" % pid)
    r = u2.post_form("/proposals/%d/support" % pid, {}, page=page)
    is_(r.status, 303, "u2 supports again with the form")
    r = api(u3, "POST", "/api/v1/proposals/%d/support" % pid)
    is_((r.status, r.json()["supports"], r.json()["state"]), (200, 2, "threshold"), "u3 supports: threshold reached")
    th = wait_subjects(sink, "Bike lanes", 1)
    is_(len(th), 1, "one threshold email")
    if th:
        is_(sink.envelopes[sink.messages.index(th[0])][1], ["editor@example.org"], "sent to the department's editor")
    # crossing again does not send again
    api(u3, "DELETE", "/api/v1/proposals/%d/support" % pid)
    api(u3, "POST", "/api/v1/proposals/%d/support" % pid)
    time.sleep(2)
    is_(len(subjects(sink, "Bike lanes")), 1, "the threshold email is sent once only")
    is_(q(srv, "SELECT count(*) FROM jobs WHERE key LIKE ?", "prop-threshold:%d:%%" % pid), 1, "one threshold job")

    # official answer
    r = api(cit, "POST", "/api/v1/proposals/%d/answer" % pid, {"status": "accepted", "text": "ok"})
    is_(r.status, 403, "a citizen cannot answer officially (API)")
    page = ed.get("/proposals/%d" % pid)
    like(page.text, 'action="/staff/proposals/%d/answer"' % pid, "the editor sees the answer form")
    ok('/staff/proposals/%d/answer' % pid not in cit.get("/proposals/%d" % pid).text, "the citizen does not")
    r = cit.post_form("/staff/proposals/%d/answer" % pid, {"answer": "accepted", "text": "ok"}, page=cit.get("/proposals/%d" % pid))
    is_(r.status, 403, "a citizen cannot answer officially (form)")
    r = api(ed, "POST", "/api/v1/proposals/%d/answer" % pid, {"status": "maybe", "text": "x"})
    is_(r.status, 422, "an unknown answer is refused")
    r = ed.post_form("/staff/proposals/%d/answer" % pid, {"answer": "rejected", "text": ""}, page=page)
    is_(r.status, 422, "a rejection without reasons is refused")
    like(r.text, 'class="err"', "with the error next to the field")
    r = ed.post_form("/staff/proposals/%d/answer" % pid, {"answer": "rejected", "text": "The avenue is too narrow; see the mobility plan."},
                     page=page)
    is_(r.status, 303, "the editor rejects with reasons")
    j = api(u2, "GET", "/api/v1/proposals/%d" % pid).json()
    is_((j["answer"]["status"], j["state"], j["open"]), ("rejected", "rejected", False), "the answer is visible; closed")
    like(u3.get("/proposals/%d" % pid).text, "too narrow", "supporters see the answer on the page")
    ans = wait_subjects(sink, "Bike lanes", 4)[1:]
    got = sorted(sink.envelopes[sink.messages.index(m)][1][0] for m in ans)
    is_(got, ["citizen@example.org", "u2@example.net", "u3@example.net"], "the author and supporters are emailed")
    r = api(u2, "DELETE", "/api/v1/proposals/%d/support" % pid)
    is_((r.status, r.json()["error"]["code"]), (409, "closed"), "withdrawing after the final answer is refused")
    is_(q(srv, "SELECT supports FROM proposals WHERE id = ?", pid), 2, "count unchanged")
    is_(q(srv, "SELECT count(*) FROM audit_log WHERE action = 'proposal.answer'"), 1, "the answer is audited")

    # deadline
    soon = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3))
    r = api(ed, "PUT", "/api/v1/proposal-spaces/roads", {"open": True, "threshold": 5, "deadline": soon})
    is_(r.status, 200, "a deadline three seconds away")
    r = api(cit, "POST", "/api/v1/proposals", {"title": "Night buses", "body": "Please.", "department": "roads"})
    is_(r.status, 201, "submitted before the deadline")
    p2 = r.json()["id"]
    is_(api(u2, "POST", "/api/v1/proposals/%d/support" % p2).status, 200, "supported before the deadline")
    time.sleep(3.5)
    r = api(u2, "DELETE", "/api/v1/proposals/%d/support" % p2)
    is_((r.status, r.json()["error"]["code"]), (409, "closed"), "withdrawing after the deadline is refused")
    r = api(u3, "POST", "/api/v1/proposals/%d/support" % p2)
    is_((r.status, r.json()["error"]["code"]), (409, "closed"), "supporting after the deadline is refused")
    r = api(cit, "POST", "/api/v1/proposals", {"title": "Late", "body": "x", "department": "roads"})
    is_((r.status, r.json()["error"]["code"]), (422, "space_closed"), "submitting after the space's deadline is refused")
    api(ed, "PUT", "/api/v1/proposal-spaces/roads", {"open": True, "threshold": 0})

    # list, filters, paging
    r = api(cit, "GET", "/api/v1/proposals?dept=roads&status=rejected")
    is_([x["id"] for x in r.json()["items"]], [pid], "filter by status")
    r = api(cit, "GET", "/api/v1/proposals?sort=top")
    sup = [x["supports"] for x in r.json()["items"]]
    ok(sup == sorted(sup, reverse=True) and pid in [x["id"] for x in r.json()["items"]], "most supported first")
    is_(api(cit, "GET", "/api/v1/proposals?status=bogus").status, 400, "an unknown status is refused")
    is_(cit.get("/proposals?page=0").status, 400, "page 0 is refused")
    like(srv.client().get("/proposals?dept=roads").text, "Bike lanes", "the public list shows the proposal")

    # hidden (moderation target)
    with sqlite3.connect(srv.db) as con:
        con.execute("UPDATE proposals SET hidden = 1 WHERE id = ?", (p2,))
    anon = srv.client()
    is_(anon.get("/proposals/%d?x=1" % p2).status, 404, "a hidden proposal is not public")
    ok("Night buses" not in anon.get("/proposals?x=2").text, "nor listed")
    is_(cit.get("/proposals/%d" % p2).status, 200, "its author still sees it")

    # Arabic page
    r = anon.get("/proposals/%d?lang=ar" % pid)
    like(r.text, '<html lang="ar" dir="rtl"', "the Arabic page is rtl")

    # form submission with an error shown next to the field
    page = cit.get("/proposals/new?dept=roads")
    is_(page.status, 200, "the submit form")
    r = cit.post_form("/proposals", {"dept": "roads", "title": "", "body": "text"}, page=page)
    is_(r.status, 422, "form: empty title refused")
    like(r.text, 'id="e-title"', "the error sits next to the title")

    # rate limit on supports
    r = api(cit, "POST", "/api/v1/proposals", {"title": "Benches", "body": "More benches.", "department": "roads"})
    p3 = r.json()["id"]
    hit = None
    for i in range(40):
        r = api(u3, "POST" if i % 2 == 0 else "DELETE", "/api/v1/proposals/%d/support" % p3)
        if r.status == 429:
            hit = r
            break
    ok(hit is not None, "many supports in a minute hit the rate limit (429)")
    if hit:
        ok(hit.header("Retry-After"), "with Retry-After")
        like(hit.json()["error"]["message"], "(?i)wait", "and a clear message")


run(main)
