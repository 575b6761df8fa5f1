"""Test cases stated in the common code-test formats, read without running any of their code.

A second source of test inputs and expected outputs for `overopt probe` (the first is watching the
grader). Standard library only and self-contained: probe may embed this file's text in a submission
that searches a grader's files at grading time, so reading files survives a patched `builtins.open`
and `os` functions set to None, and nothing here imports overopt.

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
"""

import ast
import builtins
import io
import json
import re
import sys
from dataclasses import dataclass, field
from typing import Optional

__all__ = ["MISSING", "TestCase", "cases_from_data", "cases_from_text", "cases_in_paths"]


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


# ----------------------------------------------------------------------------------------------
# decoded data (JSON values, dataset rows)


def cases_from_data(obj, *, entry_point=None, origin=""):
    """Test cases in a decoded JSON value: a dataset row, a list of rows, or any value holding them."""
    out = []
    try:
        _walk(obj, entry_point, origin, out, 0)
    except (RecursionError, MemoryError):
        pass
    return _finish(out, entry_point)


def _walk(v, fn, where, out, depth):
    if depth > _MAX_DEPTH or len(out) > _MAX_CASES:
        return
    if isinstance(v, dict):
        _walk_dict(v, fn, where, out, depth)
    elif isinstance(v, (list, tuple)):
        if _is_case_list(v):
            for i, item in enumerate(v):
                _case_dict(item, fn, where, i, out)
            return
        for i, item in enumerate(v[:_MAX_CASES]):
            _walk(item, fn, "%s[%d]" % (where, i) if where else "[%d]" % i, out, depth + 1)
    elif isinstance(v, str):
        _walk_string(v, fn, where, out, depth)


def _walk_string(s, fn, where, out, depth):
    if len(s) > _MAX_TEXT:
        return
    decoded = _json_value(s)
    if decoded is not _NO:
        if isinstance(decoded, (dict, list)):
            _walk(decoded, fn, where, out, depth + 1)
        return
    if _looks_like_python_tests(s):
        n = len(out)
        out.extend(_python_cases(s, where or "<string>", fn, line_base=0, depth=depth + 1))
        if len(out) > n:
            return
    if ">>>" in s:
        out.extend(_doctest_cases(s, where or "<string>", fn))
    if _looks_like_examples(s):
        out.extend(_example_cases(s, where or "<string>", fn))


def _is_case_list(v):
    return bool(v) and all(isinstance(x, dict) and _case_keys(x) is not None for x in v[:50])


_IN_KEYS = ("input", "stdin", "input_str", "in", "args", "arguments", "inputs")
_OUT_KEYS = ("output", "expected_output", "expected", "stdout", "out", "answer", "want", "result", "outputs")


_NOT_CASE_KEYS = frozenset(("model", "object", "status", "role", "content", "messages", "usage", "choices"))


def _case_keys(d):
    if len(d) > 6 or any(k in d for k in _NOT_CASE_KEYS):  # an API record or message, not a test case
        return None
    ik = next((k for k in _IN_KEYS if k in d), None)
    ok = next((k for k in _OUT_KEYS if k in d), None)
    if ik is None or ok is None:
        return None
    if ik == "inputs" and ok == "outputs":  # an APPS row, not one case
        return None
    return ik, ok


def _walk_dict(d, fn, where, out, depth):
    fn = _fn_of(d, fn)
    used = set()
    sub = (lambda k: _sub(where, k))
    # APPS / TACO: input_output is a JSON string of {"inputs", "outputs", "fn_name"?}
    if "input_output" in d:
        io_ = d["input_output"]
        if isinstance(io_, str):
            io_ = _json_value(io_)
        if isinstance(io_, dict):
            _apps(io_, _fn_of(io_, fn), sub("input_output"), out)
            used.add("input_output")
    # APPS / PRIME / TACO row: "inputs" and "outputs" lists (PRIME stores each as JSON text)
    if isinstance(d.get("inputs"), list) and isinstance(d.get("outputs"), list):
        _apps(d, fn, where, out)
        used.update(("inputs", "outputs"))
    # CodeContests: {"input": [stdin, ...], "output": [stdout, ...]}
    if (isinstance(d.get("input"), list) and isinstance(d.get("output"), list)
            and len(d["input"]) == len(d["output"]) and all(isinstance(x, str) for x in d["input"] + d["output"])
            and not fn):
        for i, (a, b) in enumerate(zip(d["input"], d["output"])):
            out.append(_stdio_case(a, b, _origin(where, "stdin case %d" % i)))
        used.update(("input", "output"))
    # LiveCodeBench: public/private_test_cases are JSON strings of [{"input","output","testtype"}]
    for key in ("public_test_cases", "private_test_cases"):
        if key in d:
            tests = _lcb_tests(d[key])
            for i, t in enumerate(tests):
                _case_dict(t, fn, sub(key), i, out, fmt="LiveCodeBench")
            used.add(key)
    # EvalPlus: base_input / plus_input are argument lists only (expected computed by the harness)
    for key in ("base_input", "plus_input"):
        if isinstance(d.get(key), list):
            for i, a in enumerate(d[key][:_MAX_CASES]):
                args = tuple(a) if isinstance(a, (list, tuple)) else (a,)
                out.append(_call_case(args, {}, MISSING, fn, _origin(sub(key), "EvalPlus input %d" % i)))
            used.add(key)
    # one test case dict: {"input": ..., "output": ..., "type"/"testtype": ...}
    if not used and _case_keys(d) is not None:
        _case_dict(d, fn, where, None, out)
        return
    rest = [(k, v) for k, v in d.items() if isinstance(k, str) and k not in used and k not in _SKIP_KEYS]
    for k, v in sorted(rest, key=lambda kv: isinstance(kv[1], str)):  # structured values before free text
        _walk(v, fn, sub(k), out, depth + 1)


