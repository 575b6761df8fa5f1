"""The over-optimization measurement on a user's own Hugging Face checkpoints (local paths only).

policy: a causal LM folder (model + tokenizer); proxy (and optional gold) RM: sequence-classification
folders with a scalar head; prompts: JSONL, one `{"prompt": "..."}` per line. The reward models score
`prompt + completion` as TRL does. Without a gold RM only proxy and KL are measured.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path

from overopt.errors import InputError
from overopt.measure.overoptimization import MeasureConfig, OptimizationSetup
from overopt.optimize.rl import RLConfig

DTYPES = ("float32", "bfloat16", "float16")


@dataclass
class CheckpointConfig:
    policy: str
    proxy_rm: str
    prompts: str
    gold_rm: str | None = None
    device: str = "cpu"
    dtype: str = "float32"
    max_new_tokens: int = 64
    eval_fraction: float = 0.25
    measure: MeasureConfig = field(default_factory=lambda: MeasureConfig(
        eval_per_prompt=4, norm_per_prompt=8, bon_prompts=32, bon_pool=64, bon_ns=[1, 2, 4, 8, 16, 32, 64],
        batch_size=64))
    rl: RLConfig = field(default_factory=lambda: RLConfig(steps=50, learning_rate=1e-6, eval_every=10,
                                                          max_new_tokens=64))


def read_prompts(path: str | Path) -> list[str]:
    """Prompts from JSONL (`{"prompt": str}` per line); a bad line is a InputError naming file:line."""
    p = Path(path)
    if not p.is_file():
        raise InputError("prompts file not found", path=p)
    prompts = []
    with open(p, "rb") as fh:
        for i, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                row = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise InputError(f"not a JSON line ({exc})", path=p, line=i) from None
            if not isinstance(row, dict) or not isinstance(row.get("prompt"), str) or not row["prompt"]:
                raise InputError('expected an object with a non-empty string "prompt"', path=p, line=i)
            prompts.append(row["prompt"])
    if not prompts:
        raise InputError("no prompts in file", path=p)
    return prompts


def _model_dir(path: str, what: str) -> Path:
    p = Path(path)
    if not p.is_dir():
        raise InputError(f"{what} not found (expected a local Hugging Face model folder)", path=p)
    if not (p / "config.json").is_file():
        raise InputError(f"{what} has no config.json: not a Hugging Face model folder", path=p)
    return p


def validate(cfg: CheckpointConfig) -> list[str]:
    """Check every path and setting before anything is loaded or written; returns the prompts."""
    _model_dir(cfg.policy, "policy")
    _model_dir(cfg.proxy_rm, "proxy reward model")
    if cfg.gold_rm is not None:
        _model_dir(cfg.gold_rm, "gold reward model")
    if cfg.dtype not in DTYPES:
        raise InputError(f"unknown dtype {cfg.dtype!r} (expected one of {', '.join(DTYPES)})")
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


def run_checkpoints(cfg: CheckpointConfig, prompts: list[str], seed: int, run) -> dict:
    from overopt.measure.overoptimization import (CURVE_COLUMNS, bon_pool, measure_best_of_n, measure_rl,
                                                  normalizers)
    from overopt.progress import progress
    from overopt.report.overoptimization import finish
    from overopt.seeding import seed_everything

    seed_everything(seed)
    curves = run.csv("curves.csv", CURVE_COLUMNS)
    points: list[dict] = []

    def record(p: dict) -> None:
        p = {**p, "sweep": "main", "variant": ""}
        points.append(p)
        curves.write(p)

    with progress() as bar:
        t = bar.add_task("loading checkpoints", total=None)
        setup = load_setup(cfg, prompts, seed)
        bar.update(t, total=1, completed=1)
        z = normalizers(setup, cfg.measure, seed)
        mcfg = cfg.measure
        t = bar.add_task("best-of-n pool", total=min(len(setup.eval_prompts), mcfg.bon_prompts) * mcfg.bon_pool)
        pool = bon_pool(setup, mcfg, seed, on_batch=lambda k: bar.advance(t, k))
        for p in measure_best_of_n(pool, z, [n for n in mcfg.bon_ns if n <= mcfg.bon_pool]):
            record(p)
        if cfg.rl.steps > 0:
            t = bar.add_task(f"GRPO β={cfg.rl.beta}", total=cfg.rl.steps)
            measure_rl(setup, cfg.rl, z, mcfg, seed=seed, on_step=lambda k: bar.update(t, completed=k),
                       on_point=record)
    curves.close()
    notes = [] if setup.eval_prompts is not setup.train_prompts else [
        "Note: fewer than 8 prompts, so RL trained on the same prompts it was measured on."]
    if setup.gold is None:
        notes.append("No gold reward model was given: proxy and KL only, no Gao fits.")
    fits = finish(run, points, title=f"Over-optimization of {Path(cfg.policy).name} against "
                  f"{Path(cfg.proxy_rm).name}", summary={}, notes=notes)
    return {"fits": fits, "points": points}
