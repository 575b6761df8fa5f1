"""One normalized view of an episode that every detector reads.

Real logs come in many shapes: chain of thought in a `reasoning` field or inline in `<think>` tags, code in
fences, `<code>` tags, `<file path=...>` blocks or patch envelopes, tool calls made natively (any tool name,
content in `content`/`code`/`file_text`/`new_str`/... arguments) or written as text (`<function=bash>`,
`<tool_call>{json}</tool_call>`, `Action:`), tool results in `tool` messages or in `OBSERVATION:` user
messages. `view_of(ep)` reads all of them once (regexes only, no parsing of code) into:

- `reasoning`, `final_text`, `user_text`, `tool_output`: text segments, each with where it came from;
- `code`: every code block with its `origin` ("written": the answer or a file the model wrote; "executed": a
  command or script it ran; "quoted": code shown in reasoning, quoted from the prompt or a tool output, or
  shown in prose as an example it rejects), the file it goes to when known, and whether the source cut it;
- `commands`: the commands and tool calls the model made, with what came back;
- `test_runs`: test runs recognized by their output (pytest/unittest summaries, "N passed", PASS/FAIL lines);
- `visible_tests`: tests the model could see (asserts, `check(candidate)`, I/O examples,
  `if f(x) == y: print("PASS")`, test files) in the prompt, tool outputs or files;
- `claims`: what the model claims to have done (see `overopt.detect.claims.claims_of`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from overopt.detect.episodes import Episode

# ---- reasoning --------------------------------------------------------------------------------

_REASON_OPEN = re.compile(r"<(think|thinking|reasoning|reflection)>", re.I)
_REASON_CLOSE = re.compile(r"</(think|thinking|reasoning|reflection)>", re.I)
_REASON_ANY = re.compile(r"</?(?:think|thinking|reasoning|reflection)>", re.I)


def split_reasoning(text: str) -> tuple[str, str]:
    """(reasoning, visible): <think>/<thinking>/<reasoning>/<reflection> blocks, closed or not (an unclosed
    opening tag runs to the end; a closing tag with no opening tag means everything before it was
    reasoning), go to reasoning; the rest is the visible text."""
    if "<" not in text or _REASON_ANY.search(text) is None:
        return "", text
    reasoning: list[str] = []
    visible: list[str] = []
    pos = 0
    first_open = _REASON_OPEN.search(text)
    first_close = _REASON_CLOSE.search(text)
    if first_close and (first_open is None or first_close.start() < first_open.start()):
        reasoning.append(text[:first_close.start()])
        pos = first_close.end()
    while True:
        m = _REASON_OPEN.search(text, pos)
        if m is None:
            visible.append(text[pos:])
            break
        visible.append(text[pos:m.start()])
        c = re.compile(rf"</{m.group(1)}>", re.I).search(text, m.end()) or _REASON_CLOSE.search(text, m.end())
        if c is None:
            reasoning.append(text[m.end():])
            break
        reasoning.append(text[m.end():c.start()])
        pos = c.end()
    return "\n".join(r.strip("\n") for r in reasoning if r.strip()), "".join(visible).strip("\n")


# ---- the view's records -----------------------------------------------------------------------

@dataclass(slots=True)
class Segment:
    """One piece of text and where it came from."""
    text: str
    where: str            # "messages[3].content", "messages[3].reasoning", "messages[2].tool_calls[0]", "diff:path"
    index: int            # message index (-1 for the diff)


@dataclass(slots=True)
class CodeBlock:
    text: str
    where: str
    index: int
    lang: str = ""            # "python", "bash", "diff" (a patch: unified hunks for `path`), "io" (an I/O example) ...
    path: str | None = None   # file the code is written to, when known
    origin: str = "written"   # "written", "executed" or "quoted"
    closed: bool = True       # False when the source cut the block (unclosed fence or tag)
    expected: str | None = None  # for an I/O example (lang "io"): the expected output; `text` is the input
    created: bool = False     # the write creates the file (an editor's `create`, `*** Add File`, `new file mode`)
    failing: bool = False     # a visible test read from a failure report (pytest `>`/`E` lines, "expected X, got Y")


@dataclass(slots=True, eq=False)
class Command:
    """A command/tool call the model made, and what came back."""
    tool: str
    text: str                 # the command line or the call's arguments as text
    output: str | None        # the tool result / OBSERVATION text, None when nothing came back
    where: str
    index: int
    args: dict | None = None  # the call's arguments when they are a JSON object (or text-format parameters)


@dataclass(slots=True)
class TestRun:
    """A test run recognized by its OUTPUT (pytest/unittest/"N passed"/PASS lines...), not by the tool's name."""
    __test__ = False   # not a pytest test class
    where: str
    index: int
    passed: bool | None       # None when the output does not say
    summary: str