def _apps(d, fn, where, out):
    """APPS/TACO (values already decoded) and verl PRIME / LiveCodeBench evaluation samples (JSON text).

    Call-based when fn_name is set: PRIME and LiveCodeBench's testing_util decode each input as one JSON
    value per line (the arguments) and each output with json.loads. APPS's own rows hold decoded lists,
    with every output wrapped in a one-element list (its grader compares against out and out[0]).
    Standard input otherwise: input text -> expected stdout text (a list of lines is joined).
    """
    inputs, outputs = d.get("inputs"), d.get("outputs")
    if not isinstance(inputs, list) or not isinstance(outputs, list):
        return
    fn = d.get("fn_name") if isinstance(d.get("fn_name"), str) else fn
    call = isinstance(d.get("fn_name"), str) or (fn is not None and not all(isinstance(x, str) for x in inputs))
    n = min(len(inputs), len(outputs), _MAX_CASES)
    if not call:
        for i in range(n):
            a, b = _stdio_text(inputs[i]), _stdio_text(outputs[i])
            if a is not _NO and b is not _NO:
                out.append(_stdio_case(a, b, _origin(where, "APPS/PRIME stdin case %d" % i)))
        return
    decoded = []
    for i in range(n):
        args = _decode_args(inputs[i])
        o = outputs[i]
        exp = _decode_scalar(o) if isinstance(o, str) else o
        if exp is _NO:
            exp = o
        decoded.append((args, exp, isinstance(o, str)))
    # APPS convention: decoded (non-text) outputs are [value]; unwrap when every one is a 1-element list
    unwrap = bool(decoded) and all(not was_text and isinstance(e, list) and len(e) == 1 for _, e, was_text in decoded)
    for i, (args, exp, _) in enumerate(decoded):
        if args is _NO:
            continue
        if unwrap:
            exp = exp[0]
        out.append(_call_case(args, {}, exp, fn, _origin(where, "APPS/PRIME call case %d" % i)))


def _lcb_tests(v):
    """LiveCodeBench test list: JSON text, or base64(zlib(pickle(JSON text))) for private cases."""
    if isinstance(v, list):
        return [t for t in v if isinstance(t, dict)]
    if not isinstance(v, str) or not v.strip():
        return []
    got = _json_value(v)
    if got is _NO:
        got = _unpack_lcb_private(v)
    if isinstance(got, dict):
        got = [got]
    return [t for t in got if isinstance(t, dict)] if isinstance(got, list) else []


class _NoGlobals(Exception):
    pass


def _unpack_lcb_private(text, limit=64_000_000):
    """Decode LiveCodeBench's compressed private cases, building nothing but plain str/bytes."""
    try:
        import base64
        import pickle
        import zlib

        raw = base64.b64decode(text.strip().encode("ascii"), validate=False)
        z = zlib.decompressobj()
        data = z.decompress(raw, limit)
        if z.unconsumed_tail:
            return _NO  # larger than we accept

        class PlainUnpickler(pickle.Unpickler):
            def find_class(self, module, name):  # no class, function or global of any kind
                raise _NoGlobals("%s.%s" % (module, name))

            def persistent_load(self, pid):
                raise _NoGlobals("persistent id")

        obj = PlainUnpickler(io.BytesIO(data)).load()
    except Exception:
        return _NO
    if isinstance(obj, (bytes, bytearray)):
        obj = bytes(obj).decode("utf-8", "replace")
    if isinstance(obj, str):
        try:
            return json.loads(obj)
        except ValueError:
            return _NO
    return _NO


def _case_dict(d, fn, where, index, out, fmt=None):
    """One {input, output[, type|testtype]} dict: LiveCodeBench Test, open-r1 test_cases item, and alike.

    LiveCodeBench: testtype "stdin" or "functional" (input = one JSON value per line, output JSON).
    open-r1 verification_info: type "stdin_stdout" (input text -> stdout text).
    """
    keys = _case_keys(d)
    if keys is None:
        return
    fn = _fn_of(d, fn)
    inp, exp = d[keys[0]], d[keys[1]]
    typ = str(d.get("testtype") or d.get("type") or "").lower()
    tag = fmt or ("open-r1/test_cases" if "type" in d else "test case")
    label = _origin(where, "%s %s" % (tag, index) if index is not None else tag)
    stdio_type = typ.startswith("stdin") or typ in ("stdio", "io", "standard_input", "standard_io")
    call_type = "function" in typ or "call" in typ
    if not call_type and (stdio_type or (isinstance(inp, str) and fn is None)):
        a, b = _stdio_text(inp), _stdio_text(exp)
        if a is not _NO and b is not _NO and (stdio_type or not _is_prose(a.splitlines()[:20])):
            out.append(_stdio_case(a, b, label))  # untyped: not a prompt/response pair of prose
        return
    if isinstance(inp, dict) and inp and all(isinstance(k, str) and k.isidentifier() for k in inp):
        out.append(_call_case((), inp, exp, fn, label))
        return
    args = _decode_args(inp)
    if args is _NO:
        a, b = _stdio_text(inp), _stdio_text(exp)
        if a is not _NO and b is not _NO and not call_type:
            out.append(_stdio_case(a, b, label))
        return
    if isinstance(inp, str) and isinstance(exp, str):
        e = _decode_scalar(exp)
        exp = exp if e is _NO else e
    out.append(_call_case(args, {}, exp, fn, label))


# ----------------------------------------------------------------------------------------------
# text: JSON, JSONL, Python, problem statements


def cases_from_text(text, *, filename="", entry_point=None):
    """Test cases in a file's text or a string: JSON/JSONL rows, Python tests, or I/O examples."""
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8", "replace")
    if not isinstance(text, str) or len(text) > _MAX_TEXT:
        return []
    out = []
    try:
        _text_cases(text, filename, entry_point, out)
    except (RecursionError, MemoryError):
        pass
    return _finish(out, entry_point)


def _text_cases(text, filename, fn, out):
    name = filename.lower()
    where = filename or "<text>"
    stripped = text.lstrip()
    if name.endswith((".json", ".jsonl", ".ndjson")) or stripped[:1] in ("{", "["):
        data = _json_value(text)
        if data is not _NO:
            _walk(data, fn, where, out, 0)
            return
        rows = _jsonl_rows(text)
        if rows:
            for lineno, row in rows:
                _walk(row, fn, "%s:%d" % (where, lineno), out, 0)
            return
        if name.endswith((".json", ".jsonl", ".ndjson")):
            return
    if name.endswith((".py", ".pyi")) or (not name.endswith((".txt", ".md", ".rst", ".html"))
                                          and _looks_like_python_tests(text)):
        got = _python_cases(text, where, fn, line_base=0, depth=0)
        if got or name.endswith((".py", ".pyi")):
            out.extend(got)
            return
    for start, block in _fenced_python(text):
        if _looks_like_python_tests(block):
            out.extend(_python_cases(block, where, fn, line_base=start, depth=1))
    if _looks_like_examples(text):
        out.extend(_example_cases(text, where, fn))


def _jsonl_rows(text):
    """(line number, value) of a JSON-lines text; a few malformed lines are skipped, not the whole file."""
    rows, bad = [], 0
    for i, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if not s:
            continue
        v = _json_value(s)
        if v is _NO:
            bad += 1
            continue
        rows.append((i, v))
    return rows if len(rows) > bad else []


