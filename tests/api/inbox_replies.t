#!/usr/bin/python3
"""The staff page of a request against a real SMTP server: a public reply is
emailed to the citizen in the citizen's language; an internal note sends
nothing and stays out of the citizen's view; reply templates fill their
placeholders in the citizen's language without JavaScript; merging closes the
duplicate and its citizen still receives the replies of the surviving request."""
import os
import re
import sqlite3
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


def body_of(msg):
    part = msg.get_body(preferencelist=("plain",))
    return part.get_content() if part else ""


def to_of(msgs, addr):
    return [m for m in msgs if addr in str(m["To"])]


def settle(sink, want, timeout=15):
    """Waits for want messages, then a little longer to catch any extra one."""
    msgs = sink.wait(want, timeout=timeout)
    time.sleep(2.5)
    return list(sink.messages)


def create_request(srv, client, category, desc, email, lang, attrs=None):
    """Through the JSON API when it is there; else written to the database as
    the engine would (no clocks). Returns (id, ref)."""
    body = {"kind": "report", "category": category, "description": desc, "contact_email": email, "lang": lang,
            "lat": 33.5702, "lon": -7.5921}
    if attrs:
        body["attributes"] = attrs
    r = client.request("POST", "/api/v1/requests", json=body)
    if r.status != 201:
        diag("JSON API answered %d; writing the request to the database" % r.status)
        cat, dept = q(srv, "SELECT id, dept_id FROM req_categories WHERE code = ?", (category,))[0]
        now = int(time.time())
        ref = "R-D%06d" % (now % 1000000)
        q(srv, "INSERT INTO requests(ref, category_id, dept_id, kind, channel, status, priority, description, lat, lon,"
               " lang, public, contact_email, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
          (ref, cat, dept, "report", "web", "new", "normal", desc, 33.5702, -7.5921, lang, 1, email, now, now))
    return q(srv, "SELECT id, ref FROM requests WHERE contact_email = ? ORDER BY id DESC LIMIT 1", (email,))[0]


