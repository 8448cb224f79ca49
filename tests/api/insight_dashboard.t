#!/usr/bin/python3
# The insight dashboard: requests seeded through the JSON API (insight records
# them on creation) in two departments; an analyst of "water" sees water only
# (another department: 403), a citizen gets 403, a site admin sees all; every
# block exports as CSV (Python's csv) and JSON; SVG charts are well-formed XML
# with <title>/<desc>; Arabic pages are dir=rtl with time running right to
# left; the drill-down lists exactly the messages behind a figure (a term, a
# sentiment, a department, a hotspot cell); bad filters give 400.
import csv
import html
import io
import os
import re
import subprocess
import sys
import urllib.parse
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from majlis import DEMO_ADMIN, DEMO_CITIZEN, Server, diag, is_, like, ok, run  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"
BLOCKS = ("series", "departments", "categories", "channels", "terms", "phrases", "emerging", "clusters",
          "hotspots", "areas", "messages")

WATER = [  # water-leak: a pipe word in all of them
    "Fuite d'eau importante sur la canalisation rue des Roses, l'eau coule depuis hier, c'est inadmissible",
    "Canalisation cassée devant l'école, fuite d'eau énorme, personne ne vient, très mauvais service",
    "La canalisation fuit encore au coin de la rue, gaspillage d'eau terrible",
    "Water pipe burst near the market, the canalisation is leaking badly, awful",
]
ROADS = [
    "حفرة كبيرة في الطريق قرب المسجد، خطيرة جدا على السيارات",
    "Nid de poule énorme avenue Hassan II, dangereux pour les motos",
    "Merci pour la réparation rapide de la route, excellent travail, bravo",
]


