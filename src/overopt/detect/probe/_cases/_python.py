"""Python test code walked statement by statement: module tables, functions, parametrize rows, loops, doctests."""

import ast

if __package__:  # within overopt; embedded in a submission, the parts share one namespace
    from ._values import _MAX_CASES, _MAX_ITER, _NO, _decode_scalar, _parse
    from ._literals import _dotted, _value
    from ._asserts import _assert, _assert_call, _candidate_call, _emit_call, _note_stdin


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
