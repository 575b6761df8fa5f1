"""Proxy reward models: Hugging Face sequence classifiers trained with a Bradley-Terry loss.

As in Gao et al. (2023) and Coste et al. (2023): pairs of reference-policy samples for the same
prompt are labeled by the gold reward, a fraction of labels is flipped (default 25%, Coste's
setting), and the model learns -log sigmoid(r_chosen - r_rejected).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from overopt.configs import check, check_positive, setting
from overopt.models.tiny import TinyConfig, sequence_classifier
from overopt.progress import SILENT, Task


@dataclass
class RewardModelConfig:
    size: TinyConfig = setting(factory=lambda: TinyConfig(hidden_size=64, num_layers=2),
                               help="Size of the reward model.")
    pairs: int = setting(4000, "Preference pairs it is trained on.")
    label_noise: float = setting(0.25, "Share of pairs whose gold label is flipped (Gao et al.'s noise).")
    epochs: int = setting(3, "Passes over the pairs.")
    lr: float = setting(1e-3, "AdamW learning rate.")
    batch_size: int = setting(64, "Pairs per step.")

    def __post_init__(self) -> None:
        check_positive(self, "pairs", "epochs", "batch_size", group="reward_model.")
        check(0.0 <= self.label_noise < 0.5, f"reward_model.label_noise must be in [0, 0.5), got {self.label_noise}")
        check(self.lr > 0, f"reward_model.lr must be positive, got {self.lr}")


@dataclass
class PreferencePairs:
    prompts: list[str]
    chosen: list[str]
    rejected: list[str]

    def __len__(self) -> int:
        return len(self.prompts)

    def subset(self, idx: Sequence[int]) -> "PreferencePairs":
        return PreferencePairs([self.prompts[i] for i in idx], [self.chosen[i] for i in idx],
                               [self.rejected[i] for i in idx])


def label_pairs(prompts: Sequence[str], a: Sequence[str], b: Sequence[str], gold_a: np.ndarray,
                gold_b: np.ndarray, *, noise: float, seed: int) -> PreferencePairs:
    """Gold decides which completion is chosen (ties dropped); then `noise` of the labels flip."""
    rng = np.random.default_rng(seed)
    flip = rng.random(len(prompts)) < noise
    out = PreferencePairs([], [], [])
    for p, x, y, gx, gy, f in zip(prompts, a, b, gold_a, gold_b, flip):
        if gx == gy:
            continue
        win, lose = (x, y) if (gx > gy) != f else (y, x)
        out.prompts.append(p)
        out.chosen.append(win)
        out.rejected.append(lose)
    return out


class RewardModelScorer:
    """Scores texts with a sequence classifier's scalar head. `template` joins prompt and completion."""

    def __init__(self, model, tokenizer, *, name: str = "proxy", template: str = "{prompt}{completion}",
                 batch_size: int = 1024):
        self.model, self.tokenizer, self.name = model, tokenizer, name
        self.template, self.batch_size = template, batch_size

    @classmethod
    def from_pretrained(cls, path: str | Path, *, name: str = "proxy", device: str = "cpu",
                        dtype: Any = None, **kwargs) -> "RewardModelScorer":
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(path)
        model = AutoModelForSequenceClassification.from_pretrained(path, num_labels=1, dtype=dtype).to(device)
        if model.config.pad_token_id is None:
            if tokenizer.pad_token_id is None:
                tokenizer.pad_token = tokenizer.eos_token
            model.config.pad_token_id = tokenizer.pad_token_id
        return cls(model.eval(), tokenizer, name=name, **kwargs)

    def texts(self, prompts: Sequence[str], completions: Sequence[str]) -> list[str]:
        return [self.template.format(prompt=p, completion=c) for p, c in zip(prompts, completions)]

    def logits(self, texts: Sequence[str]):
        enc = self.tokenizer(list(texts), return_tensors="pt", padding=True, add_special_tokens=False,
                             padding_side="right")
        device = next(self.model.parameters()).device
        return self.model(**{k: v.to(device) for k, v in enc.items()}).logits[:, 0].float().cpu()

    def __call__(self, prompts: Sequence[str], completions: Sequence[str]) -> np.ndarray:
        import torch

        self.model.eval()
        texts = self.texts(prompts, completions)
        with torch.no_grad():
            out = [self.logits(texts[i:i + self.batch_size]) for i in range(0, len(texts), self.batch_size)]
        return torch.cat(out).numpy().astype(np.float64) if out else np.zeros(0)


def train_reward_model(tokenizer, pairs: PreferencePairs, cfg: RewardModelConfig, *, seed: int,
                       template: str = "{prompt}{completion}", task: Task = SILENT) -> RewardModelScorer:
    """Train a fresh tiny reward model on `pairs` with the Bradley-Terry loss."""
    import torch

    model = sequence_classifier(tokenizer, cfg.size, seed)
    scorer = RewardModelScorer(model, tokenizer, template=template)
    chosen = scorer.texts(pairs.prompts, pairs.chosen)
    rejected = scorer.texts(pairs.prompts, pairs.rejected)
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01)
    n = len(pairs)
    total = cfg.epochs * ((n + cfg.batch_size - 1) // cfg.batch_size)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 1.0 - s / max(total, 1))
    step = 0
    model.train()
    for _ in range(cfg.epochs):
        order = torch.randperm(n, generator=gen).tolist()
        for i in range(0, n, cfg.batch_size):
            idx = order[i:i + cfg.batch_size]
            r = scorer.logits([chosen[j] for j in idx] + [rejected[j] for j in idx])
            r_c, r_r = r[:len(idx)], r[len(idx):]
            loss = -torch.nn.functional.logsigmoid(r_c - r_r).mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
            task.update(completed=step, total=total)
    model.eval()
    return scorer


def pair_accuracy(scorer: RewardModelScorer, pairs: PreferencePairs) -> float:
    """Fraction of pairs where the chosen completion scores higher."""
    c = scorer(pairs.prompts, pairs.chosen)
    r = scorer(pairs.prompts, pairs.rejected)
    return float(np.mean(c > r)) if len(pairs) else float("nan")
