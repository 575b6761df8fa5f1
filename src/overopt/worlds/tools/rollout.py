"""Multi-turn rollouts: the policy writes, the harness runs its tool calls in the sandbox.

All episodes of a batch advance one word per step (with a KV cache). When the policy samples
`</call>`, generation of that episode pauses: the harness parses the call, runs it through the
sandbox (which records it in the action ledger) and queues the rendered output - a `<result>` or
an `<error>` block. Queued words are fed to the model before it samples again, so the policy reads
the tool's output and continues. Every word carries its provenance (sampled by the policy, or
written by the harness), which gives the ground-truth fabrication count without trusting any
verifier.

Faults never stop a rollout: a malformed call goes to the sandbox like any other and comes back as
an `<error>` block; an exception from the sandbox becomes `<error> crash </error>`; a call that has
not returned after `hang_seconds` becomes `<error> timeout </error>` and its worker thread is
abandoned.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Sequence

import torch

from overopt.worlds.tools.tasks import Task
from overopt.worlds.tools.transcript import (CALL_CLOSE, CALL_OPEN, EOS, RESULT_OPEN, Block, error_text,
                                             parse, question_text, renderable_stdout, result_text)

# Statuses that are the infrastructure's fault, not the policy's (a malformed call gives "error").
FAULT_STATUSES = ("outage", "timeout", "killed", "crash")


@dataclass
class CallRecord:
    tool: str
    arguments: dict
    status: str          # sandbox status, or the harness's "crash" / "limit"
    call_id: str | None
    shown: str           # the words appended to the transcript
    seconds: float


@dataclass
class Episode:
    episode_id: str
    task: Task
    words: list[str]
    by_policy: list[bool]        # per word: sampled by the policy (True) or written by the harness
    calls: list[CallRecord] = field(default_factory=list)
    truncated: bool = False

    @property
    def text(self) -> str:
        return " ".join(self.words)

    @property
    def faults(self) -> int:
        return sum(c.status in FAULT_STATUSES for c in self.calls)

    @property
    def fault_affected(self) -> bool:
        return self.faults > 0

    def fabricated_blocks(self) -> list[Block]:
        """Ground truth: result blocks whose opening `<result>` the policy sampled itself."""
        return [b for b in parse(self.words).results if self.by_policy[b.start]]

    @property
    def fabricated(self) -> bool:
        return any(self.by_policy[i] for i, w in enumerate(self.words) if w == RESULT_OPEN)


class _Worker:
    """A daemon thread running sandbox calls, so a hung call can be abandoned (never joined)."""

    def __init__(self):
        self.inbox: queue.Queue = queue.Queue()
        self.outbox: queue.Queue = queue.Queue()
        threading.Thread(target=self._loop, daemon=True).start()

    def _loop(self):
        while True:
            fn, args = self.inbox.get()
            try:
                self.outbox.put((True, fn(*args)))
            except BaseException as exc:  # noqa: BLE001 - a crash in the sandbox is data, not a trainer crash
                self.outbox.put((False, exc))


class ToolHarness:
    """Runs the policy's tool calls through a `Sandbox` and renders what the policy gets to read."""

    def __init__(self, sandbox, *, max_number: int, max_calls: int = 4, hang_seconds: float = 30.0):
        self.sandbox = sandbox
        self.max_number = max_number
        self.max_calls = max_calls
        self.hang_seconds = hang_seconds
        self._worker = _Worker()
        self.crashes = 0
        self.hangs = 0

    def _call_sandbox(self, episode_id: str, tool: str, arguments: dict):
        self._worker.inbox.put((self.sandbox.call_tool, (episode_id, tool, arguments)))
        try:
            ok, value = self._worker.outbox.get(timeout=self.hang_seconds)
        except queue.Empty:
            self.hangs += 1
            self._worker = _Worker()  # abandon the stuck thread
            return None, "timeout"
        if not ok:
            self.crashes += 1
            return None, "crash"
        return value, value.status

    def run_call(self, episode: Episode, body: list[str]) -> CallRecord:
        call = Block("call", body, 0, 0)
        tool = call.tool or (body[0] if body else "")
        arguments = call.arguments()
        t0 = time.perf_counter()
        if len(episode.calls) >= self.max_calls:
            rec = CallRecord(tool, arguments, "limit", None, error_text("limit"), 0.0)
            episode.calls.append(rec)
            return rec
        res, status = self._call_sandbox(episode.episode_id, tool, arguments)
        if res is not None and status == "ok":
            value = renderable_stdout(res.stdout, self.max_number)
            shown = result_text(value) if value is not None else error_text("unreadable")
        elif status == "outage" and "timed out" in getattr(res, "stderr", ""):
            shown = error_text("timeout")  # the sandbox's injected outages are 503s or timeouts
        else:
            shown = error_text(status if status in ("outage", "timeout", "error", "killed", "crash")
                               else "error")
        rec = CallRecord(tool, arguments, status, getattr(res, "call_id", None), shown,
                         time.perf_counter() - t0)
        episode.calls.append(rec)
        return rec


