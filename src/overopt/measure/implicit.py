"""DPO's implicit reward, r(x, y) = β log(π(y|x) / π_ref(y|x)), and its margin on fixed preference pairs.

The margin r(x, chosen) - r(x, rejected) is what DPO pushes up; Rafailov et al. (2024) show it keeps rising
while the true quality peaks and falls.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from overopt.measure.kl import completion_log_prob
from overopt.optimize.sampling import Samples, encode


@dataclass
class ImplicitMargin:
    """Call it with a policy to get the mean implicit reward margin and the share of pairs it orders right."""

    chosen: Samples
    rejected: Samples
    ref_chosen: torch.Tensor
    ref_rejected: torch.Tensor
    batch_size: int = 512

    @classmethod
    def build(cls, reference, tokenizer, prompts: list[str], chosen: list[str], rejected: list[str], *,
              batch_size: int = 512) -> "ImplicitMargin":
        c, r = encode(tokenizer, prompts, chosen), encode(tokenizer, prompts, rejected)
        return cls(c, r, completion_log_prob(reference, c, batch_size=batch_size),
                   completion_log_prob(reference, r, batch_size=batch_size), batch_size)

    def __call__(self, policy, beta: float) -> dict[str, float]:
        lc = completion_log_prob(policy, self.chosen, batch_size=self.batch_size) - self.ref_chosen
        lr = completion_log_prob(policy, self.rejected, batch_size=self.batch_size) - self.ref_rejected
        margin = beta * (lc - lr)
        return {"implicit_margin": float(margin.mean()), "implicit_accuracy": float((margin > 0).float().mean())}
