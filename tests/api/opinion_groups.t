#!/usr/bin/python3
# Opinion groups of a consultation, over HTTP: a consultation opened through
# the JSON API, 8 statements (comments) and 16 citizens in two camps voting on
# them through the comments API; /api/v1/consultations/:id/opinions finds two
# groups with the right members' sizes, representative statements in the
# right direction and the shared statement as consensus; the page has an
# accessible SVG scatter (well-formed XML, <title>/<desc>) and a text summary,
# dir=rtl in Arabic; an unknown consultation is 404.
# The votes reach insight through the source the comments feature registers
# (opinion_register_source); until it does, only the page contract is tested
# and the groups are skipped (a diagnostic says so).
import datetime
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from majlis import Server, diag, is_, like, ok, run  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def main():
    with Server() as srv:
        tok = re.search(r"[0-9a-f]{64}", srv.run_cli("token", "add", "--db", srv.db, "--name", "ed", "--role", "editor",
                                                     "--dept", "roads", check=True).stdout).group(0)
        ed = srv.client()
        auth = {"Authorization": "Bearer " + tok}
        now = datetime.datetime.now(datetime.timezone.utc)
        r = ed.request("POST", "/api/v1/consultations", headers=auth, json={
            "title": "Plan de circulation du centre", "body": "Donnez votre avis.", "lang": "fr", "department": "roads",
            "opens_at": iso(now - datetime.timedelta(hours=1)), "closes_at": iso(now + datetime.timedelta(days=10)),
            "published": True})
        is_(r.status, 201, "consultation opened through the API")
        cid = r.json()["id"]
        is_(srv.client().get("/api/v1/consultations/999999/opinions").status, 404, "unknown consultation: 404")
        is_(srv.client().get("/consultations/999999/opinions").status, 404, "unknown consultation page: 404")
        r = srv.client().get("/api/v1/consultations/%d/opinions" % cid)
        is_(r.status, 200, "opinions JSON answers")
        j = r.json()
        if j.get("status") == "no_source":
            # (a skip_all here would come after the server's own test lines)
            r = srv.client().get("/consultations/%d/opinions" % cid, headers={"Accept-Language": "ar"})
            is_(r.status, 200, "opinions page answers without a source")
            like(r.text, r'<html lang="ar" dir="rtl"', "ar: dir=rtl")
            diag("SKIP the groups: no vote source registered yet; the comments feature must call "
                 "opinion_register_source (see src/features/insight/opinion.h)")
            return
        ok(j.get("status") == "too_few" and j.get("placed") == 0, "no votes yet: too few")

        def citizen(i):
            email = "voter%02d@example.org" % i
            subprocess.run([srv.binary, "user", "add", "--db", srv.db, "--email", email, "--name", "Voter %d" % i],
                           input=b"voter-pass-2026\n", env=srv._env(), cwd=srv.dir, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60, check=True)
            c = srv.client()
            c.login(email, "voter-pass-2026")
            c.get("/consultations/%d" % cid)
            return c, {"X-CSRF-Token": c.last_csrf or ""}

        author, ah = citizen(99)
        texts = ["Piétonniser la rue principale", "Plus de places de parking au centre", "Des pistes cyclables partout",
                 "Élargir les routes pour les voitures", "Bus gratuits le week-end", "Supprimer les ralentisseurs",
                 "Planter des arbres le long des avenues", "Réparer les trottoirs"]
        ids = []
        for t in texts:
            r = author.request("POST", "/api/v1/comments", headers=ah,
                               json={"target_type": "consultation", "target_id": cid, "body": t})
            is_(r.status, 201, "statement posted: %s" % t)
            ids.append(r.json()["id"])
        green = {0, 2, 4, 6}        # camp A agrees with these, camp B with 1, 3, 5; everybody with 7
        for i in range(16):
            c, h = citizen(i)
            camp_a = i < 10
            for k, cm in enumerate(ids):
                v = 1 if k == 7 or ((k in green) == camp_a) else -1
                r = c.request("PUT", "/api/v1/comments/%d/vote" % cm, headers=h, json={"value": v})
                if k == 0:
                    ok(r.status in (200, 204), "voter %d votes" % i)
        j = srv.client().get("/api/v1/consultations/%d/opinions?fresh=1" % cid).json()
        is_(j["status"], "groups", "two camps: clear groups")
        is_(j["k"], 2, "k = 2")
        is_([g["size"] for g in j["groups"]], [10, 6], "group sizes 10 and 6")
        rep = {(x["statement_id"], x["direction"]) for x in j["groups"][0]["representative"]}
        ok(rep and all((ids.index(s) in green) == (d == "agree") for s, d in rep), "group A: its own statements")
        is_([x["statement_id"] for x in j["consensus"]], [ids[7]], "consensus: the shared statement")

        for lang in ("fr", "ar"):
            r = srv.client().get("/consultations/%d/opinions?lang=%s" % (cid, lang), headers={"Accept-Language": lang})
            is_(r.status, 200, "%s: opinions page" % lang)
            svg = re.findall(r"<svg\b[^>]*role=\"img\".*?</svg>", r.text, re.S)
            ok(svg, "%s: a scatter" % lang)
            root = ET.fromstring(svg[0])
            ok(root.find(SVG + "title") is not None and root.find(SVG + "desc") is not None, "%s: title and desc" % lang)
            like(r.text, r'id="summary"', "%s: text summary" % lang)
        like(r.text, r'<html lang="ar" dir="rtl"', "ar: dir=rtl")


run(main)
