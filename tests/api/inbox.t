#!/usr/bin/python3
"""The staff inbox (/staff/requests): who may open it, a department sees only its
own queue, sorted by next due time, filters and their counts, keyset paging,
bulk actions with a result summary, transfer to another department, and the
rule that only the handling department sees a request and its contact details."""
import os
import re
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from majlis import Server, ok, is_, like, diag, run  # noqa: E402

AGENT = ("agent@example.org", "majlis-agent-2026")
ADMIN = ("admin@example.org", "majlis-admin-2026")
CITIZEN = ("citizen@example.org", "majlis-citizen-2026")
EDITOR = ("editor@example.org", "majlis-editor-2026")
BIG = 9223372036854775807


def add_user(srv, email, name, password, *role):
    """majlis user add (password on stdin), with an optional --role R --dept D."""
    cmd = [srv.binary, "user", "add", "--db", srv.db, "--email", email, "--name", name, "--lang", "fr"] + list(role)
    cp = subprocess.run(cmd, input=(password + "\n").encode(), env=srv._env(), cwd=srv.dir,
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    if cp.returncode != 0:
        raise RuntimeError("user add failed: %s" % cp.stderr.decode())


def db(srv):
    con = sqlite3.connect(srv.db, timeout=10)
    con.execute("PRAGMA busy_timeout = 10000")
    return con


def q(srv, sql, args=()):
    con = db(srv)
    try:
        rows = con.execute(sql, args).fetchall()
        con.commit()
        return rows
    finally:
        con.close()


def refs_on_page(html):
    return re.findall(r'<tr id="r-(R-[0-9A-Z]+)"', html)


def count_chip(html, label):
    m = re.search(r'>%s <b>([0-9,\u066c\s]+)</b>' % re.escape(label), html)
    return int(re.sub(r"\D", "", m.group(1))) if m else None


def main():
    with Server() as srv:
        water = q(srv, "SELECT id FROM departments WHERE slug = 'water'")[0][0]
        roads = q(srv, "SELECT id FROM departments WHERE slug = 'roads'")[0][0]
        agent_id = q(srv, "SELECT id FROM users WHERE email = 'agent@example.org'")[0][0]
        leak_cat = q(srv, "SELECT id FROM req_categories WHERE code = 'water-leak'")[0][0]
        bill_cat = q(srv, "SELECT id FROM req_categories WHERE code = 'water-bill'")[0][0]

        # ---- who may open the inbox
        anon = srv.client()
        r = anon.get("/staff/requests")
        is_(r.status, 303, "anonymous visitor is sent to log in")
        cit = srv.client()
        cit.login(*CITIZEN)
        is_(cit.get("/staff/requests").status, 403, "a citizen cannot open the staff inbox")
        ed = srv.client()
        ed.login(*EDITOR)
        is_(ed.get("/staff/requests").status, 403, "an editor without the agent role cannot open it")

        # ---- a department sees only its own queue
        ag = srv.client()
        is_(ag.login(*AGENT), 303, "water agent logs in")
        r = ag.get("/staff/requests", headers={"Accept-Language": "en"})
        is_(r.status, 200, "agent opens the inbox")
        water_refs = {x[0] for x in q(srv, "SELECT ref FROM requests WHERE dept_id = ?", (water,))}
        roads_refs = {x[0] for x in q(srv, "SELECT ref FROM requests WHERE dept_id = ?", (roads,))}
        is_(set(refs_on_page(r.text)), water_refs, "the queue holds exactly the water requests")
        ok(not roads_refs & set(refs_on_page(r.text)), "no roads request in the water queue")
        ok('name="dept"' not in r.text.split('class="filters"')[1].split("</form>")[0] or 'type="hidden" name="dept"' in r.text,
           "no department chooser for an agent of one department")
        like(r.text, r'<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ">', "due times carry an absolute time")
        like(r.text, r"\((بعد|منذ) \d+ (ساعة|دقيقة|يوم)\)", "due times are shown relative too (in the agent's language, ar)")
        is_(ag.get("/staff/requests?dept=%d" % roads).status, 403, "water agent cannot open the roads queue")

        # ---- a fuller queue, written straight into the database: due times, channels, priorities ...
        now = int(time.time())
        con = db(srv)
        rows = []
        for i in range(60):
            ref = "R-T%06d" % i
            due = BIG if i % 10 == 9 else now + 3600 * ((i * 7) % 50) - 7200
            status = "solved" if i % 13 == 5 else ("pending" if i % 11 == 3 else "open")
            is_open = 0 if status == "solved" else 1
            prio = ["low", "normal", "high", "urgent"][i % 4]
            channel = "open311" if i % 5 == 0 else "web"
            assignee = agent_id if i % 6 == 0 else None
            overdue = 1 if i % 8 == 1 else 0
            cat = leak_cat if i % 2 else bill_cat
            created = now - 86400 * (i % 20)
            con.execute("INSERT INTO requests(ref, category_id, dept_id, kind, channel, status, priority, description, lang,"
                        " public, contact_email, assignee_id, overdue, is_open, due_sort, created_at, updated_at)"
                        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        (ref, cat, water, "report", channel, status, prio, "test request %d" % i, "ar", 1,
                         "t%d@example.org" % i, assignee, overdue, is_open, due if is_open else BIG, created, created))
        con.commit()
        con.close()

        def expected(where="", args=()):
            return [x[0] for x in q(srv, "SELECT ref FROM requests WHERE dept_id = ? AND is_open = 1 %s "
                                         "ORDER BY due_sort, id" % where, (water,) + tuple(args))]

        open_all = expected()
        r = ag.get("/staff/requests")
        page1 = refs_on_page(r.text)
        is_(len(page1), 25, "first page holds 25 rows")
        is_(page1, open_all[:25], "sorted by next due time (then id)")
        is_(count_chip(r.text, "كل المفتوحة"), len(open_all), "chip: all open")
        mine = expected("AND assignee_id = ?", (agent_id,))
        is_(count_chip(r.text, "المسندة إلي"), len(mine), "chip: mine")
        unassigned = expected("AND assignee_id IS NULL")
        is_(count_chip(r.text, "غير مسندة"), len(unassigned), "chip: unassigned")
        overdue = expected("AND overdue = 1")
        is_(count_chip(r.text, "متأخرة"), len(overdue), "chip: overdue")
        is_(len(re.findall(r'<tr id="r-R-[^"]*" data-ref="[^"]*" class="overdue"', r.text)),
            len([x for x in page1 if x in overdue]), "overdue rows are marked")

        # cursor paging: follow rel=next to the end
        seen, path, pages = [], "/staff/requests", 0
        while path and pages < 10:
            r = ag.get(path)
            seen += refs_on_page(r.text)
            m = re.search(r'<a rel="next" href="([^"]+)"', r.text)
            path = m.group(1).replace("&amp;", "&") if m else None
            pages += 1
        is_(seen, open_all, "paging with the cursor walks the whole queue once, in order")
        is_(pages, (len(open_all) + 24) // 25, "as many pages as needed")

        # filters
        def check(query, where, args, name):
            r = ag.get("/staff/requests?" + query)
            want = expected(where, args)
            got = refs_on_page(r.text)
            is_(got, want[:25], "filter %s: rows" % name)
            like(r.text, r'id="result-count">%d ' % len(want), "filter %s: count" % name)

        check("assignee=me", "AND assignee_id = ?", (agent_id,), "assigned to me")
        check("assignee=none", "AND assignee_id IS NULL", (), "unassigned")
        check("overdue=1", "AND overdue = 1", (), "overdue")
        check("priority=urgent", "AND priority = 'urgent'", (), "priority")
        check("channel=open311", "AND channel = 'open311'", (), "channel")
        check("status=pending", "AND status = 'pending'", (), "status pending")
        check("category=%d" % leak_cat, "AND category_id = ?", (leak_cat,), "category")
        check("priority=high&assignee=none", "AND priority = 'high' AND assignee_id IS NULL", (), "two filters at once")
        day = time.strftime("%Y-%m-%d", time.localtime(now - 86400 * 3))
        lo = int(time.mktime(time.strptime(day, "%Y-%m-%d")))
        check("from=%s&to=%s" % (day, day), "AND created_at BETWEEN ? AND ?", (lo, lo + 86399), "date range")
        r = ag.get("/staff/requests?status=solved")
        want = [x[0] for x in q(srv, "SELECT ref FROM requests WHERE dept_id = ? AND status = 'solved' ORDER BY due_sort, id",
                                (water,))]
        is_(refs_on_page(r.text), want, "filter status solved shows the solved ones")
        for bad in ("status=nope", "priority=9", "channel=x'y", "from=2026-13-45", "after=zz", "category=-1"):
            is_(ag.get("/staff/requests?" + bad).status, 400, "malformed filter refused: " + bad)

        # ---- the request page: only the handling department, contact details included
        roads_id, roads_email = q(srv, "SELECT id, contact_email FROM requests WHERE dept_id = ? ORDER BY id LIMIT 1",
                                  (roads,))[0]
        r = ag.get("/staff/requests/%d" % roads_id)
        is_(r.status, 403, "water agent cannot open a roads request")
        ok(roads_email not in r.text, "... and sees none of its contact details")
        leak_id, leak_email = q(srv, "SELECT id, contact_email FROM requests WHERE dept_id = ? AND ref NOT LIKE 'R-T%' "
                                     "ORDER BY id LIMIT 1", (water,))[0]
        r = ag.get("/staff/requests/%d" % leak_id)
        is_(r.status, 200, "water agent opens a water request")
        ok(leak_email in r.text, "contact details shown to the handling department")
        is_(cit.get("/staff/requests/%d" % leak_id).status, 403, "a citizen cannot open the staff page of a request")
        is_(ag.get("/staff/requests/999999").status, 404, "unknown request: 404")
        adm = srv.client()
        adm.login(*ADMIN)
        r = adm.get("/staff/requests")
        like(r.text, r'<select id="f-dept" name="dept"', "site admin gets a department chooser")
        is_(adm.get("/staff/requests/%d" % roads_id).status, 200, "site admin opens any request")

        # ---- bulk actions
        t_ids = [x[0] for x in q(srv, "SELECT id FROM requests WHERE ref IN ('R-T000001', 'R-T000002')")]
        fields = [("do", "assign_me"), ("back", "/staff/requests?dept=%d" % water)]
        fields += [("id", str(i)) for i in t_ids + [roads_id]]
        page = ag.get("/staff/requests")
        from majlis import csrf_from
        fields.append(("csrf", csrf_from(page.body)))
        r = ag.request("POST", "/staff/requests/bulk", data="&".join("%s=%s" % (k, v) for k, v in fields),
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
        is_(r.status, 303, "bulk assign answers with a redirect")
        like(r.header("Location") or "", r"bulk_ok=2&bulk_failed=1", "2 done, 1 refused (another department)")
        r = ag.get(r.header("Location"))
        like(r.text, r'id="bulk-result">[^<]*2[^<]*1', "the summary is shown")
        is_(sorted(x[0] for x in q(srv, "SELECT coalesce(assignee_id, 0) FROM requests WHERE id IN (?, ?)", t_ids)),
            [agent_id, agent_id], "both water requests assigned to the agent")
        is_(q(srv, "SELECT assignee_id FROM requests WHERE id = ?", (roads_id,))[0][0], None, "the roads one untouched")

        def bulk(action, extra):
            f = [("do", action), ("back", "/staff/requests?dept=%d" % water)] + extra + [("id", str(i)) for i in t_ids]
            f.append(("csrf", csrf_from(ag.get("/staff/requests").body)))
            return ag.request("POST", "/staff/requests/bulk", data="&".join("%s=%s" % (k, v) for k, v in f),
                              headers={"Content-Type": "application/x-www-form-urlencoded"})

        r = bulk("status", [("to_status", "on_hold")])
        like(r.header("Location") or "", r"bulk_ok=2&bulk_failed=0", "bulk status: 2 done")
        is_([x[0] for x in q(srv, "SELECT status FROM requests WHERE id IN (?, ?)", t_ids)], ["on_hold"] * 2,
            "both on hold")
        r = bulk("priority", [("to_priority", "urgent")])
        like(r.header("Location") or "", r"bulk_ok=2&bulk_failed=0", "bulk priority: 2 done")
        is_([x[0] for x in q(srv, "SELECT priority FROM requests WHERE id IN (?, ?)", t_ids)], ["urgent"] * 2,
            "both urgent")
        r = bulk("assign", [("assignee", "agent@example.org")])
        like(r.header("Location") or "", r"bulk_ok=2", "bulk assign to a named agent")
        r = bulk("priority", [("to_priority", "nope")])
        is_(r.status, 400, "bulk with a bad value refused")
        r = ag.request("POST", "/staff/requests/bulk", data="do=assign_me&id=%d" % t_ids[0],
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
        is_(r.status, 403, "bulk without the CSRF token refused")
        ok(q(srv, "SELECT count(*) FROM audit_log WHERE action LIKE 'request.bulk_%'")[0][0] >= 8,
           "bulk actions are audited, one line per request")
        is_(q(srv, "SELECT count(*) FROM request_events WHERE request_id = ? AND type = 'status'", (t_ids[0],))[0][0], 1,
            "each bulk item went through the engine (status event recorded)")

        # ---- transfer to another department
        add_user(srv, "roads.agent@example.org", "Roads Agent", "roads-agent-pass-1", "--role", "agent", "--dept", "roads")
        ra = srv.client()
        is_(ra.login("roads.agent@example.org", "roads-agent-pass-1"), 303, "roads agent logs in")
        page = ag.get("/staff/requests/%d" % leak_id)
        r = ag.post_form("/staff/requests/%d/transfer" % leak_id, {"dept": str(roads), "reason": ""}, page=page)
        is_(r.status, 422, "transfer without a reason refused")
        r = ag.post_form("/staff/requests/%d/transfer" % leak_id, {"dept": str(roads), "reason": "Broken pipe under the road"},
                         page=page)
        is_(r.status, 303, "transfer accepted")
        like(r.header("Location") or "", r"^/staff/requests\?dept=%d" % water, "back to the water queue")
        leak_ref = q(srv, "SELECT ref FROM requests WHERE id = ?", (leak_id,))[0][0]
        ok(leak_ref not in ag.get("/staff/requests").text, "the request left the water queue")
        is_(ag.get("/staff/requests/%d" % leak_id).status, 403, "the water agent can no longer open it")
        r = ra.get("/staff/requests")
        ok(leak_ref in refs_on_page(r.text), "it is in the roads queue")
        r = ra.get("/staff/requests/%d" % leak_id)
        like(r.text, r"Broken pipe under the road", "the roads agent sees the reason in the history")
        ok(q(srv, "SELECT count(*) FROM audit_log WHERE action = 'request.transfer'")[0][0] == 1, "transfer audited")


run(main)
