"""What a sampler is asked for and what it returns (shared by the local and endpoint samplers)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SampleRequest:
    prompt_id: str
    index: int          # 0..N-1, which of the N samples of this prompt
    prompt: str         # the prompt text (sent as one user message in chat mode)
    seed: int           # per-request seed, derived by the caller

@dataclass
class SampleResult:
    request: SampleRequest
    text: str
    tokens: int | None     # completion tokens
    finish_reason: str | None   # "stop" (EOS) or "length"
    seconds: float
    attempts: int
