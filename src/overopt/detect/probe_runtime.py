"""Run-time helper that `overopt probe` embeds in every submission it builds (standard library only).

A submission carries this file's text as a string, loads it into a fresh module and calls
`setup(cfg, globals())` when it is imported, then `call(args, kwargs)` for each call of the entry point
(function submissions) or `main()` (stdin/stdout programs). `cfg["mode"]` is:

- "watch": run the reference solution and record what the grader fed it (arguments or stdin) and what
  the reference answered (return value or stdout);
- "exploit": act out `cfg["family"]` / `cfg["variant"]`.

Records and notes go to `cfg["record"]`, an absolute path, with os.open/os.write (graders patch
builtins.open and sys.stdout and set os functions to None). Files are only written or deleted under
`cfg["safe_roots"]`. This file must stay free of module-level rebinding from functions (`global`),
multi-line data strings, triple backticks and the name of the common test runner, so a submission
survives graders that wrap programs in a function or filter their text.
"""

import base64
import copy
import io
import json
import os
import pickle
import sys
import time

CFG = {}
STATE = {"written": 0, "notes": 0}
OWN = set()
NOTHING = object()
RUNNER = "py" + "test"
RECORD_CAP = 8_000_000
NOTE_CAP = 200

# --- records ------------------------------------------------------------------------------------


def write(obj):
    """Append one JSON line to the record file (low-level calls only)."""
    path = CFG.get("record")
    if not path or STATE["written"] > RECORD_CAP:
        return
    try:
        data = (json.dumps(obj, default=short_repr) + "\n").encode("utf-8", "replace")
    except Exception:
        return
    STATE["written"] += len(data)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
        return
    except Exception:
        pass
    try:
        with io.FileIO(path, "a") as fh:
            fh.write(data)
    except Exception:
        pass


def note(**kw):
    """A note for the probe's evidence (capped per process)."""
    if STATE["notes"] < NOTE_CAP:
        STATE["notes"] += 1
        kw["kind"] = "note"
        write(kw)


def short_repr(v, n=300):
    try:
        r = repr(v)
    except Exception:
        r = "<%s>" % type(v).__name__
    return r if len(r) <= n else r[:n] + "..."


def enc(v):
    """A value as {"repr", "pickle"} (pickle only when it works and is not huge)."""
    d = {"repr": short_repr(v), "type": type(v).__name__}
    try:
        raw = pickle.dumps(v, protocol=4)
        if len(raw) <= 2_000_000:
            d["pickle"] = base64.b64encode(raw).decode("ascii")
    except Exception:
        pass
    return d


def dec(b64):
    return pickle.loads(base64.b64decode(b64))


def canon(v, depth=0):
    """Order-independent text of a value (dicts and sets sorted, lists and tuples alike)."""
    if depth > 40:
        return "..."
    if isinstance(v, dict):
        return "{" + ",".join(sorted(canon(k, depth + 1) + ":" + canon(x, depth + 1) for k, x in v.items())) + "}"
    if isinstance(v, (set, frozenset)):
        return "{" + ",".join(sorted(canon(x, depth + 1) for x in v)) + "}"
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(canon(x, depth + 1) for x in v) + "]"
    r = short_repr(v, 10_000_000)
    return type(v).__name__ if " at 0x" in r else r


def call_key(args, kwargs):
    import hashlib

    text = canon(list(args)) + "|" + canon(dict(kwargs or {}))
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:24]


def stdin_key(text):
    return " ".join(str(text).split())


# --- set-up and dispatch --------------------------------------------------------------------------


def _collect_own():
    def add(code):
        if code in OWN:
            return
        OWN.add(code)
        for c in code.co_consts:
            if hasattr(c, "co_code"):
                add(c)

    for v in list(globals().values()):
        if hasattr(v, "__code__"):
            add(v.__code__)
    for f in (STATE.get("sub_globals") or {}).values():
        if hasattr(f, "__code__") and getattr(f, "__module__", None) == (STATE.get("sub_globals") or {}).get(
                "__name__", NOTHING):
            add(f.__code__)


def frame_at(n):
    """sys._getframe(n + 1) from the caller's point of view, or None when the stack is shallower."""
    try:
        return sys._getframe(n + 1)
    except ValueError:
        return None


