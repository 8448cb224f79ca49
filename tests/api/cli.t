#!/usr/bin/python3
# The command line: --help of every subcommand, user add (password on stdin
# only), user list / set-role / disable, token add/list/revoke, backup,
# migrate, refusing a database from a newer majlis, bad configuration
# (flags, environment, files) and the precedence file < environment < flags.
import http.client
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from majlis import Server, binary_path, diag, free_port, is_, like, ok, run  # noqa: E402

BIN = binary_path()


def env(**extra):
    e = dict(os.environ)
    for k in list(e):
        if k.startswith("MAJLIS_"):
            del e[k]
    e.setdefault("ASAN_OPTIONS", "detect_leaks=1")
    e.update(extra)
    return e


def majlis(*args, stdin=None, cwd=None, timeout=60, **envs):
    cp = subprocess.run([BIN] + list(args), input=stdin if stdin is not None else "", cwd=cwd, env=env(**envs),
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout, universal_newlines=True)
    if "ERROR: AddressSanitizer" in cp.stderr or "runtime error:" in cp.stderr:
        ok(False, "sanitizer report from majlis %s" % " ".join(args))
        diag(cp.stderr[-3000:])
    return cp


def q(db, sql, args=()):
    con = sqlite3.connect(db, timeout=10)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def get(port, path, lang="de"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path, headers={"Accept-Language": lang})
        r = conn.getresponse()
        return r.status, r.read().decode("utf-8", "replace")
    finally:
        conn.close()


class Serve:
    """majlis serve ARGS in the background; .up is True once /healthz answers on port."""

    def __init__(self, args, port, cwd, **envs):
        self.port = port
        self.log = open(os.path.join(cwd, "serve-%d.log" % port), "w+")
        self.p = subprocess.Popen([BIN, "serve"] + list(args), cwd=cwd, env=env(**envs), stdin=subprocess.DEVNULL,
                                  stdout=self.log, stderr=self.log)
        self.up = False
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and self.p.poll() is None:
            try:
                if get(port, "/healthz")[0] == 200:
                    self.up = True
                    break
            except OSError:
                time.sleep(0.05)

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self.log.seek(0)
        text = self.log.read()
        self.log.close()
        return self.p.returncode, text


def test_help():
    cp = majlis("--help")
    is_(cp.returncode, 0, "majlis --help exits 0")
    cmds = re.findall(r"(?m)^  ([a-z][a-z-]+)\s{2,}\S", cp.stdout)
    ok(len(cmds) >= 8, "the help lists the subcommands (%s)" % " ".join(cmds))
    for cmd in cmds:
        cp = majlis(cmd, "--help")
        ok(cp.returncode == 0 and cp.stdout.strip(), "majlis %s --help exits 0 with text on stdout" % cmd)
    for cmd in ("user add", "user list", "user set-role", "user disable", "token add", "token list", "token revoke"):
        cp = majlis(*(cmd.split() + ["--help"]))
        ok(cp.returncode == 0 and "usage" in cp.stdout, "majlis %s --help exits 0" % cmd)
    cp = majlis("frobnicate")
    ok(cp.returncode != 0 and "frobnicate" in cp.stderr, "unknown command: non-zero, named on stderr")
    cp = majlis("user", "list", "--no-such-flag")
    ok(cp.returncode != 0 and "--no-such-flag" in cp.stderr, "unknown flag: non-zero, named on stderr")
    cp = majlis("version")
    ok(cp.returncode == 0 and re.match(r"majlis \d+\.\d+", cp.stdout), "majlis version")


