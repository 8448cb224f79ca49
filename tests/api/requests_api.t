#!/usr/bin/python3
# The JSON API /api/v1/requests: citizen create (anonymous with a contact and a
# private link, logged in with session + CSRF header), read by reference (public
# view masked and without contact; private ones to the author / link holder /
# department staff only), the staff queue (filters, counts, cursor), status,
# public reply vs internal note, assign, transfer, priority, merge, similar,
# history, bulk (per-item results), role checks on every staff handler, 422/400
# error shapes, and the creation rate limit (429 + Retry-After).
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from majlis import DEMO_CITIZEN, Server, binary_path, diag, is_, like, ok, run, skip_all  # noqa: E402

API = "/api/v1/requests"


def token(srv, dept, role="agent", name=None):
    args = ["token", "add", "--db", srv.db, "--name", name or ("api-%s-%s" % (role, dept)), "--role", role]
    if dept:
        args += ["--dept", dept]
    cp = srv.run_cli(*args, check=True)
    return [w for w in cp.stdout.split() if len(w) == 64][0]


def bearer(tok):
    return {"Authorization": "Bearer " + tok}


def is_error(resp, status, code, name):
    good = resp.status == status
    try:
        body = resp.json()
        err = body.get("error") if isinstance(body, dict) else None
        good = good and isinstance(err, dict) and isinstance(err.get("message"), str) and err["message"] != "" \
            and (code is None or err.get("code") == code)
    except ValueError:
        body, good = None, False
    ok(good, name)
    if not good:
        diag("    status %d (want %d), body %r" % (resp.status, status, resp.body[:300]))
    return body