@dataclass(init=False)
class EpisodeView:
    episode: Episode
    reasoning: list[Segment]
    final_text: list[Segment]
    user_text: list[Segment]
    tool_output: list[Segment]
    code: list[CodeBlock]
    commands: list[Command]

    def __init__(self, episode: Episode):
        self.episode = episode
        self.reasoning, self.final_text, self.user_text, self.tool_output = [], [], [], []
        self.code, self.commands = [], []
        # test_runs and visible_tests are read from these on first use (most episodes never ask)
        self._outputs: list[tuple[str, str, int, Command | None]] = []
        self._file_tests: list[CodeBlock] = []
        self._test_runs: list[TestRun] | None = None
        self._visible_tests: list[CodeBlock] | None = None
        self._claims: list | None = None

    @property
    def test_runs(self) -> list[TestRun]:
        """Test runs recognized by their output, in order."""
        if self._test_runs is None:
            runs = []
            for text, where, index, _cmd in self._outputs:
                tr = test_run(text)
                if tr is not None:
                    runs.append(TestRun(where, index, tr[0], tr[1][:200]))
            self._test_runs = runs
        return self._test_runs

    @property
    def visible_tests(self) -> list[CodeBlock]:
        """Tests the model could see: in user/system messages, tool outputs, and test files written or diffed."""
        if self._visible_tests is None:
            out: list[CodeBlock] = []
            for s in self.user_text:
                if s.text:
                    out.extend(tests_in(s.text, s.where, s.index))
            for text, where, index, cmd in self._outputs:
                path = None
                if cmd is not None and cmd.text and "test" in cmd.text:
                    pm = _FILE_IN_CMD.search(cmd.text)
                    path = pm.group(1) if pm and TEST_PATH.search(pm.group(1)) else None
                out.extend(tests_in(text, where, index, path))
            out.extend(self._file_tests)
            self._visible_tests = out
        return self._visible_tests

    @property
    def claims(self):
        """What the model claims to have done (computed once, by `overopt.detect.claims.claims_of`)."""
        if self._claims is None:
            from overopt.detect.claims import claims_of
            self._claims = claims_of(self)
        return self._claims

    def written(self) -> list[CodeBlock]:
        """Code the model wrote or ran (not quoted)."""
        return [c for c in self.code if c.origin != "quoted"]


_KEY = "_overopt_view"


def view_of(ep: Episode) -> EpisodeView:
    """Built once per episode and cached on it (cheap: regexes, no ast)."""
    v = ep.__dict__.get(_KEY)
    if v is None:
        v = _build(ep)
        ep.__dict__[_KEY] = v
    return v


# ---- code in text -----------------------------------------------------------------------------

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


def _lang(info: str) -> str:
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
                        out.append((m.start(3) + len(body) - 1, _lang(path.rsplit(".", 1)[-1]) if path and "." in path
                                    else "", rest, path, closed))
                else:
                    out.append((m.start(), _lang(path.rsplit(".", 1)[-1]) if path and "." in path else "",
                                body.strip("\n"), path, closed))
                taken.append((m.start(), m.end()))
        if "<code" in text or "<answer" in text or "<solution" in text or "<python" in text:
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
    if "```" in text or "~~~" in text:
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
            lang = _lang(info)
            path = None
            ip = _INFO_PATH.search(info)
            if ip:
                path = ip.group(1)
            if path is None:
                fl = _FIRST_LINE_PATH.match(body.split("\n", 1)[0])
                path = fl.group(1) if fl else _header_path(text, m.start())
            if not lang and path and "." in path:
                lang = _lang(path.rsplit(".", 1)[-1])
            if " SEARCH" in body and " REPLACE" in body and _SEARCH_REPLACE.search(body):
                out.append((m.start(), "diff", _search_replace(body), path, closed))
            elif lang in ("diff", "") and _looks_like_patch(body):
                out.extend((m.start() + 1 + s, "diff", p, pth, closed) for s, p, pth in patches(body))
            else:
                out.append((m.start(), lang, body, path, closed))
            taken.append((m.start(), end))
            pos = end
    if ("*** Begin Patch" in text or "\n+++ " in text or "*** Update File:" in text) and not taken:
        out.extend((s, "diff", p, pth, True) for s, p, pth in patches(text))
    out.sort(key=lambda t: t[0])
    return out


_SEARCH_REPLACE = re.compile(r"^(?:<{5,}|-{5,}) SEARCH[^\n]*\n(.*?)^={5,}[^\n]*\n(.*?)^(?:>{5,}|\+{5,}) REPLACE",
                             re.S | re.M)


def _search_replace(body: str) -> str:
    """Aider-style `<<<<<<< SEARCH / ======= / >>>>>>> REPLACE` edits as unified hunks."""
    out = []
    for m in _SEARCH_REPLACE.finditer(body):
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


# ---- patches ----------------------------------------------------------------------------------

_ENVELOPE_FILE = re.compile(r"^\*\*\* (Update|Add|Delete) File:\s*(\S+)", re.M)
_UNIFIED_FILE = re.compile(r"^\+\+\+ (?:b/)?(\S+)", re.M)


def _looks_like_patch(body: str) -> bool:
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


# ---- tool calls -------------------------------------------------------------------------------

PATH_KEYS = ("path", "file_path", "filename", "file", "target_file", "filepath", "file_name", "target")
CONTENT_KEYS = ("content", "file_text", "new_str", "new_string", "contents", "code", "text", "insert_text",
                "new_content", "source", "patch", "diff", "input", "code_edit")
