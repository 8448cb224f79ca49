#!/usr/bin/python3
# Moderation over HTTP with a real content type (comments on a post of the
# roads department): the generic flag endpoints (JSON and form) with their
# clear answers (unknown, own item, already flagged, bad reason), the threshold
# hiding an item after 3 distinct flaggers, the queue (pages and JSON) scoped
# to the item's department, decisions with a required reason (hide/restore),
# the decision log, the author seeing the reason, denials (a citizen
# moderating, a water moderator deciding on a roads item) and the audit log.
import os
import re
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from majlis import DEMO_ADMIN, DEMO_CITIZEN, Server, diag, is_, like, ok, run  # noqa: E402

PW = "citizen-pass-2026-x"


def scalar(srv, sql, args=()):
    con = sqlite3.connect(srv.db, timeout=10)
    try:
        rows = con.execute(sql, args).fetchall()
    finally:
        con.close()
    return rows[0][0] if rows else None


def add_user(srv, email, name, *extra):
    cp = subprocess.run([srv.binary, "user", "add", "--db", srv.db, "--email", email, "--name", name, "--lang", "en"]
                        + list(extra), env=srv._env(), cwd=srv.dir, input=PW + "\n", stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE, timeout=60, universal_newlines=True)
    if cp.returncode != 0:
        raise RuntimeError("user add %s: %s" % (email, cp.stderr))
    return scalar(srv, "SELECT id FROM users WHERE email = ?", (email,))


def login(srv, email, pw=PW):
    c = srv.client()
    st = c.login(email, pw)
    if st != 303:
        raise RuntimeError("login %s: %s" % (email, st))
    c.get("/account")
    return c


def api(c, method, path, body=None):
    return c.request(method, path, json=body, headers={"X-CSRF-Token": c.last_csrf or ""})


def code(r):
    try:
        return r.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


def flag(c, type_, id_, reason="spam", note=None):
    body = {"type": type_, "id": id_, "reason": reason}
    if note is not None:
        body["note"] = note
    return api(c, "POST", "/api/v1/flags", body)


def make_comment(srv, admin, author, text):
    """A comment by author on a fresh roads post with comments enabled; its id, or None."""
    r = api(admin, "POST", "/api/v1/posts", {"title": "Travaux rue des Oliviers", "kind": "news", "lang": "fr",
                                             "department": "roads", "body": "Chantier du 3 au 7.", "status": "published",
                                             "comments_enabled": True})
    if r.status != 201:
        diag("post creation: %s %s" % (r.status, r.text[:300]))
        return None, None
    post_id = r.json()["id"]
    r = api(author, "POST", "/api/v1/comments", {"target_type": "post", "target_id": post_id, "body": text})
    if r.status != 201:
        diag("comment creation: %s %s" % (r.status, r.text[:300]))
        return post_id, None
    return post_id, r.json()["id"]


