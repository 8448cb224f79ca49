#!/usr/bin/python3
# Hostile and broken input: the server answers 4xx, keeps running and writes
# nothing half-done. Invalid UTF-8 and bad escapes in query, path and forms;
# huge fields; bodies over body_limit (413); malformed multipart; JSON API
# errors (unknown fields, syntax errors with line:column); slow clients cut
# off after request_timeout while others are served; 405 on unknown methods;
# /healthz; SIGTERM with a request in flight.
import json
import os
import signal
import socket
import sqlite3
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from majlis import DEMO_EDITOR, Server, diag, is_, like, ok, run  # noqa: E402


def q(srv, sql, args=()):
    con = sqlite3.connect(srv.db, timeout=10)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def counts(srv):
    return q(srv, "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM posts), (SELECT count(*) FROM sessions)")


def raw(port, data, read_timeout=5.0):
    """Sends raw bytes, returns (status or None, whole answer bytes)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=read_timeout)
    try:
        s.sendall(data)
        buf = b""
        while True:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            buf += chunk
            if b"\r\n\r\n" in buf and b"Content-Length: 0\r\n" in buf:
                break
    finally:
        s.close()
    status = None
    if buf.startswith(b"HTTP/1."):
        try:
            status = int(buf.split(b" ", 2)[1])
        except ValueError:
            pass
    return status, buf


def healthy(c):
    r = c.get("/healthz")
    return r.status == 200 and r.json() == {"status": "ok"}


def test_encoding(srv):
    c = srv.client()
    before = counts(srv)
    r = c.get("/healthz")
    is_(r.status, 200, "/healthz → 200")
    is_(r.json() if r.status == 200 else None, {"status": "ok"}, '/healthz body {"status":"ok"}')
    for path in ("/posts?tag=%FF", "/posts?tag=%C3%28", "/posts?tag=%ED%A0%80", "/posts?tag=%00",
                 "/posts?tag=%G1", "/posts?tag=%", "/posts?tag=%F", "/posts%FF", "/posts%2", "/api/v1/posts?tag=%FF",
                 "/posts?" + "&".join("a%d=1" % i for i in range(200)), "/posts?tag=" + "x" * 9000):
        r = c.get(path)
        ok(r.status == 400, "GET %s → 400 (%d)" % (path if len(path) < 60 else path[:57] + "...", r.status))
    r = c.get("/api/v1/posts?tag=%FF")
    ok((r.header("Content-Type") or "").startswith("application/json") and "error" in r.json(),
       "API answers bad query encoding in JSON")
    ok(healthy(c), "server still healthy")

    page = c.get("/signup")
    tok = c.last_csrf
    for label, body in (("invalid UTF-8 in a field", "name=%FF%FE&email=a%40b.org&password=xxxxxxxxxxxx"),
                        ("overlong UTF-8", "name=%C0%AF&email=a%40b.org"),
                        ("NUL in a field", "name=ab%00cd&email=a%40b.org"),
                        ("bad escape", "name=%ZZ&email=a%40b.org"),
                        ("truncated escape", "name=ab%2"),
                        ("invalid UTF-8 in a field name", "na%FFme=x")):
        r = c.request("POST", "/signup", data=body + "&csrf=" + tok,
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
        is_(r.status, 400, "POST /signup with %s → 400" % label)
    big = "x" * 100000
    for field in ("name", "email", "password"):
        f = {"name": "Big Field", "email": "big@example.net", "password": "big-field-pass1", "password2": "big-field-pass1"}
        f[field] = big
        if field == "password":
            f["password2"] = big
        r = c.post_form("/signup", f, page=page)
        ok(r.status in (400, 413, 422), "100 000-byte %s in sign-up → 4xx (%d)" % (field, r.status))
        ok(big not in r.text or field != "password", "a huge password is not echoed")
    r = c.post_form("/signup", {"name": "x" * 101, "email": "big@example.net", "password": "big-field-pass1",
                                "password2": "big-field-pass1"}, page=page)
    is_(r.status, 422, "a 101-character name → 422")
    is_(counts(srv), before, "nothing written by any of that")
    ok(healthy(c), "server still healthy")


def test_json_api(srv):
    ed = srv.client()
    is_(ed.login(*DEMO_EDITOR), 303, "editor logs in")
    ed.get("/staff/posts")
    h = {"X-CSRF-Token": ed.last_csrf}
    before = counts(srv)
    good = {"title": "Bad input test", "kind": "news", "lang": "en", "department": "roads", "body": "Body."}
    r = ed.request("POST", "/api/v1/posts", json=dict(good, colour="blue"), headers=h)
    is_(r.status, 400, "unknown JSON field → 400")
    is_(r.json()["error"]["code"] if r.status == 400 else None, "unknown_field", "code unknown_field")
    like(r.json()["error"]["message"], "colour", "the message names the field")
    r = ed.request("POST", "/api/v1/posts", data="this is not json", headers=dict(h, **{"Content-Type": "application/json"}))
    is_(r.status, 400, "non-JSON body → 400")
    like(r.text, r"\(1:\d+\)", "with line:column")
    r = ed.request("POST", "/api/v1/posts", data='{\n  "title": "x",\n  "kind": }',
                   headers=dict(h, **{"Content-Type": "application/json"}))
    like(r.text, r"\(3:\d+\)", "a syntax error on line 3 is reported as 3:col")
    for label, body in (("invalid UTF-8 in a string", b'{"title": "\xff\xfe", "kind": "news"}'),
                        ("an escaped NUL", b'{"title": "a\\u0000b", "kind": "news", "lang": "en", "department": "roads", "body": "x"}'),
                        ("duplicate keys", b'{"title": "abc", "title": "def"}'),
                        ("a number where a string goes", b'{"title": 12}'),
                        ("an array at the top", b'[1, 2]'),
                        ("deep nesting", b'{"tags": ' + b"[" * 5000 + b"]" * 5000 + b"}"),
                        ("an empty body", b"")):
        r = ed.request("POST", "/api/v1/posts", data=body, headers=dict(h, **{"Content-Type": "application/json"}))
        ok(r.status == 400 and "error" in r.json(), "JSON with %s → 400 JSON error (%d)" % (label, r.status))
    r = ed.request("PATCH", "/api/v1/posts/1", json={"bogus": 1}, headers=h)
    is_(r.status, 400, "PATCH with an unknown field → 400")
    r = ed.request("POST", "/api/v1/posts/1/publish", json={"publish_at": "yesterday"}, headers=h)
    is_(r.status, 400, "publish with a bad time → 400")
    is_(counts(srv)[0][1], before[0][1], "no post written")
    return ed


def multipart_raw(boundary, parts_bytes):
    return parts_bytes, "multipart/form-data; boundary=" + boundary


def test_multipart(srv, ed):
    ed.get("/staff/posts/new")
    tok = ed.last_csrf
    before = counts(srv)
    cases = [
        ("garbage body", b"this is not multipart at all", "multipart/form-data; boundary=XyZ"),
        ("no boundary parameter", b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + tok.encode() +
         b"\r\n--XyZ--\r\n", "multipart/form-data"),
        ("unterminated part", b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + tok.encode() +
         b"\r\n--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nhalf a tit", "multipart/form-data; boundary=XyZ"),
        ("invalid UTF-8 in a part", b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + tok.encode() +
         b"\r\n--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n\xff\xfe\xfd\r\n--XyZ--\r\n",
         "multipart/form-data; boundary=XyZ"),
    ]
    for label, body, ctype in cases:
        r = ed.request("POST", "/staff/posts", data=body, headers={"Content-Type": ctype})
        ok(400 <= r.status < 500, "multipart with %s → 4xx (%d)" % (label, r.status))
    is_(counts(srv)[0][1], before[0][1], "no post written by malformed multipart")
    ok(healthy(ed), "server still healthy")


def test_methods(srv):
    c = srv.client()
    for method, path in (("PUT", "/login"), ("DELETE", "/account"), ("PATCH", "/signup"), ("DELETE", "/admin"),
                         ("PUT", "/api/v1/posts")):
        r = c.request(method, path)
        is_(r.status, 405, "%s %s → 405" % (method, path))
    r = c.request("PUT", "/api/v1/posts")
    ok(r.status == 405 and "error" in r.json(), "405 on the API is a JSON error")
    r = c.request("POST", "/healthz")
    ok(400 <= r.status < 500, "POST /healthz → 4xx (%d)" % r.status)
    r = c.request("HEAD", "/login")
    is_(r.status, 200, "HEAD on a GET route → 200")
    st, _ = raw(srv.port, b"BREW /login HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
    ok(st is not None and 400 <= st < 500, "an unknown method → 4xx (%s)" % st)
    st, _ = raw(srv.port, b"GET /login HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70000 + b"\r\n\r\n")
    ok(st is None or 400 <= st < 500, "70 kB of headers → 4xx or closed (%s)" % st)
    st, _ = raw(srv.port, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + os.urandom(64))
    ok(st is None or 400 <= st < 500, "a TLS hello on the plain port → 4xx or closed (%s)" % st)
    st, _ = raw(srv.port, b"GET /posts HTTP/1.1\r\nHost: x\r\nCookie: majlis_session=\xff\xfe; lang=\x01\r\n\r\n")
    ok(st is not None and st < 500, "binary junk in cookies → no 5xx (%s)" % st)
    ok(healthy(c), "server still healthy")


def test_body_limit():
    with Server(args=["--body-limit", "2048"]) as srv:
        c = srv.client()
        page = c.get("/signup")
        before = counts(srv)
        r = c.post_form("/signup", {"name": "n" * 3000, "email": "lim@example.net", "password": "limit-pass-12",
                                    "password2": "limit-pass-12"}, page=page)
        is_(r.status, 413, "sign-up body over body_limit (2048) → 413")
        like(r.text, "too large", "with a message")
        r = c.request("POST", "/api/v1/posts", json={"title": "t" * 3000})
        is_(r.status, 413, "API body over body_limit → 413")
        ok("error" in r.json(), "as a JSON error")
        # no Content-Length: chunked
        chunk = b"a=" + b"x" * 4000
        st, _ = raw(srv.port, b"POST /signup HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                              b"Content-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n\r\n" +
                    b"%x\r\n" % len(chunk) + chunk + b"\r\n0\r\n\r\n")
        is_(st, 413, "chunked body over body_limit → 413")
        st, _ = raw(srv.port, b"POST /signup HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n"
                              b"Content-Type: application/x-www-form-urlencoded\r\n\r\nabc", read_timeout=3)
        is_(st, 413, "a huge Content-Length is refused at once → 413")
        r = c.post_form("/signup", {"name": "Small Body", "email": "small@example.net", "password": "limit-pass-12",
                                    "password2": "limit-pass-12"}, page=page)
        is_(r.status, 303, "a body under the limit still works")
        is_(counts(srv)[0][0], before[0][0] + 1, "only that one account was created")


def test_slow_client():
    with Server(env={"MAJLIS_REQUEST_TIMEOUT": "2"}) as srv:
        c = srv.client()
        slow = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
        slow.sendall(b"GET /posts HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: ")
        slow2 = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
        slow2.sendall(b"POST /signup HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n"
                      b"Content-Type: application/x-www-form-urlencoded\r\n\r\nname=half")
        served = 0
        t0 = time.monotonic()
        while time.monotonic() - t0 < 1.5:
            served += c.get("/healthz").status == 200
            time.sleep(0.1)
        ok(served >= 5, "other requests are served while slow clients hang (%d)" % served)
        closed = []
        for s in (slow, slow2):
            s.settimeout(6)
            t1 = time.monotonic()
            try:
                data = s.recv(4096)
                closed.append((data == b"" or data.startswith(b"HTTP/1.1 4"), time.monotonic() - t0))
            except socket.timeout:
                closed.append((False, time.monotonic() - t0))
            except ConnectionResetError:
                closed.append((True, time.monotonic() - t0))
            s.close()
        ok(closed[0][0] and closed[0][1] < 6, "half-sent headers: cut off after the timeout (%.1f s)" % closed[0][1])
        ok(closed[1][0] and closed[1][1] < 6, "half-sent body: cut off after the timeout (%.1f s)" % closed[1][1])
        ok(healthy(c), "server still healthy")


def test_shutdown_in_flight():
    srv = Server()
    with srv:
        c = srv.client()
        page = c.get("/signup")
        body = ("name=In+Flight&email=inflight%40example.net&password=inflight-pass-1&password2=inflight-pass-1"
                "&csrf=" + c.last_csrf).encode()
        cookie = "majlis_csrf=%s" % c.cookie("majlis_csrf")
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=15)
        s.sendall(b"POST /signup HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + cookie.encode() +
                  b"\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n" % len(body) +
                  body[:20])
        time.sleep(0.3)
        srv.proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        ok(srv.proc.poll() is None, "the server waits for the request in flight")
        s.sendall(body[20:])
        buf = b""
        try:
            while b"\r\n\r\n" not in buf:
                chunk = s.recv(4096)
                if not chunk:
                    break
                buf += chunk
        except socket.timeout:
            pass
        s.close()
        like(buf[:40], r"^HTTP/1\.1 303", "the request in flight is answered after SIGTERM (303)")
        try:
            srv.proc.wait(timeout=10)
        except Exception:  # noqa: BLE001
            pass
        is_(srv.proc.returncode, 0, "then the server exits 0")
        is_(q(srv, "PRAGMA integrity_check"), [("ok",)], "the database passes integrity_check")
        is_(q(srv, "SELECT count(*) FROM users WHERE email = 'inflight@example.net'"), [(1,)],
            "the in-flight sign-up was committed")


def main():
    with Server() as srv:
        test_encoding(srv)
        ed = test_json_api(srv)
        test_multipart(srv, ed)
        test_methods(srv)
        is_(q(srv, "PRAGMA integrity_check"), [("ok",)], "database intact after the abuse")
    test_body_limit()
    test_slow_client()
    test_shutdown_in_flight()


run(main)
