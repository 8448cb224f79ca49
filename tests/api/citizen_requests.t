#!/usr/bin/python3
# Citizen requests, the happy paths: the two-step form without JavaScript
# (category first, then its extra fields by datatype), an anonymous submission
# with an email -> confirmation with reference and private link, the receipt
# email in the page language carrying that link, the token page; the staff
# asks a question (pending), the citizen answers through the private link
# (pending -> open), the staff solves it, the citizen rates it; a logged-in
# citizen submits with their account and sees "my requests"; track by
# reference; every page in Arabic has dir="rtl".
import html
import os
import re
import sqlite3
import sys
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from majlis import DEMO_CITIZEN, Server, diag, is_, like, ok, run  # noqa: E402
from smtpsink import SmtpSink  # noqa: E402

AGENT = ("agent@example.org", "majlis-agent-2026")


def multipart(fields, files=()):
    boundary = "----majlis" + uuid.uuid4().hex
    out = []
    for name, value in fields:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n" % (boundary, name)).encode())
        out.append(value.encode("utf-8"))
        out.append(b"\r\n")
    for name, filename, ctype, data in files:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\nContent-Type: %s\r\n\r\n"
                    % (boundary, name, filename, ctype)).encode())
        out.append(data)
        out.append(b"\r\n")
    out.append(("--%s--\r\n" % boundary).encode())
    return b"".join(out), "multipart/form-data; boundary=" + boundary


def catalog(lang):
    out = {}
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "i18n", lang + ".txt"),
              encoding="utf-8") as f:
        for line in f:
            if "=" in line and not line.lstrip().startswith("#"):
                k, v = line.split("=", 1)
                out[k.strip()] = v.strip()
    return out


def submit(c, fields, files=(), lang="en"):
    """GETs the form (for the CSRF token), then POSTs it as multipart."""
    page = c.get("/requests/new?category=" + dict(fields).get("category", "pothole"),
                 headers={"Accept-Language": lang})
    fields = list(fields) + [("csrf", c.last_csrf or "")]
    body, ct = multipart(fields, files)
    return c.request("POST", "/requests/new", data=body, headers={"Content-Type": ct, "Accept-Language": lang})


def rtl(r):
    return re.search(r'<html lang="ar" dir="rtl"', r.text) is not None


