"""Tiny Hugging Face language models and word-level tokenizers, built and trained locally.

Everything here produces standard Hugging Face artifacts (`PreTrainedTokenizerFast`,
`LlamaForCausalLM`, `LlamaForSequenceClassification`) that load with `from_pretrained(path)`,
so lab models and users' real checkpoints go through the same code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import torch

PAD, BOS, EOS, UNK = "<pad>", "<bos>", "<eos>", "<unk>"


def word_tokenizer(words: Sequence[str], *, model_max_length: int = 512):
    """A whitespace word-level tokenizer over `words` (plus <pad> <bos> <eos> <unk>), HF format.

    Encoding adds no special tokens; callers put <bos>/<eos> into the text where they belong.
    """
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab: dict[str, int] = {}
    for w in [PAD, BOS, EOS, UNK, *words]:
        if w not in vocab:
            vocab[w] = len(vocab)
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token=UNK))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, pad_token=PAD, bos_token=BOS, eos_token=EOS, unk_token=UNK,
        model_max_length=model_max_length, padding_side="left",
    )


@dataclass
class TinyConfig:
    """Size of a tiny Llama. Defaults train in seconds on a CPU."""

    hidden_size: int = 64
    num_layers: int = 2
    num_heads: int = 4
    intermediate_size: int = 128
    max_positions: int = 64

    def llama_config(self, tokenizer, **extra):
        from transformers import LlamaConfig

        return LlamaConfig(
            vocab_size=len(tokenizer), hidden_size=self.hidden_size,
            intermediate_size=self.intermediate_size, num_hidden_layers=self.num_layers,
            num_attention_heads=self.num_heads, num_key_value_heads=self.num_heads,
            max_position_embeddings=self.max_positions, pad_token_id=tokenizer.pad_token_id,
            bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
            tie_word_embeddings=True, **extra,
        )


def causal_lm(tokenizer, size: TinyConfig, seed: int):
    from transformers import LlamaForCausalLM

    torch.manual_seed(seed)
    model = LlamaForCausalLM(size.llama_config(tokenizer))
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    model.generation_config.bos_token_id = tokenizer.bos_token_id
    return model


def sequence_classifier(tokenizer, size: TinyConfig, seed: int):
    """A scalar-head classifier (num_labels=1): the shape of a reward model."""
    from transformers import LlamaForSequenceClassification

    torch.manual_seed(seed)
    return LlamaForSequenceClassification(size.llama_config(tokenizer, num_labels=1))


def train_causal_lm(model, tokenizer, texts: Sequence[str], *, epochs: int = 1, batch_size: int = 64,
                    lr: float = 3e-3, seed: int = 0, loss_mask: Callable | None = None,
                    pad_per_batch: bool = False,
                    on_step: Callable[[int, int, float], None] | None = None) -> list[float]:
    """Supervised next-token training on `texts` with AdamW and a linear decay. Returns losses.

    Texts are left-padded: to the longest text overall, or with `pad_per_batch` to the longest in each
    batch (faster when a few texts are long; positions then count from each text's first token).
    `loss_mask(input_ids) -> bool tensor` can exclude positions (e.g. prompt tokens) from the loss.
    `on_step(step, total, loss)` is called after each step (for progress bars).
    """
    gen = torch.Generator().manual_seed(seed)
    pad = tokenizer.pad_token_id
    if pad_per_batch:
        rows = [tokenizer(t, add_special_tokens=False)["input_ids"] for t in texts]
    else:
        enc = tokenizer(list(texts), padding=True, return_tensors="pt")
        all_ids, all_attn = enc["input_ids"], enc["attention_mask"]

    def batch(idx: list[int]) -> dict:
        if pad_per_batch:
            length = max(len(rows[j]) for j in idx)
            ids = torch.tensor([[pad] * (length - len(rows[j])) + rows[j] for j in idx])
            attn = (torch.arange(length)[None, :] >= torch.tensor([length - len(rows[j]) for j in idx])[:, None]).long()
            extra = {"position_ids": (attn.cumsum(-1) - 1).clamp(min=0)}
        else:
            ids, attn, extra = all_ids[idx], all_attn[idx], {}
        labels = ids.masked_fill(attn == 0, -100)
        if loss_mask is not None:
            labels = labels.masked_fill(~loss_mask(ids), -100)
        return {"input_ids": ids, "attention_mask": attn, "labels": labels, **extra}

    n = len(texts)
    total = epochs * ((n + batch_size - 1) // batch_size)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.0)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 1.0 - s / max(total, 1))
    model.train()
    losses: list[float] = []
    step = 0
    for _ in range(epochs):
        order = torch.randperm(n, generator=gen).tolist()
        for i in range(0, n, batch_size):
            out = model(**batch(order[i:i + batch_size]))
            opt.zero_grad(set_to_none=True)
            out.loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
            losses.append(out.loss.item())
            if on_step is not None:
                on_step(step, total, losses[-1])
    model.eval()
    return losses
