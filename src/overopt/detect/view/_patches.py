"""Patches written as text (`*** Begin Patch` envelopes, unified diffs) and git diffs, as unified hunks per file."""

from __future__ import annotations

import re

_ENVELOPE_FILE = re.compile(r"^\*\*\* (Update|Add|Delete) File:\s*(\S+)", re.M)
_UNIFIED_FILE = re.compile(r"^\+\+\+ (?:b/)?(\S+)", re.M)


def looks_like_patch(body: str) -> bool:
    return "*** Begin Patch" in body or "*** Update File:" in body or "*** Add File:" in body or (
        "\n+++ " in body and "\n@@" in body) or body.startswith("--- ") and "\n+++ " in body


def patches(text: str) -> list[tuple[int, str, str | None]]:
    """(offset, unified hunks, path) per file of a patch written as text: `*** Begin Patch` envelopes (`*** Update
    File:` / `*** Add File:` / `*** Delete File:`) or unified diffs (`--- a/x` / `+++ b/x` / `@@`). An Add File
    becomes an all-added hunk, a Delete File the marker line `deleted file mode`."""
    out: list[tuple[int, str, str | None]] = []
    if "*** " in text and _ENVELOPE_FILE.search(text):
        ms = list(_ENVELOPE_FILE.finditer(text))
        for k, m in enumerate(ms):
            end = ms[k + 1].start() if k + 1 < len(ms) else len(text)
            body = text[m.end():end]
            e = body.find("*** End Patch")
            if e >= 0:
                body = body[:e]
            lines = body.split("\n")[1:]
            kind = m.group(1)
            if kind == "Delete":
                out.append((m.start(), "deleted file mode", m.group(2)))
                continue
            hunks: list[str] = []
            if kind == "Add":
                while lines and not lines[-1].strip():
                    lines.pop()
                hunks = ["new file mode", "@@ -0,0 +1 @@"] + [ln if ln[:1] == "+" else "+" + ln for ln in lines
                                                             if not ln.startswith("*** ")]
            else:
                hunks = ["@@ patch @@"]
                for ln in lines:
                    if ln.startswith("@@"):
                        hunks.append("@@ patch @@")
                    elif ln[:1] in ("+", "-", " "):
                        hunks.append(ln)
                    elif ln == "":
                        hunks.append(" ")
                    elif ln.startswith("*** Move to:"):
                        continue
            out.append((m.start(), "\n".join(hunks).rstrip(), m.group(2)))
        return out
    ms = list(_UNIFIED_FILE.finditer(text))
    for k, m in enumerate(ms):
        start = text.rfind("\n--- ", 0, m.start())
        start = start + 1 if start >= 0 and (k == 0 or start > ms[k - 1].end()) else m.start()
        end = ms[k + 1].start() if k + 1 < len(ms) else len(text)
        nxt = text.rfind("\n--- ", m.end(), end)
        if nxt >= 0:
            end = nxt
        body = text[m.end():end]
        lines = body.split("\n")[1:]
        keep = [ln for ln in lines if ln.startswith("@@") or ln[:1] in ("+", "-", " ")]
        if not any(ln.startswith("@@") for ln in keep):
            continue
        header = text[start:m.start()]
        prefix = "new file mode\n" if "/dev/null" in header else ""
        path = m.group(1)
        if path == "/dev/null":
            om = re.search(r"^--- (?:a/)?(\S+)", header, re.M)
            path = om.group(1) if om else path
            prefix = "deleted file mode\n"
        while keep and keep[-1].strip() == "":
            keep.pop()
        out.append((start, prefix + "\n".join(keep), path))
    return out


_GIT_PLUS = re.compile(r"^\+\+\+ (?:b/)?(.+?)\s*$", re.M)
_GIT_MINUS = re.compile(r"^--- (?:a/)?(.+?)\s*$", re.M)
_GIT_NAMES = re.compile(r"a/(.*?) b/(.*)")


def diff_files(diff: str) -> list[tuple[str, str]]:
    """(path, hunks) per file of a git diff (`diff --git` sections; other unified diffs go through `patches`). The
    hunks text starts with `new file mode` / `deleted file mode` marker lines where the header says so. Sections are
    cut with string splits, not line by line: diffs are the biggest texts of an episode."""
    if "diff --git " not in diff:
        return [(pth or "?", p) for _s, p, pth in patches(diff)]
    out = []
    secs = diff.split("\ndiff --git ")
    if secs[0].startswith("diff --git "):
        secs[0] = secs[0][len("diff --git "):]
    else:
        secs = secs[1:]
    for sec in secs:
        cut = sec.find("\n@@")
        header = sec if cut < 0 else sec[:cut]
        body = "" if cut < 0 else sec[cut + 1:]
        deleted = "\ndeleted file mode" in header
        new = "\nnew file mode" in header or "\n--- /dev/null" in header
        m = _GIT_MINUS.search(header) if deleted else _GIT_PLUS.search(header)
        path = m.group(1) if m and m.group(1) != "/dev/null" else None
        if path is None:
            g = _GIT_NAMES.match(header.split("\n", 1)[0])
            path = g.group(2) if g else "?"
        marks = ("new file mode\n" if new else "") + ("deleted file mode\n" if deleted else "")
        out.append((path, marks + body.rstrip("\n") if marks or body else "rename or mode change"))
    return out
