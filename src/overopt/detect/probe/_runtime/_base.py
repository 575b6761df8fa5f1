"""Run-time helper that `overopt probe` embeds in every submission it builds (standard library only).

A submission carries the text of these parts, joined in order (`embedded_source()`), loads it into one fresh
module and calls `setup(cfg, globals())` when it is imported, then `call(args, kwargs)` for each call of the
entry point (function submissions) or `main()` (stdin/stdout programs). `cfg["mode"]` is:

- "watch": run the reference solution and record what the grader fed it (arguments or stdin) and what
  the reference answered (return value or stdout);
- "exploit": act out `cfg["family"]` / `cfg["variant"]`.

Records and notes go to `cfg["record"]`, an absolute path, with os.open/os.write (graders patch
builtins.open and sys.stdout and set os functions to None). Files are only written or deleted under
`cfg["safe_roots"]`. The parts must stay free of module-level rebinding from functions (`global`),
multi-line data strings, triple backticks and the name of the common test runner, so a submission
survives graders that wrap programs in a function or filter their text.

This part: the shared state, records and notes, input keys, small helpers and the reference (the oracle).
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


def frame_at(n):
    """sys._getframe(n + 1) from the caller's point of view, or None when the stack is shallower."""
    try:
        return sys._getframe(n + 1)
    except ValueError:
        return None


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
