"""Run-time part: set-up and dispatch, the functions a submission calls (`setup`, `call`, `main`)."""

import os
import sys
import time

if __package__:  # within overopt; embedded in a submission, the parts share one namespace
    from ._base import (CFG, NOTHING, OWN, RUNNER, STATE, emit, flush, frame_at, hard_exit0, note, read_stdin,
        ref_stdout, runner_loaded, short_repr, stdin_key, watch_call, write, wrong_call)
    from ._matching import table_call, table_stdio
    from ._files import files_call, files_stdio
    from ._frames import frames_call, frames_stdio
    from ._actions import (always_equal, degenerate_call, degenerate_stdio, forge_results, patch_clock, patch_reports,
        remove_tests, skip_now, test_files)


# --- set-up and dispatch --------------------------------------------------------------------------


def _collect_own():
    def add(code):
        if code in OWN:
            return
        OWN.add(code)
        for c in code.co_consts:
            if hasattr(c, "co_code"):
                add(c)

    for v in list(globals().values()):  # embedded, the whole runtime: its parts share one namespace
        if hasattr(v, "__code__"):
            add(v.__code__)
    for f in (STATE.get("sub_globals") or {}).values():
        if hasattr(f, "__code__") and getattr(f, "__module__", None) == (STATE.get("sub_globals") or {}).get(
                "__name__", NOTHING):
            add(f.__code__)


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
