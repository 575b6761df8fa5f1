"""Sequence-level KL(policy || reference), the x-axis of Gao et al.'s curves.

Estimator: on completions sampled from the policy, sum over each completion's tokens the *exact*
per-token KL between the two next-token distributions, KL(pi(.|y<t) || ref(.|y<t)), then average
over completions. This is an unbiased estimate of the sequence KL (the per-token KLs are the
conditional expectations of the k1 log-ratio terms), never negative, and of lower variance than
summing sampled log-ratios. It is a sequence sum, unlike TRL's logged `kl` (a per-token mean).
"""

from __future__ import annotations

import torch

from overopt.optimize.sampling import Samples, position_ids


@torch.no_grad()
def _log_probs(model, samples: Samples, rows: slice) -> torch.Tensor:
    device = next(model.parameters()).device
    p_ids, p_mask = samples.prompt_ids[rows], samples.prompt_mask[rows]
    c_ids, c_mask = samples.completion_ids[rows], samples.completion_mask[rows]
    ids = torch.cat([p_ids, c_ids], dim=1).to(device)
    attn = torch.cat([p_mask, c_mask], dim=1).to(device)
    logits = model(input_ids=ids, attention_mask=attn, position_ids=position_ids(attn)).logits
    # the logits predicting completion token j sit at position P - 1 + j
    p_len = p_ids.shape[1]
    return torch.log_softmax(logits[:, p_len - 1:-1].float(), dim=-1).cpu()


@torch.no_grad()
def sequence_kl(policy, reference, samples: Samples, *, batch_size: int = 512) -> torch.Tensor:
    """Per-completion KL(policy || reference) summed over its tokens; `samples` must come from `policy`."""
    out = []
    for start in range(0, len(samples), batch_size):
        rows = slice(start, start + batch_size)
        lp, lq = _log_probs(policy, samples, rows), _log_probs(reference, samples, rows)
        per_token = (lp.exp() * (lp - lq)).sum(-1)
        out.append((per_token * samples.completion_mask[rows]).sum(-1))
    return torch.cat(out)


@torch.no_grad()
def completion_log_prob(model, samples: Samples, *, batch_size: int = 512) -> torch.Tensor:
    """log π(completion | prompt) of each row of `samples`, summed over the completion's tokens."""
    out = []
    for start in range(0, len(samples), batch_size):
        rows = slice(start, start + batch_size)
        lp = _log_probs(model, samples, rows)
        ids = samples.completion_ids[rows]
        token_lp = lp.gather(-1, ids.unsqueeze(-1)).squeeze(-1)
        out.append((token_lp * samples.completion_mask[rows]).sum(-1))
    return torch.cat(out)