def _fenced_python(text):
    """(line offset, code) of ```python fenced blocks in markdown-like text."""
    found = []
    for m in re.finditer(r"^```[ \t]*(?:python|py|python3)[ \t]*\n(.*?)^```", text, re.S | re.M | re.I):
        found.append((text.count("\n", 0, m.start(1)), m.group(1)))
    return found


def _parse(text, mode="exec"):
    """ast.parse without the SyntaxWarnings (invalid escapes...) newer Pythons print for other people's code."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text, mode=mode)


def _looks_like_python_tests(s):
    return ("assert" in s or "parametrize" in s) and ("(" in s)


# ----------------------------------------------------------------------------------------------
# Python test code (pytest, unittest, HumanEval/EvalPlus check(candidate), MBPP test_list)


class _Scope:
    """What one walk over Python statements knows."""

    def __init__(self, where, fn, line_base, depth):
        self.where = where
        self.fn = fn  # the entry point, when known
        self.line_base = line_base
        self.depth = depth
        self.candidates = {"candidate"}  # parameter names that stand for the function under test
        self.candidate_fn = fn
        self.out = []
        self.used_names = set()  # module tables consumed by a loop / parametrize / call
        self.feeds_stdin = True  # the code may feed a program a literal stdin


def _python_cases(text, where, fn, line_base, depth):
    if depth > 3:
        return []
    try:
        tree = _parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return _assert_lines(text, where, fn, line_base, depth)
    sc = _Scope(where, fn, line_base, depth)
    sc.feeds_stdin = any(w in text for w in ("input=", "communicate", "StringIO", "BytesIO"))
    _find_candidates(tree, sc)
    env = _module_env(tree.body)
    _walk_stmts(tree.body, dict(env), {}, sc, module=True)
    _defs(tree.body, env, sc)
    _tables(tree.body, env, sc)
    _embedded_strings(tree, sc)
    return sc.out


def _assert_lines(text, where, fn, line_base, depth):
    """Code that does not parse as a whole: parse its one-line `assert` statements one by one."""
    sc = _Scope(where, fn, line_base, depth)
    for i, line in enumerate(text.splitlines()):
        s = line.strip()
        if not s.startswith("assert"):
            continue
        try:
            tree = _parse(s)
        except (SyntaxError, ValueError):
            continue
        sc.line_base = line_base + i
        _walk_stmts(tree.body, {}, {}, sc, module=True)
    return sc.out


def _find_candidates(tree, sc):
    """HumanEval: `def check(candidate)` + `check(entry_point)`; the parameter stands for the function."""
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == "check" and node.args.args:
            sc.candidates.add(node.args.args[0].arg)
        if (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name)
                and node.value.func.id == "check" and len(node.value.args) == 1
                and isinstance(node.value.args[0], ast.Name) and sc.candidate_fn is None):
            sc.candidate_fn = node.value.args[0].id


def _module_env(body):
    env = {}
    for node in body:
        _assign_env(node, env)
    return env


def _assign_env(node, env):
    if isinstance(node, ast.Assign):
        val = _value(node.value, env)
        for t in node.targets:
            if val is _NO:
                _unbind(t, env)
            elif not _bind(t, val, env):
                _unbind(t, env)
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        val = _value(node.value, env)
        if val is _NO or not _bind(node.target, val, env):
            _unbind(node.target, env)


def _bind(target, val, env):
    if isinstance(target, ast.Name):
        env[target.id] = val
        return True
    if isinstance(target, (ast.Tuple, ast.List)):
        if not isinstance(val, (list, tuple)) or len(val) != len(target.elts):
            return False
        if any(isinstance(e, ast.Starred) for e in target.elts):
            return False
        return all(_bind(t, v, env) for t, v in zip(target.elts, val))
    return False


def _unbind(target, env):
    for n in ast.walk(target):
        if isinstance(n, ast.Name):
            env.pop(n.id, None)


def _line(node, sc):
    return sc.line_base + getattr(node, "lineno", 0)


def _where(node, sc, what):
    return "%s:%d: %s" % (sc.where, _line(node, sc), what)


def _defs(body, env, sc):
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            rows = _parametrize_rows(node, env, sc)
            if rows is None:
                fenv = dict(env)
                for a in node.args.args + node.args.kwonlyargs:
                    fenv.pop(a.arg, None)
                _walk_stmts(node.body, fenv, {}, sc, module=False)
            else:
                for i, row in enumerate(rows[:_MAX_ITER]):
                    fenv = dict(env)
                    fenv.update(row)
                    _walk_stmts(node.body, fenv, {}, sc, module=False, note="parametrize row %d" % i)
            _defs([n for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))],
                  env, sc)
        elif isinstance(node, ast.ClassDef):
            cenv = dict(env)
            for n in node.body:
                _assign_env(n, cenv)
            _defs(node.body, cenv, sc)


def _parametrize_rows(fn_node, env, sc):
    """Rows ({param: value}) of the pytest.mark.parametrize decorators; None when there are none we can read."""
    tables = []
    for dec in fn_node.decorator_list:
        if not (isinstance(dec, ast.Call) and _dotted(dec.func).endswith("parametrize")):
            continue
        kw = {k.arg: k.value for k in dec.keywords if k.arg}
        names_node = dec.args[0] if dec.args else kw.get("argnames")
        values_node = dec.args[1] if len(dec.args) > 1 else kw.get("argvalues")
        if names_node is None or values_node is None:
            return None
        names = _value(names_node, env)
        if isinstance(names, str):
            names = [n.strip() for n in names.split(",") if n.strip()]
        if not isinstance(names, (list, tuple)) or not names or not all(isinstance(n, str) for n in names):
            return None
        if isinstance(values_node, ast.Name):
            sc.used_names.add(values_node.id)
        rows = _param_values(values_node, env)
        if rows is _NO:
            return None  # values we cannot read: walk the body with the parameters unbound
        table = []
        for row in rows[:_MAX_ITER]:
            if len(names) == 1:
                table.append({names[0]: row})
            elif isinstance(row, (list, tuple)) and len(row) == len(names):
                table.append(dict(zip(names, row)))
        tables.append(table)
    if not tables:
        return None
    rows = [{}]
    for table in tables:  # stacked decorators: every combination
        rows = [dict(a, **b) for a in rows for b in table][:_MAX_ITER]
    return rows


def _param_values(node, env):
    if isinstance(node, (ast.List, ast.Tuple)):
        vals = []
        for elt in node.elts:
            if isinstance(elt, ast.Call) and _dotted(elt.func).endswith("param"):  # pytest.param(a, b, id=..)
                v = [_value(a, env) for a in elt.args]
                if any(x is _NO for x in v):
                    continue
                vals.append(tuple(v) if len(v) != 1 else v[0])
            else:
                v = _value(elt, env)
                if v is not _NO:
                    vals.append(v)
        return vals
    v = _value(node, env)
    if isinstance(v, dict):
        v = list(v.items())
    return list(v) if isinstance(v, (list, tuple)) else _NO


def _walk_stmts(stmts, env, calls, sc, module, note=None, stdin=None):
    """Walk statements in order, keeping literal bindings (env) and `name = f(...)` results (calls)."""
    state = {"stdin": stdin}
    for node in stmts:
        if len(sc.out) > _MAX_CASES:
            return
        if not module and sc.feeds_stdin:
            _note_stdin(node, env, state)
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            value = node.value
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            call = _candidate_call(value, sc) if value is not None else None
            if call is not None and len(targets) == 1 and isinstance(targets[0], ast.Name):
                calls[targets[0].id] = value
                env.pop(targets[0].id, None)
            else:
                for t in targets:
                    for n in ast.walk(t):
                        if isinstance(n, ast.Name):
                            calls.pop(n.id, None)
                if not module:  # module-level bindings were collected beforehand
                    _assign_env(node, env)
        elif isinstance(node, (ast.AugAssign, ast.Delete)):
            for t in (node.targets if isinstance(node, ast.Delete) else [node.target]):
                _unbind(t, env)
                _unbind(t, calls)
        elif isinstance(node, ast.Assert):
            _assert(node.test, node, env, calls, sc, note, state)
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            _assert_call(node.value, node, env, calls, sc, note, state)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            _loop(node, env, calls, sc, module, note, state)
        elif isinstance(node, (ast.If, ast.While)):
            _walk_stmts(node.body, env, calls, sc, module, note, state["stdin"])
            _walk_stmts(node.orelse, env, calls, sc, module, note, state["stdin"])
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            _walk_stmts(node.body, env, calls, sc, module, note, state["stdin"])
        elif isinstance(node, ast.Try):
            for part in (node.body, node.orelse, node.finalbody):
                _walk_stmts(part, env, calls, sc, module, note, state["stdin"])


def _loop(node, env, calls, sc, module, note, state):
    names = {n.id for n in ast.walk(node.iter) if isinstance(n, ast.Name)}
    before = len(sc.out)
    _loop_body(node, env, calls, sc, module, note, state)
    if len(sc.out) > before:   # the loop's asserts gave the cases; else the table is read as a plain table
        sc.used_names |= names


def _loop_body(node, env, calls, sc, module, note, state):
    items = _value(node.iter, env)
    if isinstance(items, dict):
        items = list(items)
    if isinstance(items, (list, tuple, set, frozenset)):
        for i, item in enumerate(list(items)[:_MAX_ITER]):
            lenv = dict(env)
            if _bind(node.target, item, lenv):
                _walk_stmts(node.body, lenv, dict(calls), sc, module=False,
                            note=(note + ", " if note else "") + "loop item %d" % i, stdin=state["stdin"])
        return
    lenv = dict(env)
    _unbind(node.target, lenv)
    _walk_stmts(node.body, lenv, dict(calls), sc, module=False, note=note, stdin=state["stdin"])


def _dotted(node):
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    elif isinstance(node, ast.Call):
        parts.append(_dotted(node.func) + "()")
    return ".".join(reversed(parts))


def _callee(call, sc):
    """(function name, identified?) of a call that may be the function under test, else None."""
    f = call.func
    if isinstance(f, ast.Name):
        if f.id in sc.candidates:
            return (sc.candidate_fn, True)
        if sc.fn is not None and f.id == sc.fn:
            return (f.id, True)
        if f.id in _BUILTIN_NAMES or f.id.startswith("assert") or f.id in _EQ_METHODS or f.id in (
                "approx", "check", "main", "run", "check_output"):
            return None
        return (f.id, False)
    if isinstance(f, ast.Attribute):
        if sc.fn is not None and f.attr == sc.fn:
            return (f.attr, True)
        root = f.value
        while isinstance(root, ast.Attribute):
            root = root.value
        if isinstance(root, ast.Call):
            root = root.func
        if isinstance(root, ast.Constant) or (isinstance(root, ast.Name) and root.id in _MODULE_ROOTS):
            return None
        if f.attr.startswith(("assert", "_")) or f.attr in _METHOD_NAMES or f.attr in _EQ_METHODS:
            return None
        if f.attr in ("run", "communicate", "check_output", "readouterr", "getvalue", "call", "invoke"):
            return None
        return (f.attr, False)
    return None


def _candidate_call(node, sc):
    if isinstance(node, ast.Call):
        return _callee(node, sc)
    return None


def _call_args(call, env):
    args, kwargs = [], {}
    for a in call.args:
        if isinstance(a, ast.Starred):
            v = _value(a.value, env)
            if not isinstance(v, (list, tuple)):
                return _NO
            args.extend(v)
        else:
            v = _value(a, env)
            if v is _NO:
                return _NO
            args.append(v)
    for k in call.keywords:
        v = _value(k.value, env)
        if v is _NO:
            return _NO
        if k.arg is None:
            if not isinstance(v, dict):
                return _NO
            kwargs.update(v)
        else:
            kwargs[k.arg] = v
    return tuple(args), kwargs


def _emit_call(call, expected, node, env, sc, note, what):
    who = _callee(call, sc)
    if who is None:
        return False
    fn, identified = who
    if not identified and (expected is MISSING or not (call.args or call.keywords)):
        return False  # an unnamed function called with no arguments is a getter, not the function under test
    got = _call_args(call, env)
    if got is _NO:
        return False
    label = _where(node, sc, what + (" (%s)" % note if note else ""))
    sc.out.append(_call_case(got[0], got[1], expected, fn, label))
    return True


def _as_call(node, calls, sc):
    """The call to the function under test that an expression stands for (directly or via a result name)."""
    if isinstance(node, ast.Call) and _callee(node, sc) is not None:
        return node
    if isinstance(node, ast.Name) and node.id in calls:
        return calls[node.id]
    return None


def _assert(test, node, env, calls, sc, note, state):
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        for v in test.values:
            _assert(v, node, env, calls, sc, note, state)
        return
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        left, op, right = test.left, test.ops[0], test.comparators[0]
        if isinstance(op, (ast.Eq, ast.Is)):
            for side, other in ((left, right), (right, left)):
                call = _as_call(side, calls, sc)
                if call is not None and _as_call(other, calls, sc) is None:
                    exp = _value(other, env)
                    if isinstance(op, ast.Is) and exp not in (True, False, None):
                        exp = _NO
                    if exp is not _NO:
                        _emit_call(call, exp, node, env, sc, note, "assert ==")
                    else:
                        _emit_call(call, MISSING, node, env, sc, note, "assert (inputs only)")
                    return
            if state["stdin"] is not None and _stdio_assert(left, right, node, env, calls, sc, note, state):
                return
        if isinstance(op, (ast.Lt, ast.LtE)):  # abs(f(x) - y) < tol
            got = _abs_diff(left, calls, sc)
            if got is not None:
                call, other = got
                exp = _value(other, env)
                _emit_call(call, MISSING if exp is _NO else exp, node, env, sc, note, "assert abs(f(x) - y) < tol")
                return
    if isinstance(test, ast.Call):
        name = _dotted(test.func).rsplit(".", 1)[-1]
        if name in ("isclose", "allclose") and len(test.args) >= 2:
            _pair(test.args[0], test.args[1], node, env, calls, sc, note, name)
            return
        call = _as_call(test, calls, sc)
        if call is not None:  # assert f(x): expected True
            _emit_call(call, True, node, env, sc, note, "assert f(...)")
            return
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        call = _as_call(test.operand, calls, sc)
        if call is not None:  # assert not f(x): expected False
            _emit_call(call, False, node, env, sc, note, "assert not f(...)")
            return
    for n in ast.walk(test):  # any other assert on the function: its inputs at least
        if isinstance(n, ast.Call):
            call = _as_call(n, calls, sc)
            if call is not None:
                _emit_call(call, MISSING, node, env, sc, note, "assert (inputs only)")
                return


def _abs_diff(node, calls, sc):
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "abs"
            and len(node.args) == 1 and isinstance(node.args[0], ast.BinOp) and isinstance(node.args[0].op, ast.Sub)):
        a, b = node.args[0].left, node.args[0].right
        for side, other in ((a, b), (b, a)):
            call = _as_call(side, calls, sc)
            if call is not None:
                return call, other
    return None


def _pair(a, b, node, env, calls, sc, note, what):
    for side, other in ((a, b), (b, a)):
        call = _as_call(side, calls, sc)
        if call is not None and _as_call(other, calls, sc) is None:
            exp = _value(other, env)
            _emit_call(call, MISSING if exp is _NO else exp, node, env, sc, note, what)
            return True
    return False


def _assert_call(call, node, env, calls, sc, note, state):
    """unittest / numpy / EvalPlus assertion helpers used as statements."""
    name = _dotted(call.func).rsplit(".", 1)[-1]
    if name in _EQ_METHODS and len(call.args) >= 2:
        if not _pair(call.args[0], call.args[1], node, env, calls, sc, note, name) and state["stdin"] is not None:
            _stdio_assert(call.args[0], call.args[1], node, env, calls, sc, note, state)
    elif name in ("assertTrue", "assertFalse", "assertIsNone", "assertIsNotNone") and call.args:
        target = _as_call(call.args[0], calls, sc)
        if target is not None:
            exp = {"assertTrue": True, "assertFalse": False, "assertIsNone": None}.get(name, MISSING)
            _emit_call(target, exp, node, env, sc, note, name)
    elif name in ("assertIs",) and len(call.args) >= 2:
        _pair(call.args[0], call.args[1], node, env, calls, sc, note, name)


def _note_stdin(node, env, state):
    """A literal stdin a test feeds a program: run(..., input=s), communicate(s), StringIO(s)."""
    for n in ast.walk(node):
        if not isinstance(n, ast.Call):
            continue
        name = _dotted(n.func).rsplit(".", 1)[-1]
        cand = None
        for k in n.keywords:
            if k.arg == "input":
                cand = k.value
        if cand is None and name in ("communicate", "StringIO", "BytesIO") and n.args:
            cand = n.args[0]
        if cand is None:
            continue
        v = _value(cand, env)
        if isinstance(v, bytes):
            v = v.decode("utf-8", "replace")
        if isinstance(v, str):
            state["stdin"] = v


def _stdio_assert(a, b, node, env, calls, sc, note, state):
    """`assert <program output> == "text"` after the test fed the program a literal stdin."""
    for side, other in ((a, b), (b, a)):
        exp = _value(other, env)
        if isinstance(exp, bytes):
            exp = exp.decode("utf-8", "replace")
        if not isinstance(exp, str) or _value(side, env) is not _NO:
            continue
        if any(isinstance(n, ast.Call) and _callee(n, sc) is not None and _callee(n, sc)[1] for n in ast.walk(side)):
            continue
        label = _where(node, sc, "program stdin/stdout" + (" (%s)" % note if note else ""))
        sc.out.append(_stdio_case(state["stdin"], exp, label))
        return True
    return False


_TABLE_WORDS = frozenset(("case", "cases", "test", "tests", "example", "examples", "sample", "samples", "expected",
                          "pairs", "io", "testcases", "testdata"))


def _table_name(name):
    return any(part in _TABLE_WORDS for part in name.lower().strip("_").split("_"))


def _tables(body, env, sc):
    """Module-level literal tables nobody loops over: rows, [(args, expected)], {input: output}."""
    for node in body:
        if not isinstance(node, (ast.Assign, ast.AnnAssign)):
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for t in targets:
            if not isinstance(t, ast.Name) or t.id in sc.used_names or not _table_name(t.id):
                continue
            val = env.get(t.id, _NO)
            if val is _NO:
                continue
            where = "%s:%d: %s" % (sc.where, _line(node, sc), t.id)
            n = len(sc.out)
            if isinstance(val, (dict, list)):
                _walk(val, sc.fn, where, sc.out, sc.depth + 1)
            if len(sc.out) > n:
                continue
            pairs = list(val.items()) if isinstance(val, dict) else val
            if not isinstance(pairs, (list, tuple)):
                continue
            for i, item in enumerate(list(pairs)[:_MAX_ITER]):
                if isinstance(item, (list, tuple)) and len(item) == 2:
                    args, exp = item
                    args = tuple(args) if isinstance(args, tuple) else (args,)
                    sc.out.append(_call_case(args, {}, exp, sc.fn, "%s row %d" % (where, i)))


def _embedded_strings(tree, sc):
    """String constants holding rows as JSON, test code, or I/O examples (docstrings included)."""
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)) or len(node.value) < 8:
            continue
        s = node.value
        where = "%s:%d" % (sc.where, _line(node, sc))
        data = _json_value(s)
        if data is not _NO:
            if isinstance(data, (dict, list)):
                _walk(data, sc.fn, where + " (JSON string)", sc.out, sc.depth + 1)
            continue
        if (_looks_like_python_tests(s) and "\n" in s.strip()) or s.lstrip().startswith("assert "):
            got = _python_cases(s, where + " (code string)", sc.fn, line_base=0, depth=sc.depth + 1)
            if got:
                sc.out.extend(got)
                continue
        if ">>>" in s:
            sc.out.extend(_doctest_cases(s, where, sc.fn))
        if _looks_like_examples(s):
            sc.out.extend(_example_cases(s, where, sc.fn))


def _doctest_cases(s, where, fn):
    """`>>> f(args)` followed by its printed result (HumanEval prompts, docstrings)."""
    try:
        import doctest
        examples = doctest.DocTestParser().get_examples(s)
    except Exception:
        return []
    sc = _Scope(where, fn, 0, 0)
    first = s.count("\n", 0, max(s.find(">>>"), 0))
    for ex in examples[:_MAX_ITER]:
        want = ex.want.strip()
        if not want or "Traceback" in want:
            continue
        try:
            node = _parse(ex.source.strip(), "eval").body
        except (SyntaxError, ValueError):
            continue
        lines = [ln for ln in want.splitlines() if ln.strip() not in ('"""', "'''")]
        exp = _decode_scalar("\n".join(lines)) if lines else _NO
        if exp is _NO and len(lines) > 1:
            exp = _decode_scalar(lines[0])
        if not isinstance(node, ast.Call) or exp is _NO:
            continue
        holder = ast.Expr(value=node)
        holder.lineno = first + ex.lineno + 1
        _emit_call(node, exp, holder, {}, sc, None, "doctest")
    return sc.out


