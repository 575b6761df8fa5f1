"""Benchmark of `overopt lab control --preset quick` (issue 6): wall time on 2 CPU cores + the gaps.

    python bench/bench_control.py [--seed 0] [--out DIR]

Pins itself (and the run it starts) to 2 CPU cores where the OS allows, runs the quick preset
through the CLI in a fresh process, prints the wall time against the 2-minute budget and, per
environment, whether the learned agent out-scores the intended policy on the observed reward
while doing worse on the hidden true objective. Exit code 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from _run import pin_two_cores, time_overopt

BUDGET_S = 120.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="run folder (default: a temp folder)")
    args = parser.parse_args()
    cores = pin_two_cores()
    out = args.out or Path(tempfile.mkdtemp(prefix="bench_control_"))
    wall, proc = time_overopt(["lab", "control", "--preset", "quick", "--seed", str(args.seed),
                               "--out", str(out)], threads=2)
    if proc.returncode != 0:
        print(proc.stdout, proc.stderr, sep="\n")
        print(f"FAILED: exit code {proc.returncode}")
        return 1
    summary = json.loads((out / "summary.json").read_text())
    ok = wall <= BUDGET_S
    print(f"overopt lab control --preset quick --seed {args.seed}: {wall:.1f} s wall "
          f"({cores}; budget {BUDGET_S:.0f} s) -> {'OK' if ok else 'OVER BUDGET'}")
    for name, s in summary["envs"].items():
        gamed = s["learned_observed"] > s["intended_observed"] and s["learned_true"] < s["intended_true"]
        ok &= gamed
        print(f"  {name:15s} observed learned {s['learned_observed']:7.2f} > intended "
              f"{s['intended_observed']:7.2f}: {s['learned_observed'] > s['intended_observed']};  "
              f"true learned {s['learned_true']:7.2f} < intended {s['intended_true']:7.2f}: "
              f"{s['learned_true'] < s['intended_true']}")
    print(f"run folder: {out}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
