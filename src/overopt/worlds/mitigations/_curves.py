"""The mitigations lab's curves: best-of-n from one pool under each selector, GRPO per method (the monitor
riding along on the single-RM β = 0 run), and the monitor's kept checkpoint re-measured with gold."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Sequence

from overopt.measure.overoptimization import (MeasureConfig, OptimizationSetup, measure_best_of_n, normalizers,
                                              sample_bon_pool, train_and_measure_rl)
from overopt.monitor.monitor import MonitorConfig, MonitorResult
from overopt.optimize.rl import RLConfig
from overopt.progress import Progress, Task
from overopt.rewards.base import Scorer, ZScore
from overopt.rewards.ensemble import EnsembleScorer
from overopt.runs import RunDir
from overopt.worlds.mitigations._reward_models import ENSEMBLE_METHODS, RewardModels, ensemble_columns
from overopt.worlds.rlhf.world import World

CURVE_COLUMNS = ["run", "method", "setting", "step", "kl", "sqrt_kl", "optimized", "proxy", "test_rm",
                 "ens_mean", "ens_wco", "ens_uwo", "gold", "length"]


class Curves:
    """curves.csv, written point by point, and the points kept for the summary and the report."""

    def __init__(self, run_dir: RunDir):
        self.points: list[dict[str, Any]] = []
        self._csv = run_dir.csv("curves.csv", CURVE_COLUMNS)

    def record(self, point: dict, run: str, optimized_column: str) -> None:
        """Record `point` of run `run`; its `optimized` is the value of the reward the run maximized."""
        point = {**point, "run": run, "optimized": point.get(optimized_column)}
        self.points.append(point)
        self._csv.write(point)

    def close(self) -> None:
        self._csv.close()


@dataclass
class Measurement:
    """What every method is measured with: the setup (its scorers), the z-score normalizers of every
    column, the measure settings, the seed, and the curves the points go to."""

    setup: OptimizationSetup
    z: dict[str, ZScore]
    measure: MeasureConfig
    seed: int
    curves: Curves


def normalizers_with_ensembles(setup: OptimizationSetup, ensembles: dict[str, EnsembleScorer],
                               cfg: MeasureConfig, seed: int) -> dict[str, ZScore]:
    """z-score normalizers of the setup's scorers and of each ensemble column."""
    z = normalizers(setup, cfg, seed)
    columns = ensemble_columns(ensembles)
    z.update({k: v for k, v in normalizers(replace(setup, extra_scorers=columns), cfg, seed).items() if k in columns})
    return z


def best_of_n_curves(m: Measurement, members: Sequence[Scorer], ensembles: dict[str, EnsembleScorer],
                     progress: Progress) -> None:
    """Best-of-n from one pool of reference samples, selected by the single proxy and by each ensemble."""
    setup, cfg = m.setup, m.measure
    task = progress.task("best-of-n pool", total=len(setup.eval_prompts[:cfg.bon_prompts]) * cfg.bon_pool)
    pool = sample_bon_pool(setup, cfg, m.seed, task=task)
    # each member scores the pool once (member 0 is the proxy: already scored); the three aggregations
    # are computed from those matrices
    task = progress.task("best-of-n pool: ensemble members", total=len(members) - 1)
    raw = [pool.scores["proxy"]]
    for member in members[1:]:
        raw.append(member(pool.prompts, pool.completions).reshape(pool.lengths.shape))
        task.advance()
    for column, ensemble in ensemble_columns(ensembles).items():
        pool.scores[column] = ensemble.combine(raw)
    del raw
    selectors = {"single": "proxy", **{method: f"ens_{method}" for method in ENSEMBLE_METHODS}}
    for method, column in selectors.items():
        for p in measure_best_of_n(pool, m.z, cfg.bon_ns, selector=column):
            m.curves.record(p, method, column)


def rl_curve(m: Measurement, progress: Progress, run: str, rl: RLConfig, reward_column: str,
             reward: Scorer | None = None, callbacks: Sequence = ()) -> list[dict]:
    """One GRPO run against `reward` (default: the proxy), measured into the curves as run `run`."""
    task: Task = progress.task(f"GRPO [{run}]", total=rl.steps)
    return train_and_measure_rl(m.setup, rl, m.z, m.measure, seed=m.seed, reward=reward, extra_callbacks=callbacks,
                                task=task, on_point=lambda p: m.curves.record(p, run, reward_column))


def rl_curves(m: Measurement, progress: Progress, rl: RLConfig, betas: Sequence[float], ensemble_with_kl: bool,
              ensembles: dict[str, EnsembleScorer], monitor_callback) -> None:
    """GRPO against the single proxy (with the monitor), each ensemble, the proxy with each β and, with
    `ensemble_with_kl`, the worst-case ensemble with the smallest β."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the monitor's warning goes to monitor.json
        rl_curve(m, progress, "single", rl, "proxy", callbacks=[monitor_callback])
    for method in ENSEMBLE_METHODS:
        rl_curve(m, progress, method, rl, f"ens_{method}", reward=ensembles[method])
    for beta in betas:
        rl_curve(m, progress, f"beta={beta:g}", replace(rl, beta=beta), "proxy")
    if ensemble_with_kl and betas:  # Coste et al.: ensembles plus a small KL penalty
        beta = min(betas)
        rl_curve(m, progress, f"wco+beta={beta:g}", replace(rl, beta=beta), "ens_wco", reward=ensembles["wco"])


def monitor_callback(world: World, setup: OptimizationSetup, rms: RewardModels, cfg: MonitorConfig, seed: int,
                     out_dir: Path):
    """The monitor's TRL callback in warn mode on held-out prompts: proxy, test RM, and gold (logged only)."""
    from overopt.integrations.trl_callback import OverOptimizationCallback

    config = replace(cfg, mode="warn", max_new_tokens=world.max_new_tokens, seed=seed + 61)
    return OverOptimizationCallback(tokenizer=world.tokenizer, prompts=world.eval_prompts, proxy=rms.proxy,
                                    test_rm=rms.test_rm, gold=setup.gold, reference=world.reference,
                                    config=config, out_dir=out_dir)


def measure_kept_checkpoint(result: MonitorResult | None, m: Measurement) -> dict | None:
    """The monitor's kept checkpoint measured like every curve point (same evaluator, gold included);
    None when it kept none."""
    if result is None or result.checkpoint is None:
        return None
    from transformers import AutoModelForCausalLM

    from overopt.measure.evaluate import PolicyEvaluator

    setup, cfg = m.setup, m.measure
    model = AutoModelForCausalLM.from_pretrained(result.checkpoint).eval()
    evaluator = PolicyEvaluator(setup.reference, setup.tokenizer, setup.eval_prompts, setup.scorers(), m.z,
                                per_prompt=cfg.eval_per_prompt, max_new_tokens=setup.max_new_tokens,
                                seed=m.seed + 41, batch_size=cfg.batch_size)
    return evaluator(model)
