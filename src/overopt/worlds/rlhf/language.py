"""The rlhf world's toy language: prompts, a vocabulary and a corpus of human-like responses.

A prompt asks about one focus word of a topic in some style, e.g. `<bos> how food bread :`.
A response is a short sequence of words. Corpus responses have a hidden quality q in [0, 1]:
better responses stay on topic, use connective "quality" words, and (a spurious correlation a
reward model can pick up) are longer and more often open with stock phrases ("certainly").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from overopt.errors import ConfigError

TOPICS: dict[str, tuple[str, ...]] = {
    "food": ("bread", "soup", "spice", "fruit", "bake", "fresh"),
    "travel": ("train", "map", "hotel", "beach", "ticket", "route"),
    "music": ("song", "piano", "rhythm", "band", "melody", "drum"),
    "code": ("bug", "python", "test", "loop", "compile", "debug"),
    "health": ("sleep", "water", "walk", "doctor", "rest", "diet"),
    "money": ("budget", "save", "bank", "loan", "price", "invest"),
    "sport": ("goal", "team", "match", "score", "coach", "field"),
    "space": ("star", "orbit", "moon", "rocket", "planet", "comet"),
}
QUALITY_WORDS = ("because", "example", "first", "then", "clear", "step", "careful", "specific")
#: Words that point at what follows; gold rewards them when an on-topic word comes next.
POINTERS = ("because", "example")
STOCK_PHRASES = ("certainly", "great", "amazing", "absolutely")
FILLER = ("the", "a", "and", "is", "it", "of", "to", "you", "can", "try", "with", "for")
STYLES = ("how", "why", "what", "tips")
SEPARATOR = ":"


def vocabulary() -> list[str]:
    words = [*STYLES, *TOPICS, SEPARATOR]
    for topic_words in TOPICS.values():
        words += topic_words
    words += [*QUALITY_WORDS, *STOCK_PHRASES, *FILLER]
    return list(dict.fromkeys(words))


@dataclass(frozen=True)
class Prompt:
    style: str
    topic: str
    focus: str

    @property
    def text(self) -> str:
        return f"<bos> {self.style} {self.topic} {self.focus} {SEPARATOR}"

    @classmethod
    def parse(cls, text: str) -> "Prompt":
        parts = text.split()
        if parts and parts[0] == "<bos>":
            parts = parts[1:]
        if len(parts) != 4 or parts[3] != SEPARATOR or parts[1] not in TOPICS or parts[2] not in TOPICS[parts[1]]:
            raise ConfigError(f"not a prompt of the rlhf world: {text!r}")
        return cls(parts[0], parts[1], parts[2])


def all_prompts() -> list[Prompt]:
    return [Prompt(s, t, f) for t, ws in TOPICS.items() for f in ws for s in STYLES]


def split_prompts(seed: int, eval_fraction: float = 0.25) -> tuple[list[Prompt], list[Prompt]]:
    """A seeded train/held-out split of the 192 prompts."""
    prompts = all_prompts()
    order = np.random.default_rng(seed).permutation(len(prompts))
    n_eval = int(round(len(prompts) * eval_fraction))
    held_out = [prompts[i] for i in order[:n_eval]]
    train = [prompts[i] for i in order[n_eval:]]
    return train, held_out


def sample_response(prompt: Prompt, rng: np.random.Generator) -> list[str]:
    """One human-like response of hidden quality q ~ Beta(2, 2)."""
    q = rng.beta(2.0, 2.0)
    length = int(np.clip(round(rng.normal(7 + 5 * q, 2.0)), 3, 16))
    on_topic = list(TOPICS[prompt.topic])
    off_topic = [w for t, ws in TOPICS.items() if t != prompt.topic for w in ws]
    words: list[str] = []
    if rng.random() < 0.1 + 0.4 * q:
        words.append(STOCK_PHRASES[rng.integers(len(STOCK_PHRASES))])
    used: set[str] = set()
    while len(words) < length:
        u = rng.random()
        if u < 0.12 + 0.33 * q:
            if rng.random() < 0.3 + 0.2 * q and prompt.focus not in used:
                w = prompt.focus
            else:
                fresh = [w for w in on_topic if w not in used]
                # good writers rarely repeat themselves; careless ones do
                pool = fresh if (fresh and rng.random() < 0.5 + 0.5 * q) else on_topic
                w = pool[rng.integers(len(pool))]
        elif u < 0.20 + 0.50 * q:
            w = QUALITY_WORDS[rng.integers(len(QUALITY_WORDS))]
            if w in POINTERS and rng.random() < q and len(words) + 1 < length:
                words.append(w)
                used.add(w)
                w = on_topic[rng.integers(len(on_topic))]
        elif u < 0.35 + 0.35 * q:
            w = FILLER[rng.integers(len(FILLER))]
        elif u < 0.55:
            w = off_topic[rng.integers(len(off_topic))]
        else:
            w = FILLER[rng.integers(len(FILLER))]
        words.append(w)
        used.add(w)
    return words


def corpus(prompts: list[Prompt], size: int, seed: int) -> list[tuple[Prompt, list[str]]]:
    rng = np.random.default_rng(seed)
    picks = rng.integers(len(prompts), size=size)
    return [(prompts[i], sample_response(prompts[i], rng)) for i in picks]
