#!/usr/bin/python3
# Catalog completeness from the source side: every message key the C code uses
# literally (TR/T/resp_error/form_error/f_input/f_select/f_textarea/nav_link/
# page_message/error_page/account_page/user_page arguments, *err_key = "...",
# struct option labels) and every dynamic family (kind.*, status.*, role.*,
# month.1..12, editor.unpublish/archive/delete, status.400..503) must exist,
# non-empty, in i18n/ar.txt, fr.txt and en.txt. Audit action names given to
# audit_record ("post.create", ...) are not catalog keys and are not collected.
# Needs no server.
import glob
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from majlis import REPO_ROOT, diag, is_, ok, run  # noqa: E402

KEY = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z0-9_]+)+$")
STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
# Functions whose string arguments (at any depth inside the call) are catalog keys.
KEY_CALLS = ("TR", "T", "resp_error", "form_error", "f_input", "f_select", "f_textarea", "nav_link",
             "page_message", "error_page", "account_page", "user_page")
NOT_KEY_CALLS = ("audit_record", "audit_record_cli", "log_info", "log_error", "log_warn", "snprintf", "printf",
                 "fprintf", "store_run", "store_prepare", "store_scalar", "kv_get", "req_header", "setting_get",
                 "setting_set", "embedded_find")


def strip_comments(src):
    # Keeps string literals; drops /* */ and // comments.
    out, i, n = [], 0, len(src)
    while i < n:
        c = src[i]
        if c == '"' or c == "'":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            out.append(src[i:j + 1])
            i = j + 1
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            i = n if j < 0 else j + 2
            out.append(" ")
        elif src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def call_args(src, start):
    """Text between the parenthesis at src[start] and its match (strings respected)."""
    depth, i, n = 0, start, len(src)
    while i < n:
        c = src[i]
        if c == '"':
            j = i + 1
            while j < n and src[j] != '"':
                j += 2 if src[j] == "\\" else 1
            i = j + 1
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return src[start + 1:i]
        i += 1
    return src[start + 1:]


def blank_calls(text, names):
    """text with the argument lists of the named calls blanked out."""
    for name in names:
        while True:
            m = re.search(r"\b%s\s*\(" % re.escape(name), text)
            if not m:
                break
            args = call_args(text, m.end() - 1)
            text = text[:m.start()] + " " * (m.end() - m.start() + len(args) + 1) + text[m.end() + len(args) + 1:]
    return text


def keys_in(fragment):
    return [s for s in STRING.findall(fragment) if KEY.match(s)]


def source_keys():
    used = {}  # key -> first "file:line"
    files = sorted(glob.glob(os.path.join(REPO_ROOT, "src", "**", "*.c"), recursive=True))
    for path in files:
        with open(path, encoding="utf-8") as f:
            src = strip_comments(f.read())
        rel = os.path.relpath(path, REPO_ROOT)

        def add(key, pos):
            used.setdefault(key, "%s:%d" % (rel, src.count("\n", 0, pos) + 1))

        for m in re.finditer(r"\b(%s)\s*\(" % "|".join(KEY_CALLS), src):
            args = blank_calls(call_args(src, m.end() - 1), NOT_KEY_CALLS)
            for k in keys_in(args):
                add(k, m.start())
        # *err_key = "media.too_large"; msg_key = "..."
        for m in re.finditer(r"\b\w*(?:err|key)\w*\s*=\s*\"([^\"]+)\"", src):
            if KEY.match(m.group(1)):
                add(m.group(1), m.start())
        # struct option {value, label_key, text}
        for m in re.finditer(r"\{\s*\"[^\"]*\"\s*,\s*\"([^\"]+)\"\s*,\s*(?:NULL|\")", src):
            if KEY.match(m.group(1)):
                add(m.group(1), m.start())
        # static key tables: keys[] = {"status.draft", ...}
        for m in re.finditer(r"\bkeys\s*\[\s*\]\s*=\s*\{([^}]*)\}", src):
            for k in keys_in(m.group(1)):
                add(k, m.start())
    return used, len(files)


def dynamic_keys():
    keys = ["kind." + k for k in ("announcement", "decision", "policy", "news")]
    keys += ["status." + s for s in ("draft", "published", "scheduled", "unpublished", "archived")]
    keys += ["role." + r for r in role_names()]
    keys += ["month.%d" % m for m in range(1, 13)]
    keys += ["editor." + a for a in ("unpublish", "archive", "delete")]
    keys += ["status.%d" % s for s in (400, 401, 403, 404, 405, 413, 422, 429, 500, 503)]
    return keys


def role_names():
    """Role names from src/http/auth.c (the role_parse table), else the known four."""
    names = []
    path = os.path.join(REPO_ROOT, "src", "http", "auth.c")
    try:
        with open(path, encoding="utf-8") as f:
            src = f.read()
        m = re.search(r"\bnames\s*\[\s*ROLE_COUNT\s*\]\s*=\s*\{([^}]*)\}", src)
        if m:
            names = [s for s in STRING.findall(m.group(1)) if re.match(r"^[a-z_]+$", s)]
    except OSError:
        pass
    return names or ["agent", "editor", "moderator", "analyst", "admin"]


def catalog(lang):
    entries, problems = {}, []
    path = os.path.join(REPO_ROOT, "i18n", lang + ".txt")
    with open(path, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            s = line.strip()
            if not s or s.startswith("#"):
                continue
            if "=" not in s:
                problems.append("%s:%d: no '='" % (lang, no))
                continue
            k, v = s.split("=", 1)
            k = k.strip()
            if k in entries:
                problems.append("%s:%d: duplicate key %s" % (lang, no, k))
            entries[k] = v.strip()
    return entries, problems


def main():
    used, nfiles = source_keys()
    roles = role_names()
    ok("editor" in roles and "agent" in roles, "role names read from src/http/auth.c: %s" % ", ".join(roles))
    ok(nfiles > 10, "scanned %d C files under src/" % nfiles)
    ok(len(used) > 50, "found %d literal catalog keys in the source" % len(used))
    for must in ("home.title", "posts.unknown_department", "media.not_image", "post.too_many_tags", "filter.any",
                 "form.has_errors", "error.csrf"):
        ok(must in used, "the scanner sees %s" % must)
    for audit_name in ("post.create", "post.delete", "post.update_publish"):
        ok(audit_name not in used, "audit action %s is not taken for a catalog key" % audit_name)

    wanted = dict(used)
    for k in dynamic_keys():
        wanted.setdefault(k, "(dynamic family)")
    for lang in ("ar", "fr", "en"):
        entries, problems = catalog(lang)
        is_(problems, [], "i18n/%s.txt parses without duplicates" % lang)
        missing = sorted(k for k in wanted if k not in entries)
        empty = sorted(k for k in wanted if k in entries and not entries[k])
        if not is_(missing, [], "every used key exists in i18n/%s.txt (%d keys)" % (lang, len(wanted))):
            for k in missing:
                diag("  %s: %s (used at %s)" % (lang, k, wanted[k]))
        if not is_(empty, [], "no used key is empty in i18n/%s.txt" % lang):
            for k in empty:
                diag("  %s: %s is empty (used at %s)" % (lang, k, wanted[k]))
    # The three catalogs hold the same key set.
    sets = {lang: set(catalog(lang)[0]) for lang in ("ar", "fr", "en")}
    for lang in ("ar", "fr"):
        diff = sorted(sets[lang] ^ sets["en"])
        if not is_(diff, [], "i18n/%s.txt and en.txt hold the same keys" % lang):
            diag("  only in one of them: %s" % ", ".join(diff[:40]))


run(main)
