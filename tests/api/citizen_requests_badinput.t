#!/usr/bin/python3
# Citizen requests, bad input and limits: a real tiny PNG is accepted, stored
# by content hash and served; a text file named .png, a 3 MB image and six
# photos are refused with a message next to the photo field, values kept, and
# nothing is written (request rows, photo rows and media files counted); bad
# coordinates, an unknown category, a missing required attribute, a missing
# contact, a malformed multipart body and a missing CSRF token answer clean
# 4xx; the submission rate limit answers 429 with a clear message.
import html
import os
import re
import sqlite3
import struct
import sys
import uuid
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from majlis import Server, is_, like, ok, run  # noqa: E402


def png(w=1, h=1, pad=b""):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + b"\x0b\x6e\x4f" * w for _ in range(min(h, 4)))
    extra = chunk(b"tEXt", b"Comment\x00" + pad) if pad else b""
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + extra
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


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


BASE = [("kind", "report"), ("category", "pothole"), ("attribute[size]", "small"),
        ("description", "Petit trou devant la poste"), ("contact_email", "bad.input@example.net")]


def main():
    en, fr = catalog("en"), catalog("fr")
    with Server() as srv:
        db = sqlite3.connect(srv.db, timeout=10)
        media = os.path.join(srv.dir, "media")
        c = srv.client()

        def post(fields, files=(), lang="en", csrf=True):
            c.get("/requests/new?category=pothole", headers={"Accept-Language": lang})
            fields = list(fields) + ([("csrf", c.last_csrf or "")] if csrf else [])
            body, ct = multipart(fields, files)
            return c.request("POST", "/requests/new", data=body, headers={"Content-Type": ct, "Accept-Language": lang})

        def counts():
            files = len(os.listdir(media)) if os.path.isdir(media) else 0
            return (db.execute("SELECT count(*) FROM requests").fetchone()[0],
                    db.execute("SELECT count(*) FROM request_photos").fetchone()[0], files)

        def err(r, field):
            m = re.search(r'<p class="err" id="e-%s">([^<]*)</p>' % re.escape(field), r.text)
            return html.unescape(m.group(1)) if m else None

        # ---- a real tiny PNG
        before = counts()
        image = png(2, 2)
        r = post(BASE, [("photos", "hole.png", "image/png", image)])
        is_(r.status, 303, "a tiny PNG is accepted")
        ref = r.header("Location", "").split("/")[2]
        name = db.execute("SELECT p.media FROM request_photos p JOIN requests r ON r.id = p.request_id WHERE r.ref = ?",
                          (ref,)).fetchone()
        ok(name and re.match(r"^[0-9a-f]{64}\.png$", name[0]), "photo stored by content hash (%s)" % (name,))
        after = counts()
        is_((after[0] - before[0], after[1] - before[1]), (1, 1), "one request row, one photo row")
        r = c.get("/requests/%s" % ref)
        like(r.text, r'<img src="/media/%s"' % re.escape(name[0]), "the request page shows the photo")
        r = c.get("/media/" + name[0])
        is_((r.status, r.header("Content-Type"), r.body), (200, "image/png", image), "the photo is served as is")

        # ---- refused photos: nothing written
        base_counts = counts()
        cases = (
            ("a text file named .png", [("photos", "notes.png", "image/png", b"Just text, not an image.\n" * 20)],
             "req.photo_rejected"),
            ("a 3 MB upload", [("photos", "huge.png", "image/png", png(1, 1, pad=b"\x00" * (3 * 1024 * 1024)))],
             "media.too_large"),
            ("six photos", [("photos", "p%d.png" % i, "image/png", png(1, 1 + i)) for i in range(6)],
             "request.too_many_photos"),
            ("a good photo with a bad one", [("photos", "ok.png", "image/png", png(3, 3)),
                                             ("photos", "bad.png", "image/png", b"GIF? no")], "req.photo_rejected"),
        )
        for label, files, key in cases:
            r = post(BASE, files, lang="fr")
            is_(r.status, 422, "%s: refused with 422" % label)
            is_(err(r, "photos"), fr[key], "%s: message next to the photo field, in French" % label)
            like(r.text, r'aria-describedby="e-photos"', "%s: the field points at its message" % label)
            like(html.unescape(r.text), "Petit trou devant la poste", "%s: typed values kept" % label)
            is_(counts(), base_counts, "%s: nothing written (rows and files)" % label)

        # ---- other bad fields: clean 4xx, message next to each field, nothing written
        checks = (
            ("latitude 95", [("lat", "95"), ("lon", "-7.5")], "lat", "request.bad_lat"),
            ("longitude not a number", [("lat", "33.5"), ("lon", "abc")], "lon", "request.bad_lon"),
            ("latitude without longitude", [("lat", "33.5")], "lon", "request.bad_lon"),
        )
        for label, extra, field, key in checks:
            r = post(BASE + extra)
            is_(r.status, 422, "%s: 422" % label)
            is_(err(r, field), en[key], "%s: message next to %s" % (label, field))
        r = post([("kind", "report"), ("category", "no-such-cat"), ("description", "x"), ("contact_email", "a@b.org")])
        is_(r.status, 422, "unknown category: 422")
        is_(err(r, "category"), en["request.unknown_category"], "unknown category: message next to the select")
        r = post([f for f in BASE if f[0] != "attribute[size]"])
        is_(r.status, 422, "missing required attribute: 422")
        is_(err(r, "attribute[size]"), en["form.required"], "missing required attribute: message next to it")
        r = post([f for f in BASE if f[0] != "attribute[size]"] + [("attribute[size]", "enormous")])
        is_(err(r, "attribute[size]"), en["request.attr_invalid"], "value not in the list: refused")
        r = post([f for f in BASE if f[0] != "contact_email"])
        is_(err(r, "contact_email"), en["request.contact_needed"], "anonymous without email or phone: refused")
        r = post([f for f in BASE if f[0] != "contact_email"] + [("contact_email", "not-an-email")])
        is_(r.status, 422, "malformed email: 422")
        r = post([f for f in BASE if f[0] != "description"] + [("description", "   ")])
        is_(err(r, "description"), en["form.required"], "blank description: required")
        r = post([f for f in BASE if f[0] != "kind"] + [("kind", "rant")])
        is_(err(r, "kind"), en["form.invalid_choice"], "unknown kind: refused")
        r = post(BASE, csrf=False)
        is_(r.status, 403, "no CSRF token: 403")
        c.get("/requests/new")
        r = c.request("POST", "/requests/new", data=b"--xyz\r\nContent-Disposition: form-da",
                      headers={"Content-Type": "multipart/form-data; boundary=xyz"})
        ok(400 <= r.status < 500, "truncated multipart body: clean 4xx (%d)" % r.status)
        r = c.request("POST", "/requests/new", data=b"garbage without boundary",
                      headers={"Content-Type": "multipart/form-data"})
        ok(400 <= r.status < 500, "multipart without boundary: clean 4xx (%d)" % r.status)
        is_(counts(), base_counts, "none of the refused submissions wrote anything")

        # ---- rate limit per IP (every POST counts; 30 per hour; this file made 15 so far)
        statuses = []
        for i in range(25):
            r = post(BASE + [("lat", "33.5"), ("lon", "-7.5")])
            statuses.append(r.status)
            if r.status == 429:
                break
        is_(statuses[-1], 429, "submissions are rate-limited per IP (%s)" % statuses)
        like(html.unescape(r.text), re.escape(en["req.rate_limited"].split("{1}")[0]), "the 429 page says why, clearly")
        ok(r.header("Retry-After", "").isdigit(), "Retry-After header")
        db.close()


run(main)