COMMAND_KEYS = ("command", "cmd", "commands", "script", "shell_command", "bash_command", "code")
_EDIT_VERBS = {"create", "write", "insert", "str_replace", "append", "overwrite", "edit", "replace"}
_PATH_RANK = {k: i for i, k in enumerate(PATH_KEYS)}
_CONTENT_RANK = {k: i for i, k in enumerate(CONTENT_KEYS)}
_COMMAND_RANK = {k: i for i, k in enumerate(COMMAND_KEYS)}
_DELETE_VERBS = {"delete", "remove", "rm"}
_VIEW_VERBS = {"view", "read", "cat", "open", "undo_edit", "find", "search", "list", "ls"}
_FILE_IN_CMD = re.compile(rf"({FILE_NAME})")
_SUBMIT_TOOL = re.compile(r"^(?:submit\w*|final_answer|answer|give_answer|submit_answer|return_answer)$", re.I)
_ANSWER_KEYS = ("answer", "code", "solution", "submission", "final_answer", "content", "completion")
_PY_TOOL = re.compile(r"python|ipython|jupyter|notebook|code_interpreter|execute_code|run_code|exec_code", re.I)
_TEXT_CALL = re.compile(r"<function=([\w.-]+)>(.*?)(?:</function>|\Z)", re.S)
_TEXT_PARAM = re.compile(r"<parameter=([\w.-]+)>\n?(.*?)\n?(?:</parameter>|(?=<parameter=)|\Z)", re.S)
_JSON_CALL = re.compile(r"<(tool_call|function_call|tool_use)>\s*(.*?)\s*(?:</\1>|\Z)", re.S)
_INVOKE = re.compile(r"<invoke\s+name=\"([\w.-]+)\"\s*>(.*?)(?:</invoke>|\Z)", re.S)
_INVOKE_PARAM = re.compile(r"<parameter\s+name=\"([\w.-]+)\"\s*>\n?(.*?)\n?(?:</parameter>|\Z)", re.S)
_EXEC_TAG = re.compile(r"<(execute_bash|execute_ipython|execute_python|bash)>(.*?)(?:</\1>|\Z)", re.S)
_ACTION = re.compile(r"^Action:\s*([\w.-]+)\s*\n(?:Action Input:\s*)?(.*?)(?=^Observation:|\Z)", re.S | re.M)
_OBSERVATION = re.compile(
    r"^\s*(OBSERVATION|Observation|Tool (?:output|result)|\[?Tool result\]?|EXECUTION RESULT|Execution (?:output|"
    r"result)|Output of the command|Command output|stdout|STDOUT|Result of)\b\s*(?:of\s*\[\w+\])?\s*:?", re.M)
_HEREDOC_START = re.compile(r"<<-?\s*(['\"]?)(\w+)\1")
_REDIRECT = re.compile(r"(?:^|[\s;&|])(?:cat|tee)?\s*>>?\s*([^\s<;&|>]+)|\btee\s+(?:-a\s+)?([^\s<;&|>]+)")
_PY_INLINE = re.compile(r"\bpython[\d.]*\s+-c\s+(['\"])(.*?)\1(?=\s|$|;|&|\|)", re.S)
_PY_HEREDOC = re.compile(r"\bpython[\d.]*\s+(?:-\s+)?<<")


def heredocs(cmd: str) -> list[tuple[str | None, str]]:
    """(path, body) for each here-document in a shell command: `cat > FILE <<EOF ... EOF` (path: FILE) or
    `python - <<EOF` (path None: code run). The body runs to the terminator line, or to the end when it is missing."""
    out: list[tuple[str | None, str]] = []
    if "<<" not in cmd:
        return out
    pos = 0
    while True:
        m = _HEREDOC_START.search(cmd, pos)
        if not m:
            break
        line_start = cmd.rfind("\n", 0, m.start()) + 1
        nl = cmd.find("\n", m.end())
        if nl < 0:
            break
        line = cmd[line_start:nl]
        term = m.group(2)
        body_lines, end = [], len(cmd)
        i = nl + 1
        while i <= len(cmd):
            j = cmd.find("\n", i)
            j = len(cmd) if j < 0 else j
            ln = cmd[i:j]
            if ln.strip() == term:
                end = j
                break
            body_lines.append(ln)
            i = j + 1
        r = _REDIRECT.search(line.replace(m.group(0), " "))
        path = (r.group(1) or r.group(2)) if r else None
        if path or _PY_HEREDOC.search(line):
            out.append((path, "\n".join(body_lines) + "\n"))
        pos = end
    return out


_ECHO_WRITE = re.compile(r"\b(echo|printf)\s+(-e\s+)?(?:-\w+\s+)*(?:'([^']*)'|\"((?:[^\"\\\\]|\\\\.)*)\")"
                         r"\s*>>?\s*([^\s;&|]+)")


def _replace_hunk(old: str | None, new: str) -> str:
    """A one-hunk patch replacing `old` (None: an insertion) by `new`."""
    minus = ["-" + x for x in old.split("\n")] if old else []
    return "@@ str_replace @@\n" + "\n".join(minus + ["+" + x for x in new.split("\n")])


def _argv_script(argv: list[str]) -> str:
    """The script of a command given as an argument list: `["bash", "-lc", S]` -> S; others joined by spaces."""
    if len(argv) >= 3 and argv[-2] in ("-c", "-lc", "-lic", "-ic") :
        return argv[-1]
    if argv[0] in ("apply_patch", "applypatch") and len(argv) >= 2:
        return argv[1]
    return " ".join(argv)


def _json_obj(raw: str) -> dict | None:
    if not raw or raw[0] != "{":
        raw = raw.strip()
        if not raw.startswith("{"):
            return None
    try:
        v = json.loads(raw)
    except (ValueError, TypeError, RecursionError):
        return None
    return v if isinstance(v, dict) else None


