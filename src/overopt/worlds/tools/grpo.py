"""RL of the tool-using policy: a thin GRPO-style policy-gradient loop (see docs/tools.md for why not
TRL's GRPOTrainer).

Each step samples `group_size` episodes for each of `prompts_per_step` tasks, scores every episode
with both verifiers and the ground truth, and takes one gradient step on

    loss = - sum_i sum_t A_i log pi(token_t) / (number of policy tokens),
    A_i  = (r_i - mean(r_group)) / (std(r_group) + 1e-4)

over the tokens the policy sampled (tool output is not the policy's and is excluded), where r is
the reward of the verifier under training. With one update per batch, GRPO's clipped ratio is
always 1 and its loss reduces to this (TRL's defaults: beta=0, group-scaled rewards, token-level
normalization). Rollouts hit by a tool fault (outage, timeout, kill, crash) are counted and, with
`mask_outages`, left out of the loss and of their group's statistics.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

import numpy as np
import torch

from overopt.progress import Task as ProgressTask
from overopt.runs import CsvLog
from overopt.worlds.tools.rollout import Episode, ToolHarness, rollout
from overopt.worlds.tools.scoring import Scorer, summarize
from overopt.worlds.tools.tasks import sample_tasks

if TYPE_CHECKING:
    from overopt.worlds.tools.lab import ToolsConfig


def group_advantages(rewards: torch.Tensor, keep: torch.Tensor, group_size: int,
                     strata: torch.Tensor | None = None) -> torch.Tensor:
    """(r - mean) / (std + 1e-4) within each group, over the episodes kept; 0 for the others.

    With `strata` (one bool per episode), each group is split in two and every episode is compared
    only with the episodes of its own stratum; one alone in its stratum gets 0.
    """
    if strata is not None:
        return sum(group_advantages(rewards, keep & (strata == s), group_size) for s in (False, True))
    r = rewards.view(-1, group_size)
    k = keep.view(-1, group_size).float()
    count = k.sum(1, keepdim=True)
    mean = (r * k).sum(1, keepdim=True) / count.clamp(min=1)
    var = (((r - mean) ** 2) * k).sum(1, keepdim=True) / (count - 1).clamp(min=1)
    adv = (r - mean) / (var.sqrt() + 1e-4)
    return (adv * k).view(-1)


def _sequences(episodes: list[Episode], vocab: dict[str, int], pad_id: int):
    n, length = len(episodes), max(len(e.words) for e in episodes)
    ids = torch.full((n, length), pad_id, dtype=torch.long)
    attn = torch.zeros((n, length), dtype=torch.long)
    policy = torch.zeros((n, length), dtype=torch.bool)
    for i, e in enumerate(episodes):
        ids[i, :len(e.words)] = torch.tensor([vocab[w] for w in e.words])
        attn[i, :len(e.words)] = 1
        policy[i, :len(e.words)] = torch.tensor(e.by_policy)
    return ids, attn, policy


def _token_logprobs(model, ids, attn):
    logits = model(input_ids=ids, attention_mask=attn).logits[:, :-1].float()
    return torch.log_softmax(logits, -1).gather(-1, ids[:, 1:, None]).squeeze(-1)


def policy_gradient_step(model, optimizer, episodes: list[Episode], advantages: torch.Tensor, keep: torch.Tensor,
                         vocab: dict[str, int], pad_id: int, *, reference=None, beta: float = 0.0) -> float:
    """One AdamW step on the loss above, plus TRL's k3 KL penalty to `reference` when `beta` > 0."""
    ids, attn, policy = _sequences(episodes, vocab, pad_id)
    model.train()
    logp = _token_logprobs(model, ids, attn)
    mask = policy[:, 1:].float() * keep.float()[:, None]
    denom = mask.sum().clamp(min=1)
    per_token = -advantages[:, None] * logp
    if beta > 0 and reference is not None:
        with torch.no_grad():
            ref = _token_logprobs(reference, ids, attn)
        # TRL's per-token KL estimator (k3): exp(ref - logp) - (ref - logp) - 1, always >= 0
        per_token = per_token + beta * (torch.exp(ref - logp) - (ref - logp) - 1)
    loss = (per_token * mask).sum() / denom
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    model.eval()
    return float(loss.item())


def train_against(verifier: str, base, tokenizer, harness: ToolHarness, scorer: Scorer, config: ToolsConfig,
                  seed: int, curves: CsvLog, task: ProgressTask):
    """RL a copy of `base` against `verifier` for `config.steps` steps, with `base` as the KL reference.

    Writes one curves.csv row per step (the training batch's statistics) and returns the trained model.
    Every verifier gets the same task stream and sampling seed.
    """
    model = copy.deepcopy(base)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate, weight_decay=0.0)
    vocab, pad_id = tokenizer.get_vocab(), tokenizer.pad_token_id
    task_rng = np.random.default_rng([seed, 11])
    gen = torch.Generator().manual_seed(seed * 1000 + 13)
    for step in range(config.steps):
        tasks = [t for t in sample_tasks(task_rng, config.prompts_per_step, n_terms=config.n_terms,
                                         digits=config.digits) for _ in range(config.group_size)]
        ids = [f"{verifier}-{step}-{i}" for i in range(len(tasks))]
        eps = rollout(model, tokenizer, harness, tasks, ids, max_new_words=config.max_new_words,
                      generator=gen, temperature=config.temperature)
        scored = scorer.score(eps)
        rewards = torch.tensor([s.reward(verifier) for s in scored])
        hit = torch.tensor([e.fault_affected for e in eps])
        keep = ~hit if config.mask_outages else torch.ones_like(hit)
        adv = group_advantages(rewards, keep, config.group_size, strata=hit if config.fault_baseline else None)
        loss = policy_gradient_step(model, optimizer, eps, adv, keep, vocab, pad_id, reference=base, beta=config.beta)
        curves.write({**summarize(scored), "verifier": verifier, "step": step, "reward": float(rewards.mean()),
                      "masked": int((~keep).sum()), "loss": loss})
        task.advance()
    return model