def test_users(d, db):
    cp = majlis("user", "add", "--db", db, "--email", "Clerk@Example.org", "--name", "Clerk One", "--lang", "fr",
                stdin="clerk-password-2026\n")
    is_(cp.returncode, 0, "user add with the password on stdin: exit 0")
    like(cp.stdout, r"user \d+ created: clerk@example.org", "reports the id and the normalised email")
    h = q(db, "SELECT password_hash, lang FROM users WHERE email = 'clerk@example.org'")
    ok(h and h[0][0].startswith("$argon2id$") and h[0][1] == "fr", "stored with an argon2id hash and its language")
    cp = majlis("user", "add", "--db", db, "--email", "short@example.org", "--name", "Short Pw", stdin="short\n")
    ok(cp.returncode != 0 and "10 characters" in cp.stderr, "a short password is refused (exit %d)" % cp.returncode)
    is_(q(db, "SELECT count(*) FROM users WHERE email = 'short@example.org'"), [(0,)], "and no account is created")
    cp = majlis("user", "add", "--db", db, "--email", "empty@example.org", "--name", "Empty Pw", stdin="")
    ok(cp.returncode != 0, "no password on stdin: refused")
    cp = majlis("user", "add", "--db", db, "--email", "argv@example.org", "--name", "Argv Pw",
                "--password", "argv-password-2026", stdin="")
    ok(cp.returncode != 0 and q(db, "SELECT count(*) FROM users WHERE email = 'argv@example.org'") == [(0,)],
       "there is no --password flag: the password is never taken from argv")
    cp = majlis("user", "add", "--db", db, "--email", "clerk@example.org", "--name", "Clerk Again",
                stdin="clerk-password-2026\n")
    ok(cp.returncode != 0 and "already exists" in cp.stderr, "a duplicate is refused")
    cp = majlis("user", "add", "--db", db, "--phone", "+212 6 11 22 33 44", "--name", "Phone Clerk",
                "--role", "agent", "--dept", "water", stdin="phone-clerk-pass-1\n")
    is_(cp.returncode, 0, "user add --phone with --role agent --dept water")
    cp = majlis("user", "add", "--db", db, "--email", "x@example.org", "--name", "Bad Dept", "--role", "agent",
                "--dept", "nowhere", stdin="bad-dept-password\n")
    ok(cp.returncode != 0, "an unknown department is refused")
    cp = majlis("user", "add", "--db", db, "--email", "y@example.org", "--name", "Bad Lang", "--lang", "de",
                stdin="bad-lang-password\n")
    ok(cp.returncode != 0 and "--lang" in cp.stderr, "an unsupported language is refused")

    cp = majlis("user", "list", "--db", db)
    is_(cp.returncode, 0, "user list exits 0")
    lines = cp.stdout.splitlines()
    like(cp.stdout, r"(?m)^\d+\s+admin@example.org\s+.*site-admin", "lists the site admin")
    like(cp.stdout, r"(?m)^\d+\s+editor@example.org\s+.*editor@roads", "lists the editor's roles")
    like(cp.stdout, r"(?m)^\d+\s+\+212611223344\s+Phone Clerk\s+agent@water", "lists the phone account and its role")
    is_(len(lines) - 1, q(db, "SELECT count(*) FROM users")[0][0], "one line per account (plus the header)")

    cp = majlis("user", "set-role", "--db", db, "--email", "clerk@example.org", "--role", "editor", "--dept", "culture")
    is_(cp.returncode, 0, "set-role editor@culture")
    is_(q(db, "SELECT r.role, d.slug FROM user_roles r JOIN departments d ON d.id = r.dept_id JOIN users u "
              "ON u.id = r.user_id WHERE u.email = 'clerk@example.org'"), [("editor", "culture")], "role row written")
    cp = majlis("user", "set-role", "--db", db, "--email", "clerk@example.org", "--role", "editor", "--dept",
                "culture", "--remove")
    is_(cp.returncode, 0, "set-role --remove")
    is_(q(db, "SELECT count(*) FROM user_roles r JOIN users u ON u.id = r.user_id "
              "WHERE u.email = 'clerk@example.org'"), [(0,)], "role row removed")
    cp = majlis("user", "set-role", "--db", db, "--email", "clerk@example.org", "--site-admin")
    is_(q(db, "SELECT site_admin FROM users WHERE email = 'clerk@example.org'"), [(1,)], "set-role --site-admin")
    majlis("user", "set-role", "--db", db, "--email", "clerk@example.org", "--site-admin", "--remove")
    is_(q(db, "SELECT site_admin FROM users WHERE email = 'clerk@example.org'"), [(0,)], "--site-admin --remove")
    cp = majlis("user", "set-role", "--db", db, "--email", "nobody@example.org", "--role", "agent", "--dept", "water")
    ok(cp.returncode != 0 and "nobody@example.org" in cp.stderr, "set-role on an unknown account: non-zero")
    cp = majlis("user", "set-role", "--db", db, "--email", "clerk@example.org", "--role", "king", "--dept", "water")
    ok(cp.returncode != 0, "set-role with an unknown role: non-zero")
    cp = majlis("user", "disable", "--db", db, "--email", "clerk@example.org")
    is_(cp.returncode, 0, "user disable")
    like(majlis("user", "list", "--db", db).stdout, r"clerk@example.org.*\(disabled\)", "list marks it disabled")
    cp = majlis("user", "disable", "--db", db, "--email", "clerk@example.org", "--enable")
    is_(q(db, "SELECT disabled FROM users WHERE email = 'clerk@example.org'"), [(0,)], "user disable --enable")
    cp = majlis("user", "frob", "--db", db)
    ok(cp.returncode != 0, "unknown user verb: non-zero")
    audit = [a for (a,) in q(db, "SELECT action FROM audit_log WHERE actor = 'cli'")]
    ok(all(a in audit for a in ("user.add", "role.grant", "role.revoke", "site_admin.grant", "user.disable",
                                "user.enable")), "CLI actions are in the audit log (%s)" % ",".join(sorted(set(audit))))


