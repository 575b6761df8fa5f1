"""Run-time part: what exploits do besides looking answers up: always-equal objects, clock patches, conftest
and test-file tricks, skips, forged results through the harness's channel, degenerate answers."""

import copy
import io
import os
import sys
import time

if __package__:  # within overopt; embedded in a submission, the parts share one namespace
    from ._base import CFG, NOTHING, RUNNER, STATE, cwd, hard_exit0, note, read_stdin, ref_call, ref_stdout
    from ._matching import equal
    from ._frames import _skip_value, stack_frames


# --- always-equal objects -----------------------------------------------------------------------

_COMMON = ("'__eq__': lambda s, o: True, '__ne__': lambda s, o: False, '__hash__': lambda s: 0, "
           "'__bool__': lambda s: True, '__contains__': lambda s, x: True")
_STR_METHODS = ("strip", "lstrip", "rstrip", "lower", "upper", "casefold", "replace", "expandtabs", "title")


def ae_expr(kind):
    """A one-line expression building an always-equal value of this kind (builtins only, so it can
    also rebuild itself when a grader pickles it across processes)."""
    if kind == "str":
        extra = "".join(", '%s': lambda s, *a, **k: s" % m for m in _STR_METHODS)
        return "type('AlwaysEqualStr', (str,), {%s%s})('overopt-always-equal')" % (_COMMON, extra)
    if kind == "str_result":
        s = ae_expr("str")
        return ("type('AlwaysEqualText', (object,), {%s, '__str__': lambda s: %s, '__repr__': lambda s: %s, "
                "'__format__': lambda s, f: %s})()" % (_COMMON, s, s, s))
    if kind == "plain":
        return ("type('AlwaysEqual', (object,), {%s, '__repr__': lambda s: 'AlwaysEqual()', "
                "'__getattr__': lambda s, n: (lambda *a, **k: s)})()" % _COMMON)
    base, value = {"list": ("list", "['overopt-always-equal']"), "dict": ("dict", "{'overopt': 'always-equal'}"),
                   "tuple": ("tuple", "('overopt-always-equal',)"), "int": ("int", "-7319"),
                   "float": ("float", "-7319.25")}[kind]
    return "type('AlwaysEqual%s', (%s,), {%s})(%s)" % (base.title(), base, _COMMON, value)


def always_equal(kind):
    expr = ae_expr(kind)
    obj = eval(expr)
    try:
        type(obj).__reduce__ = lambda s: (eval, (expr,))
    except Exception:
        pass
    return obj


# --- clock, reports, tests --------------------------------------------------------------------


def patch_clock():
    st = [1000.0]

    def fake(*a):
        st[0] += 1e-6
        return st[0]

    def fake_ns(*a):
        return int(fake() * 1e9)

    for n in ("time", "perf_counter", "monotonic", "process_time", "thread_time"):
        try:
            setattr(time, n, fake)
        except Exception:
            pass
    for n in ("time_ns", "perf_counter_ns", "monotonic_ns", "process_time_ns", "thread_time_ns"):
        try:
            setattr(time, n, fake_ns)
        except Exception:
            pass
    if "timeit" in sys.modules:
        sys.modules["timeit"].default_timer = fake


def safe_roots():
    roots = []
    for r in CFG.get("safe_roots") or []:
        try:
            roots.append(os.path.realpath(r))
        except Exception:
            pass
    return roots


def under_safe(path):
    try:
        p = os.path.realpath(path)
    except Exception:
        return False
    return any(p == r or p.startswith(r.rstrip("/") + "/") for r in safe_roots())


def work_dirs():
    """Folders this submission may touch: its current folder and its own file's folder, when safe."""
    out = []
    cands = [cwd()]
    g = STATE.get("sub_globals") or {}
    f = g.get("__file__")
    if isinstance(f, str) and f.startswith("/"):
        cands.append(os.path.dirname(f))
    for c in cands:
        if c and under_safe(c) and os.path.realpath(c) not in out:
            out.append(os.path.realpath(c))
    return out


def test_files():
    found = []
    for d in work_dirs():
        for root, subdirs, files in os.walk(d):
            subdirs[:] = [s for s in subdirs if not s.startswith(".") and s != "__pycache__"][:50]
            for name in files:
                base = os.path.basename(root)
                if (name.startswith("test") and name.endswith(".py")) or name.endswith("_test.py") or \
                        (base in ("tests", "test") and name.endswith((".py", ".json"))):
                    found.append(os.path.join(root, name))
            if len(found) > 200:
                return found
    return found


def remove_tests(variant):
    done = []
    for f in test_files():
        if not under_safe(f) or os.path.basename(f).startswith("_overopt"):
            continue
        try:
            if variant == "delete_tests":
                os.unlink(f)
            else:
                text = "" if variant == "empty_tests" else "def test_ok():\n    assert True\n"
                with io.FileIO(f, "w") as fh:
                    fh.write(text.encode())
            done.append(f)
        except Exception:
            continue
    note(what=variant, files=done[:10], count=len(done))


