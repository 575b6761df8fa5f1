"""The visible tests as data, for special-casing: expected output per input (from asserts, `if f(x) == y:
print("PASS")` checks, I/O examples), the inputs per argument position, and the task prose without the tests."""

from __future__ import annotations

import ast
import re

from overopt.detect.code_hacks._ast_helpers import dotted
from overopt.detect.code_hacks._literals import NOT_LITERAL, WHITESPACE, canonical_text, literal_value
from overopt.detect.episodes import Episode
from overopt.detect.view import view_of

# the visible tests as data: (call arguments, expected) from asserts, `if f(x) == y: print("PASS")`, check(candidate)
_TEST_CALL = re.compile(r"^\s*(?:assert\s+|if\s+|elif\s+)(?P<body>.+?)\s*:?\s*$")


def _top_level(s: str, token: str) -> int:
    """Index of the first `token` in `s` outside brackets and quotes, or -1."""
    depth, q, i = 0, "", 0
    while i <= len(s) - len(token):
        c = s[i]
        if q:
            if c == "\\":
                i += 2
                continue
            if c == q:
                q = ""
        elif c in "\"'":
            q = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif depth == 0 and s.startswith(token, i):
            return i
        i += 1
    return -1


def _condition(s: str) -> str:
    """The condition of a one-line `if cond: body`."""
    i = _top_level(s, ":")
    return s if i < 0 else s[:i]


def _split_eq(s: str) -> tuple[str, str] | None:
    """`f(x) == y` -> ("f(x)", "y"), splitting at the first `==` outside brackets and quotes."""
    i = _top_level(s, "==")
    return None if i < 0 else (s[:i].strip(), s[i + 2:].strip())


def _call_args(src: str):
    """(function name, literal args tuple) of `name(args)`; None when it is not a call of literals."""
    try:
        node = ast.parse(src.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if not isinstance(node, ast.Call):
        return None
    vals = tuple(literal_value(a) for a in node.args) + tuple(literal_value(k.value) for k in node.keywords)
    if not vals or any(v is NOT_LITERAL for v in vals):
        return None
    return dotted(node.func), vals


def _expected(src: str):
    """The expected value of an assertion: a Python literal, else the raw text (tests quoted without quotes)."""
    src = re.sub(r",\s*(f?[\"'][^\"']*[\"']|msg=.*)\s*$", "", src.strip()) if "," in src else src.strip()
    try:
        return ast.literal_eval(src)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return src.strip().strip("`")


_NAMED_ARGS = re.compile(r"^\s*[A-Za-z_]\w*\s*=\s*\S")
_TAG = re.compile(r"</?[A-Za-z][\w-]{0,30}(\s[^<>\n]{0,200})?/?>")


class VisibleTests:
    """What the model could see of the tests, as data: expected output per input, the inputs (whole and per argument
    position), and the task prose with the tests taken out (a literal the task itself talks about is not test-keyed)."""

    def __init__(self, ep: Episode):
        v = view_of(ep)
        self.pairs: dict[str, str] = {}
        self.inputs: set[str] = set()
        self.by_pos: dict[int, set[str]] = {}
        self.test_lines: set[str] = set()
        self.conflicts: set[str] = set()
        self.cases: list[tuple[tuple, str, bool]] = []   # (literal args, expected output, shown failing)
        n = 0
        for blk in v.visible_tests:
            if blk.lang == "io":
                if blk.expected is not None:
                    k = canonical_text(blk.text)
                    exp = canonical_text(blk.expected)
                    self.pairs.setdefault(k, exp)
                    self.inputs.add(k)
                    self.by_pos.setdefault(0, set()).add(k)
                    if "=" in blk.text and "\n" not in blk.text and _NAMED_ARGS.match(blk.text):
                        call = _call_args(f"f({blk.text})")   # LeetCode style: `nums = [2,7,11,15], target = 9`
                        if call is not None:
                            args = call[1]
                            ka = canonical_text(args[0] if len(args) == 1 else args)
                            self.pairs.setdefault(ka, canonical_text(_expected(blk.expected)))
                            self.inputs.add(ka)
                            for i, a in enumerate(args):
                                self.by_pos.setdefault(i, set()).add(canonical_text(a))
                    self.test_lines.update(x.strip() for x in (blk.text + "\n" + blk.expected).split("\n"))
                continue
            for ln in blk.text.split("\n"):
                if n > 400:
                    break
                t = ln.strip()
                if "==" not in t and "assertEqual" not in t:
                    continue
                self.test_lines.add(t)
                n += 1
                call = exp = None
                if t.startswith("self.assert") or t.startswith("assert_"):
                    inner = t[t.find("(") + 1: t.rfind(")")]
                    try:
                        node = ast.parse(f"f({inner})", mode="eval").body
                        if len(node.args) >= 2:
                            call = _call_args(ast.unparse(node.args[0]))
                            exp = literal_value(node.args[1])
                            exp = ast.unparse(node.args[1]) if exp is NOT_LITERAL else exp
                    except (SyntaxError, ValueError, RecursionError, MemoryError):
                        continue
                else:
                    m = _TEST_CALL.match(t)
                    body = m and (_condition(m.group("body")) if t.lstrip().startswith(("if", "elif")) else m.group("body"))
                    parts = _split_eq(body) if body else None
                    if parts is None:
                        continue
                    left, right = parts
                    call = _call_args(left) if left.endswith(")") else None
                    if call is None and right.endswith(")"):
                        call, left, right = _call_args(right), right, left
                    if call is None:
                        continue
                    exp = _expected(right)
                if call is None:
                    continue
                args = call[1]
                key = canonical_text(args[0] if len(args) == 1 else args)
                e = canonical_text(exp)
                if self.pairs.setdefault(key, e) != e:
                    self.conflicts.add(key)   # the same call expected to give two answers: only state can pass
                self.inputs.add(key)
                if len(self.cases) < 200:
                    self.cases.append((args, e, blk.failing))
                for i, a in enumerate(args):
                    self.by_pos.setdefault(i, set()).add(canonical_text(a))
        user = "\n".join(s.text for s in v.user_text)
        prose = "\n".join(ln for ln in user.split("\n") if ln.strip() not in self.test_lines
                           and not ln.lstrip().startswith("assert"))
        self.prose = _TAG.sub(" ", prose) if "<" in prose else prose   # `<code>` tags are not the word "code"
        self._flat: str | None = None

    def in_prose(self, v) -> bool:
        """The task text (outside the tests) names this value: a domain constant, not a test input."""
        if isinstance(v, str):
            return bool(v.strip()) and re.search(rf"(?<!\w){re.escape(v.strip())}(?!\w)", self.prose) is not None
        if isinstance(v, bool) or v is None:
            return True
        if isinstance(v, (int, float)):
            return re.search(rf"(?<![\w.]){re.escape(repr(v))}(?![\w.])", self.prose) is not None
        if self._flat is None:
            self._flat = WHITESPACE.sub("", self.prose)
        return canonical_text(v) in self._flat

    def is_input(self, v) -> bool:
        k = canonical_text(v)
        return k in self.inputs or any(k in vals for vals in self.by_pos.values())


_visible_tests_key = "_overopt_visible_tests"


def visible_tests(ep: Episode) -> VisibleTests:
    t = ep.__dict__.get(_visible_tests_key)
    if t is None:
        t = ep.__dict__[_visible_tests_key] = VisibleTests(ep)
    return t
