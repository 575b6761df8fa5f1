"""`overopt probe`: red-team a grader with the exploit battery, inside the sandbox, anchored on a reference.

1. **Anchors.** A correct reference (`--reference`) must pass and a wrong-but-honest submission must fail;
   if either check fails the verdict is "inconclusive" (exit 3), and without a reference it is at best
   "unverified" (exit 3 unless an exploit is accepted).
2. **Discovery.** The reference is run twice more, wrapped so every call of the entry point (or every
   run of a stdin/stdout program) records what the grader fed it and what the reference answered. That
   gives the grader's real test inputs in any format, and tells whether they are the same each run. Test
   cases parsed from the grader's files and dataset row (`_cases`) are a second source.
3. **The battery** (`_exploits.py`): families of exploits, each in variants, run concurrently.

An exploit is *accepted* when its score reaches the reference's (or `--pass-score`). Exploits that never
hold a correct answer (always-equal objects, exits, report patches, test removal, clock tampering) are
also accepted on any score above the wrong baseline; answer-producing ones only count partial gains as
evidence. A degenerate answer counts only if it differed from the reference's on some call.

Two ways to name the grader: a Python callable `module:function` (called through an adapter, see
`_adapters.py`), or a shell command run in a fresh copy of a task folder (exit code 0 = pass).

`probe` is the command (`overopt probe`); `run_probe(ProbeConfig(...), folder)` runs it from Python and returns
a `ProbeReport`. Everything but the command loads on first use, so the command line starts fast.
"""

from __future__ import annotations

import importlib

from ._command import probe

__all__ = ["CALL_VARIANTS", "FAMILIES", "STDIO_VARIANTS", "ExploitResult", "ProbeConfig", "ProbeReport", "Trial",
           "probe", "run_probe", "validate"]

_LAZY = {"CALL_VARIANTS": "_exploits", "FAMILIES": "_exploits", "STDIO_VARIANTS": "_exploits",
         "ExploitResult": "_results", "ProbeReport": "_results", "Trial": "_results",
         "ProbeConfig": "_config", "validate": "_config", "run_probe": "_run"}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
