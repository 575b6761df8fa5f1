"""The over-optimization measurement: proxy and gold vs sqrt(KL) for best-of-n, RL and direct alignment.

`OptimizationSetup` is what both the built-in lab and a user's own checkpoints provide: a reference
policy, a proxy reward, optionally a gold reward, and prompts. `measure_best_of_n` (on a pool of
reference samples), `train_and_measure_rl` (which trains GRPO) and `train_and_measure_dpo` (DPO/IPO on
preference pairs) turn it into curve points: dicts with the `CURVE_COLUMNS` keys (method, setting, step,
kl, sqrt_kl, proxy, gold, ...).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from overopt.configs import check, check_positive, setting
from overopt.errors import ConfigError
from overopt.optimize.dpo import DirectAlignmentConfig
from overopt.optimize.rl import RLConfig
from overopt.progress import SILENT, Task
from overopt.rewards.base import Scorer, ZScore
from overopt.rewards.reward_model import PreferencePairs

CURVE_COLUMNS = ["method", "setting", "step", "kl", "sqrt_kl", "proxy", "gold", "length", "implicit_margin",
                 "sweep", "variant"]


@dataclass
class OptimizationSetup:
    """Everything the measurement needs. `gold` may be None (real checkpoints without a gold RM)."""

    reference: object                  # a causal LM (kept frozen)
    tokenizer: object
    proxy: Scorer
    gold: Scorer | None
    train_prompts: list[str]
    eval_prompts: list[str]
    max_new_tokens: int
    load_policy: Callable[[], object]  # a fresh trainable copy of the reference
    extra_scorers: dict[str, Scorer] = field(default_factory=dict)

    def scorers(self) -> dict[str, Scorer]:
        out: dict[str, Scorer] = {"proxy": self.proxy, **self.extra_scorers}
        if self.gold is not None:
            out["gold"] = self.gold
        return out


@dataclass
class MeasureConfig:
    eval_per_prompt: int = setting(8, "Fresh samples per held-out prompt at each RL measurement.")
    norm_per_prompt: int = setting(32, "Reference samples per held-out prompt for the z-scores.")
    bon_prompts: int = setting(16, "Held-out prompts in the best-of-n pool.")
    bon_max_n: int = setting(4096, "Largest n of best-of-n (a power of two: it is measured at n = 1, 2, 4, ... "
                             "up to it).")
    bon_pool_factor: int = setting(4, "Samples per prompt in the pool = bon_pool_factor x bon_max_n. The unbiased "
                                   "estimator averages over every n-subset of the pool: at 1, the largest n is a "
                                   "single draw per prompt (noisy); at 4 it averages over many.")
    batch_size: int = setting(512, "Sequences per generate / scoring batch.")

    def __post_init__(self) -> None:
        check_positive(self, "eval_per_prompt", "norm_per_prompt", "bon_prompts", "bon_max_n", "bon_pool_factor",
                       "batch_size", group="measure.")
        check(self.bon_max_n & (self.bon_max_n - 1) == 0, f"measure.bon_max_n must be a power of two (best-of-n "
              f"is measured at n = 1, 2, 4, ...), got {self.bon_max_n}")

    @property
    def bon_pool(self) -> int:
        """Samples per prompt in the best-of-n pool."""
        return self.bon_max_n * self.bon_pool_factor

    @property
    def bon_ns(self) -> list[int]:
        """The n of best-of-n: 1, 2, 4, ... up to bon_max_n."""
        return [2 ** k for k in range(self.bon_max_n.bit_length())]


def normalizers(setup: OptimizationSetup, cfg: MeasureConfig, seed: int) -> dict[str, ZScore]:
    """Z-score each reward against the reference policy's own samples on the held-out prompts."""
    from overopt.optimize.sampling import sample

    s = sample(setup.reference, setup.tokenizer, setup.eval_prompts, per_prompt=cfg.norm_per_prompt,
               max_new_tokens=setup.max_new_tokens, seed=seed + 17, batch_size=cfg.batch_size)
    return {name: ZScore.fit(scorer(s.prompts, s.completions)) for name, scorer in setup.scorers().items()}


@dataclass
class BonPool:
    """Reference samples for best-of-n, with raw scores as [prompts, pool] matrices."""

    prompts: list[str]
    completions: list[str]
    scores: dict[str, np.ndarray]
    lengths: np.ndarray

    def rescored(self, name: str, scorer: Scorer) -> "BonPool":
        """The same samples with reward `name` replaced by `scorer` (e.g. another proxy)."""
        shape = self.lengths.shape
        scores = {**self.scores, name: scorer(self.prompts, self.completions).reshape(shape)}
        return BonPool(self.prompts, self.completions, scores, self.lengths)


