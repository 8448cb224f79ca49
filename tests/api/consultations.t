#!/usr/bin/python3
# Consultations: staff create (API and form, with a PDF document), publish,
# list open first, page in Arabic (dir=rtl), status derived from the dates,
# close with a summary (audited), denials (citizen create/close 403, anonymous
# 401, editor of another department 403, draft hidden from the public, bad
# dates 422), and the proposal settings exposed in the JSON.
import os
import sqlite3
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from majlis import DEMO_CITIZEN, DEMO_EDITOR, Server, binary_path, is_, like, ok, run, skip_all  # noqa: E402


def scalar(srv, sql, args=()):
    con = sqlite3.connect(srv.db, timeout=10)
    try:
        return con.execute(sql, args).fetchone()[0]
    finally:
        con.close()


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def login(srv, email, pw):
    c = srv.client()
    c.login(email, pw)
    c.get("/consultations")
    return c


def api(c, method, path, body=None):
    return c.request(method, path, json=body, headers={"X-CSRF-Token": c.last_csrf or ""})


def multipart(fields, files):
    b = "----majlisTestBoundary"
    out = b""
    for k, v in fields:
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n" % (b, k, v)).encode()
    for k, name, ctype, data in files:
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\nContent-Type: %s\r\n\r\n"
                % (b, k, name, ctype)).encode() + data + b"\r\n"
    out += ("--%s--\r\n" % b).encode()
    return out, "multipart/form-data; boundary=" + b


