#!/usr/bin/python3
# `majlis analyze FILE.csv --text-column NAME [--out FILE.csv]`: every original
# column kept (RFC 4180, UTF-8), five columns added (language, sentiment,
# confidence, topics, personal_data), a summary on stderr (stdout with --out);
# bad inputs (unterminated quote, stray quote, not UTF-8, no such column,
# ragged rows, empty file, missing file, bad usage) give a clear message and a
# non-zero exit, never a crash.
import csv
import io
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from majlis import binary_path, diag, is_, like, ok, run  # noqa: E402

BIN = binary_path()


def env():
    e = {k: v for k, v in os.environ.items() if not k.startswith("MAJLIS_")}
    e.setdefault("ASAN_OPTIONS", "detect_leaks=1")
    return e


def majlis(*args, stdin=b""):
    cp = subprocess.run([BIN] + list(args), input=stdin, env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                        timeout=60)
    err = cp.stderr.decode("utf-8", "replace")
    if "ERROR: AddressSanitizer" in err or "runtime error:" in err:
        ok(False, "sanitizer report from majlis %s" % " ".join(args))
        diag(err[-3000:])
    return cp


ROWS = [
    ["id", "author", "message", "date"],
    ["1", "Ali, B.", "الماء مقطوع في الحي منذ ثلاثة أيام، اتصلوا بي 0612345678", "2026-03-01"],
    ["2", "Zed", "Merci beaucoup pour le nouveau parc, c'est magnifique !", "2026-03-02"],
    ["3", "x", 'lma ma kaynach f 7ouma dyalna, "3afakom"\nwalo', "2026-03-03"],
    ["4", "y", "Thank you, the new library is wonderful", "2026-03-04"],
    ["5", "z", "الضو مقطوع عندنا بزاف، راسلوني على test@example.org", "2026-03-05"],
    ["6", "w", "", "2026-03-06"],
]


def write_csv(path, rows, crlf=True):
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\r\n" if crlf else "\n").writerows(rows)


