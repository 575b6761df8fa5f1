"""Benchmark of the online monitor's overhead (issue 5): its share of training time at its default interval.

    python bench/bench_monitor.py [--steps 40] [--every K] [--seed 0]

One real GRPO run on the rlhf lab's quick world (its cached reference policy; two freshly initialized
reward models stand in for the proxy and the test RM: scoring costs the same trained or not, and
nothing is trained but the policy), with `OverOptimizationCallback` attached in warn mode at the
monitor's default settings. The monitor times its own work (sampling, KL, scoring, fits, logging,
checkpoint saving); the ratio is monitor time / (wall time of `trainer.train()` - monitor time),
both from the same run. Target: <= 10%. Exit code 1 if the target is missed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import warnings

TARGET = 0.10


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--every", type=int, default=None, help="monitor interval (default: MonitorConfig's)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    warnings.filterwarnings("ignore")

    from dataclasses import replace

    from transformers import AutoModelForCausalLM, AutoTokenizer

    from overopt.integrations.trl_callback import OverOptimizationCallback
    from overopt.models.tiny import sequence_classifier
    from overopt.monitor import MonitorConfig
    from overopt.optimize.rl import train_grpo
    from overopt.rewards.reward_model import RewardModelScorer
    from overopt.seeding import seed_everything
    from overopt.worlds.rlhf.lab import PRESETS
    from overopt.worlds.rlhf.world import SCORE_TEMPLATE, prompt_split, reference_policy

    seed_everything(args.seed)
    cfg = PRESETS["quick"].make()
    path = reference_policy(cfg.reference, args.seed)
    tok = AutoTokenizer.from_pretrained(path)
    policy = AutoModelForCausalLM.from_pretrained(path)
    train, held_out = prompt_split(args.seed)
    rms = [RewardModelScorer(sequence_classifier(tok, cfg.reward_model.size, args.seed + i).eval(), tok,
                             template=SCORE_TEMPLATE, name=n) for i, n in enumerate(["proxy", "test_rm"])]
    mcfg = MonitorConfig(mode="warn", max_new_tokens=cfg.reference.max_new_tokens, seed=args.seed)
    if args.every is not None:
        mcfg = replace(mcfg, every=args.every)
    out = tempfile.mkdtemp(prefix="bench_monitor_")
    cb = OverOptimizationCallback(tokenizer=tok, prompts=[p.text for p in held_out], proxy=rms[0],
                                  test_rm=rms[1], config=mcfg, out_dir=out)
    rl = replace(cfg.rl, steps=args.steps)
    start = time.perf_counter()
    train_grpo(policy, tok, rms[0], [p.text for p in train], rl, seed=args.seed, extra_callbacks=[cb])
    wall = time.perf_counter() - start
    import json as _json
    from pathlib import Path

    mon = cb.result.seconds
    recurring = sum(_json.loads(x)["seconds"] for x in (Path(out) / "monitor.jsonl").read_text().splitlines())
    training = wall - mon
    ratio = mon / training
    n = cb.result.measurements
    print(f"GRPO steps: {args.steps} ({rl.prompts_per_step} prompts x {rl.num_generations} generations), "
          f"threads: {os.environ.get('OVEROPT_THREADS', 'default')}")
    print(f"monitor: every {mcfg.every} steps, {min(len(held_out), mcfg.max_prompts)} prompts x "
          f"{mcfg.per_prompt} samples, {n} measurements (incl. step 0 and the reference baseline)")
    print(f"training time (without the monitor): {training:.1f} s  ({training / args.steps:.2f} s/step)")
    print(f"monitor time:                        {mon:.1f} s  ({recurring / n:.2f} s/measurement; "
          f"{mon - recurring:.1f} s one-off setup: reference samples for z-scores and baselines)")
    mon_obj = cb.monitor
    print(f"score cache: {mon_obj.cache_hits} of {n * mcfg.per_prompt * min(len(held_out), mcfg.max_prompts)} "
          f"measured (prompt, completion) pairs (plus the reference baseline's) were already scored")
    print(f"recurring measurements alone: {100 * recurring / training:.1f}% of training time")
    print(f"overhead: {100 * ratio:.1f}% of training time (target <= {100 * TARGET:.0f}%) -> "
          f"{'OK' if ratio <= TARGET else 'MISSED'}")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
