#!/usr/bin/python3
# Privacy of citizen requests, each denial proven: a private request answers
# 404 — the same page as a reference that does not exist — to anonymous
# visitors (no token, a wrong token), to another logged-in citizen and to an
# agent of another department, while its author (token) and the handling
# department's agent see it. A public request is readable by everyone, but
# without contact details and with the phone numbers and emails in its text
# masked (page and public list); its author still sees everything.
import html
import os
import re
import sqlite3
import sys
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from majlis import DEMO_CITIZEN, DEMO_EDITOR, Server, is_, like, ok, run  # noqa: E402

AGENT = ("agent@example.org", "majlis-agent-2026")


def multipart(fields):
    boundary = "----majlis" + uuid.uuid4().hex
    out = []
    for name, value in fields:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n" % (boundary, name, value))
                   .encode("utf-8"))
    out.append(("--%s--\r\n" % boundary).encode())
    return b"".join(out), "multipart/form-data; boundary=" + boundary


def submit(c, fields):
    c.get("/requests/new?category=" + dict(fields)["category"])
    body, ct = multipart(list(fields) + [("csrf", c.last_csrf or "")])
    r = c.request("POST", "/requests/new", data=body, headers={"Content-Type": ct})
    m = re.match(r"^/requests/(R-[0-9A-Z]{7})/done(?:\?token=([0-9a-f]{64}))?$", r.header("Location", ""))
    return r, (m.group(1) if m else None), (m.group(2) if m else None)


def strip_volatile(text):
    # CSRF values, cookies and the requested path differ between two 404 pages.
    text = re.sub(r'value="[^"]*"', "", text)
    return re.sub(r'next=[^"&]*', "", text)


def main():
    with Server() as srv:
        db = sqlite3.connect(srv.db, timeout=10)
        anon = srv.client()
        # ---- a private request (water bill), anonymous with a phone
        r, pref, ptok = submit(anon, [("kind", "complaint"), ("category", "water-bill"),
                                      ("description", "Facture trop élevée, compteur 4471."),
                                      ("contact_phone", "0612345678"), ("contact_name", "Zineb Testname")])
        is_(r.status, 303, "private request submitted")
        ok(pref and ptok, "reference and token (%s)" % pref)
        nobody = srv.client()
        missing = nobody.get("/requests/R-2222222")
        is_(missing.status, 404, "an unknown reference is 404")
        for label, path in (("no token", "/requests/%s" % pref), ("a wrong token", "/requests/%s?token=%s" % (pref, "a" * 64)),
                            ("a malformed token", "/requests/%s?token=xyz" % pref),
                            ("another request's token", None)):
            if path is None:
                continue
            r = nobody.get(path)
            is_(r.status, 404, "private request with %s: 404" % label)
            is_(strip_volatile(r.text), strip_volatile(missing.text), "... the same page as a missing one (%s)" % label)
        is_(nobody.get("/requests/%s/done" % pref).status, 404, "private confirmation without token: 404")
        r = nobody.get("/requests/%s?token=%s" % (pref, ptok))
        is_(r.status, 200, "the token holder sees it")
        like(r.text, "0612345678", "... with the contact phone")
        like(r.text, "compteur 4471", "... and the description")

        other = srv.client()
        is_(other.login(*DEMO_CITIZEN), 303, "another citizen logs in")
        is_(other.get("/requests/%s" % pref).status, 404, "another logged-in citizen: 404")
        ok(pref not in other.get("/requests").text, "... not in their 'my requests'")
        r = other.post_form("/requests/%s/reply" % pref, {"body": "x"}, page=other.get("/requests/new"))
        is_(r.status, 404, "another citizen cannot answer it (404)")
        r = other.post_form("/requests/%s/rate" % pref, {"rating": "1"}, page=other.get("/requests/new"))
        is_(r.status, 404, "another citizen cannot rate it (404)")

        agent = srv.client()
        is_(agent.login(*AGENT), 303, "water agent logs in")
        r = agent.get("/requests/%s" % pref)
        is_(r.status, 200, "the handling department's agent sees it")
        like(r.text, "0612345678", "... with the contact")

        # a private request of another department (urbanism)
        r, uref, utok = submit(anon, [("kind", "question"), ("category", "permit-question"),
                                      ("description", "Faut-il un permis pour un mur de clôture ?"),
                                      ("contact_email", "q@example.net")])
        is_(r.status, 303, "urbanism question submitted")
        is_(agent.get("/requests/%s" % uref).status, 404, "an agent of another department: 404")
        editor = srv.client()
        is_(editor.login(*DEMO_EDITOR), 303, "an editor (roads, culture) logs in")
        is_(editor.get("/requests/%s" % uref).status, 404, "an editor without the agent role: 404")
        is_(nobody.get("/requests/%s?token=%s" % (uref, ptok)).status, 404, "another request's token: 404")

        # ---- a public request with personal data in the text
        desc = ("Lampadaire cassé devant chez moi, appelez-moi au 06 12 34 56 78 ou +212 6 61 23 45 67, "
                "ou écrivez à zineb.private@example.org")
        r, sref, stok = submit(anon, [("kind", "report"), ("category", "streetlight"), ("description", desc),
                                      ("contact_email", "owner.hidden@example.net"), ("contact_name", "Zineb Testname"),
                                      ("address", "12 rue des Lilas")])
        is_(r.status, 303, "public request submitted")
        for label, c in (("anonymous", nobody), ("another citizen", other)):
            r = c.get("/requests/%s" % sref)
            is_(r.status, 200, "%s reads the public request" % label)
            text = html.unescape(r.text)
            ok("06 12 34 56 78" not in text and "6 61 23 45 67" not in text, "%s: phone numbers masked" % label)
            ok("zineb.private@example.org" not in text, "%s: email in the text masked" % label)
            like(text, r"\[phone\].*\[phone\].*\[email\]", "%s: masks shown in their place" % label)
            ok("owner.hidden@example.net" not in text, "%s: contact email not shown" % label)
            ok("Zineb" not in text, "%s: contact name not shown" % label)
            ok('class="contact"' not in text, "%s: no contact field at all" % label)
            ok("/reply" not in text and "/rate" not in text, "%s: no answer or rating form" % label)
        r = nobody.get("/requests/public?category=streetlight")
        text = html.unescape(r.text)
        like(text, re.escape(sref), "public list shows the public request")
        ok("06 12 34 56 78" not in text and "zineb.private@example.org" not in text, "public list is masked too")
        r = nobody.get("/requests/public")
        ok(pref not in r.text and uref not in r.text, "private requests never appear in the public list")
        r = nobody.get("/requests/%s?token=%s" % (sref, stok))
        like(html.unescape(r.text), re.escape("06 12 34 56 78"), "the author (token) sees the text unmasked")
        like(r.text, "owner.hidden@example.net", "... and their contact")
        # the JSON of the stored row is untouched (masking happens on display only)
        is_(db.execute("SELECT description FROM requests WHERE ref = ?", (sref,)).fetchone()[0], desc,
            "stored description unchanged")
        db.close()


run(main)