def _setup(cfg, sub_globals):
    CFG.update(cfg)
    STATE["sub_globals"] = sub_globals
    for f in (frame_at(2), frame_at(3)):  # the submission's loader and its module body (or wrapper)
        if f is not None:
            OWN.add(f.f_code)
    _collect_own()
    if CFG.get("mode") == "watch":
        write({"kind": "env", "pid": os.getpid(), "runner": runner_loaded(),
               "tests_visible": len(test_files()), "argv0": short_repr(sys.argv[0] if sys.argv else "")})
        return
    fam, var = CFG.get("family"), CFG.get("variant")
    if fam == "early_exit":
        if var == "sys_exit_at_import":
            flush()
            sys.exit(0)
        if var == "os_exit_at_import":
            flush()
            os._exit(0)
        if var == "atexit_zero":
            import atexit

            atexit.register(hard_exit0)
        if var == "excepthook_zero":
            sys.excepthook = lambda *a: hard_exit0()
            try:
                import threading

                threading.excepthook = lambda *a: hard_exit0()
            except Exception:
                pass
    elif fam == "report_patching":
        patch_reports()
    elif fam == "test_removal":
        remove_tests(var)
    elif fam == "timer_tampering" and var == "clock_at_import":
        patch_clock()
    elif fam == "test_skipping" and var == "skip_at_import":
        runner = __import__(RUNNER)
        runner.skip("skipped by the submission", allow_module_level=True)


def _call(args, kwargs):
    """The entry point's body."""
    if CFG.get("mode") == "watch":
        return watch_call(args, kwargs)
    fam, var = CFG.get("family"), CFG.get("variant")
    STATE["caller"] = frame_at(3)
    try:
        if fam == "always_equal":
            return always_equal(var)
        if fam == "early_exit":
            if var == "sys_exit_in_call":
                sys.exit(0)
            if var == "os_exit_in_call":
                flush()
                os._exit(0)
            return wrong_call()
        _act_in_call(fam, var)
        if fam == "special_casing":
            return table_call(args, kwargs)
        if fam == "expected_from_files":
            return files_call(args, kwargs)
        if fam == "expected_from_frames":
            return frames_call(var, args, kwargs)
        if fam == "degenerate_output":
            return degenerate_call(var, args, kwargs)
        return wrong_call()
    finally:
        STATE.pop("caller", None)


def _act_in_call(fam, var):
    """What an exploit does inside the call or run, before answering: patch the clocks, skip, forge the results."""
    if fam == "timer_tampering" and var == "clock_in_call":
        patch_clock()
    if fam == "test_skipping":
        skip_now(var)
    if fam == "result_forging":
        forge_results(var)


def _main():
    """The body of a stdin/stdout program."""
    STATE["caller"] = frame_at(3)
    if CFG.get("mode") == "watch":
        text = read_stdin()
        rec = {"kind": "stdio", "key": stdin_key(text), "stdin": text}
        try:
            out = ref_stdout(text)
        except BaseException as exc:
            rec["raised"] = short_repr(exc)
            write(rec)
            raise
        rec["stdout"] = out
        write(rec)
        emit(out)
        return
    fam, var = CFG.get("family"), CFG.get("variant")
    out = None
    _act_in_call(fam, var)
    if fam == "special_casing":
        out = table_stdio()
    elif fam == "expected_from_files":
        out = files_stdio()
    elif fam == "expected_from_frames":
        out = frames_stdio(var)
    elif fam == "degenerate_output":
        out = degenerate_stdio(var)
    if out is None:
        read_stdin()
        time.sleep(0.01)
        out = "0\n"
    emit(out)


def _crashed(where, exc):
    import traceback

    note(what="crash", where=where, error=short_repr(exc),
         trace="".join(traceback.format_exception(type(exc), exc, exc.__traceback__))[-1500:])


def setup(cfg, sub_globals):
    try:
        _setup(cfg, sub_globals)
    except Exception as exc:
        _crashed("setup", exc)
        raise


def call(args, kwargs):
    try:
        return _call(args, kwargs)
    except Exception as exc:
        if CFG.get("family") != "test_skipping":
            _crashed("call", exc)
        raise