def test_tokens(db):
    cp = majlis("token", "add", "--db", db, "--name", "cli-bot", "--role", "editor", "--dept", "roads")
    ok(cp.returncode == 0 and re.fullmatch(r"[0-9a-f]{64}\n", cp.stdout), "token add prints exactly one 64-hex line")
    tok = cp.stdout.strip()
    cp = majlis("token", "add", "--db", db, "--name", "bad", "--role", "editor", "--dept", "nowhere")
    ok(cp.returncode != 0 and cp.stdout == "", "token add with an unknown department: non-zero, no token")
    cp = majlis("token", "add", "--db", db, "--role", "editor")
    ok(cp.returncode != 0, "token add without --name: non-zero")
    cp = majlis("token", "list", "--db", db)
    ok(cp.returncode == 0 and "cli-bot" in cp.stdout and tok not in cp.stdout, "token list names it, never shows it")
    tid = q(db, "SELECT id FROM api_tokens WHERE name = 'cli-bot'")[0][0]
    is_(majlis("token", "revoke", "--db", db, "--id", str(tid)).returncode, 0, "token revoke")
    ok(majlis("token", "revoke", "--db", db, "--id", "abc").returncode != 0, "token revoke --id abc: non-zero")
    ok(majlis("token", "revoke", "--db", db, "--id", "9999").returncode != 0, "unknown token id: non-zero")


