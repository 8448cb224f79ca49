#!/usr/bin/python3
# The JSON API /api/v1/posts: list (filters, limit bounds, cursor pagination,
# unknown parameters), get (hidden posts are 404 to anonymous readers), create
# (201 + Location, 422 per field, 400 for unknown fields / wrong types / bad
# JSON with line:col), PATCH, publish with and without publish_at, DELETE (204
# then 404). Every error body is {"error":{"code","message"}}. Writes need an
# editor token (or session + CSRF header) for the post's department.
import datetime
import os
import sqlite3
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from majlis import DEMO_CITIZEN, DEMO_EDITOR, Server, binary_path, diag, is_, like, ok, run, skip_all  # noqa: E402


def token(srv, dept, role="editor", name=None):
    cp = srv.run_cli("token", "add", "--db", srv.db, "--name", name or ("t-" + dept), "--role", role, "--dept", dept,
                     check=True)
    tok = [w for w in cp.stdout.split() if len(w) == 64]
    if not tok:
        raise RuntimeError("no token in: %r" % cp.stdout)
    return tok[0]


def auth(tok):
    return {"Authorization": "Bearer " + tok}


def is_error(resp, status, code, name):
    """status and the {"error":{"code","message"}} shape, code checked when given."""
    good = resp.status == status
    try:
        body = resp.json()
        err = body.get("error") if isinstance(body, dict) else None
        shape = (isinstance(err, dict) and set(body) == {"error"} and isinstance(err.get("code"), str)
                 and isinstance(err.get("message"), str) and err["message"] != "")
        good = good and shape and (code is None or err["code"] == code)
    except ValueError:
        body, good = resp.body[:200], False
    ok(good, name)
    if not good:
        diag("    status %d (want %d), body %r" % (resp.status, status, resp.body[:300]))
    return body


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def main():
    if not os.access(binary_path(), os.X_OK):
        skip_all("no server binary at %s" % binary_path())
    with Server() as srv:
        roads = token(srv, "roads")
        water = token(srv, "water", name="water")
        anon = srv.client()
        api = srv.client()

        # ---- list
        r = anon.get("/api/v1/posts")
        is_(r.status, 200, "GET /api/v1/posts is 200")
        like(r.header("Content-Type", ""), r"^application/json", "as JSON")
        body = r.json()
        is_(len(body["items"]), 6, "the six demo posts are listed")
        is_(body["next_cursor"], None, "next_cursor is null when everything fits")
        item = body["items"][0]
        for k in ("id", "url", "slug", "kind", "lang", "title", "summary", "department", "tags", "status",
                  "publish_at", "created_at", "updated_at", "cover_url", "scheduled"):
            ok(k in item, "list item has %s" % k)
        ok("body" not in item, "list items carry no body")
        pubs = [i["publish_at"] for i in body["items"]]
        is_(pubs, sorted(pubs, reverse=True), "newest first")
        r = anon.get("/api/v1/posts?dept=roads")
        is_(sorted(i["department"]["slug"] for i in r.json()["items"]), ["roads", "roads"], "dept filter")
        r = anon.get("/api/v1/posts?kind=decision")
        is_([i["kind"] for i in r.json()["items"]], ["decision"], "kind filter")
        r = anon.get("/api/v1/posts?lang=ar")
        ok(len(r.json()["items"]) == 3 and all(i["lang"] == "ar" for i in r.json()["items"]), "lang filter")
        r = anon.get("/api/v1/posts?tag=festival")
        is_([i["title"] for i in r.json()["items"]], ["Youth festival: registrations are open"], "tag filter")
        r = anon.get("/api/v1/posts?tag=nosuchtag")
        is_(r.json()["items"], [], "an unknown tag lists nothing")
        is_error(anon.get("/api/v1/posts?dept=nowhere"), 400, "bad_request", "unknown department is 400")
        is_error(anon.get("/api/v1/posts?kind=rumour"), 400, "bad_request", "unknown kind is 400")
        is_error(anon.get("/api/v1/posts?lang=de"), 400, "bad_request", "unknown lang is 400")
        for lim in ("0", "101", "-1", "abc", "", "1.5"):
            is_error(anon.get("/api/v1/posts?limit=" + lim), 400, None, "limit=%s is 400" % lim)
        is_(len(anon.get("/api/v1/posts?limit=1").json()["items"]), 1, "limit=1 gives one item")
        is_(anon.get("/api/v1/posts?limit=100").status, 200, "limit=100 is accepted")
        b = is_error(anon.get("/api/v1/posts?colour=red"), 400, "unknown_parameter", "unknown parameter is 400")
        like(str(b), "colour", "and names it")
        for cur in ("x", "12", "0-1", "5-0", "1-2-3", "-1-2"):
            is_error(anon.get("/api/v1/posts?cursor=" + cur), 400, None, "bad cursor %r is 400" % cur)

        # ---- cursor pagination over every post
        seen, cursor, pages = [], None, 0
        for _ in range(20):
            q = "/api/v1/posts?limit=4" + ("&cursor=" + cursor if cursor else "")
            r = anon.get(q)
            if r.status != 200:
                break
            b = r.json()
            seen += [i["id"] for i in b["items"]]
            pages += 1
            cursor = b["next_cursor"]
            if cursor is None:
                break
        is_(pages, 2, "6 posts by 4 take two pages")
        is_(sorted(seen), [1, 2, 3, 4, 5, 6], "every post once, none twice")

        # ---- get
        r = anon.get("/api/v1/posts/3")
        is_(r.status, 200, "GET one post")
        b = r.json()
        is_(b["title"], "Youth festival: registrations are open", "its title")
        like(b["body_html"], r"<ol>", "body_html rendered from Markdown")
        like(b["url"], r"^http://127\.0\.0\.1:\d+/posts/3-youth-festival-registrations-are-open$", "absolute canonical url")
        is_error(anon.get("/api/v1/posts/999"), 404, "not_found", "absent post is 404")
        is_error(anon.get("/api/v1/posts/abc"), 404, "not_found", "non-numeric id is 404")

        # ---- create: auth
        good = {"title": "Fermeture de la route côtière", "kind": "announcement", "lang": "fr",
                "body": "La route **côtière** sera fermée.", "department": "roads", "tags": ["route", "Travaux"]}
        is_error(anon.request("POST", "/api/v1/posts", json=good), 401, "unauthorized", "anonymous create is 401")
        is_error(api.request("POST", "/api/v1/posts", json=good, headers=auth(water)), 403, "forbidden",
                 "a water token cannot create in roads")
        is_error(api.request("POST", "/api/v1/posts", json=good, headers=auth("0" * 64)), 401, None,
                 "a made-up token is 401")
        r = api.request("POST", "/api/v1/posts", json=good, headers=auth(roads))
        is_(r.status, 201, "create with a roads token is 201")
        b = r.json()
        pid = b["id"]
        is_(r.header("Location"), "/api/v1/posts/%d" % pid, "Location names the new post")
        is_(b["status"], "draft", "a new post is a draft")
        is_(b["tags"], ["route", "travaux"], "tags normalised")
        is_(b["publish_at"], None, "no publish time")
        is_(b["department"]["slug"], "roads", "department")
        is_error(anon.get("/api/v1/posts/%d" % pid), 404, "not_found", "a draft is 404 to anonymous readers")
        is_(api.get("/api/v1/posts/%d" % pid, headers=auth(roads)).status, 200, "but visible with the roads token")
        is_error(api.get("/api/v1/posts/%d" % pid, headers=auth(water)), 404, None, "and 404 with the water token")
        ok(pid not in [i["id"] for i in anon.get("/api/v1/posts").json()["items"]], "drafts are not listed")

        # ---- create: validation
        b = is_error(api.request("POST", "/api/v1/posts", json={"title": "ab", "kind": "gossip", "lang": "de",
                                                                 "department": "nowhere"}, headers=auth(roads)),
                     422, "invalid", "invalid fields are 422")
        fields = (b.get("error") or {}).get("fields", {}) if isinstance(b, dict) else {}
        for f in ("title", "body", "kind", "lang", "department"):
            ok(isinstance(fields.get(f), str) and fields[f], "422 names %s" % f)
        like(fields.get("title", ""), "3", "the title message says the minimum")
        b = is_error(api.request("POST", "/api/v1/posts", json=dict(good, tags=["t%d" % i for i in range(11)]),
                                 headers=auth(roads)), 422, "invalid", "11 tags are 422")
        ok("tags" in ((b.get("error") or {}).get("fields") or {}), "naming tags")
        b = is_error(api.request("POST", "/api/v1/posts", json=dict(good, publish_at="tomorrow"), headers=auth(roads)),
                     422, "invalid", "a bad publish_at is 422")
        ok("publish_at" in ((b.get("error") or {}).get("fields") or {}), "naming publish_at")
        b = is_error(api.request("POST", "/api/v1/posts", json=dict(good, colour="red"), headers=auth(roads)), 400,
                     "unknown_field", "unknown field is 400")
        like(str(b), "colour", "and names it")
        for bad in ({"title": 5}, {"tags": "a,b"}, {"tags": [1, 2]}, {"body": None}, {"department": 1},
                    {"title": ["x"]}):
            is_error(api.request("POST", "/api/v1/posts", json=dict(good, **bad), headers=auth(roads)), 400, None,
                     "wrong type %r is 400" % bad)
        b = is_error(api.request("POST", "/api/v1/posts", data='{\n  "title": "x",\n  oops\n}',
                                 headers=dict(auth(roads), **{"Content-Type": "application/json"})),
                     400, None, "invalid JSON is 400")
        like(str(b), r"3:\d+", "with line:column")
        is_error(api.request("POST", "/api/v1/posts", data="[1,2]",
                             headers=dict(auth(roads), **{"Content-Type": "application/json"})), 400, None,
                 "a JSON array is 400")
        is_error(api.request("POST", "/api/v1/posts", data="",
                             headers=dict(auth(roads), **{"Content-Type": "application/json"})), 400, None,
                 "an empty body is 400")
        is_error(api.request("POST", "/api/v1/posts", data='{"title":"a","title":"b"}',
                             headers=dict(auth(roads), **{"Content-Type": "application/json"})), 400, None,
                 "duplicate keys are 400")
        # Markdown safety through the API
        r = api.request("POST", "/api/v1/posts", json=dict(good, title="Safe body", body=(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[x](javascript:alert(3))")),
            headers=auth(roads))
        is_(r.status, 201, "a post with hostile Markdown is accepted")
        html = r.json().get("body_html", "")
        ok("<script" not in html and "onerror" not in html and "javascript:" not in html,
           "its body_html has no script, no onerror, no javascript: link")
        api.request("DELETE", "/api/v1/posts/%d" % r.json()["id"], headers=auth(roads))
        # session + CSRF header also writes
        ed = srv.client()
        is_(ed.login(*DEMO_EDITOR), 303, "editor logs in")
        is_error(ed.request("POST", "/api/v1/posts", json=dict(good, title="Via session")), 403, None,
                 "a session write without X-CSRF-Token is 403")
        ed.get("/staff/posts/new")
        r = ed.request("POST", "/api/v1/posts", json=dict(good, title="Via session"), headers={"X-CSRF-Token": ed.last_csrf})
        is_(r.status, 201, "a session write with X-CSRF-Token is 201")
        if r.status == 201:
            ed.request("DELETE", "/api/v1/posts/%d" % r.json()["id"], headers={"X-CSRF-Token": ed.last_csrf})
        cit = srv.client()
        cit.login(*DEMO_CITIZEN)
        cit.get("/")
        is_error(cit.request("POST", "/api/v1/posts", json=good, headers={"X-CSRF-Token": cit.last_csrf or ""}), 403,
                 None, "a citizen cannot create")

        # ---- PATCH
        r = api.request("PATCH", "/api/v1/posts/%d" % pid, json={"title": "Fermeture de la route côtière (modifié)"},
                        headers=auth(roads))
        is_(r.status, 200, "PATCH is 200")
        is_(r.json().get("title"), "Fermeture de la route côtière (modifié)", "title changed")
        is_(r.json().get("body"), good["body"], "other fields kept")
        is_(r.json().get("slug"), "fermeture-de-la-route-côtière-modifié", "slug follows the title")
        is_error(api.request("PATCH", "/api/v1/posts/%d" % pid, json={"title": "x"}, headers=auth(roads)), 422,
                 "invalid", "PATCH with a short title is 422")
        is_error(api.request("PATCH", "/api/v1/posts/%d" % pid, json={"title": "Water now", "department": "water"},
                             headers=auth(roads)), 403, "forbidden", "moving a post to a department not theirs is 403")
        is_error(api.request("PATCH", "/api/v1/posts/%d" % pid, json={"title": "Hijack"}, headers=auth(water)), 403,
                 "forbidden", "PATCH with another department's token is 403")
        is_error(anon.request("PATCH", "/api/v1/posts/%d" % pid, json={"title": "Hijack"}), 401, None,
                 "anonymous PATCH is 401")
        is_error(api.request("PATCH", "/api/v1/posts/9999", json={"title": "Nope"}, headers=auth(roads)), 404, None,
                 "PATCH of an absent post is 404")
        is_error(api.request("PATCH", "/api/v1/posts/%d" % pid, json={"status": "gone"}, headers=auth(roads)), 422,
                 "invalid", "an unknown status is 422")

        # ---- publish now
        is_error(api.request("POST", "/api/v1/posts/%d/publish" % pid, headers=auth(water)), 403, None,
                 "publishing with a water token is 403")
        is_error(anon.request("POST", "/api/v1/posts/%d/publish" % pid), 401, None, "anonymous publish is 401")
        t0 = time.time()
        r = api.request("POST", "/api/v1/posts/%d/publish" % pid, headers=auth(roads))
        is_(r.status, 200, "publish without a body is 200")
        b = r.json()
        is_(b.get("status"), "published", "status published")
        is_(b.get("scheduled"), False, "not scheduled")
        pub = datetime.datetime.strptime(b.get("publish_at") or "1970-01-01T00:00:00Z", "%Y-%m-%dT%H:%M:%SZ")
        ok(abs(pub.replace(tzinfo=datetime.timezone.utc).timestamp() - t0) < 5, "publish_at is now")
        is_(anon.get("/api/v1/posts/%d" % pid).status, 200, "now readable anonymously")
        is_(anon.get("/api/v1/posts?limit=1").json()["items"][0]["id"], pid, "and first in the list")

        # ---- publish with publish_at (scheduled)
        r = api.request("POST", "/api/v1/posts", json=dict(good, title="Plus tard"), headers=auth(roads))
        later = r.json()["id"]
        when = int(time.time()) + 3600
        is_error(api.request("POST", "/api/v1/posts/%d/publish" % later, json={"publish_at": "soon"},
                             headers=auth(roads)), 400, None, "publish with a bad publish_at is 400")
        is_error(api.request("POST", "/api/v1/posts/%d/publish" % later, json={"when": iso(when)},
                             headers=auth(roads)), 400, None, "publish with an unknown field is 400")
        r = api.request("POST", "/api/v1/posts/%d/publish" % later, json={"publish_at": iso(when)}, headers=auth(roads))
        is_(r.status, 200, "publish with publish_at is 200")
        is_(r.json().get("publish_at"), iso(when), "publish_at stored")
        is_(r.json().get("scheduled"), True, "scheduled is true")
        is_error(anon.get("/api/v1/posts/%d" % later), 404, "not_found", "a scheduled post is 404 to anonymous readers")
        ok(later not in [i["id"] for i in anon.get("/api/v1/posts").json()["items"]], "and not listed")
        r = api.request("POST", "/api/v1/posts/%d/publish" % later, json={"publish_at": "2026-01-02T10:00:00+01:00"},
                        headers=auth(roads))
        is_(r.json().get("publish_at"), "2026-01-02T09:00:00Z", "a zone offset is honoured")
        # create with status published
        r = api.request("POST", "/api/v1/posts", json=dict(good, title="Directement publié", status="published"),
                        headers=auth(roads))
        is_((r.status, r.json().get("status")), (201, "published"), "create with status published")

        # ---- DELETE
        is_error(api.request("DELETE", "/api/v1/posts/%d" % pid, headers=auth(water)), 403, None,
                 "DELETE with a water token is 403")
        is_error(anon.request("DELETE", "/api/v1/posts/%d" % pid), 401, None, "anonymous DELETE is 401")
        r = api.request("DELETE", "/api/v1/posts/%d" % pid, headers=auth(roads))
        is_((r.status, r.body), (204, b""), "DELETE is 204 with no body")
        is_error(api.request("DELETE", "/api/v1/posts/%d" % pid, headers=auth(roads)), 404, None, "again: 404")
        is_error(anon.get("/api/v1/posts/%d" % pid), 404, None, "GET after DELETE is 404")
        con = sqlite3.connect(srv.db)
        is_(con.execute("SELECT count(*) FROM post_tags WHERE post_id = ?", (pid,)).fetchone()[0], 0,
            "its tags are gone too")
        con.close()

        # ---- misc errors in JSON
        is_error(anon.request("PUT", "/api/v1/posts/1"), 405, None, "PUT is 405 as JSON")
        is_error(anon.get("/api/v1/nothing"), 404, None, "unknown API path is 404 as JSON")
        r = anon.get("/api/v1/posts?dept=nowhere", headers={"Accept-Language": "fr"})
        like(r.json()["error"]["message"], r"(?i)service|département", "error messages follow Accept-Language")


run(main)
