#!/usr/bin/python3
"""Polls: creation by staff, one ballot per account held by the database,
changeable ballots, choices out of range, closing, hidden results, verified-only
eligibility, rate limits, results as HTML (SVG), JSON and CSV."""
import csv
import io
import os
import re
import sqlite3
import sys
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from majlis import Server, ok, is_, like, diag, run, DEMO_EDITOR, DEMO_CITIZEN  # noqa: E402


def api(c, method, path, body=None):
    if c.last_csrf is None:
        c.get("/polls")
    return c.request(method, path, json=body, headers={"X-CSRF-Token": c.last_csrf or ""})


def create(c, **kw):
    body = {"question": "Q?", "department": "roads", "options": ["Yes", "No", "Maybe"]}
    body.update(kw)
    r = api(c, "POST", "/api/v1/polls", body)
    if not is_(r.status, 201, "poll created: " + body["question"]):
        diag(r.text)
        return None
    return r.json()


def user_id(db, email):
    with sqlite3.connect(db) as con:
        return con.execute("SELECT id FROM users WHERE email = ?", (email,)).fetchone()[0]


def count(db, sql, *args):
    with sqlite3.connect(db) as con:
        return con.execute(sql, args).fetchone()[0]


def main():
    with Server() as srv:
        ed = srv.client()
        is_(ed.login(*DEMO_EDITOR), 303, "editor logs in")
        cit = srv.client()
        is_(cit.login(*DEMO_CITIZEN), 303, "citizen logs in")
        cid = user_id(srv.db, DEMO_CITIZEN[0])

        # citizens cannot create polls
        r = api(cit, "POST", "/api/v1/polls", {"question": "x", "department": "roads", "options": ["a", "b"]})
        is_(r.status, 403, "a citizen cannot create a poll")
        r = api(ed, "POST", "/api/v1/polls", {"question": "x", "department": "roads", "options": ["a"]})
        is_(r.status, 422, "one option only is refused")
        ok("options" in r.json()["error"].get("fields", {}), "the error names the options field")

        p = create(ed, question="Repave the main road first?")
        pid = p["id"]
        yes, no, maybe = [o["id"] for o in p["options"]]

        # vote with the form
        page = cit.get("/polls/%d" % pid)
        like(page.text, r'type="radio" name="option"', "the poll page shows radio buttons")
        r = cit.post_form("/polls/%d/vote" % pid, {"option": str(yes)}, page=page)
        is_(r.status, 303, "the citizen votes (form)")
        # second vote: refused, clearly, count unchanged
        r = api(cit, "POST", "/api/v1/polls/%d/vote" % pid, {"options": [no]})
        is_(r.status, 409, "a second vote is refused (409)")
        is_(r.json()["error"]["code"], "already_voted", "with code already_voted")
        like(r.json()["error"]["message"], "already voted|صوّتَّ من قبل", "and a clear message")
        page = cit.get("/polls/%d" % pid)
        r = cit.post_form("/polls/%d/vote" % pid, {"option": str(no)}, page=page)
        is_(r.status, 409, "a second vote by form is refused too")
        like(r.text, "already voted|صوّتَّ من قبل", "the page says so")
        res = api(cit, "GET", "/api/v1/polls/%d/results" % pid).json()
        is_(res["ballots"], 1, "one ballot counted")
        is_([o["votes"] for o in res["options"]], [1, 0, 0], "counters unchanged by the refused vote")
        is_(count(srv.db, "SELECT count(*) FROM poll_ballots WHERE poll_id = ? AND user_id = ?", pid, cid), 1,
            "one ballot row in the database")
        # the database itself refuses a second ballot row
        try:
            with sqlite3.connect(srv.db) as con:
                con.execute("INSERT INTO poll_ballots(poll_id, user_id, created_at, updated_at) VALUES (?, ?, 0, 0)", (pid, cid))
            ok(False, "the database refuses a duplicate ballot")
        except sqlite3.IntegrityError:
            ok(True, "the database refuses a duplicate ballot (UNIQUE)")

        # bad choices, on a fresh citizen
        other = create(ed, question="Other poll")
        for body, code, name in [({"options": [yes, no]}, "too_many", "two choices on a single-choice poll"),
                                 ({"options": [999999]}, "unknown_option", "an unknown option id"),
                                 ({"options": [other["options"][0]["id"]]}, "unknown_option", "an option of another poll"),
                                 ({"options": ["1"]}, "unknown_option", "a malformed option id"),
                                 ({"options": [yes, yes]}, "unknown_option", "a duplicated option"),
                                 ({"options": []}, "no_choice", "no choice")]:
            r = api(ed, "POST", "/api/v1/polls/%d/vote" % pid, body)
            is_((r.status, r.json()["error"]["code"]), (422, code), "refused: " + name)
        r = api(ed, "POST", "/api/v1/polls/%d/vote" % pid, {"choice": 1})
        is_(r.status, 400, "a malformed body is refused (400)")
        is_(api(ed, "GET", "/api/v1/polls/%d/results" % pid).json()["ballots"], 1, "nothing written by refused votes")

        # multiple choice with a maximum
        m = create(ed, question="Which parks?", kind="multiple", max_choices=2, options=["North", "South", "East", "West"])
        ids = [o["id"] for o in m["options"]]
        r = api(cit, "POST", "/api/v1/polls/%d/vote" % m["id"], {"options": ids[:3]})
        is_((r.status, r.json()["error"]["code"]), (422, "too_many"), "three choices over a maximum of two are refused")
        r = api(cit, "POST", "/api/v1/polls/%d/vote" % m["id"], {"options": ids[:2]})
        is_(r.status, 201, "two choices accepted")
        r = api(ed, "POST", "/api/v1/polls/%d/vote" % m["id"], {"options": [ids[0]]})
        is_(r.status, 201, "the editor votes one choice")
        res = api(cit, "GET", "/api/v1/polls/%d/results" % m["id"]).json()
        is_([o["votes"] for o in res["options"]], [2, 1, 0, 0], "counters per option")
        is_(res["options"][0]["percent"], 100.0, "percentages are of voters")

        # changeable ballot
        ch = create(ed, question="Change me?", changeable=True)
        a, b, _ = [o["id"] for o in ch["options"]]
        is_(api(cit, "POST", "/api/v1/polls/%d/vote" % ch["id"], {"options": [a]}).status, 201, "vote on a changeable poll")
        r = api(cit, "POST", "/api/v1/polls/%d/vote" % ch["id"], {"options": [b]})
        is_(r.status, 200, "the vote is changed")
        res = r.json()["poll"]
        is_((res["ballots"], [o["votes"] for o in res["options"]]), (1, [0, 1, 0]), "counters follow the change")
        is_(api(cit, "GET", "/api/v1/polls/%d" % ch["id"]).json()["my_choices"], [b], "my_choices shows the current ballot")

        # results visible only after closing
        h = create(ed, question="Hidden results?", results_after_close=True)
        is_(api(cit, "POST", "/api/v1/polls/%d/vote" % h["id"], {"options": [h["options"][1]["id"]]}).status, 201, "vote on a hidden-results poll")
        r = api(cit, "GET", "/api/v1/polls/%d/results" % h["id"])
        is_(r.status, 403, "results hidden before closing (API)")
        anon = srv.client()
        is_(anon.get("/polls/%d/results" % h["id"]).status, 403, "results page hidden before closing")
        is_(anon.get("/polls/%d/results.csv" % h["id"]).status, 403, "results CSV hidden before closing")
        g = api(cit, "GET", "/api/v1/polls/%d" % h["id"]).json()
        ok("votes" not in g["options"][0] and "ballots" not in g, "the poll's JSON carries no counts before closing")
        ok("poll-results" not in cit.get("/polls/%d" % h["id"]).text, "the poll page shows no results before closing")
        is_(api(ed, "GET", "/api/v1/polls/%d/results" % h["id"]).status, 200, "staff of the department see them")
        r = api(cit, "POST", "/api/v1/polls/%d/close" % h["id"])
        is_(r.status, 403, "a citizen cannot close a poll")
        r = api(ed, "POST", "/api/v1/polls/%d/close" % h["id"])
        is_(r.status, 200, "the editor closes the poll")
        is_(anon.get("/polls/%d/results" % h["id"]).status, 200, "results public after closing")
        # voting after closing
        r = api(ed, "POST", "/api/v1/polls/%d/vote" % h["id"], {"options": [h["options"][0]["id"]]})
        is_((r.status, r.json()["error"]["code"]), (409, "not_open"), "voting after closing is refused")
        is_(api(ed, "GET", "/api/v1/polls/%d/results" % h["id"]).json()["ballots"], 1, "count unchanged after a late vote")
        # list filters, page and API
        ids = lambda j: [x["id"] for x in j["items"]]
        closed = api(cit, "GET", "/api/v1/polls?state=closed").json()
        ok(h["id"] in ids(closed) and pid not in ids(closed), "?state=closed lists the closed poll, not the open one")
        opened = api(cit, "GET", "/api/v1/polls?state=open&dept=roads").json()
        ok(pid in ids(opened) and h["id"] not in ids(opened), "?state=open&dept=roads lists the open poll only")
        like(anon.get("/polls?state=closed").text, "Hidden results", "the page with ?state=closed lists it too")
        for q in ("state=bogus", "dept=nowhere", "page=0", "page=x"):
            is_(anon.get("/polls?" + q).status, 400, "/polls?%s: 400" % q)
            is_(api(cit, "GET", "/api/v1/polls?" + q).status, 400, "/api/v1/polls?%s: 400" % q)
        # upcoming
        up = create(ed, question="Later?", opens_at="2099-01-01T00:00:00Z")
        r = api(cit, "POST", "/api/v1/polls/%d/vote" % up["id"], {"options": [up["options"][0]["id"]]})
        is_((r.status, r.json()["error"]["code"]), (409, "not_open"), "voting before opening is refused")

        # verified only
        vo = create(ed, question="Verified only?", verified_only=True)
        r = api(cit, "POST", "/api/v1/polls/%d/vote" % vo["id"], {"options": [vo["options"][0]["id"]]})
        is_(r.status, 403, "an unverified account is refused on a verified-only poll")
        like(r.json()["error"]["message"], "(?i)verified|الموثقة", "with a message about verification")
        with sqlite3.connect(srv.db) as con:
            con.execute("INSERT INTO user_verifications(user_id, verified_by, at) VALUES (?, 1, ?)", (cid, int(time.time())))
        r = api(cit, "POST", "/api/v1/polls/%d/vote" % vo["id"], {"options": [vo["options"][0]["id"]]})
        is_(r.status, 201, "once verified, the vote is accepted")

        # anonymous vote
        r = anon.request("POST", "/api/v1/polls/%d/vote" % pid, json={"options": [yes]})
        is_(r.status, 401, "an anonymous vote is refused (401)")

        # CSV, with and without BOM
        for q, bom in (("", False), ("?bom=1", True)):
            r = anon.get("/polls/%d/results.csv%s" % (m["id"], q))
            is_(r.status, 200, "CSV answers" + (" with BOM" if bom else ""))
            is_(r.body.startswith(b"\xef\xbb\xbf"), bom, "BOM present only when asked")
            rows = list(csv.reader(io.StringIO(r.body.decode("utf-8-sig"), newline="")))
            is_(rows[0], ["option_id", "position", "label", "votes", "ballots", "percent"], "CSV header")
            is_([x[2] for x in rows[1:]], ["North", "South", "East", "West"], "CSV labels")
            is_([int(x[3]) for x in rows[1:]], [2, 1, 0, 0], "CSV counts")

        # Arabic page: rtl, SVG well-formed with title and desc
        r = anon.get("/polls/%d/results?lang=ar" % m["id"])
        like(r.text, r'<html lang="ar" dir="rtl"', "the Arabic results page is rtl")
        svg = re.search(r"<svg.*?</svg>", r.text, re.S)
        ok(svg is not None, "an SVG chart")
        root = ET.fromstring(svg.group(0))
        ns = "{http://www.w3.org/2000/svg}"
        ok(root.find(ns + "title") is not None and root.find(ns + "desc") is not None, "the SVG has title and desc")
        is_(root.get("role"), "img", "role=img")
        like(r.text, r"<table", "a table alternative")
        rects = root.findall(".//" + ns + "rect")
        is_(len(rects), 4, "one bar per option")
        ok(abs(float(rects[0].get("x")) + float(rects[0].get("width")) - 632) < 1, "in Arabic the bars grow from the right edge")

        # staff pages
        page = ed.get("/staff/polls/new")
        is_(page.status, 200, "the new-poll form")
        r = ed.post_form("/staff/polls", {"question": "", "dept": "1", "kind": "single", "options": "a"}, page=page)
        is_(r.status, 422, "an invalid poll form is refused")
        like(r.text, 'class="err"', "errors shown next to fields")
        is_(cit.get("/staff/polls/new").status, 403, "citizens cannot reach the staff form")

        # rate limit: changes count too
        st = None
        for i in range(25):
            r = api(cit, "POST", "/api/v1/polls/%d/vote" % ch["id"], {"options": [a if i % 2 else b]})
            if r.status == 429:
                st = r
                break
        ok(st is not None, "many votes in a minute hit the rate limit")
        if st:
            ok(st.header("Retry-After"), "429 carries Retry-After")
            like(st.json()["error"]["message"], "(?i)wait|انتظر", "and a clear message")

    # the per-IP limit is a setting: 3 votes per minute from one address
    with Server() as srv:
        with sqlite3.connect(srv.db) as con:
            con.execute("INSERT OR REPLACE INTO settings(key, value) VALUES ('poll_vote_rate_ip', '3/60')")
        ed = srv.client()
        is_(ed.login(*DEMO_EDITOR), 303, "editor logs in (second server)")
        cit = srv.client()
        is_(cit.login(*DEMO_CITIZEN), 303, "citizen logs in (second server)")
        p = create(ed, question="Which day for the market?", options=["Friday", "Sunday"], changeable=True)
        if p:
            fri, sun = [o["id"] for o in p["options"]]
            codes = [api(cit, "POST", "/api/v1/polls/%d/vote" % p["id"], {"options": [fri if i % 2 else sun]}).status
                     for i in range(4)]
            ok(all(c in (200, 201) for c in codes[:3]), "poll_vote_rate_ip = 3/60: three votes (changes) accepted (%s)" % codes)
            is_(codes[3], 429, "the fourth from the same address within a minute is refused")


run(main)
