#!/usr/bin/python3
# Comments (JSON API and pages): create, reply, depth limit, Markdown-lite
# safety, edit window, delete tombstone, votes (one per account, replace,
# remove, never double-counted), sorts and cursors, official badge, the
# participation gate (anonymous, suspended), closed consultation, post without
# comments, duplicates, cross-account spam auto-flag, rate limits (429),
# flags and hiding (public never sees a hidden comment; its author sees why),
# oversized / invalid UTF-8 / bad JSON input, and that nothing is half-written.
import os
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from majlis import (DEMO_ADMIN, DEMO_CITIZEN, DEMO_EDITOR, Server, binary_path, diag, is_, like, ok, run,  # noqa: E402
                    skip_all)

PW = "citizen-pass-2026"


def q(srv, sql, args=()):
    con = sqlite3.connect(srv.db, timeout=10)
    try:
        rows = con.execute(sql, args).fetchall()
        con.commit()
        return rows
    finally:
        con.close()


def scalar(srv, sql, args=()):
    rows = q(srv, sql, args)
    return rows[0][0] if rows else None


def add_user(srv, email, name):
    cp = subprocess.run([srv.binary, "user", "add", "--db", srv.db, "--email", email, "--name", name, "--lang", "en"],
                        env=srv._env(), cwd=srv.dir, input=PW + "\n", stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                        timeout=60, universal_newlines=True)
    if cp.returncode != 0:
        raise RuntimeError("user add failed: " + cp.stderr)


def login(srv, email, pw):
    c = srv.client()
    if c.login(email, pw) != 303:
        raise RuntimeError("login failed for " + email)
    c.get("/consultations")  # a page with a CSRF token (the logout form)
    return c


def api(c, method, path, body=None):
    return c.request(method, path, json=body, headers={"X-CSRF-Token": c.last_csrf or ""})


def err_code(r):
    try:
        return r.json()["error"]["code"]
    except Exception:  # noqa: BLE001
        return None


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def consultation(ed, title, opens, closes, published=True):
    r = api(ed, "POST", "/api/v1/consultations", {"title": title, "body": "Body of *" + title + "*", "department": "roads",
                                                  "lang": "en", "opens_at": iso(opens), "closes_at": iso(closes),
                                                  "published": published})
    if r.status != 201:
        raise RuntimeError("consultation create: %d %s" % (r.status, r.text))
    return r.json()["id"]


def comment(c, tid, body, parent=None, ttype="consultation"):
    b = {"target_type": ttype, "target_id": tid, "body": body}
    if parent:
        b["parent_id"] = parent
    return api(c, "POST", "/api/v1/comments", b)


def count(srv):
    return scalar(srv, "SELECT count(*) FROM comments")


