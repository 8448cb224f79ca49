#!/usr/bin/python3
# Cover images through the editor's multipart form: tiny valid PNG, JPEG, GIF
# and WebP files are accepted, stored by content hash and served at
# /media/<sha256>.<ext> with the right content type and immutable caching; a
# text file renamed .png, a 3 MB image and a PNG claiming 100000x100000 pixels
# are refused with a clear message next to the field, and nothing is saved
# (no post row, no file in the media folder).
import base64
import binascii
import hashlib
import html
import os
import re
import sqlite3
import struct
import sys
import uuid
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from majlis import DEMO_EDITOR, Server, binary_path, diag, is_, like, ok, run, skip_all  # noqa: E402


def png(w=1, h=1, pad=b""):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + b"\x0b\x6e\x4f" * w for _ in range(min(h, 4)))
    extra = chunk(b"tEXt", b"Comment\x00" + pad) if pad else b""
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + extra
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


# A 1x1 grey baseline JFIF JPEG, a 1x1 GIF89a and a 1x1 lossless WebP.
JPEG = binascii.unhexlify(
    "FFD8FFE000104A46494600010100000100010000FFDB004300080606070605080707070909080A0C140D0C0B0B0C1912130F141D1A1F1E1D1A1C"
    "1C20242E2720222C231C1C2837292C30313434341F27393D38323C2E333432FFC0000B080001000101011100FFC4001F000001050101010101"
    "0100000000000000000102030405060708090A0BFFC400B5100002010303020403050504040000017D0102030004110512213141061351610722"
    "7114328191A1082342B1C11552D1F02433627282090A161718191A25262728292A3435363738393A434445464748494A535455565758595A6364"
    "65666768696A737475767778797A838485868788898A92939495969798999AA2A3A4A5A6A7A8A9AAB2B3B4B5B6B7B8B9BAC2C3C4C5C6C7C8C9CA"
    "D2D3D4D5D6D7D8D9DAE1E2E3E4E5E6E7E8E9EAF1F2F3F4F5F6F7F8F9FAFFDA0008010100003F00D2CF20FFD9")
GIF = binascii.unhexlify("47494638396101000100800000000000FFFFFF21F90401000000002C00000000010001000002024401003B")
WEBP = base64.b64decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==")


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