def main():
    if not os.access(binary_path(), os.X_OK):
        skip_all("no server binary at %s" % binary_path())
    with Server() as srv:
        roads = token(srv, "roads")
        roads2 = token(srv, "roads", name="roads-second")
        water = token(srv, "water")
        editor = token(srv, "roads", role="editor")
        anon = srv.client()

        # ---- create, anonymous
        body = {"kind": "report", "category": "pothole", "description": "Big hole, call me at 0612345678",
                "lat": 33.58, "lon": -7.6, "address": "Rue 5", "contact_email": "anon@example.net",
                "attributes": {"size": "large"}}
        r = anon.request("POST", API, json=body)
        is_(r.status, 201, "anonymous create: 201")
        created = r.json()
        ref = created["reference"]
        like(ref, r"^R-[0-9A-Z]{7}$", "a short reference")
        is_(r.header("Location"), API + "/" + ref, "Location header")
        like(created.get("private_url", ""), r"/requests/%s\?token=[0-9a-f]{64}$" % ref, "private link for anonymous")
        link_token = created["private_url"].split("token=")[1]
        is_(created["contact"]["email"], "anon@example.net", "the author sees their contact")
        r = anon.request("POST", API, json=dict(body, category="nope"))
        b = is_error(r, 422, "invalid", "unknown category: 422")
        ok("category" in (b or {}).get("error", {}).get("fields", {}), "fields names category")
        r = anon.request("POST", API, json={k: v for k, v in body.items() if k != "contact_email"})
        b = is_error(r, 422, "invalid", "anonymous without contact: 422")
        ok("contact_email" in (b or {}).get("error", {}).get("fields", {}), "fields names contact_email")
        is_error(anon.request("POST", API, json=dict(body, attributes={})), 422, "invalid", "missing attribute: 422")
        is_error(anon.request("POST", API, json=dict(body, lat=200)), 422, "invalid", "bad lat: 422")
        is_error(anon.request("POST", API, json=dict(body, colour="red")), 400, "unknown_field", "unknown field: 400")
        is_error(anon.request("POST", API, json=dict(body, description=5)), 400, "bad_type", "wrong type: 400")
        is_error(anon.request("POST", API, data="{oops", headers={"Content-Type": "application/json"}), 400,
                 "bad_json", "bad JSON: 400")
        is_error(anon.request("POST", API, json=dict(body, priority="urgent")), 422, "invalid",
                 "a citizen may not set the priority")

        # ---- read
        r = anon.get(API + "/" + ref)
        is_(r.status, 200, "a public request is readable anonymously")
        pub = r.json()
        ok("contact" not in pub and "anon@example.net" not in r.text, "public view: no contact")
        like(pub["description"], r"\[phone\]", "public view: phone masked")
        r = anon.get(API + "/%s?token=%s" % (ref, link_token))
        is_(r.json().get("contact", {}).get("email"), "anon@example.net", "the link holder sees the contact")
        like(r.json()["description"], "0612345678", "the link holder sees their own text")
        r = anon.get(API + "/" + ref, headers=bearer(roads))
        ok("id" in r.json() and "assignee_id" in r.json() and r.json()["contact"]["email"], "staff view: full")
        is_error(anon.get(API + "/R-NOPE999"), 404, "not_found", "unknown reference: 404")

        # a private request, created by a logged-in citizen (session + CSRF header)
        cit = srv.client()
        is_(cit.login(*DEMO_CITIZEN), 303, "citizen logs in")
        r = cit.request("POST", API, json={"category": "water-bill", "description": "Bill too high, meter 4471"})
        is_error(r, 403, None, "session without the CSRF header: 403")
        page = cit.get("/account")
        csrf = cit.last_csrf
        r = cit.request("POST", API, json={"category": "water-bill", "description": "Bill too high, meter 4471"},
                        headers={"X-CSRF-Token": csrf or ""})
        is_(r.status, 201, "logged-in citizen creates with the CSRF header")
        priv = r.json()["reference"]
        ok("private_url" not in r.json(), "no private link for a logged-in author")
        is_(cit.get(API + "/" + priv).status, 200, "the author reads their private request")
        is_error(anon.get(API + "/" + priv), 404, "not_found", "anonymous: private request is 404")
        is_error(anon.get(API + "/" + priv, headers=bearer(roads)), 404, "not_found",
                 "another department's agent: 404")
        is_error(anon.get(API + "/" + priv, headers=bearer(editor)), 404, "not_found", "a token without the role: 404")
        is_(anon.get(API + "/" + priv, headers=bearer(water)).status, 200, "the water agent reads it")
        other = srv.client()
        other.login("editor@example.org", "majlis-editor-2026")
        is_error(other.get(API + "/" + priv), 404, "not_found", "another account: 404")

        # ---- the queue
        r = anon.get(API)
        is_error(r, 401, None, "queue anonymously: 401")
        is_error(anon.get(API, headers=bearer(editor)), 403, None, "queue with an editor token: 403")
        r = anon.get(API + "?dept=roads", headers=bearer(roads))
        is_(r.status, 200, "roads queue")
        q = r.json()
        ok(ref in [i["reference"] for i in q["items"]], "the new pothole is in the roads queue")
        ok(all(i["department"]["slug"] == "roads" for i in q["items"]), "only roads requests")
        ok(q["count"] >= 3 and isinstance(q["counts"]["new"], int) and "overdue" in q["counts"]
           and "unassigned" in q["counts"], "count and counts")
        is_(anon.get(API, headers=bearer(roads)).status, 200, "dept defaults to the token's department")
        is_error(anon.get(API + "?dept=water", headers=bearer(roads)), 403, None, "another department's queue: 403")
        is_error(anon.get(API + "?dept=roads&color=1", headers=bearer(roads)), 400, "unknown_parameter",
                 "unknown parameter: 400")
        is_error(anon.get(API + "?dept=roads&status=weird", headers=bearer(roads)), 422, "invalid", "bad status: 422")
        r = anon.get(API + "?dept=roads&category=pothole", headers=bearer(roads))
        ok(all(i["category"]["code"] == "pothole" for i in r.json()["items"]), "category filter")
        r1 = anon.get(API + "?dept=roads&limit=1", headers=bearer(roads)).json()
        ok(r1["next_cursor"], "limit=1 gives a cursor")
        r2 = anon.get(API + "?dept=roads&limit=1&cursor=" + r1["next_cursor"], headers=bearer(roads)).json()
        ok(r2["items"] and r2["items"][0]["reference"] != r1["items"][0]["reference"], "the cursor moves on")
        is_error(anon.get(API + "?dept=roads&cursor=zzz", headers=bearer(roads)), 400, "bad_cursor", "bad cursor: 400")
        r = anon.get(API + "?dept=roads&assignee=none", headers=bearer(roads))
        ok(ref in [i["reference"] for i in r.json()["items"]], "unassigned filter")

        # ---- actions: role checks
        is_error(anon.request("POST", API + "/%s/status" % ref, json={"status": "open"}), 401, None,
                 "status anonymously: 401")
        is_error(anon.request("POST", API + "/%s/status" % ref, json={"status": "open"}, headers=bearer(water)), 403,
                 None, "status by another department's agent: 403")
        is_error(anon.request("POST", API + "/%s/status" % ref, json={"status": "open"}, headers=bearer(editor)), 403,
                 None, "status with an editor token: 403")
        is_error(cit.request("POST", API + "/%s/status" % ref, json={"status": "open"},
                             headers={"X-CSRF-Token": csrf or ""}), 403, None, "status by a citizen: 403")
        # status
        r = anon.request("POST", API + "/%s/status" % ref, json={"status": "open"}, headers=bearer(roads))
        is_((r.status, r.json().get("status")), (200, "open"), "status -> open")
        is_error(anon.request("POST", API + "/%s/status" % ref, json={"status": "new"}, headers=bearer(roads)), 409,
                 "conflict", "back to new: 409")
        is_error(anon.request("POST", API + "/%s/status" % ref, json={"status": "bogus"}, headers=bearer(roads)), 422,
                 "invalid", "unknown status: 422")
        # reply and note
        r = anon.request("POST", API + "/%s/replies" % ref, json={"body": "We are on it.", "public": True},
                         headers=bearer(roads))
        is_(r.status, 200, "public reply")
        r = anon.request("POST", API + "/%s/replies" % ref, json={"body": "Crew B, budget line 7", "public": False},
                         headers=bearer(roads))
        is_(r.status, 200, "internal note")
        is_error(anon.request("POST", API + "/%s/replies" % ref, json={"body": "  "}, headers=bearer(roads)), 422,
                 "invalid", "empty reply: 422")
        # history
        h = anon.get(API + "/%s/history" % ref).json()["items"]
        types = [e["type"] for e in h]
        ok("reply" in types and "note" not in types, "public history: reply shown, note hidden")
        ok(all(e["actor"] is None for e in h), "public history: no actor names")
        h = anon.get(API + "/%s/history?token=%s" % (ref, link_token)).json()["items"]
        ok("note" not in [e["type"] for e in h], "the author does not see internal notes")
        h = anon.get(API + "/%s/history" % ref, headers=bearer(roads)).json()["items"]
        ok("note" in [e["type"] for e in h] and any(e["body"] == "Crew B, budget line 7" for e in h),
           "staff history includes the internal note")
        is_error(anon.get(API + "/%s/history" % priv), 404, "not_found", "history of a private request: 404")
        # priority
        r = anon.request("POST", API + "/%s/priority" % ref, json={"priority": "high"}, headers=bearer(roads))
        is_((r.status, r.json().get("priority")), (200, "high"), "priority -> high")
        is_error(anon.request("POST", API + "/%s/priority" % ref, json={"priority": "max"}, headers=bearer(roads)),
                 422, "invalid", "bad priority: 422")
        # assign: tokens have no user; assign to the demo agent is refused (water agent, roads request)
        is_error(anon.request("POST", API + "/%s/assign" % ref, json={"assignee": 999999}, headers=bearer(roads)),
                 409, "conflict", "assign to a non-agent: 409")
        r = anon.request("POST", API + "/%s/assign" % ref, json={"assignee": None}, headers=bearer(roads))
        is_(r.status, 200, "unassign")
        is_error(anon.request("POST", API + "/%s/assign" % ref, json={"assignee": "someone"}, headers=bearer(roads)),
                 422, "invalid", "bad assignee: 422")
        # similar
        r2 = anon.request("POST", API, json=dict(body, description="Big hole, call me at 0612345678!",
                                                 contact_email="other@example.net"))
        dup = r2.json()["reference"]
        r = anon.get(API + "/%s/similar" % dup, headers=bearer(roads))
        ok(r.status == 200 and ref in [i["reference"] for i in r.json()["items"]], "similar suggests the duplicate")
        is_error(anon.get(API + "/%s/similar" % dup, headers=bearer(water)), 403, None, "similar by water: 403")
        # merge
        r = anon.request("POST", API + "/%s/merge" % dup, json={"into": ref}, headers=bearer(roads))
        is_((r.status, r.json().get("status"), r.json().get("merged_into")), (200, "closed", ref), "merge")
        is_error(anon.request("POST", API + "/%s/merge" % ref, json={"into": "R-NOPE999"}, headers=bearer(roads)), 422,
                 "invalid", "merge into an unknown reference: 422")
        # transfer
        is_error(anon.request("POST", API + "/%s/transfer" % ref, json={"department": "water"}, headers=bearer(roads)),
                 422, "invalid", "transfer without a reason: 422")
        is_error(anon.request("POST", API + "/%s/transfer" % ref, json={"department": "moon", "reason": "x"},
                              headers=bearer(roads)), 422, "invalid", "transfer to an unknown department: 422")
        r = anon.request("POST", API + "/%s/transfer" % ref, json={"department": "water", "reason": "It is a pipe"},
                         headers=bearer(roads))
        is_((r.status, r.json()["department"]["slug"]), (200, "water"), "transfer to water")
        is_error(anon.request("POST", API + "/%s/status" % ref, json={"status": "solved"}, headers=bearer(roads2)),
                 403, None, "after transfer, roads may no longer act")

        # ---- bulk
        r3 = anon.request("POST", API, json={"category": "streetlight", "description": "Lamp out", "contact_phone":
                                             "+212612345678"})
        lamp = r3.json()["reference"]
        r = anon.request("POST", API + "/bulk", json={"references": [lamp, ref, "R-NOPE999"], "action": "priority",
                                                      "priority": "urgent"}, headers=bearer(roads))
        is_(r.status, 200, "bulk answers 200")
        res = {x["reference"]: x for x in r.json()["results"]}
        ok(res[lamp]["ok"] and not res[ref]["ok"] and not res["R-NOPE999"]["ok"], "bulk: per-item outcome")
        is_((res[ref]["error"]["status"], res["R-NOPE999"]["error"]["status"]), (403, 404), "bulk: 403 and 404 items")
        is_((r.json()["done"], r.json()["failed"]), (1, 2), "bulk: done/failed counts")
        is_(anon.get(API + "/" + lamp, headers=bearer(roads)).json()["priority"], "urgent", "bulk applied")
        is_error(anon.request("POST", API + "/bulk", json={"references": [], "action": "priority"},
                              headers=bearer(roads)), 422, "invalid", "bulk with no references: 422")
        is_error(anon.request("POST", API + "/bulk", json={"references": [lamp], "action": "explode"},
                              headers=bearer(roads)), 422, "invalid", "bulk with an unknown action: 422")
        r = anon.request("POST", API + "/bulk", json={"references": [lamp], "action": "note", "body": "bulk note"},
                         headers=bearer(roads))
        is_(r.json()["done"], 1, "bulk note")
        is_error(anon.request("POST", API + "/bulk", json={"references": [lamp], "action": "note", "body": "x"},
                              headers=bearer(editor)), 403, None, "bulk with an editor token: 403")

        # ---- rate limit (per IP; ten creations per ten minutes — five done above from this IP)
        codes = []
        for i in range(8):
            rr = anon.request("POST", API, json={"category": "streetlight", "description": "Lamp %d" % i,
                                                 "contact_email": "lamp%d@example.net" % i})
            codes.append(rr.status)
        ok(201 in codes and 429 in codes, "creation is rate-limited per IP")
        rl = rr
        is_error(rl, 429, "rate_limited", "429 has the error shape")
        ok(re.match(r"^\d+$", rl.header("Retry-After") or ""), "429 carries Retry-After")
        r = anon.request("POST", API, json={"category": "streetlight", "description": "Lamp by token",
                                            "contact_email": "partner@example.net"}, headers=bearer(roads))
        is_(r.status, 201, "partner tokens are not limited per IP")


run(main)
