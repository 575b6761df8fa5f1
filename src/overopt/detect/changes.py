"""What an episode changed in code: unified diff hunks, tool-call file writes, shell commands.

Code detectors look at `FileChange`s. For each one they get the added lines, the removed lines and,
where it parses, the AST of the post-change text (a new file's whole text, or each hunk's
"after" side: context plus added lines), with a map back to which lines were added, so a rule only
fires on what the episode itself wrote.
"""

from __future__ import annotations

import ast
import json
import re
import textwrap
from dataclasses import dataclass, field

from overopt.detect.episodes import Episode

TEST_PATH = re.compile(
    r"(^|/)(tests?|testing|spec)/|(^|/)test_[^/]*$|_tests?\.[a-z]+$|(^|/)tests?\.[a-z]+$"
    r"|\.(spec|test)\.[jt]sx?$|(^|/)test_cases[^/]*$|(^|/)conftest\.py$", re.I)
GRADER_PATH = re.compile(r"(^|/)[^/]*(grader|grade|scorer|score|evaluat|judge|checker|verif)[^/]*\.(py|sh|json)$", re.I)
SHELL_TOOLS = re.compile(r"bash|shell|exec|terminal|run|command|sh$", re.I)


@dataclass
class Hunk:
    header: str
    lines: list[str]          # raw hunk body lines, prefixed ' ', '+', '-'

    def text(self) -> str:
        return self.header + "\n" + "\n".join(self.lines)

    def after(self) -> tuple[list[str], list[bool]]:
        """Post-change lines of the hunk and whether each was added."""
        out, added = [], []
        for ln in self.lines:
            if ln.startswith("+"):
                out.append(ln[1:])
                added.append(True)
            elif ln.startswith(" ") or ln == "":
                out.append(ln[1:])
                added.append(False)
        return out, added


@dataclass
class FileChange:
    path: str
    origin: str                      # "diff", "tool" (a file write tool call), "message" (code block)
    hunks: list[Hunk] = field(default_factory=list)
    new_file: bool = False
    deleted: bool = False
    full_text: str | None = None     # whole new content when known (new file, write tool, code block)
    where: str = ""
    _trees: list | None = None

    @property
    def is_test(self) -> bool:
        return bool(TEST_PATH.search(self.path))

    @property
    def is_python(self) -> bool:
        return self.path.endswith(".py") or self.path == "<code>"

    def added(self) -> list[str]:
        """The lines this change adds (a fresh list each call; computed once)."""
        a = self.__dict__.get("_added")
        if a is None:
            if self.full_text is not None and not self.hunks:
                a = self.full_text.split("\n")
            else:
                a = [ln[1:] for h in self.hunks for ln in h.lines if ln[:1] == "+"]
            self.__dict__["_added"] = a
        return list(a)

    def removed(self) -> list[str]:
        return [ln[1:] for h in self.hunks for ln in h.lines if ln.startswith("-")]

    def evidence(self, lineno_hint: str | None = None) -> str:
        if self.hunks:
            if lineno_hint:
                for h in self.hunks:
                    if lineno_hint in "\n".join(h.lines):
                        return f"--- {self.path}\n{h.text()}"
            return f"--- {self.path}\n{self.hunks[0].text()}"
        return f"--- {self.path}\n{self.full_text or ''}"

    def trees(self) -> list[tuple[ast.AST, list[bool], str]]:
        """(tree, added-per-line, source) for each parseable piece; [] where nothing parses."""
        if self._trees is not None:
            return self._trees
        pieces: list[tuple[str, list[bool]]] = []
        if self.full_text is not None and (not self.hunks or self.new_file):
            text = self.full_text
            pieces.append((text, [True] * (text.count("\n") + 1)))
        else:
            for h in self.hunks:
                lines, added = h.after()
                if any(added):
                    pieces.append(("\n".join(lines), added))
        out = []
        for text, added in pieces:
            tree = _parse(text)
            if tree is None:
                # a hunk cut mid-block: try its added lines alone
                only = [ln for ln, a in zip(text.split("\n"), added) if a]
                tree = _parse("\n".join(only))
                if tree is not None:
                    text, added = "\n".join(only), [True] * len(only)
            if tree is not None:
                out.append((tree, added, text))
        self._trees = out
        return out

    def parsed(self) -> bool:
        return bool(self.trees())


