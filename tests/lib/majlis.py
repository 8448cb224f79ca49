"""Helpers for majlis black-box API tests (Debian /usr/bin/python3, standard library only).

A test is a script tests/api/NAME.t:

    #!/usr/bin/python3
    import os, sys
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
    from majlis import Server, ok, is_, diag, done, run

    def main():
        with Server() as srv:
            c = srv.client()
            status, headers, body = c.get("/healthz")
            is_(status, 200, "healthz answers")
            is_(c.login("editor@example.org", "majlis-editor-2026"), 303, "editor logs in")

    run(main)          # runs main, turns an exception into a failed test, then done()

TAP:   ok(cond, name) -> bool, is_(got, want, name) -> bool, like(got, regex, name),
       diag(msg), skip_all(reason), done() (prints "1..N", exits 0 if all passed else 1),
       run(fn) (calls fn, reports an uncaught exception as a failure, then done()).
Server: a context manager that creates a temporary directory, runs
       `$MAJLIS_BUILD/majlis init --db DIR/m.db --demo`, serves on a free loopback port
       with MAJLIS_BASE_URL=http://127.0.0.1:PORT, waits (at most 10 s) for
       GET /healthz = 200; on exit sends SIGTERM, waits at most 10 s, reports the exit
       code as a test line (0 expected), scans the server's stderr for sanitizer
       reports (one test line; any hit fails) and deletes the directory.
       MAJLIS_BUILD (default "build") is relative to the repository root unless absolute.
       MAJLIS_KEEP=1 keeps the directory (its path is printed as a diagnostic).
Client: HTTP with a cookie jar and no automatic redirects:
       get(path), post_form(path, fields, page=None), request(method, path, json=, headers=,
       data=), login(email, password). Each returns a Response, a (status, headers, body)
       tuple; headers is an http.client.HTTPMessage (case-insensitive .get, .get_all),
       body is bytes; .text and .json() decode it.
"""

import http.client
import http.cookiejar
import json as jsonlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse
import urllib.request
from collections import namedtuple

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

DEMO_ADMIN = ("admin@example.org", "majlis-admin-2026")
DEMO_EDITOR = ("editor@example.org", "majlis-editor-2026")
DEMO_CITIZEN = ("citizen@example.org", "majlis-citizen-2026")

SANITIZER_PATTERNS = ("ERROR: AddressSanitizer", "runtime error:", "LeakSanitizer")

# ---------------------------------------------------------------- TAP

_count = 0
_failed = 0


