"""The tiny tool-using policy: a corpus of agent logs, and supervised pretraining on it.

The corpus stands in for the tool-use transcripts a real model sees in pretraining and SFT. As in
common practice, the training text includes the tools' outputs: the model learns to predict the
`<result> ... </result>` blocks too. That is what later lets it *write* a result block itself.

The logs come from a flaky harness with the same 4-call limit: each call fails with probability
`error_rate` (an outage or a timeout). After a failure the logged agent works the rest of the sum out
by hand (`hand_rate`: column addition in a `<think>` block, then the answer), re-issues the same call
(`retry_rate`, 0 by default; the retry can fail again), gives up and answers from its own arithmetic,
or - in a fraction `late_result_rate` of failures - the harness printed the error and then the output
arrived anyway, so the log shows an error followed by a result. `down_logs` more logs come from hours
the calculator was down, so the model sees enough worked sums to learn column addition. No log ever
shows a result that the tool did not produce, but a model trained on them puts some probability on "a
result block follows an error block" - the seed that RL under a text-judging verifier can grow - and
most on "work it out by hand", the honest fallback that the ledger verifier keeps paying for.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from overopt.configs import check, setting
from overopt.progress import SILENT
from overopt.progress import Task as ProgressTask
from overopt.worlds.tools.tasks import Task, sample_tasks
from overopt.worlds.tools.transcript import (answer_text, by_hand_text, call_text, error_text, question_text,
                                             result_text, vocabulary)


@dataclass
class CorpusConfig:
    """The pretraining corpus: logs from a flaky tool harness, plus logs from hours the tool was down."""

    size: int = setting(6000, "Agent logs from the flaky harness.")
    error_rate: float = setting(0.15, "Probability that a logged call fails (an outage or a timeout).")
    late_result_rate: float = setting(0.25, "Of the logged failures, the share where the tool's output still "
                                      "arrived after the error line.")
    retry_rate: float = setting(0.0, "Of the logged failures, the share where the agent re-issued the same call "
                                "(see docs/tools.md).")
    hand_rate: float = setting(0.5, "Of the logged failures, the share where the agent worked the rest of the "
                               "sum out by hand.")
    down_logs: int = setting(4000, "Extra logs from hours the calculator was down: one call fails, the agent "
                             "works the rest out by hand.")
    max_calls: int = setting(4, "The logged harness's call limit: the logged agents never exceed it.")

    def __post_init__(self) -> None:
        for name in ("size", "down_logs"):
            value = getattr(self, name)
            check(isinstance(value, int) and value >= 0, f"corpus.{name} must be a whole number >= 0, got {value!r}")
        check(self.size + self.down_logs > 0, "the corpus is empty: set corpus.size or corpus.down_logs above 0")
        for name in ("error_rate", "late_result_rate", "retry_rate", "hand_rate"):
            value = getattr(self, name)
            check(0.0 <= value <= 1.0, f"corpus.{name} must be between 0 and 1, got {value!r}")
        check(isinstance(self.max_calls, int) and self.max_calls >= 1,
              f"corpus.max_calls must be a positive integer, got {self.max_calls!r}")


def corpus_transcript(task: Task, rng: np.random.Generator, cfg: CorpusConfig) -> str:
    parts = [question_text(task.terms)]
    acc, calls, steps = task.terms[0], 0, len(task.terms) - 1
    for k, (t, partial) in enumerate(zip(task.terms[1:], task.partial_sums())):
        parts.append(call_text("calculator", acc, t))
        calls += 1
        while rng.random() < cfg.error_rate:
            parts.append(error_text("outage" if rng.random() < 0.5 else "timeout"))
            u = rng.random()
            if u < cfg.retry_rate and calls + (steps - k - 1) < cfg.max_calls:  # keeps calls for later steps
                parts.append(call_text("calculator", acc, t))  # tried again
                calls += 1
                continue
            late = cfg.retry_rate <= u < cfg.retry_rate + cfg.late_result_rate
            if late:
                break  # the output arrived late, after the error line
            if cfg.retry_rate + cfg.late_result_rate <= u < cfg.retry_rate + cfg.late_result_rate + cfg.hand_rate:
                work, answer = by_hand_text(_hand_operands(task, k, acc))  # worked it out by hand
                parts += [work, answer_text(answer)]
            else:
                parts.append(answer_text(str(task.answer)))  # gave up: answered from its own arithmetic
            return " ".join(parts)
        parts.append(result_text(str(partial)))
        acc = partial
    parts.append(answer_text(str(task.answer)))
    return " ".join(parts)


def _hand_operands(task: Task, k: int, acc: int) -> list[int]:
    """Working by hand picks up from the failed call k: its operands, then the question's later terms."""
    return [acc, *task.terms[k + 1:]]


def down_transcript(task: Task, rng: np.random.Generator) -> str:
    """A log from an hour the calculator was down: the calls before one (drawn at random) worked,
    that one failed, and the agent worked the rest of the sum out by hand."""
    parts, acc = [question_text(task.terms)], task.terms[0]
    down = int(rng.integers(0, len(task.terms) - 1))
    for k, (t, partial) in enumerate(zip(task.terms[1:], task.partial_sums())):
        parts.append(call_text("calculator", acc, t))
        if k == down:
            parts.append(error_text("outage" if rng.random() < 0.5 else "timeout"))
            work, answer = by_hand_text(_hand_operands(task, k, acc))
            return " ".join([*parts, work, answer_text(answer)])
        parts.append(result_text(str(partial)))
        acc = partial
    raise AssertionError("unreachable: some call is down")


def build_corpus(seed: int, cfg: CorpusConfig, *, n_terms: int, digits: int) -> list[str]:
    """The tool logs and the logs from hours the calculator was down, shuffled together."""
    rng = np.random.default_rng([seed, 101])
    tasks = sample_tasks(rng, cfg.size, n_terms=n_terms, digits=digits)
    logs = [corpus_transcript(t, rng, cfg) for t in tasks]
    logs += [down_transcript(t, rng) for t in sample_tasks(rng, cfg.down_logs, n_terms=n_terms, digits=digits)]
    rng.shuffle(logs)
    return logs


def make_tokenizer():
    from overopt.models.tiny import word_tokenizer

    return word_tokenizer(vocabulary(), model_max_length=256)


def pretrain_policy(corpus: list[str], tokenizer, size, *, seed: int, epochs: int, lr: float,
                    batch_size: int, task: ProgressTask = SILENT, pad_per_batch: bool = True):
    """A fresh tiny Llama trained on the corpus (plain next-token prediction on every word).

    With `pad_per_batch`, each batch is padded only to its own longest log (left padding, positions
    counted from each log's `<bos>` as in `rollout`), so the rare long logs with retries do not slow
    every batch; otherwise `overopt.models.tiny.train_causal_lm` pads every log to the longest one.
    Either way: AdamW with a linear decay. `task` shows the progress, one step at a time.
    """
    from overopt.models.tiny import causal_lm, train_causal_lm

    model = causal_lm(tokenizer, size, seed)
    losses = train_causal_lm(model, tokenizer, corpus, epochs=epochs, batch_size=batch_size, lr=lr, seed=seed,
                             pad_per_batch=pad_per_batch, task=task)
    return model, losses
