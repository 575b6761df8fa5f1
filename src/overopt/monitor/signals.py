"""Gold-free degradation signals on sampled completions: repetition and length.

They work on token ids, so they apply to any tokenizer. The scan issue's text detectors
(`overopt.detect`) judge whole episodes with thresholds tuned for long texts (>= 40-200 characters);
RL completions here are a few tokens, so the monitor uses these per-completion rates instead and
compares them with the reference policy's own samples.
"""

from __future__ import annotations

import numpy as np
import torch


def _rows(completion_ids: torch.Tensor, completion_mask: torch.Tensor, eos_id: int | None):
    ids, mask = completion_ids.tolist(), completion_mask.tolist()
    for row, m in zip(ids, mask):
        toks = [t for t, keep in zip(row, m) if keep and t != eos_id]
        yield toks


def repetition_rates(completion_ids: torch.Tensor, completion_mask: torch.Tensor,
                     eos_id: int | None = None) -> dict[str, np.ndarray]:
    """Per completion: `rep_tokens`, the share of tokens that repeat an earlier token of the same
    completion, and `rep_bigrams`, the share of bigrams that repeat an earlier bigram (0 when there
    is nothing to repeat)."""
    rep_t, rep_b = [], []
    for toks in _rows(completion_ids, completion_mask, eos_id):
        n = len(toks)
        rep_t.append(1.0 - len(set(toks)) / n if n else 0.0)
        bigrams = list(zip(toks, toks[1:]))
        rep_b.append(1.0 - len(set(bigrams)) / len(bigrams) if bigrams else 0.0)
    return {"rep_tokens": np.array(rep_t), "rep_bigrams": np.array(rep_b)}


def token_lengths(completion_mask: torch.Tensor) -> np.ndarray:
    return completion_mask.sum(-1).numpy().astype(np.float64)
