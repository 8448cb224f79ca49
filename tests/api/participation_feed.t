#!/usr/bin/python3
# The Atom feed of a department's participation
# (/feeds/departments/:slug/participation.atom), parsed with Debian's
# feedparser: well-formed, newest consultation first, only published ones of
# that department, links and titles (escaped), the reader's language; unknown
# departments 404. Proposals are not in it yet (proposals.h has no list call).
import datetime
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from majlis import DEMO_ADMIN, Server, diag, is_, like, ok, run, skip_all  # noqa: E402

try:
    import feedparser
except ImportError:
    feedparser = None


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%MZ")


def main():
    if feedparser is None:
        skip_all("feedparser is not installed (Debian python3-feedparser)")
    with Server() as srv:
        admin = srv.client()
        is_(admin.login(*DEMO_ADMIN), 303, "admin logs in")
        admin.get("/account")
        h = {"X-CSRF-Token": admin.last_csrf or ""}
        now = datetime.datetime.now(datetime.timezone.utc)

        def consult(title, dept, published=True, body="**Votre avis** sur le projet."):
            r = admin.request("POST", "/api/v1/consultations", headers=h, json={
                "title": title, "lang": "fr", "body": body, "department": dept, "published": published,
                "opens_at": iso(now - datetime.timedelta(hours=1)), "closes_at": iso(now + datetime.timedelta(days=7))})
            if r.status != 201:
                diag("create consultation: %d %s" % (r.status, r.text[:300]))
                return None
            return r.json()["id"]

        a = consult("Plan de circulation <centre-ville>", "roads")
        b = consult("Brouillon caché", "roads", published=False)
        c = consult("Tarifs de l'eau", "water")
        d = consult("Éclairage des ruelles", "roads", body="النص بالعربية")
        if not ok(a and b and c and d, "consultations created through the API"):
            return

        r = srv.client().get("/feeds/departments/roads/participation.atom", headers={"Accept-Language": "fr"})
        is_(r.status, 200, "the feed answers")
        like(r.header("Content-Type") or "", r"^application/atom\+xml", "as Atom")
        f = feedparser.parse(r.body)
        is_(f.bozo, 0, "well-formed (feedparser: no bozo)")
        is_(f.version, "atom10", "Atom 1.0")
        like(f.feed.get("title", ""), "Consultations et propositions", "feed title in the reader's language")
        like(f.feed.get("title", ""), "Voirie", "with the department's name")
        links = [e.link for e in f.entries]
        ids = [int(l.rstrip("/").split("/")[-1]) for l in links]
        ok(a in ids and d in ids, "both published roads consultations are entries")
        ok(b not in ids, "the draft is not")
        ok(c not in ids, "nor the water consultation")
        is_(ids[:2], [d, a], "newest first")
        ea = [e for e in f.entries if e.link.endswith("/consultations/%d" % a)][0]
        is_(ea.title, "Plan de circulation <centre-ville>", "title round-trips (escaped in XML)")
        like(ea.link, r"^http://127\.0\.0\.1:\d+/consultations/%d$" % a, "absolute link to the consultation page")
        ok(any(t.term == "consultation" for t in ea.get("tags", [])), "categorised as a consultation")
        like(ea.get("content", [{}])[0].get("value", ""), "<strong>Votre avis</strong>", "the body as HTML content")
        ok(ea.get("published") and ea.get("updated"), "published and updated dates")
        like(r.text, r'<link rel="self" type="application/atom\+xml" href="[^"]*/feeds/departments/roads/participation\.atom"/>',
             "a self link")

        r = srv.client().get("/feeds/departments/water/participation.atom", headers={"Accept-Language": "ar"})
        f = feedparser.parse(r.body)
        is_((r.status, f.bozo, len(f.entries)), (200, 0, 1), "the water feed: one entry")
        like(f.feed.get("title", ""), "الاستشارات والمقترحات", "in Arabic for an Arabic reader")
        page = admin.get("/admin/departments")
        r = admin.post_form("/admin/departments", {"slug": "parks", "name_ar": "الحدائق", "name_fr": "Parcs",
                                                   "name_en": "Parks"}, page=page)
        is_(r.status, 303, "a new department without consultations")
        r = srv.client().get("/feeds/departments/parks/participation.atom")
        f = feedparser.parse(r.body)
        is_((r.status, f.bozo, len(f.entries)), (200, 0, 0), "a department without consultations: an empty, valid feed")
        is_(srv.client().get("/feeds/departments/nowhere/participation.atom").status, 404, "unknown department: 404")
        is_(srv.client().get("/feeds/departments/roads.atom").status, 200, "the posts feed of the department still answers")


run(main)