def main():
    d = tempfile.mkdtemp(prefix="majlis-analyze-")
    try:
        src = os.path.join(d, "in.csv")
        write_csv(src, ROWS)

        # ---- to stdout, summary on stderr
        cp = majlis("analyze", src, "--text-column", "message")
        is_(cp.returncode, 0, "analyze exits 0")
        out = list(csv.reader(io.StringIO(cp.stdout.decode("utf-8"), newline="")))
        is_(out[0], ROWS[0] + ["language", "sentiment", "confidence", "topics", "personal_data"], "header + 5 columns")
        is_(len(out), len(ROWS), "one output row per input row")
        for i in range(1, len(ROWS)):
            is_(out[i][:4], ROWS[i], "row %d: original columns kept byte for byte" % i)
        col = {name: i for i, name in enumerate(out[0])}
        langs = [r[col["language"]] for r in out[1:]]
        is_(langs, ["ar", "fr", "ar-Latn", "en", "ar", "und"], "languages")
        for r in out[1:6]:
            ok(r[col["sentiment"]] in ("pos", "neg", "neu"), "sentiment label %r" % r[col["sentiment"]])
            c = float(r[col["confidence"]])
            ok(0 < c <= 1, "confidence in (0,1]: %s" % c)
        is_(out[2][col["sentiment"]], "pos", "clear French praise is positive")
        is_(out[4][col["sentiment"]], "pos", "clear English praise is positive")
        like(out[1][col["topics"]], "الماء", "topics of the Arabic row")
        like(out[2][col["topics"]], "parc", "topics of the French row")
        is_(out[1][col["personal_data"]], "phone", "phone number flagged")
        is_(out[5][col["personal_data"]], "email", "e-mail flagged")
        is_(out[2][col["personal_data"]], "", "no personal data")
        summary = cp.stderr.decode("utf-8")
        like(summary, r"rows: 6", "summary: rows")
        like(summary, r"languages: .*ar 2.*ar-Latn 1.*fr 1.*en 1", "summary: languages")
        like(summary, r"sentiment: pos \d+", "summary: sentiment distribution")
        like(summary, r"top terms: \S", "summary: most frequent terms")
        like(summary, r"rows with personal data: 2", "summary: personal data")

        # ---- --out FILE: the CSV in the file, the summary on stdout
        dst = os.path.join(d, "out.csv")
        cp = majlis("analyze", src, "--text-column", "message", "--out", dst)
        is_(cp.returncode, 0, "--out exits 0")
        with open(dst, newline="", encoding="utf-8") as f:
            is_(list(csv.reader(f)), out, "--out writes the same CSV")
        like(cp.stdout.decode("utf-8"), r"rows: 6", "summary on stdout with --out")
        ok(not os.path.exists(dst + ".tmp"), "no temporary file left")

        # ---- standard input, LF line ends, a BOM
        with open(src, "rb") as f:
            data = f.read()
        cp = majlis("analyze", "-", "--text-column", "message", stdin=b"\xef\xbb\xbf" + data.replace(b"\r\n", b"\n"))
        is_(cp.returncode, 0, "stdin with BOM and LF")
        out2 = list(csv.reader(io.StringIO(cp.stdout.decode("utf-8"), newline="")))
        is_(out2[0][0], "id", "BOM removed from the first column name")
        is_(len(out2), len(ROWS), "same rows")

        # ---- bad inputs
        def bad(name, content, want, column="message"):
            p = os.path.join(d, name)
            with open(p, "wb") as f:
                f.write(content)
            cp = majlis("analyze", p, "--text-column", column, "--out", os.path.join(d, name + ".out"))
            err = cp.stderr.decode("utf-8", "replace")
            ok(cp.returncode == 1, "%s: exit 1 (got %d)" % (name, cp.returncode))
            like(err, want, "%s: clear message" % name)
            ok(not os.path.exists(os.path.join(d, name + ".out")), "%s: no output file" % name)

        bad("unterminated.csv", b'id,message\n1,"never closed\n2,x\n', r"unterminated quoted field")
        bad("strayquote.csv", b'id,message\n1,ab"c"d\n', r"row 2: malformed CSV")
        bad("latin1.csv", "id,message\n1,caf\xe9\n".encode("latin-1"), r"row 2, column 2: not valid UTF-8")
        bad("nul.csv", b"id,message\n1,a\x00b\n", r"not valid UTF-8 text")
        bad("nocolumn.csv", b"id,text\n1,x\n", r"no column named 'message'")
        bad("ragged.csv", b"id,message\n1,x,extra\n", r"row 2 has 3 fields, the header has 2")
        bad("empty.csv", b"", r"empty input")
        bad("wide.csv", (",".join("c%d" % i for i in range(1200)) + "\n").encode(), r"more than 1000 columns")
        bad("bigfield.csv", b'id,message\n1,"' + b"a" * (1024 * 1024 + 10) + b'"\n', r"longer than 1048576 bytes")

        cp = majlis("analyze", os.path.join(d, "missing.csv"), "--text-column", "message")
        ok(cp.returncode == 1 and b"cannot open" in cp.stderr, "missing file")
        cp = majlis("analyze", src)
        is_(cp.returncode, 2, "no --text-column: usage error")
        cp = majlis("analyze", src, "--text-column", "message", "--bogus")
        is_(cp.returncode, 2, "unknown option: usage error")
        cp = majlis("analyze", "--help")
        ok(cp.returncode == 0 and b"--text-column" in cp.stdout, "--help")

        # ---- a shorter row is padded, not misaligned
        p = os.path.join(d, "short.csv")
        with open(p, "wb") as f:
            f.write(b"message,id\nhello there friends\n")
        cp = majlis("analyze", p, "--text-column", "message")
        out3 = list(csv.reader(io.StringIO(cp.stdout.decode("utf-8"), newline="")))
        ok(cp.returncode == 0 and out3[1][:2] == ["hello there friends", ""] and out3[1][2] == "en",
           "short row padded: %r" % (out3[1:],))

        # ---- garbage never crashes
        import random
        rnd = random.Random(5)
        crashes = 0
        for i in range(30):
            blob = bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 400)))
            p = os.path.join(d, "fuzz%d.csv" % i)
            with open(p, "wb") as f:
                f.write(b"message\n" + blob)
            cp = majlis("analyze", p, "--text-column", "message")
            if cp.returncode not in (0, 1):
                crashes += 1
                diag("exit %d on %r" % (cp.returncode, blob[:80]))
        is_(crashes, 0, "random bytes: exit 0 or 1, never a crash")
    finally:
        shutil.rmtree(d, ignore_errors=True)


run(main)
