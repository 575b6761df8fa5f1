"""Why the mitigations lab's ensembles help on some seeds and not others: do the members share their errors?

For each seed, trains the lab's k reward models as the lab does ('same': all members on the proxy's pairs,
different initialization seeds) and k on bootstrap resamples ('bootstrap'), then prints, on the clean held-out
pairs: each member's error rate, the share of pairs all k get wrong (and what it would be if their errors were
independent), the mean pairwise correlation of their errors and of their score margins.

    python bench/bench_ensemble_members.py --seeds 0 1 2      # about 4 minutes per seed on one core
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def members_report(seed: int, k: int, kind: str, world, cfg) -> dict:
    from overopt.rewards.reward_model import train_reward_model
    from overopt.worlds.rlhf.world import SCORE_TEMPLATE, train_proxy

    train = world.pairs.subset(range(min(cfg.reward_model.pairs, len(world.pairs))))
    members = [train_proxy(world, cfg.reward_model, seed)[0]]
    for i in range(1, k):
        pairs = train
        if kind == "bootstrap":
            pairs = train.subset(np.random.default_rng(seed + 1000 * i).integers(len(train), size=len(train)).tolist())
        members.append(train_reward_model(world.tokenizer, pairs, cfg.reward_model, seed=seed + 1000 * i,
                                          template=SCORE_TEMPLATE))
    h = world.held_out_pairs
    margins = np.array([m(h.prompts, h.chosen) - m(h.prompts, h.rejected) for m in members])
    wrong = margins <= 0
    pairs_ij = [(a, b) for a in range(k) for b in range(a + 1, k)]
    return {"member_error": wrong.mean(1).round(3).tolist(), "all_wrong": float(wrong.all(0).mean()),
            "all_wrong_if_independent": float(np.prod(wrong.mean(1))),
            "error_corr": float(np.mean([np.corrcoef(wrong[a], wrong[b])[0, 1] for a, b in pairs_ij])),
            "margin_corr": float(np.mean([np.corrcoef(margins[a], margins[b])[0, 1] for a, b in pairs_ij]))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--members", type=int, default=4)
    args = parser.parse_args()
    for key, value in (("HF_HUB_OFFLINE", "1"), ("HF_HUB_DISABLE_PROGRESS_BARS", "1"), ("TRANSFORMERS_VERBOSITY", "error")):
        os.environ.setdefault(key, value)
    from overopt.labs import get_lab
    from overopt.seeding import seed_everything
    from overopt.worlds.rlhf.world import build_world

    print("seed  members    error rates              all wrong  (if independent)  error corr  margin corr")
    for seed in args.seeds:
        seed_everything(seed)
        cfg = get_lab("mitigations").config("quick")
        world = build_world(cfg.reference, cfg.reward_model, seed)
        for kind in ("same", "bootstrap"):
            r = members_report(seed, args.members, kind, world, cfg)
            print(f"{seed:4d}  {kind:9s}  {' '.join(f'{e:.3f}' for e in r['member_error'])}  {r['all_wrong']:9.3f}  "
                  f"{r['all_wrong_if_independent']:16.4f}  {r['error_corr']:10.3f}  {r['margin_corr']:11.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
