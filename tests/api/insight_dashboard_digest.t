#!/usr/bin/python3
# The weekly digest, against a real SMTP sink: requests seeded through the JSON
# API this week; a site admin forces the digest of the current ISO week
# (POST /insight/digest/send); the water department's admin receives the
# water digest in French, the site admin the whole administration's in Arabic,
# each once (a second send queues nothing); the periodic task (tick every
# second) sends nothing for an empty last week; citizens cannot force it.
import datetime
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from majlis import DEMO_ADMIN, DEMO_CITIZEN, Server, diag, is_, like, ok, run  # noqa: E402
from smtpsink import SmtpSink  # noqa: E402


def body_of(msg):
    part = msg.get_body(preferencelist=("plain",))
    return part.get_content() if part else ""


def main():
    week = "%04d-W%02d" % datetime.date.today().isocalendar()[:2]
    sink = SmtpSink().start()
    env = {"MAJLIS_SMTP_URL": sink.url, "MAJLIS_TICK_INTERVAL": "1", "MAJLIS_MAIL_FROM": "noreply@city.example"}
    try:
        with Server(env=env) as srv:
            cp = subprocess.run([srv.binary, "user", "add", "--db", srv.db, "--email", "wateradmin@example.org", "--name",
                                 "Water Admin", "--lang", "fr", "--role", "admin", "--dept", "water"],
                                input=b"wateradmin-pass-2026\n", env=srv._env(), cwd=srv.dir,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
            is_(cp.returncode, 0, "water admin created")
            tok = re.search(r"[0-9a-f]{64}", srv.run_cli("token", "add", "--db", srv.db, "--name", "agent", "--role",
                                                         "agent", "--dept", "water", check=True).stdout).group(0)
            c = srv.client()
            for i in range(3):
                r = c.request("POST", "/api/v1/requests", json={
                    "kind": "complaint", "category": "water-leak", "attributes": {"where": "street"},
                    "description": "Fuite d'eau sur la canalisation numéro %d, c'est inadmissible" % i,
                    "contact_email": "d%d@example.net" % i}, headers={"Authorization": "Bearer " + tok})
                is_(r.status, 201, "request %d created" % i)
            time.sleep(2.5)  # a few ticks of the periodic task

            def digests():
                return [m for m in sink.messages if "/insight?" in body_of(m)]
            is_(len(digests()), 0, "the periodic task sent nothing for an empty last week")

            cit = srv.client()
            cit.login(*DEMO_CITIZEN)
            page = cit.get("/account")
            r = cit.post_form("/insight/digest/send", {"week": week}, page=page.text)
            ok(r.status in (401, 403), "citizen cannot force the digest (%d)" % r.status)

            adm = srv.client()
            is_(adm.login(*DEMO_ADMIN), 303, "site admin logs in")
            page = adm.get("/insight")
            r = adm.post_form("/insight/digest/send", {"week": "2026-W99"}, page=page.text)
            is_(r.status, 400, "bad week: 400")
            page = adm.get("/insight")
            r = adm.post_form("/insight/digest/send", {"week": week}, page=page.text)
            is_(r.status, 200, "digest forced for %s" % week)
            like(r.text, r'notice ok', "confirmation shown")

            deadline = time.time() + 20
            while time.time() < deadline and len([m for m in sink.messages if week in str(m["Subject"])]) < 2:
                time.sleep(0.1)
            time.sleep(1)
            got = [m for m in sink.messages if week in str(m["Subject"])]
            is_(sorted(m["To"] for m in got), ["admin@example.org", "wateradmin@example.org"],
                "one digest to the site admin, one to the water admin")
            for m in got:
                b = body_of(m)
                like(b, r"/insight\?from=", "%s: link to the dashboard" % m["To"])
                if m["To"] == "wateradmin@example.org":
                    like(str(m["Subject"]), r"^Synthèse hebdomadaire %s : " % week, "water admin: French subject")
                    like(b, r"Messages : [3-9]", "water admin: this week's volume")
                    like(b, r"dept=water", "water admin: link to the water dashboard")
                    like(b, r"Sujets principaux", "water admin: top topics")
                else:
                    like(str(m["Subject"]), r"^الملخص الأسبوعي %s: الإدارة كلها" % week, "site admin: Arabic subject")
                    like(b, r"الرسائل: ", "site admin: volume in Arabic")
                    ok("dept=" not in b, "site admin: the whole administration")

            page = adm.get("/insight")
            r = adm.post_form("/insight/digest/send", {"week": week}, page=page.text)
            is_(r.status, 200, "forced again")
            like(r.text, r"\b0\b", "nothing new queued")
            time.sleep(2)
            is_(len([m for m in sink.messages if week in str(m["Subject"])]), 2, "still two digests: each sent once")
    finally:
        sink.stop()


run(main)
