"""Building the rlhf world: its reference policy (trained locally and cached), prompts, gold-labeled
preference pairs and proxy reward models.

The reference policy is a tiny `LlamaForCausalLM` fine-tuned on the toy corpus (supervised, loss on
response tokens only). It is saved with `save_pretrained` in a cache folder keyed by its config and
seed, so every later run with the same settings loads the very same weights.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import copy
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from overopt.configs import check, check_positive, setting
from overopt.measure.overoptimization import OptimizationSetup
from overopt.models.tiny import TinyConfig, causal_lm, train_causal_lm, word_tokenizer
from overopt.progress import SILENT, Task
from overopt.rewards.reward_model import (PreferencePairs, RewardModelConfig, RewardModelScorer, label_pairs,
                                          pair_accuracy, train_reward_model)
from overopt.worlds.rlhf.gold import GoldReward
from overopt.worlds.rlhf.language import Prompt, corpus, split_prompts, vocabulary

#: Reference completions are scored as "<prompt> <completion> <eos>".
SCORE_TEMPLATE = "{prompt} {completion} <eos>"


@dataclass
class ReferenceConfig:
    policy: TinyConfig = setting(factory=lambda: TinyConfig(hidden_size=64, num_layers=2),
                                 help="Size of the reference policy.")
    corpus_size: int = setting(20_000, "Prompt-response texts it is fine-tuned on.")
    epochs: int = setting(2, "Passes over the corpus.")
    batch_size: int = setting(128, "Texts per step.")
    lr: float = setting(3e-3, "AdamW learning rate.")
    max_new_tokens: int = setting(20, "Completion length cap when sampling from it.")

    def __post_init__(self) -> None:
        check_positive(self, "corpus_size", "epochs", "batch_size", "max_new_tokens", group="reference.")
        check(self.lr > 0, f"reference.lr must be positive, got {self.lr}")


def cache_root() -> Path:
    return Path(os.environ.get("OVEROPT_CACHE", Path.home() / ".cache" / "overopt"))


def _key(cfg: ReferenceConfig, seed: int) -> str:
    blob = json.dumps({"cfg": asdict(cfg), "seed": seed, "format": 1}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def prompt_split(seed: int) -> tuple[list[Prompt], list[Prompt]]:
    return split_prompts(seed)


def reference_policy(cfg: ReferenceConfig, seed: int, *, task: Task = SILENT) -> Path:
    """Path of the trained reference policy (model + tokenizer), training it on a cache miss."""
    path = cache_root() / "rlhf-reference" / _key(cfg, seed)
    if (path / "config.json").exists() and (path / "tokenizer.json").exists():
        task.update(completed=1, total=1)
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
                    seed=seed, loss_mask=response_only, task=task)
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(tmp)
    tokenizer.save_pretrained(tmp)
    (tmp / "overopt.json").write_text(json.dumps({"config": asdict(cfg), "seed": seed}, indent=2))
    shutil.rmtree(path, ignore_errors=True)
    os.replace(tmp, path)
    return path


@dataclass
class World:
    """The built world: reference policy, tokenizer, prompts and a pool of gold-labeled pairs."""

    reference: object
    tokenizer: object
    train_prompts: list[str]
    eval_prompts: list[str]
    pairs: PreferencePairs
    held_out_pairs: PreferencePairs
    max_new_tokens: int

    def setup(self, proxy: RewardModelScorer) -> OptimizationSetup:
        return OptimizationSetup(
            reference=self.reference, tokenizer=self.tokenizer, proxy=proxy, gold=GoldReward(),
            train_prompts=self.train_prompts, eval_prompts=self.eval_prompts,
            max_new_tokens=self.max_new_tokens, load_policy=lambda: copy.deepcopy(self.reference))


def build_world(reference_cfg: ReferenceConfig, rm: RewardModelConfig, seed: int, *, max_pairs: int | None = None,
                task: Task = SILENT) -> World:
    """The reference policy (trained or loaded from the cache), prompts and gold-labeled pairs: `max_pairs`
    (default `rm.pairs`) with `rm.label_noise` on training prompts, and 1000 clean ones on held-out prompts."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    path = reference_policy(reference_cfg, seed, task=task)
    tokenizer = AutoTokenizer.from_pretrained(path)
    reference = AutoModelForCausalLM.from_pretrained(path).eval()
    train, held_out = prompt_split(seed)
    train_texts, eval_texts = [p.text for p in train], [p.text for p in held_out]
    n_pairs = max_pairs or rm.pairs
    pairs = gold_pairs(reference, tokenizer, train_texts, n_pairs, rm.label_noise, reference_cfg.max_new_tokens,
                       seed + 1)
    # clean labels on held-out prompts: how well does a proxy agree with gold where the policy samples?
    held_out_pairs = gold_pairs(reference, tokenizer, eval_texts, 1000, 0.0, reference_cfg.max_new_tokens, seed + 2)
    return World(reference, tokenizer, train_texts, eval_texts, pairs, held_out_pairs, reference_cfg.max_new_tokens)


def gold_pairs(model, tokenizer, prompts: list[str], n: int, noise: float, max_new_tokens: int,
               seed: int) -> PreferencePairs:
    """`n` pairs of the model's samples labeled by the gold reward, a share `noise` of the labels flipped."""
    from overopt.optimize.sampling import sample

    per_prompt = 2 * (-(-int(n * 1.1) // len(prompts)))  # ~10% spare for gold ties
    s = sample(model, tokenizer, prompts, per_prompt=per_prompt, max_new_tokens=max_new_tokens, seed=seed)
    gold = GoldReward()
    ps, a, b = s.prompts[0::2], s.completions[0::2], s.completions[1::2]
    pairs = label_pairs(ps, a, b, gold(ps, a), gold(ps, b), noise=noise, seed=seed)
    order = np.random.default_rng(seed).permutation(len(pairs))[:n]
    return pairs.subset(sorted(order))


def train_proxy(world: World, rm: RewardModelConfig, seed: int,
                task: Task = SILENT) -> tuple[RewardModelScorer, dict]:
    """A proxy RM on the world's first `rm.pairs` pairs, with its accuracy on held-out clean pairs."""
    pairs = world.pairs.subset(range(min(rm.pairs, len(world.pairs))))
    scorer = train_reward_model(world.tokenizer, pairs, rm, seed=seed, template=SCORE_TEMPLATE, task=task)
    info = {"pairs": len(pairs), "hidden_size": rm.size.hidden_size, "layers": rm.size.num_layers,
            "held_out_accuracy": pair_accuracy(scorer, world.held_out_pairs),
            "train_accuracy": pair_accuracy(scorer, pairs)}
    return scorer, info


def with_rm(cfg: RewardModelConfig, *, hidden: int | None = None, pairs: int | None = None) -> RewardModelConfig:
    """`cfg` with another hidden size (heads and MLP scaled with it) or number of pairs."""
    size = cfg.size if hidden is None else replace(cfg.size, hidden_size=hidden,
                                                   intermediate_size=2 * hidden,
                                                   num_heads=max(1, hidden // 16))
    return replace(cfg, size=size, pairs=pairs or cfg.pairs)