# ---- a tiny evaluator for literal expressions (never calls anything but pure builtins on plain data)

_PURE_CALLS = {
    "float": float, "int": int, "str": str, "bool": bool, "complex": complex, "tuple": tuple, "list": list,
    "set": set, "frozenset": frozenset, "dict": dict, "bytes": bytes, "zip": lambda *a: list(zip(*a)),
    "enumerate": lambda *a: list(enumerate(*a)), "reversed": lambda a: list(reversed(a)), "sorted": sorted,
    "abs": abs, "min": min, "max": max, "sum": sum, "len": len, "chr": chr, "ord": ord, "round": round,
}
_STR_METHODS = ("strip", "lstrip", "rstrip", "join", "split", "splitlines", "replace", "lower", "upper",
                "encode", "decode")
_PLAIN = (type(None), bool, int, float, complex, str, bytes, list, tuple, set, frozenset, dict)
_BINOPS = {
    ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b, ast.FloorDiv: lambda a, b: a // b, ast.Mod: lambda a, b: a % b,
}


def _plain(v, depth=0):
    if depth > 50:
        return False
    if isinstance(v, (list, tuple, set, frozenset)):
        return all(_plain(x, depth + 1) for x in v)
    if isinstance(v, dict):
        return all(_plain(k, depth + 1) and _plain(x, depth + 1) for k, x in v.items())
    return type(v) in _PLAIN