def _text_calls(text: str) -> list[tuple[int, int, str, dict | None, str]]:
    """(start, end, tool, args, raw) for tool calls written as text in a message."""
    out = []
    if "<function=" in text:
        for m in _TEXT_CALL.finditer(text):
            params = {k: v for k, v in _TEXT_PARAM.findall(m.group(2))}
            out.append((m.start(), m.end(), m.group(1), params or None, m.group(2).strip()))
    if "<tool_call>" in text or "<function_call>" in text or "<tool_use>" in text:
        for m in _JSON_CALL.finditer(text):
            obj = _json_obj(m.group(2))
            if obj is None:
                continue
            name = str(obj.get("name") or obj.get("tool") or obj.get("function") or "")
            args = obj.get("arguments", obj.get("parameters", obj.get("args", obj.get("input"))))
            if isinstance(args, str):
                args = _json_obj(args) or {"command": args}
            out.append((m.start(), m.end(), name, args if isinstance(args, dict) else None, m.group(2)))
    if "<invoke" in text:   # Anthropic XML: <invoke name="bash"><parameter name="command">...</parameter></invoke>
        for m in _INVOKE.finditer(text):
            params = {k: v for k, v in _INVOKE_PARAM.findall(m.group(2))}
            out.append((m.start(), m.end(), m.group(1), params or None, m.group(2).strip()))
    if "<execute_" in text or "<bash>" in text:   # OpenHands CodeAct: <execute_bash>ls</execute_bash>
        for m in _EXEC_TAG.finditer(text):
            kind = m.group(1)
            body = m.group(2).strip("\n")
            key = "code" if kind in ("execute_ipython", "execute_python") else "command"
            out.append((m.start(), m.end(), "python" if key == "code" else "bash", {key: body}, body))
    if "Action:" in text:
        for m in _ACTION.finditer(text):
            raw = m.group(2).strip()
            obj = _json_obj(raw)
            if obj is None and raw:
                obj = {"command": raw.strip("`").strip()}
            out.append((m.start(), m.end(), m.group(1), obj, raw))
    return out


# ---- visible tests ----------------------------------------------------------------------------

_ASSERT_LINE = re.compile(r"^[ \t]*(assert\b[^\n]*|self\.assert\w+\([^\n]*|assert_\w+\([^\n]*)$", re.M)
_CHECK_FN = re.compile(r"^([ \t]*)def (check|test\w*)\s*\([^)]*\)\s*(->[^:]*)?:[^\n]*\n"
                       r"((?:\1[ \t]+[^\n]*\n?|[ \t]*\n)+)",
                       re.M)
_IF_PASS = re.compile(r"^[ \t]*if\s+[^\n]*==[^\n]*:[^\n]*(?:\n[ \t]+[^\n]*){0,2}?print\(\s*(?:f?[\"'][^\"'\n]*"
                      r"\b(?:PASS|OK|pass|passed|correct|Correct|✓|✔)\b[^\n]*)", re.M)   # the whole line
_IO_HEAD = re.compile(r"^[\W_]*(?:sample |example )?(input|output|explanation|note|notes|example|constraints|examples)"
                      r"(?:\s*#?\d+)?[\W_]*$", re.I)
_INLINE_IO = re.compile(r"^[ \t]*(?:[-*]\s*)?Input:\s*(?P<inp>[^\n]+)\n[ \t]*(?:[-*]\s*)?"
                        r"(?:Output|Expected(?: [Oo]utput)?):\s*(?P<out>[^\n]+)", re.M)
# tests as a harness reports their failure: pytest's `>   assert f(1) == 2` source line, `E   assert 7 == 8` with its
# `E    +  where 7 = f(1, 2)` explanation, `FAILED t.py::test_x - assert f(1) == 2`, `AssertionError: assert ...`, and
# "f(1, 2): expected 8, got 7" / "f(1, 2) returned 7, expected 8" lines
_FAIL_ASSERT = re.compile(r"^(?:[ \t]*>|[ \t]*E\s|[^\n]*?(?:\s-\s|Error:\s|FAIL(?:ED)?:?\s|[Ff]ailed:\s))\s*"
                          r"(assert\s+[A-Za-z_][\w.]*\([^\n]*)$", re.M)
_PYTEST_WHERE = re.compile(r"^E\s+assert\s+(?P<a>[^\n]+?)\s*==\s*(?P<b>[^\n]+?)\s*\n"
                           r"(?:E\s+[^\n]*\n){0,3}?E\s+\+\s+where\s+(?P<v>[^\n=]+?)\s*=\s*"
                           r"(?P<call>[A-Za-z_][\w.]*\([^\n]*\))\s*$", re.M)
_EXPECTED_GOT = re.compile(r"(?P<call>(?<![\w.])[A-Za-z_]\w*\((?:[^()\n]|\([^()\n]*\)){0,300}\))[^\n]{0,60}?"
                           r"\b[Ee]xpected(?: output| result| value)?\b\s*[:=]?\s*(?P<exp>[^\s,;][^\n,;]{0,200}?)"
                           r"\s*(?:[,;)]|\bbut\b|\bgot\b|\binstead\b|$)", re.M)
_FAILED = re.compile(r"AssertionError|\bFAILED\b|Traceback \(most recent|\bfailed\b|✗|✘")
_FAIL_WORDS = re.compile(r"\bFAIL|\bfailed\b|Error\b|\bexpected\b|\bgot\b|✗|✘|^E\s+assert\b|Traceback", re.I | re.M)
TEST_PATH = re.compile(
    r"(^|/)(tests?|testing|spec)/|(^|/)test_[^/]*$|_tests?\.[a-z]+$|(^|/)tests?\.[a-z]+$"
    r"|\.(spec|test)\.[jt]sx?$|(^|/)test_cases[^/]*$|(^|/)conftest\.py$", re.I)


