"""Walking decoded data (JSON values, dataset rows) and texts (JSON, JSONL, Python, problem statements)."""

import ast
import re

if __package__:  # within overopt; embedded in a submission, the parts share one namespace
    from ._values import (MISSING, _MAX_CASES, _MAX_DEPTH, _MAX_ITER, _MAX_TEXT, _NO, _SKIP_KEYS, _call_case, _finish,
        _fn_of, _json_value, _origin, _parse, _stdio_case, _sub)
    from ._asserts import _line
    from ._python import _Scope, _assert_lines, _defs, _doctest_cases, _find_candidates, _module_env, _walk_stmts
    from ._examples import _example_cases, _looks_like_examples
    from ._rows import _apps, _case_dict, _case_keys, _is_case_list, _lcb_tests


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


def _looks_like_python_tests(s):
    return ("assert" in s or "parametrize" in s) and ("(" in s)


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