def _parse(text: str):
    for candidate in (text, textwrap.dedent(text)):
        try:
            return ast.parse(candidate)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
    return None


def node_added(node: ast.AST, added: list[bool]) -> bool:
    """Does any line of this node come from the change (an added line)?"""
    a = getattr(node, "lineno", None)
    if a is None:
        return False
    b = getattr(node, "end_lineno", a) or a
    return any(added[i - 1] for i in range(a, min(b, len(added)) + 1))


_DIFF_FILE = re.compile(r"^diff --git a/(.*?) b/(.*)$")


def parse_diff(diff: str) -> list[FileChange]:
    """Parse a unified (git) diff into per-file changes. Tolerant of junk between files."""
    files: list[FileChange] = []
    cur: FileChange | None = None
    hunk: Hunk | None = None
    old_path = None
    for line in diff.split("\n"):
        m = _DIFF_FILE.match(line)
        if m:
            cur = FileChange(path=m.group(2), origin="diff", where=f"diff:{m.group(2)}")
            files.append(cur)
            hunk = None
            continue
        if line.startswith("--- ") and (hunk is None or not hunk.lines or _hunk_done(hunk)):
            old_path = line[4:].strip()
            hunk = None
            continue
        if line.startswith("+++ ") and hunk is None:
            new_path = line[4:].strip()
            path = new_path[2:] if new_path.startswith("b/") else new_path
            if new_path == "/dev/null":
                path = old_path[2:] if old_path and old_path.startswith("a/") else (old_path or "?")
            if cur is None or (cur.path != path and cur.hunks):
                cur = FileChange(path=path, origin="diff", where=f"diff:{path}")
                files.append(cur)
            cur.path = path
            cur.where = f"diff:{path}"
            if old_path == "/dev/null":
                cur.new_file = True
            if new_path == "/dev/null":
                cur.deleted = True
            continue
        if cur is None:
            continue
        if line.startswith("deleted file mode"):
            cur.deleted = True
        elif line.startswith("new file mode"):
            cur.new_file = True
        elif line.startswith("@@"):
            hunk = Hunk(header=line, lines=[])
            cur.hunks.append(hunk)
        elif hunk is not None and (line[:1] in ("+", "-", " ") or line == "" or line.startswith("\\")):
            if not line.startswith("\\"):
                hunk.lines.append(line)
    for f in files:
        if f.new_file:
            f.full_text = "\n".join(f.added())
    return files


def _hunk_done(h: Hunk) -> bool:
    m = re.match(r"@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@", h.header)
    if not m:
        return True
    old = int(m.group(1) or 1)
    new = int(m.group(2) or 1)
    o = sum(1 for ln in h.lines if ln[:1] in (" ", "-") or ln == "")
    n = sum(1 for ln in h.lines if ln[:1] in (" ", "+") or ln == "")
    return o >= old and n >= new


_HEREDOC_START = re.compile(r"<<-?\s*(['\"]?)(\w+)\1")
_REDIRECT = re.compile(r"(?:^|[\s;&|])(?:cat|tee)?\s*>>?\s*([^\s<;&|>]+)|\btee\s+(?:-a\s+)?([^\s<;&|>]+)")