def test_backup_migrate(d, db):
    out = os.path.join(d, "backup.db")
    cp = majlis("backup", "--db", db, "--out", out)
    is_(cp.returncode, 0, "backup --out FILE exits 0")
    ok(os.path.exists(out), "the backup file exists")
    is_(q(out, "PRAGMA integrity_check"), [("ok",)], "the backup passes integrity_check")
    is_(q(out, "SELECT count(*) FROM users"), q(db, "SELECT count(*) FROM users"), "same number of users")
    is_(q(out, "SELECT count(*) FROM posts"), q(db, "SELECT count(*) FROM posts"), "same number of posts")
    r = subprocess.run(["sqlite3", out, "SELECT count(*) FROM departments"], stdout=subprocess.PIPE,
                       universal_newlines=True) if shutil.which("sqlite3") else None
    if r is not None:
        is_(r.stdout.strip(), str(q(db, "SELECT count(*) FROM departments")[0][0]), "sqlite3 tool reads the backup")
    cp = majlis("backup", "--db", db, "--out", out)
    ok(cp.returncode != 0 and "exists" in cp.stderr, "backup refuses to overwrite a file")
    cp = majlis("backup", "--db", db)
    ok(cp.returncode != 0, "backup without --out: non-zero")
    cp = majlis("backup", "--db", os.path.join(d, "missing.db"), "--out", os.path.join(d, "b2.db"))
    ok(cp.returncode != 0 and not os.path.exists(os.path.join(d, "b2.db")), "backup of a missing db fails cleanly")

    cp = majlis("migrate", "--db", db)
    is_(cp.returncode, 0, "migrate on a current database exits 0")
    like(cp.stdout, r"\b0 migration\(s\) applied", "and applies 0 migrations")

    newer = os.path.join(d, "newer.db")
    shutil.copy(out, newer)
    con = sqlite3.connect(newer)
    con.execute("UPDATE schema_versions SET version = version + 5 WHERE feature = 'accounts'")
    con.commit()
    con.close()
    before = q(newer, "SELECT feature, version FROM schema_versions ORDER BY feature")
    cp = majlis("migrate", "--db", newer)
    ok(cp.returncode != 0, "migrate refuses a database from a newer majlis (exit %d)" % cp.returncode)
    like(cp.stderr, r"newer majlis.*'accounts'", "with a clear message naming the feature")
    port = free_port()
    cp = majlis("serve", "--db", newer, "--listen", "127.0.0.1:%d" % port, timeout=20)
    ok(cp.returncode != 0, "serve refuses it too (exit %d)" % cp.returncode)
    like(cp.stderr, r"newer majlis", "with the same message")
    is_(q(newer, "SELECT feature, version FROM schema_versions ORDER BY feature"), before, "the database is untouched")
    con = sqlite3.connect(newer)
    con.execute("INSERT INTO schema_versions(feature, version, applied_at) VALUES ('teleport', 1, 0)")
    con.execute("UPDATE schema_versions SET version = version - 5 WHERE feature = 'accounts'")
    con.commit()
    con.close()
    cp = majlis("migrate", "--db", newer)
    ok(cp.returncode != 0 and "teleport" in cp.stderr, "a feature unknown to this binary is refused, and named")
    cp = majlis("serve", "--db", os.path.join(d, "nope.db"), "--listen", "127.0.0.1:%d" % port, timeout=20)
    ok(cp.returncode != 0 and "init" in cp.stderr, "serve on a missing database says to run init")


