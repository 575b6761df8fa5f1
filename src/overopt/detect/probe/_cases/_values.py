"""Test cases stated in the common code-test formats, read without running any of their code.

A second source of test inputs and expected outputs for `overopt probe` (the first is watching the
grader). Standard library only and self-contained: the parts import nothing but the standard library and
each other, and probe embeds their text, joined in order (`embedded_source()`), in a submission that
searches a grader's files at grading time, so reading files survives a patched `builtins.open` and `os`
functions set to None.

Formats, each parser following the real loader named beside it:
- APPS / TACO / verl PRIME rows: `inputs`/`outputs`/`fn_name`, or APPS's `input_output` JSON string.
- LiveCodeBench rows: `public_test_cases`/`private_test_cases`, `metadata.func_name`.
- open-r1 `verification_info`: `test_cases` of `{input, output, type}`.
- EvalPlus / HumanEval / MBPP: `test` (`def check(candidate)`), `base_input`/`plus_input`, `test_list`.
- pytest and unittest files or strings: equality asserts on a call, parametrize tables, loops over
  literal tables, programs run on a literal stdin.
- literal tables (`CASES = [((args), expected), ...]`, dicts of input -> output), JSON and JSONL files
  holding any of these, Python files that embed rows as JSON strings, and input/output examples in
  problem statements.

Values are decoded with json and ast.literal_eval only (plus a tiny folder for constant arithmetic and
pure str methods); LiveCodeBench's compressed private cases go through an unpickler that builds no
object other than plain str/bytes.

This part: the TestCase type, limits and names, small decoders, and de-duplication.
"""

import ast
import builtins
import json
from dataclasses import dataclass, field
from typing import Optional


class _Missing:
    """The expected output is not stated in the source (an inputs-only format)."""

    __slots__ = ()

    def __repr__(self):
        return "MISSING"

    def __bool__(self):
        return False

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        return "MISSING"


MISSING = _Missing()


@dataclass
class TestCase:
    """One test: call arguments (kind "call") or a stdin text (kind "stdio"), and the expected output."""

    __test__ = False  # not a pytest test class

    kind: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    stdin: Optional[str] = None
    expected: object = MISSING
    fn_name: Optional[str] = None
    origin: str = ""


_NO = object()  # "could not decode this value"
_MAX_CASES = 20000
_MAX_DEPTH = 14
_MAX_TEXT = 5_000_000  # characters of one string we are willing to parse
_MAX_ITER = 2000  # elements of one loop / parametrize table we expand
_BUILTIN_NAMES = frozenset(dir(builtins))
_METHOD_NAMES = frozenset(dir(str)) | frozenset(dir(list)) | frozenset(dir(dict)) | frozenset(dir(set))
_MODULE_ROOTS = frozenset((
    "os", "sys", "math", "cmath", "np", "numpy", "json", "re", "pytest", "subprocess", "io", "random",
    "itertools", "functools", "collections", "pd", "pandas", "torch", "time", "shutil", "pathlib", "Path",
    "string", "textwrap", "decimal", "fractions", "statistics", "unittest", "mock", "importlib", "inspect",
    "capsys", "capfd", "monkeypatch", "tmp_path", "logging", "ast", "copy", "heapq", "bisect", "operator",
))
_EQ_METHODS = frozenset((
    "assertEqual", "assertEquals", "assertAlmostEqual", "assertAlmostEquals", "assertListEqual",
    "assertTupleEqual", "assertDictEqual", "assertSequenceEqual", "assertSetEqual", "assertMultiLineEqual",
    "assert_equal", "assert_array_equal", "assert_allclose", "assert_almost_equal", "assert_array_almost_equal",
    "assertion", "isclose", "allclose", "assert_close", "assert_frame_equal", "assert_series_equal",
))
_SKIP_KEYS = frozenset((
    "solutions", "solution", "canonical_solution", "completion", "completions", "response", "responses",
    "generation", "generations", "code", "code_list", "output_list", "starter_code", "prompt_code",
))
_FN_KEYS = ("fn_name", "entry_point", "func_name", "function_name", "method_name")


# ----------------------------------------------------------------------------------------------
# small helpers


def _origin(where, what):
    return (where + ": " + what) if where else what


def _json_value(text):
    """json.loads of a string that looks like a JSON container, else _NO."""
    if not isinstance(text, str) or len(text) > _MAX_TEXT:
        return _NO
    s = text.strip()
    if not s or s[0] not in "[{":
        return _NO
    try:
        return json.loads(s)
    except (ValueError, RecursionError):
        return _NO


