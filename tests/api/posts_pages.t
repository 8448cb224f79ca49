#!/usr/bin/python3
# Public post pages: the home page lists the latest published posts; /posts
# filters by department, kind, post language and tag with keyset pagination
# ("older" link) over more than 20 posts; unknown filter values are a 400 page
# in the reader's language; one post at /posts/<id>-<slug> (Arabic slugs
# percent-encoded), a wrong slug is a 301 to the canonical URL; drafts,
# unpublished and scheduled posts are 404 for anonymous readers and citizens
# but visible to the department's editor; archived posts are readable with a
# notice but not listed; a scheduled post shows up on the home page and in the
# feed once its time comes, with no write in between (page cache lifetime).
import html
import os
import re
import sqlite3
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from majlis import DEMO_CITIZEN, DEMO_EDITOR, Server, binary_path, diag, is_, like, ok, run, skip_all  # noqa: E402

ITEM = re.compile(r'<h2><a href="/posts/(\d+)-[^"]*">')
OLDER = re.compile(r'<a rel="next" href="([^"]+)"')


def token(srv, dept):
    cp = srv.run_cli("token", "add", "--db", srv.db, "--name", "t-" + dept, "--role", "editor", "--dept", dept,
                     check=True)
    return [w for w in cp.stdout.split() if len(w) == 64][0]


