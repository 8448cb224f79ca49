#!/usr/bin/python3
"""Surveys: staff creation, one response per account held by the database,
validation of every question type with nothing half-written, verified-only
eligibility, closing, the summary (counts, means, SVG), the CSV export parsed
by Python's csv with and without BOM, hiding a free-text answer, pages in
Arabic."""
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

PW = "correct-horse-battery-9"


def api(c, method, path, body=None):
    if c.last_csrf is None:
        c.get("/surveys")
    return c.request(method, path, json=body, headers={"X-CSRF-Token": c.last_csrf or ""})


def q(srv, sql, *args):
    with sqlite3.connect(srv.db) as con:
        return con.execute(sql, args).fetchone()[0]


def signup(srv, email):
    c = srv.client()
    page = c.get("/signup")
    c.post_form("/signup", {"name": email.split("@")[0], "email": email, "password": PW, "password2": PW, "lang": "en"}, page=page)
    c2 = srv.client()
    is_(c2.login(email, PW), 303, "%s logs in" % email)
    return c2


SURVEY = {
    "title": "Parks and gardens", "department": "culture", "intro": "Tell us how you use the parks.",
    "questions": [
        {"kind": "single", "label": "Which park do you visit most?", "required": True, "options": ["North", "South", "Riverside"]},
        {"kind": "multiple", "label": "What do you do there?", "options": ["Walk", "Sport", "Picnic", "Read"]},
        {"kind": "short", "label": "Your neighbourhood", "required": False},
        {"kind": "long", "label": "What should change?", "required": False},
        {"kind": "number", "label": "Visits per month", "required": True, "min": 0, "max": 60},
        {"kind": "scale", "label": "How satisfied are you?", "required": True},
    ]}


def counts(srv, sid):
    return (q(srv, "SELECT count(*) FROM survey_responses WHERE survey_id = ?", sid),
            q(srv, "SELECT count(*) FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id WHERE r.survey_id = ?", sid),
            q(srv, "SELECT responses FROM surveys WHERE id = ?", sid))