def main():
    with Server() as srv:
        admin = login(srv, *DEMO_ADMIN)
        author = login(srv, *DEMO_CITIZEN)
        author_id = scalar(srv, "SELECT id FROM users WHERE email = ?", (DEMO_CITIZEN[0],))
        flaggers = []
        for i in range(2, 6):
            add_user(srv, "c%d@example.org" % i, "Citizen %d" % i)
            flaggers.append(login(srv, "c%d@example.org" % i))
        c2, c3, c4, c5 = flaggers
        add_user(srv, "modwater@example.org", "Water Moderator", "--role", "moderator", "--dept", "water")
        add_user(srv, "modroads@example.org", "Roads Moderator", "--role", "moderator", "--dept", "roads")
        mw = login(srv, "modwater@example.org")
        mr = login(srv, "modroads@example.org")
        anon = srv.client()

        # ---- generic answers that need no content
        r = anon.request("POST", "/api/v1/flags", json={"type": "comment", "id": 1, "reason": "spam"})
        is_(r.status, 401, "anonymous flag: 401")
        r = flag(c2, "nope", 1)
        is_((r.status, code(r)), (404, "unknown_item"), "unknown type: 404 unknown_item")
        r = api(c2, "POST", "/api/v1/flags", "[1,2]")
        is_((r.status, code(r)), (400, "bad_json"), "not an object: 400")
        r = api(c2, "POST", "/api/v1/flags", {"type": "comment", "id": "1", "reason": "spam"})
        is_((r.status, code(r)), (422, "invalid"), "id as a string: 422")
        r = c2.request("POST", "/api/v1/flags", json={"type": "comment", "id": 1, "reason": "spam"})
        is_(r.status, 403, "a session without X-CSRF-Token: 403")
        is_(c2.get("/flag?type=nope&id=1").status, 404, "flag form for an unknown type: 404")
        is_(c2.get("/staff/moderation").status, 403, "a citizen cannot open the moderation queue")
        is_(api(c2, "GET", "/api/v1/moderation/queue").status, 403, "API: a citizen cannot read the queue")
        is_(anon.get("/staff/moderation").status, 303, "anonymous: sent to log in")

        post_id, cid = make_comment(srv, admin, author, "Ce chantier est une honte, les responsables sont des incapables.")
        if not ok(cid is not None, "a comment exists to moderate (comments on a roads post)"):
            diag("the comments feature could not create a comment: the content-dependent part is skipped")
            return

        # ---- flags
        r = flag(c2, "comment", 999999)
        is_((r.status, code(r)), (404, "unknown_item"), "unknown comment: 404")
        r = flag(c2, "comment", cid, reason="rude")
        is_((r.status, code(r)), (422, "invalid_reason"), "unknown reason: 422 invalid_reason")
        r = flag(c2, "comment", cid, note="x" * 501)
        is_((r.status, code(r)), (422, "note_too_long"), "a note over 500 characters: 422")
        r = flag(author, "comment", cid)
        is_((r.status, code(r)), (403, "own_item"), "one's own comment: 403 own_item")
        r = flag(c2, "comment", cid, "insult", "Insults the staff")
        is_((r.status, r.json().get("hidden")), (201, False), "first flag: 201, not hidden")
        r = flag(c2, "comment", cid, "spam")
        is_((r.status, code(r)), (409, "already_flagged"), "second flag by the same citizen: 409 already_flagged")
        page = c3.get("/flag?type=comment&id=%d&next=/posts/%d" % (cid, post_id))
        is_(page.status, 200, "the flag form")
        like(page.text, r'<option value="personal_data"', "it lists the reasons")
        r = c3.post_form("/flag", {"type": "comment", "id": str(cid), "reason": "insult", "note": "",
                                   "next": "/posts/%d" % post_id}, page=page)
        is_(r.status, 200, "second flagger through the form")
        like(r.text, "Thank you. Your report has been sent", "the page thanks them")
        like(r.text, r'href="/posts/%d"' % post_id, "with the way back")
        r = c3.post_form("/flag", {"type": "comment", "id": str(cid), "reason": "insult"}, page=page)
        is_(r.status, 409, "the form again: 409")
        like(r.text, "already reported", "and says so")
        r = c3.post_form("/flag", {"type": "comment", "id": str(cid), "reason": "bogus"}, page=page)
        is_(r.status, 422, "the form with a bad reason: 422")
        is_(scalar(srv, "SELECT hidden FROM comments WHERE id = ?", (cid,)), 0, "two flags: still visible")
        r = flag(c4, "comment", cid, "spam", "Same text everywhere")
        is_((r.status, r.json().get("hidden")), (201, True), "third distinct flagger: hidden now")
        is_(scalar(srv, "SELECT hidden FROM comments WHERE id = ?", (cid,)), 1, "hidden on the comment's row")
        r = anon.get("/api/v1/comments?target_type=post&target_id=%d" % post_id)
        ok(r.status != 200 or ("Ce chantier" not in r.text), "the hidden comment is not in the public list")

        # ---- the queue, scoped by department
        r = api(mw, "GET", "/api/v1/moderation/queue")
        is_(r.status, 200, "water moderator: the queue answers")
        ok(all(not (i["type"] == "comment" and i["id"] == cid) for i in r.json()["items"]),
           "a water moderator does not see the roads comment")
        is_(api(mw, "GET", "/api/v1/moderation/comment/%d" % cid).status, 403, "nor open it")
        r = api(mw, "POST", "/api/v1/moderation/comment/%d/decisions" % cid, {"action": "restore", "reason": "ok"})
        is_((r.status, code(r)), (403, "forbidden"), "a water moderator cannot decide on a roads item (403)")
        r = mw.post_form("/staff/moderation/comment/%d" % cid, {"action": "restore", "reason": "ok"},
                         page=mw.get("/staff/moderation"))
        is_(r.status, 403, "not through the form either")
        r = api(c2, "POST", "/api/v1/moderation/comment/%d/decisions" % cid, {"action": "restore", "reason": "ok"})
        is_(r.status, 403, "a citizen cannot decide (403)")

        r = api(mr, "GET", "/api/v1/moderation/queue")
        items = [i for i in r.json()["items"] if i["type"] == "comment" and i["id"] == cid]
        if ok(len(items) == 1, "the roads moderator sees the comment in the queue"):
            it = items[0]
            is_((it["state"], it["open_flags"], it["reasons"], it["department"], it["author_id"]),
                ("hidden_pending", 3, {"insult": 2, "spam": 1}, "roads", author_id),
                "state, flag count, reasons, department, author")
            like(it["excerpt"], "Ce chantier", "the excerpt")
            is_(it["link"], "/comments/%d" % cid, "the link")
        is_(r.json()["threshold"], 3, "the queue tells the threshold")
        page = mr.get("/staff/moderation")
        is_(page.status, 200, "roads moderator: the queue page")
        like(page.text, "Ce chantier est une honte", "the page shows the excerpt")
        like(page.text, r'href="/comments/%d"' % cid, "and links to it")
        like(page.text, "hidden, awaiting review", "and its state")
        like(page.text, "Insults the staff", "and the flaggers' notes")
        page = mr.get("/staff/moderation/comment/%d" % cid)
        is_(page.status, 200, "the item page")
        like(page.text, "Insults the staff", "flag notes are shown")
        like(page.text, "Same text everywhere", "every note")
        like(page.text, "Hidden automatically after reports", "the log starts with the automatic hide")
        is_(mr.get("/staff/moderation/comment/999999").status, 404, "unknown item page: 404")
        is_(mr.get("/staff/moderation/nope/1").status, 404, "unknown type page: 404")

        # ---- decisions
        r = mr.post_form("/staff/moderation/comment/%d" % cid, {"action": "restore", "reason": "  "}, page=page)
        is_(r.status, 422, "a decision without a reason: 422")
        like(r.text, "Give a reason", "the page asks for a reason")
        r = mr.post_form("/staff/moderation/comment/%d" % cid, {"action": "delete", "reason": "x"}, page=page)
        is_(r.status, 422, "an unknown action: 422")
        r = api(mr, "POST", "/api/v1/moderation/comment/%d/decisions" % cid, {"action": "hide"})
        is_((r.status, code(r)), (422, "invalid"), "API: no reason: 422")
        ok("reason" in r.json()["error"].get("fields", {}), "the field is named")
        r = mr.post_form("/staff/moderation/comment/%d" % cid,
                         {"action": "restore", "reason": "Sharp criticism of the works is allowed."}, page=page)
        is_(r.status, 303, "restore with a reason")
        is_(r.header("Location"), "/staff/moderation?done=restore", "back to the queue")
        is_(scalar(srv, "SELECT hidden FROM comments WHERE id = ?", (cid,)), 0, "visible again")
        is_(scalar(srv, "SELECT count(*) FROM mod_flags WHERE target_id = ? AND resolved = 0", (cid,)), 0,
            "the flags are resolved")
        r = api(mr, "GET", "/api/v1/moderation/queue")
        ok(all(not (i["type"] == "comment" and i["id"] == cid) for i in r.json()["items"]), "it left the queue")
        r = api(mr, "POST", "/api/v1/moderation/comment/%d/decisions" % cid,
                {"action": "hide", "reason": "Personal attack on a named employee."})
        is_(r.status, 201, "API: hide with a reason")
        j = r.json()
        is_(j["state"], "hidden", "state: hidden by a moderator")
        is_([d["action"] for d in j["decisions"]], ["auto_hide", "restore", "hide"], "the decision log, in order")
        is_(j["decisions"][2]["reason"], "Personal attack on a named employee.", "with the reason")
        r = api(mr, "GET", "/api/v1/moderation/comment/%d" % cid)
        is_(r.status, 200, "API: the item")
        is_(len(r.json()["flags"]), 3, "three flags kept")
        ok(all(f["resolved"] for f in r.json()["flags"]), "all resolved")
        r = author.get("/comments/%d" % cid)
        if r.status == 200:
            like(r.text, "Personal attack on a named employee", "the author sees the reason on the comment")
        else:
            diag("GET /comments/%d as the author: %d" % (cid, r.status))
        r = api(admin, "GET", "/api/v1/moderation/comment/%d" % cid)
        is_(r.status, 200, "a site admin moderates everything")

        # ---- the participation gate applies to flagging
        c5_id = scalar(srv, "SELECT id FROM users WHERE email = 'c5@example.org'")
        is_(api(mr, "POST", "/api/v1/accounts/%d/suspension" % c5_id, {"hours": 1, "reason": "Flag abuse"}).status, 201,
            "the moderator suspends a citizen")
        r = flag(c5, "comment", cid, "other")
        is_((r.status, code(r)), (403, "not_allowed"), "a suspended citizen cannot flag: 403 not_allowed")
        is_(api(mr, "DELETE", "/api/v1/accounts/%d/suspension" % c5_id).status, 200, "suspension lifted")

        # ---- another flagger after the decision: back in the queue
        r = flag(c5, "comment", cid, "other")
        is_(r.status, 201, "a new flag after the decision")
        r = api(mr, "GET", "/api/v1/moderation/queue")
        items = [i for i in r.json()["items"] if i["type"] == "comment" and i["id"] == cid]
        ok(len(items) == 1 and items[0]["open_flags"] == 1 and items[0]["state"] == "hidden", "back in the queue with one open flag")

        # ---- audit
        r = admin.get("/admin/audit")
        for action in ("moderation.flag", "moderation.auto_hide", "moderation.restore", "moderation.hide"):
            like(r.text, re.escape(action), "audited: %s" % action)


run(main)
