"""Parallel efficiency of `overopt sweep` on this machine: the sum of the runs' own times divided by
(wall time x workers), for local worker processes and (when installed) Ray, on the same plan.

    python bench/bench_sweep.py                               # control quick, seeds 0-5
    python bench/bench_sweep.py --lab rlhf --preset smoke --seeds 0-3

An efficiency near 1 means the runs kept every worker busy; the rest is start-up (a fresh interpreter per
worker, Ray's start) and the tail where fewer runs than workers are left.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def measure(lab: str, preset: str, seeds: str, use_ray: bool, threads: int) -> dict:
    from overopt.sweep import SweepPlan, parse_seeds, run_sweep
    from overopt.sweep._execute import local_workers

    with tempfile.TemporaryDirectory() as tmp:
        plan = SweepPlan(lab, parse_seeds(seeds), preset=preset)
        start = time.perf_counter()
        summary = run_sweep(plan, Path(tmp) / "sweep", threads=threads, use_ray=use_ray)
        wall = time.perf_counter() - start
        runs = json.loads((Path(tmp) / "sweep" / "sweep.json").read_text())["runs"]
    busy = sum(r.get("seconds", 0.0) for r in runs.values())
    workers = min(local_workers(threads), len(runs))
    return {"engine": summary["engine"], "runs": len(runs), "complete": summary["complete"], "wall": wall,
            "busy": busy, "workers": workers, "efficiency": busy / (wall * workers)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lab", default="control")
    parser.add_argument("--preset", default="quick")
    parser.add_argument("--seeds", default="0-5")
    parser.add_argument("--threads-per-run", type=int, default=1)
    args = parser.parse_args()
    from overopt.sweep._execute import ray_available

    engines = [False] + ([True] if ray_available() else [])
    print(f"overopt sweep {args.lab} --preset {args.preset} --seeds {args.seeds}, {args.threads_per_run} thread(s) per run")
    for use_ray in engines:
        r = measure(args.lab, args.preset, args.seeds, use_ray, args.threads_per_run)
        print(f"{'Ray' if use_ray else 'local':6s} {r['complete']}/{r['runs']} runs, wall {r['wall']:.1f} s, sum of run "
              f"times {r['busy']:.1f} s, {r['workers']} workers: parallel efficiency {r['efficiency']:.2f}")
    if len(engines) == 1:
        print("Ray is not installed: pip install 'overopt[ray]' to measure it too")
    return 0


if __name__ == "__main__":
    sys.exit(main())