def main():
    if not os.access(binary_path(), os.X_OK):
        skip_all("no server binary at %s" % binary_path())
    with Server() as srv:
        # generous limits for the functional part; the 429 part lowers them
        q(srv, "INSERT OR REPLACE INTO settings(key, value) VALUES ('comment_rate_ip', '1000/600'),"
               " ('comment_rate_account', '1000/600'), ('comment_vote_rate_ip', '1000/60')")
        for i in (1, 2, 3, 4):
            add_user(srv, "c%d@example.org" % i, "Citizen %d" % i)
        ed = login(srv, *DEMO_EDITOR)
        cit = login(srv, *DEMO_CITIZEN)
        c1, c2, c3, c4 = (login(srv, "c%d@example.org" % i, PW) for i in (1, 2, 3, 4))
        anon = srv.client()
        now = int(time.time())
        open_id = consultation(ed, "Open consultation", now - 3600, now + 86400)
        closed_id = consultation(ed, "Closed consultation", now - 7200, now - 3600)
        upcoming_id = consultation(ed, "Upcoming consultation", now + 3600, now + 7200)

        # ---- create and read
        r = comment(cit, open_id, "First **comment** with a [link](https://example.org) and <script>x</script>")
        is_(r.status, 201, "a citizen comments on an open consultation (201)")
        first = r.json()
        like(r.header("Location", ""), r"^/api/v1/comments/\d+$", "Location of the new comment")
        like(first["body_html"], r"<strong>comment</strong>", "Markdown-lite keeps strong")
        like(first["body_html"], r'<a rel="nofollow ugc noopener" href="https://example.org">link</a>', "links kept, nofollow")
        ok("<script" not in first["body_html"] and "&lt;script&gt;" in first["body_html"], "raw HTML is shown as text")
        r = comment(cit, open_id, "[x](javascript:alert(1)) # Heading\n\n![img](https://e.org/i.png)")
        ok(r.status == 201 and "javascript" not in r.json()["body_html"] and "<img" not in r.json()["body_html"]
           and "<h1" not in r.json()["body_html"], "javascript: links, images and headings are not rendered")
        is_(first["official"], False, "a citizen's comment is not official")
        is_(first["depth"], 1, "top-level depth is 1")
        r = comment(ed, open_id, "The department answers: works start in May.")
        is_(r.status, 201, "staff of the department comment")
        is_(r.json()["official"], True, "staff comments carry the official flag")
        staff_cid = r.json()["id"]
        page = anon.get("/consultations/%d" % open_id)
        like(page.text, r'class="chip official"', "the page shows the official badge")
        like(page.text, r"First <strong>comment</strong>", "the page shows the comment")

        # ---- denials: anonymous, closed, upcoming, unknown target, post without comments
        n0 = count(srv)
        r = anon.request("POST", "/api/v1/comments", json={"target_type": "consultation", "target_id": open_id, "body": "hi"})
        is_(r.status, 401, "anonymous cannot comment (401)")
        r = comment(cit, closed_id, "Too late")
        is_((r.status, err_code(r)), (403, "comments_closed"), "commenting on a closed consultation is 403 comments_closed")
        r = comment(cit, upcoming_id, "Too early")
        is_((r.status, err_code(r)), (403, "comments_not_yet"), "commenting on an upcoming consultation is 403")
        r = comment(cit, 99999, "nowhere")
        is_(r.status, 404, "unknown target is 404")
        r = comment(cit, 1, "on a post", ttype="post")
        is_((r.status, err_code(r)), (403, "disabled"), "a post without comments enabled refuses comments (403)")
        r = comment(cit, 1, "x", ttype="nosuchtype")
        is_(r.status, 404, "unknown target type is 404")
        is_(count(srv), n0, "no row written by any refused comment")
        page = cit.get("/consultations/%d" % closed_id)
        like(page.text, r"This consultation is closed|هذه الاستشارة مغلقة", "the closed consultation page says why one cannot comment")

        # ---- comments on a post, once the editor enables them
        r = api(ed, "PATCH", "/api/v1/posts/1", {"comments_enabled": True})
        is_((r.status, r.json().get("comments_enabled")), (200, True), "the editor enables comments on a post (API)")
        r = comment(cit, 1, "A comment on the post", ttype="post")
        is_(r.status, 201, "then citizens comment on the post")
        pg = anon.get("/posts/1", follow=True)
        like(pg.text, r"A comment on the post", "the post page shows its comment thread")
        ed_form = ed.get("/staff/posts/1/edit")
        like(ed_form.text, r'name="comments_enabled" value="1" checked', "the editor form has the checkbox, checked")

        # ---- threads and depth
        parent = first["id"]
        ids = [parent]
        for d in range(2, 5):
            r = comment(c1, open_id, "reply at depth %d" % d, parent=ids[-1])
            ok(r.status == 201 and r.json()["depth"] == d and r.json()["parent_id"] == ids[-1], "reply at depth %d" % d)
            ids.append(r.json()["id"])
        n0 = count(srv)
        r = comment(c1, open_id, "reply at depth 5", parent=ids[-1])
        is_((r.status, err_code(r)), (422, "too_deep"), "a fifth level is refused (422 too_deep)")
        like(r.json()["error"]["message"], r"4 levels", "with a clear message")
        is_(count(srv), n0, "nothing written")
        r = comment(c1, closed_id, "wrong target parent", parent=parent)
        ok(r.status in (403, 404), "a parent from another target is refused")
        is_(scalar(srv, "SELECT thread_count FROM comments WHERE id = ?", (parent,)), 3, "thread_count kept on the top comment")
        r = anon.get("/api/v1/comments?target_type=consultation&target_id=%d&sort=oldest" % open_id)
        top = [i for i in r.json()["items"] if i["id"] == parent][0]
        is_([x["id"] for x in top["replies"]], ids[1:], "the list carries the thread's replies in order")
        r = anon.get("/api/v1/comments/%d/replies" % parent)
        is_([x["id"] for x in r.json()["items"]], [ids[1]], "direct replies endpoint")

        # ---- input limits
        n0 = count(srv)
        r = comment(c2, open_id, "x" * 5001)
        is_((r.status, err_code(r)), (422, "too_long"), "5001 characters: 422 too_long")
        r = comment(c2, open_id, "ب" * 5000)
        is_(r.status, 201, "5000 Arabic characters (10000 bytes) are accepted")
        r = comment(c2, open_id, "   \n\t ")
        is_((r.status, err_code(r)), (422, "empty"), "white space only: 422 empty")
        r = comment(c2, open_id, "bell \x07 inside")
        is_((r.status, err_code(r)), (422, "bad_text"), "control characters: 422 bad_text")
        r = c2.request("POST", "/api/v1/comments", data=b'{"target_type":"consultation","target_id":%d,"body":"\xff\xfe"}' % open_id,
                       headers={"Content-Type": "application/json", "X-CSRF-Token": c2.last_csrf})
        is_((r.status, err_code(r)), (400, "bad_json"), "invalid UTF-8 in JSON: 400 bad_json")
        r = c2.post_form("/comments", {"target_type": "consultation", "target_id": str(open_id), "body": "ok"},
                         headers=None) if False else None
        raw = "target_type=consultation&target_id=%d&body=%%FF%%FEbad&csrf=%s" % (open_id, c2.last_csrf)
        r = c2.request("POST", "/comments", data=raw, headers={"Content-Type": "application/x-www-form-urlencoded"})
        is_(r.status, 400, "invalid UTF-8 in a form: 400")
        r = api(c2, "POST", "/api/v1/comments", {"target_type": "consultation", "target_id": open_id, "body": "x", "colour": 1})
        is_((r.status, err_code(r)), (400, "unknown_field"), "unknown field: 400")
        r = api(c2, "POST", "/api/v1/comments", {"target_type": "consultation", "target_id": "7", "body": "x"})
        is_(r.status, 400, "target_id as a string: 400")
        is_(count(srv), n0 + 1, "only the valid comment was written")

        # ---- duplicates
        r = comment(c2, open_id, "  Please FIX the street lights  ")
        is_(r.status, 201, "a comment")
        r = comment(c2, open_id, "please fix the STREET lights")
        is_((r.status, err_code(r)), (422, "duplicate"), "the same text again (case and spaces differ) is refused")
        like(r.json()["error"]["message"], r"24 hours", "with a message")

        # ---- cross-account spam: the same text from 3 accounts within an hour is flagged
        spam = "Visit cheap-deals example dot com for the best offers today"
        sids = []
        for c in (c1, c2, c3):
            r = comment(c, open_id, spam)
            is_(r.status, 201, "the same long text from another account is accepted")
            sids.append(r.json()["id"])
        flags = scalar(srv, "SELECT count(*) FROM mod_flags WHERE target_type = 'comment' AND user_id = 0 AND reason = 'spam'"
                            " AND target_id IN (?, ?, ?)", tuple(sids))
        is_(flags, 3, "all three are flagged 'spam' by the system (user 0)")

        # ---- votes
        cid = first["id"]
        r = api(c1, "PUT", "/api/v1/comments/%d/vote" % cid, {"value": 1})
        is_((r.status, r.json().get("score")), (200, 1), "an up vote: score 1")
        r = api(c1, "PUT", "/api/v1/comments/%d/vote" % cid, {"value": 1})
        is_(r.json().get("score"), 1, "voting up twice does not count twice")
        r = api(c1, "PUT", "/api/v1/comments/%d/vote" % cid, {"value": -1})
        is_((r.json().get("score"), r.json().get("ups"), r.json().get("downs")), (-1, 0, 1), "the second vote replaces the first")
        api(c2, "PUT", "/api/v1/comments/%d/vote" % cid, {"value": 1})
        api(c3, "PUT", "/api/v1/comments/%d/vote" % cid, {"value": 1})
        r = api(c1, "PUT", "/api/v1/comments/%d/vote" % cid, {"value": 0})
        is_(r.json().get("score"), 2, "removing a vote")
        is_(scalar(srv, "SELECT count(*) FROM comment_votes WHERE comment_id = ?", (cid,)), 2, "one row per voter")
        is_(scalar(srv, "SELECT score FROM comments WHERE id = ?", (cid,)),
            scalar(srv, "SELECT sum(value) FROM comment_votes WHERE comment_id = ?", (cid,)), "stored score = sum of votes")
        r = api(cit, "PUT", "/api/v1/comments/%d/vote" % cid, {"value": 1})
        is_((r.status, err_code(r)), (422, "own_vote"), "voting on one's own comment is refused")
        for bad in (2, -2, "1", None, 1.0):
            r = api(c1, "PUT", "/api/v1/comments/%d/vote" % cid, {"value": bad})
            is_(r.status, 422, "malformed vote %r: 422" % (bad,))
        r = cit.get("/consultations/%d" % open_id)
        page = c4.get("/consultations/%d" % open_id)
        r = c4.post_form("/comments/%d/vote" % cid, {"value": "1"}, page=page)
        is_(r.status, 303, "voting through the page form")
        is_(scalar(srv, "SELECT score FROM comments WHERE id = ?", (cid,)), 3, "and it counts")
        page = c4.get("/consultations/%d" % open_id)
        like(page.text, r'name="value" value="0"><button class="vote on" aria-pressed="true"', "the pressed vote toggles off")

        # ---- sorts and cursors
        r = anon.get("/api/v1/comments?target_type=consultation&target_id=%d&sort=top&limit=1" % open_id)
        is_(r.json()["items"][0]["id"], cid, "sort=top puts the most supported first")
        seen, cursor = [], None
        for _ in range(50):
            u = "/api/v1/comments?target_type=consultation&target_id=%d&sort=top&limit=2" % open_id
            r = anon.get(u + ("&cursor=" + cursor if cursor else ""))
            seen += [i["id"] for i in r.json()["items"]]
            cursor = r.json()["next_cursor"]
            if not cursor:
                break
        tops = [x[0] for x in q(srv, "SELECT id FROM comments WHERE target_type='consultation' AND target_id=? AND parent_id=0"
                                      " AND hidden=0 ORDER BY score DESC, id DESC", (open_id,))]
        is_(seen, tops, "walking sort=top by cursor gives every top-level comment once, in order")
        r = anon.get("/api/v1/comments?target_type=consultation&target_id=%d&sort=newest" % open_id)
        ids_new = [i["id"] for i in r.json()["items"]]
        is_(ids_new, sorted(ids_new, reverse=True), "newest first")
        for bad in ("sort=best", "cursor=abc", "limit=0", "colour=1"):
            r = anon.get("/api/v1/comments?target_type=consultation&target_id=%d&%s" % (open_id, bad))
            is_(r.status, 400, "bad query %s: 400" % bad)
        is_(anon.get("/api/v1/comments?target_type=consultation&target_id=x").status, 400, "target_id=x: 400")
        is_(anon.get("/api/v1/comments?target_type=consultation").status, 400, "no target_id: 400")

        # ---- edit
        r = api(cit, "PATCH", "/api/v1/comments/%d" % cid, {"body": "First comment, edited"})
        ok(r.status == 200 and r.json()["edited_at"] is not None, "the author edits within 15 minutes")
        r = api(c1, "PATCH", "/api/v1/comments/%d" % cid, {"body": "hijack"})
        is_((r.status, err_code(r)), (403, "not_yours"), "editing someone else's comment: 403")
        q(srv, "UPDATE comments SET created_at = created_at - 901 WHERE id = ?", (staff_cid,))
        r = api(ed, "PATCH", "/api/v1/comments/%d" % staff_cid, {"body": "late edit"})
        is_((r.status, err_code(r)), (409, "edit_window"), "editing after 15 minutes: 409 edit_window")
        is_(scalar(srv, "SELECT body FROM comments WHERE id = ?", (staff_cid,)), "The department answers: works start in May.",
            "the text is unchanged")

        # ---- delete
        r = api(c1, "DELETE", "/api/v1/comments/%d" % cid)
        is_((r.status, err_code(r)), (403, "not_yours"), "deleting someone else's comment: 403")
        r = api(cit, "DELETE", "/api/v1/comments/%d" % cid)
        is_(r.status, 204, "the author deletes")
        r = anon.get("/api/v1/comments/%d" % cid)
        ok(r.json()["deleted"] and r.json()["body"] is None, "a tombstone remains, without text")
        page = anon.get("/consultations/%d?csort=oldest" % open_id)
        like(page.text, r"Comment deleted\.", "the page shows the tombstone")
        like(page.text, r"reply at depth 2", "and keeps the thread under it")
        r = comment(c1, open_id, "reply to deleted", parent=cid)
        is_((r.status, err_code(r)), (422, "parent_deleted"), "no reply to a deleted comment")
        r = api(cit, "PATCH", "/api/v1/comments/%d" % cid, {"body": "resurrect"})
        is_(r.status, 409, "a deleted comment cannot be edited")

        # ---- flags and hiding
        r = comment(c4, open_id, "An insulting comment about someone")
        bad_id = r.json()["id"]
        r = api(c4, "POST", "/api/v1/comments/%d/flag" % bad_id, {"reason": "insult"})
        is_((r.status, err_code(r)), (422, "own_report"), "one cannot flag one's own comment")
        r = api(c1, "POST", "/api/v1/comments/%d/flag" % bad_id, {"reason": "rude"})
        is_(r.status, 422, "an unknown reason is refused")
        fp = c1.get("/comments/%d/flag" % bad_id)
        like(fp.text, r'<option value="personal_data"', "the report form lists the reasons")
        r = c1.post_form("/comments/%d/flag" % bad_id, {"reason": "insult"}, page=fp)
        is_(r.status, 201, "flag through the form")
        r = api(c1, "POST", "/api/v1/comments/%d/flag" % bad_id, {"reason": "insult"})
        is_(r.status, 409, "flagging twice: 409")
        api(c2, "POST", "/api/v1/comments/%d/flag" % bad_id, {"reason": "insult"})
        r = api(c3, "POST", "/api/v1/comments/%d/flag" % bad_id, {"reason": "insult", "note": "third"})
        is_((r.status, r.json().get("hidden")), (201, True), "the third flag hides it")
        for who, name in ((anon, "anonymous"), (c1, "another citizen")):
            page = who.get("/consultations/%d" % open_id)
            ok("An insulting comment" not in page.text, "a hidden comment is not on the page for %s" % name)
            r = who.get("/api/v1/comments?target_type=consultation&target_id=%d&limit=100" % open_id)
            ok(bad_id not in [i["id"] for i in r.json()["items"]], "nor in the API list for %s" % name)
            is_(who.get("/api/v1/comments/%d" % bad_id).status, 404, "nor by id for %s" % name)
            is_(who.get("/comments/%d" % bad_id).status, 404, "nor as a thread page for %s" % name)
        page = c4.get("/consultations/%d" % open_id)
        like(page.text, r"Hidden pending review", "its author sees it, marked hidden pending review")
        r = api(c4, "GET", "/api/v1/comments/%d" % bad_id)
        is_(r.json().get("hidden"), True, "the API tells its author it is hidden")
        q(srv, "INSERT INTO mod_decisions(target_type, target_id, action, reason, moderator_id, at)"
               " VALUES ('comment', ?, 'hide', 'Insults are not allowed', 1, strftime('%s','now'))", (bad_id,))
        page = c4.get("/consultations/%d" % open_id)
        like(page.text, r"Hidden by moderation: Insults are not allowed", "after a decision, the author sees the reason")
        r = api(c1, "PUT", "/api/v1/comments/%d/vote" % bad_id, {"value": 1})
        is_(r.status, 404, "a hidden comment cannot be voted on")

        # ---- suspended account
        uid = scalar(srv, "SELECT id FROM users WHERE email = 'c3@example.org'")
        q(srv, "INSERT INTO user_suspensions(user_id, until, reason, at) VALUES (?, ?, 'test', ?)", (uid, now + 3600, now))
        n0 = count(srv)
        r = comment(c3, open_id, "I am suspended")
        is_((r.status, err_code(r)), (403, "suspended"), "a suspended account cannot comment (403 suspended)")
        r = api(c3, "PUT", "/api/v1/comments/%d/vote" % staff_cid, {"value": 1})
        is_(r.status, 403, "nor vote")
        page = c3.get("/consultations/%d" % open_id)
        like(page.text, r"suspended from taking part", "the page shows the reason instead of the form")
        is_(count(srv), n0, "nothing written")

        # ---- pages: form errors next to the field, reply page, edit page
        page = c4.get("/consultations/%d" % open_id)
        r = c4.post_form("/comments", {"target_type": "consultation", "target_id": str(open_id), "body": "y" * 5001}, page=page)
        is_(r.status, 422, "the page form refuses an oversized comment (422)")
        like(r.text, r'id="err-body"|aria-describedby', "with the error next to the field")
        r = c4.post_form("/comments", {"target_type": "consultation", "target_id": str(open_id), "body": "From the page"}, page=page)
        is_(r.status, 303, "the page form posts a comment")
        like(r.header("Location", ""), r"/consultations/%d#c\d+" % open_id, "and goes back to the comment")
        rp = c4.get("/comments/%d/reply" % staff_cid)
        like(rp.text, r'name="parent_id" value="%d"' % staff_cid, "the reply page has the parent")
        is_(c4.get("/comments/%d/reply" % ids[-1]).status, 422, "no reply page at the maximum depth")
        is_(c4.get("/comments/%d/edit" % staff_cid).status, 403, "no edit page for someone else's comment")
        thread = anon.get("/comments/%d" % parent)
        is_(thread.status, 200, "a thread page")

        # ---- rate limits
        q(srv, "UPDATE settings SET value = '3/600' WHERE key = 'comment_rate_account'")
        codes = [comment(c4, open_id, "rate test number %d" % i).status for i in range(5)]
        ok(codes[:3].count(201) >= 1 and 429 in codes, "past the per-account limit: 429 (%s)" % codes)
        r = comment(c4, open_id, "rate test again")
        is_(err_code(r), "rate_limited", "429 says rate_limited")
        ok(int(r.header("Retry-After", "0")) > 0, "with Retry-After")
        q(srv, "UPDATE settings SET value = '1000/600' WHERE key = 'comment_rate_account'")
        q(srv, "UPDATE settings SET value = '2/600' WHERE key = 'comment_rate_ip'")
        r = comment(c1, open_id, "per ip limit check")
        is_(r.status, 429, "past the per-IP limit: 429 for another account from the same address")


run(main)
