"""A tiny evaluator for literal expressions: it never calls anything but pure builtins on plain data."""

import ast

if __package__:  # within overopt; embedded in a submission, the parts share one namespace
    from ._values import _MAX_ITER, _NO


def _dotted(node):
    """The dotted name of an expression, e.g. `a.b.c` (a call in the chain reads `f()`)."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    elif isinstance(node, ast.Call):
        parts.append(_dotted(node.func) + "()")
    return ".".join(reversed(parts))


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
        return _eval_collection(node, env, depth)
    if isinstance(node, ast.Dict):
        return _eval_dict(node, env, depth)
    if isinstance(node, ast.UnaryOp):
        return _eval_unary(node, env, depth)
    if isinstance(node, ast.BinOp):
        return _eval_binop(node, env, depth)
    if isinstance(node, ast.Subscript):
        return _eval_subscript(node, env, depth)
    if isinstance(node, ast.Attribute):
        if isinstance(node.value, ast.Name) and node.value.id == "math":
            import math
            v = {"inf": math.inf, "pi": math.pi, "e": math.e, "nan": math.nan}.get(node.attr, _NO)
            return v
        return _NO
    if isinstance(node, ast.Call):
        return _eval_call(node, env, depth)
    return _NO


def _eval_collection(node, env, depth):
    """A list, tuple or set display (starred items unpacked)."""
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


def _eval_dict(node, env, depth):
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


def _eval_unary(node, env, depth):
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


def _eval_binop(node, env, depth):
    """Arithmetic on numbers, and sequence repetition, within size limits."""
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


def _eval_subscript(node, env, depth):
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
