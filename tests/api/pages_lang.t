#!/usr/bin/python3
# Language and direction of pages for everyone: <html lang dir> is ar/rtl for
# Arabic and ltr for French and English; the language comes from the account
# setting, then ?lang=, then the lang cookie (set by /lang/xx?next=...), then
# Accept-Language (q-values honoured), then the default (ar); /lang/xx never
# redirects off-site; cached anonymous pages are kept apart per language.
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from majlis import DEMO_CITIZEN, DEMO_EDITOR, Server, binary_path, diag, is_, like, ok, run, skip_all  # noqa: E402

HTML_TAG = re.compile(r'<html lang="([a-z]+)" dir="(rtl|ltr)">')


def lang_of(resp):
    m = HTML_TAG.search(resp.text)
    return (m.group(1), m.group(2)) if m else None


def main():
    if not os.access(binary_path(), os.X_OK):
        skip_all("no server binary at %s" % binary_path())
    with Server() as srv:
        c = srv.client()

        # ---- Accept-Language and the default
        for al, want in (("", "ar"), ("en", "en"), ("fr", "fr"), ("ar", "ar"), ("fr-FR,fr;q=0.9", "fr"),
                         ("en-GB", "en"), ("ar-MA", "ar"), ("de", "ar"), ("de, fr;q=0.3", "fr"),
                         ("fr;q=0.5, en;q=0.9", "en"), ("en;q=0.2, ar;q=0.8, fr;q=0.5", "ar"),
                         ("fr;q=0.8,en", "en"), ("*", "ar"), ("EN", "en"), ("english", "ar")):
            r = c.get("/", headers={"Accept-Language": al})
            want_dir = "rtl" if want == "ar" else "ltr"
            is_(lang_of(r), (want, want_dir), "Accept-Language %r gives %s/%s" % (al, want, want_dir))
        # the cached home page is kept apart per language
        texts = {lg: c.get("/", headers={"Accept-Language": lg}).text for lg in ("ar", "fr", "en")}
        ok(len(set(texts.values())) == 3, "the three languages give three different home pages")
        like(texts["ar"], r'<html lang="ar" dir="rtl">', "Arabic home is rtl")
        like(texts["fr"], r'<html lang="fr" dir="ltr">', "French home is ltr")
        like(texts["en"], r'<html lang="en" dir="ltr">', "English home is ltr")
        # posts keep their own language and direction inside any page
        like(texts["en"], r'<li lang="ar" dir="rtl">', "an Arabic post in an English page is marked rtl")
        like(texts["ar"], r'<li lang="fr" dir="ltr">', "a French post in an Arabic page is marked ltr")
        r = c.get("/posts/2", follow=True, headers={"Accept-Language": "ar"})
        like(r.text, r'<html lang="ar" dir="rtl">.*<article lang="fr" dir="ltr">', "a French post page in Arabic")

        # ---- ?lang= beats Accept-Language
        is_(lang_of(c.get("/?lang=fr", headers={"Accept-Language": "en"})), ("fr", "ltr"), "?lang=fr beats Accept-Language")
        is_(lang_of(c.get("/posts?lang=en", headers={"Accept-Language": "ar"})), ("en", "ltr"), "?lang=en on /posts")
        is_(lang_of(c.get("/?lang=xx", headers={"Accept-Language": "fr"})), ("fr", "ltr"), "an unknown ?lang= is ignored")

        # ---- the lang cookie, set by /lang/xx
        k = srv.client()
        r = k.get("/lang/fr?next=/posts")
        is_(r.status, 303, "/lang/fr is a redirect")
        is_(r.header("Location"), "/posts", "back to next")
        like(r.header("Set-Cookie", ""), r"^lang=fr;.*Path=/", "setting the lang cookie")
        is_(k.cookie("lang"), "fr", "the cookie is in the jar")
        is_(lang_of(k.get("/", headers={"Accept-Language": "en"})), ("fr", "ltr"), "the cookie beats Accept-Language")
        is_(lang_of(k.get("/?lang=en", headers={"Accept-Language": "ar"})), ("en", "ltr"), "?lang= beats the cookie")
        r = k.get("/lang/ar?next=/posts%3Fdept%3Droads")
        is_(r.header("Location"), "/posts?dept=roads", "next keeps a query")
        is_(lang_of(k.get("/posts?dept=roads")), ("ar", "rtl"), "now Arabic")
        is_(k.get("/lang/de?next=/").status, 404, "/lang/de is 404")
        r = k.get("/lang/en")
        is_(r.header("Location"), "/", "no next: back home")
        # language links on every page
        like(k.get("/posts", headers={}).text, r'href="/lang/fr\?next=/posts"', "pages link to the other languages")

        # ---- no open redirect
        for nxt in ("//evil.example", "//evil.example/x", "https://evil.example/", "/\\evil.example",
                    "%2F%2Fevil.example", "/%2Fevil.example", "http:evil.example", "javascript:alert(1)",
                    "%0d%0aSet-Cookie:x=1", "/%09/evil.example", "evil.example"):
            r = k.get("/lang/fr?next=" + nxt)
            loc = r.header("Location", "")
            ok(r.status == 303 and loc.startswith("/") and not loc.startswith("//") and not loc.startswith("/\\")
               and "\r" not in loc and "\n" not in loc, "next=%s stays on the site (Location %r)" % (nxt, loc))
        is_(k.cookie("x"), None, "no cookie injected through next")

        # ---- the account setting beats everything
        ed = srv.client()
        is_(ed.login(*DEMO_EDITOR), 303, "editor (account language fr) logs in")
        ed.get("/lang/en?next=/")
        is_(lang_of(ed.get("/?lang=en", headers={"Accept-Language": "ar"})), ("fr", "ltr"),
            "the account's fr beats ?lang=en, the cookie and Accept-Language")
        cit = srv.client()
        is_(cit.login(*DEMO_CITIZEN), 303, "citizen (account language ar) logs in")
        is_(lang_of(cit.get("/posts?lang=fr", headers={"Accept-Language": "en"})), ("ar", "rtl"),
            "the citizen sees Arabic, rtl")
        r = cit.get("/account")
        page_csrf = cit.last_csrf
        r = cit.post_form("/account/lang", {"lang": "en"}, page=r)
        ok(r.status in (200, 303), "the citizen switches the account to English (%d)" % r.status)
        is_(lang_of(cit.get("/", headers={"Accept-Language": "ar"})), ("en", "ltr"), "and now sees English")
        ok(page_csrf is not None, "(the account page had a CSRF token)")

        # ---- error pages follow the language too
        r = c.get("/nowhere", headers={"Accept-Language": "fr"})
        ok(r.status == 404 and lang_of(r) == ("fr", "ltr"), "a 404 page in French")
        r = c.get("/nowhere", headers={"Accept-Language": "ar"})
        ok(r.status == 404 and lang_of(r) == ("ar", "rtl"), "a 404 page in Arabic, rtl")


run(main)