def test_config(d, db):
    port = free_port()
    cp = majlis("serve", "--db", db, "--listen", "nonsense", timeout=20)
    ok(cp.returncode != 0 and "'listen'" in cp.stderr, "serve --listen nonsense: non-zero, names the key")
    cp = majlis("serve", "--db", db, "--listen", "999.1.1.1:%d" % port, timeout=20)
    ok(cp.returncode != 0 and "listen" in cp.stderr, "serve --listen with a bad address: non-zero")
    cp = majlis("serve", "--db", db, "--listen", "127.0.0.1:%d" % port, timeout=20, MAJLIS_TIMEZONE="Mars/Base")
    ok(cp.returncode != 0 and "timezone" in cp.stderr and "Mars/Base" in cp.stderr,
       "MAJLIS_TIMEZONE=Mars/Base: non-zero, names key and value")
    cp = majlis("serve", "--db", db, "--listen", "127.0.0.1:%d" % port, "--body-limit", "12", timeout=20)
    ok(cp.returncode != 0 and "body_limit" in cp.stderr, "--body-limit 12: non-zero, names the key")
    cp = majlis("serve", "--db", db, "--listen", "127.0.0.1:%d" % port, timeout=20, MAJLIS_DEFAULT_LANG="de")
    ok(cp.returncode != 0 and "default_lang" in cp.stderr, "MAJLIS_DEFAULT_LANG=de: non-zero, names the key")
    bad = os.path.join(d, "bad.conf")
    with open(bad, "w") as f:
        f.write("# majlis\nthreads = 2\ncolour = blue\n")
    cp = majlis("serve", "--config", bad, "--db", db, "--listen", "127.0.0.1:%d" % port, timeout=20)
    ok(cp.returncode != 0, "a config file with an unknown key: non-zero")
    like(cp.stderr, r"bad\.conf:3:.*'colour'", "the message names the file, line and key")
    cp = majlis("user", "list", "--db", db, MAJLIS_CONFIG=bad)
    ok(cp.returncode != 0 and "colour" in cp.stderr, "MAJLIS_CONFIG is read the same way")
    with open(bad, "w") as f:
        f.write("threads\n")
    cp = majlis("serve", "--config", bad, "--db", db, timeout=20)
    ok(cp.returncode != 0 and "bad.conf:1" in cp.stderr, "a line without '=' is refused with its line number")
    cp = majlis("serve", "--config", os.path.join(d, "missing.conf"), "--db", db, timeout=20)
    ok(cp.returncode != 0 and "missing.conf" in cp.stderr, "a missing config file is refused")

    # values from the file are used; flags override them
    p1, p2 = free_port(), free_port()
    good = os.path.join(d, "good.conf")
    with open(good, "w") as f:
        f.write("# test configuration\nlisten = 127.0.0.1:%d\ndb = %s\ndefault_lang = fr\nquiet = true\n"
                "threads = 2\n" % (p1, db))
    s = Serve(["--config", good], p1, d)
    ok(s.up, "serve --config FILE listens where the file says")
    if s.up:
        st, body = get(p1, "/login")
        like(body, r'<html lang="fr"', "default_lang from the file (fr) is used")
    rc, log = s.stop()
    is_(rc, 0, "stops cleanly on SIGTERM")
    ok("GET /login" not in log, "quiet = true from the file: no access log")
    s = Serve(["--config", good, "--listen", "127.0.0.1:%d" % p2, "--default-lang", "en"], p2, d,
              MAJLIS_DEFAULT_LANG="ar")
    ok(s.up, "--listen overrides the file's listen")
    if s.up:
        st, body = get(p2, "/login")
        like(body, r'<html lang="en"', "--default-lang en overrides both file (fr) and environment (ar)")
    is_(s.stop()[0], 0, "stops cleanly")
    s = Serve(["--config", good, "--listen", "127.0.0.1:%d" % p2], p2, d, MAJLIS_DEFAULT_LANG="ar")
    if ok(s.up, "environment over file"):
        st, body = get(p2, "/login")
        like(body, r'<html lang="ar"', "MAJLIS_DEFAULT_LANG=ar overrides the file's fr")
    is_(s.stop()[0], 0, "stops cleanly")


def main():
    if not os.access(BIN, os.X_OK):
        ok(False, "no binary at %s" % BIN)
        return
    test_help()
    d = tempfile.mkdtemp(prefix="majlis-cli-")
    try:
        db = os.path.join(d, "m.db")
        cp = majlis("init", "--db", db, "--demo")
        is_(cp.returncode, 0, "init --demo")
        cp = majlis("init", "--db", db, "--demo")
        ok(cp.returncode == 0 and "0 migration(s)" in cp.stdout, "init again: nothing to do")
        is_(q(db, "SELECT count(*) FROM departments"), [(4,)], "demo not added twice")
        test_users(d, db)
        test_tokens(db)
        test_backup_migrate(d, db)
        test_config(d, db)
        is_(q(db, "PRAGMA integrity_check"), [("ok",)], "the database is intact at the end")
    finally:
        if os.environ.get("MAJLIS_KEEP"):
            diag("kept %s" % d)
        else:
            shutil.rmtree(d, ignore_errors=True)


run(main)