def heredocs(cmd: str) -> list[tuple[str, str]]:
    """(path, content) for each `cat > FILE <<EOF ... EOF` (or `cat <<EOF > FILE`, `tee FILE <<EOF`).

    The body runs from the line after the `<<` to the first line that is exactly the terminator
    (leading tabs allowed for `<<-`), or to the end of the command when the terminator is missing.
    """
    out = []
    if "<<" not in cmd:
        return out
    pos = 0
    while True:
        m = _HEREDOC_START.search(cmd, pos)
        if not m:
            break
        line_start = cmd.rfind("\n", 0, m.start()) + 1
        nl = cmd.find("\n", m.end())
        line = cmd[line_start: nl if nl >= 0 else len(cmd)]
        if nl < 0:
            break
        term = m.group(2)
        body_start = nl + 1
        body_lines, end = [], len(cmd)
        i = body_start
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
        if path:
            out.append((path, "\n".join(body_lines) + "\n"))
        pos = end
    return out


_PATH_KEYS = ("path", "file_path", "filename", "file", "target_file")
_CONTENT_KEYS = ("content", "file_text", "new_str", "text", "contents", "code", "insert_text")
_FENCE = re.compile(r"```([A-Za-z0-9_+-]*)[ \t]*\n(.*?)```", re.S)


def _args(raw: str) -> dict | None:
    try:
        v = json.loads(raw)
    except (ValueError, TypeError):
        return None
    return v if isinstance(v, dict) else None


@dataclass
class Changes:
    files: list[FileChange]
    commands: list[tuple[str, str]]    # (command text, where)

    def new_paths(self) -> set[str]:
        """Paths the diff shows as new files (a tool write to one of them creates, not overwrites)."""
        return {f.path for f in self.files if f.origin == "diff" and f.new_file}


def collect(episode: Episode) -> Changes:
    """Every code change and shell command in an episode (diff, tool calls, code blocks)."""
    files: list[FileChange] = []
    commands: list[tuple[str, str]] = []
    if episode.diff:
        files.extend(parse_diff(episode.diff))
    for i, m in enumerate(episode.messages):
        if m.role != "assistant":
            continue
        for j, tc in enumerate(m.tool_calls):
            where = f"messages[{i}].tool_calls[{j}]"
            a = _args(tc.arguments)
            if a is None:
                if SHELL_TOOLS.search(tc.name):
                    commands.append((tc.arguments, where))
                continue
            path = next((a[k] for k in _PATH_KEYS if isinstance(a.get(k), str)), None)
            content = next((a[k] for k in _CONTENT_KEYS if isinstance(a.get(k), str)), None)
            if path and content is not None:
                old = a.get("old_str")
                fc = FileChange(path=path, origin="tool", full_text=content, where=where)
                if isinstance(old, str):  # str_replace: a one-hunk diff
                    fc.hunks = [Hunk("@@ str_replace @@", ["-" + x for x in old.split("\n")]
                                     + ["+" + x for x in content.split("\n")])]
                    fc.full_text = None
                files.append(fc)
            elif path and a.get("command") in ("delete", "remove", "rm"):
                files.append(FileChange(path=path, origin="tool", deleted=True, where=where))
            for k in ("command", "cmd", "code", "script", "input"):
                v = a.get(k)
                if isinstance(v, str) and (SHELL_TOOLS.search(tc.name) or k in ("command", "cmd")):
                    if not path:
                        commands.append((v, where))
                        for hp, body in heredocs(v):
                            files.append(FileChange(path=hp, origin="tool", full_text=body, where=where))
                    if k == "code" and not path:  # python tool
                        files.append(FileChange(path="<code>", origin="tool", full_text=v, where=where))
        if "```" in m.content:
            for blk in _FENCE.finditer(m.content):
                lang = blk.group(1).lower()
                if lang in ("python", "py", "python3", ""):
                    files.append(FileChange(path="<code>", origin="message", full_text=blk.group(2),
                                            where=f"messages[{i}].content"))
                elif lang in ("bash", "sh", "shell", "console"):
                    pass  # commands shown to the user are not actions
    return Changes(files=files, commands=commands)