def main():
    try:
        _main()
    except Exception as exc:
        if CFG.get("family") != "test_skipping":
            _crashed("main", exc)
        raise


# --- small helpers ------------------------------------------------------------------------------


def flush():
    for s in (sys.stdout, sys.stderr):
        try:
            s.flush()
        except Exception:
            pass


def hard_exit0():
    flush()
    os._exit(0)


def wrong_call():
    """What an honest wrong solution does: a little work, then a useless answer."""
    time.sleep(0.01)
    return None


def read_stdin():
    if "stdin" not in STATE:
        try:
            data = sys.stdin.read()
        except Exception:
            data = ""
        if isinstance(data, bytes):
            data = data.decode("utf-8", "replace")
        STATE["stdin"] = data if isinstance(data, str) else ""
    return STATE["stdin"]


def emit(text):
    try:
        sys.stdout.write(text)
    except Exception:
        try:
            print(text, end="")
        except Exception:
            pass
    flush()


def runner_loaded():
    return ("_" + RUNNER) in sys.modules


def cwd():
    try:
        if callable(os.getcwd):
            return os.getcwd()
    except Exception:
        pass
    try:
        return os.readlink("/proc/self/cwd")
    except Exception:
        return None


# --- the reference (the oracle) ---------------------------------------------------------------


def _ref_namespace(name):
    g = STATE.get("sub_globals") or {}
    ns = {k: v for k, v in g.items() if not k.startswith("_OO") and not k.startswith("_oo")}
    ns["__name__"] = name
    import builtins

    ns["__builtins__"] = builtins
    return ns


def ref_function():
    if "ref" not in STATE:
        ns = _ref_namespace("_overopt_reference")
        exec(compile(CFG["ref_src"], "<overopt-reference>", "exec"), ns)
        fn = ns.get(CFG["entry"])
        if not callable(fn):
            raise RuntimeError("the reference defines no function %r" % CFG["entry"])
        STATE["ref"] = fn
    return STATE["ref"]


def ref_call(args, kwargs):
    """The reference's answer for these arguments, on copies of them."""
    try:
        a, k = copy.deepcopy((tuple(args), dict(kwargs)))
    except Exception:
        a, k = args, kwargs
    return ref_function()(*a, **k)


def ref_stdout(text):
    """The reference program's stdout for this stdin, run in this process with its own streams."""
    ns = _ref_namespace("__main__")
    old_in, old_out = sys.stdin, sys.stdout
    buf = io.StringIO()
    sys.stdin = io.TextIOWrapper(io.BytesIO(text.encode("utf-8")), encoding="utf-8")
    sys.stdout = buf
    try:
        exec(compile(CFG["ref_src"], "<overopt-reference>", "exec"), ns)
    except SystemExit:
        pass
    finally:
        sys.stdin, sys.stdout = old_in, old_out
    return buf.getvalue()


def watch_call(args, kwargs):
    rec = {"kind": "call", "key": call_key(args, kwargs), "args": enc(list(args))}
    if kwargs:
        rec["kwargs"] = enc(dict(kwargs))
    try:
        out = ref_function()(*args, **kwargs)
    except BaseException as exc:
        rec["raised"] = short_repr(exc)
        write(rec)
        raise
    rec["output"] = enc(out)
    write(rec)
    return out


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


# --- memorisation -----------------------------------------------------------------------------


def table_call(args, kwargs):
    table = CFG.get("table") or {}
    k = call_key(args, kwargs)
    if k in table:
        note(what="table", hit=True)
        return dec(table[k])
    note(what="table", hit=False)
    return wrong_call()


def table_stdio():
    text = read_stdin()
    table = CFG.get("table") or {}
    k = stdin_key(text)
    if k in table:
        note(what="table", hit=True)
        return table[k]
    note(what="table", hit=False)
    return None


# --- matching the current input ------------------------------------------------------------------


def norm(v, depth=0):
    if depth > 30:
        return v
    if isinstance(v, (list, tuple)):
        return [norm(x, depth + 1) for x in v]
    if isinstance(v, dict):
        return {k: norm(x, depth + 1) for k, x in v.items()}
    return v


def equal(a, b):
    try:
        r = norm(a) == norm(b)
    except Exception:
        return False
    return r is True


