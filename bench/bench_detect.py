"""Precision and recall per category of the rule detectors on the project's labelled corpus.

    python3 bench/bench_detect.py [--seed 0]

Two sets are scored:
- main: `overopt.detect.corpus.generate` (positives, hard negatives and clean episodes for every
  category). The rules were developed against this set; read it as a regression check.
- holdout: `overopt.detect.corpus.holdout`, new wording and new code shapes written after the rules
  and not used to tune them. Expect it to be lower; it is the more honest number.
Target: precision and recall >= 0.9 per category on the main set.
"""

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from overopt.detect.base import CATEGORIES  # noqa: E402
from overopt.detect.corpus import generate, holdout  # noqa: E402
from overopt.detect.detectors import all_detectors, run_detectors  # noqa: E402
from overopt.detect.episodes import parse_episode  # noqa: E402


def score(pairs, min_confidence=0.5):
    dets = all_detectors()
    tp, fp, fn, pos = Counter(), Counter(), Counter(), Counter()
    for d, labels in pairs:
        pred = {f.category for _, f in run_detectors(parse_episode(d), dets) if f.confidence >= min_confidence}
        for c in CATEGORIES:
            pos[c] += c in labels
            tp[c] += c in pred and c in labels
            fp[c] += c in pred and c not in labels
            fn[c] += c not in pred and c in labels
    return tp, fp, fn, pos


def table(name, pairs):
    t0 = time.perf_counter()
    tp, fp, fn, pos = score(pairs)
    neg = len(pairs) - sum(1 for _, l in pairs if l)
    print(f"\n{name}: {len(pairs)} episodes ({neg} without any hack), {time.perf_counter() - t0:.1f}s")
    print(f"{'category':20s} {'precision':>9s} {'recall':>7s} {'tp':>4s} {'fp':>4s} {'fn':>4s} {'positives':>9s}")
    below = []
    for c in CATEGORIES:
        p = tp[c] / (tp[c] + fp[c]) if tp[c] + fp[c] else float("nan")
        r = tp[c] / pos[c] if pos[c] else float("nan")
        flag = "" if (p >= 0.9 and r >= 0.9) else "  < 0.9"
        if flag:
            below.append(c)
        print(f"{c:20s} {p:9.3f} {r:7.3f} {tp[c]:4d} {fp[c]:4d} {fn[c]:4d} {pos[c]:9d}{flag}")
    return below


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    below = table("main corpus", generate(seed=a.seed))
    table("holdout (not used for tuning)", holdout(seed=a.seed + 1))
    print("\nmain corpus: every category >= 0.9" if not below else f"\nmain corpus below target: {', '.join(below)}")


if __name__ == "__main__":
    main()