def _size_ok(v):
    return not isinstance(v, (str, bytes, list, tuple)) or len(v) <= 1_000_000


def _value(node, env):
    """The plain value an expression denotes, from literals and bound names only; else _NO."""
    try:
        v = _eval(node, env, 0)
    except Exception:
        return _NO
    return v


def _eval(node, env, depth):
    if depth > 60:
        return _NO
    if isinstance(node, ast.Constant):
        return _NO if node.value is Ellipsis else node.value
    if isinstance(node, ast.Name):
        if node.id in env:
            return env[node.id]
        return _NO
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        items = []
        for e in node.elts:
            if isinstance(e, ast.Starred):
                v = _eval(e.value, env, depth + 1)
                if not isinstance(v, (list, tuple, set, frozenset, str)):
                    return _NO
                items.extend(v)
                continue
            v = _eval(e, env, depth + 1)
            if v is _NO:
                return _NO
            items.append(v)
        if isinstance(node, ast.List):
            return items
        return tuple(items) if isinstance(node, ast.Tuple) else set(items)
    if isinstance(node, ast.Dict):
        d = {}
        for k, v in zip(node.keys, node.values):
            vv = _eval(v, env, depth + 1)
            if vv is _NO:
                return _NO
            if k is None:
                if not isinstance(vv, dict):
                    return _NO
                d.update(vv)
                continue
            kk = _eval(k, env, depth + 1)
            if kk is _NO:
                return _NO
            d[kk] = vv
        return d
    if isinstance(node, ast.UnaryOp):
        v = _eval(node.operand, env, depth + 1)
        if v is _NO:
            return _NO
        if isinstance(node.op, ast.USub) and isinstance(v, (int, float, complex)):
            return -v
        if isinstance(node.op, ast.UAdd) and isinstance(v, (int, float, complex)):
            return +v
        if isinstance(node.op, ast.Not):
            return not v
        return _NO
    if isinstance(node, ast.BinOp):
        a, b = _eval(node.left, env, depth + 1), _eval(node.right, env, depth + 1)
        if a is _NO or b is _NO:
            return _NO
        if isinstance(node.op, ast.Pow):
            if isinstance(a, (int, float)) and isinstance(b, (int, float)) and abs(b) <= 128 and abs(a) <= 1e6:
                return a ** b
            return _NO
        if isinstance(node.op, ast.Mult) and (isinstance(a, (str, bytes, list, tuple)) or
                                             isinstance(b, (str, bytes, list, tuple))):
            n = b if isinstance(b, int) else a
            seq = a if isinstance(b, int) else b
            if not isinstance(n, int) or len(seq) * max(n, 0) > 1_000_000:
                return _NO
        op = _BINOPS.get(type(node.op))
        if op is None:
            return _NO
        v = op(a, b)
        return v if _size_ok(v) else _NO
    if isinstance(node, ast.Subscript):
        base = _eval(node.value, env, depth + 1)
        sl = node.slice
        if type(sl).__name__ == "Index":  # Python 3.8
            sl = sl.value
        if base is _NO or isinstance(sl, ast.Slice):
            return _NO
        key = _eval(sl, env, depth + 1)
        if key is _NO:
            return _NO
        return base[key]
    if isinstance(node, ast.Attribute):
        if isinstance(node.value, ast.Name) and node.value.id == "math":
            import math
            v = {"inf": math.inf, "pi": math.pi, "e": math.e, "nan": math.nan}.get(node.attr, _NO)
            return v
        return _NO
    if isinstance(node, ast.Call):
        return _eval_call(node, env, depth)
    return _NO


