"""The reward interface: a `Scorer` maps (prompt, completion) texts to one float each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence

import numpy as np


class Scorer(Protocol):
    name: str

    def __call__(self, prompts: Sequence[str], completions: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class ZScore:
    """Reports a reward as a z-score against the reference policy's own sample distribution."""

    mean: float
    std: float

    @classmethod
    def fit(cls, reference_scores: np.ndarray) -> "ZScore":
        std = float(np.std(reference_scores))
        return cls(float(np.mean(reference_scores)), std if std > 0 else 1.0)

    def __call__(self, scores: np.ndarray) -> np.ndarray:
        return (np.asarray(scores, dtype=np.float64) - self.mean) / self.std