def add_user(srv, email, password, role=None, dept=None, lang="en"):
    args = [srv.binary, "user", "add", "--db", srv.db, "--email", email, "--name", email.split("@")[0], "--lang", lang]
    if role:
        args += ["--role", role, "--dept", dept]
    cp = subprocess.run(args, input=(password + "\n").encode(), env=srv._env(), cwd=srv.dir,
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    return cp.returncode == 0


def token(srv, role, dept):
    cp = srv.run_cli("token", "add", "--db", srv.db, "--name", "t-%s-%s" % (role, dept), "--role", role, "--dept", dept,
                     check=True)
    return re.search(r"[0-9a-f]{64}", cp.stdout).group(0)


def svgs(text):
    return re.findall(r"<svg\b.*?</svg>", text, re.S)


def rows_csv(body):
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"), newline="")))


def main():
    with Server() as srv:
        ok(add_user(srv, "analyst@example.org", "analyst-pass-2026", "analyst", "water"), "analyst of water created")
        ok(add_user(srv, "roadsadmin@example.org", "roadsadmin-pass-2026", "admin", "roads", "fr"),
           "admin of roads created")
        agent = token(srv, "agent", "water")
        api = srv.client()
        auth = {"Authorization": "Bearer " + agent}
        created = {}
        for i, text in enumerate(WATER):
            body = {"kind": "complaint", "category": "water-leak", "description": text,
                    "contact_email": "w%d@example.net" % i, "attributes": {"where": "street"}}
            if i < 2:
                body.update({"lat": 33.5801, "lon": -7.6001})
            r = api.request("POST", "/api/v1/requests", json=body, headers=auth)
            is_(r.status, 201, "water request %d created through the API" % i)
            created[text] = r.json()
        for i, text in enumerate(ROADS):
            r = api.request("POST", "/api/v1/requests", json={"kind": "report", "category": "pothole",
                                                               "description": text, "contact_email": "r%d@example.net" % i,
                                                               "attributes": {"size": "dangerous"}},
                            headers=auth)
            is_(r.status, 201, "roads request %d created" % i)

        # ---- access
        is_(srv.client().get("/insight").status in (303, 401, 403), True, "anonymous: no dashboard")
        cit = srv.client()
        cit.login(*DEMO_CITIZEN)
        is_(cit.get("/insight").status, 403, "citizen: 403")
        is_(cit.get("/insight/export/series?format=csv").status, 403, "citizen: 403 on exports")
        is_(cit.get("/insight/messages").status, 403, "citizen: 403 on drill-down")
        an = srv.client()
        is_(an.login("analyst@example.org", "analyst-pass-2026"), 303, "analyst logs in")
        r = an.get("/insight")
        is_(r.status, 200, "analyst: dashboard")
        is_(an.get("/insight?dept=roads").status, 403, "analyst of water: roads is 403")
        j = an.get("/insight/export/departments?format=json").json()
        is_(sorted({x["key"] for x in j["rows"]}), ["water"], "analyst: department breakdown holds water only")
        adm = srv.client()
        is_(adm.login(*DEMO_ADMIN), 303, "site admin logs in")
        nwater = len(adm.get("/insight/messages?format=json&limit=200&dept=water").json()["rows"])
        ok(nwater >= len(WATER), "site admin: %d water messages (ours and the demo's)" % nwater)
        tot = sum(x["total"] for x in an.get("/insight/export/series?format=json").json()["rows"])
        is_(tot, nwater, "analyst: volume = the water messages only")
        ms = an.get("/insight/messages?format=json&limit=200").json()["rows"]
        is_(sorted(m["department"] for m in ms), ["water"] * nwater, "analyst: drill-down lists water messages only")
        ok("حفرة" not in an.get("/insight/messages").text, "analyst: no roads excerpt on the messages page")

        j = adm.get("/insight/export/series?format=json").json()
        demo = sum(x["total"] for x in j["rows"])
        ok(demo >= len(WATER) + len(ROADS), "site admin: every message (%d)" % demo)
        deps = {x["key"] for x in adm.get("/insight/export/departments?format=json").json()["rows"]}
        ok({"water", "roads"} <= deps, "site admin: water and roads in the breakdown")

        # ---- every block: CSV and JSON
        for b in BLOCKS:
            r = adm.get("/insight/export/%s?format=csv" % b)
            is_(r.status, 200, "CSV %s" % b)
            like(r.header("Content-Type", ""), r"^text/csv; charset=utf-8", "CSV %s: content type" % b)
            rows = list(csv.reader(io.StringIO(r.body.decode("utf-8"), newline="")))
            ok(len(rows) >= 1 and all(len(x) == len(rows[0]) for x in rows), "CSV %s parses, same width on every row" % b)
            r = adm.get("/insight/export/%s?format=json" % b)
            is_(r.status, 200, "JSON %s" % b)
            ok(isinstance(r.json().get("rows"), list), "JSON %s parses with rows" % b)
            r = adm.request("GET", "/api/v1/insight/%s" % b)
            is_(r.status, 200, "API %s" % b)
        is_(adm.get("/insight/export/nope?format=csv").status, 404, "unknown block: 404")
        is_(adm.get("/insight/export/series?format=xml").status, 400, "unknown format: 400")
        t = token(srv, "analyst", "water")
        r = srv.client().request("GET", "/api/v1/insight/series", headers={"Authorization": "Bearer " + t})
        is_(r.status, 200, "API with an analyst token")
        is_(sum(x["total"] for x in r.json()["rows"]), nwater, "analyst token: water only")

        # ---- CSV content: series
        rows = rows_csv(adm.get("/insight/export/series?format=csv&gran=week").body)
        ok(rows and {"period", "total", "pos", "neg", "neu", "net_percent"} <= set(rows[0]), "series CSV columns")
        is_(sum(int(x["total"]) for x in rows), demo, "series CSV total = JSON total")

        # ---- HTML and SVG
        fra = srv.client()
        is_(fra.login("roadsadmin@example.org", "roadsadmin-pass-2026"), 303, "roads admin (fr) logs in")
        for lang, who in (("en", an), ("fr", fra), ("ar", adm)):
            r = who.get("/insight")
            like(r.text, r'<html lang="%s"' % lang, "%s: page in the account's language" % lang)
            is_(r.status, 200, "%s: dashboard" % lang)
            found = svgs(r.text)
            ok(len(found) >= 2, "%s: SVG charts (%d)" % (lang, len(found)))
            good = True
            for s in found:
                try:
                    root = ET.fromstring(s)
                except ET.ParseError as e:
                    diag("bad SVG: %s" % e)
                    good = False
                    continue
                if root.get("role") == "img" and (root.find(SVG + "title") is None or root.find(SVG + "desc") is None):
                    good = False
            ok(good, "%s: every SVG is well-formed XML, charts have <title> and <desc>" % lang)
            ok("<script" not in r.text, "%s: no script" % lang)
        r = adm.get("/insight", headers={"Accept-Language": "ar"})
        like(r.text, r'<html lang="ar" dir="rtl"', "ar: dir=rtl")
        like(r.text, r"يمينًا", "ar: chart description says time starts on the right")
        root = ET.fromstring(svgs(r.text)[0])
        pts = [float(x.get("cx")) for x in root.iter(SVG + "circle")]
        ok(len(pts) >= 2 and pts[0] > pts[-1], "ar: the first period is drawn on the right")
        r = an.get("/insight")
        root = ET.fromstring(svgs(r.text)[0])
        pts = [float(x.get("cx")) for x in root.iter(SVG + "circle")]
        ok(len(pts) >= 2 and pts[0] < pts[-1], "en: the first period is drawn on the left")
        like(r.text, r'href="/insight/export/series\?[^"]*format=csv"', "CSV link on the page")
        like(adm.get("/insight").text, r'action="/insight/digest/send"', "site admin: the digest form")
        ok('action="/insight/digest/send"' not in an.get("/insight").text, "analyst: no digest form")

        # ---- drill-down
        j = adm.get("/insight/export/terms?format=json").json()
        canal = [x for x in j["rows"] if x["display"].lower().startswith("canalisation")]
        ok(canal, "top terms include canalisation")
        if canal:
            term = canal[0]["term"]
            r = adm.get("/insight/messages?format=json&limit=200&term=" + urllib.parse.quote(term))
            got = r.json()["rows"]
            is_(len(got), canal[0]["messages"], "drill-down by term: as many messages as the figure")
            is_(len(got), 4, "drill-down by term: the four pipe messages")
            ok(all(m["source"] == "request" and m["department"] == "water" for m in got), "all water requests")
            page = adm.get("/insight/messages?term=" + urllib.parse.quote(term))
            is_(page.status, 200, "drill-down HTML")
            is_(page.text.count('class="msg"'), 4, "drill-down HTML lists four messages")
            r = adm.get("/insight/messages?format=csv&term=" + urllib.parse.quote(term))
            is_(len(rows_csv(r.body)), 4, "drill-down CSV: four rows")
        r = adm.get("/insight/messages?format=json&dept=roads&limit=200").json()["rows"]
        ok(all(m["department"] == "roads" for m in r) and len(r) >= len(ROADS), "drill-down by department: roads only")
        for sent in ("pos", "neg", "neu"):
            rows = adm.get("/insight/messages?format=json&limit=200&sentiment=" + sent).json()["rows"]
            ok(all(m["sentiment"] == sent for m in rows), "drill-down by sentiment %s" % sent)
        series = adm.get("/insight/export/series?format=json").json()["rows"]
        negs = sum(x["neg"] for x in series)
        is_(len(adm.get("/insight/messages?format=json&limit=200&sentiment=neg").json()["rows"]), negs,
            "negative messages listed = negative figure")
        hot = adm.get("/insight/export/hotspots?format=json").json()["rows"]
        cell = [h for h in hot if abs(h["lat"] - 33.5801) < 0.01 and abs(h["lon"] + 7.6001) < 0.01]
        ok(cell and cell[0]["messages"] == 2, "hotspot: the two located water leaks share a cell")
        if cell:
            like(cell[0]["openstreetmap"], r"^https://www\.openstreetmap\.org/\?mlat=33\.58", "hotspot: OpenStreetMap URL")
            rows = adm.get("/insight/messages?format=json&cell=%d" % cell[0]["cell"]).json()["rows"]
            is_(len(rows), 2, "drill-down by cell: two messages")
        # pager
        r = adm.get("/insight/messages?format=json&limit=2").json()
        ok(r["next"], "pager: a next cursor")
        r2 = adm.get("/insight/messages?format=json&limit=2&before=" + r["next"]).json()
        ok(not {m["id"] for m in r["rows"]} & {m["id"] for m in r2["rows"]}, "pager: the next page is different")

        # ---- bad filters
        is_(adm.get("/insight?from=2026-13-01").status, 400, "bad date: 400")
        is_(adm.get("/insight?gran=year").status, 400, "bad granularity: 400")
        is_(adm.get("/insight?from=2000-01-01&to=2026-01-01&gran=day").status, 400, "too many days: 400")
        is_(adm.get("/insight?category=nope").status, 400, "unknown category: 400")
        is_(adm.get("/insight?dept=nowhere").status, 400, "unknown department: 400")
        is_(adm.get("/insight/messages?sentiment=angry").status, 400, "bad sentiment: 400")
        is_(adm.get("/insight?gran=month&from=2025-01-01").status, 200, "months over a long range")


run(main)
