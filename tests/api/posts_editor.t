#!/usr/bin/python3
# The HTML editor (multipart forms with CSRF): create a draft, preview (renders,
# saves nothing), publish, edit, schedule, unpublish, archive, delete; errors
# shown next to their fields with the typed values kept; Markdown is made safe;
# an editor of roads cannot create or edit a water post (403); a citizen cannot
# reach the editor (403); anonymous visitors are sent to the login page.
import datetime
import html
import os
import re
import sqlite3
import sys
import time
import uuid
from zoneinfo import ZoneInfo

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from majlis import DEMO_CITIZEN, DEMO_EDITOR, Server, binary_path, diag, is_, like, ok, run, skip_all  # noqa: E402


def multipart(fields, files=()):
    """(body bytes, content type) for fields [(name, value)] and files [(name, filename, ctype, bytes)]."""
    boundary = "----majlis" + uuid.uuid4().hex
    out = []
    for name, value in fields:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n" % (boundary, name)).encode())
        out.append(value.encode("utf-8") if isinstance(value, str) else value)
        out.append(b"\r\n")
    for name, filename, ctype, data in files:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\nContent-Type: %s\r\n\r\n"
                    % (boundary, name, filename, ctype)).encode())
        out.append(data)
        out.append(b"\r\n")
    out.append(("--%s--\r\n" % boundary).encode())
    return b"".join(out), "multipart/form-data; boundary=" + boundary


def post_multipart(client, path, fields, files=(), csrf=True):
    fields = list(fields.items()) if isinstance(fields, dict) else list(fields)
    if csrf and not any(k == "csrf" for k, _ in fields):
        fields.append(("csrf", client.last_csrf or ""))
    body, ctype = multipart(fields, files)
    return client.request("POST", path, data=body, headers={"Content-Type": ctype})


def db_rows(srv, sql, args=()):
    con = sqlite3.connect(srv.db)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def esc(s):
    """The server's HTML escaping (web/html.c)."""
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("'", "&#39;"))


def catalog(lang):
    out = {}
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "i18n", lang + ".txt"),
              encoding="utf-8") as f:
        for line in f:
            if "=" in line and not line.lstrip().startswith("#"):
                k, v = line.split("=", 1)
                out[k.strip()] = v.strip()
    return out


def field_value(page, name):
    m = re.search(r'<input id="f-%s" name="%s"[^>]*?value="([^"]*)"' % (name, name), page)
    return html.unescape(m.group(1)) if m else None


def textarea(page, name):
    m = re.search(r'<textarea id="f-%s" name="%s"[^>]*>(.*?)</textarea>' % (name, name), page, re.S)
    return html.unescape(m.group(1)) if m else None


