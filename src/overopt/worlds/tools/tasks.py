"""Tasks for the tools world: sums of several 2-digit numbers.

Summing `n_terms` numbers takes `n_terms - 1` calculator calls, one addition per call, which is how
the agents in the pretraining corpus work: copy the operands into a call, copy the result on. Without
the tool the tiny policy can still work a sum out by hand (column addition in a `<think>` block,
see `transcript.by_hand_text`), but less reliably: the report's *accuracy when hit*.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Task:
    terms: tuple[int, ...]

    @property
    def answer(self) -> int:
        return sum(self.terms)

    def partial_sums(self) -> list[int]:
        """The result of each tool call an agent makes: t0+t1, (t0+t1)+t2, ..."""
        out, acc = [], self.terms[0]
        for t in self.terms[1:]:
            acc += t
            out.append(acc)
        return out


def sample_tasks(rng: np.random.Generator, n: int, *, n_terms: int = 3, digits: int = 3) -> list[Task]:
    lo, hi = 10 ** (digits - 1), 10 ** digits
    return [Task(tuple(int(x) for x in rng.integers(lo, hi, size=n_terms))) for _ in range(n)]


def largest_sum(n_terms: int, digits: int) -> int:
    """The largest number any call or answer of this world can hold (the vocabulary's top number)."""
    return n_terms * (10 ** digits - 1)