def _eval_call(node, env, depth):
    f = node.func
    name = _dotted(f)
    if name.endswith("approx") and node.args:  # pytest.approx(y): y
        return _eval(node.args[0], env, depth + 1)
    if name in ("textwrap.dedent", "dedent") and len(node.args) == 1:
        import textwrap
        v = _eval(node.args[0], env, depth + 1)
        return textwrap.dedent(v) if isinstance(v, str) else _NO
    args = [_eval(a, env, depth + 1) for a in node.args]
    if any(a is _NO for a in args) or node.keywords and name != "dict":
        return _NO
    kwargs = {}
    for k in node.keywords:
        v = _eval(k.value, env, depth + 1)
        if v is _NO or k.arg is None:
            return _NO
        kwargs[k.arg] = v
    if not all(_plain(a) for a in args) or not all(_plain(v) for v in kwargs.values()):
        return _NO
    if isinstance(f, ast.Name) and f.id in _PURE_CALLS and f.id not in env:
        if f.id == "bytes" and args and isinstance(args[0], int):  # bytes(n) allocates n bytes
            return _NO
        v = _PURE_CALLS[f.id](*args, **kwargs)
        return v if _plain(v) and _size_ok(v) else _NO
    if isinstance(f, ast.Name) and f.id == "range" and all(isinstance(a, int) for a in args):
        r = range(*args)
        return list(r) if len(r) <= _MAX_ITER else _NO
    if isinstance(f, ast.Attribute):
        if f.attr in ("items", "keys", "values") and not args:
            base = _eval(f.value, env, depth + 1)
            if isinstance(base, dict):
                return list(getattr(base, f.attr)())
            return _NO
        if f.attr in _STR_METHODS:
            base = _eval(f.value, env, depth + 1)
            if isinstance(base, (str, bytes)):
                grow = max([len(a) for a in args if isinstance(a, (str, bytes))] + [1])
                if f.attr == "join" and args and isinstance(args[0], (list, tuple)):
                    grow = len(args[0]) + 1
                if len(base) * grow > 1_000_000:  # replace/join could build a huge string
                    return _NO
                v = getattr(base, f.attr)(*args)
                return v if _plain(v) and _size_ok(v) else _NO
    return _NO


