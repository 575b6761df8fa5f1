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


def encode(tokenizer, prompts: Sequence[str], completions: Sequence[str]) -> Samples:
    """Given prompt + completion texts as Samples (no sampling). As TRL's DPOTrainer does, prompt + completion is
    tokenized as one text and the completion is what follows the tokenized prompt; an EOS is appended if missing."""
    pad_id, eos_id = tokenizer.pad_token_id, tokenizer.eos_token_id
    p_rows, c_rows = [], []
    for p, c in zip(prompts, completions):
        p_ids = tokenizer(p, add_special_tokens=False)["input_ids"]
        full = tokenizer(p + c, add_special_tokens=False)["input_ids"]
        cut = next((i for i, (a, b) in enumerate(zip(p_ids, full)) if a != b), min(len(p_ids), len(full)))
        comp = full[cut:]
        if not comp or comp[-1] != eos_id:
            comp = comp + [eos_id]
        p_rows.append(torch.tensor(p_ids[:cut], dtype=torch.long))
        c_rows.append(torch.tensor(comp, dtype=torch.long))
    p_width, c_width = max(len(r) for r in p_rows), max(len(r) for r in c_rows)
    prompt_ids = torch.stack([torch.nn.functional.pad(r, (p_width - len(r), 0), value=pad_id) for r in p_rows])
    prompt_mask = torch.stack([torch.nn.functional.pad(torch.ones_like(r), (p_width - len(r), 0)) for r in p_rows])
    completion_ids = torch.stack([torch.nn.functional.pad(r, (0, c_width - len(r)), value=pad_id) for r in c_rows])
    completion_mask_ = torch.stack([torch.nn.functional.pad(torch.ones_like(r), (0, c_width - len(r)))
                                    for r in c_rows])
    texts = [c.strip() for c in completions]
    return Samples(list(prompts), texts, prompt_ids, prompt_mask, completion_ids, completion_mask_)