def main():
    with Server() as srv:
        ed = srv.client()
        is_(ed.login(*DEMO_EDITOR), 303, "editor logs in")
        cit = signup(srv, "s1@example.net")

        is_(api(cit, "POST", "/api/v1/surveys", SURVEY).status, 403, "a citizen cannot create a survey")
        bad = dict(SURVEY, questions=[{"kind": "number", "label": "n", "min": 5, "max": 1}, {"kind": "single", "label": "x", "options": ["a"]},
                                      {"kind": "essay", "label": "y"}])
        r = api(ed, "POST", "/api/v1/surveys", bad)
        is_(r.status, 422, "invalid questions are refused")
        is_(sorted(r.json()["error"]["fields"]), ["q1_max", "q2_options", "q3_kind"], "each invalid question is named")
        r = api(ed, "POST", "/api/v1/surveys", SURVEY)
        is_(r.status, 201, "the culture editor creates a survey")
        sv = r.json()
        sid = sv["id"]
        qs = [x["id"] for x in sv["questions"]]
        north, south, river = [o["id"] for o in sv["questions"][0]["options"]]
        walk, sport, picnic, read = [o["id"] for o in sv["questions"][1]["options"]]

        def answers(**over):
            a = {str(qs[0]): north, str(qs[1]): [walk, read], str(qs[2]): "Old town", str(qs[3]): "More benches, please.",
                 str(qs[4]): 4, str(qs[5]): 5}
            for k, v in over.items():
                a[str(qs[int(k[1:])])] = v
            return {"answers": {k: v for k, v in a.items() if v is not None}}

        # invalid responses: clear errors, nothing written
        cases = [(answers(q0=None), 0, "must be answered", "a missing required answer"),
                 (answers(q4=61), 4, "outside", "a number above the maximum"),
                 (answers(q4=-1), 4, "outside", "a number below the minimum"),
                 (answers(q4="4.5"), 4, "whole number", "a decimal number"),
                 (answers(q5=6), 5, "1 to 5", "scale 6"),
                 (answers(q5=0), 5, "1 to 5", "scale 0"),
                 (answers(q0=[north, south]), 0, "single answer", "two answers to a single-choice question"),
                 (answers(q0=walk), 0, "proposed", "an option of another question"),
                 (answers(q1=[walk, walk]), 1, "proposed", "a duplicated choice"),
                 (answers(q2="a\nb"), 2, "invalid characters", "a line break in a short text"),
                 (answers(q3="x" * 5001), 3, "too long", "an oversized long text")]
        for body, qi, msg, name in cases:
            r = api(cit, "POST", "/api/v1/surveys/%d/responses" % sid, body)
            fields = r.json().get("error", {}).get("fields", {})
            ok(r.status == 422 and re.search(msg, fields.get(str(qs[qi]), "")) is not None, "refused with a clear error: " + name)
            if r.status != 422:
                diag(r.text)
        r = api(cit, "POST", "/api/v1/surveys/%d/responses" % sid, {"answers": {"999999": 1}})
        is_(r.status, 400, "an unknown question id is refused")
        r = api(cit, "POST", "/api/v1/surveys/%d/responses" % sid, {"answers": [1]})
        is_(r.status, 400, "a malformed body is refused")
        is_(counts(srv, sid), (0, 0, 0), "nothing half-written: no response, no answer, counter 0")

        # valid response, then a second one refused
        r = api(cit, "POST", "/api/v1/surveys/%d/responses" % sid, answers())
        is_(r.status, 201, "a valid response is recorded")
        is_(counts(srv, sid), (1, 7, 1), "one response, seven answer rows, counter 1")
        r = api(cit, "POST", "/api/v1/surveys/%d/responses" % sid, answers(q0=south))
        is_((r.status, r.json()["error"]["code"]), (409, "already_done"), "a second response is refused")
        is_(counts(srv, sid), (1, 7, 1), "counts unchanged")
        try:
            with sqlite3.connect(srv.db) as con:
                uid = con.execute("SELECT user_id FROM survey_responses WHERE survey_id = ?", (sid,)).fetchone()[0]
                con.execute("INSERT INTO survey_responses(survey_id, user_id, created_at) VALUES (?, ?, 0)", (sid, uid))
            ok(False, "the database refuses a second response")
        except sqlite3.IntegrityError:
            ok(True, "the database refuses a second response (UNIQUE)")

        # form response with errors shown next to fields, then a valid one
        u2 = signup(srv, "s2@example.net")
        page = u2.get("/surveys/%d" % sid)
        like(page.text, 'name="q%d" value="%d"' % (qs[0], north), "the form offers the choices")
        r = u2.post_form("/surveys/%d/respond" % sid, {"q%d" % qs[0]: str(south), "q%d" % qs[4]: "100", "q%d" % qs[5]: "6"}, page=page)
        is_(r.status, 422, "an invalid form is refused")
        like(r.text, 'id="e-q%d"' % qs[4], "the number error is next to its question")
        like(r.text, 'id="e-q%d"' % qs[5], "the scale error is next to its question")
        like(r.text, r'name="q%d" value="%d" checked' % (qs[0], south), "the given answers are kept")
        is_(counts(srv, sid)[0], 1, "nothing written by the invalid form")
        r = u2.post_form("/surveys/%d/respond" % sid, {"q%d" % qs[0]: str(south), "q%d" % qs[1]: str(sport), "q%d" % qs[4]: "10",
                                                         "q%d" % qs[5]: "2", "q%d" % qs[3]: "My phone number is 0600000000"}, page=r)
        is_(r.status, 303, "a valid form response")

        # verified only
        vsv = api(ed, "POST", "/api/v1/surveys", dict(SURVEY, title="Verified only", verified_only=True)).json()
        r = api(u2, "POST", "/api/v1/surveys/%d/responses" % vsv["id"], {"answers": {}})
        is_(r.status, 403, "an unverified account is refused on a verified-only survey")

        # summary and results
        is_(api(cit, "GET", "/api/v1/surveys/%d/results" % sid).status, 403, "citizens do not see the summary of an open survey")
        res = api(ed, "GET", "/api/v1/surveys/%d/results" % sid).json()
        is_(res["responses"], 2, "two responses")
        is_([o["count"] for o in res["questions"][0]["options"]], [1, 1, 0], "counts per choice")
        is_([o["count"] for o in res["questions"][1]["options"]], [1, 1, 0, 1], "counts for multiple choice")
        is_(res["questions"][4]["mean"], 7.0, "mean of the numbers")
        is_(res["questions"][5]["mean"], 3.5, "mean of the scale")
        is_(res["questions"][5]["distribution"], {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1}, "scale distribution")
        like(srv.client().get("/surveys/%d?lang=ar" % sid).text, '<html lang="ar" dir="rtl"', "the Arabic survey page is rtl")
        page = ed.get("/surveys/%d/results" % sid)
        for svg in re.findall(r"<svg.*?</svg>", page.text, re.S):
            root = ET.fromstring(svg)
            ok(root.find("{http://www.w3.org/2000/svg}title") is not None and root.find("{http://www.w3.org/2000/svg}desc") is not None,
               "an SVG with title and desc")
        like(page.text, "0600000000", "staff see free-text answers")

        # CSV export
        is_(cit.get("/staff/surveys/%d/export.csv" % sid).status, 403, "citizens cannot export")
        for qstr, bom in (("", False), ("?bom=1", True)):
            r = ed.get("/staff/surveys/%d/export.csv%s" % (sid, qstr))
            is_(r.status, 200, "export" + (" with BOM" if bom else ""))
            is_(r.body.startswith(b"\xef\xbb\xbf"), bom, "BOM only when asked")
            rows = list(csv.reader(io.StringIO(r.body.decode("utf-8-sig"), newline="")))
            is_(rows[0][2:], [x["label"] for x in SURVEY["questions"]], "header: the questions")
            is_(len(rows), 3, "one row per response")
            is_(rows[1][2:], ["North", "Walk; Read", "Old town", "More benches, please.", "4", "5"], "the first response")
        # hide a free-text answer
        aid = q(srv, "SELECT id FROM survey_answers WHERE text LIKE '%0600000000%'")
        page = ed.get("/surveys/%d/results" % sid)
        r = ed.post_form("/staff/surveys/answers/%d/hide" % aid, {"reason": "personal data"}, page=page)
        is_(r.status, 303, "staff hide a free-text answer")
        is_(q(srv, "SELECT hidden FROM survey_answers WHERE id = ?", aid), 1, "the answer is hidden")
        r = ed.get("/staff/surveys/%d/export.csv" % sid)
        ok("0600000000" not in r.text, "the hidden answer is left out of the export")
        r = cit.post_form("/staff/surveys/answers/%d/restore" % aid, {}, page=cit.get("/surveys/%d" % sid))
        is_(r.status, 403, "a citizen cannot restore it")

        # closing
        r = api(ed, "POST", "/api/v1/surveys/%d/close" % sid)
        is_(r.status, 200, "the editor closes the survey")
        u3 = signup(srv, "s3@example.net")
        r = api(u3, "POST", "/api/v1/surveys/%d/responses" % sid, answers())
        is_((r.status, r.json()["error"]["code"]), (409, "closed"), "answering after closing is refused")
        is_(counts(srv, sid)[0], 2, "count unchanged")

        # staff form
        page = ed.get("/staff/surveys/new")
        is_(page.status, 200, "the new-survey form")
        r = ed.post_form("/staff/surveys", {"title": "Form survey", "dept": str(q(srv, "SELECT id FROM departments WHERE slug='culture'")),
                                            "q1_label": "Rate the library", "q1_kind": "scale", "q1_required": "1"}, page=page)
        is_(r.status, 303, "a survey created with the form")
        r = ed.post_form("/staff/surveys", {"title": "", "dept": "1"}, page=page)
        is_(r.status, 422, "an invalid survey form is refused")
        like(r.text, 'id="e-title"', "with the error next to the title")


run(main)
