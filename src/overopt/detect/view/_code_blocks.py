"""Code in a piece of text: fences, `<code>`-like tags, `<file path=...>` blocks, patches and search/replace edits,
the file each block goes to when a header or first line names it, and prose that marks a block as quoted."""

from __future__ import annotations

import re

from overopt.detect.view._patches import looks_like_patch, patches

_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})[ \t]*([^\n`]*)$", re.M)
_CODE_TAG = re.compile(r"<(code|answer|solution|python)(?:\s[^>]*)?>(.*?)(?:</\1>|\Z)", re.S | re.I)
_CODE_LINE = re.compile(r"^(?:def |class |import |from [\w.]+ import |@\w|if __name__|#!|\s+(?:return\b|if |for |while |"
                        r"elif |else:|try:|except|raise |yield\b|print\()|\w+(?:\[[^\]]*\])?\s*[+\-*/]?=\s*\S|print\()")


def looks_like_code(text: str) -> bool:
    """Plain text that is Python code (a completion with no fence): it opens like code and most lines read as code."""
    lines = [ln for ln in text.strip("\n").split("\n") if ln.strip()]
    if len(lines) < 2 or not _CODE_LINE.match(lines[0]) and not lines[0].startswith("    "):
        return False
    code = sum(1 for ln in lines if _CODE_LINE.match(ln) or ln.startswith(("    ", "\t", "#")) or ln.strip() in (
        ")", "]", "}"))
    return code >= 0.7 * len(lines)


_FILE_TAG = re.compile(r"<(file|document)\b([^>\n]*)>(.*?)(?:</\1>|\Z)", re.S | re.I)
_ATTR_PATH = re.compile(r"""\b(?:path|name|filename|file)\s*=\s*["']?([^"'\s>]+)""")
FILE_NAME = (r"[\w./\\-]*\w\.(?:py|pyi|ipynb|js|jsx|ts|tsx|sh|bash|cfg|ini|toml|json|ya?ml|txt|rs|go|c|cc|cpp|h|hpp|"
             r"java|rb|md)")
_HEADER_PATH = re.compile(
    rf"^\s*(?:#+|//|\*\*|`|[-*]\s)?\s*(?:(?:file(?:name)?|path|filepath)\s*[:=]\s*)?[`*\"']*({FILE_NAME})[`*\"']*"
    r"\s*(?:\([^)\n]{0,40}\))?\s*[:*`]*\s*$", re.I)
_FIRST_LINE_PATH = re.compile(rf"^\s*(?:#|//)\s*(?:file(?:name)?|path)\s*:\s*({FILE_NAME})\s*$", re.I)
_INFO_PATH = re.compile(rf"(?:^|[\s:=\"'])({FILE_NAME})\b")
_LANGS = {"py": "python", "python3": "python", "py3": "python", "pycon": "python", "sh": "bash", "shell": "bash",
          "console": "bash", "zsh": "bash", "shell-session": "bash", "patch": "diff", "udiff": "diff",
          "js": "javascript", "ts": "typescript"}
# prose that introduces a code block as something not to do, or as someone else's / the old code
_REJECT = re.compile(
    r"\b(?:don'?t|do not|never|avoid|shouldn'?t|should not|must not|mustn'?t)\s+(?:\w+\s+){0,3}?(?:do|write|use|try|"
    r"return|add|put|exit|patch|hard-?code|special-?case|make|game|cheat|skip|fake|delete|remove)\b[^.\n]{0,60}"
    r"(?:this|that|these|those|something like|like|such as|as follows|below)\b"
    r"|\b(?:instead of|rather than)\s+(?:this|that|doing|writing|something like)\b"
    r"|\b(?:bad|wrong|incorrect|naive|hacky|cheating|dishonest|forbidden|unacceptable)\s+(?:\w+\s+)?(?:approach|way|"
    r"solution|version|code|example|implementation|attempt|idea|practice|pattern|hack)\b"
    r"|\b(?:it(?:'s| is| would be)\s+)?tempting\s+to\b|\b(?:one|you|someone|a model|an agent)\s+(?:could|might)\s+"
    r"(?:just\s+|simply\s+)?(?:write|do|return|add|exit|patch|hard-?code|special-?case|cheat)\b"
    r"|\b(?:not going to|won'?t|will not|wouldn'?t|would not)\s+(?:\w+\s+){0,2}?(?:do|write|use|submit)\s+"
    r"(?:this|that|something like)\b"
    r"|\b(?:the|your|their)\s+(?:old|original|current|existing|previous|broken|buggy|failing)\s+(?:code|version|"
    r"implementation|function|test|tests|file|snippet)\b|\bbefore\s*:\s*$|\bcurrently\b",
    re.I)
# prose right after a code block that rejects it: "This would be cheating, so instead ..."
_REJECT_AFTER = re.compile(
    r"^\s*(?:but\s+|however,?\s+)?(?:this|that|doing this|doing that|such code)\s+(?:is|would be|'s)\s+(?:\w+\s+)?"
    r"(?:cheating|a hack|wrong|dishonest|not allowed|not acceptable|unacceptable|gaming|incorrect|forbidden|bad)\b"
    r"|^\s*(?:don'?t|do not|never)\s+do\s+(?:this|that)\b", re.I)
_ANSWER_CUE = re.compile(
    r"\b(here(?:'s| is)|solution|final|fixed|updated|corrected|below|correct (?:version|way|code))\b", re.I)


def language_of(info: str) -> str:
    """The language a fence info string or a file extension names (`py` -> "python", `sh` -> "bash")."""
    w = info.strip().split()[0].lower() if info.strip() else ""
    w = w.split(":")[0].split("{")[0].strip(".")
    return _LANGS.get(w, w)


def _header_path(text: str, start: int) -> str | None:
    """A file name on the line just before `start` (`**solution.py**`, `# filename: x.py`, `File: x.py`)."""
    a = text.rfind("\n", 0, max(0, start - 1))
    prev = text[a + 1:start].strip()
    if not prev and a > 0:   # one blank line between
        b = text.rfind("\n", 0, a)
        prev = text[b + 1:a].strip()
    if prev and len(prev) < 120:
        m = _HEADER_PATH.match(prev)
        if m:
            return m.group(1)
    return None


def code_blocks(text: str) -> list[tuple[int, str, str, str | None, bool]]:
    """(start offset, lang, code, path, closed) for every code block in a piece of text: fences (an unclosed one
    runs to the end), `<code>` tags, `<file path=...>` blocks, patch envelopes and unified diffs."""
    out: list[tuple[int, str, str, str | None, bool]] = []
    taken: list[tuple[int, int]] = []
    if "<" in text:
        if "<file" in text or "<document" in text:
            _file_tag_blocks(text, out, taken)
        if "<code" in text or "<answer" in text or "<solution" in text or "<python" in text:
            _code_tag_blocks(text, out, taken)
    if "```" in text or "~~~" in text:
        _fenced_blocks(text, out, taken)
    if ("*** Begin Patch" in text or "\n+++ " in text or "*** Update File:" in text) and not taken:
        out.extend((s, "diff", p, pth, True) for s, p, pth in patches(text))
    out.sort(key=lambda t: t[0])
    return out


def _file_tag_blocks(text: str, out: list, taken: list[tuple[int, int]]) -> None:
    """`<file path=...>` / `<document>` blocks: their fenced blocks, plus the file text written around the fences."""
    for m in _FILE_TAG.finditer(text):
        attrs, body = m.group(2), m.group(3)
        p = _ATTR_PATH.search(attrs)
        path = p.group(1) if p else None
        closed = m.group(0).lower().endswith(f"</{m.group(1).lower()}>")
        inner = code_blocks(body) if ("```" in body or "~~~" in body) else []
        if inner:
            for s, lang, code, ipath, iclosed in inner:
                out.append((m.start(3) + s, lang, code, ipath or path, iclosed and closed))
            rest = _outside_fences(body)
            if rest.strip():   # file text written around the fences belongs to the file too
                out.append((m.start(3) + len(body) - 1, language_of(path.rsplit(".", 1)[-1]) if path and "." in path
                            else "", rest, path, closed))
        else:
            out.append((m.start(), language_of(path.rsplit(".", 1)[-1]) if path and "." in path else "",
                        body.strip("\n"), path, closed))
        taken.append((m.start(), m.end()))


def _code_tag_blocks(text: str, out: list, taken: list[tuple[int, int]]) -> None:
    """`<code>` / `<answer>` / `<solution>` / `<python>` tags outside the blocks already taken: their fenced blocks,
    or their body when it is code (not an inline tag in prose, not an answer in words)."""
    for m in _CODE_TAG.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        tag, body = m.group(1).lower(), m.group(2)
        closed = m.group(0).lower().endswith(f"</{tag}>")
        if ("```" in body or "~~~" in body):
            inner = code_blocks(body)
            for s, lang, code, ipath, iclosed in inner:
                out.append((m.start(2) + s, lang, code, ipath, iclosed and closed))
            if inner:
                taken.append((m.start(), m.end()))
                continue
        if closed and "\n" not in body.strip() and len(body) < 80:
            continue   # inline `<code>x</code>` in prose
        if tag in ("answer", "solution") and not looks_like_code(body):
            continue   # an answer in words
        out.append((m.start(), "", _unescape(body.strip("\n")), _header_path(text, m.start()), closed))
        taken.append((m.start(), m.end()))


def _fenced_blocks(text: str, out: list, taken: list[tuple[int, int]]) -> None:
    """Fenced blocks outside the blocks already taken (an unclosed fence runs to the end), with the file they go to
    from the info string, a first-line `# filename:` comment or the line before; patches and search/replace edits
    inside fences become unified hunks."""
    pos = 0
    while True:
        m = _FENCE.search(text, pos)
        if m is None:
            break
        if any(a <= m.start() < b for a, b in taken):
            pos = m.end()
            continue
        fence, info = m.group(1), m.group(2)
        body_start = m.end() + 1
        close = re.compile(rf"^[ \t]*{fence[0]}{{{len(fence)},}}[ \t]*$", re.M).search(text, body_start) \
            if body_start <= len(text) else None
        if close is None:
            body, closed, end = text[body_start:], False, len(text)
        else:
            body, closed, end = text[body_start:close.start()], True, close.end()
        body = body.rstrip("\n")
        lang = language_of(info)
        path = None
        ip = _INFO_PATH.search(info)
        if ip:
            path = ip.group(1)
        if path is None:
            fl = _FIRST_LINE_PATH.match(body.split("\n", 1)[0])
            path = fl.group(1) if fl else _header_path(text, m.start())
        if not lang and path and "." in path:
            lang = language_of(path.rsplit(".", 1)[-1])
        if " SEARCH" in body and " REPLACE" in body and SEARCH_REPLACE.search(body):
            out.append((m.start(), "diff", search_replace_hunks(body), path, closed))
        elif lang in ("diff", "") and looks_like_patch(body):
            out.extend((m.start() + 1 + s, "diff", p, pth, closed) for s, p, pth in patches(body))
        else:
            out.append((m.start(), lang, body, path, closed))
        taken.append((m.start(), end))
        pos = end


SEARCH_REPLACE = re.compile(r"^(?:<{5,}|-{5,}) SEARCH[^\n]*\n(.*?)^={5,}[^\n]*\n(.*?)^(?:>{5,}|\+{5,}) REPLACE",
                             re.S | re.M)


def search_replace_hunks(body: str) -> str:
    """Aider-style `<<<<<<< SEARCH / ======= / >>>>>>> REPLACE` edits as unified hunks."""
    out = []
    for m in SEARCH_REPLACE.finditer(body):
        old, new = m.group(1).rstrip("\n"), m.group(2).rstrip("\n")
        out.append("@@ search/replace @@")
        out.extend("-" + x for x in old.split("\n") if old)
        out.extend("+" + x for x in new.split("\n") if new)
    return "\n".join(out)


def _outside_fences(body: str) -> str:
    """The lines of a text that are not inside a fenced block (nor fence lines)."""
    keep, fence = [], None
    for ln in body.split("\n"):
        m = _FENCE.match(ln)
        if m:
            if fence is None:
                fence = m.group(1)
            elif ln.strip().startswith(fence[0] * len(fence)) and not m.group(2).strip():
                fence = None
            continue
        if fence is None:
            keep.append(ln)
    return "\n".join(keep).strip("\n")


def _unescape(s: str) -> str:
    if "&" not in s:
        return s
    return (s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&#39;", "'")
            .replace("&amp;", "&"))


def quoted_by_prose(text: str, start: int, end: int) -> bool:
    """The sentence before a code block introduces it as something not to do or as old code, or the sentence after it
    rejects it."""
    a = text.rfind("\n\n", 0, start)
    lead = text[max(a, start - 300, 0):start].rstrip()
    if lead:
        dot = max(lead.rfind(". "), lead.rfind("\n"))
        last = lead[dot + 1:] if dot >= 0 and dot < len(lead) - 2 else lead
        m = _REJECT.search(last)
        if m and not _ANSWER_CUE.search(last[m.end():]):
            return True
    if end < len(text):
        tail = text[end:end + 200]
        if _REJECT_AFTER.search(tail.lstrip("`~ \n")):
            return True
    return False
