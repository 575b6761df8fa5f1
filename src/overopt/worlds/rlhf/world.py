"""Building the rlhf world: its tokenizer and its reference policy, trained locally and cached.

The reference policy is a tiny `LlamaForCausalLM` fine-tuned on the toy corpus (supervised, loss on
response tokens only). It is saved with `save_pretrained` in a cache folder keyed by its config and
seed, so every later run with the same settings loads the very same weights.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from overopt.models.tiny import TinyConfig, causal_lm, train_causal_lm, word_tokenizer
from overopt.worlds.rlhf.language import Prompt, corpus, split_prompts, vocabulary

#: Reference completions are scored as "<prompt> <completion> <eos>".
SCORE_TEMPLATE = "{prompt} {completion} <eos>"


@dataclass
class ReferenceConfig:
    policy: TinyConfig = field(default_factory=lambda: TinyConfig(hidden_size=64, num_layers=2))
    corpus_size: int = 20_000
    epochs: int = 2
    batch_size: int = 128
    lr: float = 3e-3
    max_new_tokens: int = 20


def cache_root() -> Path:
    return Path(os.environ.get("OVEROPT_CACHE", Path.home() / ".cache" / "overopt"))


def _key(cfg: ReferenceConfig, seed: int) -> str:
    blob = json.dumps({"cfg": asdict(cfg), "seed": seed, "format": 1}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def prompt_split(seed: int) -> tuple[list[Prompt], list[Prompt]]:
    return split_prompts(seed)


def reference_policy(cfg: ReferenceConfig, seed: int, *,
                     on_step: Callable[[int, int, float], None] | None = None) -> Path:
    """Path of the trained reference policy (model + tokenizer), training it on a cache miss."""
    path = cache_root() / "rlhf-reference" / _key(cfg, seed)
    if (path / "config.json").exists() and (path / "tokenizer.json").exists():
        return path
    import torch

    from overopt.seeding import seed_everything

    seed_everything(seed)
    tokenizer = word_tokenizer(vocabulary())
    model = causal_lm(tokenizer, cfg.policy, seed)
    train_prompts, _ = prompt_split(seed)
    texts = [f"{p.text} {' '.join(words)} <eos>" for p, words in corpus(train_prompts, cfg.corpus_size, seed)]
    prompt_len = len(train_prompts[0].text.split())

    def response_only(ids):
        # left padding puts every text's prompt at the same offset from its first real token
        first = (ids != tokenizer.pad_token_id).long().argmax(-1, keepdim=True)
        pos = torch.arange(ids.shape[1]).unsqueeze(0)
        return pos >= first + prompt_len

    train_causal_lm(model, tokenizer, texts, epochs=cfg.epochs, batch_size=cfg.batch_size, lr=cfg.lr,
                    seed=seed, loss_mask=response_only, on_step=on_step)
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(tmp)
    tokenizer.save_pretrained(tmp)
    (tmp / "overopt.json").write_text(json.dumps({"config": asdict(cfg), "seed": seed}, indent=2))
    shutil.rmtree(path, ignore_errors=True)
    os.replace(tmp, path)
    return path
