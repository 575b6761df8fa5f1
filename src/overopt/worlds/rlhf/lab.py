"""The RLHF over-optimization lab: Gao et al.'s curves, end to end on a CPU.

reference policy (SFT, cached) -> gold-labeled preference pairs with label noise -> proxy RM
(Bradley-Terry) -> best-of-n from one pool and GRPO against the proxy -> proxy and gold vs sqrt(KL)
-> Gao fits -> plots and report. `full` adds sweeps over RM size, RM data size and the KL penalty.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np

from overopt.measure.overoptimization import (MeasureConfig, OptimizationSetup, bon_pool, measure_best_of_n,
                                              measure_rl, normalizers)
from overopt.models.tiny import TinyConfig
from overopt.optimize.rl import RLConfig
from overopt.optimize.sampling import sample
from overopt.rewards.reward_model import (PreferencePairs, RewardModelConfig, RewardModelScorer, label_pairs,
                                          pair_accuracy, train_reward_model)
from overopt.worlds.rlhf.gold import GoldReward
from overopt.worlds.rlhf.world import SCORE_TEMPLATE, ReferenceConfig, prompt_split, reference_policy


@dataclass
class SweepConfig:
    """`full` preset: one curve per value on each axis (Gao et al. §3.2, §3.3, §3.6)."""

    rm_hidden_sizes: list[int] = field(default_factory=lambda: [32, 64, 128])
    rm_pairs: list[int] = field(default_factory=lambda: [1000, 4000, 16000])
    betas: list[float] = field(default_factory=lambda: [0.0, 0.02, 0.1, 0.5])


@dataclass
class RLHFLabConfig:
    preset: str = "quick"
    reference: ReferenceConfig = field(default_factory=ReferenceConfig)
    reward_model: RewardModelConfig = field(default_factory=RewardModelConfig)
    measure: MeasureConfig = field(default_factory=MeasureConfig)
    rl: RLConfig = field(default_factory=lambda: RLConfig(steps=100, learning_rate=1e-4, eval_every=5))
    sweeps: SweepConfig | None = None


def preset(name: str) -> RLHFLabConfig:
    if name == "quick":
        return RLHFLabConfig()
    if name == "full":
        return RLHFLabConfig(
            preset="full", measure=MeasureConfig(bon_prompts=48, eval_per_prompt=16),
            rl=RLConfig(steps=200, learning_rate=1e-4, eval_every=5), sweeps=SweepConfig())
    if name == "tiny":  # for tests: seconds, not minutes; too small to show the curves
        return RLHFLabConfig(
            preset="tiny",
            reference=ReferenceConfig(policy=TinyConfig(hidden_size=32, num_layers=1), corpus_size=2000, epochs=1),
            reward_model=RewardModelConfig(size=TinyConfig(hidden_size=32, num_layers=1), pairs=400, epochs=1),
            measure=MeasureConfig(eval_per_prompt=2, norm_per_prompt=4, bon_prompts=4, bon_pool=64,
                                  bon_ns=[1, 2, 4, 8, 16, 32, 64]),
            rl=RLConfig(steps=6, learning_rate=1e-3, eval_every=2, prompts_per_step=2, num_generations=4))
    raise ValueError(name)


PRESETS = ("quick", "full", "tiny")


@dataclass
class World:
    """The built world: reference policy, tokenizer, prompts and a pool of gold-labeled pairs."""

    reference: object
    tokenizer: object
    train_prompts: list[str]
    eval_prompts: list[str]
    pairs: PreferencePairs
    held_out_pairs: PreferencePairs
    max_new_tokens: int

    def setup(self, proxy: RewardModelScorer) -> OptimizationSetup:
        return OptimizationSetup(
            reference=self.reference, tokenizer=self.tokenizer, proxy=proxy, gold=GoldReward(),
            train_prompts=self.train_prompts, eval_prompts=self.eval_prompts,
            max_new_tokens=self.max_new_tokens, load_policy=lambda: copy.deepcopy(self.reference))


def build_world(cfg: RLHFLabConfig, seed: int, *, max_pairs: int | None = None,
                on_sft_step: Callable[[int, int, float], None] | None = None) -> World:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    path = reference_policy(cfg.reference, seed, on_step=on_sft_step)
    tokenizer = AutoTokenizer.from_pretrained(path)
    reference = AutoModelForCausalLM.from_pretrained(path).eval()
    train, held_out = prompt_split(seed)
    train_texts, eval_texts = [p.text for p in train], [p.text for p in held_out]
    n_pairs = max_pairs or cfg.reward_model.pairs
    pairs = _gold_pairs(reference, tokenizer, train_texts, n_pairs, cfg.reward_model.label_noise,
                        cfg.reference.max_new_tokens, seed + 1)
    # clean labels on held-out prompts: how well does a proxy agree with gold where the policy samples?
    held_out_pairs = _gold_pairs(reference, tokenizer, eval_texts, 1000, 0.0, cfg.reference.max_new_tokens, seed + 2)
    return World(reference, tokenizer, train_texts, eval_texts, pairs, held_out_pairs, cfg.reference.max_new_tokens)


def _gold_pairs(model, tokenizer, prompts: list[str], n: int, noise: float, max_new_tokens: int,
                seed: int) -> PreferencePairs:
    per_prompt = 2 * (-(-int(n * 1.1) // len(prompts)))  # ~10% spare for gold ties
    s = sample(model, tokenizer, prompts, per_prompt=per_prompt, max_new_tokens=max_new_tokens, seed=seed)
    gold = GoldReward()
    ps, a, b = s.prompts[0::2], s.completions[0::2], s.completions[1::2]
    pairs = label_pairs(ps, a, b, gold(ps, a), gold(ps, b), noise=noise, seed=seed)
    order = np.random.default_rng(seed).permutation(len(pairs))[:n]
    return pairs.subset(sorted(order))


def train_proxy(world: World, rm: RewardModelConfig, seed: int,
                on_step: Callable[[int, int], None] | None = None) -> tuple[RewardModelScorer, dict]:
    pairs = world.pairs.subset(range(min(rm.pairs, len(world.pairs))))
    scorer = train_reward_model(world.tokenizer, pairs, rm, seed=seed, template=SCORE_TEMPLATE, on_step=on_step)
    info = {"pairs": len(pairs), "hidden_size": rm.size.hidden_size, "layers": rm.size.num_layers,
            "held_out_accuracy": pair_accuracy(scorer, world.held_out_pairs),
            "train_accuracy": pair_accuracy(scorer, pairs)}
    return scorer, info


def with_rm(cfg: RewardModelConfig, *, hidden: int | None = None, pairs: int | None = None) -> RewardModelConfig:
    size = cfg.size if hidden is None else replace(cfg.size, hidden_size=hidden,
                                                   intermediate_size=2 * hidden,
                                                   num_heads=max(1, hidden // 16))
    return replace(cfg, size=size, pairs=pairs or cfg.pairs)


def run_lab(cfg: RLHFLabConfig, seed: int, run) -> dict:
    """Run the lab into `run` (a RunDir): curves.csv as points come, then fits, figures, report."""
    from overopt.measure.overoptimization import CURVE_COLUMNS
    from overopt.progress import progress
    from overopt.report.overoptimization import finish
    from overopt.seeding import seed_everything

    seed_everything(seed)
    curves = run.csv("curves.csv", CURVE_COLUMNS)
    points: list[dict] = []

    def record(point: dict, sweep: str = "main", variant: object = "") -> None:
        point = {**point, "sweep": sweep, "variant": variant}
        points.append(point)
        curves.write(point)

    sw = cfg.sweeps
    max_pairs = max([cfg.reward_model.pairs, *(sw.rm_pairs if sw else [])])
    with progress() as bar:
        t = bar.add_task("reference policy (SFT, cached)", total=None)
        world = build_world(cfg, seed, max_pairs=max_pairs,
                            on_sft_step=lambda s, n, _: bar.update(t, completed=s, total=n))
        bar.update(t, total=1, completed=1)

        def proxy_for(rm: RewardModelConfig, label: str):
            task = bar.add_task(f"proxy RM {label}", total=None)
            scorer, info = train_proxy(world, rm, seed, on_step=lambda s, n: bar.update(task, completed=s, total=n))
            return scorer, info

        proxy, rm_info = proxy_for(cfg.reward_model, "(Bradley-Terry)")
        setup = world.setup(proxy)
        z = normalizers(setup, cfg.measure, seed)
        task = bar.add_task("best-of-n pool", total=len(setup.eval_prompts[:cfg.measure.bon_prompts]) * cfg.measure.bon_pool)
        pool = bon_pool(setup, cfg.measure, seed, on_batch=lambda k: bar.advance(task, k))
        for p in measure_best_of_n(pool, z, cfg.measure.bon_ns):
            record(p)

        def rl_run(rl: RLConfig, s: OptimizationSetup, zs: dict, sweep: str = "main", variant: object = ""):
            task = bar.add_task(f"GRPO β={rl.beta}" + (f" [{sweep}={variant}]" if sweep != "main" else ""),
                                total=rl.steps)
            return measure_rl(s, rl, zs, cfg.measure, seed=seed, on_step=lambda k: bar.update(task, completed=k),
                              on_point=lambda p: record(p, sweep, variant))

        rl_points = rl_run(cfg.rl, setup, z) if cfg.rl.steps > 0 else []
        if sw is not None:
            rm_variants = [("rm_size", h, with_rm(cfg.reward_model, hidden=h)) for h in sw.rm_hidden_sizes]
            rm_variants += [("rm_pairs", n, with_rm(cfg.reward_model, pairs=n)) for n in sw.rm_pairs]
            for sweep, value, rm in rm_variants:
                if rm == cfg.reward_model:  # the main run is this curve
                    for p in [p for p in points if p["sweep"] == "main"]:
                        record(p, sweep, value)
                    continue
                scorer, _ = proxy_for(rm, f"[{sweep}={value}]")
                swept = world.setup(scorer)
                zs = normalizers(swept, cfg.measure, seed)
                for p in measure_best_of_n(pool.rescored("proxy", scorer), zs, cfg.measure.bon_ns):
                    record(p, sweep, value)
                rl_run(cfg.rl, swept, zs, sweep, value)
            for beta in sw.betas:
                if beta == cfg.rl.beta:
                    for p in rl_points:
                        record(p, "beta", beta)
                    continue
                rl_run(replace(cfg.rl, beta=beta), setup, z, "beta", beta)
    curves.close()
    summary = _summary(points, rm_info)
    fits = finish(run, points, title=f"RLHF over-optimization lab ({cfg.preset} preset, seed {seed})",
                  summary=summary, notes=[GOLD_NOTE])
    run.write_json("summary.json", {"proxy_rm": rm_info, **summary})
    return {"fits": fits, "summary": summary, "points": points}


def _summary(points: list[dict], rm_info: dict) -> dict:
    out: dict = {"proxy_rm_held_out_accuracy": rm_info["held_out_accuracy"]}
    rl = [p for p in points if p["method"] == "rl" and p["sweep"] == "main"]
    if rl:
        peak = max(rl, key=lambda p: p["gold"])
        out.update(rl_peak_gold=peak["gold"], rl_peak_step=peak["step"], rl_proxy_at_gold_peak=peak["proxy"],
                   rl_final_gold=rl[-1]["gold"], rl_final_proxy=rl[-1]["proxy"],
                   rl_gold_drop=peak["gold"] - rl[-1]["gold"], rl_final_kl=rl[-1]["kl"])
    bon = [p for p in points if p["method"] == "bon" and p["sweep"] == "main"]
    if bon:
        peak = max(bon, key=lambda p: p["gold"])
        out.update(bon_peak_gold=peak["gold"], bon_peak_n=peak["setting"], bon_max_n_gold=bon[-1]["gold"],
                   bon_max_n_proxy=bon[-1]["proxy"])
    return out


GOLD_NOTE = """## What the gold reward is

The gold reward is the world's fixed true objective (see `overopt/worlds/rlhf/gold.py`): on-topic words
with diminishing returns and a penalty past the second use, answering the prompt's focus word, distinct
quality words, coherent `because`/`example` + topic-word pairs, and penalties for stock phrases, off-topic
words, excess length and repeated bigrams. The proxy reward model only ever saw gold-labeled (25% flipped)
comparisons of reference samples, which rarely repeat words or run long; optimization goes exactly there.
All rewards are z-scores against the reference policy's own samples on held-out prompts.
"""