def ids(body):
    return [int(i) for i in ITEM.findall(body.decode("utf-8", "replace") if isinstance(body, bytes) else body)]


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def main():
    if not os.access(binary_path(), os.X_OK):
        skip_all("no server binary at %s" % binary_path())
    with Server() as srv:
        tok = token(srv, "roads")
        H = {"Authorization": "Bearer " + tok}
        api = srv.client()
        anon = srv.client()

        def create(title, publish=True, **kw):
            data = {"title": title, "kind": "news", "lang": "en", "body": "Body of " + title, "department": "roads"}
            data.update(kw)
            if publish:
                data["status"] = "published"
            r = api.request("POST", "/api/v1/posts", json=data, headers=H)
            if r.status != 201:
                raise RuntimeError("create %r: %d %r" % (title, r.status, r.body[:300]))
            return r.json()["id"]

        # ---- home
        r = anon.get("/")
        is_(r.status, 200, "home page is 200")
        is_(sorted(ids(r.body)), [1, 2, 3, 4, 5, 6], "home lists the six published demo posts")
        is_(ids(r.body), [1, 2, 3, 4, 5, 6], "newest first")
        like(r.text, r'href="/posts"', "home links to all posts")

        # ---- filters on /posts
        is_(sorted(ids(anon.get("/posts?dept=roads").body)), [1, 5], "dept=roads")
        is_(ids(anon.get("/posts?kind=policy").body), [4], "kind=policy")
        is_(sorted(ids(anon.get("/posts?post_lang=fr").body)), [2, 5], "post_lang=fr")
        is_(ids(anon.get("/posts?tag=festival").body), [3], "tag=festival")
        is_(ids(anon.get("/posts?tag=" + urllib.parse.quote("مكتبة")).body), [6], "an Arabic tag")
        is_(ids(anon.get("/posts?dept=roads&kind=news").body), [5], "filters combine")
        r = anon.get("/posts?tag=nothing-here")
        is_((r.status, ids(r.body)), (200, []), "an unknown tag lists nothing")
        like(r.text, "No posts yet", "and says so")
        like(anon.get("/posts?dept=roads").text, r'<option value="roads" selected>', "the chosen filter stays selected")
        for q, msg_en, msg_fr in (("dept=nowhere", "Unknown department", "Service inconnu"),
                                  ("kind=rumour", "Unknown kind", None), ("post_lang=de", "Unknown language", None),
                                  ("before=abc", "cursor", None)):
            r = anon.get("/posts?" + q)
            is_(r.status, 400, "/posts?%s is 400" % q)
            like(r.header("Content-Type", ""), "text/html", "as an HTML page")
            like(r.text, msg_en, "saying: %s" % msg_en)
        r = anon.get("/posts?dept=nowhere", headers={"Accept-Language": "fr"})
        ok(r.status == 400 and 'lang="fr"' in r.text and "Service inconnu" in r.text, "the 400 page is in French for a French reader")
        r = anon.get("/posts?dept=nowhere", headers={"Accept-Language": "ar"})
        ok(r.status == 400 and 'dir="rtl"' in r.text and "Unknown department" not in r.text,
           "and in Arabic (rtl) for an Arabic reader")

        # ---- pagination over > 20 posts
        bulk = [create("Bulk notice number %02d" % i, tags=["bulk"]) for i in range(25)]
        r = anon.get("/posts?tag=bulk")
        first = ids(r.body)
        is_(len(first), 20, "first page of tag=bulk holds 20")
        is_(first, sorted(bulk, reverse=True)[:20], "the 20 newest, newest first")
        m = OLDER.search(r.text)
        ok(m is not None, "with an 'older' link")
        link = html.unescape(m.group(1)) if m else "/posts"
        like(link, r"^/posts\?.*tag=bulk.*before=\d+-\d+", "which keeps the filter and carries a cursor")
        r = anon.get(link)
        second = ids(r.body)
        is_(second, sorted(bulk, reverse=True)[20:], "second page holds the 5 others")
        ok(OLDER.search(r.text) is None, "and no 'older' link")
        # every post, unfiltered, page by page (bounded)
        seen, path = [], "/posts"
        for _ in range(10):
            r = anon.get(path)
            seen += ids(r.body)
            m = OLDER.search(r.text)
            if not m:
                break
            path = html.unescape(m.group(1))
        is_(sorted(seen), sorted(bulk + [1, 2, 3, 4, 5, 6]), "following 'older' links visits all 31 posts once")
        is_(len(ids(anon.get("/").body)), 10, "home shows the 10 latest")

        # ---- one post, canonical URL
        r = anon.get("/api/v1/posts/1")
        url1 = urllib.parse.urlsplit(r.json()["url"]).path
        ok("%D8" in url1.upper(), "the Arabic slug is percent-encoded in the URL (%s)" % url1[:40])
        r = anon.get(url1)
        is_(r.status, 200, "the Arabic post page is 200")
        like(r.text, "أشغال تهيئة شارع الحسن الثاني", "with its title")
        like(r.text, r'<article lang="ar" dir="rtl">', "the article is marked Arabic rtl")
        like(r.text, "<strong>أشغال تهيئة</strong>", "Markdown rendered")
        for wrong in ("/posts/1-wrong-slug", "/posts/1", "/posts/1-" + urllib.parse.quote("أشغال")):
            r = anon.get(wrong)
            is_((r.status, r.header("Location")), (301, url1), "%s is 301 to the canonical URL" % wrong[:30])
        is_(anon.get("/posts/3-youth-festival-registrations-are-open").status, 200, "an English slug")
        is_(anon.get("/posts/999-nothing").status, 404, "an absent post is 404")
        is_(anon.get("/posts/abc").status, 404, "a non-numeric id is 404")

        # ---- hidden posts
        draft = create("Draft about potholes", publish=False)
        unpub = create("Unpublished about lamps")
        api.request("PATCH", "/api/v1/posts/%d" % unpub, json={"status": "unpublished"}, headers=H)
        sched = create("Scheduled next week", publish=False)
        api.request("POST", "/api/v1/posts/%d/publish" % sched, json={"publish_at": iso(time.time() + 7 * 86400)}, headers=H)
        arch = create("Archived old decision")
        api.request("PATCH", "/api/v1/posts/%d" % arch, json={"status": "archived"}, headers=H)
        con = sqlite3.connect(srv.db)
        states = dict(con.execute("SELECT id, status FROM posts WHERE id IN (?,?,?,?)", (draft, unpub, sched, arch)))
        con.close()
        is_(states, {draft: "draft", unpub: "unpublished", sched: "published", arch: "archived"}, "rows in the expected states")

        cit = srv.client()
        is_(cit.login(*DEMO_CITIZEN), 303, "citizen logs in")
        ed = srv.client()
        is_(ed.login(*DEMO_EDITOR), 303, "editor (roads, culture) logs in")
        water_ed = srv.client()
        cp = subprocess.run([srv.binary, "user", "add", "--db", srv.db, "--email", "w@example.org", "--name", "Water Editor",
                             "--lang", "en", "--role", "editor", "--dept", "water"], input=b"water-editor-2026\n",
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        is_(cp.returncode, 0, "a water editor is added with the CLI")
        water_login = water_ed.login("w@example.org", "water-editor-2026")
        is_(water_login, 303, "the water editor logs in")
        for pid, what in ((draft, "draft"), (unpub, "unpublished"), (sched, "scheduled")):
            path = "/posts/%d" % pid
            canon = ed.get(path).header("Location")
            is_(anon.get(path).status, 404, "%s: 404 for anonymous" % what)
            is_(anon.get(canon or path).status, 404, "%s: 404 at its canonical URL too" % what)
            is_(cit.get(canon or path).status, 404, "%s: 404 for a citizen" % what)
            r = ed.get(canon or path)
            is_(r.status, 200, "%s: 200 for the roads editor" % what)
            like(r.text, r'class="notice"', "%s: with a notice of its state" % what)
            like(r.text, r"/staff/posts/%d/edit" % pid, "%s: and an edit link" % what)
            if water_login == 303:
                is_(water_ed.get(canon or path).status, 404, "%s: 404 for a water editor" % what)
        r = anon.get("/posts/%d" % arch, follow=True)
        is_(r.status, 200, "an archived post is readable")
        like(r.text, r'class="notice"[^>]*>[^<]*Archived', "with an 'archived' notice")
        listed = ids(anon.get("/").body) + ids(anon.get("/posts").body) + ids(anon.get("/posts?dept=roads").body)
        all_public = [i["id"] for i in anon.get("/api/v1/posts?limit=100").json()["items"]]
        for pid, what in ((draft, "draft"), (unpub, "unpublished"), (sched, "scheduled"), (arch, "archived")):
            ok(pid not in listed and pid not in all_public, "%s is not listed (pages, API)" % what)

        # ---- a scheduled post appears once its time comes, without any write
        r = anon.get("/")
        r2 = anon.get("/feeds/posts.atom")
        is_((r.status, r2.status), (200, 200), "home and feed fetched (now cached)")
        when = int(time.time()) + 3
        soon = create("Appears by itself", publish=False)
        api.request("POST", "/api/v1/posts/%d/publish" % soon, json={"publish_at": iso(when)}, headers=H)
        r = anon.get("/")
        ok(soon not in ids(r.body), "before its time, the scheduled post is not on the home page")
        ok(b"Appears by itself" not in anon.get("/feeds/posts.atom").body, "nor in the feed")
        r = anon.get("/")
        ok(soon not in ids(r.body), "(still not, served from the cache)")
        deadline = time.time() + 10
        while time.time() < when + 0.2 and time.time() < deadline:
            time.sleep(0.2)
        appeared_home = appeared_feed = False
        for _ in range(20):  # at most ~4 s after its time
            if not appeared_home:
                appeared_home = soon in ids(anon.get("/").body)
            if not appeared_feed:
                appeared_feed = b"Appears by itself" in anon.get("/feeds/posts.atom").body
            if appeared_home and appeared_feed:
                break
            time.sleep(0.2)
        late = time.time() - when
        ok(appeared_home, "after its time it is on the home page (%.1f s late)" % late)
        ok(appeared_feed, "and in the Atom feed")
        r = anon.get("/")
        is_(ids(r.body)[0], soon, "first, as the newest")


run(main)
