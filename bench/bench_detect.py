"""Precision and recall per category of the rule detectors on three labeled sets, side by side.

    python3 bench/bench_detect.py [--seed 0] [--misses new] [--json out.json]

- main: `corpora.main.generate` (positives, hard negatives and clean episodes for every category). The rules
  were developed against this set; read it as a regression check.
- old holdout: `corpora.main.holdout`, new wording written after the first rules (160 episodes).
- new holdout: `corpora.independent_holdout.generate`, an independent set written from the category definitions and
  the research fact sheet *before* its author read the detectors' code, and not edited to fit them (343 episodes,
  >= 12 positives per category, 140+ hard negatives). The most honest of the three.
- real: `../shared/realdata/scan-dev/` (`--real DIR`), 170 real transcripts from public sources, hand-labeled by
  someone who did not write the rules. Printed with support and Wilson 95% intervals; skipped with a note when the
  folder is absent.
Target: precision and recall >= 0.9 per category on the main set; as high as honestly possible on the holdouts;
on the real set micro precision and recall >= 0.9 and every category with support >= 5 at >= 0.8.
`--misses SET` prints the false negatives and false positives of one set (main, old, new, real) with their evidence.
"""

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))  # corpora/: the generated sets, kept out of the package

from corpora import independent_holdout  # noqa: E402
from corpora.main import generate, holdout  # noqa: E402
from overopt.detect.base import CATEGORIES  # noqa: E402
from overopt.detect.detectors import all_detectors, run_detectors  # noqa: E402
from overopt.detect.episodes import parse_episode  # noqa: E402
from overopt.detect.scan import wilson  # noqa: E402

REAL_DEFAULT = ROOT.parent / "shared" / "realdata" / "scan-dev"


def load_real(folder: Path) -> list[tuple[dict, set]] | None:
    """(episode, labeled categories) pairs of a labeled real set: episodes.jsonl + labels.jsonl, joined on id."""
    eps, labels = folder / "episodes.jsonl", folder / "labels.jsonl"
    if not (eps.is_file() and labels.is_file()):
        return None
    cats = {}
    for line in labels.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            cats[row["id"]] = set(row["categories"])
    pairs = []
    for line in eps.read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            if d["id"] in cats:
                pairs.append((d, cats[d["id"]]))
    return pairs


def print_real(res, n_eps: int) -> None:
    """Per-category precision and recall on the real set, with support and Wilson 95% intervals."""
    tp, fp, fn, pos, _ = res
    print(f"\nreal set ({n_eps} episodes): precision and recall with Wilson 95% intervals")
    print(f"{'category':18s} {'support':>7s} {'TP':>4s} {'FP':>4s} {'FN':>4s}   {'precision':>19s}   {'recall':>19s}")
    def cell(k, n):
        if n == 0:
            return f"{'-':>19s}"
        lo, hi = wilson(k, n)
        return f"{k / n:5.2f} [{lo:4.2f}, {hi:4.2f}]".rjust(19)
    below = []
    for c in CATEGORIES:
        print(f"{c:18s} {pos[c]:7d} {tp[c]:4d} {fp[c]:4d} {fn[c]:4d}   {cell(tp[c], tp[c] + fp[c])}   "
              f"{cell(tp[c], pos[c])}")
        if pos[c] >= 5 and not (tp[c] >= 0.8 * (tp[c] + fp[c]) and tp[c] >= 0.8 * pos[c]):
            below.append(c)
    T, F, N = sum(tp.values()), sum(fp.values()), sum(fn.values())
    print(f"{'micro':18s} {T + N:7d} {T:4d} {F:4d} {N:4d}   {cell(T, T + F)}   {cell(T, T + N)}")
    ok = T >= 0.9 * (T + F) and T >= 0.9 * (T + N) and not below
    print("real set: targets met" if ok else
          "real set below target: " + ", ".join(["micro"] * (not (T >= 0.9 * (T + F) and T >= 0.9 * (T + N)))
                                                 + below))


