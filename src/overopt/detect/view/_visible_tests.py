"""Tests the model could see in a piece of text: assert runs, `check`/`test_*` bodies, `if f(x) == y: print("PASS")`
checks, failure reports, JSON cases and Input/Output examples."""

from __future__ import annotations

import json
import re

from overopt.detect.view._records import CodeBlock

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
