"""Sampling completions from a causal LM, keeping the token ids needed to measure KL.

Sampling is plain ancestral sampling at temperature 1 (no top-k/top-p), so the samples come from
exactly the distribution whose KL to the reference is measured.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import torch

from overopt.progress import SILENT, Task


@dataclass
class Samples:
    """Completions with their token ids. Row i answers prompts[i]."""

    prompts: list[str]
    completions: list[str]
    prompt_ids: torch.Tensor       # [B, P], left-padded
    prompt_mask: torch.Tensor      # [B, P]
    completion_ids: torch.Tensor   # [B, C], padded after the first EOS
    completion_mask: torch.Tensor  # [B, C], 1 up to and including the first EOS

    def __len__(self) -> int:
        return len(self.prompts)

    @property
    def lengths(self) -> torch.Tensor:
        return self.completion_mask.sum(-1)


def completion_mask(completion_ids: torch.Tensor, eos_id: int) -> torch.Tensor:
    """1 for tokens up to and including the first EOS, 0 after it."""
    is_eos = completion_ids == eos_id
    after_eos = (is_eos.cumsum(-1) - is_eos.long()) > 0
    return (~after_eos).long()


def position_ids(attention_mask: torch.Tensor) -> torch.Tensor:
    """Positions that skip left padding, as `generate` computes them."""
    return (attention_mask.cumsum(-1) - 1).clamp(min=0)


@torch.no_grad()
def sample(model, tokenizer, prompts: Sequence[str], *, per_prompt: int, max_new_tokens: int,
           batch_size: int = 512, seed: int = 0, task: Task = SILENT) -> Samples:
    """Draw `per_prompt` completions for each prompt (seeded; rows grouped by prompt)."""
    device = next(model.parameters()).device
    model.eval()
    flat = [p for p in prompts for _ in range(per_prompt)]
    pad_id, eos_id = tokenizer.pad_token_id, tokenizer.eos_token_id
    prompt_parts, mask_parts, comp_parts, texts = [], [], [], []
    gen = torch.Generator(device="cpu").manual_seed(seed)
    for start in range(0, len(flat), batch_size):
        chunk = flat[start:start + batch_size]
        enc = tokenizer(chunk, return_tensors="pt", padding=True, add_special_tokens=False,
                        padding_side="left")
        ids, attn = enc["input_ids"].to(device), enc["attention_mask"].to(device)
        torch.manual_seed(int(torch.randint(0, 2**31 - 1, (1,), generator=gen)))
        out = model.generate(
            input_ids=ids, attention_mask=attn, do_sample=True, temperature=1.0, top_k=0, top_p=1.0,
            max_new_tokens=max_new_tokens, pad_token_id=pad_id, eos_token_id=eos_id,
        )
        comp = out[:, ids.shape[1]:].cpu()
        comp = torch.nn.functional.pad(comp, (0, max_new_tokens - comp.shape[1]), value=pad_id)
        comp = comp.masked_fill(completion_mask(comp, eos_id) == 0, pad_id)
        prompt_parts.append(ids.cpu())
        mask_parts.append(attn.cpu())
        comp_parts.append(comp)
        texts += tokenizer.batch_decode(comp, skip_special_tokens=True)
        task.advance(len(chunk))
    prompt_ids = cat_left_padded(prompt_parts, pad_id)
    prompt_mask = cat_left_padded(mask_parts, 0)
    completion_ids = torch.cat(comp_parts)
    return Samples(list(flat), [t.strip() for t in texts], prompt_ids, prompt_mask, completion_ids,
                   completion_mask(completion_ids, eos_id))


def cat_left_padded(parts: list[torch.Tensor], value: int) -> torch.Tensor:
    width = max(p.shape[1] for p in parts)
    return torch.cat([torch.nn.functional.pad(p, (width - p.shape[1], 0), value=value) for p in parts])
