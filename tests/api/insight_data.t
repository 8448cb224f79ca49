#!/usr/bin/python3
# Insight's data layer end to end: a citizen request created over the JSON API
# is recorded in insight (language, sentiment with the model version, dept,
# category, channel, grid cell, PII-masked excerpt, aggregates) in the same
# transaction; `majlis import` brings a CSV in as source "external" (dates,
# channel, department, idempotent re-import, bad input refused cleanly).
import csv
import os
import sqlite3
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from majlis import Server, binary_path, is_, like, ok, run, skip_all  # noqa: E402


def q(db, sql, args=()):
    con = sqlite3.connect(db, timeout=10)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def main():
    if not os.access(binary_path(), os.X_OK):
        skip_all("no server binary at %s" % binary_path())
    with Server() as srv:
        anon = srv.client()
        base_n = q(srv.db, "SELECT coalesce(sum(n), 0) FROM insight_agg_sent WHERE source = 'request'")[0][0]
        base_cells = q(srv.db, "SELECT coalesce(sum(n), 0) FROM insight_agg_cells")[0][0]
        is_(base_n, q(srv.db, "SELECT count(*) FROM requests")[0][0], "the demo's requests are in insight too")
        body = {"kind": "report", "category": "pothole",
                "description": "Trou énorme et dangereux devant l'école, appelez-moi au 0612345678",
                "lat": 33.58, "lon": -7.6, "contact_email": "anon@example.net", "attributes": {"size": "large"}}
        r = anon.request("POST", "/api/v1/requests", json=body)
        is_(r.status, 201, "request created")
        rid = q(srv.db, "SELECT id, dept_id, category_id FROM requests ORDER BY id DESC LIMIT 1")[0]
        rows = q(srv.db, "SELECT lang, sentiment, confidence, model_version, dept_id, category_id, channel, cell,"
                         " excerpt, url, text FROM insight_messages WHERE source = 'request' AND source_id = ?", (rid[0],))
        is_(len(rows), 1, "the request is in insight")
        if rows:
            lang, sent, conf, ver, dept, cat, channel, cell, excerpt, url, text = rows[0]
            is_(lang, "fr", "language")
            ok(sent in ("pos", "neg", "neu") and 0 < conf <= 1, "sentiment %s %.2f" % (sent, conf))
            ok(ver != "", "model version stored: %s" % ver)
            is_((dept, cat), (rid[1], rid[2]), "department and category of the request")
            is_(channel, "api", "channel")
            ok(cell != 0, "grid cell of its location")
            ok("[phone]" in excerpt and "0612345678" not in excerpt, "excerpt masked: %s" % excerpt)
            is_(url, "/staff/requests/%d" % rid[0], "link for drill-down")
            is_(text, None, "the request's text stays in requests")
        is_(q(srv.db, "SELECT sum(n) FROM insight_agg_sent WHERE source = 'request'")[0][0], base_n + 1, "sentiment aggregate")
        ok(q(srv.db, "SELECT count(*) FROM insight_agg_terms WHERE term = 'ecol'")[0][0] >= 1 or
           q(srv.db, "SELECT count(*) FROM insight_agg_terms WHERE ngram = 1")[0][0] >= 3, "term aggregates")
        is_(q(srv.db, "SELECT sum(n) FROM insight_agg_cells")[0][0], base_cells + 1, "cell aggregate")

        # ---- import
        src = os.path.join(srv.dir, "fb.csv")
        with open(src, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["post", "comment", "when"])
            w.writerow(["p1", "الماء مقطوع منذ يومين في حي السلام", "2026-03-01"])
            w.writerow(["p1", "Bravo pour le nouveau jardin public !", "2026-03-02T10:30:00Z"])
            w.writerow(["p2", "", "2026-03-02"])
            w.writerow(["p2", "lma ma kaynach, 3afakom", ""])
        cp = srv.run_cli("import", src, "--text-column", "comment", "--date-column", "when", "--channel", "facebook",
                         "--dept", "water", "--db", srv.db)
        is_(cp.returncode, 0, "import exits 0: %s" % cp.stderr.strip())
        like(cp.stdout, r"imported 3 rows.*1 empty", "import summary")
        ext = q(srv.db, "SELECT channel, dept_id, lang, text, at, day FROM insight_messages WHERE source = 'external'"
                        " ORDER BY at")
        is_(len(ext), 3, "three external messages")
        water = q(srv.db, "SELECT id FROM departments WHERE slug = 'water'")[0][0]
        ok(all(r[0] == "facebook" and r[1] == water for r in ext), "channel and department")
        is_(sorted(r[2] for r in ext), ["ar", "ar-Latn", "fr"], "languages")
        ok(all(r[3] for r in ext), "external text kept for drill-down")
        is_(ext[1][4], 1772447400, "ISO date with time read")
        cp = srv.run_cli("import", src, "--text-column", "comment", "--date-column", "when", "--channel", "facebook",
                         "--dept", "water", "--db", srv.db)
        is_(cp.returncode, 0, "import again")
        is_(q(srv.db, "SELECT count(*) FROM insight_messages WHERE source = 'external'")[0][0], 3,
            "importing the same rows again replaces them")
        is_(q(srv.db, "SELECT sum(n) FROM insight_agg_sent WHERE source = 'external'")[0][0], 3, "aggregates not doubled")

        bad = os.path.join(srv.dir, "bad.csv")
        with open(bad, "w", encoding="utf-8") as f:
            f.write("comment,when\nfine,2026-03-01\nbad date,yesterday\n")
        cp = srv.run_cli("import", bad, "--text-column", "comment", "--date-column", "when", "--db", srv.db)
        ok(cp.returncode == 1 and "row 3: cannot read the date" in cp.stderr, "bad date refused: %s" % cp.stderr.strip())
        is_(q(srv.db, "SELECT count(*) FROM insight_messages WHERE source = 'external'")[0][0], 3,
            "nothing imported from a refused file (one transaction per 500 rows)")
        cp = srv.run_cli("import", src, "--text-column", "comment", "--dept", "nope", "--db", srv.db)
        ok(cp.returncode == 1 and "no department 'nope'" in cp.stderr, "unknown department")
        cp = srv.run_cli("import", src, "--text-column", "nope", "--db", srv.db)
        ok(cp.returncode == 1 and "no column named 'nope'" in cp.stderr, "unknown column")
        cp = srv.run_cli("import", src, "--text-column", "comment", "--db", os.path.join(srv.dir, "none.db"))
        ok(cp.returncode == 1 and "majlis init" in cp.stderr, "missing database")
        ok(not os.path.exists(os.path.join(srv.dir, "none.db")), "no database created by import")
        cp = srv.run_cli("import", src)
        is_(cp.returncode, 2, "usage error without --text-column")


run(main)