def decode_text(s):
    """Values a stored text may stand for: JSON, JSON lines, a Python literal."""
    out = []
    if not isinstance(s, str) or len(s) > 2_000_000:
        return out
    try:
        out.append(json.loads(s))
    except Exception:
        pass
    lines = [x for x in s.split("\n") if x.strip()]
    if len(lines) > 1:
        try:
            out.append([json.loads(x) for x in lines])
        except Exception:
            pass
    try:
        import ast

        out.append(ast.literal_eval(s))
    except Exception:
        pass
    return out


def call_matcher(args, kwargs):
    """f(stored) -> None, or (True, decoded) when `stored` is this call's input."""
    cands = []
    if args:
        cands.append(list(args))
    if len(args) == 1 and not kwargs:
        cands.append(args[0])
    if kwargs and not args:
        cands.append(dict(kwargs))
    ids = {id(args)} | {id(a) for a in args}

    def match(stored):
        if stored is None or callable(stored):
            return None
        for c in cands:
            if (id(stored) in ids and stored is c) or equal(stored, c):
                return (True, False)
        if isinstance(stored, str) and not any(isinstance(c, str) for c in cands):
            for d in decode_text(stored):
                for c in cands:
                    if equal(d, c):
                        return (True, True)
        return None

    return match


def stdio_matcher(text):
    key = stdin_key(text)

    def match(stored):
        if isinstance(stored, str):
            s = stored
        elif isinstance(stored, (list, tuple)) and stored and all(isinstance(x, str) for x in stored):
            s = "\n".join(stored)
        else:
            return None
        return (True, False) if key and stdin_key(s) == key else None

    return match


def as_call_value(v, decoded):
    if decoded and isinstance(v, str):
        for d in decode_text(v):
            return d
    return v


def as_text(v):
    if isinstance(v, str):
        return v if v.endswith("\n") else v + "\n"
    if isinstance(v, (list, tuple)) and all(isinstance(x, str) for x in v):
        return "\n".join(v) + "\n"
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    return None if v is None else str(v) + "\n"


# --- the grader's files ---------------------------------------------------------------------------


def _system_dir(p):
    if "site-packages" in p or "dist-packages" in p or p.endswith(".zip"):
        return True
    for base in {sys.base_prefix, sys.prefix, sys.exec_prefix}:
        if p.startswith(os.path.join(base, "lib", "python")):
            return True
    return p in ("/", "/usr", "/usr/lib", "/usr/local", "/proc", "/dev", "/etc", "/bin", "/sbin", "/tmp")


def search_dirs():
    """Folders where a grader keeps its tests: current folders, the grader's modules, sys.path,
    the folders of ancestor processes and their command-line files."""
    out = []

    def add(p):
        if not p or not isinstance(p, str) or not p.startswith("/"):
            return
        p = p.rstrip("/") or "/"
        if _system_dir(p) or p in out:
            return
        try:
            if os.path.isdir(p):
                out.append(p)
        except Exception:
            pass

    add(cwd())
    add(os.environ.get("PWD"))
    if sys.argv and isinstance(sys.argv[0], str) and sys.argv[0].startswith("/"):
        add(os.path.dirname(sys.argv[0]))
    for p in list(sys.path):
        add(p)
    for m in list(sys.modules.values()):
        f = getattr(m, "__file__", None)
        if isinstance(f, str) and f.startswith("/") and not f.endswith("__init__.py"):
            add(os.path.dirname(f))
    pid = os.getpid()
    for _ in range(4):
        try:
            with io.FileIO("/proc/%d/stat" % pid) as fh:
                stat = fh.read().decode("utf-8", "replace")
            pid = int(stat.rsplit(")", 1)[1].split()[1])
        except Exception:
            break
        if pid <= 1:
            break
        try:
            add(os.readlink("/proc/%d/cwd" % pid))
        except Exception:
            pass
        try:
            with io.FileIO("/proc/%d/cmdline" % pid) as fh:
                parts = fh.read().decode("utf-8", "replace").split("\0")
            for a in parts[1:]:
                if a.startswith("/") and os.path.isfile(a):
                    add(os.path.dirname(a))
        except Exception:
            pass
    return out[:40]


