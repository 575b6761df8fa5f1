"""Measuring a policy: fresh samples on held-out prompts -> sequence KL, proxy and gold (z-scores)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from overopt.measure.kl import sequence_kl
from overopt.optimize.sampling import Samples, sample
from overopt.rewards.base import Scorer, ZScore


@dataclass
class PolicyEvaluator:
    """Call it with a policy to get one point of the curve: kl, sqrt_kl and each scorer's mean z-score.

    The same sampling seed is used at every call (common random numbers), so differences between
    checkpoints are not sampling noise of the prompts' order. `scorers` maps a column name
    (e.g. "proxy", "gold") to a Scorer; `z` holds each column's reference normalization.
    """

    reference: object
    tokenizer: object
    prompts: Sequence[str]
    scorers: dict[str, Scorer]
    z: dict[str, ZScore]
    per_prompt: int = 16
    max_new_tokens: int = 20
    seed: int = 0
    batch_size: int = 512

    def samples(self, policy) -> Samples:
        return sample(policy, self.tokenizer, self.prompts, per_prompt=self.per_prompt,
                      max_new_tokens=self.max_new_tokens, seed=self.seed, batch_size=self.batch_size)

    def __call__(self, policy, samples: Samples | None = None) -> dict[str, float]:
        samples = samples if samples is not None else self.samples(policy)
        kl = float(sequence_kl(policy, self.reference, samples, batch_size=self.batch_size).mean())
        kl = max(kl, 0.0)
        point = {"kl": kl, "sqrt_kl": float(np.sqrt(kl)), "length": float(samples.lengths.float().mean())}
        for name, scorer in self.scorers.items():
            point[name] = float(self.z[name](scorer(samples.prompts, samples.completions)).mean())
        return point
