"""Sampling from a local Hugging Face causal LM, one `generate` call per batch (`overopt eval` on a model folder).

Requests are cut into batches of `batch_size` (within windows of a few batches, sorted by prompt length so
that similar lengths share a batch); each batch is sampled with one `model.generate` call, seeded from the
seeds of its requests, and its results are yielded before the next batch starts.

Reproducibility, stated honestly: the same requests (same seeds, same order, same batch size, same machine
and library versions) give the same texts. A sample's text depends on the whole batch it was drawn in (the
batch shares one random stream, and padding changes the arithmetic slightly), so re-sampling one request on
its own, or with a different batch size, gives a different (equally valid) sample.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from overopt.errors import ConfigError, InputError
from overopt.evals._requests import SampleRequest, SampleResult
from overopt.models.local import DTYPES, model_dir

CHAT_MODES = ("auto", "never", "always")
SORT_WINDOW = 8  # batches whose requests are sorted by prompt length together


def batch_seed(requests: Sequence[SampleRequest]) -> int:
    """A seed for a batch from its requests' seeds: stable across runs and machines (not Python's `hash`)."""
    text = ",".join(str(seed) for seed in sorted(r.seed for r in requests))
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big") % 2**31


@dataclass
class Batch:
    """One `generate` call's input: left-padded prompt ids, in the order of `requests`."""

    requests: list[SampleRequest]
    input_ids: Any       # torch.LongTensor [B, P] on the model's device
    attention_mask: Any  # torch.LongTensor [B, P]
    seed: int