def main():
    if not os.access(binary_path(), os.X_OK):
        skip_all("no server binary at %s" % binary_path())
    with Server() as srv:
        ed = login(srv, *DEMO_EDITOR)
        cit = login(srv, *DEMO_CITIZEN)
        anon = srv.client()
        now = int(time.time())
        base = {"body": "## Why\n\nWe plan **new** lighting.", "department": "roads", "lang": "ar",
                "opens_at": iso(now - 60), "closes_at": iso(now + 86400)}

        # ---- create through the API
        r = api(ed, "POST", "/api/v1/consultations", dict(base, title="إنارة الشوارع", published=True,
                                                            allow_proposals=True, support_threshold=50))
        is_(r.status, 201, "an editor opens a consultation (201)")
        c = r.json()
        is_(c["status"], "open", "status derived: open")
        like(c["body_html"], r"<h2>Why</h2>", "Markdown body rendered")
        ok(c["allow_proposals"] is True and c["support_threshold"] == 50, "proposal settings stored")
        open_id = c["id"]
        r = api(ed, "POST", "/api/v1/consultations", dict(base, title="Upcoming one", opens_at=iso(now + 3600),
                                                            closes_at=iso(now + 7200), published=True))
        is_(r.json().get("status"), "upcoming", "status derived: upcoming")
        up_id = r.json()["id"]
        r = api(ed, "POST", "/api/v1/consultations", dict(base, title="Draft one"))
        is_(r.json().get("status"), "draft", "unpublished: draft")
        draft_id = r.json()["id"]
        r = api(ed, "POST", "/api/v1/consultations", dict(base, title="Past one", opens_at=iso(now - 7200),
                                                            closes_at=iso(now - 3600), published=True))
        closed_id = r.json()["id"]

        # ---- denials
        n0 = scalar(srv, "SELECT count(*) FROM consultations")
        r = api(cit, "POST", "/api/v1/consultations", dict(base, title="Citizen try"))
        is_(r.status, 403, "a citizen cannot create (403)")
        r = anon.request("POST", "/api/v1/consultations", json=dict(base, title="Anon try"))
        is_(r.status, 401, "anonymous cannot create (401)")
        r = api(ed, "POST", "/api/v1/consultations", dict(base, title="Water try", department="water"))
        is_(r.status, 403, "an editor of another department cannot (403)")
        r = api(ed, "POST", "/api/v1/consultations", dict(base, title="Bad dates", closes_at=iso(now - 120)))
        ok(r.status == 422 and "closes_at" in r.json()["error"]["fields"], "closing before opening: 422 on closes_at")
        r = api(ed, "POST", "/api/v1/consultations", dict(base, title="x"))
        ok(r.status == 422 and "title" in r.json()["error"]["fields"], "too short title: 422")
        r = api(ed, "POST", "/api/v1/consultations", dict(base, title="Typo", colour="red"))
        is_(r.status, 400, "unknown field: 400")
        is_(scalar(srv, "SELECT count(*) FROM consultations"), n0, "nothing written by refused creations")
        r = api(cit, "POST", "/api/v1/consultations/%d/close" % open_id, {"summary": "I close it"})
        is_(r.status, 403, "a citizen closing a consultation: 403")
        cp = cit.get("/staff/consultations/%d/edit" % open_id)
        is_(cp.status, 403, "a citizen cannot open the staff edit page")
        is_(anon.get("/api/v1/consultations/%d" % draft_id).status, 404, "a draft is 404 to the public (API)")
        is_(anon.get("/consultations/%d" % draft_id).status, 404, "and on pages")
        is_(ed.get("/consultations/%d" % draft_id).status, 200, "staff see their draft")

        # ---- list: open first, then upcoming, then closed (the demo has its own
        # consultations: look at the order of ours among everything listed)
        mine = (open_id, up_id, closed_id, draft_id)
        r = anon.get("/api/v1/consultations?limit=100")
        items = r.json()["items"]
        order = {"open": 0, "upcoming": 1, "closed": 2}
        phases = [order.get(i["status"], 9) for i in items]
        ok(phases == sorted(phases) and 9 not in phases, "the list puts open first, then upcoming, then closed; no draft")
        st = [i["status"] for i in items if i["id"] in mine]
        is_(st, ["open", "upcoming", "closed"], "ours appear once each, in phase order")
        r = anon.get("/api/v1/consultations?limit=1")
        seen, cur = [], None
        for _ in range(20):
            r = anon.get("/api/v1/consultations?limit=1" + ("&cursor=" + cur if cur else ""))
            seen += [i["id"] for i in r.json()["items"]]
            cur = r.json()["next_cursor"]
            if not cur:
                break
        is_([i for i in seen if i in mine], [open_id, up_id, closed_id], "cursor pagination across the phases")
        is_(len(seen), len(items), "paging one by one sees every consultation once")
        is_(anon.get("/api/v1/consultations?status=closed").json()["items"][0]["id"], closed_id, "status=closed filter")
        is_(anon.get("/api/v1/consultations?status=maybe").status, 400, "bad status: 400")
        is_(anon.get("/api/v1/consultations?cursor=zz").status, 400, "bad cursor: 400")

        # ---- pages
        page = anon.get("/consultations/%d" % open_id, headers={"Accept-Language": "ar"})
        is_(page.status, 200, "the consultation page")
        like(page.text, r'<html lang="ar" dir="rtl"', "Arabic page: dir=rtl")
        like(page.text, r"إنارة الشوارع", "its title")
        lst = anon.get("/consultations", headers={"Accept-Language": "fr"})
        like(lst.text, r"(?s)Ouverte.*À venir.*Close", "the list page in French, open first")

        # ---- the staff form with a PDF document
        form = ed.get("/staff/consultations/new")
        is_(form.status, 200, "the new consultation form")
        body, ctype = multipart([("csrf", ed.last_csrf), ("title", "Avec document"), ("dept", str(scalar(srv, "SELECT id FROM departments WHERE slug='roads'"))),
                                 ("lang", "fr"), ("body", "Texte"), ("opens_at", "2020-01-01T10:00"), ("closes_at", "2099-01-01T10:00"),
                                 ("action", "publish")],
                                [("documents", "plan.pdf", "application/pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n%%EOF\n")])
        r = ed.request("POST", "/staff/consultations", data=body, headers={"Content-Type": ctype})
        is_(r.status, 303, "created through the form with a PDF")
        doc_id = scalar(srv, "SELECT max(id) FROM consultations")
        j = anon.get("/api/v1/consultations/%d" % doc_id).json()
        ok(len(j["documents"]) == 1 and j["documents"][0]["title"] == "plan.pdf", "the document is attached")
        m = anon.get(j["documents"][0]["url"].replace(srv.base_url, ""))
        is_((m.status, m.header("Content-Type")), (200, "application/pdf"), "and served as a PDF")
        body, ctype = multipart([("csrf", ed.last_csrf), ("title", "Mauvais document"), ("dept", "1"), ("lang", "fr"), ("body", "T"),
                                 ("opens_at", "2020-01-01T10:00"), ("closes_at", "2099-01-01T10:00")],
                                [("documents", "x.exe", "application/octet-stream", b"MZ\x90\x00binary")])
        r = ed.request("POST", "/staff/consultations", data=body, headers={"Content-Type": ctype})
        is_(r.status, 422, "a file that is neither PDF nor image is refused (422)")

        # ---- close with a summary
        r = api(ed, "POST", "/api/v1/consultations/%d/close" % open_id, {"summary": "We will light **12** streets."})
        ok(r.status == 200 and r.json()["status"] == "closed" and "<strong>12</strong>" in r.json()["summary_html"],
           "the editor closes with a summary")
        page = anon.get("/consultations/%d" % open_id)
        like(page.text, r"<strong>12</strong> streets", "the page shows the conclusions")
        r = api(ed, "POST", "/api/v1/consultations/%d/close" % draft_id, {})
        is_(r.status, 409, "a draft cannot be closed (409)")
        is_(scalar(srv, "SELECT count(*) FROM audit_log WHERE action LIKE 'consultation.%'"), 6, "every staff write is audited")
        r = api(ed, "PATCH", "/api/v1/consultations/%d" % up_id, {"title": "Renamed", "support_threshold": 10})
        ok(r.status == 200 and r.json()["title"] == "Renamed", "PATCH updates")


run(main)