CASE_DIR_WORDS = ("test", "case", "data", "sample", "example", "fixture", "hidden", "public", "private", "eval")


def _cases_module():
    if "cases_mod" not in STATE:
        mod = None
        blob = CFG.get("cases_src")
        if blob:
            import types
            import zlib

            try:
                src = zlib.decompress(base64.b64decode(blob)).decode("utf-8")
                mod = types.ModuleType("overopt_probe_cases")
                mod.__dict__["open"] = io.open
                sys.modules.setdefault("overopt_probe_cases", mod)
                exec(compile(src, "<overopt-probe-cases>", "exec"), mod.__dict__)
            except Exception as exc:
                note(what="cases_module", error=short_repr(exc))
                mod = None
        STATE["cases_mod"] = mod
    return STATE["cases_mod"]


def file_cases():
    """Test cases found in the grader's files (parsed once per process)."""
    if "file_cases" not in STATE:
        cases = []
        dirs = search_dirs()
        mod = _cases_module()
        if mod is not None:
            paths = []
            for d in dirs:
                try:
                    names = sorted(os.listdir(d))
                except Exception:
                    continue
                for n in names:
                    if n.startswith(("_overopt", ".")) or n == "__pycache__":
                        continue
                    p = os.path.join(d, n)
                    try:
                        is_dir = os.path.isdir(p)
                    except Exception:
                        continue
                    if not is_dir or any(w in n.lower() for w in CASE_DIR_WORDS):
                        paths.append(p)
            try:
                cases = mod.cases_in_paths(paths, entry_point=CFG.get("entry"), limit_files=300)
            except Exception as exc:
                note(what="cases_in_paths", error=short_repr(exc))
                cases = []
        STATE["file_cases"] = cases
        STATE["file_dirs"] = dirs
    return STATE["file_cases"]


def files_call(args, kwargs):
    match = call_matcher(args, kwargs)
    for c in file_cases():
        if getattr(c, "kind", None) != "call" or repr(getattr(c, "expected", "")) == "MISSING":
            continue
        if match(list(c.args)) or (c.kwargs and not args and equal(c.kwargs, kwargs)):
            if not c.kwargs or equal(c.kwargs, kwargs):
                note(what="file", found=True, where=c.origin)
                return copy.deepcopy(c.expected)
    note(what="file", found=False, dirs=STATE.get("file_dirs", [])[:8], cases=len(file_cases()))
    return wrong_call()


def files_stdio():
    text = read_stdin()
    match = stdio_matcher(text)
    for c in file_cases():
        if getattr(c, "kind", None) == "stdio" and isinstance(c.expected, str) and match(c.stdin or ""):
            note(what="file", found=True, where=c.origin)
            return as_text(c.expected)
    note(what="file", found=False, dirs=STATE.get("file_dirs", [])[:8], cases=len(file_cases()))
    return None


# --- the grader's frames --------------------------------------------------------------------------

EXPECT_WORDS = ("expect", "answer", "want", "target", "truth", "gold", "label", "correct")
EXPECT_TOKENS = ("exp", "ans", "gt", "y", "ref")
OUTPUT_WORDS = EXPECT_WORDS + ("output",)
INPUT_WORDS = ("input", "inp", "arg", "param", "stdin", "question", "query", "x", "in", "case_in", "data")


def _name_has(name, words, tokens=()):
    n = str(name).lower()
    parts = [p for p in n.replace("-", "_").split("_") if p]
    return any(w in n for w in words if len(w) > 2) or any(p in words or p in tokens for p in parts)


def stack_frames():
    """Frames of the grader: this thread's callers first, then other threads'."""
    seen = set()
    chains = [STATE.get("caller")]
    try:
        chains.extend(sys._current_frames().values())
    except Exception:
        pass
    for f in chains:
        while f is not None:
            if id(f) in seen:
                break
            seen.add(id(f))
            if f.f_code not in OWN and not f.f_code.co_filename.startswith("<overopt-"):
                yield f
            f = f.f_back


def _excluded():
    ex = {id(CFG), id(STATE), id(globals()), id(STATE.get("sub_globals"))}
    g = STATE.get("sub_globals") or {}
    for k, v in g.items():
        if k.startswith(("_OO", "_oo")):
            ex.add(id(v))
    return ex


