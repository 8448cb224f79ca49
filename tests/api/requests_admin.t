#!/usr/bin/python3
"""Configuration of citizen requests: categories with their extra fields
(/admin/categories), response-time targets (/admin/sla), the business calendar
(/admin/calendar) and reply templates (/admin/templates). Who may change what
(site admin everywhere, a department admin in their departments, nobody else),
validation with clear errors, and an audit line for every change."""
import os
import re
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from majlis import Server, ok, is_, like, diag, run  # noqa: E402

AGENT = ("agent@example.org", "majlis-agent-2026")
ADMIN = ("admin@example.org", "majlis-admin-2026")


def q(srv, sql, args=()):
    con = sqlite3.connect(srv.db, timeout=10)
    try:
        rows = con.execute(sql, args).fetchall()
        con.commit()
        return rows
    finally:
        con.close()


def add_user(srv, email, name, password, *extra):
    cmd = [srv.binary, "user", "add", "--db", srv.db, "--email", email, "--name", name] + list(extra)
    cp = subprocess.run(cmd, input=(password + "\n").encode(), env=srv._env(), cwd=srv.dir,
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    if cp.returncode != 0:
        raise RuntimeError("user add failed: %s" % cp.stderr.decode())


def audits(srv, action):
    return q(srv, "SELECT count(*) FROM audit_log WHERE action = ?", (action,))[0][0]


def category_form(dept, **over):
    f = {"code": "noise", "name_ar": "ضجيج", "name_fr": "Nuisance sonore", "name_en": "Noise",
         "desc_ar": "", "desc_fr": "", "desc_en": "", "grp": "environment", "keywords": "bruit, noise, ضجيج",
         "dept": str(dept), "public": "1", "active": "1", "rows": "3",
         "a_code_0": "source", "a_type_0": "singlevaluelist", "a_req_0": "1", "a_ord_0": "1",
         "a_ar_0": "المصدر", "a_fr_0": "Source", "a_en_0": "Source",
         "a_values_0": "bar = مقهى | Café-bar | Bar\nworks = أشغال | Chantier | Building works\n",
         "a_code_1": "since", "a_type_1": "datetime", "a_ord_1": "2",
         "a_ar_1": "منذ متى", "a_fr_1": "Depuis quand", "a_en_1": "Since when", "a_values_1": "",
         "a_code_2": "", "a_type_2": "string", "a_ord_2": "3", "a_ar_2": "", "a_fr_2": "", "a_en_2": "", "a_values_2": ""}
    f.update(over)
    return f


def main():
    with Server() as srv:
        water = q(srv, "SELECT id FROM departments WHERE slug = 'water'")[0][0]
        roads = q(srv, "SELECT id FROM departments WHERE slug = 'roads'")[0][0]
        add_user(srv, "water.chief@example.org", "Chef Eau", "water-chief-pass-1", "--lang", "fr",
                 "--role", "admin", "--dept", "water")

        # ---- who may come in
        ag = srv.client()
        ag.login(*AGENT)
        for path in ("/admin/categories", "/admin/sla", "/admin/templates", "/admin/calendar"):
            is_(ag.get(path).status, 403, "an agent cannot open " + path)
        is_(srv.client().get("/admin/categories").status, 303, "anonymous visitors are sent to log in")
        chief = srv.client()
        is_(chief.login("water.chief@example.org", "water-chief-pass-1"), 303, "water's department admin logs in")
        r = chief.get("/admin/categories")
        is_(r.status, 200, "department admin opens the categories")
        ok("water-leak" in r.text and "pothole" not in r.text, "... and sees only their department's categories")
        pothole = q(srv, "SELECT id FROM req_categories WHERE code = 'pothole'")[0][0]
        is_(chief.get("/admin/categories/%d" % pothole).status, 403, "... and cannot open a roads category")
        is_(chief.get("/admin/calendar").status, 403, "the calendar is for site admins only")

        # ---- create a category with extra fields
        adm = srv.client()
        adm.login(*ADMIN)
        page = adm.get("/admin/categories/new")
        is_(page.status, 200, "new category form")
        like(page.text, r'name="a_values_0"', "with rows for extra fields")
        r = adm.post_form("/admin/categories", category_form(water, code="Bad Code!", name_fr=""), page=page)
        is_(r.status, 422, "invalid code and missing name refused")
        like(r.text, r'id="e-code"', "the code's error is shown next to it")
        like(r.text, r'id="e-name_fr"', "the missing name's error too")
        like(r.text, r'value="Source"', "typed values are kept")
        r = adm.post_form("/admin/categories", category_form(water, a_values_0=""), page=page)
        is_(r.status, 422, "a list without values refused")
        r = adm.post_form("/admin/categories", category_form(water, a_values_0="bar = x | y | z\nbar = a | b | c"), page=page)
        is_(r.status, 422, "duplicate value keys refused")
        r = adm.post_form("/admin/categories", category_form(water, a_type_0="colour"), page=page)
        is_(r.status, 422, "unknown datatype refused")
        r = adm.post_form("/admin/categories", category_form(water, code="pothole"), page=page)
        is_(r.status, 422, "an existing code is refused")
        r = adm.post_form("/admin/categories", category_form(water), page=page)
        is_(r.status, 303, "category created")
        cid = q(srv, "SELECT id FROM req_categories WHERE code = 'noise'")[0][0]
        is_(r.header("Location"), "/admin/categories/%d?done=saved" % cid, "redirect to its page")
        is_(q(srv, "SELECT dept_id, name_ar, name_fr, name_en, grp, public, active FROM req_categories WHERE id = ?", (cid,))[0],
            (water, "ضجيج", "Nuisance sonore", "Noise", "environment", 1, 1), "stored with its three names")
        attrs = q(srv, "SELECT code, datatype, required, ord, label_ar, label_fr, label_en FROM req_attributes "
                       "WHERE category_id = ? ORDER BY ord", (cid,))
        is_(attrs, [("source", "singlevaluelist", 1, 1, "المصدر", "Source", "Source"),
                    ("since", "datetime", 0, 2, "منذ متى", "Depuis quand", "Since when")], "two extra fields stored")
        vals = q(srv, "SELECT v.key, v.name_ar, v.name_fr, v.name_en FROM req_attribute_values v JOIN req_attributes a "
                      "ON a.id = v.attribute_id WHERE a.category_id = ? ORDER BY v.ord", (cid,))
        is_(vals, [("bar", "مقهى", "Café-bar", "Bar"), ("works", "أشغال", "Chantier", "Building works")],
            "list values with their names in three languages")
        is_(audits(srv, "category.create"), 1, "creation audited")

        # ---- edit: the page shows what is stored; remove a field, add one, make it private
        page = adm.get("/admin/categories/%d?done=saved" % cid)
        like(page.text, r'class="notice ok"', "saved notice")
        like(page.text, r"bar = مقهى \| Café-bar \| Bar", "values shown as editable lines")
        like(page.text, r'name="rows" value="4"', "existing fields plus two empty rows")
        f = category_form(water, rows="4", name_en="Noise nuisance", public="", a_code_1="",
                          a_code_2="floor", a_type_2="number", a_ar_2="الطابق", a_fr_2="Étage", a_en_2="Floor",
                          a_code_3="", a_type_3="string", a_ar_3="", a_fr_3="", a_en_3="", a_values_3="", a_ord_3="4")
        del f["public"]
        del f["code"]
        r = adm.post_form("/admin/categories/%d" % cid, f, page=page)
        is_(r.status, 303, "category saved")
        is_(q(srv, "SELECT name_en, public FROM req_categories WHERE id = ?", (cid,))[0], ("Noise nuisance", 0),
            "renamed and now private")
        is_([x[0] for x in q(srv, "SELECT code FROM req_attributes WHERE category_id = ? ORDER BY ord", (cid,))],
            ["source", "floor"], "one field removed, one added")
        is_(audits(srv, "category.update"), 1, "update audited")
        r = chief.get("/admin/categories/%d" % cid)
        is_(r.status, 200, "the water admin may edit it (water category)")
        f = category_form(roads, rows="2")
        del f["code"]
        r = chief.post_form("/admin/categories/%d" % cid, f, page=r)
        is_(r.status, 422, "... but not move it to a department they do not run")
        is_(q(srv, "SELECT dept_id FROM req_categories WHERE id = ?", (cid,))[0][0], water, "still in water")
        page = chief.get("/admin/categories/new")
        r = chief.post_form("/admin/categories", category_form(roads, code="road-noise"), page=page)
        is_(r.status, 422, "a department admin cannot create a category for another department")
        r = chief.post_form("/admin/categories", category_form(water, code="water-noise"), page=page)
        is_(r.status, 303, "... but can for their own")

        # ---- SLA targets
        page = adm.get("/admin/sla?category=%d" % cid)
        is_(page.status, 200, "SLA form")
        like(page.text, r'name="first_urgent"', "one row per priority")
        fields = {"category": str(cid)}
        for p in ("low", "normal", "high", "urgent"):
            fields.update({"first_%s" % p: "8", "next_%s" % p: "4", "resolution_%s" % p: "40",
                           "clock_%s" % p: "business", "raise_%s" % p: "1"})
        fields.update({"first_urgent": "1.5", "resolution_urgent": "24", "clock_urgent": "247"})
        del fields["raise_urgent"]
        r = adm.post_form("/admin/sla", dict(fields, first_low="soon"), page=page)
        is_(r.status, 422, "a target that is not a number is refused")
        like(r.text, r'id="e-first_low"', "the error points at the field")
        r = adm.post_form("/admin/sla", fields, page=page)
        is_(r.status, 303, "targets saved")
        is_(q(srv, "SELECT first_response, next_response, resolution, business_hours, raise_priority FROM req_sla "
                   "WHERE category_id = ? AND priority = 'urgent'", (cid,))[0], (5400, 14400, 86400, 0, 0),
            "urgent: 1.5 h / 4 h / 24 h, around the clock, no raise")
        is_(q(srv, "SELECT first_response, business_hours, raise_priority FROM req_sla WHERE category_id = ? AND "
                   "priority = 'low'", (cid,))[0], (28800, 1, 1), "low: 8 business hours, raise on breach")
        page = adm.get("/admin/sla?category=%d" % cid)
        like(page.text, r'name="first_urgent" type="number" value="1.5"', "stored targets shown back in hours")
        is_(audits(srv, "sla.update"), 1, "SLA change audited")
        r = chief.get("/admin/sla?category=%d" % pothole)
        is_(r.status, 403, "a department admin cannot see another department's targets")
        r = chief.post_form("/admin/sla", dict(fields, category=str(pothole)), page=chief.get("/admin/sla"))
        is_(r.status, 403, "... nor change them")

        # ---- the calendar
        page = adm.get("/admin/calendar")
        is_(page.status, 200, "calendar form")
        like(page.text, r'name="day_1"[^>]*value="08:30-16:30"', "the default week is shown (Monday 08:30-16:30)")
        cal = {"day_%d" % d: "" for d in range(7)}
        cal.update({"day_1": "08:30-12:00, 14:00-16:30", "day_2": "08:30-16:30", "day_5": "08:00-12:00",
                    "holidays": "2026-07-30 = عيد العرش\n2026-11-18 = Fête de l'Indépendance\n"})
        r = adm.post_form("/admin/calendar", dict(cal, day_3="09:00-08:00"), page=page)
        is_(r.status, 422, "an interval that ends before it starts is refused")
        r = adm.post_form("/admin/calendar", dict(cal, day_3="08:00-12:00, 11:00-13:00"), page=page)
        is_(r.status, 422, "overlapping intervals are refused")
        r = adm.post_form("/admin/calendar", dict(cal, holidays="30/07/2026 = x"), page=page)
        is_(r.status, 422, "a malformed holiday line is refused")
        r = adm.post_form("/admin/calendar", {**{"day_%d" % d: "" for d in range(7)}, "holidays": ""}, page=page)
        is_(r.status, 422, "a week without any working hour is refused")
        r = adm.post_form("/admin/calendar", cal, page=page)
        is_(r.status, 303, "calendar saved")
        is_(q(srv, "SELECT weekday, open_min, close_min FROM req_business_hours ORDER BY weekday, open_min"),
            [(1, 510, 720), (1, 840, 990), (2, 510, 990), (5, 480, 720)], "working hours stored")
        is_(q(srv, "SELECT day, name FROM req_holidays ORDER BY day"),
            [("2026-07-30", "عيد العرش"), ("2026-11-18", "Fête de l'Indépendance")], "holidays stored with names")
        page = adm.get("/admin/calendar")
        like(page.text, r'value="08:30-12:00, 14:00-16:30"', "the week is shown back")
        like(page.text, r"2026-07-30 = عيد العرش", "holidays shown back")
        is_(audits(srv, "calendar.update"), 1, "calendar change audited")

        # ---- reply templates
        page = chief.get("/admin/templates")
        is_(page.status, 200, "a department admin opens the templates")
        ok('value="">' not in page.text.split('name="dept"')[1].split("</select>")[0],
           "only a site admin may write a template for every department")
        t = {"name": "Visite", "dept": str(water), "body_ar": "سنزوركم قريبا، {name}.",
             "body_fr": "Nous passerons bientôt, {name}.", "body_en": "We will visit soon, {name}."}
        r = chief.post_form("/admin/templates", dict(t, body_en=""), page=page)
        is_(r.status, 422, "a template needs its three languages")
        r = chief.post_form("/admin/templates", dict(t, dept=""), page=page)
        is_(r.status, 422, "a department admin cannot write one for every department")
        r = chief.post_form("/admin/templates", dict(t, dept=str(roads)), page=page)
        is_(r.status, 422, "... nor for another department")
        r = chief.post_form("/admin/templates", t, page=page)
        is_(r.status, 303, "template created")
        tid = q(srv, "SELECT id FROM reply_templates WHERE name = 'Visite'")[0][0]
        is_(q(srv, "SELECT dept_id, body_fr FROM reply_templates WHERE id = ?", (tid,))[0],
            (water, "Nous passerons bientôt, {name}."), "stored")
        r = adm.post_form("/admin/templates", dict(t, name="Merci", dept=""), page=adm.get("/admin/templates"))
        is_(r.status, 303, "site admin writes a template for every department")
        is_(q(srv, "SELECT dept_id FROM reply_templates WHERE name = 'Merci'")[0][0], None, "for every department")
        page = chief.get("/admin/templates/%d" % tid)
        like(page.text, r"Nous passerons bientôt, \{name\}\.", "edit form shows the text")
        r = chief.post_form("/admin/templates/%d" % tid, dict(t, body_fr="Nous passerons demain, {name}."), page=page)
        is_(r.status, 303, "template updated")
        is_(q(srv, "SELECT body_fr FROM reply_templates WHERE id = ?", (tid,))[0][0], "Nous passerons demain, {name}.",
            "update stored")
        merci = q(srv, "SELECT id FROM reply_templates WHERE name = 'Merci'")[0][0]
        is_(chief.get("/admin/templates/%d" % merci).status, 403, "a department admin cannot edit an all-departments one")
        r = chief.post_form("/admin/templates/%d/delete" % tid, {}, page=chief.get("/admin/templates"))
        is_(r.status, 303, "template deleted")
        is_(q(srv, "SELECT count(*) FROM reply_templates WHERE id = ?", (tid,))[0][0], 0, "gone")
        is_((audits(srv, "template.create"), audits(srv, "template.update"), audits(srv, "template.delete")), (2, 1, 1),
            "template changes audited")

        # ---- pages in the reader's language, right-to-left in Arabic
        r = adm.get("/admin/categories/%d" % cid)
        like(r.text, r'<html lang="ar" dir="rtl">', "the site admin (ar) gets the editor right-to-left")
        like(r.text, r"تعديل الفئة", "... in Arabic")
        r = chief.get("/admin/categories/%d" % cid)
        like(r.text, r'<html lang="fr" dir="ltr">', "the water admin (fr) gets it left-to-right")
        like(r.text, r"Modifier la catégorie", "... in French")


run(main)
