"""Browser tests' shared part: playwright-core (tests/node) driving Debian's
/usr/bin/chromium through a node script whose "ok - ..." / "not ok - ..." lines
become the calling test file's TAP lines.

    node = browser_prereqs()              # skip_all when node, playwright or chromium is missing
    with screenshots() as shots:          # $MAJLIS_SHOTS (kept) or a temp dir (removed unless MAJLIS_KEEP=1)
        run_browser_script(node, SCRIPT, {"MAJLIS_URL": url, ...}, shots, min_steps=10)
"""
import contextlib
import os
import re
import shutil
import subprocess
import tempfile

from majlis import REPO_ROOT, diag, ok, skip_all

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PLAYWRIGHT = os.path.join(REPO_ROOT, "tests", "node", "node_modules", "playwright-core")
NODE_TIMEOUT = 75  # seconds for a whole browser run (a test file must finish in < 90 s)


def browser_prereqs():
    """The node binary; ends the file with skip_all when a part is missing."""
    if not os.path.isdir(PLAYWRIGHT):
        skip_all("no tests/node/node_modules/playwright-core (run `npm ci` in tests/node)")
    if not os.access(CHROMIUM, os.X_OK):
        skip_all("no chromium at %s (scripts/deps.sh test installs it)" % CHROMIUM)
    node = shutil.which("node")
    if not node:
        skip_all("no node")
    return node


@contextlib.contextmanager
def screenshots():
    """Yields the screenshot folder: $MAJLIS_SHOTS if set (kept), else a temporary
    one removed afterwards unless MAJLIS_KEEP=1."""
    shots = os.environ.get("MAJLIS_SHOTS")
    tmp = None
    if not shots:
        shots = tmp = tempfile.mkdtemp(prefix="majlis-e2e-")
    os.makedirs(shots, exist_ok=True)
    try:
        yield shots
    finally:
        if tmp and not os.environ.get("MAJLIS_KEEP"):
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            diag("screenshots %s %s" % ("kept in" if tmp else "in", shots))


def run_browser_script(node, script, env, shots, min_steps):
    """Runs `node script` with env added (and SHOT_DIR, CHROMIUM), relays its TAP
    lines, and checks that it finished in time and reported at least min_steps."""
    full = dict(os.environ, SHOT_DIR=shots, CHROMIUM=CHROMIUM, **env)
    try:
        cp = subprocess.run([node, script], env=full, cwd=REPO_ROOT, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=NODE_TIMEOUT)
        out, err, rc = cp.stdout, cp.stderr, cp.returncode
    except subprocess.TimeoutExpired as e:
        out, err, rc = e.stdout or b"", e.stderr or b"", None
    steps = 0
    for line in out.decode("utf-8", "replace").splitlines():
        m = re.match(r"^(not )?ok - (.*)$", line)
        if m:
            steps += 1
            ok(m.group(1) is None, m.group(2))
        elif line.startswith("#"):
            diag(line[1:].strip())
    if rc is None:
        ok(False, "browser run finished within %d s" % NODE_TIMEOUT)
    elif rc != 0 and steps == 0:
        ok(False, "browser run (node exited %d)" % rc)
    if (rc != 0 or steps == 0) and err:
        diag(err.decode("utf-8", "replace")[-3000:])
    ok(steps >= min_steps, "browser run reported every step (%d)" % steps)