def main():
    en, ar, fr = catalog("en"), catalog("ar"), catalog("fr")
    with SmtpSink() as sink, Server(env={"MAJLIS_SMTP_URL": sink.url, "MAJLIS_JOB_RETRY_BASE": "1",
                                        "MAJLIS_TICK_INTERVAL": "1"}) as srv:
        db = sqlite3.connect(srv.db, timeout=10)
        c = srv.client()

        # ---- step 1: kind and category, grouped, by GET
        r = c.get("/requests/new")
        is_(r.status, 200, "GET /requests/new answers")
        like(r.text, r'<form method="get" action="/requests/new">', "step 1 is a GET form (no JavaScript needed)")
        like(r.text, r'<optgroup label="[^"]+"><option value="pothole"', "categories are grouped (optgroup)")
        ok('name="description"' not in r.text, "step 1 does not show the full form yet")
        # ---- step 2: the category's extra fields by datatype
        r = c.get("/requests/new?category=water-leak&kind=report")
        is_(r.status, 200, "step 2 for water-leak")
        like(r.text, r'<select id="f-attribute\[where\]" name="attribute\[where\]" required', "list attribute -> select")
        like(r.text, r'name="attribute\[since\]" type="datetime-local"', "datetime attribute -> datetime-local")
        like(r.text, r'<option value="water-leak" selected>', "the chosen category is selected")
        like(r.text, r'enctype="multipart/form-data"', "the form is multipart (photos)")
        like(r.text, r'name="contact_email" type="email"', "anonymous: email field")
        like(r.text, r'name="contact_phone" type="tel"', "anonymous: phone field")
        ok(html.escape(en["req.location_hint"], quote=True) in r.text or en["req.location_hint"] in html.unescape(r.text),
           "one line explains how to get coordinates")
        r = c.get("/requests/new?category=no-such-thing")
        is_(r.status, 404, "unknown category in step 1 -> 404 with the picker")
        like(html.unescape(r.text), re.escape(en["request.unknown_category"]), "... and says so")

        # ---- anonymous submission in French, with an email
        desc = "Fuite importante au coin de la rue, l'eau coule depuis ce matin."
        r = submit(c, [("kind", "report"), ("category", "water-leak"), ("attribute[where]", "street"),
                       ("attribute[since]", "2026-01-10T08:30"), ("description", desc), ("lat", "33.57"),
                       ("lon", "-7.59"), ("address", "Rue des Orangers"), ("contact_email", "Anon.Person@Example.net"),
                       ("contact_name", "Anon")], lang="fr")
        is_(r.status, 303, "anonymous submission -> 303")
        loc = r.header("Location", "")
        m = re.match(r"^/requests/(R-[2-9A-HJKMNP-Z]{7})/done\?token=([0-9a-f]{64})$", loc)
        ok(m, "redirect to the confirmation with reference and token (%s)" % loc)
        ref, token = m.group(1), m.group(2)
        r = c.get(loc, headers={"Accept-Language": "fr"})
        is_(r.status, 200, "confirmation page")
        like(r.text, r'<p class="ref">%s</p>' % ref, "confirmation shows the reference")
        like(r.text, re.escape("%s/requests/%s?token=%s" % (srv.base_url, ref, token)), "... and the full private link")
        like(html.unescape(r.text), re.escape(fr["req.keep_link"]), "... with the 'keep this link' note (fr)")
        is_(c.get("/requests/%s/done" % ref).status, 404, "the confirmation without token is 404")
        row = db.execute("SELECT lang, contact_email, contact_name, attributes, lat, channel, user_id FROM requests "
                         "WHERE ref = ?", (ref,)).fetchone()
        is_(row[0], "fr", "request language = page language")
        is_(row[1], "anon.person@example.net", "email stored normalised")
        like(row[3], r'"where":"street"', "attributes stored")
        is_(row[5], "web", "channel web")
        is_(row[6], None, "no account")

        # ---- receipt email, in French, with the link
        mine, msgs = [], []
        # the demo's own mails come first (11 of them): look further than that
        for n in range(1, 41):
            msgs = sink.wait(n, timeout=3)
            mine = [m_ for m_ in msgs if "anon.person@example.net" in str(m_["To"])]
            if mine or len(msgs) < n:
                break
        ok(mine, "receipt email arrived (%d messages in the sink)" % len(msgs))
        if mine:
            mail = mine[0]
            body = mail.get_body(preferencelist=("plain",)).get_content()
            like(str(mail["Subject"]), re.escape(ref), "subject carries the reference")
            like(str(mail["Subject"]) + body, re.escape(fr["notify.created"]), "email is in French (page language)")
            like(body, re.escape("%s/requests/%s?token=%s" % (srv.base_url, ref, token)), "email carries the private link")

        # ---- the token page
        r = c.get("/requests/%s?token=%s" % (ref, token), headers={"Accept-Language": "fr"})
        is_(r.status, 200, "token page answers")
        like(html.unescape(r.text), re.escape(desc), "token page shows the description unmasked")
        like(r.text, r'class="contact"', "the author sees their contact details")
        like(r.text, r'Rue des Orangers', "... and the address")
        like(html.unescape(r.text), re.escape(fr["req.ev_created"]), "history: received")
        like(html.unescape(r.text), re.escape(fr["rstatus.new"]), "status shown: new")
        like(r.text, r'action="/requests/%s/reply\?token=%s"' % (ref, token), "the author gets the answer form")
        ok('action="/requests/%s/rate' % ref not in r.text, "no rating form before solved")
        r = c.get("/requests/%s?token=%s" % (ref, "0" * 64))
        is_(r.status, 200, "a wrong token on a PUBLIC request still shows it (masked view)")
        ok('class="contact"' not in r.text and "reply?token" not in r.text, "... without contact or answer form")

        # ---- staff asks a question (pending) through the staff pages
        rid = db.execute("SELECT id FROM requests WHERE ref = ?", (ref,)).fetchone()[0]
        agent = srv.client()
        is_(agent.login(*AGENT), 303, "agent (water) logs in")
        page = agent.get("/staff/requests/%d" % rid)
        r = agent.post_form("/staff/requests/%d/reply" % rid,
                            {"body": "Merci. Pouvez-vous préciser le numéro de la maison ?", "status": "pending"},
                            page=page)
        ok(r.status in (200, 303), "agent replies and sets pending (%d)" % r.status)
        st = db.execute("SELECT status FROM requests WHERE id = ?", (rid,)).fetchone()[0]
        is_(st, "pending", "request is pending")
        r = c.get("/requests/%s?token=%s" % (ref, token), headers={"Accept-Language": "fr"})
        like(html.unescape(r.text), re.escape(fr["req.pending_note"]), "the citizen is told an answer is awaited")
        like(r.text, "préciser le numéro", "the public reply shows in the history")
        db.execute("INSERT INTO request_events(request_id, at, actor, type, public, body) "
                   "VALUES (?, strftime('%s','now'), 'x', 'note', 0, 'INTERNAL-NOTE-SECRET')", (rid,))
        db.commit()
        r = c.get("/requests/%s?token=%s" % (ref, token))
        ok("INTERNAL-NOTE-SECRET" not in r.text, "internal notes never reach the citizen page")

        # ---- the citizen answers: pending -> open
        r = c.post_form("/requests/%s/reply?token=%s" % (ref, token), {"body": "   "}, page=r)
        is_(r.status, 422, "empty answer -> 422")
        like(r.text, r'<p class="err" id="e-body">', "... with the error next to the field")
        r = c.post_form("/requests/%s/reply?token=%s" % (ref, token), {"body": "C'est au numéro 14.", "token": token})
        is_(r.status, 303, "the citizen answers with the private link")
        is_(db.execute("SELECT status FROM requests WHERE id = ?", (rid,)).fetchone()[0], "open", "pending -> open")
        other = srv.client()
        r = other.post_form("/requests/%s/reply" % ref, {"body": "spoof"}, page=other.get("/requests/new"))
        is_(r.status, 403, "a stranger cannot answer a public request")

        # ---- solved -> rating
        page = agent.get("/staff/requests/%d" % rid)
        r = agent.post_form("/staff/requests/%d/status" % rid, {"status": "solved"}, page=page)
        is_(db.execute("SELECT status FROM requests WHERE id = ?", (rid,)).fetchone()[0], "solved",
            "staff solves it (%d)" % r.status)
        r = c.get("/requests/%s?token=%s" % (ref, token))
        like(r.text, r'action="/requests/%s/rate\?token=%s"' % (ref, token), "rating form after solved")
        r = c.post_form("/requests/%s/rate?token=%s" % (ref, token), {"rating": "9", "token": token}, page=r)
        is_(r.status, 422, "rating 9 refused")
        like(r.text, r'id="e-rating"', "... with a message next to the stars")
        r = c.post_form("/requests/%s/rate?token=%s" % (ref, token),
                        {"rating": "4", "comment": "Rapide, merci.", "token": token})
        is_(r.status, 303, "rating 4 accepted")
        row = db.execute("SELECT rating, rating_comment FROM requests WHERE id = ?", (rid,)).fetchone()
        is_(row, (4, "Rapide, merci."), "rating stored")
        r = c.get("/requests/%s?token=%s" % (ref, token))
        ok('action="/requests/%s/rate' % ref not in r.text, "no second rating form")
        like(r.text, r"4/5", "rating shown")

        # ---- logged-in citizen, Arabic
        cit = srv.client()
        is_(cit.login(*DEMO_CITIZEN), 303, "citizen logs in")
        r = cit.get("/requests/new?category=pothole")
        ok('name="contact_email"' not in r.text, "logged in: no contact fields (account used)")
        ok(rtl(r), "Arabic form has dir=rtl")
        r = submit(cit, [("kind", "complaint"), ("category", "pothole"), ("attribute[size]", "large"),
                         ("description", "حفرة كبيرة في الزنقة 5")], lang="ar")
        is_(r.status, 303, "logged-in submission -> 303")
        loc = r.header("Location", "")
        like(loc, r"^/requests/R-[2-9A-Z]{7}/done$", "no token in the logged-in confirmation link")
        ref2 = loc.split("/")[2]
        r = cit.get(loc)
        is_(r.status, 200, "confirmation for the account holder")
        ok("token=" not in r.text, "no private link shown to an account holder")
        ok(rtl(r), "confirmation in Arabic has dir=rtl")
        r = cit.get("/requests")
        is_(r.status, 200, "my requests")
        like(r.text, re.escape(ref2), "my requests lists the new one")
        ok(ref not in r.text, "... and not someone else's")
        ok(rtl(r), "my requests in Arabic has dir=rtl")
        r = cit.get("/requests/" + ref2)
        like(r.text, r'action="/requests/%s/reply"' % ref2, "the account holder can answer without a token")
        ok(rtl(r), "request page in Arabic has dir=rtl")
        is_(srv.client().get("/requests").status in (303, 401), True, "my requests needs a login")

        # ---- track by reference
        t = srv.client()
        r = t.post_form("/requests/track", {"ref": ref.lower(), "contact": "anon.person@example.NET"})
        is_(r.status, 303, "track: reference + email -> redirect")
        is_(r.header("Location"), "/requests/%s?token=%s" % (ref, token), "... to the private link")
        r = t.post_form("/requests/track", {"ref": ref, "contact": "someone@else.org"})
        is_(r.status, 404, "track: wrong contact -> 404")
        r2 = t.post_form("/requests/track", {"ref": "R-2222222", "contact": "someone@else.org"})
        is_(r2.status, 404, "track: unknown reference -> 404")
        is_(re.sub(r'value="[^"]*"', "", r.text), re.sub(r'value="[^"]*"', "", r2.text),
            "... the same page whether the reference exists or not")
        r = t.post_form("/requests/track", {"ref": ref2, "contact": "citizen@example.org"})
        is_(r.status, 303, "track works with the account's email for account holders")

        # ---- public list, Arabic pages
        for path in ("/requests/new", "/requests/new?category=water-leak", "/requests/public", "/requests/track",
                     "/requests/%s" % ref, "/requests/%s?token=%s" % (ref, token)):
            r = t.get(path, headers={"Accept-Language": "ar"})
            ok(r.status == 200 and rtl(r), "ar: %s has dir=rtl (%d)" % (path, r.status))
        r = t.get("/requests/public?category=water-leak")
        like(r.text, re.escape(ref), "public list filtered by category shows it")
        r = t.get("/requests/public?status=new&category=water-leak")
        ok(ref not in r.text, "status filter excludes a solved one")
        is_(t.get("/requests/public?status=bogus").status, 400, "bad status filter -> 400")
        is_(t.get("/requests/public?page=0").status, 400, "bad page -> 400")
        db.close()


run(main)