def main():
    if not os.access(binary_path(), os.X_OK):
        skip_all("no server binary at %s" % binary_path())
    fr = catalog("fr")  # the demo editor's account language
    with Server() as srv:
        con = sqlite3.connect(srv.db)
        roads = str(con.execute("SELECT id FROM departments WHERE slug = 'roads'").fetchone()[0])
        con.close()
        media_dir = os.path.join(srv.dir, "media")
        ed = srv.client()
        is_(ed.login(*DEMO_EDITOR), 303, "editor logs in")
        anon = srv.client()

        def files_now():
            return sorted(os.listdir(media_dir)) if os.path.isdir(media_dir) else []

        def count():
            c = sqlite3.connect(srv.db)
            try:
                return c.execute("SELECT count(*) FROM posts").fetchone()[0]
            finally:
                c.close()

        def upload(title, filename, ctype, data, pid=None):
            ed.get("/staff/posts/new" if pid is None else "/staff/posts/%d/edit" % pid)
            fields = [("title", title), ("kind", "news"), ("dept", roads), ("lang", "en"), ("summary", ""),
                      ("body", "A post with a cover."), ("tags", ""), ("publish_at", ""), ("action", "publish"),
                      ("csrf", ed.last_csrf or "")]
            body, ct = multipart(fields, [("cover", filename, ctype, data)])
            return ed.request("POST", "/staff/posts" if pid is None else "/staff/posts/%d" % pid, data=body,
                              headers={"Content-Type": ct})

        r = ed.get("/staff/posts/new")
        like(r.text, r'<input id="f-cover" name="cover" type="file" accept="image/png,image/jpeg,image/webp,image/gif">',
             "the form has a file field for the cover")

        # ---- memory: an upload of a few MB must cost the server a few MB, not hundreds
        # (anonymous senders reach the multipart parser too).
        hwm0 = peak_rss_kb(srv)
        n0 = count()
        body, ct = multipart([("title", "x")], [("cover", "big.png", "image/png", png(1, 1, pad=b"\x00" * (3900 * 1024)))])
        r = anon.request("POST", "/staff/posts", data=body, headers={"Content-Type": ct})
        ok(r.status in (303, 401, 403, 413), "an anonymous 3.9 MB multipart post is refused (%d)" % r.status)
        is_(count(), n0, "nothing saved")
        r = upload("Big one", "big.png", "image/png", png(1, 1, pad=b"\x00" * (3900 * 1024)))
        is_(r.status, 422, "and so is the editor's 3.9 MB image")
        hwm1 = peak_rss_kb(srv)
        if hwm0 is not None and hwm1 is not None:
            grown = (hwm1 - hwm0) // 1024
            diag("server peak memory grew by %d MB for two 3.9 MB uploads" % grown)
            ok(grown < 100, "the server's peak memory grows by less than 100 MB (%d MB)" % grown)
        # ---- accepted formats
        for kind, data, ext, ctype in (("PNG", png(2, 2), "png", "image/png"), ("JPEG", JPEG, "jpg", "image/jpeg"),
                                       ("GIF", GIF, "gif", "image/gif"), ("WebP", WEBP, "webp", "image/webp")):
            r = upload("Cover test " + kind, "cover." + ext, "application/octet-stream", data)
            is_(r.status, 303, "%s cover accepted" % kind)
            m = re.match(r"^/staff/posts/(\d+)/edit", r.header("Location", ""))
            pid = int(m.group(1)) if m else 0
            name = hashlib.sha256(data).hexdigest() + "." + ext
            c = sqlite3.connect(srv.db)
            row = c.execute("SELECT cover FROM posts WHERE id = ?", (pid,)).fetchone()
            c.close()
            is_(row, (name,), "%s stored as <sha256>.%s" % (kind, ext))
            ok(os.path.isfile(os.path.join(media_dir, name)), "%s file is in the media folder" % kind)
            r = anon.get("/media/" + name)
            is_(r.status, 200, "%s served at /media/<name>" % kind)
            is_(r.header("Content-Type"), ctype, "%s content type %s" % (kind, ctype))
            like(r.header("Cache-Control", ""), r"immutable", "%s cached as immutable" % kind)
            like(r.header("Cache-Control", ""), r"max-age=31536000", "for a year")
            is_(r.header("X-Content-Type-Options"), "nosniff", "nosniff")
            is_(r.body, data, "%s bytes served unchanged" % kind)
            page = anon.get("/posts/%d" % pid, follow=True)
            like(page.text, r'<img class="cover" src="/media/%s"' % re.escape(name), "%s shown on the post page" % kind)
            api = anon.get("/api/v1/posts/%d" % pid).json()
            like(api.get("cover_url") or "", r"^http://127\.0\.0\.1:\d+/media/%s$" % re.escape(name), "and as cover_url")
        # The same image twice is stored once.
        before = files_now()
        is_(upload("Cover test PNG again", "again.png", "image/png", png(2, 2)).status, 303, "the same PNG again")
        is_(files_now(), before, "stored once (same content, same name)")
        # Editing without a new file keeps the cover.
        c = sqlite3.connect(srv.db)
        pid, cover = c.execute("SELECT id, cover FROM posts WHERE cover LIKE '%.gif'").fetchone()
        c.close()
        ed.get("/staff/posts/%d/edit" % pid)
        fields = [("title", "Cover kept"), ("kind", "news"), ("dept", roads), ("lang", "en"), ("body", "Still."),
                  ("cover_keep", cover), ("action", "save"), ("csrf", ed.last_csrf or "")]
        body, ct = multipart(fields, [("cover", "", "application/octet-stream", b"")])
        is_(ed.request("POST", "/staff/posts/%d" % pid, data=body, headers={"Content-Type": ct}).status, 303,
            "saving without a new file")
        c = sqlite3.connect(srv.db)
        is_(c.execute("SELECT cover FROM posts WHERE id = ?", (pid,)).fetchone(), (cover,), "keeps the cover")
        c.close()

        # ---- refused files
        refused = (
            ("a text file renamed .png", "notes.png", "image/png", b"Just some text, not an image at all.\n" * 20,
             "media.not_image"),
            ("a 3 MB image", "huge.png", "image/png", png(1, 1, pad=b"\x00" * (3 * 1024 * 1024)), "media.too_large"),
            ("a PNG claiming 100000x100000", "bomb.png", "image/png", png(100000, 100000), "media.too_many_pixels"),
            ("a GIF claiming 65535x65535", "bomb.gif", "image/gif", GIF[:6] + b"\xff\xff\xff\xff" + GIF[10:],
             "media.too_many_pixels"),
            ("a JPEG claiming 60000x60000", "bomb.jpg", "image/jpeg", JPEG.replace(
                bytes.fromhex("FFC0000B080001000101"), bytes.fromhex("FFC0000B08EA60EA6001")), "media.too_many_pixels"),
            ("a truncated JPEG", "cut.jpg", "image/jpeg", JPEG[:20], "media.not_image"),
            ("an SVG", "x.png", "image/svg+xml", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
             "media.not_image"),
        )
        for what, filename, ctype, data, key in refused:
            n0, f0 = count(), files_now()
            r = upload("Refused cover", filename, ctype, data)
            is_(r.status, 422, "%s is refused (422)" % what)
            msg = esc(fr.get(key, key))
            like(r.text, r'<p class="err" id="e-cover">%s</p>' % re.escape(msg), "with a clear message next to the field (%s)" % key)
            like(r.text, r'aria-describedby="e-cover"', "the field is marked invalid")
            is_(field(r.text, "title"), "Refused cover", "the typed title is kept")
            is_(count(), n0, "no post saved")
            is_(files_now(), f0, "no file saved")
        # refused on an existing post: the cover does not change
        r = upload("Cover kept", "notes.png", "image/png", b"text", pid=pid)
        is_(r.status, 422, "a bad file on an existing post is refused")
        c = sqlite3.connect(srv.db)
        is_(c.execute("SELECT cover, title FROM posts WHERE id = ?", (pid,)).fetchone(), (cover, "Cover kept"),
            "and the post is unchanged")
        c.close()

        # ---- serving: only names of the stored shape
        for bad in ("/media/../m.db", "/media/" + "a" * 64 + ".exe", "/media/" + "A" * 64 + ".png",
                    "/media/" + "0" * 64 + ".png", "/media/m.db", "/media/%2e%2e%2fm.db"):
            is_(anon.get(bad).status, 404, "%s is 404" % bad[:50])


def peak_rss_kb(srv):
    """VmHWM of the server process in kB, or None when /proc does not tell."""
    try:
        with open("/proc/%d/status" % srv.proc.pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, AttributeError, ValueError):
        pass
    return None


def esc(s):
    """The server's HTML escaping (web/html.c)."""
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("'", "&#39;"))


def field(page, name):
    m = re.search(r'<input id="f-%s" name="%s"[^>]*?value="([^"]*)"' % (name, name), page)
    return html.unescape(m.group(1)) if m else None


run(main)
