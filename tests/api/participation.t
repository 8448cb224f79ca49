#!/usr/bin/python3
# Account control and the participation settings: moderators verify accounts
# (who, whom, when — listed), suspend an account for a period with a reason the
# citizen sees on their account page, lift it; staff and site-admin accounts are
# out of a moderator's reach; the settings page (site admins) drives the
# participation gate (minimum account age, verified-only); denials for
# citizens; every action in the audit log. Pages and the JSON API.
import os
import re
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from majlis import DEMO_ADMIN, DEMO_CITIZEN, DEMO_EDITOR, Server, diag, is_, like, ok, run  # noqa: E402

MOD = ("modwater@example.org", "moderator-water-2026")
CIT2 = ("citizen2@example.org", "citizen-two-pass-2026")


def scalar(srv, sql, args=()):
    con = sqlite3.connect(srv.db, timeout=10)
    try:
        rows = con.execute(sql, args).fetchall()
    finally:
        con.close()
    return rows[0][0] if rows else None


def add_user(srv, email, pw, name, *extra):
    cp = subprocess.run([srv.binary, "user", "add", "--db", srv.db, "--email", email, "--name", name] + list(extra),
                        env=srv._env(), cwd=srv.dir, input=pw + "\n", stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                        timeout=60, universal_newlines=True)
    if cp.returncode != 0:
        raise RuntimeError("user add %s: %s" % (email, cp.stderr))
    return scalar(srv, "SELECT id FROM users WHERE email = ?", (email,))


def login(srv, who, lang="en"):
    c = srv.client()
    st = c.login(*who)
    if st != 303:
        raise RuntimeError("login %s: %s" % (who[0], st))
    c.get("/account")  # a page with a CSRF token for the API calls
    return c


def api(c, method, path, body=None):
    return c.request(method, path, json=body, headers={"X-CSRF-Token": c.last_csrf or ""})


def error_code(r):
    try:
        return r.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