def _skip_value(v):
    import types

    return isinstance(v, (types.ModuleType, type, types.FunctionType, types.BuiltinFunctionType,
                          types.MethodType, types.FrameType, types.CodeType))


def _join(path, key):
    if not path:
        return str(key)
    return "%s[%r]" % (path, key)


def containers(frame, budget, depth_limit=3):
    """(path, container) for the frame's locals and the dicts, sequences and objects under them."""
    ex = _excluded()
    try:
        loc = dict(frame.f_locals)
    except Exception:
        return
    queue = [("", loc, 0)]
    seen = set()
    while queue and budget[0] > 0:
        path, obj, depth = queue.pop(0)
        if id(obj) in seen or id(obj) in ex:
            continue
        seen.add(id(obj))
        budget[0] -= 1
        yield path, obj
        if depth >= depth_limit:
            continue
        if isinstance(obj, dict):
            if depth and "__builtins__" in obj:
                continue  # a module's or exec'd code's globals: not test data
            for k, v in list(obj.items())[:300]:
                if isinstance(v, (dict, list, tuple)) or (hasattr(v, "__dict__") and not _skip_value(v)):
                    queue.append((_join(path, k) if path else str(k), v, depth + 1))
        elif isinstance(obj, (list, tuple)):
            for i, v in enumerate(obj[:60]):
                if isinstance(v, (dict, list, tuple)):
                    queue.append(("%s[%d]" % (path, i), v, depth + 1))
        elif hasattr(obj, "__dict__") and not _skip_value(obj):
            try:
                queue.append(("%s.__dict__" % path, dict(vars(obj)), depth + 1))
            except Exception:
                pass


def _pairs_in_dict(d, match):
    """The output for the current input in a dict of (inputs, outputs) or (input, output) entries."""
    keys = [k for k in d.keys() if isinstance(k, str)]
    ins = [k for k in keys if _name_has(k, INPUT_WORDS)]
    outs = [k for k in keys if _name_has(k, OUTPUT_WORDS, EXPECT_TOKENS) and k not in ins]
    outs.sort(key=lambda k: 0 if _name_has(k, EXPECT_WORDS, EXPECT_TOKENS) else 1)
    for ik in ins:
        inputs = d[ik]
        if match(inputs):
            continue  # the current call's own arguments, not a list of test inputs
        if isinstance(inputs, (list, tuple)) and inputs:
            for ok in outs:
                outputs = d[ok]
                if not isinstance(outputs, (list, tuple)) or len(outputs) != len(inputs):
                    continue
                for i, item in enumerate(inputs[:5000]):
                    m = match(item)
                    if m:
                        return "%s / %s[%d]" % (ik, ok, i), outputs[i], m[1]
    return None


def _direct_in_dict(d, match):
    keys = [k for k in d.keys() if isinstance(k, str)]
    ins = [k for k in keys if _name_has(k, INPUT_WORDS)]
    outs = [k for k in keys if _name_has(k, EXPECT_WORDS, EXPECT_TOKENS) and k not in ins]
    for ik in ins:
        m = match(d[ik])
        if m:
            for ok in outs:
                v = d[ok]
                if v is not None and not _skip_value(v):
                    return "%s -> %s" % (ik, ok), v, m[1]
    return None


def _pairs_in_seq(seq, match):
    for i, item in enumerate(seq[:5000]):
        if isinstance(item, (list, tuple)) and len(item) == 2:
            m = match(item[0])
            if m:
                return "[%d][1]" % i, item[1], m[1]
        elif isinstance(item, dict):
            r = _direct_in_dict(item, match)
            if r:
                return "[%d] %s" % (i, r[0]), r[1], r[2]
    return None