class LocalSampler:
    """Samples completions from a local causal-LM folder (model + tokenizer); nothing is downloaded.

    chat_template: "auto" wraps each prompt as one user message with the tokenizer's chat template when it has
    one (raw text otherwise), "always" requires a template, "never" sends the raw prompt. Templated text is
    tokenized without adding special tokens (the template writes them); a raw prompt gets the tokenizer's usual
    special tokens (e.g. a BOS), as the Hugging Face pipeline and vLLM do.
    Stops at any of the model's EOS ids (its generation_config's, else the tokenizer's).
    """

    def __init__(self, path: str, *, device: str = "cpu", dtype: str = "float32", batch_size: int = 64,
                 max_new_tokens: int = 256, temperature: float = 1.0, top_p: float = 1.0,
                 chat_template: str = "auto"):
        if dtype not in DTYPES:
            raise ConfigError(f"unknown dtype {dtype!r} (expected one of {', '.join(DTYPES)})")
        if chat_template not in CHAT_MODES:
            raise ConfigError(f"unknown chat_template mode {chat_template!r} (expected one of {', '.join(CHAT_MODES)})")
        if batch_size < 1 or max_new_tokens < 1:
            raise ConfigError(f"batch_size and max_new_tokens must be positive, got {batch_size} and {max_new_tokens}")
        if not temperature > 0:
            raise ConfigError(f"temperature must be above 0 (sampling), got {temperature}")
        if not 0 < top_p <= 1:
            raise ConfigError(f"top_p must be in (0, 1], got {top_p}")
        folder = model_dir(path, "model")
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
        if tokenizer.pad_token_id is None:
            tokenizer.pad_token = tokenizer.eos_token
        tokenizer.padding_side = "left"
        has_template = bool(getattr(tokenizer, "chat_template", None))
        if chat_template == "always" and not has_template:
            raise ConfigError("chat_template is 'always' but the tokenizer has no chat template; use 'auto' or "
                              f"'never' (model folder {folder})")
        self.tokenizer = tokenizer
        self.use_chat = chat_template == "always" or (chat_template == "auto" and has_template)
        self.model = AutoModelForCausalLM.from_pretrained(folder, dtype=getattr(torch, dtype),
                                                          local_files_only=True).to(device).eval()
        eos = self.model.generation_config.eos_token_id
        eos = tokenizer.eos_token_id if eos is None else eos
        self.eos_ids = [eos] if isinstance(eos, int) else list(eos or [])
        if not self.eos_ids or tokenizer.pad_token_id is None:
            raise InputError("the model has no EOS token (generation_config.json or tokenizer)", path=folder)
        self.batch_size, self.max_new_tokens = batch_size, max_new_tokens
        self.temperature, self.top_p = temperature, top_p

    def encode(self, prompt: str) -> list[int]:
        """The prompt's token ids as the model sees them (chat-templated or raw)."""
        if self.use_chat:
            text = self.tokenizer.apply_chat_template([{"role": "user", "content": prompt}],
                                                      add_generation_prompt=True, tokenize=False)
            return self.tokenizer(text, add_special_tokens=False)["input_ids"]
        return self.tokenizer(prompt)["input_ids"]

    def batches(self, requests: Sequence[SampleRequest]) -> Iterator[Batch]:
        """The batches `sample` draws, in order: each window of SORT_WINDOW batches is sorted by prompt length."""
        import torch

        cache: dict[str, list[int]] = {}
        device, pad = self.model.device, self.tokenizer.pad_token_id
        window = self.batch_size * SORT_WINDOW
        for start in range(0, len(requests), window):
            chunk = list(requests[start:start + window])
            for r in chunk:
                if r.prompt not in cache:
                    cache[r.prompt] = self.encode(r.prompt)
                    if not cache[r.prompt]:
                        raise InputError(f"prompt {r.prompt_id!r} encodes to no tokens")
            rows = [cache[r.prompt] for r in chunk]
            order = sorted(range(len(chunk)), key=lambda i: len(rows[i]))  # stable: ties keep request order
            for b in range(0, len(order), self.batch_size):
                picked = order[b:b + self.batch_size]
                width = max(len(rows[i]) for i in picked)
                ids = torch.tensor([[pad] * (width - len(rows[i])) + rows[i] for i in picked])
                mask = torch.tensor([[0] * (width - len(rows[i])) + [1] * len(rows[i]) for i in picked])
                reqs = [chunk[i] for i in picked]
                yield Batch(reqs, ids.to(device), mask.to(device), batch_seed(reqs))

    def generate(self, batch: Batch):
        """One `model.generate` call on `batch`, seeded with `batch.seed`; returns prompt + completion ids.
        The caller's global torch random state is left as it was."""
        import torch

        device = self.model.device
        rng_devices = [device.index if device.index is not None else torch.cuda.current_device()] \
            if device.type == "cuda" else []
        with torch.no_grad(), torch.random.fork_rng(devices=rng_devices):
            torch.manual_seed(batch.seed)
            return self.model.generate(
                input_ids=batch.input_ids, attention_mask=batch.attention_mask, do_sample=True,
                temperature=self.temperature, top_p=self.top_p, top_k=0, max_new_tokens=self.max_new_tokens,
                pad_token_id=self.tokenizer.pad_token_id, eos_token_id=self.eos_ids)

    def sample(self, requests: Sequence[SampleRequest]) -> Iterator[SampleResult]:
        """One result per request, yielded a batch at a time (results of a batch follow its sorted order).

        `seconds` is the wall time of the batch the sample was drawn in (its latency, shared by the batch).
        """
        import torch

        eos = torch.tensor(self.eos_ids)
        for batch in self.batches(requests):
            start = time.perf_counter()
            completions = self.generate(batch)[:, batch.input_ids.shape[1]:].cpu()
            is_eos = torch.isin(completions, eos)
            stopped = is_eos.any(-1)
            counts = torch.where(stopped, is_eos.int().argmax(-1) + 1, completions.shape[1]).tolist()
            texts = self.tokenizer.batch_decode([row[:n] for row, n in zip(completions.tolist(), counts)],
                                                skip_special_tokens=True)
            seconds = time.perf_counter() - start
            for request, text, n, stop in zip(batch.requests, texts, counts, stopped.tolist()):
                yield SampleResult(request, text, n, "stop" if stop else "length", seconds, 1)