def main():
    with Server() as srv:
        cit_id = scalar(srv, "SELECT id FROM users WHERE email = ?", (DEMO_CITIZEN[0],))
        admin_id = scalar(srv, "SELECT id FROM users WHERE email = ?", (DEMO_ADMIN[0],))
        editor_id = scalar(srv, "SELECT id FROM users WHERE email = ?", (DEMO_EDITOR[0],))
        mod_id = add_user(srv, MOD[0], MOD[1], "Mona Moderator", "--role", "moderator", "--dept", "water")
        cit2_id = add_user(srv, CIT2[0], CIT2[1], "Citizen Two")

        admin = login(srv, DEMO_ADMIN)
        mod = login(srv, MOD)
        cit = login(srv, DEMO_CITIZEN)
        cit2 = login(srv, CIT2)
        anon = srv.client()

        # ---- denials
        is_(cit.get("/staff/accounts").status, 403, "a citizen cannot open account control")
        is_(cit.post_form("/staff/accounts/%d/suspend" % cit2_id, {"amount": "1", "unit": "days", "reason": "x"},
                          page=cit.get("/account")).status, 403, "a citizen cannot suspend anyone")
        r = api(cit, "POST", "/api/v1/accounts/%d/verification" % cit2_id)
        is_((r.status, error_code(r)), (403, "forbidden"), "API: a citizen cannot verify (403)")
        is_(cit.get("/admin/participation").status, 403, "a citizen cannot open the participation settings")
        is_(mod.get("/admin/participation").status, 403, "a moderator cannot open the participation settings")
        r = anon.get("/staff/accounts")
        is_(r.status, 303, "anonymous: sent to log in")
        is_(anon.request("GET", "/api/v1/verifications").status, 401, "API anonymous: 401")

        # ---- verification
        r = mod.get("/staff/accounts?q=citizen2")
        is_(r.status, 200, "moderator: account search")
        like(r.text, r'href="/staff/accounts/%d"' % cit2_id, "the search finds the citizen")
        page = mod.get("/staff/accounts/%d" % cit_id)
        like(page.text, "Not verified", "account page: not verified yet")
        r = mod.post_form("/staff/accounts/%d/verify" % cit_id, {}, page=page)
        is_(r.status, 303, "moderator verifies the citizen")
        page = mod.get(r.header("Location"))
        like(page.text, "marked verified", "a notice confirms it")
        like(page.text, r"Verified by — Mona Moderator", "the account page says who verified")
        r = api(mod, "GET", "/api/v1/verifications")
        is_(r.status, 200, "API: the verification list")
        v = [x for x in r.json()["verifications"] if x["user_id"] == cit_id]
        ok(v and v[0]["verified_by"] == mod_id and re.match(r"^\d{4}-\d\d-\d\dT", v[0]["at"] or ""),
           "listed: whom, by whom, when")
        like(mod.get("/staff/accounts").text, "Mona Moderator", "the account list shows the verifier")
        is_(scalar(srv, "SELECT verified_by FROM user_verifications WHERE user_id = ?", (cit_id,)), mod_id,
            "stored: verified_by")

        # ---- suspension by form
        page = mod.get("/staff/accounts/%d" % cit_id)
        r = mod.post_form("/staff/accounts/%d/suspend" % cit_id, {"amount": "2", "unit": "days", "reason": "   "}, page=page)
        is_(r.status, 422, "suspension without a reason: 422")
        like(r.text, "Give a reason", "the error says a reason is needed")
        r = mod.post_form("/staff/accounts/%d/suspend" % cit_id, {"amount": "0", "unit": "days", "reason": "x"}, page=page)
        is_(r.status, 422, "suspension of 0 days: 422")
        r = mod.post_form("/staff/accounts/%d/suspend" % cit_id, {"amount": "400", "unit": "days", "reason": "x"}, page=page)
        is_(r.status, 422, "suspension over a year: 422")
        r = mod.post_form("/staff/accounts/%d/suspend" % cit_id, {"amount": "2", "unit": "weeks", "reason": "x"}, page=page)
        is_(r.status, 422, "unknown unit: 422")
        r = mod.post_form("/staff/accounts/%d/suspend" % cit_id,
                          {"amount": "2", "unit": "days", "reason": "Repeated insults <b>toward</b> others"}, page=page)
        is_(r.status, 303, "moderator suspends the citizen for 2 days")
        until = scalar(srv, "SELECT until - at FROM user_suspensions WHERE user_id = ? ORDER BY id DESC LIMIT 1", (cit_id,))
        is_(until, 2 * 86400, "stored: two days")
        r = cit.get("/account")
        # The demo citizen reads in Arabic (the account's language).
        like(r.text, r"لا يمكنك المشاركة .* إلى غاية", "the citizen sees the suspension on their account page")
        like(r.text, r"Repeated insults &lt;b&gt;toward&lt;/b&gt; others", "with the reason (escaped)")
        r = api(mod, "GET", "/api/v1/accounts/%d/participation" % cit_id)
        j = r.json()
        is_((r.status, j["may_participate"], j["gate"]), (200, False, "participate.suspended"),
            "API: the gate refuses a suspended account")
        ok(j["verified"] and j["suspended_until"] and j["suspension_reason"].startswith("Repeated"),
           "API: verified, suspended until, reason")

        # ---- lift by form
        page = mod.get("/staff/accounts/%d" % cit_id)
        like(page.text, "Lift the suspension", "the account page offers to lift it")
        r = mod.post_form("/staff/accounts/%d/unsuspend" % cit_id, {}, page=page)
        is_(r.status, 303, "moderator lifts the suspension")
        ok("لا يمكنك المشاركة" not in cit.get("/account").text, "the notice is gone from the citizen's page")
        is_(api(mod, "GET", "/api/v1/accounts/%d/participation" % cit_id).json()["may_participate"], True,
            "the citizen may take part again")

        # ---- out of a moderator's reach
        for target, what in ((admin_id, "a site admin"), (editor_id, "a staff member"), (mod_id, "themself")):
            r = mod.post_form("/staff/accounts/%d/suspend" % target, {"amount": "1", "unit": "hours", "reason": "x"},
                              page=mod.get("/staff/accounts"))
            is_(r.status, 403, "a moderator cannot suspend %s" % what)
            r = api(mod, "POST", "/api/v1/accounts/%d/verification" % target)
            is_(r.status, 403, "API: a moderator cannot verify %s" % what)
        is_(mod.get("/staff/accounts/999999").status, 404, "unknown account: 404")
        r = admin.post_form("/staff/accounts/%d/suspend" % editor_id, {"amount": "1", "unit": "hours", "reason": "Test"},
                            page=admin.get("/staff/accounts"))
        is_(r.status, 303, "a site admin may suspend a staff account")
        r = admin.post_form("/staff/accounts/%d/unsuspend" % editor_id, {}, page=admin.get("/staff/accounts"))
        is_(r.status, 303, "and lift it")

        # ---- the JSON API
        r = api(mod, "POST", "/api/v1/accounts/%d/suspension" % cit2_id, {"hours": 0, "reason": "x"})
        is_((r.status, error_code(r)), (422, "invalid"), "API: 0 hours refused")
        r = api(mod, "POST", "/api/v1/accounts/%d/suspension" % cit2_id, {"hours": 3})
        is_(r.status, 422, "API: no reason refused")
        ok("reason" in (r.json().get("error", {}).get("fields") or {}), "the reason field is named")
        r = api(mod, "POST", "/api/v1/accounts/%d/suspension" % cit2_id, {"hours": 3, "days": 1, "reason": "x"})
        is_(r.status, 422, "API: hours and days together refused")
        r = api(mod, "POST", "/api/v1/accounts/%d/suspension" % cit2_id, "not an object")
        is_(r.status, 400, "API: a body that is not an object: 400")
        r = api(mod, "POST", "/api/v1/accounts/%d/suspension" % cit2_id, {"hours": 3, "reason": "Spam campaign"})
        is_(r.status, 201, "API: suspend for 3 hours")
        j = r.json()
        ok(j["suspended_until"] and j["suspension_reason"] == "Spam campaign" and not j["may_participate"],
           "API answer: suspended until, reason, gate closed")
        r = mod.request("POST", "/api/v1/accounts/%d/suspension" % cit2_id, json={"hours": 3, "reason": "x"})
        is_(r.status, 403, "API with a session but without X-CSRF-Token: 403")
        r = api(mod, "DELETE", "/api/v1/accounts/%d/suspension" % cit2_id)
        is_((r.status, r.json()["suspended_until"]), (200, None), "API: lift")
        r = api(mod, "POST", "/api/v1/accounts/%d/verification" % cit2_id)
        is_((r.status, r.json()["verified"]), (201, True), "API: verify")
        ok(r.json()["verifications"][0]["by"] == mod_id, "API: verified by the moderator")

        # ---- settings drive the gate
        page = admin.get("/admin/participation")
        is_(page.status, 200, "site admin: participation settings")
        like(page.text, r'name="flag_threshold"[^>]*value="3"', "the default threshold is 3")
        r = admin.post_form("/admin/participation", {"flag_threshold": "0", "min_age_hours": "0"}, page=page)
        is_(r.status, 422, "threshold 0 refused")
        r = admin.post_form("/admin/participation", {"flag_threshold": "5", "min_age_hours": "-1"}, page=page)
        is_(r.status, 422, "negative age refused")
        like(page.text, r'name="poll_votes_per_ip"[^>]*value="300"', "poll votes per IP per minute: 300 by default")
        r = admin.post_form("/admin/participation", {"flag_threshold": "3", "min_age_hours": "0", "poll_votes_per_ip": "0"},
                            page=page)
        is_(r.status, 422, "0 poll votes per minute refused")
        like(r.text, "100000", "with the allowed range in the message")
        r = admin.post_form("/admin/participation", {"flag_threshold": "3", "min_age_hours": "0",
                                                     "poll_votes_per_ip": "2000"}, page=page)
        is_(r.status, 200, "2000 poll votes per minute saved (a town hall behind one address)")
        is_(scalar(srv, "SELECT value FROM settings WHERE key = 'poll_vote_rate_ip'"), "2000/60", "stored: poll_vote_rate_ip")
        like(r.text, r'name="poll_votes_per_ip"[^>]*value="2000"', "the page shows it")
        r = admin.post_form("/admin/participation", {"flag_threshold": "4", "min_age_hours": "48"}, page=page)
        is_(r.status, 200, "settings saved")
        is_(scalar(srv, "SELECT value FROM settings WHERE key = 'poll_vote_rate_ip'"), "2000/60",
            "a form without the field leaves poll_vote_rate_ip as it was")
        like(r.text, "حُفظت إعدادات المشاركة", "a notice says so (the demo admin reads Arabic)")
        is_(scalar(srv, "SELECT value FROM settings WHERE key = 'flag_threshold'"), "4", "stored: flag_threshold")
        is_(scalar(srv, "SELECT value FROM settings WHERE key = 'participation_min_age_hours'"), "48",
            "stored: participation_min_age_hours")
        is_(scalar(srv, "SELECT value FROM settings WHERE key = 'participation_verified_only'"), "0",
            "stored: participation_verified_only")
        j = api(mod, "GET", "/api/v1/accounts/%d/participation" % cit2_id).json()
        is_((j["may_participate"], j["gate"]), (False, "participate.too_new"), "a 48 h minimum age: a new account waits")
        r = admin.post_form("/admin/participation", {"flag_threshold": "3", "min_age_hours": "0", "verified_only": "1"},
                            page=page)
        is_(r.status, 200, "verified-only saved")
        like(r.text, r'name="verified_only" value="1" checked', "the box stays checked")
        add_user(srv, "citizen3@example.org", "citizen-three-pass-2026", "Citizen Three")
        c3 = scalar(srv, "SELECT id FROM users WHERE email = 'citizen3@example.org'")
        j = api(mod, "GET", "/api/v1/accounts/%d/participation" % c3).json()
        is_((j["may_participate"], j["gate"]), (False, "participate.verified_only"), "verified-only: an unverified account is refused")
        j = api(mod, "GET", "/api/v1/accounts/%d/participation" % cit2_id).json()
        is_(j["may_participate"], True, "verified-only: a verified account passes")
        admin.post_form("/admin/participation", {"flag_threshold": "3", "min_age_hours": "0"}, page=page)

        # ---- the same pages in Arabic
        r = mod.get("/staff/accounts/%d" % cit_id, headers={"Accept-Language": "ar"})
        like(r.text, r'dir="rtl"', "account control in Arabic: right to left")
        like(r.text, "التوثيق", "and translated")

        # ---- audit
        r = admin.get("/admin/audit")
        for action in ("account.verify", "account.suspend", "account.unsuspend", "settings.participation"):
            like(r.text, re.escape(action), "audited: %s" % action)
        ok(scalar(srv, "SELECT count(*) FROM audit_log WHERE action = 'account.suspend'") >= 3,
           "every suspension is one audit line")

run(main)