def _emit(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def diag(msg):
    """Prints msg as TAP diagnostic lines ("# ...")."""
    for line in str(msg).splitlines() or [""]:
        _emit("# " + line)


def ok(cond, name=""):
    """One test line; returns bool(cond)."""
    global _count, _failed
    _count += 1
    name = str(name).replace("\n", " ").replace("#", "\\#")
    _emit("%sok %d%s" % ("" if cond else "not ", _count, " - " + name if name else ""))
    if not cond:
        _failed += 1
        caller = traceback.extract_stack(limit=12)
        for frame in reversed(caller[:-1]):
            if frame.filename != __file__:
                diag("  Failed test '%s'\n  at %s line %d." % (name, frame.filename, frame.lineno))
                break
    return bool(cond)


def is_(got, want, name=""):
    """Equality test; shows got/want on failure."""
    r = ok(got == want, name)
    if not r:
        diag("         got: %r\n    expected: %r" % (got, want))
    return r


def like(got, pattern, name=""):
    """Regex search test (got may be bytes or str)."""
    if isinstance(got, bytes):
        got = got.decode("utf-8", "replace")
    r = ok(got is not None and re.search(pattern, got) is not None, name)
    if not r:
        diag("    %r\n    does not match %r" % ((got or "")[:500], pattern))
    return r


def skip_all(reason):
    """Skips the whole file (1..0 # SKIP) and exits 0."""
    _emit("1..0 # SKIP " + reason)
    sys.exit(0)


def done():
    """Prints the plan and exits: 0 when every test passed, 1 otherwise (also when none ran)."""
    _emit("1..%d" % _count)
    if _failed:
        diag("Looks like you failed %d test%s of %d." % (_failed, "" if _failed == 1 else "s", _count))
    sys.exit(1 if _failed or _count == 0 else 0)


def run(fn, *args, **kwargs):
    """Calls fn; an uncaught exception becomes a failed test with its traceback. Then done()."""
    try:
        fn(*args, **kwargs)
    except SystemExit:
        raise
    except BaseException:  # noqa: BLE001 - everything is reported
        ok(False, "uncaught exception")
        diag(traceback.format_exc())
    done()


# ---------------------------------------------------------------- HTTP client

class Response(namedtuple("Response", "status headers body")):
    """(status, headers, body bytes) with conveniences."""

    __slots__ = ()

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        return jsonlib.loads(self.body.decode("utf-8"))

    def header(self, name, default=None):
        return self.headers.get(name, default)


_CSRF_INPUT = re.compile(rb"<input\b[^>]*\bname=[\"']?csrf[\"'\s>][^>]*>", re.I)
_VALUE_ATTR = re.compile(rb"\bvalue=[\"']([^\"']*)[\"']", re.I)


def csrf_from(page):
    """The value of the first <input name="csrf" value="..."> in page (bytes or str), or None."""
    if page is None:
        return None
    if isinstance(page, str):
        page = page.encode("utf-8")
    for m in _CSRF_INPUT.finditer(page):
        v = _VALUE_ATTR.search(m.group(0))
        if v:
            return v.group(1).decode("utf-8")
    return None


class Client:
    """An HTTP client for one simulated user: a cookie jar, no automatic redirects
    (pass follow=True to a call, or follow_redirects=True here, to follow them)."""

    def __init__(self, base_url, follow_redirects=False, timeout=30):
        self.base_url = base_url.rstrip("/")
        u = urllib.parse.urlsplit(self.base_url)
        self.host, self.port = u.hostname, u.port or 80
        self.jar = http.cookiejar.CookieJar()
        self.follow_redirects = follow_redirects
        self.timeout = timeout
        self.last = None          # last Response
        self.last_csrf = None     # csrf token of the last fetched page that held one

    def url(self, path):
        return path if path.startswith("http") else self.base_url + path

    def request(self, method, path, json=None, headers=None, data=None, follow=None):
        """Sends one request (following redirects only if asked). json= sends a JSON body;
        data= sends bytes/str as is (or a dict, form-encoded). Returns a Response."""
        hdrs = {"Accept-Language": "en"}
        hdrs.update(headers or {})
        body = None
        if json is not None:
            body = jsonlib.dumps(json).encode("utf-8")
            hdrs.setdefault("Content-Type", "application/json")
        elif isinstance(data, dict):
            body = urllib.parse.urlencode(data).encode("utf-8")
            hdrs.setdefault("Content-Type", "application/x-www-form-urlencoded")
        elif data is not None:
            body = data.encode("utf-8") if isinstance(data, str) else data
        follow = self.follow_redirects if follow is None else follow
        url = self.url(path)
        for _ in range(10):
            resp = self._once(method, url, body, hdrs)
            if follow and resp.status in (301, 302, 303, 307, 308) and resp.headers.get("Location"):
                url = urllib.parse.urljoin(url, resp.headers["Location"])
                if resp.status in (301, 302, 303):
                    method, body = "GET", None
                    hdrs = {k: v for k, v in hdrs.items() if k.lower() != "content-type"}
                continue
            return resp
        return resp

    def _once(self, method, url, body, hdrs):
        req = urllib.request.Request(url, data=body, headers=hdrs, method=method)
        self.jar.add_cookie_header(req)
        u = urllib.parse.urlsplit(url)
        conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=self.timeout)
        try:
            target = u.path or "/"
            if u.query:
                target += "?" + u.query
            send = dict(req.header_items())  # includes Cookie
            conn.request(method, target, body=body, headers=send)
            r = conn.getresponse()
            payload = r.read()
            self.jar.extract_cookies(r, req)
            resp = Response(r.status, r.msg, payload)
        finally:
            conn.close()
        self.last = resp
        tok = csrf_from(payload)
        if tok:
            self.last_csrf = tok
        return resp

    def get(self, path, headers=None, follow=None):
        return self.request("GET", path, headers=headers, follow=follow)

    def post_form(self, path, fields, page=None, headers=None, follow=None):
        """POSTs fields form-encoded. Unless fields holds 'csrf', adds the token read
        from page (a Response, bytes or str) or else from the last fetched page that
        held one (or else GETs path first to find one)."""
        fields = dict(fields)
        if "csrf" not in fields:
            if isinstance(page, Response):
                page = page.body
            tok = csrf_from(page) if page is not None else self.last_csrf
            if tok is None:
                self.get(path)
                tok = self.last_csrf
            if tok is not None:
                fields["csrf"] = tok
        return self.request("POST", path, data=fields, headers=headers, follow=follow)

    def login(self, email, password):
        """GET /login, then POST email/password/csrf. Returns the POST's status
        (a redirect on success; not followed)."""
        page = self.get("/login")
        return self.post_form("/login", {"email": email, "password": password}, page=page, follow=False).status

    def cookie(self, name):
        for c in self.jar:
            if c.name == name:
                return c.value
        return None


# ---------------------------------------------------------------- server

def build_dir():
    b = os.environ.get("MAJLIS_BUILD", "build") or "build"
    return b if os.path.isabs(b) else os.path.join(REPO_ROOT, b)