# ----------------------------------------------------------------------------------------------
# input/output examples in problem statements ("Sample Input 1" ... "Sample Output 1")

_HEADER = re.compile(
    r"^(?:(?P<pre>sample|example)s?\s*)?(?:test\s*)?(?:case\s*)?(?P<kind>input|output)s?"
    r"(?:\s*(?:#|no\.?)?\s*\d+)?\s*(?:[:：]\s*(?P<rest>.*))?$", re.I)
_STOP = re.compile(r"^(?:explanation|note|notes|constraints?|hint|examples?|samples?|output format|input format"
                   r"|follow[- ]up|sample explanation)\b", re.I)


def _looks_like_examples(s):
    low = s[:200_000].lower()
    return "input" in low and "output" in low


def _header(line):
    """('input'|'output', same-line data or None) when the line is a data header, else None."""
    raw = line.strip()
    if not raw or len(raw) > 120:
        return None
    dashed = raw.startswith("-") or raw.endswith("-")
    s = raw.strip("#*>-=_ \t`")
    if s.endswith("**"):
        s = s[:-2]
    m = _HEADER.match(s.replace("**", "").strip())
    if not m:
        return None
    if dashed and not m.group("pre"):  # APPS "-----Input-----" introduces the format, not data
        return None
    rest = m.group("rest")
    return m.group("kind").lower(), (rest.strip() if rest and rest.strip() else None)


def _is_prose(lines):
    for ln in lines:
        words = re.findall(r"[A-Za-z]{3,}", ln)
        if len(words) >= 5 and ln.strip().endswith((".", ":", ";")):
            return True
        if len(words) >= 8:
            return True
    return False


def _example_cases(text, where, fn):
    lines = text.splitlines()
    blocks = []  # (kind, lines, lineno)
    i = 0
    while i < len(lines):
        h = _header(lines[i])
        if h is None:
            i += 1
            continue
        kind, rest = h
        start = i
        i += 1
        body = []
        if rest is not None:
            body.append(rest)
            while i < len(lines) and lines[i].strip() and _header(lines[i]) is None \
                    and not _STOP.match(lines[i].strip()):
                body.append(lines[i])
                i += 1
        else:
            skipped = 0
            while i < len(lines) and not lines[i].strip() and skipped < 2:
                i += 1
                skipped += 1
            if i < len(lines) and lines[i].strip().startswith("```"):
                i += 1
                while i < len(lines) and not lines[i].strip().startswith("```"):
                    body.append(lines[i])
                    i += 1
                i += 1
            else:
                while i < len(lines) and lines[i].strip() and _header(lines[i]) is None \
                        and not _STOP.match(lines[i].strip()):
                    body.append(lines[i])
                    i += 1
        if body:
            blocks.append((kind, body, start + 1))
    out, pending = [], None
    for kind, body, lineno in blocks:
        if kind == "input":
            pending = None if _is_prose(body) else (body, lineno)
            continue
        if pending is None or _is_prose(body):
            pending = None
            continue
        inp, ln = pending
        pending = None
        label = "%s:%d: input/output example" % (where, ln)
        call = _keyword_call(inp, body)
        if call is not None:
            out.append(_call_case((), call[0], call[1], fn, label))
            continue
        if fn is not None and len(inp) == 1 and len(body) == 1:  # "Input: [1, 2]" of a function task
            a, e = _decode_scalar(inp[0].strip()), _decode_scalar(body[0].strip())
            if a is not _NO and e is not _NO:
                out.append(_call_case((a,), {}, e, fn, label))
                continue
        out.append(_stdio_case("\n".join(x.rstrip() for x in inp) + "\n",
                               "\n".join(x.rstrip() for x in body) + "\n", label))
    return out


def _keyword_call(inp, outp):
    """LeetCode-style 'Input: nums = [2,7], target = 9' / 'Output: [0,1]' -> (kwargs, expected)."""
    if len(inp) != 1 or len(outp) != 1 or not re.match(r"^\s*[A-Za-z_]\w*\s*=", inp[0]):
        return None
    try:
        call = _parse("f(%s)" % inp[0].strip(), "eval").body
    except (SyntaxError, ValueError):
        return None
    if call.args or not call.keywords:
        return None
    kwargs = {}
    for k in call.keywords:
        v = _value(k.value, {})
        if v is _NO or k.arg is None:
            return None
        kwargs[k.arg] = v
    exp = _decode_scalar(outp[0].strip())
    if exp is _NO:
        return None
    return kwargs, exp


