"""Tiny Hugging Face language models and word-level tokenizers, built and trained locally.

Everything here produces standard Hugging Face artifacts (`PreTrainedTokenizerFast`,
`LlamaForCausalLM`, `LlamaForSequenceClassification`) that load with `from_pretrained(path)`,
so lab models and users' real checkpoints go through the same code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from overopt.configs import check, check_positive, setting
from overopt.progress import SILENT, Task

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

    hidden_size: int = setting(64, "Width of the model.")
    num_layers: int = setting(2, "Transformer layers.")
    num_heads: int = setting(4, "Attention heads (hidden_size must divide by it).")
    intermediate_size: int = setting(128, "Width of the MLP.")
    max_positions: int = setting(64, "Longest sequence in tokens.")

    def __post_init__(self) -> None:
        check_positive(self, "hidden_size", "num_layers", "num_heads", "intermediate_size", "max_positions")
        check(self.hidden_size % self.num_heads == 0,
              f"hidden_size ({self.hidden_size}) must be a multiple of num_heads ({self.num_heads})")

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
    import torch
    from transformers import LlamaForCausalLM

    torch.manual_seed(seed)
    model = LlamaForCausalLM(size.llama_config(tokenizer))
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    model.generation_config.bos_token_id = tokenizer.bos_token_id
    return model


def sequence_classifier(tokenizer, size: TinyConfig, seed: int):
    """A scalar-head classifier (num_labels=1): the shape of a reward model."""
    import torch
    from transformers import LlamaForSequenceClassification

    torch.manual_seed(seed)
    return LlamaForSequenceClassification(size.llama_config(tokenizer, num_labels=1))


def train_causal_lm(model, tokenizer, texts: Sequence[str], *, epochs: int = 1, batch_size: int = 64,
                    lr: float = 3e-3, seed: int = 0, loss_mask: Callable | None = None,
                    pad_per_batch: bool = False, task: Task = SILENT) -> list[float]:
    """Supervised next-token training on `texts` with AdamW and a linear decay. Returns losses.

    Texts are left-padded: to the longest text overall, or with `pad_per_batch` to the longest in each
    batch (faster when a few texts are long; positions then count from each text's first token).
    `loss_mask(input_ids) -> bool tensor` can exclude positions (e.g. prompt tokens) from the loss.
    `task` shows the progress, one step at a time.
    """
    import torch

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
            task.update(completed=step, total=total)
    model.eval()
    return losses


def random_checkpoints(root: Path, *, seed: int = 0) -> Path:
    """Save tiny random checkpoints under `root` (policy/, proxy/, gold/, prompts.jsonl and pairs.jsonl), once.

    They have the shape of a user's own run (causal LM, two 1-label sequence classifiers, a JSONL prompts
    file), so the checkpoint mode can be smoke-tested anywhere; what they say is noise.
    """
    import torch

    import json

    from transformers import LlamaConfig, LlamaForCausalLM, LlamaForSequenceClassification

    root = Path(root)
    if (root / "pairs.jsonl").is_file():  # written last
        return root
    tok = word_tokenizer([f"w{i}" for i in range(20)])
    common = dict(vocab_size=len(tok), hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                  num_attention_heads=2, num_key_value_heads=2, pad_token_id=tok.pad_token_id,
                  eos_token_id=tok.eos_token_id, bos_token_id=tok.bos_token_id)
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        models = {"policy": LlamaForCausalLM(LlamaConfig(**common)),
                  "proxy": LlamaForSequenceClassification(LlamaConfig(**common, num_labels=1)),
                  "gold": LlamaForSequenceClassification(LlamaConfig(**common, num_labels=1))}
    for name, model in models.items():
        model.save_pretrained(root / name)
        tok.save_pretrained(root / name)
    lines = "".join(json.dumps({"prompt": f"<bos> w{i} w{i + 1}"}) + "\n" for i in range(10))
    (root / "prompts.jsonl").write_text(lines)
    pairs = [{"prompt": f"<bos> w{i % 10} w{i % 10 + 1}", "chosen": f" w{i % 7} w{i % 5 + 10}",
              "rejected": f" w{i % 3 + 15}"} for i in range(24)]
    (root / "pairs.jsonl").write_text("".join(json.dumps(p) + "\n" for p in pairs))
    return root