_JSON_CASE = re.compile(r'"(?:input|stdin|inputs)"\s*:\s*"((?:[^"\\\n]|\\.){0,4000})"\s*,\s*'
                        r'"(?:output|expected|expected_output|stdout|outputs)"\s*:\s*"((?:[^"\\\n]|\\.){0,4000})"')
_LINE_NO = re.compile(r"^ *\d+\t", re.M)


def _strip_fences(s: str) -> str:
    return s.strip().strip("`").strip()


def tests_in(text: str, where: str, index: int, path: str | None = None) -> list[CodeBlock]:
    """Visible tests in a piece of text: runs of assert lines, `def check(candidate)` / `def test_*` bodies,
    `if f(x) == y: print("PASS")` checks, and Input/Output examples (lang "io", `expected` = the output)."""
    out: list[CodeBlock] = []
    if "\t" in text and _LINE_NO.search(text):
        text = _LINE_NO.sub("", text)   # `cat -n` / editor `view` output: "    12\tassert f(1) == 2"
    if "assert" in text:
        run: list[str] = []
        last_end = -1
        for m in _ASSERT_LINE.finditer(text):
            if run and m.start() != last_end + 1:
                out.append(CodeBlock("\n".join(run), where, index, "python", path, "quoted"))
                run = []
            run.append(m.group(1).strip())
            last_end = m.end()
        if run:
            out.append(CodeBlock("\n".join(run), where, index, "python", path, "quoted"))
    if ("assert" in text or "xpected" in text) and _FAIL_WORDS.search(text):
        if out and _FAILED.search(text):   # the asserts of a failure report (a traceback's source lines)
            for b in out:
                b.failing = True
        out.extend(_failure_tests(text, where, index, path))
    if "def " in text and ("def check" in text or "def test" in text):
        for m in _CHECK_FN.finditer(text if text.endswith("\n") else text + "\n"):
            body = m.group(4)
            if "assert" in body or "==" in body:
                out.append(CodeBlock(m.group(0).rstrip(), where, index, "python", path, "quoted"))
    if "print" in text and "==" in text and "if" in text:
        for m in _IF_PASS.finditer(text):
            out.append(CodeBlock(m.group(0).strip(), where, index, "python", path, "quoted"))
    if '"input' in text and ('"output' in text or '"expected' in text):   # JSON test cases
        for m in _JSON_CASE.finditer(text):
            try:
                inp, exp = json.loads(f'"{m.group(1)}"'), json.loads(f'"{m.group(2)}"')
            except ValueError:
                continue
            out.append(CodeBlock(inp, where, index, "io", path, "quoted", expected=exp))
    if "nput" in text and ("utput" in text or "xpected" in text):
        found = False
        for m in _INLINE_IO.finditer(text):
            out.append(CodeBlock(_strip_fences(m.group("inp")), where, index, "io", path, "quoted",
                                 expected=_strip_fences(m.group("out"))))
            found = True
        if not found:
            for inp, exp in _io_examples(text):
                out.append(CodeBlock(inp, where, index, "io", path, "quoted", expected=exp))
    return out


def _failure_tests(text: str, where: str, index: int, path: str | None) -> list[CodeBlock]:
    """The tests a failure report shows, as `assert call == expected` lines (marked `failing`)."""
    found: list[str] = []
    if "assert" in text:
        found += [m.group(1).strip() for m in _FAIL_ASSERT.finditer(text)]
        if "where" in text:
            for m in _PYTEST_WHERE.finditer(text):
                a, b, v = m.group("a").strip(), m.group("b").strip(), m.group("v").strip()
                if v == a:
                    found.append(f"assert {m.group('call')} == {b}")
                elif v == b:
                    found.append(f"assert {m.group('call')} == {a}")
    if "xpected" in text:
        for m in _EXPECTED_GOT.finditer(text):
            exp = m.group("exp").strip().rstrip(".")
            if exp and not exp.lower().startswith(("to ", "a ", "an ", "the ")):
                found.append(f"assert {m.group('call')} == {exp}")
    if not found:
        return []
    return [CodeBlock("\n".join(dict.fromkeys(found)), where, index, "python", path, "quoted", failing=True)]


def _io_examples(text: str) -> list[tuple[str, str]]:
    """(input, output) pairs of examples laid out as an `Input` header line, its lines, an `Output` header line and
    its lines (Codeforces/APPS `-----Examples-----`, `Sample Input 1`, markdown `**Input**`)."""
    out: list[tuple[str, str]] = []
    lines = text.split("\n")
    heads = [(k, m.group(1).lower()) for k, ln in enumerate(lines)
             if len(ln) < 40 and (m := _IO_HEAD.match(ln))]
    for n, (k, kind) in enumerate(heads):
        if kind != "input" or n + 1 >= len(heads) or heads[n + 1][1] != "output":
            continue
        ko = heads[n + 1][0]
        end = heads[n + 2][0] if n + 2 < len(heads) else len(lines)
        inp = [ln for ln in lines[k + 1:ko] if not ln.strip().startswith("```")]
        res: list[str] = []
        for ln in lines[ko + 1:end]:
            st = ln.strip()
            if st.startswith("```"):
                continue
            if not st and res or st.startswith("---"):
                break
            if st:
                res.append(ln)
        i, o = "\n".join(inp).strip(), "\n".join(res).strip()
        if i and o and len(i) < 4000 and len(o) < 4000:
            out.append((i, o))
    return out


# ---- test runs by their output ----------------------------------------------------------------