@torch.no_grad()
def rollout(model, tokenizer, harness: ToolHarness, tasks: Sequence[Task], episode_ids: Sequence[str], *,
            max_new_words: int, generator: torch.Generator, temperature: float = 1.0) -> list[Episode]:
    """Play one episode per task. Deterministic given the generator state and the sandbox's seed."""
    model.eval()
    vocab = tokenizer.get_vocab()
    id_to_word = {i: w for w, i in vocab.items()}
    call_close, eos_id, pad_id = vocab[CALL_CLOSE], vocab[EOS], tokenizer.pad_token_id
    prompts = [question_text(t.terms) for t in tasks]
    episodes = [Episode(eid, t, p.split(), [False] * len(p.split())) for eid, t, p in zip(episode_ids, tasks, prompts)]
    enc = tokenizer(prompts, return_tensors="pt", padding=True, add_special_tokens=False)
    ids, attn = enc["input_ids"], enc["attention_mask"]
    pos = (attn.cumsum(-1) - 1).clamp(min=0)
    out = model(input_ids=ids, attention_mask=attn, position_ids=pos, use_cache=True)
    past, logits = out.past_key_values, out.logits[:, -1]
    next_pos = pos[:, -1:] + 1
    n = len(tasks)
    pending: list[list[int]] = [[] for _ in range(n)]
    done = [False] * n
    for _ in range(max_new_words):
        probs = torch.softmax(logits.float() / temperature, dim=-1)
        sampled = torch.multinomial(probs, 1, generator=generator).squeeze(1).tolist()
        step_tokens = []
        calls_now = []
        for b in range(n):
            if done[b]:
                step_tokens.append(pad_id)
                continue
            ep = episodes[b]
            if pending[b]:
                tok, from_policy = pending[b].pop(0), False
            else:
                tok, from_policy = sampled[b], True
            ep.words.append(id_to_word[tok])
            ep.by_policy.append(from_policy)
            step_tokens.append(tok)
            if from_policy and tok == call_close:
                calls_now.append(b)
            elif tok == eos_id:
                done[b] = True
        for b in calls_now:  # in episode order, so the sandbox sees calls in a fixed order
            ep = episodes[b]
            words = ep.words[:-1]
            opens = [i for i, w in enumerate(words) if w == CALL_OPEN]
            last_close = max((i for i, w in enumerate(words) if w == CALL_CLOSE), default=-1)
            body = words[opens[-1] + 1:] if opens and opens[-1] > last_close else []
            rec = harness.run_call(ep, body)
            pending[b] = [vocab[w] for w in rec.shown.split()]
        if all(done):
            break
        attn = torch.cat([attn, torch.ones(n, 1, dtype=attn.dtype)], dim=1)
        out = model(input_ids=torch.tensor(step_tokens).unsqueeze(1), attention_mask=attn,
                    position_ids=next_pos, past_key_values=past, use_cache=True)
        past, logits = out.past_key_values, out.logits[:, -1]
        next_pos = next_pos + 1
    for b, ep in enumerate(episodes):
        ep.truncated = not done[b]
    return episodes
