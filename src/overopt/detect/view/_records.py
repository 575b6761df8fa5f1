"""The view's records: text segments, code blocks, commands and test runs."""

from __future__ import annotations

from dataclasses import dataclass


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