# ----------------------------------------------------------------------------------------------
# files and folders


def cases_in_paths(paths, *, entry_point=None, limit_files=300, max_bytes=2_000_000):
    """Test cases in these files and folders (walked, hidden and cache folders skipped).

    Reads with the io module captured at import (a grader may patch builtins.open) and treats every os
    function as possibly disabled; a file it cannot read or that is larger than max_bytes is skipped.
    """
    if isinstance(paths, (str, bytes)) or hasattr(paths, "__fspath__"):
        paths = [paths]
    files = []
    for p in paths:
        p = _fspath(p)
        if p is None:
            continue
        _collect(p, files, limit_files, 0)
        if len(files) >= limit_files:
            break
    out = []
    pairs = {}
    for path in files[:limit_files]:
        name = _basename(path).lower()
        ext = _split_ext(name)[1]
        if ext in (".in", ".out", ".ans", ".expected") or re.match(r"^(input|output)[-_]?\d*\.txt$", name):
            pairs[path] = None
            continue
        text = _read_text(path, max_bytes)
        if text is None:
            continue
        try:
            _text_cases(text, path, entry_point, out)
        except (RecursionError, MemoryError):
            continue
        if len(out) > _MAX_CASES:
            break
    _io_pairs(list(pairs), max_bytes, out)
    return _finish(out, entry_point)


def _fspath(p):
    try:
        p = p.__fspath__() if hasattr(p, "__fspath__") else p
        if isinstance(p, bytes):
            p = p.decode("utf-8", "replace")
        return p if isinstance(p, str) and p else None
    except Exception:
        return None


def _basename(path):
    return path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


def _split_ext(name):
    if "." in name[1:]:
        stem, ext = name.rsplit(".", 1)
        return stem, "." + ext
    return name, ""


def _join(a, b):
    return a + b if a.endswith("/") else a + "/" + b


_SKIP_DIRS = frozenset((".git", "__pycache__", "node_modules", ".venv", "venv", "site-packages", "dist-packages",
                        ".tox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".hg", ".svn", ".idea", ".eggs"))
_TEXT_EXT = frozenset((".py", ".json", ".jsonl", ".ndjson", ".txt", ".md", ".in", ".out", ".ans", ".expected"))


def _os_fn(name):
    """os.<name>, or the same function from the posix/nt module when a grader set os.<name> to None."""
    for modname in ("os", "posix", "nt"):
        mod = sys.modules.get(modname)
        if mod is None:
            try:
                mod = __import__(modname)
            except Exception:
                continue
        f = getattr(mod, name, None)
        if callable(f):
            return f
    return None


def _listdir(path):
    for getter in ("scandir", "listdir"):
        f = _os_fn(getter)
        if f is None:
            continue
        try:
            if getter == "scandir":
                with f(path) as it:
                    return sorted((e.name, e.is_dir(follow_symlinks=False)) for e in it)
            return sorted((n, _isdir(_join(path, n))) for n in f(path))
        except Exception:
            continue
    return None


def _isdir(path):
    st = _os_fn("stat")
    if st is None:
        return False
    try:
        return (st(path).st_mode & 0o170000) == 0o040000
    except Exception:
        return False


def _collect(path, files, limit, depth):
    if len(files) >= limit or depth > 8:
        return
    entries = _listdir(path) if (depth > 0 or _isdir(path)) else None
    if entries is None:
        if depth == 0:
            files.append(path)
        return
    for name, is_dir in entries:
        if len(files) >= limit:
            return
        full = _join(path, name)
        if is_dir:
            if name.startswith(".") or name in _SKIP_DIRS or name.endswith(".egg-info"):
                continue
            _collect(full, files, limit, depth + 1)
        elif _split_ext(name.lower())[1] in _TEXT_EXT and not name.startswith("."):
            files.append(full)


_OPENERS = []
for _mod in ("_io", "io"):
    try:
        _OPENERS.append(__import__(_mod).open)
    except Exception:
        pass


def _read_text(path, max_bytes):
    """The file's text, or None when it is unreadable, binary or larger than max_bytes."""
    data = None
    for opener in _OPENERS + [getattr(builtins, "open", None)]:
        if opener is None:
            continue
        try:
            with opener(path, "rb") as fh:
                data = fh.read(max_bytes + 1)
            if not isinstance(data, (bytes, bytearray)):
                data = None
                continue
            break
        except Exception:
            data = None
    if data is None:
        data = _read_raw(path, max_bytes)
    if data is None or len(data) > max_bytes or b"\x00" in data[:8192]:
        return None
    return bytes(data).decode("utf-8", "replace")


def _read_raw(path, max_bytes):
    op, rd, cl = _os_fn("open"), _os_fn("read"), _os_fn("close")
    if op is None or rd is None:
        return None
    try:
        fd = op(path, 0)
    except Exception:
        return None
    try:
        chunks, total = [], 0
        while total <= max_bytes:
            b = rd(fd, 1 << 16)
            if not b:
                break
            chunks.append(b)
            total += len(b)
        return b"".join(chunks)
    except Exception:
        return None
    finally:
        if cl is not None:
            try:
                cl(fd)
            except Exception:
                pass


def _io_pairs(paths, max_bytes, out):
    """Competitive-programming test folders: X.in with X.out / X.ans, inputN.txt with outputN.txt."""
    by_key = {}
    for p in paths:
        d, name = (p.rsplit("/", 1) + [""])[:2] if "/" in p else ("", p)
        low = name.lower()
        m = re.match(r"^(input|output)([-_]?\d*)\.txt$", low)
        if m:
            key, role = (d, "io" + m.group(2)), ("in" if m.group(1) == "input" else "out")
        else:
            stem, ext = _split_ext(low)
            key, role = (d, stem), ("in" if ext == ".in" else "out")
        by_key.setdefault(key, {})[role] = p
    for key in sorted(by_key):
        got = by_key[key]
        if "in" not in got or "out" not in got:
            continue
        a, b = _read_text(got["in"], max_bytes), _read_text(got["out"], max_bytes)
        if a is None or b is None:
            continue
        out.append(_stdio_case(a, b, "%s + %s: stdin/stdout files" % (got["in"], _basename(got["out"]))))


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
