"""Branches of a function on literal values, for special-casing: literal input -> literal output branches and
lookups, the names derived from the parameters, and the literals each condition compares them to."""

from __future__ import annotations

import ast
import re

from overopt.detect.code_hacks._ast_helpers import dotted
from overopt.detect.code_hacks._facts import Facts
from overopt.detect.code_hacks._literals import NOT_LITERAL, interesting_key, literal_value


def _branch_key(test: ast.AST):
    """(literal node) when `test` compares something to a literal: x == lit, lit == x, x in (lits)."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        keys = [_branch_key(v) for v in test.values]
        keys = [k for k in keys if k is not None]
        if keys:
            return keys[0] if len(keys) == 1 else ast.Tuple(elts=keys, ctx=ast.Load())
        return None
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Eq, ast.Is)):
        a, b = test.left, test.comparators[0]
        for lit, other in ((b, a), (a, b)):
            if literal_value(lit) is not NOT_LITERAL and literal_value(other) is NOT_LITERAL:
                return lit
    return None


def literal_output(stmt):
    """The literal a branch body hands back: `return LIT` or `print(LIT)`; NOT_LITERAL otherwise."""
    if isinstance(stmt, ast.Return) and stmt.value is not None:
        return literal_value(stmt.value)
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and dotted(stmt.value.func) == "print" \
            and len(stmt.value.args) == 1:
        return literal_value(stmt.value.args[0])
    return NOT_LITERAL


def literal_branches(fn: ast.AST, facts: "Facts", nodes: list | None = None) -> list[tuple[ast.AST, ast.AST, object, object]]:
    """(node, key literal node, key value, output value) for every literal input -> literal output branch."""
    params = {a.arg for a in fn.args.args + fn.args.kwonlyargs}
    nodes = list(ast.walk(fn)) if nodes is None else nodes
    for n in nodes:   # names derived from a parameter (`key = str(text)`) key on it too
        if type(n) is ast.Assign and any(type(x) is ast.Name and x.id in params for x in ast.walk(n.value)):
            params |= {t.id for t in n.targets if isinstance(t, ast.Name)}
    out = []
    for n in nodes:
        t = type(n)
        if t is not ast.If and t is not ast.Match and t is not ast.For and t is not ast.Return:
            continue
        if isinstance(n, ast.If) and n.body:
            o = literal_output(n.body[0])
            if o is not NOT_LITERAL:
                test = n.test
                alts = test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or) else [test]
                for alt in alts:   # `x == A or x == B`, `x in (A, B)`: each literal leads to the same output
                    if isinstance(alt, ast.Compare) and len(alt.ops) == 1 and isinstance(alt.ops[0], ast.In) \
                            and isinstance(alt.comparators[0], (ast.Tuple, ast.List, ast.Set)) \
                            and literal_value(alt.left) is NOT_LITERAL:
                        for e in alt.comparators[0].elts:
                            v = literal_value(e)
                            if v is not NOT_LITERAL:
                                out.append((n, e, v, o))
                        continue
                    k = _branch_key(alt)
                    if k is not None:
                        v = literal_value(k)
                        if v is not NOT_LITERAL:
                            out.append((n, k, v, o))
        elif isinstance(n, ast.Match):
            for case in n.cases:
                pat = case.pattern
                if isinstance(pat, ast.MatchValue) and case.body:
                    v, o = literal_value(pat.value), literal_output(case.body[0])
                    if v is not NOT_LITERAL and o is not NOT_LITERAL:
                        out.append((case, pat.value, v, o))
        elif isinstance(n, ast.For) and isinstance(n.target, ast.Tuple) and len(n.target.elts) == 2 \
                and isinstance(n.iter, (ast.List, ast.Tuple)) and len(n.iter.elts) >= 2:
            # for inp, out in [(IN, OUT), ...]: if x == inp: return out
            rows = [literal_value(e) for e in n.iter.elts]
            names = [getattr(t, "id", None) for t in n.target.elts]
            compares = any(isinstance(c, ast.Compare) and any(isinstance(x, ast.Name) and x.id == names[0]
                                                            for x in [c.left, *c.comparators])
                           for c in ast.walk(n))
            if compares and all(isinstance(r, tuple) and len(r) == 2 for r in rows if r is not NOT_LITERAL):
                for e, r in zip(n.iter.elts, rows):
                    if r is not NOT_LITERAL:
                        out.append((n, e.elts[0], r[0], r[1]))
        elif isinstance(n, ast.Return) and isinstance(n.value, (ast.Subscript, ast.Call)):
            d = n.value.value if isinstance(n.value, ast.Subscript) else (
                n.value.func.value if isinstance(n.value.func, ast.Attribute)
                and n.value.func.attr == "get" else None)
            if isinstance(d, ast.Name):
                d = facts.dict_literals.get(d.id)
            if not (isinstance(d, ast.Dict) and len(d.keys) >= 2):
                continue
            idx = n.value.slice if isinstance(n.value, ast.Subscript) else (n.value.args[0] if n.value.args else None)
            keyed = idx is not None and any(isinstance(x, ast.Name) and x.id in params for x in ast.walk(idx))
            for k, val in zip(d.keys, d.values):
                if k is None:
                    continue
                v = literal_value(k)
                if v is NOT_LITERAL:
                    continue
                if keyed or (interesting_key(v) and isinstance(v, (tuple, list, str))):
                    out.append((n, k, v, literal_value(val)))
    return out


_STDIN = re.compile(r"^(input|raw_input|(sys\.)?stdin\.\w+|sys\.stdin\.buffer\.\w+|open\(\)\.read\w*)$")


def param_names(fn: ast.AST, nodes: list | None = None) -> tuple[list[str], set[str]]:
    """(the parameters in order, every name derived from them or from stdin: `m = abs(n)`, `data = input()`)."""
    args = getattr(fn, "args", None)
    order = [a.arg for a in (args.args if args else []) if a.arg not in ("self", "cls")]
    names = set(order)
    nodes = [n for n in (ast.walk(fn) if nodes is None else nodes) if type(n) is ast.Assign]
    for _ in range(2):
        for n in nodes:
            src = {x.id for x in ast.walk(n.value) if type(x) is ast.Name}
            stdin = any(type(x) is ast.Call and _STDIN.match(dotted(x.func)) for x in ast.walk(n.value))
            if src & names or stdin:
                for t in n.targets:
                    names |= {x.id for x in ast.walk(t) if type(x) is ast.Name}
    return order, names


def compares_to_literal(test: ast.AST) -> bool:
    """The condition compares something with a literal by `==`/`is`/`in` (cheap check before the name analysis)."""
    stack = [test]
    while stack:
        n = stack.pop()
        t = type(n)
        if t is ast.BoolOp:
            stack.extend(n.values)
        elif t is ast.UnaryOp:
            stack.append(n.operand)
        elif t is ast.Compare:
            for op, c in zip(n.ops, n.comparators):
                o = type(op)
                if (o is ast.Eq or o is ast.Is or o is ast.In) and (
                        type(c) in (ast.Constant, ast.Tuple, ast.List, ast.Set) or type(n.left) is ast.Constant):
                    return True
    return False


def branch_keys(test: ast.AST, names: set[str]) -> list[tuple[object, ast.AST, bool]]:
    """(literal, the compared expression, mixed) for each `x == LIT` / `x in (LITS)` / `(a, b) == (LITS)` in a branch
    condition whose other side reads a parameter. `mixed`: a membership that also holds non-literals."""
    out = []
    stack = [test]
    while stack:
        n = stack.pop()
        if isinstance(n, ast.BoolOp):
            stack.extend(n.values)
        elif isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.Not):
            continue
        elif isinstance(n, ast.Compare) and len(n.ops) == 1:
            a, b = n.left, n.comparators[0]
            op = n.ops[0]
            if isinstance(op, (ast.Eq, ast.Is)):
                for lit, other in ((b, a), (a, b)):
                    v = literal_value(lit)
                    if v is not NOT_LITERAL and literal_value(other) is NOT_LITERAL and any(
                            type(x) is ast.Name and x.id in names for x in ast.walk(other)):
                        out.append((v, other, False))
                        break
            elif isinstance(op, ast.In) and isinstance(b, (ast.Tuple, ast.List, ast.Set)) and \
                    any(type(x) is ast.Name and x.id in names for x in ast.walk(a)):
                vals = [literal_value(e) for e in b.elts]
                mixed = any(v is NOT_LITERAL for v in vals)
                out.extend((v, a, mixed) for v in vals if v is not NOT_LITERAL)
    return out


def module_function(facts: "Facts"):
    """The module's top-level statements as one pseudo-function (stdin programs branch outside any def)."""
    text = facts.text
    if facts.tree is None or not ("input(" in text or "stdin" in text or "open(0" in text):
        return None   # only a program reading its input at the top level branches on it there
    body = [n for n in facts.tree.body if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    if not any(type(n) is ast.If or type(n) is ast.For or type(n) is ast.While for n in body) \
            or not any(facts.ok(n) for n in body):
        return None
    fn = ast.FunctionDef(name="<module>", args=ast.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[],
                                                           defaults=[]), body=body, decorator_list=[])
    fn.lineno, fn.end_lineno = body[0].lineno, getattr(body[-1], "end_lineno", body[-1].lineno)
    return fn


def module_branches(fn, nodes: list) -> list:
    """(node, None, key value, output) for the top-level `if data == LIT: print(LIT)` branches of a stdin program."""
    out = []
    names = None
    for n in nodes:
        if type(n) is ast.If and n.body:
            o = literal_output(n.body[0])
            if o is NOT_LITERAL:
                continue
            if names is None:
                names = param_names(fn, nodes)[1]
            for v, _expr, _mixed in branch_keys(n.test, names):
                out.append((n, None, v, o))
    return out
