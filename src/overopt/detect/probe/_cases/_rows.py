"""Dataset rows: APPS / TACO / verl PRIME, LiveCodeBench (public and compressed private cases) and
{input, output} case dicts."""

import io
import json

if __package__:  # within overopt; embedded in a submission, the parts share one namespace
    from ._values import (_MAX_CASES, _NO, _call_case, _decode_args, _decode_scalar, _fn_of, _json_value, _origin,
        _stdio_case, _stdio_text)
    from ._examples import _is_prose


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
