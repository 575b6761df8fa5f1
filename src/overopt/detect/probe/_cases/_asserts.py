"""Test cases in Python assert statements and assertion calls on the function under test."""

import ast

if __package__:  # within overopt; embedded in a submission, the parts share one namespace
    from ._values import (MISSING, _BUILTIN_NAMES, _EQ_METHODS, _METHOD_NAMES, _MODULE_ROOTS, _NO, _call_case,
        _stdio_case)
    from ._literals import _dotted, _value


def _line(node, sc):
    return sc.line_base + getattr(node, "lineno", 0)


def _where(node, sc, what):
    return "%s:%d: %s" % (sc.where, _line(node, sc), what)


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
