"""The mitigations lab's reward models: an ensemble whose member 0 is the single proxy RM, a held-out test
RM trained on fresh pairs disjoint from the proxy's, and the ensemble's three aggregations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from overopt.optimize.sampling import sample
from overopt.progress import Task
from overopt.rewards.ensemble import EnsembleScorer
from overopt.rewards.reward_model import (PreferencePairs, RewardModelConfig, RewardModelScorer, pair_accuracy,
                                          train_reward_model)
from overopt.worlds.rlhf.world import SCORE_TEMPLATE, World, gold_pairs, train_proxy

#: How the ensemble's members are combined: mean, worst case (min), uncertainty-weighted (mean - λ·var).
ENSEMBLE_METHODS = ("mean", "wco", "uwo")
MEMBER_DATA = ("same", "bootstrap")


@dataclass
class RewardModels:
    """The ensemble's members (member 0 is the single proxy RM), the test RM, and their pair counts and
    held-out accuracies (`info`)."""

    members: list[RewardModelScorer]
    test_rm: RewardModelScorer
    info: dict[str, Any]

    @property
    def proxy(self) -> RewardModelScorer:
        return self.members[0]


def disjoint_pairs(pairs: PreferencePairs, taken: PreferencePairs) -> PreferencePairs:
    """`pairs` without any pair of `taken` (in either order)."""
    seen = {(p, c, r) for p, c, r in zip(taken.prompts, taken.chosen, taken.rejected)}
    seen |= {(p, r, c) for p, c, r in seen}
    keep = [i for i, t in enumerate(zip(pairs.prompts, pairs.chosen, pairs.rejected)) if t not in seen]
    return pairs.subset(keep)


def test_rm_pairs(world: World, n: int, rm: RewardModelConfig, max_new_tokens: int, seed: int) -> PreferencePairs:
    """Up to `n` fresh gold-labeled pairs (the proxy's label noise) on training prompts, none of the proxy's."""
    fresh = gold_pairs(world.reference, world.tokenizer, world.train_prompts, n, rm.label_noise, max_new_tokens,
                       seed + 101)
    return disjoint_pairs(fresh, world.pairs)


def member_pairs(train_pairs: PreferencePairs, member_data: str, member_seed: int) -> PreferencePairs:
    """A member's training pairs: the proxy's (`same`) or a bootstrap resample of them (`bootstrap`)."""
    if member_data != "bootstrap":
        return train_pairs
    idx = np.random.default_rng(member_seed).integers(len(train_pairs), size=len(train_pairs))
    return train_pairs.subset(idx.tolist())


def train_reward_models(world: World, test_pairs: PreferencePairs, rm: RewardModelConfig, ensemble_size: int,
                        member_data: str, seed: int, task: Task) -> RewardModels:
    """The proxy (seed `seed`), members 1..k-1 (seed `seed + 1000 i`) and the test RM (seed `seed + 7`);
    `task` advances once per reward model."""
    proxy, proxy_info = train_proxy(world, rm, seed)
    task.advance()
    members = [proxy]
    train_pairs = world.pairs.subset(range(min(rm.pairs, len(world.pairs))))
    for i in range(1, ensemble_size):
        pairs = member_pairs(train_pairs, member_data, seed + 1000 * i)
        members.append(train_reward_model(world.tokenizer, pairs, rm, seed=seed + 1000 * i, template=SCORE_TEMPLATE))
        task.advance()
    test_rm = train_reward_model(world.tokenizer, test_pairs, rm, seed=seed + 7, template=SCORE_TEMPLATE)
    test_rm.name = "test_rm"
    task.advance()
    info = {"rm": {"train_pairs": len(train_pairs), "test_pairs": len(test_pairs),
                   "proxy_held_out_accuracy": proxy_info["held_out_accuracy"],
                   "member_held_out_accuracy": [pair_accuracy(m, world.held_out_pairs) for m in members],
                   "test_rm_held_out_accuracy": pair_accuracy(test_rm, world.held_out_pairs)}}
    return RewardModels(members, test_rm, info)


def ensemble_scorers(members: list[RewardModelScorer], world: World, uwo_lambda: float, seed: int,
                     batch_size: int) -> dict[str, EnsembleScorer]:
    """The ensemble under each of `ENSEMBLE_METHODS`, its members standardized against 4 reference samples
    per training prompt."""
    ref = sample(world.reference, world.tokenizer, world.train_prompts, per_prompt=4,
                 max_new_tokens=world.max_new_tokens, seed=seed + 53, batch_size=batch_size)
    base = EnsembleScorer.standardized(members, ref.prompts, ref.completions, "mean", uwo_lambda=uwo_lambda,
                                       name="ens_mean")
    return {"mean": base, "wco": base.with_aggregation("wco", name="ens_wco"),
            "uwo": base.with_aggregation("uwo", name="ens_uwo")}


def ensemble_columns(ensembles: dict[str, EnsembleScorer]) -> dict[str, EnsembleScorer]:
    """The ensembles by their curves.csv column: `ens_mean`, `ens_wco`, `ens_uwo`."""
    return {f"ens_{method}": scorer for method, scorer in ensembles.items()}