def main():
    sink = SmtpSink().start()
    env = {"MAJLIS_SMTP_URL": sink.url, "MAJLIS_JOB_RETRY_BASE": "1", "MAJLIS_TICK_INTERVAL": "1"}
    try:
        with Server(env=env) as srv:
            # the demo's receipt emails go first
            n0 = q(srv, "SELECT count(*) FROM requests")[0][0]
            sink.wait(n0, timeout=15)
            time.sleep(1)
            base = len(sink.messages)
            leak_id, leak_ref = q(srv, "SELECT r.id, r.ref FROM requests r JOIN req_categories c ON c.id = r.category_id "
                                       "WHERE c.code = 'water-leak'")[0]
            bill_id, bill_ref = q(srv, "SELECT r.id, r.ref FROM requests r JOIN req_categories c ON c.id = r.category_id "
                                       "WHERE c.code = 'water-bill'")[0]
            ag = srv.client()
            is_(ag.login(*AGENT), 303, "water agent logs in")

            # ---- a public reply reaches the citizen, in the citizen's language (en)
            page = ag.get("/staff/requests/%d" % leak_id)
            is_(page.status, 200, "request page opens")
            like(page.text, r'action="/staff/requests/%d/reply"' % leak_id, "has the reply form")
            r = ag.post_form("/staff/requests/%d/reply" % leak_id, {"action": "send", "body": "   ", "status": ""}, page=page)
            is_(r.status, 422, "an empty reply is refused")
            r = ag.post_form("/staff/requests/%d/reply" % leak_id,
                             {"action": "send", "body": "A team is on its way to fix the pipe.", "status": "pending"},
                             page=page)
            is_(r.status, 303, "reply accepted")
            is_(r.header("Location"), "/staff/requests/%d?done=reply" % leak_id, "redirect back with a notice")
            msgs = settle(sink, base + 1)
            mine = to_of(msgs[base:], "resident@example.org")
            is_(len(mine), 1, "exactly one email to the citizen")
            if mine:
                like(str(mine[0]["Subject"]), r"\[%s\] the administration answered" % leak_ref, "subject in English")
                like(body_of(mine[0]), r"A team is on its way to fix the pipe\.", "the email carries the reply")
            is_(q(srv, "SELECT status FROM requests WHERE id = ?", (leak_id,))[0][0], "pending",
                "the status chosen with the reply was applied")
            page = ag.get("/staff/requests/%d?done=reply" % leak_id)
            like(page.text, r'class="notice ok"', "the notice is shown")
            like(page.text, r'class="event ev-reply public"', "the reply is in the history as public")
            ok(q(srv, "SELECT count(*) FROM audit_log WHERE action = 'request.reply' AND object_id = ?", (leak_id,))[0][0] == 1,
               "reply audited")

            # ---- an internal note: no email, not in the citizen's view
            base = len(sink.messages)
            note = "Internal: the contractor Atlas Pipes owes us a visit"
            r = ag.post_form("/staff/requests/%d/note" % leak_id, {"note": note}, page=page)
            is_(r.status, 303, "note accepted")
            time.sleep(3)
            is_(len(sink.messages), base, "no email for an internal note")
            page = ag.get("/staff/requests/%d" % leak_id)
            like(page.text, r'<li class="event ev-note internal notice"[^>]*><p class="meta"><strong class="label-internal">'
                            r'[^<]+</strong>', "the note is marked internal, with its label")
            ok(note in page.text, "staff see the note")
            public = [x[0] or "" for x in q(srv, "SELECT body FROM request_events WHERE request_id = ? AND public = 1",
                                             (leak_id,))]
            ok(not any(note in b for b in public), "the note is not in the public history")
            link = re.search(r"(/requests/%s\?token=[0-9a-f]{64})" % leak_ref, body_of(mine[0]) if mine else "")
            if link:
                cit = srv.client()
                r = cit.get(link.group(1))
                if r.status == 200:
                    ok(note not in r.text, "the citizen's page (private link) does not show the note")
                    ok("A team is on its way" in r.text, "... but shows the public reply")
                else:
                    diag("citizen page answered %d; checked the history in the database only" % r.status)

            # ---- reply templates, filled in the citizen's language
            adm = srv.client()
            adm.login(*ADMIN)
            water = q(srv, "SELECT id FROM departments WHERE slug = 'water'")[0][0]
            tp = adm.get("/admin/templates")
            r = adm.post_form("/admin/templates", {
                "name": "Acknowledge", "dept": str(water),
                "body_ar": "السيد(ة) {name}، طلبكم {reference} ({category}) قيد المعالجة. الأجل: {due}.",
                "body_fr": "Bonjour {name}, votre demande {reference} ({category}) est en cours. Échéance : {due}.",
                "body_en": "Hello {name}, your request {reference} ({category}) is being handled. Due: {due}."}, page=tp)
            is_(r.status, 303, "admin creates a template for water")
            tid = q(srv, "SELECT id FROM reply_templates WHERE name = 'Acknowledge'")[0][0]
            page = ag.get("/staff/requests/%d" % bill_id)
            like(page.text, r'<option value="%d">Acknowledge</option>' % tid, "the template is offered on the request page")
            r = ag.post_form("/staff/requests/%d/reply" % bill_id, {"action": "template", "template": str(tid), "body": ""},
                             page=page)
            is_(r.status, 200, "'use template' re-renders the page")
            m = re.search(r'<textarea id="f-body" name="body"[^>]*>([^<]*)</textarea>', r.text)
            filled = m.group(1) if m else ""
            like(filled, r"^السيد\(ة\) ", "filled in the citizen's language (ar)")
            ok(bill_ref in filled, "{reference} replaced")
            ok("فاتورة الماء" in filled, "{category} replaced in the citizen's language")
            ok("{name}" not in filled and "{due}" not in filled and "{category}" not in filled, "no placeholder left")
            like(filled, r"الأجل: \d+ ", "{due} replaced by a date")
            r = ag.post_form("/staff/requests/%d/reply" % bill_id, {"action": "template", "template": "999999"}, page=page)
            is_(r.status, 422, "an unknown template is refused")
            page = ag.get("/staff/requests/%d" % leak_id)
            r = ag.post_form("/staff/requests/%d/reply" % leak_id, {"action": "template", "template": str(tid)}, page=page)
            m = re.search(r'<textarea id="f-body" name="body"[^>]*>([^<]*)</textarea>', r.text)
            like(m.group(1) if m else "", r"^Hello citizen, your request %s \(Water leak\)" % leak_ref,
                 "English citizen gets the English text, with a neutral name when none was given")

            # ---- merge: the duplicate is closed, its citizen keeps getting the replies
            api = srv.client()
            dup_id, dup_ref = create_request(srv, api, "water-leak", "Fuite d'eau au coin de la rue, la chaussée est inondée.",
                                             "doublon@example.org", "fr", {"where": "street"})
            time.sleep(2)
            base = len(sink.messages)
            page = ag.get("/staff/requests/%d" % dup_id)
            is_(page.status, 200, "agent opens the duplicate")
            r = ag.post_form("/staff/requests/%d/merge" % dup_id, {"into": "R-NOPE999"}, page=page)
            is_(r.status, 422, "merging into an unknown reference is refused")
            r = ag.post_form("/staff/requests/%d/merge" % dup_id, {"into": leak_ref}, page=page)
            is_(r.status, 303, "merge accepted")
            is_(r.header("Location"), "/staff/requests/%d?done=merge" % leak_id, "redirected to the surviving request")
            st, into = q(srv, "SELECT status, merged_into FROM requests WHERE id = ?", (dup_id,))[0]
            is_(st, "closed", "the duplicate is closed")
            is_(into, leak_id, "... and points to the surviving request")
            page = ag.get("/staff/requests/%d" % leak_id)
            like(page.text, r"%s" % dup_ref, "the surviving request's history names the merged one")
            settle(sink, base + 1)
            base = len(sink.messages)
            r = ag.post_form("/staff/requests/%d/reply" % leak_id,
                             {"action": "send", "body": "The pipe has been repaired.", "status": "solved"}, page=page)
            is_(r.status, 303, "reply on the surviving request")
            msgs = settle(sink, base + 2)[base:]
            first = to_of(msgs, "resident@example.org")
            dup = to_of(msgs, "doublon@example.org")
            is_(len(first), 1, "the original citizen gets the reply once")
            is_(len(dup), 1, "the duplicate's citizen gets it too, once")
            if dup:
                like(str(dup[0]["Subject"]), r"l'administration|administration", "in French for the duplicate's citizen")
                like(body_of(dup[0]), r"The pipe has been repaired\.", "with the reply text")
            ok(q(srv, "SELECT count(*) FROM audit_log WHERE action = 'request.merge'")[0][0] == 1, "merge audited")
    finally:
        sink.stop()


run(main)
