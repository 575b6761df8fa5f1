"""Benchmark: the RLHF lab's quick preset, cold (reference policy trained from scratch).

Prints wall time and peak memory (target: <= 5 minutes and <= 4 GB on 2 CPU cores, DPO included), the time the
DPO runs take, and checks the preset's claims from its own output: RL gold rises, peaks and falls while
the proxy climbs; best-of-n proxy rises with n and gold rises to its peak; both Gao fits have R^2 >= 0.8; DPO at
its smallest β falls >= 0.3 z from its gold peak while its implicit margin keeps rising; smaller β, larger KL.

    python bench/bench_rlhf.py [--preset quick] [--seed 0] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", default="quick")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--keep", type=Path, help="write the run folder here instead of a temp folder")
    ap.add_argument("--warm", action="store_true", help="reuse the normal model cache (skip SFT if cached)")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="overopt-bench-"))
    out = args.keep or tmp / "run"
    env = dict(os.environ)
    if not args.warm:
        env["OVEROPT_CACHE"] = str(tmp / "cache")
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "overopt", "lab", "rlhf", "--preset", args.preset,
                           "--seed", str(args.seed), "--out", str(out)], env=env, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    # the lab's progress lines off a terminal: "[   41.7s] DPO β=0.1: 300/300 done"
    dpo_seconds = sum(float(m.group(1)) for m in re.finditer(r"\[\s*([\d.]+)s\] (?:DPO|IPO) β=\S+: \S+ done",
                                                              proc.stderr))
    peak_gb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 ** 2  # ru_maxrss is KiB on Linux
    if proc.returncode != 0:
        print(proc.stderr[-3000:])
        print(f"lab failed with exit code {proc.returncode}")
        return 1
    s = json.loads((out / "summary.json").read_text())
    fits = json.loads((out / "fits.json").read_text())
    import csv

    bon = [r for r in csv.DictReader(open(out / "curves.csv")) if r["method"] == "bon" and r["sweep"] == "main"]
    proxies = [float(r["proxy"]) for r in bon]
    golds = [float(r["gold"]) for r in bon]
    peak = golds.index(max(golds))
    checks = {
        "RL final gold <= peak gold - 0.5": s["rl_final_gold"] <= s["rl_peak_gold"] - 0.5,
        "RL final proxy >= proxy at gold peak + 0.5": s["rl_final_proxy"] >= s["rl_proxy_at_gold_peak"] + 0.5,
        "best-of-n proxy rises with n": all(b > a for a, b in zip(proxies, proxies[1:])),
        "best-of-n gold rises from n=1 to its peak": peak > 0 and all(b > a for a, b in zip(golds[:peak], golds[1:peak + 1])),
        "best-of-n fit R^2 >= 0.8": fits["bon"]["r2"] >= 0.8,
        "RL fit R^2 >= 0.8": fits["rl"]["r2"] >= 0.8,
        "DPO (smallest β) final gold <= peak gold - 0.3": s.get("dpo_gold_drop", 0) >= 0.3,
        "DPO (smallest β) implicit margin rises after the gold peak": s.get("dpo_margin_gain_after_peak", 0) > 0,
        "DPO: smaller β reaches a larger KL": bool(s.get("dpo_kl_falls_with_beta")),
        "wall time <= 300 s": wall <= 300,
        "peak memory <= 4 GB": peak_gb <= 4,
    }
    print(f"\npreset={args.preset} seed={args.seed} threads={env.get('OVEROPT_THREADS', 'default')} "
          f"cache={'warm' if args.warm else 'cold'}")
    print(f"wall time        {wall:8.1f} s   (target <= 300 s)")
    print(f"peak memory      {peak_gb:8.2f} GB  (target <= 4 GB; max RSS of the lab process)")
    print(f"RL gold          peak {s['rl_peak_gold']:+.2f} at step {s['rl_peak_step']}, final {s['rl_final_gold']:+.2f}")
    print(f"RL proxy         at gold peak {s['rl_proxy_at_gold_peak']:+.2f}, final {s['rl_final_proxy']:+.2f}")
    print(f"best-of-n gold   peak {s['bon_peak_gold']:+.2f} at n={s['bon_peak_n']}, n=max {s['bon_max_n_gold']:+.2f}")
    print(f"fits R^2         bon {fits['bon']['r2']:.3f}, rl {fits['rl']['r2']:.3f}")
    for name, run in s.get("direct_alignment", {}).items():
        print(f"{name:<16} gold peak {run['peak_gold']:+.2f} at step {run['peak_step']}, "
              f"final {run['final_gold']:+.2f}; final sqrt KL {run['final_sqrt_kl']:.2f}; "
              f"margin {run['margin_at_peak']:.3f} -> {run['final_margin']:.3f}")
    print(f"DPO/IPO runs     {dpo_seconds:8.1f} s   (part of the wall time: the preset with them stays <= 300 s)")
    for name, ok in checks.items():
        print(f"  [{'ok' if ok else 'MISSED'}] {name}")
    print(f"run folder: {out}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
