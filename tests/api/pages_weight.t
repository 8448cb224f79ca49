#!/usr/bin/python3
# Light pages for 2G and old phones: gzipped answers when the client accepts gzip (also from
# the page cache), the home page + a post page + the stylesheet together under
# 30 KB transferred (sizes printed as diagnostics), a stylesheet with logical
# properties only (no physical left/right), and pages that need no JavaScript:
# no <script>, no inline event handlers, every form a plain method/action form.
import gzip
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from majlis import REPO_ROOT, DEMO_EDITOR, Server, binary_path, diag, is_, like, ok, run, skip_all  # noqa: E402

BUDGET = 30 * 1024
GZ = {"Accept-Encoding": "gzip", "Accept-Language": "ar"}

# Physical properties and values that break right-to-left layouts.
PHYSICAL = [
    (r"(?<![\w-])(margin|padding|border|inset|scroll-margin|scroll-padding)-(left|right)(-\w+)?\s*:", "side property"),
    (r"(?<![\w-])border-(top|bottom)-(left|right)-radius\s*:", "corner radius"),
    (r"(?<![\w-])(left|right)\s*:", "left/right offset"),
    (r"(?<![\w-])(float|clear|text-align|caption-side|resize)\s*:\s*(left|right)\b", "physical value"),
    (r"(?<![\w-])background-position(-x)?\s*:[^;}]*\b(left|right)\b", "background side"),
]


def strip_css_comments(css):
    return re.sub(r"/\*.*?\*/", "", css, flags=re.S)


def main():
    # ---- the stylesheet source, no server needed
    path = os.path.join(REPO_ROOT, "static", "style.css")
    with open(path, encoding="utf-8") as f:
        css_src = f.read()
    css = strip_css_comments(css_src)
    for pattern, what in PHYSICAL:
        hits = [m.group(0) for m in re.finditer(pattern, css, re.I)]
        if not is_(hits, [], "static/style.css has no physical %s" % what):
            diag("  found: %s" % ", ".join(hits[:10]))
    # sanity of the checker itself
    bad = "a{margin-left:1px;padding-right:0;float: left;text-align:right;left:0;border-top-right-radius:2px}"
    is_(sum(len(re.findall(p, bad, re.I)) for p, _ in PHYSICAL), 6, "the checker catches six planted physical rules")
    ok(re.search(r"margin-inline|padding-inline|inset-inline|text-align:\s*start", css) is not None,
       "the stylesheet uses logical properties")

    if not os.access(binary_path(), os.X_OK):
        skip_all("no server binary at %s" % binary_path())
    with Server() as srv:
        c = srv.client()

        def measure(path, name):
            r1 = c.get(path, headers=GZ)  # may fill the cache
            r = c.get(path, headers=GZ)   # may come from the cache
            is_(r.status, 200, "%s is 200" % name)
            is_(r.header("Content-Encoding"), "gzip", "%s is gzipped" % name)
            is_(r1.header("Content-Encoding"), "gzip", "%s is gzipped on the first request too" % name)
            like(r.header("Vary", ""), r"(?i)accept-encoding", "%s varies on Accept-Encoding" % name)
            plain = c.get(path, headers={"Accept-Language": "ar"})
            ok(plain.header("Content-Encoding") is None, "%s is plain without Accept-Encoding" % name)
            try:
                unzipped = gzip.decompress(r.body)
            except OSError:
                unzipped = b""
            is_(unzipped, plain.body, "%s gunzips to the plain answer" % name)
            sent = len(r.body)
            diag("%s: %d bytes gzipped (%d plain)" % (name, sent, len(plain.body)))
            return sent, plain

        home_size, home = measure("/", "home page")
        api = c.get("/api/v1/posts/1").json()
        post_path = api["url"][len(srv.base_url):]
        post_size, post = measure(post_path, "post page")
        m = re.search(r'<link rel="stylesheet" href="([^"]+)"', home.text)
        ok(m is not None, "the page links one stylesheet")
        css_url = m.group(1) if m else "/static/style.css"
        like(css_url, r"^/static/style\.css\?v=[0-9a-f]{8,}$", "with a content hash in its URL")
        css_size, css_plain = measure(css_url, "stylesheet")
        like(css_plain.header("Content-Type", ""), r"^text/css", "served as text/css")
        like(css_plain.header("Cache-Control", ""), r"immutable", "cached as immutable")
        served = strip_css_comments(css_plain.body.decode("utf-8", "replace"))
        hits = [m.group(0) for p, _ in PHYSICAL for m in re.finditer(p, served, re.I)]
        is_(hits, [], "the served stylesheet has no physical left/right either")
        if css_plain.body.decode("utf-8", "replace") != css_src:
            diag("note: the served stylesheet differs from static/style.css (binary older than the source?)")
        total = home_size + post_size + css_size
        diag("page weight: home %d + post %d + css %d = %d bytes (budget %d)" % (home_size, post_size, css_size,
                                                                                 total, BUDGET))
        ok(total < BUDGET, "home + post + stylesheet transfer %d bytes < 30 KB" % total)
        ok(home_size < BUDGET // 2 and post_size < BUDGET // 2, "neither page alone takes half the budget")
        r = c.get("/feeds/posts.atom", headers=GZ)
        is_(r.header("Content-Encoding"), "gzip", "the feed is gzipped too")
        r = c.get("/api/v1/posts", headers=GZ)
        is_(r.header("Content-Encoding"), "gzip", "and API answers")
        r = c.get("/", headers={"Accept-Encoding": "br, deflate"})
        ok(r.header("Content-Encoding") is None, "no gzip when the client does not take it")

        # ---- no JavaScript needed
        ed = srv.client()
        is_(ed.login(*DEMO_EDITOR), 303, "editor logs in")
        pages = [(c, "/", "home"), (c, post_path, "post"), (c, "/posts?dept=roads", "list"), (c, "/login", "login"),
                 (c, "/signup", "signup"), (c, "/posts?dept=nowhere", "400 page"), (c, "/nothing", "404 page"),
                 (ed, "/staff/posts", "editor list"), (ed, "/staff/posts/new", "editor form"),
                 (ed, "/staff/posts/1/edit", "edit form"), (ed, "/account", "account")]
        for client, path, name in pages:
            r = client.get(path)
            text = r.text
            ok(r.status in (200, 400, 404), "%s answers (%d)" % (name, r.status))
            ok("<script" not in text.lower(), "%s has no <script>" % name)
            handlers = re.findall(r"<[^>]+\son[a-z]+\s*=", text, re.I)
            is_(handlers, [], "%s has no inline event handler" % name)
            forms = re.findall(r"<form\b[^>]*>", text)
            plain_forms = [f for f in forms if re.search(r'\bmethod="(get|post)"', f) and re.search(r'\baction="/', f)]
            is_(len(plain_forms), len(forms), "%s: all %d forms have a method and an action" % (name, len(forms)))
            posts = [f for f in forms if 'method="post"' in f]
            if posts:
                n_csrf = len(re.findall(r'<input type="hidden" name="csrf" value="[0-9a-zA-Z._-]+">', text))
                ok(n_csrf >= len(posts), "%s: every POST form carries its CSRF field (%d/%d)" % (name, n_csrf, len(posts)))
            if r.header("Content-Type", "").startswith("text/html"):
                like(r.header("Content-Security-Policy", ""), r"script-src 'self'", "%s sends a CSP" % name)
        like(home.text, r'<meta name="viewport" content="width=device-width', "pages set a mobile viewport")


run(main)