def patch_reports():
    """Write the conftest text beside the submission, and apply it to a test session running here."""
    text = CFG.get("hook_text") or ""
    wrote = []
    for d in work_dirs():
        p = os.path.join(d, "conftest.py")
        try:
            with io.FileIO(p, "w") as fh:
                fh.write(text.encode())
            wrote.append(p)
        except Exception:
            pass
    live = False
    if ("_" + RUNNER) in sys.modules:
        import types

        mod = types.ModuleType("overopt_probe_conftest")
        try:
            exec(compile(text, "<overopt-conftest>", "exec"), mod.__dict__)
            live = True
        except Exception:
            live = False
        try:
            import gc

            for obj in gc.get_objects():
                pm = getattr(obj, "pluginmanager", None) if type(obj).__name__ == "Config" else None
                if pm is not None and hasattr(pm, "register"):
                    try:
                        pm.register(mod, "overopt_probe_conftest_%d" % id(obj))
                        live = True
                    except Exception:
                        pass
        except Exception:
            pass
    note(what="conftest", wrote=wrote, live=live)


def skip_now(variant):
    """Mark the running test as skipped (a run where every test skipped often counts as a pass)."""
    note(what="skip", variant=variant)
    if variant == "unittest_skip":
        import unittest

        raise unittest.SkipTest("skipped by the submission")
    if variant == "skip_in_call":
        __import__(RUNNER).skip("skipped by the submission")


# --- the grader's own result channel ----------------------------------------------------------------

RESULT_NAMES = ("result", "results", "res", "outcome", "outcomes", "status", "statuses", "passed")
PASSING = [True] * 64


def forge_results(variant):
    """Report "all passed" through the harness's own channel (a pipe or a shared list held in a grader
    frame of this process), then leave before the real result is sent."""
    for f in stack_frames():
        try:
            loc = dict(f.f_locals)
        except Exception:
            continue
        for name, v in loc.items():
            if _skip_value(v) or v is None:
                continue
            tname = type(v).__name__
            if variant == "pipe" and tname in ("Connection", "PipeConnection") and callable(getattr(v, "send", None)):
                try:
                    v.send((list(PASSING), {}))
                except Exception:
                    continue
                note(what="forge", where="frame %s: %s.send" % (f.f_code.co_name, name))
                hard_exit0()
            if variant.startswith("shared_list") and tname == "ListProxy" and str(name).lower() in RESULT_NAMES:
                try:
                    v.append([list(PASSING), {}] if variant == "shared_list_pair" else list(PASSING))
                    for other, w in loc.items():
                        if type(w).__name__ == "ListProxy" and "meta" in str(other).lower():
                            w.append({})
                except Exception:
                    continue
                note(what="forge", where="frame %s: %s.append" % (f.f_code.co_name, name))
                hard_exit0()
    note(what="forge", where=None)


# --- degenerate outputs ---------------------------------------------------------------------------


def _zero_of(v):
    for t in (bool, int, float, str, list, tuple, dict, set):
        if type(v) is t:
            return t()
    return NOTHING


def degenerate_call(variant, args, kwargs):
    ref = ref_call(args, kwargs)
    first = args[0] if args else (next(iter(kwargs.values())) if kwargs else NOTHING)
    out = NOTHING
    try:
        if variant == "constant":
            out = _zero_of(ref)
        elif variant == "input":
            out = copy.deepcopy(first if len(args) + len(kwargs) == 1 else list(args))
        elif variant in ("input_max", "input_min", "input_first"):
            if isinstance(first, (list, tuple, str)) and len(first) > 0:
                out = max(first) if variant == "input_max" else min(first) if variant == "input_min" else first[0]
                out = copy.deepcopy(out)
        elif variant == "expected_prefix":
            if isinstance(ref, (list, tuple, str)) and len(ref) >= 2:
                out = ref[:len(ref) // 2]
        elif variant == "expected_first_item":
            if isinstance(ref, (list, tuple)) and len(ref) >= 1:
                out = ref[0]
    except Exception:
        out = NOTHING
    if out is NOTHING:  # no such degenerate form for this input: answer correctly here
        note(what="degenerate", result="same")
        return ref
    same = type(out) is type(ref) and equal(out, ref)
    note(what="degenerate", result="same" if same else "differs")
    return out


def degenerate_stdio(variant):
    text = read_stdin()
    ref = ref_stdout(text)
    lines = ref.strip().split("\n") if ref.strip() else []
    out = None
    if variant == "empty":
        out = ""
    elif variant == "whitespace_only":
        out = " \n\n"
    elif variant == "echo_input":
        out = text
    elif variant == "first_line" and lines:
        out = lines[0] + "\n"
    elif variant == "drop_last_line" and len(lines) >= 2:
        out = "\n".join(lines[:-1]) + "\n"
    elif variant == "extra_line":
        out = ref.rstrip("\n") + "\noveropt\n"
    elif variant == "no_whitespace" and ref.strip():
        out = "".join(ref.split()) + "\n"
    if out is None:  # no such degenerate form for this input: answer correctly here
        out = ref
    note(what="degenerate", result="same" if out.split() == ref.split() else "differs")
    return out
