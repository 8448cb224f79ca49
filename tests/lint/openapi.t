#!/usr/bin/python3
"""docs/openapi.yaml: lints clean under Redocly's recommended ruleset, and its
paths and methods are exactly the machine routes the server registers.

(a) `redocly lint` (tests/node, pinned in package.json): no error and no warning
    (example/schema drift is only a warning in Redocly, so warnings fail too).
    Exceptions: tests/node/redocly.yaml and .redocly.lint-ignore.yaml, each justified.
(b) `$MAJLIS_BUILD/majlis routes`: every route under /api/ and /feeds/, plus the
    built-in GET /healthz, must be an operation of the description (one line each);
    every operation of the description must be such a route (one line each extra,
    and one summary line).
    Mapping: `:x` becomes `{x}`. A /feeds/ route whose last segment is a capture
    (`/feeds/tags/:tag`) is served only when that segment ends in ".atom" (the
    handler strips it), so the description may write it `{tag}.atom`.
Needs node_modules in tests/node (scripts/test.sh runs `npm ci` there).
"""
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from majlis import REPO_ROOT, binary_path, diag, ok, run, skip_all  # noqa: E402

SPEC = os.path.join(REPO_ROOT, "docs", "openapi.yaml")
NODE_DIR = os.path.join(REPO_ROOT, "tests", "node")
REDOCLY = os.path.join(NODE_DIR, "node_modules", ".bin", "redocly")
CONFIG = os.path.join(NODE_DIR, "redocly.yaml")
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Answered by src/http/server.c before routing, so `majlis routes` does not list it.
BUILTIN = [("GET", "/healthz")]


def redocly_env():
    env = dict(os.environ)
    env["REDOCLY_TELEMETRY"] = "off"
    env["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true"
    env["NO_COLOR"] = "1"
    env["CI"] = env.get("CI", "true")
    return env


def redocly(*args):
    cp = subprocess.run([REDOCLY] + list(args), cwd=REPO_ROOT, env=redocly_env(),
                        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                        timeout=60)
    return cp.returncode, cp.stdout.decode("utf-8", "replace")


def quiet(out):
    """Redocly's output without its boxed banners (Node 20 deprecation notice)."""
    return "\n".join(l for l in out.splitlines() if not re.match(r"^\s*[╔║╚]", l)).strip()


def lint():
    rc, out = redocly("lint", "--config", CONFIG, SPEC)
    warned = re.search(r"You have (\d+) warning", out)
    good = ok(rc == 0 and not warned, "redocly lint docs/openapi.yaml: no error, no warning")
    if not good:
        diag("exit %d\n%s" % (rc, quiet(out)[-6000:]))


def spec_operations():
    """{(METHOD, path)} of docs/openapi.yaml, read through `redocly bundle` (JSON)."""
    with tempfile.TemporaryDirectory(prefix="majlis-openapi-") as d:
        dest = os.path.join(d, "openapi.json")
        rc, out = redocly("bundle", "--config", CONFIG, SPEC, "--ext", "json", "--output", dest)
        if rc != 0 or not os.path.exists(dest):
            raise RuntimeError("redocly bundle failed (%d):\n%s" % (rc, quiet(out)))
        with open(dest, encoding="utf-8") as f:
            doc = json.load(f)
    ops = set()
    for path, item in (doc.get("paths") or {}).items():
        for m in item:
            if m in METHODS:
                ops.add((m.upper(), path))
    return ops


def server_routes():
    """[(METHOD, pattern)] of the machine routes `majlis routes` prints, plus BUILTIN."""
    cp = subprocess.run([binary_path(), "routes"], cwd=REPO_ROOT, stdin=subprocess.DEVNULL,
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    if cp.returncode != 0:
        raise RuntimeError("majlis routes failed (%d): %s" % (cp.returncode, cp.stderr.decode()))
    routes = []
    for line in cp.stdout.decode("utf-8").splitlines():
        head = line.split("\t", 1)[0].strip()
        if not head:
            continue
        method, _, pattern = head.partition(" ")
        if pattern.startswith("/api/") or pattern.startswith("/feeds/") or pattern == "/healthz":
            routes.append((method, pattern))
    for b in BUILTIN:
        if b not in routes:
            routes.append(b)
    return routes


def spec_paths_for(pattern):
    """The OpenAPI paths that may document a route pattern."""
    path = re.sub(r":([A-Za-z_][A-Za-z0-9_]*)", r"{\1}", pattern)
    out = [path]
    if pattern.startswith("/feeds/") and re.search(r"/:[A-Za-z_][A-Za-z0-9_]*$", pattern):
        out.insert(0, path + ".atom")
    return out


def main():
    if not os.access(REDOCLY, os.X_OK):
        skip_all("no %s (run `npm ci` in tests/node)" % os.path.relpath(REDOCLY, REPO_ROOT))
    if not os.access(binary_path(), os.X_OK):
        skip_all("no server binary at %s (build first)" % binary_path())
    lint()
    ops = spec_operations()
    routes = server_routes()
    ok(len(routes) > len(BUILTIN), "majlis routes lists machine routes (%d)" % len(routes))
    documented = set()
    for method, pattern in routes:
        found = [p for p in spec_paths_for(pattern) if (method, p) in ops]
        if ok(found, "%s %s is documented" % (method, pattern)):
            documented.add((method, found[0]))
        else:
            diag("looked for %s under %s" % (method, " or ".join(spec_paths_for(pattern))))
    extra = sorted(ops - documented)
    for method, path in extra:
        ok(False, "docs/openapi.yaml documents %s %s, which the server does not register" % (method, path))
    ok(not extra, "docs/openapi.yaml documents no operation the server lacks (%d operations)" % len(ops))


run(main)