def _decode_scalar(text):
    """A JSON (or Python literal) value written as text, else _NO."""
    try:
        return json.loads(text)
    except (ValueError, TypeError, RecursionError):
        pass
    try:
        return ast.literal_eval(text.strip())
    except Exception:
        return _NO


def _decode_args(inp):
    """Call arguments as PRIME / LiveCodeBench store them: one JSON value per line; or a list of args."""
    if isinstance(inp, str):
        lines = [ln for ln in inp.split("\n")]
        while lines and not lines[-1].strip():
            lines.pop()
        if not lines:
            return _NO
        args = []
        for ln in lines:
            v = _decode_scalar(ln)
            if v is _NO:
                return _NO
            args.append(v)
        return tuple(args)
    if isinstance(inp, (list, tuple)):
        return tuple(inp)
    return (inp,)


def _stdio_text(v):
    """stdin / stdout text from a string, or from a list of lines."""
    if isinstance(v, str):
        return v
    if isinstance(v, (list, tuple)) and all(isinstance(x, str) for x in v):
        return "\n".join(v)
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return str(v)
    return _NO


def _norm_text(s):
    return "\n".join(line.rstrip() for line in s.strip().splitlines())


def _key_repr(v):
    try:
        return repr(v)
    except Exception:
        return "<%s>" % type(v).__name__


def _sub(where, key):
    """'file.json' + 'input_output' -> 'file.json input_output'; then dotted: 'f.json a.b'."""
    if not where:
        return key
    tail = where.replace("\\", "/").rsplit("/", 1)[-1]
    return "%s%s%s" % (where, "." if " " in tail else " ", key)


def _fn_of(d, fn):
    """The function name a row states, else the inherited one.

    Looked up in the row (fn_name, entry_point, ...) and in its metadata (LiveCodeBench: a JSON string
    holding func_name), extra_info (verl rows) or test_info (KodCode: a list of {function_name}).
    """
    for holder in (d, d.get("metadata"), d.get("extra_info"), d.get("test_info")):
        if isinstance(holder, str):
            holder = _json_value(holder)
        if isinstance(holder, list) and holder:
            holder = holder[0]
        if not isinstance(holder, dict):
            continue
        for k in _FN_KEYS:
            v = holder.get(k)
            if isinstance(v, str) and v.strip().isidentifier():
                return v.strip()
    return fn


def _call_case(args, kwargs, expected, fn, origin):
    return TestCase(kind="call", args=tuple(args), kwargs=dict(kwargs or {}), expected=expected,
                    fn_name=fn, origin=origin)


def _stdio_case(stdin, expected, origin):
    if isinstance(stdin, bytes):
        stdin = stdin.decode("utf-8", "replace")
    if isinstance(expected, bytes):
        expected = expected.decode("utf-8", "replace")
    return TestCase(kind="stdio", stdin=stdin, expected=expected, origin=origin)


def _parse(text, mode="exec"):
    """ast.parse without the SyntaxWarnings (invalid escapes...) newer Pythons print for other people's code."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text, mode=mode)


# ----------------------------------------------------------------------------------------------
# de-duplication


def _finish(cases, entry_point):
    """Drop duplicates, other functions' cases (when entry_point is given), and inputs-only cases
    whose input also appears with an expected value."""
    kept, seen, with_expected = [], set(), set()
    for c in cases:
        if c.kind == "call" and entry_point and c.fn_name and c.fn_name != entry_point \
                and not c.fn_name.endswith("." + entry_point):
            continue
        ikey = _input_key(c)
        if c.expected is MISSING:
            ekey = "MISSING"
        elif c.kind == "stdio" and isinstance(c.expected, str):
            ekey = _norm_text(c.expected)
        else:
            ekey = _key_repr(c.expected)
        key = (ikey, c.fn_name, ekey)
        if key in seen:
            continue
        seen.add(key)
        kept.append(c)
        if c.expected is not MISSING:
            with_expected.add(ikey)
    return [c for c in kept if c.expected is not MISSING or _input_key(c) not in with_expected]


def _input_key(c):
    if c.kind == "stdio":
        return ("stdio", _norm_text(c.stdin or ""))
    return ("call", _key_repr(c.args), _key_repr(sorted(c.kwargs.items(), key=lambda kv: str(kv[0]))))