def binary_path():
    return os.path.join(build_dir(), "majlis")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """Runs a demo majlis for the duration of a `with` block (see the module doc).
    Attributes: dir, db, port, base_url, proc, log_path (server stdout+stderr)."""

    def __init__(self, demo=True, env=None, args=(), start_timeout=10.0, stop_timeout=10.0):
        self.demo = demo
        self.extra_env = dict(env or {})
        self.extra_args = list(args)
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self.binary = binary_path()
        self.proc = None
        self.dir = None
        self.exit_code = None

    # -- helpers
    def _env(self):
        e = dict(os.environ)
        e.setdefault("ASAN_OPTIONS", "detect_leaks=1")
        e.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")
        e["MAJLIS_BASE_URL"] = self.base_url
        e.update(self.extra_env)
        return e

    def log(self):
        """Everything the server (and init) wrote so far."""
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def client(self, **kw):
        return Client(self.base_url, **kw)

    def run_cli(self, *args, check=False):
        """Runs `majlis ARGS...` (e.g. "user", "add", ...) with this server's env;
        returns a CompletedProcess with text stdout/stderr."""
        cp = subprocess.run([self.binary] + list(args), env=self._env(), cwd=self.dir,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        out = subprocess.CompletedProcess(cp.args, cp.returncode, cp.stdout.decode("utf-8", "replace"),
                                          cp.stderr.decode("utf-8", "replace"))
        with open(self.log_path, "a", encoding="utf-8") as f:
            f.write(out.stderr)
        if check and cp.returncode != 0:
            raise RuntimeError("majlis %s failed (%d): %s" % (" ".join(args), cp.returncode, out.stderr))
        return out

    def _healthy(self):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            conn.request("GET", "/healthz")
            st = conn.getresponse().status
            conn.close()
            return st == 200
        except OSError:
            return False

    # -- context manager
    def __enter__(self):
        if not os.access(self.binary, os.X_OK):
            raise RuntimeError("no server binary at %s (build it first, or set MAJLIS_BUILD)" % self.binary)
        self.dir = tempfile.mkdtemp(prefix="majlis-api-")
        self.db = os.path.join(self.dir, "m.db")
        self.log_path = os.path.join(self.dir, "server.log")
        try:
            for attempt in range(3):
                self.port = free_port()
                self.base_url = "http://127.0.0.1:%d" % self.port
                if attempt == 0:
                    init = ["init", "--db", self.db] + (["--demo"] if self.demo else [])
                    cp = self.run_cli(*init)
                    if cp.returncode != 0:
                        raise RuntimeError("majlis init failed (exit %d):\n%s%s" % (cp.returncode, cp.stdout, cp.stderr))
                if self._start():
                    return self
                # The port may have been taken in between: try another one.
            raise RuntimeError("server did not become healthy within %.0f s:\n%s" % (self.start_timeout, self.log()[-4000:]))
        except BaseException:
            self._stop(report=False)
            self._cleanup()
            raise

    def _start(self):
        logf = open(self.log_path, "ab")
        cmd = [self.binary, "serve", "--db", self.db, "--listen", "127.0.0.1:%d" % self.port] + self.extra_args
        self.proc = subprocess.Popen(cmd, env=self._env(), cwd=self.dir, stdin=subprocess.DEVNULL,
                                     stdout=logf, stderr=logf)
        logf.close()
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.exit_code = self.proc.returncode
                self.proc = None
                return False
            if self._healthy():
                return True
            time.sleep(0.05)
        self._stop(report=False)
        return False

    def _stop(self, report=True):
        if self.proc is None:
            return
        p, self.proc = self.proc, None
        killed = False
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
                killed = True
        self.exit_code = p.returncode
        if report:
            if killed:
                ok(False, "server stopped within %.0f s of SIGTERM (had to SIGKILL)" % self.stop_timeout)
            else:
                is_(p.returncode, 0, "server exited cleanly on SIGTERM (exit code %s)" % p.returncode)

    def scan_log(self):
        """Lines of the server log that report a sanitizer error."""
        return [l for l in self.log().splitlines() if any(pat in l for pat in SANITIZER_PATTERNS)]

    def _cleanup(self):
        if self.dir and os.path.isdir(self.dir):
            if os.environ.get("MAJLIS_KEEP"):
                diag("kept server directory %s" % self.dir)
            else:
                shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None

    def __exit__(self, exc_type, exc, tb):
        try:
            self._stop(report=True)
            hits = self.scan_log()
            if not ok(not hits, "no sanitizer report in the server's stderr"):
                diag("\n".join(hits[:20]))
                diag("--- server log (tail) ---\n" + self.log()[-6000:])
            elif self.exit_code not in (0, None):
                diag("--- server log (tail) ---\n" + self.log()[-3000:])
        finally:
            self._cleanup()
        return False