def predict(d, dets, min_confidence=0.5):
    return [f for _, f in run_detectors(parse_episode(d), dets) if f.confidence >= min_confidence]


def score(pairs, min_confidence=0.5, keep=False):
    dets = all_detectors()
    tp, fp, fn, pos = Counter(), Counter(), Counter(), Counter()
    errors = []
    for d, labels in pairs:
        found = predict(d, dets, min_confidence)
        pred = {f.category for f in found}
        for c in CATEGORIES:
            pos[c] += c in labels
            tp[c] += c in pred and c in labels
            fp[c] += c in pred and c not in labels
            fn[c] += c not in pred and c in labels
            if keep and (c in pred) != (c in labels):
                ev = [f.evidence[:200] for f in found if f.category == c]
                errors.append(("FP" if c in pred else "FN", c, d.get("id"), ev))
    return tp, fp, fn, pos, errors


def pr(tp, fp, fn, pos, c):
    p = tp[c] / (tp[c] + fp[c]) if tp[c] + fp[c] else float("nan")
    r = tp[c] / pos[c] if pos[c] else float("nan")
    return p, r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--misses", choices=["main", "old", "new", "real"])
    ap.add_argument("--real", type=Path, default=REAL_DEFAULT, help="labeled real set (episodes.jsonl + labels.jsonl)")
    ap.add_argument("--json", help="write the numbers to this file")
    a = ap.parse_args()
    sets = {"main": generate(seed=a.seed), "old": holdout(seed=a.seed + 1),
            "new": independent_holdout.generate(seed=a.seed)}
    real = load_real(a.real)
    res = {}
    if real is not None:
        res["real"] = score(real, keep=(a.misses == "real"))
    for name, pairs in sets.items():
        t0 = time.perf_counter()
        res[name] = score(pairs, keep=(name == a.misses))
        neg = sum(1 for _, l in pairs if not l)
        print(f"{name:4s}: {len(pairs)} episodes ({neg} without any hack), {time.perf_counter() - t0:.1f}s")
    print()
    hdr = f"{'category':18s}" + "".join(f" | {n + ' P':>7s} {n + ' R':>7s} {'n+':>3s}" for n in sets)
    print(hdr)
    print("-" * len(hdr))
    out, below = {}, []
    for c in CATEGORIES:
        row = f"{c:18s}"
        for name in sets:
            tp, fp, fn, pos, _ = res[name]
            p, r = pr(tp, fp, fn, pos, c)
            row += " | " + " ".join(f"{x:7.2f}" if x == x else f"{'-':>7s}" for x in (p, r)) + f" {pos[c]:3d}"
            out.setdefault(name, {})[c] = {"precision": p, "recall": r, "tp": tp[c], "fp": fp[c], "fn": fn[c],
                                          "positives": pos[c]}
            if name == "main" and not (p >= 0.9 and r >= 0.9):
                below.append(c)
        print(row)
    for name in sets:
        tp, fp, fn, pos, _ = res[name]
        T, F, N = sum(tp.values()), sum(fp.values()), sum(fn.values())
        print(f"{name:4s} micro: precision {T / max(1, T + F):.3f} recall {T / max(1, T + N):.3f} "
              f"(tp {T}, fp {F}, fn {N})")
    print("\nmain corpus: every category >= 0.9" if not below else f"\nmain corpus below target: {', '.join(below)}")
    if real is None:
        print(f"\nreal set: not found at {a.real} (pass --real DIR)")
    else:
        print_real(res["real"], len(real))
        tp, fp, fn, pos, _ = res["real"]
        out["real"] = {c: {"tp": tp[c], "fp": fp[c], "fn": fn[c], "positives": pos[c]} for c in CATEGORIES}
    if a.misses:
        print(f"\nerrors on {a.misses}:")
        for kind, c, eid, ev in sorted(res[a.misses][4], key=lambda e: (e[1], e[0])):
            print(f"  {kind} {c:18s} {eid}  {ev!r:.220s}")
    if a.json:
        Path(a.json).write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
