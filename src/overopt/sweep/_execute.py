"""Running a sweep's lab runs: as Ray tasks (local or on a cluster), or in local worker processes without Ray.

Each run is one call of `run_one` in a worker: it builds the config from the lab's preset and the run's settings,
sets the torch thread count, and runs the lab through `overopt.labs.run_lab` into its own run folder. A run that
fails is retried once; a second failure is recorded with its error.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from overopt.errors import DependencyMissing
from overopt.sweep._plan import RunSpec

RAY_HINT = "Ray is an optional extra: pip install 'overopt[ray]' (or pip install 'ray[default]')"

Outcome = dict[str, Any]
OnDone = Callable[[RunSpec, Outcome], None]


def run_one(lab: str, preset: str | None, settings: tuple[str, ...], seed: int, out: str, threads: int) -> Outcome:
    """Run one lab run in this process; never raises (the error is returned in the outcome)."""
    from overopt.cli import quiet_libraries

    os.environ["OVEROPT_THREADS"] = str(threads)
    quiet_libraries()  # a worker is a fresh interpreter: the same quiet as the command line
    started = time.perf_counter()
    try:
        from overopt.configs import apply_settings
        from overopt.labs import get_lab, run_lab
        from overopt.progress import SILENT

        lab_obj = get_lab(lab)
        run_lab(lab_obj, apply_settings(lab_obj.config(preset), list(settings)), seed, out, progress=SILENT)
        return {"state": "complete", "seconds": round(time.perf_counter() - started, 2)}
    except BaseException as exc:  # a worker reports every failure, KeyboardInterrupt included
        return {"state": "failed", "error": f"{type(exc).__name__}: {exc}",
                "seconds": round(time.perf_counter() - started, 2)}


def ray_available() -> bool:
    try:
        import ray  # noqa: F401
    except ImportError:
        return False
    return True


def local_workers(threads: int) -> int:
    """Worker processes so that workers x threads never exceed this machine's cores."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, cores // threads)


def run_local(specs: list[RunSpec], args: dict[str, Any], root: Path, on_done: OnDone) -> None:
    """Run `specs` in local worker processes (spawned: a fresh interpreter each, as Ray workers are)."""
    threads = args["threads"]
    with ProcessPoolExecutor(max_workers=local_workers(threads), mp_context=get_context("spawn")) as pool:
        pending = {pool.submit(run_one, args["lab"], args["preset"], s.settings, s.seed, str(root / s.name),
                               threads): (s, 1) for s in specs}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                spec, attempt = pending.pop(future)
                outcome = _outcome(future.result, attempt)
                if outcome["state"] != "complete" and attempt == 1:
                    pending[pool.submit(run_one, args["lab"], args["preset"], spec.settings, spec.seed,
                                        str(root / spec.name), threads)] = (spec, 2)
                    continue
                on_done(spec, outcome)


def run_ray(specs: list[RunSpec], args: dict[str, Any], root: Path, on_done: OnDone, address: str | None) -> str:
    """Run `specs` as Ray tasks of `threads` CPUs each; returns a line saying where Ray ran."""
    try:
        import ray
    except ImportError as exc:
        raise DependencyMissing(f"{RAY_HINT} ({exc})") from None
    threads = args["threads"]
    ray.init(address=address, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True,
             configure_logging=True, logging_level=logging.ERROR)  # Ray's own notices stay out of the terminal
    try:
        cpus = int(ray.cluster_resources().get("CPU", 1))
        task = ray.remote(num_cpus=threads, max_retries=0)(run_one)

        def submit(spec: RunSpec):
            return task.remote(args["lab"], args["preset"], spec.settings, spec.seed, str(root / spec.name), threads)

        pending = {submit(s): (s, 1) for s in specs}
        while pending:
            ready, _ = ray.wait(list(pending), num_returns=1)
            spec, attempt = pending.pop(ready[0])
            outcome = _outcome(lambda: ray.get(ready[0]), attempt)
            if outcome["state"] != "complete" and attempt == 1:
                pending[submit(spec)] = (spec, 2)
                continue
            on_done(spec, outcome)
        return f"Ray ({'cluster at ' + address if address else 'local'}, {cpus} CPUs, {threads} per run)"
    finally:
        ray.shutdown()


def _outcome(get: Callable[[], Outcome], attempt: int) -> Outcome:
    """The worker's outcome, or a failure if the worker itself died (killed, out of memory)."""
    try:
        outcome = dict(get())
    except BaseException as exc:
        outcome = {"state": "failed", "error": f"worker died: {type(exc).__name__}: {exc}"}
    return {**outcome, "attempts": attempt}
