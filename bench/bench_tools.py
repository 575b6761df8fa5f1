"""Benchmark of `overopt lab tools --preset quick` (issue 3): wall time on 2 CPU cores + the targets.

    python bench/bench_tools.py [--seed 0] [--out DIR] [--threads 2]

Pins itself (and the run it starts) to 2 CPU cores where the OS allows, runs the quick preset
through the CLI in a fresh process, prints the wall time against the 5-minute budget, where the
time went (pretraining, RL per verifier, tool calls), and the issue's "Done when" checks.
Exit code 1 if the budget or a target is missed.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
from pathlib import Path

from _run import pin_two_cores, time_overopt

BUDGET_S = 300.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="run folder (default: a temp folder)")
    parser.add_argument("--threads", type=int, default=2, help="torch threads (OVEROPT_THREADS)")
    args = parser.parse_args()
    cores = pin_two_cores()
    out = args.out or Path(tempfile.mkdtemp(prefix="bench_tools_"))
    wall, proc = time_overopt(["lab", "tools", "--preset", "quick", "--outage-rate", "0.3", "--seed", str(args.seed),
                               "--out", str(out)], threads=args.threads)
    if proc.returncode != 0:
        print(proc.stdout, proc.stderr, sep="\n")
        print(f"FAILED: exit code {proc.returncode}")
        return 1
    from overopt.worlds.tools.report import checks

    summary = json.loads((out / "summary.json").read_text())
    ok = wall <= BUDGET_S
    print(f"overopt lab tools --preset quick --seed {args.seed}: {wall:.1f} s wall "
          f"({cores}, {args.threads} torch threads; budget {BUDGET_S:.0f} s) -> {'OK' if ok else 'OVER BUDGET'}")
    ledger = (out / "ledger.jsonl").read_text().splitlines()
    print(f"  pretraining {summary['pretrain_seconds']:.1f} s; {len(ledger)} tool calls through the sandbox "
          f"(ledger lines); {len(list(csv.DictReader(open(out / 'curves.csv'))))} curve rows")
    for name, passed, value in checks(summary):
        ok &= passed
        print(f"  {'PASS' if passed else 'MISS'} {name}: {value}")
    print(f"run folder: {out}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