def sample_bon_pool(setup: OptimizationSetup, cfg: MeasureConfig, seed: int, task: Task = SILENT) -> BonPool:
    """`cfg.bon_pool` reference samples for each of the first `cfg.bon_prompts` held-out prompts, scored."""
    from overopt.optimize.sampling import sample

    prompts = setup.eval_prompts[:cfg.bon_prompts]
    s = sample(setup.reference, setup.tokenizer, prompts, per_prompt=cfg.bon_pool,
               max_new_tokens=setup.max_new_tokens, seed=seed + 29, batch_size=max(cfg.batch_size, 1024),
               task=task)
    shape = (len(prompts), cfg.bon_pool)
    scores = {name: scorer(s.prompts, s.completions).reshape(shape) for name, scorer in setup.scorers().items()}
    return BonPool(s.prompts, s.completions, scores, s.lengths.numpy().reshape(shape).astype(float))


def measure_best_of_n(pool: BonPool, z: dict[str, ZScore], ns: Sequence[int], *,
                      selector: str = "proxy") -> list[dict]:
    """Best-of-n curve points: the `selector` reward picks, every reward is reported (z-scores)."""
    from overopt.optimize.best_of_n import best_of_n, bon_kl

    pick = pool.scores[selector]
    bad = [n for n in ns if n < 1 or n > pick.shape[1]]
    if bad:
        raise ConfigError(f"best-of-n needs 1 <= n <= pool size {pick.shape[1]}, got {bad}")
    columns = {name: best_of_n(pick, z[name](scores), ns) for name, scores in pool.scores.items()}
    columns["length"] = best_of_n(pick, pool.lengths, ns)
    points = []
    for i, n in enumerate(ns):
        kl = bon_kl(n)
        points.append({"method": "bon", "setting": n, "step": 0, "kl": kl, "sqrt_kl": float(np.sqrt(kl)),
                       **{name: float(v[i]) for name, v in columns.items()}})
    return points


def train_and_measure_rl(setup: OptimizationSetup, rl: RLConfig, z: dict[str, ZScore], mcfg: MeasureConfig, *,
                         seed: int, reward: Scorer | None = None, on_point: Callable[[dict], None] | None = None,
                         task: Task = SILENT, extra_callbacks: Sequence = ()) -> list[dict]:
    """Train a fresh policy with GRPO against `reward` (default: the proxy); return (and hand to `on_point` as
    soon as it is measured) a curve point at step 0, every `rl.eval_every` steps and at the end."""
    from overopt.measure.evaluate import PolicyEvaluator
    from overopt.optimize.rl import train_grpo

    evaluator = PolicyEvaluator(setup.reference, setup.tokenizer, setup.eval_prompts, setup.scorers(), z,
                                per_prompt=mcfg.eval_per_prompt, max_new_tokens=setup.max_new_tokens,
                                seed=seed + 41, batch_size=mcfg.batch_size)
    points: list[dict] = []

    def on_eval(step: int, model) -> None:
        points.append({"method": "rl", "setting": rl.beta, "step": step, **evaluator(model)})
        if on_point is not None:
            on_point(points[-1])

    train_grpo(setup.load_policy(), setup.tokenizer, reward or setup.proxy, setup.train_prompts, rl,
               seed=seed, on_eval=on_eval, task=task, extra_callbacks=extra_callbacks)
    return points


def train_and_measure_dpo(setup: OptimizationSetup, pairs: PreferencePairs, cfg: DirectAlignmentConfig,
                          z: dict[str, ZScore], mcfg: MeasureConfig, *, loss: str, beta: float, seed: int,
                          on_point: Callable[[dict], None] | None = None, task: Task = SILENT) -> list[dict]:
    """Train a fresh policy with DPO or IPO (`loss`) at `beta` on `pairs` (TRL's convention: prompt + chosen is
    the text); return (and hand to `on_point`) a curve point at step 0, every `cfg.eval_every` steps and at the
    end: KL, proxy and gold on fresh samples as for RL, plus the implicit reward margin on the first
    `cfg.margin_pairs` pairs."""
    from overopt.measure.evaluate import PolicyEvaluator
    from overopt.measure.implicit import ImplicitMargin
    from overopt.optimize.dpo import train_dpo

    evaluator = PolicyEvaluator(setup.reference, setup.tokenizer, setup.eval_prompts, setup.scorers(), z,
                                per_prompt=mcfg.eval_per_prompt, max_new_tokens=setup.max_new_tokens,
                                seed=seed + 41, batch_size=mcfg.batch_size)
    k = min(cfg.margin_pairs, len(pairs))
    margin = ImplicitMargin.build(setup.reference, setup.tokenizer, pairs.prompts[:k], pairs.chosen[:k],
                                  pairs.rejected[:k], batch_size=mcfg.batch_size)
    points: list[dict] = []

    def on_eval(step: int, model) -> None:
        m = margin(model, beta)
        points.append({"method": loss, "setting": beta, "step": step, **evaluator(model),
                       "implicit_margin": m["implicit_margin"]})
        if on_point is not None:
            on_point(points[-1])

    train_dpo(setup.load_policy(), setup.tokenizer, pairs, cfg, loss=loss, beta=beta, seed=seed,
              on_eval=on_eval, task=task)
    return points
