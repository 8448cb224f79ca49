#!/usr/bin/python3
# Atom feeds parsed with Debian's feedparser: /feeds/posts.atom,
# /feeds/departments/<slug>.atom, /feeds/tags/<tag>.atom — well formed
# (bozo == 0), content type application/atom+xml, the right entries (titles,
# links, dates, categories, content), unpublished/draft/scheduled posts
# absent, 404 for an unknown department or a missing .atom suffix.
import datetime
import os
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from majlis import Server, binary_path, diag, is_, like, ok, run, skip_all  # noqa: E402

try:
    import feedparser
except ImportError:  # only Debian's /usr/bin/python3 has it
    feedparser = None


def token(srv, dept):
    cp = srv.run_cli("token", "add", "--db", srv.db, "--name", "t-" + dept, "--role", "editor", "--dept", dept,
                     check=True)
    return [w for w in cp.stdout.split() if len(w) == 64][0]


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def main():
    if feedparser is None:
        skip_all("feedparser is not installed (Debian python3-feedparser)")
    if not os.access(binary_path(), os.X_OK):
        skip_all("no server binary at %s" % binary_path())
    with Server() as srv:
        anon = srv.client()
        base = srv.base_url
        H = {"Authorization": "Bearer " + token(srv, "roads")}

        def create(title, status="published", **kw):
            data = {"title": title, "kind": "decision", "lang": "fr", "department": "roads",
                    "body": "Texte **important** & <détails>.", "tags": ["feed-test"]}
            data.update(kw)
            if status:
                data["status"] = status
            r = anon.request("POST", "/api/v1/posts", json=data, headers=H)
            if r.status != 201:
                raise RuntimeError("create %r: %d %r" % (title, r.status, r.body[:300]))
            return r.json()

        def fetch(path):
            r = anon.get(path)
            return r, (feedparser.parse(r.body) if r.status == 200 else None)

        # ---- all posts
        r, f = fetch("/feeds/posts.atom")
        is_(r.status, 200, "/feeds/posts.atom is 200")
        like(r.header("Content-Type", ""), r"^application/atom\+xml", "content type application/atom+xml")
        is_(f.bozo, 0, "well-formed Atom (bozo 0)%s" % (": %s" % f.get("bozo_exception") if f.bozo else ""))
        is_(f.version, "atom10", "Atom 1.0")
        is_(len(f.entries), 6, "six entries (the demo posts)")
        like(f.feed.get("title", ""), r"\S", "the feed has a title")
        is_(f.feed.get("id"), base + "/feeds/posts.atom", "feed id")
        self_links = [l["href"] for l in f.feed.get("links", []) if l.get("rel") == "self"]
        is_(self_links, [base + "/feeds/posts.atom"], "rel=self link")
        ok(f.feed.get("updated_parsed") is not None, "feed updated date parses")
        api = {p["id"]: p for p in anon.get("/api/v1/posts").json()["items"]}
        titles = [e.title for e in f.entries]
        is_(titles, [api[i]["title"] for i in sorted(api, key=lambda i: api[i]["publish_at"], reverse=True)],
            "entry titles, newest first, match the published posts")
        e0 = f.entries[0]
        p0 = api[1]
        is_(e0.title, p0["title"], "first entry is the newest post (Arabic title kept)")
        is_(e0.link, p0["url"], "its link is the post's canonical URL")
        is_(time.strftime("%Y-%m-%dT%H:%M:%SZ", e0.published_parsed), p0["publish_at"], "its published date")
        ok(e0.get("updated_parsed") is not None, "and an updated date")
        terms = sorted(t["term"] for t in e0.tags)
        is_(terms, sorted(["announcement"] + p0["tags"]), "categories: the kind and the tags")
        like(e0.get("content", [{}])[0].get("value", ""), "<strong>", "content carries the rendered HTML")
        is_(e0.get("language") or f.entries[0].get("content", [{}])[0].get("language"), "ar", "xml:lang of an Arabic entry")
        is_(len(set(e.id for e in f.entries)), 6, "entry ids are unique")

        # ---- hidden posts are absent, escaping survives
        pub = create("Décision « urgente » : routes & ponts <fermés>")
        create("Brouillon secret", status=None)
        sched = create("Programmé plus tard", status=None)
        anon.request("POST", "/api/v1/posts/%d/publish" % sched["id"], json={"publish_at": iso(time.time() + 86400)},
                     headers=H)
        unp = create("Dépublié ensuite")
        anon.request("PATCH", "/api/v1/posts/%d" % unp["id"], json={"status": "unpublished"}, headers=H)
        arc = create("Archivé ensuite")
        anon.request("PATCH", "/api/v1/posts/%d" % arc["id"], json={"status": "archived"}, headers=H)
        r, f = fetch("/feeds/posts.atom")
        is_(f.bozo, 0, "still well formed with & < > « » in a title and body")
        titles = [e.title for e in f.entries]
        is_(titles[0], pub["title"], "the new published post comes first, its title intact")
        for t in ("Brouillon secret", "Programmé plus tard", "Dépublié ensuite", "Archivé ensuite"):
            ok(t not in titles, "absent: %s" % t)
        is_(len(f.entries), 7, "seven entries now")
        like(f.entries[0].content[0].value, r"<strong>important</strong> &amp; &lt;détails&gt;",
             "the body's & and <...> stay text inside the HTML content")

        # ---- per department
        r, f = fetch("/feeds/departments/roads.atom")
        is_(r.status, 200, "/feeds/departments/roads.atom is 200")
        like(r.header("Content-Type", ""), r"^application/atom\+xml", "as Atom")
        is_(f.bozo, 0, "well formed")
        roads_titles = sorted(p["title"] for p in anon.get("/api/v1/posts?dept=roads").json()["items"])
        is_(sorted(e.title for e in f.entries), roads_titles, "exactly the roads posts")
        is_(f.feed.get("id"), base + "/feeds/departments/roads.atom", "its own feed id")
        r, f = fetch("/feeds/departments/water.atom")
        is_([e.title for e in f.entries], ["Coupure d'eau programmée dans le quartier Al Amal"], "water has its one post")
        r, f = fetch("/feeds/departments/urbanism.atom")
        is_(len(f.entries), 1, "urbanism: one")
        for bad in ("/feeds/departments/nowhere.atom", "/feeds/departments/roads", "/feeds/departments/roads.rss",
                    "/feeds/departments/.atom", "/feeds/departments/roads.atom.atom"):
            is_(anon.get(bad).status, 404, "%s is 404" % bad)

        # ---- per tag
        r, f = fetch("/feeds/tags/festival.atom")
        is_(r.status, 200, "/feeds/tags/festival.atom is 200")
        is_(f.bozo, 0, "well formed")
        is_([e.title for e in f.entries], ["Youth festival: registrations are open"], "the festival post only")
        r, f = fetch("/feeds/tags/" + urllib.parse.quote("مكتبة") + ".atom")
        is_(r.status, 200, "an Arabic tag feed is 200")
        is_([e.title for e in f.entries], ["افتتاح المكتبة البلدية الجديدة"], "with the library post")
        self_links = [l["href"] for l in f.feed.get("links", []) if l.get("rel") == "self"]
        is_(self_links, [base + "/feeds/tags/" + urllib.parse.quote("مكتبة") + ".atom"], "self link percent-encoded")
        r, f = fetch("/feeds/tags/feed-test.atom")
        is_([e.title for e in f.entries], [pub["title"]], "tag feed lists only published posts")
        r, f = fetch("/feeds/tags/no-such-tag.atom")
        ok(r.status in (200, 404), "an unused tag answers 200 (empty) or 404: %d" % r.status)
        if r.status == 200:
            is_((f.bozo, len(f.entries)), (0, 0), "an empty, well-formed feed")
        for bad in ("/feeds/tags/festival", "/feeds/tags/.atom", "/feeds/tags/festival.xml"):
            is_(anon.get(bad).status, 404, "%s is 404" % bad)

        # ---- gzip and caching headers
        r = anon.get("/feeds/posts.atom", headers={"Accept-Encoding": "gzip"})
        is_(r.header("Content-Encoding"), "gzip", "the feed is served gzipped when asked")
        import gzip
        f = feedparser.parse(gzip.decompress(r.body))
        is_((f.bozo, len(f.entries)), (0, 7), "and parses after gunzip")
        r2 = anon.get("/feeds/posts.atom", headers={"Accept-Encoding": "gzip"})
        like(r2.header("Content-Type", ""), r"^application/atom\+xml", "a cached answer keeps the Atom content type")


run(main)
