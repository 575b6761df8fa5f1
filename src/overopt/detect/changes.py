"""What an episode changed in code: unified diff hunks, tool-call file writes, shell commands.

Read from the episode's normalized view (`overopt.detect.view`): its written and executed code blocks, whatever
format or tool they came from; quoted code is left out. Code detectors look at `FileChange`s. For each one they get
the added lines, the removed lines and, where it parses, the AST of the post-change text (a new file's whole text, or
each hunk's "after" side: context plus added lines), with a map back to which lines were added, so a rule only fires
on what the episode itself wrote.
"""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass, field

from overopt.detect.episodes import Episode
from overopt.detect.view import TEST_PATH, CodeBlock, view_of
from overopt.detect.view import heredocs as view_heredocs

GRADER_PATH = re.compile(r"(^|/)[^/]*(grader|grade|scorer|score|evaluat|judge|checker|verif)[^/]*\.(py|sh|json)$", re.I)


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
    index: int = -1                  # message index (-1: the episode's final diff)
    created: bool = False            # this write creates the file (editor `create`)
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


def heredocs(cmd: str) -> list[tuple[str, str]]:
    """(path, content) for each `cat > FILE <<EOF ... EOF` (or `cat <<EOF > FILE`, `tee FILE <<EOF`).

    The body runs from the line after the `<<` to the first line that is exactly the terminator
    (leading tabs allowed for `<<-`), or to the end of the command when the terminator is missing.
    A here-document fed to a program (`python3 - <<EOF`) is not a file write.
    """
    return [(p, b) for p, b in view_heredocs(cmd) if p]


@dataclass
class Changes:
    files: list[FileChange]
    commands: list[tuple[str, str]]    # (command text, where)

    _episode: Episode | None = None
    _mentions: list[tuple[int, str]] | None = None

    def _mention_at(self) -> list[tuple[int, str]]:
        """(message index, text) of what the episode showed before: user text, tool outputs, commands that ran."""
        if self._mentions is None:
            v = view_of(self._episode) if self._episode is not None else None
            self._mentions = [] if v is None else (
                [(s.index, s.text) for s in v.user_text] + [(s.index, s.text) for s in v.tool_output]
                + [(c.index, c.text) for c in v.commands if c.output is not None])
        return self._mentions

    def new_paths(self) -> set[str]:
        """Paths the diff shows as new files (a tool write to one of them creates, not overwrites)."""
        return {f.path for f in self.files if f.origin == "diff" and f.new_file}

    def created_by_episode(self, fc: FileChange | str) -> bool:
        """The episode itself created this file: the diff shows it as new, or (without a diff entry) the first write to
        it is a whole-file write or `create` to a path that nothing in the episode mentioned before. Later edits of such
        a file (an agent's own scratch test) are not tampering with the project's tests."""
        path = fc if isinstance(fc, str) else fc.path
        for f in self.files:
            if f.origin == "diff" and same_path(f.path, path):
                return f.new_file   # the final diff knows: new, or an existing file modified
        first = None
        for f in self.files:
            if f.origin != "diff" and same_path(f.path, path):
                first = f
                break
        if first is None or first.deleted or not (first.created or first.new_file or
                                                  (first.full_text is not None and not first.hunks)):
            return False
        base = first.path.rsplit("/", 1)[-1]
        return not any(i < first.index and base in text for i, text in self._mention_at())


def same_path(a: str, b: str) -> bool:
    """`/testbed/tests/test_x.py` and `tests/test_x.py` name the same file (one is a path suffix of the other)."""
    if a == b:
        return True
    a, b = a.lstrip("./"), b.lstrip("./")
    if len(a) < len(b):
        a, b = b, a
    return a == b or a.endswith("/" + b)


def _origin(where: str, origin: str) -> str:
    if origin == "executed":
        return "exec"
    if ".tool_calls[" in where or ".calls[" in where or where.endswith(".action"):
        return "tool"
    return "message"


def _from_patch(block: CodeBlock, origin: str) -> FileChange:
    """A FileChange from a patch block of the view (unified hunks, `new file mode`/`deleted file mode` markers)."""
    path = block.path or "?"
    fc = FileChange(path=path, origin=origin, where=f"diff:{path}" if origin == "diff" else block.where)
    text = block.text
    head, sep, rest = text.partition("@@")
    fc.new_file = "new file mode" in head
    fc.deleted = "deleted file mode" in head
    if sep:
        for k, chunk in enumerate(rest.split("\n@@")):
            header, _, body = chunk.partition("\n")
            lines = body.split("\n")
            if "\n\\" in body or body.startswith("\\"):
                lines = [ln for ln in lines if not ln.startswith("\\")]
            fc.hunks.append(Hunk(header="@@" + header, lines=lines))
    if fc.new_file:
        fc.full_text = "\n".join(fc.added())
    return fc


_PYTHONISH = re.compile(r"^\s*(def |class |import |from \w|if |for |while |return\b|print\(|@\w|\w+\s*=)", re.M)


def collect(episode: Episode) -> Changes:
    """Every code change and shell command in an episode, read from its normalized view: the diff, files written by
    tool calls (any tool name), heredocs, patches, `<file path=...>` blocks and code blocks of the answer. Code the
    model only quoted (in its reasoning, from the prompt, or as an example it rejects) is not a change."""
    files: list[FileChange] = []
    commands: list[tuple[str, str]] = []
    diff_files = []
    for b in view_of(episode).code:
        if b.origin == "quoted":
            continue
        if b.index < 0:
            diff_files.append(_from_patch(b, "diff"))
            continue
        if b.origin == "executed" and b.lang == "bash":
            commands.append((b.text, b.where))
            continue
        origin = _origin(b.where, b.origin)
        if b.lang == "diff":
            fc = _from_patch(b, origin)
        elif b.path:
            fc = FileChange(path=b.path, origin=origin, full_text=b.text, where=b.where, created=b.created)
        elif b.lang in ("python", "") and (b.lang or _PYTHONISH.search(b.text)):
            fc = FileChange(path="<code>", origin=origin, full_text=b.text, where=b.where)
        else:
            continue
        fc.index = b.index
        files.append(fc)
    ch = Changes(files=diff_files + files, commands=commands)
    ch._episode = episode
    return ch