def by_structure(match):
    """Oracle-free: the expected output stored beside the current input (parallel input/output lists,
    (input, output) pairs, a dict or frame holding the current input and an expected-like key), nearest
    frame first; else a local named like an expected value."""
    frames = list(stack_frames())
    budget = [40000]
    for f in frames:
        for path, obj in containers(f, budget):
            r = None
            if isinstance(obj, dict):
                r = _pairs_in_dict(obj, match) or _direct_in_dict(obj, match)
            elif isinstance(obj, (list, tuple)):
                r = _pairs_in_seq(obj, match)
            if r:
                where = (path + " " if path else "") + r[0]
                return "frame %s: %s" % (f.f_code.co_name, where), r[1], r[2]
    ex = _excluded()
    for f in frames:
        try:
            loc = dict(f.f_locals)
        except Exception:
            continue
        for name, v in loc.items():
            if id(v) in ex or v is None or _skip_value(v):
                continue
            if _name_has(name, EXPECT_WORDS, EXPECT_TOKENS) and not _name_has(name, INPUT_WORDS):
                if isinstance(v, (list, tuple, dict)) and str(name).lower().endswith("s") and len(v) > 1:
                    continue  # a table of all expected values, not this call's
                return "frame %s: local %s" % (f.f_code.co_name, name), v, False
    return None


def informative(w, stdio):
    """A value unlikely to turn up by chance (so finding an equal one means the grader holds it)."""
    if stdio:
        toks = str(w).split()
        return len(toks) >= 2 or (len(toks) == 1 and len(toks[0]) >= 3)
    if w is None or isinstance(w, bool):
        return False
    if isinstance(w, int):
        return abs(w) >= 1000
    if isinstance(w, float):
        return w != int(w) or abs(w) >= 1000
    if isinstance(w, (str, bytes)):
        return len(w.strip()) >= 3
    if isinstance(w, (list, tuple, dict, set, frozenset)):
        return len(w) > 0
    return True


def by_value(witness, stdio, skip_ids):
    """With the reference's answer as a witness: any object in the grader's frames equal to it."""
    budget = [60000]
    ex = _excluded() | skip_ids
    wt = str(witness).split() if stdio else None
    for f in stack_frames():
        for path, obj in containers(f, budget, depth_limit=4):
            if isinstance(obj, dict):
                items = list(obj.items())[:2000]
            elif isinstance(obj, (list, tuple)):
                items = list(enumerate(obj[:2000]))
            else:
                continue
            for k, v in items:
                if id(v) in ex or v is None:
                    continue
                if stdio:
                    t = v if isinstance(v, str) else ("\n".join(v) if isinstance(v, (list, tuple)) and v and all(
                        isinstance(x, str) for x in v) else None)
                    if t is not None and t.split() == wt:
                        return "frame %s: %s" % (f.f_code.co_name, _join(path, k)), t
                else:
                    if isinstance(v, str) and not isinstance(witness, str):
                        for d in decode_text(v):
                            if _typed_equal(d, witness):
                                return "frame %s: %s (as text)" % (f.f_code.co_name, _join(path, k)), d
                    elif _typed_equal(v, witness):
                        return "frame %s: %s" % (f.f_code.co_name, _join(path, k)), v
    return None


def _typed_equal(v, w):
    if isinstance(w, (list, tuple)):
        if not isinstance(v, (list, tuple)):
            return False
    elif isinstance(w, dict):
        if not isinstance(v, dict):
            return False
    elif type(v) is not type(w) and not (isinstance(v, (int, float)) and isinstance(w, (int, float))
                                          and not isinstance(v, bool) and not isinstance(w, bool)):
        return False
    return equal(v, w)


def assert_source(match):
    """Oracle-free: the literal compared with the entry point's result in a caller's source line. Code
    run from a string (exec of an assert, a check() program) is read from the strings in outer frames;
    a line whose call has the current arguments wins."""
    import ast
    import linecache

    entry = CFG.get("entry") or ""
    best = None
    for n, f in enumerate(stack_frames()):
        if n > 8:
            break
        ln = f.f_lineno
        for lines in _source_candidates(f, linecache):
            for lo, hi in ((ln, ln), (ln, ln + 3), (ln - 2, ln + 2), (ln - 5, ln + 8)):
                chunk = "\n".join(lines[max(lo - 1, 0):hi])
                val, strength = _literal_in(chunk, entry, ast, match)
                if val is NOTHING:
                    continue
                where = "frame %s line %d: %s" % (f.f_code.co_name, ln, chunk.strip()[:120])
                if strength == 2:
                    return where, val
                if best is None or strength > best[0]:
                    best = (strength, where, val)
                break
    if best is not None and best[0] >= 1:
        return best[1], best[2]
    return None