def main():
    if not os.access(binary_path(), os.X_OK):
        skip_all("no server binary at %s" % binary_path())
    with Server() as srv:
        depts = dict(db_rows(srv, "SELECT slug, id FROM departments"))
        roads, water = str(depts["roads"]), str(depts["water"])
        ed = srv.client()
        is_(ed.login(*DEMO_EDITOR), 303, "editor logs in")

        # ---- access
        anon = srv.client()
        r = anon.get("/staff/posts/new")
        is_(r.status, 303, "anonymous: the editor redirects")
        like(r.header("Location", ""), r"^/login\?next=", "to the login page")
        cit = srv.client()
        is_(cit.login(*DEMO_CITIZEN), 303, "citizen logs in")
        is_(cit.get("/staff/posts/new").status, 403, "a citizen gets 403 on the editor form")
        is_(cit.get("/staff/posts").status, 403, "and on the editor list")
        cit.get("/")
        r = post_multipart(cit, "/staff/posts", {"title": "Citizen post", "kind": "news", "dept": roads, "lang": "fr",
                                                  "body": "x", "action": "save"})
        is_(r.status, 403, "a citizen cannot post to the editor")

        r = ed.get("/staff/posts/new")
        is_(r.status, 200, "editor form is 200")
        like(r.text, r'<form method="post" action="/staff/posts" enctype="multipart/form-data">', "a multipart form")
        like(r.text, r'name="csrf"', "with a CSRF field")
        ok("<script" not in r.text.lower(), "and no <script> at all")
        opts = re.findall(r'<select id="f-dept"[^>]*>(.*?)</select>', r.text, re.S)
        dept_values = re.findall(r'<option value="(\d+)"', opts[0]) if opts else []
        is_(sorted(dept_values), sorted([roads, str(depts["culture"])]), "department choices are the editor's own")

        base = {"title": "Travaux rue des Orangers", "kind": "announcement", "dept": roads, "lang": "fr",
                "summary": "", "body": "Les travaux **commencent** lundi.", "tags": "travaux, Voirie", "publish_at": ""}
        count = lambda: db_rows(srv, "SELECT count(*) FROM posts")[0][0]  # noqa: E731

        # ---- CSRF
        n0 = count()
        r = post_multipart(ed, "/staff/posts", dict(base, action="save", csrf="f" * 64))
        is_(r.status, 403, "a wrong CSRF token is refused")
        r = post_multipart(ed, "/staff/posts", dict(base, action="save"), csrf=False)
        is_(r.status, 403, "a missing CSRF token is refused")
        is_(count(), n0, "nothing saved")

        # ---- preview
        ed.get("/staff/posts/new")
        r = post_multipart(ed, "/staff/posts", dict(base, action="preview"))
        is_(r.status, 200, "preview is 200")
        like(r.text, r'class="preview"', "shows a preview section")
        like(r.text, r"<strong>commencent</strong>", "with the Markdown rendered")
        is_(field_value(r.text, "title"), base["title"], "the form keeps the title")
        is_(count(), n0, "preview saves nothing")

        # ---- save a draft
        r = post_multipart(ed, "/staff/posts", dict(base, action="save"))
        is_(r.status, 303, "save is 303")
        m = re.match(r"^/staff/posts/(\d+)/edit\?saved=1$", r.header("Location", ""))
        ok(m is not None, "to the edit page of the new post")
        pid = int(m.group(1)) if m else 0
        row = db_rows(srv, "SELECT title, status, publish_at, dept_id, lang, kind FROM posts WHERE id = ?", (pid,))
        is_(row, [(base["title"], "draft", None, int(roads), "fr", "announcement")], "stored as a draft")
        is_(sorted(t for (t,) in db_rows(srv, "SELECT tag FROM post_tags WHERE post_id = ?", (pid,))),
            ["travaux", "voirie"], "tags stored normalised")
        r = ed.get("/staff/posts/%d/edit?saved=1" % pid)
        like(r.text, r'class="notice ok"', "the edit page confirms the save")
        is_(field_value(r.text, "title"), base["title"], "and shows the title")
        is_(anon.get("/posts/%d" % pid).status, 404, "a draft is 404 for anonymous readers")
        like(ed.get("/staff/posts?dept=" + roads).text, re.escape(html.escape(base["title"], quote=True)),
             "the draft is in the editor's list")

        # ---- errors next to fields, typed values kept
        bad = dict(base, title="ab", body="", publish_at="31/12/2026 soon", tags=",".join("t%d" % i for i in range(11)),
                   action="save")
        ed.get("/staff/posts/new")
        r = post_multipart(ed, "/staff/posts", bad)
        is_(r.status, 422, "invalid input is 422")
        like(r.text, r'class="err-summary"', "with an error summary")
        fr = catalog("fr")  # the demo editor's account language
        for f, key in (("title", "post.title_length"), ("body", "form.required"), ("publish_at", "form.bad_datetime"),
                       ("tags", "post.too_many_tags")):
            like(r.text, r'aria-describedby="e-%s"' % f, "%s is marked invalid" % f)
            like(r.text, r'<p class="err" id="e-%s">%s</p>' % (f, re.escape(esc(fr[key]))),
                 "%s has its message (%s, in French) next to it" % (f, key))
        is_(field_value(r.text, "title"), "ab", "the typed (too short) title is kept")
        is_(field_value(r.text, "publish_at"), bad["publish_at"], "the typed (bad) date is kept")
        is_(field_value(r.text, "tags"), bad["tags"], "the typed tags are kept")
        is_(count(), n0 + 1, "nothing saved")
        r = post_multipart(ed, "/staff/posts", dict(base, title="x" * 201, action="save"))
        is_(r.status, 422, "a 201-character title is refused")

        # ---- Markdown safety
        evil = ("Hello <script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n"
                "[click](javascript:alert(3)) [ok](https://example.org/)\n\n<a href=\"javascript:alert(4)\">a</a>")
        r = post_multipart(ed, "/staff/posts", dict(base, title="Markdown safety check", body=evil, action="publish"))
        is_(r.status, 303, "a post with hostile Markdown is published")
        m = re.match(r"^/staff/posts/(\d+)/edit", r.header("Location", ""))
        evil_id = int(m.group(1)) if m else 0
        page = anon.get("/posts/%d" % evil_id, follow=True)
        is_(page.status, 200, "its page is readable")
        low = page.text.lower()
        ok("<script" not in low, "no <script> in the page")
        ok("onerror" not in low, "no onerror attribute")
        ok("javascript:" not in low, "no javascript: link")
        like(page.text, r'href="https://example.org/"', "an ordinary link survives")
        r = post_multipart(ed, "/staff/posts", dict(base, title="Markdown preview check", body=evil, action="preview"))
        m = re.search(r'<section class="preview".*?</section>', r.text, re.S)
        low = m.group(0).lower() if m else ""
        ok(r.status == 200 and m and "<script" not in low and "onerror" not in low and "javascript:" not in low,
           "the preview is safe too")
        ok("<script" not in r.text.lower() and not re.search(r"<[^>]*\sonerror\s*=", r.text, re.I)
           and not re.search(r"href=[\"']?javascript:", r.text, re.I), "and the whole preview page (the source is escaped)")

        # ---- publish an existing draft
        ed.get("/staff/posts/%d/edit" % pid)
        t0 = time.time()
        r = post_multipart(ed, "/staff/posts/%d" % pid, dict(base, action="publish"))
        is_(r.status, 303, "publish is 303")
        (status, at), = db_rows(srv, "SELECT status, publish_at FROM posts WHERE id = ?", (pid,))
        is_(status, "published", "status published")
        ok(at is not None and abs(at - t0) < 5, "publish_at is now")
        r = anon.get("/posts/%d" % pid, follow=True)
        is_(r.status, 200, "now readable anonymously")
        ok(pid in [int(x) for x in re.findall(r'href="/posts/(\d+)-', anon.get("/").text)], "and on the home page")

        # ---- edit
        ed.get("/staff/posts/%d/edit" % pid)
        r = post_multipart(ed, "/staff/posts/%d" % pid, dict(base, title="Travaux rue des Orangers prolongés",
                                                              action="save"))
        is_(r.status, 303, "edit is 303")
        is_(db_rows(srv, "SELECT title, status, publish_at FROM posts WHERE id = ?", (pid,)),
            [("Travaux rue des Orangers prolongés", "published", at)], "title changed, still published at the same time")
        r = anon.get("/posts/%d" % pid)
        like(r.header("Location", ""), r"/posts/%d-travaux-rue-des-orangers-prolong" % pid, "the slug follows the title")

        # ---- schedule (a local time in the administration's zone)
        zone = ZoneInfo("Africa/Casablanca")
        local = "2030-05-01T10:00"
        want = int(datetime.datetime(2030, 5, 1, 10, 0, tzinfo=zone).timestamp())
        ed.get("/staff/posts/%d/edit" % pid)
        r = post_multipart(ed, "/staff/posts/%d" % pid, dict(base, publish_at=local, action="publish"))
        is_(r.status, 303, "schedule is 303")
        is_(db_rows(srv, "SELECT status, publish_at FROM posts WHERE id = ?", (pid,)), [("published", want)],
            "publish_at is the typed local time")
        r = ed.get("/staff/posts/%d/edit" % pid)
        is_(field_value(r.text, "publish_at"), local, "the form shows the same local time back")
        like(r.text, "Scheduled|Programmé|مجدول|مبرمج", "and says it is scheduled")
        is_(anon.get("/posts/%d" % pid).status, 404, "a scheduled post is 404 for anonymous readers")

        # ---- unpublish, archive, delete
        ed.get("/staff/posts/%d/edit" % pid)
        r = ed.post_form("/staff/posts/%d/unpublish" % pid, {})
        is_(r.status, 303, "unpublish is 303")
        is_(db_rows(srv, "SELECT status FROM posts WHERE id = ?", (pid,)), [("unpublished",)], "status unpublished")
        is_(anon.get("/posts/%d" % pid).status, 404, "an unpublished post is 404")
        post_multipart(ed, "/staff/posts/%d" % pid, dict(base, action="publish", publish_at="2020-01-01T10:00"))
        ed.get("/staff/posts/%d/edit" % pid)
        r = ed.post_form("/staff/posts/%d/archive" % pid, {})
        is_(r.status, 303, "archive is 303")
        is_(db_rows(srv, "SELECT status FROM posts WHERE id = ?", (pid,)), [("archived",)], "status archived")
        r = anon.get("/posts/%d" % pid, follow=True)
        ok(r.status == 200 and 'class="notice"' in r.text, "an archived post is readable with a notice")
        ed.get("/staff/posts/%d/edit" % pid)
        r = ed.post_form("/staff/posts/%d/delete" % pid, {}, headers=None)
        is_((r.status, r.header("Location")), (303, "/staff/posts"), "delete is 303 to the list")
        is_(db_rows(srv, "SELECT count(*) FROM posts WHERE id = ?", (pid,)), [(0,)], "the row is gone")
        is_(ed.get("/staff/posts/%d/edit" % pid).status, 404, "its edit page is 404")
        r = ed.post_form("/staff/posts/%d/archive" % evil_id, {"csrf": "0" * 64})
        is_(r.status, 403, "a status action without a valid CSRF token is 403")

        # ---- department boundaries
        ed.get("/staff/posts/new")
        n1 = count()
        r = post_multipart(ed, "/staff/posts", dict(base, title="Water cut tomorrow", dept=water, action="save"))
        is_(r.status, 403, "a roads editor cannot create a water post")
        is_(count(), n1, "nothing saved")
        water_post = db_rows(srv, "SELECT id FROM posts WHERE dept_id = ?", (int(water),))[0][0]
        is_(ed.get("/staff/posts/%d/edit" % water_post).status, 403, "nor open a water post's edit form")
        ed.get("/staff/posts/new")
        r = post_multipart(ed, "/staff/posts/%d" % water_post, dict(base, title="Hijacked", dept=roads, action="save"))
        is_(r.status, 403, "nor save over it")
        for action in ("unpublish", "archive", "delete"):
            ed.get("/staff/posts/new")
            is_(ed.post_form("/staff/posts/%d/%s" % (water_post, action), {}).status, 403, "nor %s it" % action)
        is_(db_rows(srv, "SELECT status FROM posts WHERE id = ?", (water_post,)), [("published",)], "the water post is untouched")
        is_(ed.get("/staff/posts?dept=" + water).status, 403, "nor list water posts")
        # moving one of its own posts to water is refused too
        ed.get("/staff/posts/new")
        r = post_multipart(ed, "/staff/posts/%d" % evil_id, dict(base, title="Move me", dept=water, action="save"))
        is_(r.status, 403, "moving a roads post to water is 403")
        is_(db_rows(srv, "SELECT dept_id FROM posts WHERE id = ?", (evil_id,)), [(int(roads),)], "it stays in roads")


run(main)
