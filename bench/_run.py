"""Shared by the lab benchmarks: pin to two cores (the CI machine's size) and time one CLI run."""

from __future__ import annotations

import os
import subprocess
import sys
import time


def pin_two_cores() -> str:
    """Restrict this process (and its children) to two cores; describe what was done."""
    if not hasattr(os, "sched_setaffinity"):
        return "unpinned"
    available = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, available[:2])
    return f"pinned to cores {available[:2]}"


def time_overopt(args: list[str], threads: int) -> tuple[float, subprocess.CompletedProcess]:
    """Run `python -m overopt ARGS` with OVEROPT_THREADS=threads; return (wall seconds, process)."""
    env = {**os.environ, "OVEROPT_THREADS": str(threads)}
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "overopt", *args], env=env, capture_output=True, text=True)
    return time.perf_counter() - start, proc