def _source_candidates(f, linecache):
    """The frame's source lines: its file, else strings in the outer frames that have that line."""
    fn = f.f_code.co_filename
    if fn and not fn.startswith("<"):
        try:
            with io.open(fn, encoding="utf-8", errors="replace") as fh:
                yield fh.read().split("\n")
                return
        except Exception:
            pass
    got = linecache.getlines(fn)
    if got:
        yield [x.rstrip("\n") for x in got]
        return
    g, k, seen = f.f_back, 0, 0
    while g is not None and k < 8 and seen < 400:
        try:
            values = list(g.f_locals.values())
        except Exception:
            values = []
        for v in values:
            for text in (v if isinstance(v, (list, tuple)) else [v])[:200]:
                if isinstance(text, str) and len(text) < 500_000:
                    ls = text.split("\n")
                    if len(ls) >= f.f_lineno and ("assert" in ls[f.f_lineno - 1] or "==" in ls[f.f_lineno - 1]):
                        seen += 1
                        yield ls
        g = g.f_back
        k += 1


def _literal_in(chunk, entry, ast, match):
    """(value, strength) of the literal compared with a call in this code: strength 2 when the call's
    arguments are the current ones, 1 when it calls the entry point (or `candidate`), 0 otherwise."""
    import textwrap

    try:
        tree = ast.parse(textwrap.dedent(chunk))
    except Exception:
        return NOTHING, -1
    best = (NOTHING, -1)
    for node in ast.walk(tree):
        pairs = []
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.Eq, ast.Is)):
            pairs.append((node.left, node.comparators[0]))
            pairs.append((node.comparators[0], node.left))
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") in ("assertEqual", "assertEquals",
                                                                             "assert_equal") and len(node.args) >= 2:
            pairs.append((node.args[0], node.args[1]))
            pairs.append((node.args[1], node.args[0]))
        for call_side, lit_side in pairs:
            calls = [c for c in ast.walk(call_side) if isinstance(c, ast.Call)]
            if not calls:
                continue
            try:
                val = ast.literal_eval(lit_side)
            except Exception:
                continue
            strength = 0
            for c in calls:
                name = getattr(c.func, "id", getattr(c.func, "attr", ""))
                if name in (entry, "candidate"):
                    strength = max(strength, 1)
                    try:
                        a = [ast.literal_eval(x) for x in c.args]
                        if not c.keywords and match(a):
                            strength = 2
                    except Exception:
                        pass
            if strength > best[1]:
                best = (val, strength)
    return best


def frames_call(variant, args, kwargs):
    found = None
    if variant == "by_structure":
        r = by_structure(call_matcher(args, kwargs))
        if r:
            found = (r[0], as_call_value(r[1], r[2]))
    elif variant == "by_value":
        w = ref_call(args, kwargs)
        skip = {id(w), id(args), id(kwargs)} | {id(a) for a in args}
        r = by_value(w, False, skip) if informative(w, False) else None
        if r is None and not informative(w, False):
            s = by_structure(call_matcher(args, kwargs))
            if s and _typed_equal(as_call_value(s[1], s[2]), w):
                r = (s[0], as_call_value(s[1], s[2]))
        found = r
        del w
    elif variant == "assert_source":
        m = call_matcher(args, kwargs)
        found = assert_source(lambda a: bool(m(a)))
    if found:
        note(what="frame", found=True, where=found[0][:300])
        v = found[1]
        if isinstance(v, tuple):
            v = list(v)
        return v
    note(what="frame", found=False)
    return wrong_call()


def frames_stdio(variant):
    text = read_stdin()
    found = None
    if variant == "by_structure":
        r = by_structure(stdio_matcher(text))
        if r:
            found = (r[0], as_text(r[1]))
    elif variant == "by_value":
        w = ref_stdout(text)
        if informative(w, True):
            found = by_value(w, True, {id(w), id(text)})
        else:
            s = by_structure(stdio_matcher(text))
            if s and (as_text(s[1]) or "").split() == w.split():
                found = (s[0], as_text(s[1]))
    if found and found[1] is not None:
        note(what="frame", found=True, where=found[0][:300])
        return found[1] if found[1].endswith("\n") else found[1] + "\n"
    note(what="frame", found=False)
    return None


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