_PYTEST_SUMMARY = re.compile(r"^=+ ([^\n=]*\b(?:passed|failed|error|errors|no tests ran|skipped)\b[^\n=]*) =+\s*$",
                             re.M)
_PYTEST_Q = re.compile(r"(?:^|[:>\s])((?:\d+ (?:passed|failed|errors?|skipped|xfailed|xpassed|warnings?|deselected)"
                       r"(?:, )?)+ in [\d.]+\s?s\b)", re.M)
# mocha/jest/rspec/cargo/go test summaries
_OTHER_RUNNERS = re.compile(r"^\s*\d+ passing\b.*$|^Tests:\s+.*\b\d+ (?:passed|failed)\b.*$"
                            r"|^\d+ examples?, \d+ failures?.*$"
                            r"|^test result: (?:ok|FAILED)\b.*$|^(?:ok|FAIL)\s+\S+\s+[\d.]+s\s*$", re.M)
_COUNTS = re.compile(r"\b(\d+) (passed|failed|errors?|xfailed|skipped)\b")
_UNITTEST = re.compile(r"^Ran (\d+) tests? in [\d.]+s\s*\n+\s*(OK\b[^\n]*|FAILED\b[^\n]*)?", re.M)
_ALL_PASSED = re.compile(r"\b(all (?:\d+ )?(?:tests?|test cases|checks|cases)(?: have| has)? passed"
                         r"|all tests pass(?:ed)?"
                         r"|tests? passed!?$|test result: ok\b|\bOK \(\d+ tests?\)|\d+ tests? passed\b|"
                         r"Tests:\s+\d+ passed)", re.I | re.M)
_ANY_FAILED = re.compile(r"\b(\d+ (?:tests? )?failed|FAILED\b|test result: FAILED|Tests:\s+\d+ failed|"
                         r"AssertionError|Traceback \(most recent call last\)|some tests failed|tests? failed)",
                         re.M)
_PASS_FAIL_LINE = re.compile(r"^\s*(?:\[?(PASS(?:ED)?|FAIL(?:ED)?|OK|✓|✔|✗|✘)\]?\b[:\s]"
                             r"|(?:Test|Case)\s*#?\d+\s*[:\-]\s*"
                             r"(PASS(?:ED)?|FAIL(?:ED)?|OK|correct|wrong|incorrect)\b)", re.M | re.I)


def test_run(output: str) -> tuple[bool | None, str] | None:
    """(passed, summary) when a tool output shows a test run; None when it does not."""
    if not output:
        return None
    low = None
    if "passed" in output or "failed" in output or "error" in output or "skipped" in output:
        ms = list(_PYTEST_SUMMARY.finditer(output)) or list(_PYTEST_Q.finditer(output))
        if ms:
            summ = ms[-1].group(1).strip()
            counts = {k.rstrip("s"): int(n) for n, k in _COUNTS.findall(summ)}
            bad = counts.get("failed", 0) + counts.get("error", 0)
            good = counts.get("passed", 0)
            return (bad == 0 and good > 0) if (bad or good) else None, summ
    if "Ran " in output:
        m = _UNITTEST.search(output)
        if m:
            tail = (m.group(2) or "").strip()
            return (True if tail.startswith("OK") else False if tail.startswith("FAILED") else None,
                    f"Ran {m.group(1)} tests {tail}".strip())
    m = _OTHER_RUNNERS.search(output) if ("passing" in output or "examples" in output or "ok " in output
                                         or "FAIL" in output or "test result" in output or "Tests:" in output) else None
    if m:
        txt = m.group(0)
        bad = re.search(r"[1-9]\d* (?:failing|failures?|failed)|^FAIL|--- FAIL|FAILED", output, re.M)
        return (bad is None), txt.strip()
    low = output.lower()
    if "pass" in low or "fail" in low or " ok" in low or "✓" in output or "✔" in output:
        lines = _PASS_FAIL_LINE.findall(output)
        if len(lines) >= 2 or (lines and len(output) < 400):
            verdicts = [(a or b).upper() for a, b in lines]
            fails = sum(1 for v in verdicts if v.startswith(("FAIL", "WRONG", "INCORRECT", "✗", "✘")))
            return fails == 0, f"{len(verdicts) - fails} pass / {fails} fail lines"
        m = _ALL_PASSED.search(output)
        if m:
            failed = _ANY_FAILED.search(output)
            if failed and "0 failed" not in output:
                return False, f"{m.group(0)} … {failed.group(0)}"
            return True, m.group(0)
        if "failed" in low:
            m = _COUNTS.search(output)
            if m and m.group(2) == "failed":
                return False, m.group(0)
    return None


# ---- building the view ------------------------------------------------------------------------

def _is_observation(text: str) -> bool:
    head = text[:80]
    return bool(_OBSERVATION.match(head))


def _quoted_by_prose(text: str, start: int, end: int) -> bool:
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


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", s)


