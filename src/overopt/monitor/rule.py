"""The monitor's stopping rule. It sees no gold: `decide` is handed the history with gold removed.

What it uses, per measurement (all on fresh samples of held-out prompts, z-scored against the
reference policy's own samples):

* `test_rm`: a held-out reward model trained on comparisons disjoint from the optimized proxy's
  (Bai et al. 2022). It is the rule's estimate of true reward; without one the proxy stands in
  (much weaker: the optimized proxy rarely turns down).
* `gap` = proxy - test_rm: once over-optimization starts, the optimized proxy and the test RM part ways.
* degradation: repetition (share of repeated bigrams and tokens) and length, as effect sizes
  (shift of the mean in units of the reference's per-sample standard deviation).
* an online fit of Gao et al.'s RL law R(d) = d (a - b ln d) to the test-RM curve: its predicted
  peak d*.

Decision: the best checkpoint is the measured one with the highest test-RM score among those not
flagged as degraded. The kept checkpoint (`keep="predicted"`, the default) is, among the best one
and those measured after it, the one nearest in sqrt KL to the gold-free predicted peak; `keep="best"`
keeps the best one. Training stops (or, in warn mode, a warning is raised) as soon as any of:

1. `plateau`: the test RM has not beaten its best for `patience` measurements in a row spanning at
   least `plateau_steps` optimizer steps;
2. `fit`: the online fit has a peak, the current sqrt KL is past it by more than `fit_margin`, and
   the test RM is below its best;
3. `gap`: the proxy - test-RM gap has grown by more than `gap_rise` since the best checkpoint while
   the test RM is below its best;
4. `degradation`: a repetition effect size exceeds `degradation_threshold` (default 1: the mean
   moved by one reference standard deviation) for `patience` measurements in a row.

The monitor measures every `every` steps and every `every_near` steps once a degradation signal is
within `near_fraction` of its threshold, so the last healthy checkpoint is found to within a step or
two without paying for dense measurements the rest of the time. Length is measured and logged but
not a stop signal by default: longer answers are often fine (add "length_effect" to
`degradation_keys` where they are not).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from overopt.configs import check, setting
from overopt.errors import ConfigError

GOLD_KEYS = ("gold",)
DEGRADATION_KEYS = ("rep_bigrams_effect", "rep_tokens_effect", "length_effect")


@dataclass
class RuleConfig:
    """When the monitor stops (see the module docstring for the rule)."""

    min_measurements: int = setting(3, "Measurements (step 0 included) before any stop.")
    patience: int = setting(2, "Measurements without a new best (and for degradation) before a stop.")
    plateau_steps: int = setting(10, "... spanning at least this many optimizer steps.")
    fit_margin: float = setting(0.1, "Stop once sqrt KL > (1 + margin) * the predicted peak.")
    gap_rise: float = setting(1.0, "z units of proxy - test RM growth since the best checkpoint that stop it.")
    degradation_threshold: float = setting(1.0, "Effect size (reference per-sample std units) that counts as "
                                           "degradation.")
    degradation_keys: tuple[str, ...] = setting(("rep_bigrams_effect", "rep_tokens_effect"),
                                                "Degradation signals watched.")
    min_improvement: float = setting(0.0, "A new best must beat the old by this much (z units).")
    keep: str = setting("predicted", "Checkpoint kept: 'best' (highest test RM, not degraded) or 'predicted' (of "
                        "the best and those measured after it, the one nearest in sqrt KL to the gold-free "
                        "predicted peak; 'best' if none).")

    def __post_init__(self):
        check(self.keep in ("best", "predicted"), f"monitor.rule.keep must be 'best' or 'predicted', got {self.keep!r}")


@dataclass
class Decision:
    stop: bool
    reasons: list[str] = field(default_factory=list)
    best_index: int | None = None      # index of the best checkpoint (highest test RM, not degraded)
    degraded: bool = False
    keep_index: int | None = None      # index of the checkpoint to keep (see RuleConfig.keep)


def strip_gold(point: dict) -> dict:
    return {k: v for k, v in point.items() if k not in GOLD_KEYS}


def keep_index(history: Sequence[dict], best_i: int | None, cfg: RuleConfig,
               predicted_peak_d: float | None) -> int | None:
    """The checkpoint to keep: `best_i`, or with `cfg.keep == "predicted"` the one, among `best_i` and
    the measurements after it, whose sqrt KL is nearest the predicted peak. The best test-RM checkpoint
    marks the last point known to be healthy; the peak of true reward lies at or after it, and the
    gold-free prediction (Gao fit or degradation crossing) says where."""
    if best_i is None or cfg.keep == "best" or predicted_peak_d is None:
        return best_i
    cands = range(best_i, len(history))
    return min(cands, key=lambda i: (abs(history[i]["sqrt_kl"] - predicted_peak_d), i))


def decide(history: Sequence[dict], cfg: RuleConfig, *, signal: str = "test_rm",
           fit_peak_d: float | None = None, predicted_peak_d: float | None = None) -> Decision:
    """Stopping decision after the last point of `history` (a list of gold-free measurements)."""
    for p in history:
        if any(k in p for k in GOLD_KEYS):
            raise ConfigError("the stopping rule must not see gold: pass strip_gold(point) points")
    if not history:
        return Decision(False)

    def degraded(p: dict) -> bool:
        return any(p.get(k, 0.0) > cfg.degradation_threshold for k in cfg.degradation_keys)

    best_i = None
    for i, p in enumerate(history):
        if degraded(p):
            continue
        if best_i is None or p[signal] > history[best_i][signal] + cfg.min_improvement:
            best_i = i
    last = history[-1]
    reasons: list[str] = []
    if len(history) >= cfg.min_measurements:
        below = best_i is not None and last[signal] < history[best_i][signal]
        since_best = len(history) - 1 - best_i if best_i is not None else len(history)
        steps_since = last["step"] - history[best_i]["step"] if best_i is not None else last["step"]
        if since_best >= cfg.patience and steps_since >= cfg.plateau_steps:
            reasons.append(f"plateau: no new best {signal} for {since_best} measurements")
        if fit_peak_d is not None and below and last["sqrt_kl"] > fit_peak_d * (1 + cfg.fit_margin):
            reasons.append(f"fit: sqrt KL {last['sqrt_kl']:.2f} past the predicted peak {fit_peak_d:.2f}")
        if best_i is not None and below and "gap" in last:
            rise = last["gap"] - history[best_i]["gap"]
            if rise > cfg.gap_rise:
                reasons.append(f"gap: proxy - {signal} grew by {rise:.2f} since the best checkpoint")
        tail = history[-cfg.patience:]
        if len(tail) == cfg.patience and all(degraded(p) for p in tail):
            keys = [k for k in cfg.degradation_keys if last.get(k, 0.0) > cfg.degradation_threshold]
            reasons.append("degradation: " + ", ".join(f"{k}={last[k]:.2f}" for k in keys))
    return Decision(bool(reasons), reasons, best_i, degraded(last),
                    keep_index(history, best_i, cfg, predicted_peak_d))
