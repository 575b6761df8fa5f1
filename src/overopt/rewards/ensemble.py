"""Reward-model ensembles (Coste et al. 2023): k proxy RMs combined into one conservative reward.

For member scores R_1..R_k of one completion:

* ``mean``: (1/k) sum_i R_i
* ``wco`` (worst-case optimization): min_i R_i
* ``uwo`` (uncertainty-weighted optimization): mean - lambda * (1/k) sum_i (R_i - mean)^2, the
  *population* variance, as in Coste et al.'s Eq. 5 and their best-of-n code (`np.var`).

Members trained on the same data with different seeds disagree little where the data is and much
where it is not; `wco` and `uwo` turn that disagreement into a penalty, so an optimizer gains less
from going off-distribution. Bradley-Terry RMs are only defined up to an offset (and their scales
differ), so each member can be standardized against the reference policy's samples first
(`EnsembleScorer.standardized`); the min and the variance are then taken in comparable units.

An `EnsembleScorer` is a `Scorer`: use it as the best-of-n selector (`pool.rescored("wco", scorer)`
then `measure_best_of_n(..., selector="wco")`) or as the reward RL optimizes (`train_and_measure_rl(...,
reward=scorer)`). Several aggregations of the same members share one cache of member scores.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from overopt.errors import ConfigError
from overopt.rewards.base import Scorer, ZScore

AGGREGATIONS = ("mean", "wco", "uwo")


def aggregate(member_scores: np.ndarray, how: str, *, uwo_lambda: float = 0.5) -> np.ndarray:
    """Combine a [k, n] matrix of member scores into n scores with `how` in mean / wco / uwo."""
    s = np.asarray(member_scores, dtype=np.float64)
    if s.ndim != 2 or s.shape[0] < 1:
        raise ConfigError(f"member scores must be a [k, n] matrix with k >= 1, got shape {s.shape}")
    if how == "mean":
        return s.mean(axis=0)
    if how == "wco":
        return s.min(axis=0)
    if how == "uwo":
        if uwo_lambda < 0:
            raise ConfigError(f"uwo_lambda must be >= 0, got {uwo_lambda}")
        return s.mean(axis=0) - uwo_lambda * s.var(axis=0)  # np.var: population variance (ddof=0)
    raise ConfigError(f"unknown aggregation {how!r} (expected one of {', '.join(AGGREGATIONS)})")


class _Members:
    """The k member scorers and a one-entry cache of their [k, n] scores (shared by aggregations)."""

    def __init__(self, scorers: Sequence[Scorer], z: Sequence[ZScore] | None):
        if not scorers:
            raise ConfigError("an ensemble needs at least one member")
        if z is not None and len(z) != len(scorers):
            raise ConfigError(f"{len(z)} standardizers for {len(scorers)} members")
        self.scorers, self.z = list(scorers), None if z is None else list(z)
        self._key: str | None = None
        self._value: np.ndarray | None = None

    @staticmethod
    def _digest(prompts: Sequence[str], completions: Sequence[str]) -> str:
        h = hashlib.blake2b(digest_size=16)
        for p, c in zip(prompts, completions):
            h.update(p.encode())
            h.update(b"\x00")
            h.update(c.encode())
            h.update(b"\x01")
        h.update(str(len(prompts)).encode())
        return h.hexdigest()

    def scores(self, prompts: Sequence[str], completions: Sequence[str]) -> np.ndarray:
        key = self._digest(prompts, completions)
        if key != self._key:
            rows = [np.asarray(m(prompts, completions), dtype=np.float64) for m in self.scorers]
            if self.z is not None:
                rows = [z(r) for z, r in zip(self.z, rows)]
            self._key, self._value = key, np.stack(rows) if rows else np.zeros((0, 0))
        return self._value


@dataclass
class EnsembleScorer:
    """A `Scorer` over k member RMs combined with `how` (mean / wco / uwo)."""

    members: _Members
    how: str = "mean"
    uwo_lambda: float = 0.5
    name: str = ""

    def __post_init__(self):
        if self.how not in AGGREGATIONS:
            raise ConfigError(f"unknown aggregation {self.how!r} (expected one of {', '.join(AGGREGATIONS)})")
        if self.uwo_lambda < 0:
            raise ConfigError(f"uwo_lambda must be >= 0, got {self.uwo_lambda}")
        self.name = self.name or f"ensemble_{self.how}"

    @classmethod
    def of(cls, scorers: Sequence[Scorer], how: str = "mean", *, uwo_lambda: float = 0.5,
           z: Sequence[ZScore] | None = None, name: str = "") -> "EnsembleScorer":
        """An ensemble of raw member scorers; `z` (one ZScore per member) standardizes them first."""
        return cls(_Members(scorers, z), how, uwo_lambda, name)

    @classmethod
    def standardized(cls, scorers: Sequence[Scorer], prompts: Sequence[str], completions: Sequence[str],
                     how: str = "mean", *, uwo_lambda: float = 0.5, name: str = "") -> "EnsembleScorer":
        """Members z-scored against reference samples (`prompts`, `completions`) before combining."""
        z = [ZScore.fit(np.asarray(m(prompts, completions), dtype=np.float64)) for m in scorers]
        return cls.of(scorers, how, uwo_lambda=uwo_lambda, z=z, name=name)

    @property
    def k(self) -> int:
        return len(self.members.scorers)

    def with_aggregation(self, how: str, *, uwo_lambda: float | None = None, name: str = "") -> "EnsembleScorer":
        """The same members (and cache) combined another way."""
        lam = self.uwo_lambda if uwo_lambda is None else uwo_lambda
        return EnsembleScorer(self.members, how, lam, name)

    def member_scores(self, prompts: Sequence[str], completions: Sequence[str]) -> np.ndarray:
        """[k, n] member scores (standardized if the ensemble was built with standardizers)."""
        return self.members.scores(prompts, completions)

    def disagreement(self, prompts: Sequence[str], completions: Sequence[str]) -> np.ndarray:
        """Per-completion population variance across members: the ensemble's uncertainty."""
        return self.member_scores(prompts, completions).var(axis=0)

    def combine(self, raw_member_scores: Sequence[np.ndarray]) -> np.ndarray:
        """Aggregate members' *raw* scores computed elsewhere (any shape, one array per member), e.g.
        best-of-n pool matrices already scored once per member: standardize, then combine."""
        if len(raw_member_scores) != self.k:
            raise ConfigError(f"{len(raw_member_scores)} score arrays for {self.k} members")
        rows = [np.asarray(r, dtype=np.float64) for r in raw_member_scores]
        shape = rows[0].shape
        if self.members.z is not None:
            rows = [z(r) for z, r in zip(self.members.z, rows)]
        flat = np.stack([r.reshape(-1) for r in rows])
        return aggregate(flat, self.how, uwo_lambda=self.uwo_lambda).reshape(shape)

    def __call__(self, prompts: Sequence[str], completions: Sequence[str]) -> np.ndarray:
        return aggregate(self.member_scores(prompts, completions), self.how, uwo_lambda=self.uwo_lambda)