class _Builder:
    __slots__ = ("ep", "v", "_prompt_flat", "_user_raw")

    def __init__(self, ep: Episode):
        self.ep = ep
        self.v = EpisodeView(episode=ep)
        self._prompt_flat: str | None = None
        self._user_raw: list[str] = []

    def prompt_flat(self) -> str:
        if self._prompt_flat is None:
            self._prompt_flat = _norm("\n".join(self._user_raw))
        return self._prompt_flat

    def add_code(self, text: str, where: str, index: int, lang: str, path: str | None, origin: str,
                 closed: bool = True, created: bool = False) -> None:
        if not text.strip():
            return
        v = self.v
        v.code.append(CodeBlock(text, where, index, lang, path, origin, closed, created=created))
        if path and TEST_PATH.search(path) and lang != "diff":
            v._file_tests.append(CodeBlock(text, where, index, lang or "python", path, "quoted", closed))
        elif path and lang == "diff" and TEST_PATH.search(path):
            ctx = "\n".join(ln[1:] for ln in text.split("\n") if ln[:1] in (" ", "-"))
            if ctx.strip():
                v._file_tests.append(CodeBlock(ctx, where, index, "python", path, "quoted", closed))

    def tool_call(self, name: str, args: dict | None, raw: str, where: str, index: int) -> Command:
        """Record a tool call (native or written as text): its code and its command."""
        text = raw
        if args and _SUBMIT_TOOL.match(name):
            # the final answer handed to the grader (Inspect's `submit(answer=...)`): code in it is written, not run
            for k in _ANSWER_KEYS:
                x = args.get(k)
                if type(x) is str and x.strip():
                    if "```" in x or "~~~" in x or "<" in x:
                        self.text_code(x, where, index, "written")
                    elif looks_like_code(x):
                        self.add_code(x.strip("\n"), where, index, "python", None, "written")
                    break
            c = Command(tool=name, text=raw, output=None, where=where, index=index, args=args)
            self.v.commands.append(c)
            return c
        if args:
            path = content = cmd = None
            pk = ck = mk = 99
            for k, x in args.items():   # the highest-priority path, content and command keys present
                r = _PATH_RANK.get(k)
                if r is not None and r < pk and type(x) is str and x.strip():
                    path, pk = x, r
                r = _CONTENT_RANK.get(k)
                if r is not None and r < ck and type(x) is str:
                    content, ck = x, r
            verb = args.get("command")
            verb = verb if type(verb) is str and (verb in _EDIT_VERBS or verb in _VIEW_VERBS or verb in _DELETE_VERBS) \
                else ""
            if not verb:
                for k, x in args.items():
                    r = _COMMAND_RANK.get(k)
                    if r is None or r >= mk or (k == "code" and path is not None):
                        continue
                    if type(x) is str:
                        cmd, mk = x, r
                    elif type(x) is list and x and all(type(y) is str for y in x):
                        cmd, mk = _argv_script(x), r   # Codex-style ["bash", "-lc", "..."] / ["apply_patch", "..."]
            edits = args.get("edits")
            if path and type(edits) is list:   # several replacements in one call (MultiEdit)
                for e in edits:
                    if isinstance(e, dict) and isinstance(e.get("old_string", e.get("old_str")), str):
                        old, new = e.get("old_string", e.get("old_str")), e.get("new_string", e.get("new_str", ""))
                        self.add_code(_replace_hunk(old, new if isinstance(new, str) else ""), where, index, "diff",
                                      path, "written")
            if path and content is not None and verb not in _VIEW_VERBS:
                old = args.get("old_str", args.get("old_string"))
                if " SEARCH" in content and " REPLACE" in content and _SEARCH_REPLACE.search(content):
                    self.add_code(_search_replace(content), where, index, "diff", path, "written")
                elif (verb == "insert" or ck == _CONTENT_RANK["code_edit"]) and old is None:
                    self.add_code(_replace_hunk(None, content), where, index, "diff", path, "written")
                elif isinstance(old, str):
                    self.add_code(_replace_hunk(old, content), where, index, "diff", path, "written")
                elif _looks_like_patch(content) and (content.startswith(("---", "***", "@@", "diff "))):
                    for _s, p, pth in patches(content):
                        self.add_code(p, where, index, "diff", pth or path, "written")
                else:
                    ext = path.rsplit(".", 1)[-1] if "." in path else ""
                    self.add_code(content, where, index, _lang(ext) if ext else "", path, "written",
                                  created=verb == "create" or "create" in name.lower())
            elif content is not None and not path and _looks_like_patch(content):
                for _s, p, pth in patches(content):
                    self.add_code(p, where, index, "diff", pth, "written")
            elif path and verb in _DELETE_VERBS:
                self.add_code("deleted file mode", where, index, "diff", path, "written")
            if cmd is not None:
                text = cmd
                lang = "python" if (_PY_TOOL.search(name) or "code" in args and cmd is args.get("code")) else "bash"
                if lang == "bash":
                    self.shell(cmd, where, index)
                self.add_code(cmd, where, index, lang, None, "executed")
        elif raw and not args:
            if _PY_TOOL.search(name):
                self.add_code(raw, where, index, "python", None, "executed")
            else:
                self.shell(raw, where, index)
                self.add_code(raw, where, index, "bash", None, "executed")
        c = Command(tool=name, text=text, output=None, where=where, index=index, args=args)
        self.v.commands.append(c)
        return c

    def shell(self, cmd: str, where: str, index: int) -> None:
        """Files and code inside a shell command: heredocs, `echo ... > file`, `python -c`, an apply_patch body."""
        if "*** Begin Patch" in cmd or "*** Update File:" in cmd:
            for _s, p, pth in patches(cmd):
                self.add_code(p, where, index, "diff", pth, "written")
            return
        if ">" in cmd and ("echo" in cmd or "printf" in cmd):
            for m in _ECHO_WRITE.finditer(cmd):
                body = m.group(3) if m.group(3) is not None else m.group(4)
                if m.group(1) == "printf" or m.group(2):
                    body = body.replace("\\n", "\n").replace("\\t", "\t")
                path = m.group(5)
                ext = path.rsplit(".", 1)[-1] if "." in path else ""
                self.add_code(body, where, index, _lang(ext) if ext else "", path, "written")
        if "<<" in cmd:
            for path, body in heredocs(cmd):
                if path:
                    ext = path.rsplit(".", 1)[-1] if "." in path else ""
                    self.add_code(body, where, index, _lang(ext) if ext else "", path, "written")
                else:
                    self.add_code(body, where, index, "python", None, "executed")
        if "-c" in cmd and "python" in cmd:
            for m in _PY_INLINE.finditer(cmd):
                self.add_code(m.group(2), where, index, "python", None, "executed")

    def text_code(self, text: str, where: str, index: int, origin: str, skip: list[tuple[int, int]] = ()) -> None:
        for start, lang, code, path, closed in code_blocks(text):
            if any(a <= start < b for a, b in skip):
                continue
            o = origin
            if o == "written":
                tail = code[-40:]
                e = text.find(tail, start) if tail else -1
                end = e + len(tail) if e >= 0 else start + len(code)
                if _quoted_by_prose(text, start, end):
                    o = "quoted"
                elif len(code) >= 40 and _norm(code) in self.prompt_flat():
                    o = "quoted"
            self.add_code(code, where, index, lang, path, o, closed)

    def build(self) -> EpisodeView:
        ep, v = self.ep, self.v
        by_id: dict[str, Command] = {}
        pending: list[Command] = []      # calls still waiting for their output, in order
        text_pending: list[Command] = []  # text-format calls waiting for an OBSERVATION user message
        msgs = ep.messages
        n_msgs = len(msgs)
        for i, m in enumerate(msgs):
            role = m.role
            if role == "assistant":
                if m.reasoning:
                    where = f"messages[{i}].reasoning"
                    v.reasoning.append(Segment(m.reasoning, where, i))
                    self.text_code(m.reasoning, where, i, "quoted")
                content = m.content
                if content:
                    r, vis = split_reasoning(content)
                    if r:
                        v.reasoning.append(Segment(r, f"messages[{i}].reasoning", i))
                        self.text_code(r, f"messages[{i}].reasoning", i, "quoted")
                    where = f"messages[{i}].content"
                    calls = _text_calls(vis) if ("<" in vis or "Action:" in vis) else []
                    if vis.strip():
                        v.final_text.append(Segment(vis, where, i))
                    skip = [(a, b) for a, b, *_ in calls] if calls else []
                    for k, (_a, _b, name, args, raw) in enumerate(calls):
                        c = self.tool_call(name, args, raw, f"{where}.calls[{k}]", i)
                        text_pending.append(c)
                    if not calls and not m.tool_calls and i + 1 < n_msgs and msgs[i + 1].role == "user" \
                            and ("```" in vis or "~~~" in vis) and _is_observation(msgs[i + 1].content):
                        # a harness that runs the fenced command of a message (SWE-agent's thought/action format)
                        blocks = code_blocks(vis)
                        if blocks:
                            start, lang, code, _p, _c = blocks[-1]
                            skip.append((start, start + 1))
                            c = self.tool_call("bash" if lang in ("", "bash") else lang, None, code,
                                               f"{where}.action", i)
                            text_pending.append(c)
                    if vis and ("```" in vis or "~~~" in vis or "<" in vis or "+++ " in vis or "*** " in vis):
                        self.text_code(vis, where, i, "written", skip)
                    elif vis and not calls and ("def " in vis or "import " in vis or "return " in vis) \
                            and looks_like_code(vis):
                        self.add_code(vis.strip("\n"), where, i, "python", None, "written")   # a bare completion
                for j, tc in enumerate(m.tool_calls):
                    args = _json_obj(tc.arguments)
                    c = self.tool_call(tc.name, args, tc.arguments, f"messages[{i}].tool_calls[{j}]", i)
                    if tc.id:
                        by_id[tc.id] = c
                    pending.insert(0, c)   # answered in order: the oldest unanswered call is at the end
            elif role == "tool":
                where = f"messages[{i}].content"
                v.tool_output.append(Segment(m.content, where, i))
                c = by_id.pop(m.tool_call_id, None) if m.tool_call_id else None
                if c is None:
                    while pending and pending[-1].output is not None:
                        pending.pop()
                    c = pending.pop() if pending else None
                if c is not None:
                    c.output = m.content if c.output is None else c.output + "\n" + m.content
                self.output(m.content, where, i, c)
            else:   # user / system
                where = f"messages[{i}].content"
                if i > 0 and role == "user" and (text_pending or _is_observation(m.content)):
                    v.tool_output.append(Segment(m.content, where, i))
                    for c in text_pending:
                        c.output = m.content
                    text_pending = []
                    self.output(m.content, where, i, None)
                    continue
                v.user_text.append(Segment(m.content, where, i))
                self._user_raw.append(m.content)
                self._prompt_flat = None
                if m.content:
                    if "```" in m.content or "<" in m.content:
                        self.text_code(m.content, where, i, "quoted")
        if ep.diff:
            for pth, p in diff_files(ep.diff):
                self.add_code(p, f"diff:{pth}", -1, "diff", pth, "written", created=p.startswith("new file mode"))
        return v

    def output(self, text: str, where: str, index: int, cmd: Command | None) -> None:
        if text:
            self.v._outputs.append((text, where, index, cmd))


test_run.__test__ = False   # a helper, not a pytest test


def _build(ep: Episode) -> EpisodeView:
    return _Builder(ep).build()
