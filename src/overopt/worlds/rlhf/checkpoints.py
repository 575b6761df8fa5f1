"""The over-optimization measurement on a user's own Hugging Face checkpoints (local paths only).

policy: a causal LM folder (model + tokenizer); proxy (and optional gold) RM: sequence-classification
folders with a scalar head; prompts: JSONL, one `{"prompt": "..."}` per line. The reward models score
`prompt + completion` as TRL does. Without a gold RM only proxy and KL are measured. With preference
pairs (JSONL, `{"prompt", "chosen", "rejected"}`), DPO/IPO runs are measured on the same axes.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from overopt.configs import check, setting
from overopt.errors import InputError
from overopt.inputs import read_jsonl_rows
from overopt.labs import Preset
from overopt.measure.fits import fit_points
from overopt.models.local import DTYPES, model_dir
from overopt.measure.overoptimization import CURVE_COLUMNS, MeasureConfig, OptimizationSetup
from overopt.optimize.dpo import DirectAlignmentConfig
from overopt.optimize.rl import RLConfig
from overopt.rewards.reward_model import PreferencePairs
from overopt.progress import Progress
from overopt.runs import RunDir
from overopt.worlds.rlhf.lab import RLHFLab, RLHFResult, direct_alignment_summary

@dataclass
class CheckpointConfig:
    """Settings of the RLHF measurement on your own checkpoints (`overopt lab rlhf --policy ...`)."""

    policy: str = setting("", "Local Hugging Face causal-LM folder: the reference / initial policy.")
    proxy_rm: str = setting("", "Proxy reward model folder (sequence classification, 1 label).")
    prompts: str = setting("", 'JSONL file, one {"prompt": "..."} per line.')
    gold_rm: str | None = setting(None, "Optional gold reward model folder; without it only proxy and KL are "
                                  "measured.")
    device: str = setting("cpu", "Torch device, e.g. cpu, cuda or cuda:1.")
    dtype: str = setting("float32", "float32, bfloat16 or float16.")
    max_new_tokens: int = setting(64, "Completion length cap.")
    eval_fraction: float = setting(0.25, "Share of the prompts held out for measuring (with 8 prompts or more).")
    measure: MeasureConfig = setting(factory=lambda: MeasureConfig(
        eval_per_prompt=4, norm_per_prompt=8, bon_prompts=32, bon_max_n=64, bon_pool_factor=1, batch_size=64),
        help="How proxy, gold and KL are measured.")
    rl: RLConfig = setting(factory=lambda: RLConfig(steps=50, learning_rate=1e-6, eval_every=10, max_new_tokens=64),
                           help="GRPO against the proxy (rl.max_new_tokens and rl.device follow max_new_tokens "
                           "and device).")
    dpo_pairs: str | None = setting(None, 'Optional JSONL of preference pairs, one {"prompt", "chosen", '
                                    '"rejected"} per line (prompt + chosen is the chosen text, as in TRL): adds '
                                    'DPO/IPO runs from your policy, measured like RL.')
    dpo: DirectAlignmentConfig = setting(factory=lambda: DirectAlignmentConfig(
        steps=100, betas=[0.1], learning_rate=5e-7, batch_size=8, eval_every=10, margin_pairs=64),
        help="DPO/IPO on --dpo-pairs (dpo.device follows device).")

    def __post_init__(self) -> None:
        check(self.dtype in DTYPES, f"unknown dtype {self.dtype!r} (expected one of {', '.join(DTYPES)})")
        check(self.max_new_tokens >= 1, f"max_new_tokens must be a positive integer, got {self.max_new_tokens}")
        check(0 < self.eval_fraction < 1, f"eval_fraction must be between 0 and 1, got {self.eval_fraction}")
        self.rl.max_new_tokens, self.rl.device = self.max_new_tokens, self.device
        self.dpo.device = self.device


def read_prompts(path: str | Path) -> list[str]:
    """Prompts from JSONL (`{"prompt": str}` per line)."""
    return [row["prompt"] for _, row in read_jsonl_rows(path, ("prompt",), "prompts")]


def read_pairs(path: str | Path) -> PreferencePairs:
    """Preference pairs from JSONL (`{"prompt", "chosen", "rejected"}` per line)."""
    rows = [row for _, row in read_jsonl_rows(path, ("prompt", "chosen", "rejected"), "preference pairs")]
    return PreferencePairs([r["prompt"] for r in rows], [r["chosen"] for r in rows], [r["rejected"] for r in rows])


def check_inputs(cfg: CheckpointConfig) -> list[str]:
    """Check every path before anything is loaded or written; returns the prompts."""
    missing = [flag for flag, value in (("--policy", cfg.policy), ("--proxy-rm", cfg.proxy_rm),
                                        ("--prompts", cfg.prompts)) if not value]
    if missing:
        raise InputError(f"your own run needs --policy, --proxy-rm and --prompts (and optionally --gold-rm); "
                         f"missing {', '.join(missing)}")
    model_dir(cfg.policy, "policy")
    model_dir(cfg.proxy_rm, "proxy reward model")
    if cfg.gold_rm is not None:
        model_dir(cfg.gold_rm, "gold reward model")
    if cfg.dpo_pairs is not None:
        read_pairs(cfg.dpo_pairs)
    return read_prompts(cfg.prompts)


def load_setup(cfg: CheckpointConfig, prompts: list[str], seed: int) -> OptimizationSetup:
    import numpy as np
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from overopt.rewards.reward_model import RewardModelScorer

    dtype = getattr(torch, cfg.dtype)
    tokenizer = AutoTokenizer.from_pretrained(cfg.policy)
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    reference = AutoModelForCausalLM.from_pretrained(cfg.policy, dtype=dtype).to(cfg.device).eval()
    proxy = RewardModelScorer.from_pretrained(cfg.proxy_rm, name="proxy", device=cfg.device, dtype=dtype,
                                              batch_size=cfg.measure.batch_size)
    gold = None if cfg.gold_rm is None else RewardModelScorer.from_pretrained(
        cfg.gold_rm, name="gold", device=cfg.device, dtype=dtype, batch_size=cfg.measure.batch_size)
    if len(prompts) >= 8:
        order = np.random.default_rng(seed).permutation(len(prompts))
        n_eval = max(2, int(round(len(prompts) * cfg.eval_fraction)))
        eval_prompts = [prompts[i] for i in order[:n_eval]]
        train_prompts = [prompts[i] for i in order[n_eval:]]
    else:  # too few to split: measure on the training prompts (say so in the report)
        eval_prompts = train_prompts = list(prompts)
    return OptimizationSetup(
        reference=reference, tokenizer=tokenizer, proxy=proxy, gold=gold, train_prompts=train_prompts,
        eval_prompts=eval_prompts, max_new_tokens=cfg.max_new_tokens,
        load_policy=lambda: copy.deepcopy(reference).train())


class CheckpointsLab(RLHFLab):
    """The RLHF lab's measurement on your own checkpoints: best-of-n and GRPO against your proxy RM, gold
    and KL measured along the way (`overopt lab rlhf --policy ... --proxy-rm ... --prompts ...`). Its report
    and terminal summary are the RLHF lab's."""

    name = "checkpoints"
    title = "The RLHF measurement on your own Hugging Face checkpoints"
    Config = CheckpointConfig
    presets = {"default": Preset(CheckpointConfig, "your checkpoints; set policy, proxy_rm and prompts"),
               "smoke": Preset(lambda: _smoke_config(), "seconds: tiny random models made on the spot")}
    flags = {"policy": "policy", "proxy-rm": "proxy_rm", "gold-rm": "gold_rm", "prompts": "prompts",
             "device": "device", "dtype": "dtype", "max-new-tokens": "max_new_tokens",
             "n-max": "measure.bon_max_n", "rl-steps": "rl.steps", "beta": "rl.beta",
             "learning-rate": "rl.learning_rate", "dpo-pairs": "dpo_pairs", "dpo-steps": "dpo.steps"}
    outputs = ("curves.csv", "fits.json", "overoptimization.png", "report.md")
    headlines = {}  # your checkpoints: the curves are the result

    def prepare(self, config: CheckpointConfig) -> None:
        check_inputs(config)

    def run(self, config: CheckpointConfig, seed: int, run_dir: RunDir, progress: Progress) -> RLHFResult:
        from overopt.measure.overoptimization import (measure_best_of_n, normalizers, sample_bon_pool,
                                                      train_and_measure_dpo, train_and_measure_rl)

        curves = run_dir.csv("curves.csv", CURVE_COLUMNS)
        points: list[dict[str, Any]] = []

        def record(p: dict) -> None:
            p = {**p, "sweep": "main", "variant": ""}
            points.append(p)
            curves.write(p)

        task = progress.task("loading checkpoints", total=1)
        setup = load_setup(config, read_prompts(config.prompts), seed)
        task.update(completed=1)
        z = normalizers(setup, config.measure, seed)
        mcfg = config.measure
        task = progress.task("best-of-n pool", total=min(len(setup.eval_prompts), mcfg.bon_prompts) * mcfg.bon_pool)
        pool = sample_bon_pool(setup, mcfg, seed, task=task)
        for p in measure_best_of_n(pool, z, mcfg.bon_ns):
            record(p)
        if config.rl.steps > 0:
            train_and_measure_rl(setup, config.rl, z, mcfg, seed=seed, on_point=record,
                                 task=progress.task(f"GRPO β={config.rl.beta}", total=config.rl.steps))
        if config.dpo_pairs is not None and config.dpo.steps > 0:
            pairs = read_pairs(config.dpo_pairs)
            for loss, beta in config.dpo.runs():
                train_and_measure_dpo(setup, pairs, config.dpo, z, mcfg, loss=loss, beta=beta, seed=seed,
                                      on_point=record, task=progress.task(f"{loss.upper()} β={beta}",
                                                                          total=config.dpo.steps))
        curves.close()
        notes = [] if setup.eval_prompts is not setup.train_prompts else [
            "Note: fewer than 8 prompts, so RL trained on the same prompts it was measured on."]
        if setup.gold is None:
            notes.append("No gold reward model was given: proxy and KL only, no Gao fits.")
        summary = direct_alignment_summary(points, fit_points(points))
        return RLHFResult(summary=summary, points=points, notes=notes,
                          title=f"Over-optimization of {Path(config.policy).name} against {Path(config.proxy_rm).name}")


def _smoke_config() -> CheckpointConfig:
    """Tiny random checkpoints (made once, in the cache), so `check_lab` can run this lab anywhere."""
    from overopt.models.tiny import random_checkpoints
    from overopt.worlds.rlhf.world import cache_root

    root = random_checkpoints(cache_root() / "checkpoints-smoke")
    return CheckpointConfig(policy=str(root / "policy"), proxy_rm=str(root / "proxy"), prompts=str(root / "prompts.jsonl"),
                            gold_rm=str(root / "gold"), max_new_tokens=8,
                            dpo_pairs=str(root / "pairs.jsonl"),
                            measure=MeasureConfig(eval_per_prompt=2, norm_per_prompt=4, bon_prompts=4, bon_max_n=4, bon_pool_factor=1,
                                                  batch_size=16),
                            rl=RLConfig(steps=2, learning_rate=1e-6, eval_every=1, prompts_per_step=2,
                                        num_generations=2),
                            dpo=DirectAlignmentConfig(steps=2, betas=[0.1], batch_size=4, eval_every=1,
                                                      margin_pairs=8))


CHECKPOINTS_LAB = CheckpointsLab()
