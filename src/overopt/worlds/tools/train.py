"""The tools lab: pretrain a tiny tool-using policy, then RL it once per verifier, tools in a sandbox.

RL is a thin GRPO-style policy-gradient loop (see docs/tools.md for why not TRL's GRPOTrainer):
each step samples `group_size` episodes for each of `prompts_per_step` tasks, scores every episode
with both verifiers and the ground truth, and takes one gradient step on

    loss = - sum_i sum_t A_i log pi(token_t) / (number of policy tokens),
    A_i  = (r_i - mean(r_group)) / (std(r_group) + 1e-4)

over the tokens the policy sampled (tool output is not the policy's and is excluded), where r is
the reward of the verifier under training. With one update per batch, GRPO's clipped ratio is
always 1 and its loss reduces to this (TRL's defaults: beta=0, group-scaled rewards, token-level
normalization). Rollouts hit by a tool fault (outage, timeout, kill, crash) are counted and, with
`mask_outages`, left out of the loss and of their group's statistics.
"""

from __future__ import annotations

import contextlib
import copy
import json
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from overopt.errors import InputError
from overopt.worlds.tools.policy import CorpusConfig, build_corpus, make_tokenizer, pretrain_policy
from overopt.worlds.tools.rollout import FAULT_STATUSES, Episode, ToolHarness, rollout
from overopt.worlds.tools.tasks import largest_sum, sample_tasks
from overopt.worlds.tools.transcript import THINK_OPEN
from overopt.worlds.tools.verifiers import VERIFIERS, LedgerVerifier, NaiveVerifier, true_correct

CURVE_COLUMNS = [
    "verifier", "step", "reward", "naive_reward", "ledger_reward", "true_accuracy", "fabrication_rate",
    "flagged_rate", "tool_call_rate", "calls_per_episode", "outage_rate", "affected_rate", "retry_rate",
    "by_hand_rate", "accuracy_when_tool_failed",
    "malformed_rate", "masked", "loss",
]  # no timings here: the same seed on the same machine gives a byte-identical curves.csv


@dataclass
class ToolsConfig:
    """Everything the tools lab does. Presets below; any field can be overridden."""

    # world
    n_terms: int = 3                  # numbers to add; n_terms - 1 calculator calls per task
    digits: int = 2                   # digits per number
    outage_rate: float = 0.3          # probability that the sandbox fails a call (outage)
    max_calls: int = 4                # calls per episode the harness runs; later ones get <error> limit
    max_new_words: int = 64           # words per episode (policy + tool output) before truncation
    # policy and its pretraining corpus
    hidden_size: int = 96
    num_layers: int = 2
    num_heads: int = 4
    corpus: CorpusConfig = field(default_factory=CorpusConfig)
    pretrain_epochs: int = 10         # the by-hand skill appears late in pretraining (after ~8 epochs)
    pretrain_lr: float = 3e-3
    pretrain_batch: int = 16
    pretrain_pad_per_batch: bool = True   # pad each batch to its own longest log (logs run 40-66 words)
    # RL
    verifiers: tuple[str, ...] = VERIFIERS
    steps: int = 60
    prompts_per_step: int = 16
    group_size: int = 8
    learning_rate: float = 1e-3
    beta: float = 0.04                # KL penalty to the pretrained policy (TRL's k3 estimator)
    temperature: float = 1.0
    mask_outages: bool = False
    fault_baseline: bool = False      # compare fault-hit episodes only with fault-hit ones of the same task
    # rewards
    tool_weight: float = 0.5
    fabrication_penalty: float = 0.5
    # evaluation and report
    eval_episodes: int = 512
    report_samples: int = 4

    @property
    def max_number(self) -> int:
        return largest_sum(self.n_terms, self.digits)


PRESETS: dict[str, ToolsConfig] = {
    "quick": ToolsConfig(),
    "micro": ToolsConfig(corpus=CorpusConfig(size=400, down_logs=200), hidden_size=64, pretrain_epochs=1, steps=3,
                         prompts_per_step=4, group_size=4, eval_episodes=16, report_samples=2),
    "full": ToolsConfig(corpus=CorpusConfig(size=8000), steps=200, eval_episodes=2048),
}


def preset(name: str) -> ToolsConfig:
    if name not in PRESETS:
        raise InputError(f"unknown preset {name!r}; choose from {', '.join(PRESETS)}")
    return copy.deepcopy(PRESETS[name])


def validate(cfg: ToolsConfig) -> None:
    if not 0.0 <= cfg.outage_rate < 1.0:
        raise InputError(f"outage rate must be in [0, 1), got {cfg.outage_rate}")
    for name in ("steps", "prompts_per_step", "eval_episodes", "max_calls", "pretrain_epochs"):
        if getattr(cfg, name) <= 0:
            raise InputError(f"{name.replace('_', ' ')} must be positive, got {getattr(cfg, name)}")
    if cfg.group_size < 2:
        raise InputError(f"group size must be at least 2 (advantages compare episodes), got {cfg.group_size}")
    if cfg.n_terms < 2 or not 1 <= cfg.digits <= 3:
        raise InputError("need at least 2 terms and 1 to 3 digits per number")
    bad = [v for v in cfg.verifiers if v not in VERIFIERS]
    if bad or not cfg.verifiers:
        raise InputError(f"verifiers must be some of {', '.join(VERIFIERS)}, got {', '.join(cfg.verifiers) or 'none'}")
    if cfg.learning_rate <= 0 or cfg.temperature <= 0:
        raise InputError("learning rate and temperature must be positive")


def default_sandbox_factory(root: Path, ledger_path: Path, outage_rate: float, seed: int):
    from overopt.sandbox import Sandbox

    return Sandbox(root, ledger_path=ledger_path, outage_rate=outage_rate, seed=seed)


class LedgerReader:
    """Reads the action ledger (JSONL) incrementally and indexes it by episode.

    The verifier reads the file on disk - the sandbox's append-only record - rather than anything
    the harness remembers, so a claim is checked against what was executed.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._offset = 0
        self._buf = b""
        self.by_episode: dict[str, list[dict]] = {}
        self.lines = 0

    def refresh(self) -> None:
        if not self.path.exists():
            return
        with open(self.path, "rb") as fh:
            fh.seek(self._offset)
            data = fh.read()
        self._offset += len(data)
        data = self._buf + data
        *complete, self._buf = data.split(b"\n")
        for line in complete:
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue
            self.by_episode.setdefault(str(entry.get("episode_id")), []).append(entry)
            self.lines += 1

    def entries(self, episode_id: str) -> list[dict]:
        return self.by_episode.get(episode_id, [])


@dataclass
class Scored:
    episode: Episode
    naive: float
    ledger: float
    correct: bool
    flagged: bool


def score(episodes: list[Episode], ledger: LedgerReader, naive: NaiveVerifier, led: LedgerVerifier) -> list[Scored]:
    ledger.refresh()
    out = []
    for ep in episodes:
        vn = naive.score(ep.words, ep.task)
        vl = led.score(ep.words, ep.task, ledger.entries(ep.episode_id))
        out.append(Scored(ep, vn.reward, vl.reward, true_correct(ep.words, ep.task), vl.fabricated_blocks > 0))
    return out


def summarize(scored: list[Scored]) -> dict:
    eps = [s.episode for s in scored]
    calls = [c for e in eps for c in e.calls if c.status != "limit"]
    affected = [s for s in scored if s.episode.fault_affected]
    retried, faulted = _retries(eps)
    return {
        "episodes": len(eps),
        "naive_reward": float(np.mean([s.naive for s in scored])),
        "ledger_reward": float(np.mean([s.ledger for s in scored])),
        "true_accuracy": float(np.mean([s.correct for s in scored])),
        # binomial standard error of true_accuracy over these episodes
        "true_accuracy_se": float(np.sqrt(np.mean([s.correct for s in scored])
                                          * (1 - np.mean([s.correct for s in scored])) / max(len(scored), 1))),
        "fabrication_rate": float(np.mean([e.fabricated for e in eps])),
        "flagged_rate": float(np.mean([s.flagged for s in scored])),
        "tool_call_rate": float(np.mean([any(c.status != "limit" for c in e.calls) for e in eps])),
        "calls_per_episode": len(calls) / max(len(eps), 1),
        "outage_rate": sum(c.status in FAULT_STATUSES for c in calls) / max(len(calls), 1),
        "affected_rate": len(affected) / max(len(eps), 1),
        "malformed_rate": sum(c.status == "error" for c in calls) / max(len(calls), 1),
        # of the calls a fault hit, the share the policy re-issued with the same arguments right away
        "retry_rate": retried / max(faulted, 1),
        "accuracy_when_tool_failed": float(np.mean([s.correct for s in affected])) if affected else None,
        # of the episodes a fault hit, the share where the policy worked the sum out by hand
        "by_hand_rate": float(np.mean([THINK_OPEN in s.episode.words for s in affected])) if affected else None,
        "truncated_rate": float(np.mean([e.truncated for e in eps])),
    }


def _retries(episodes: list[Episode]) -> tuple[int, int]:
    """(faulted calls followed by the same call, faulted calls)."""
    retried = faulted = 0
    for e in episodes:
        for a, b in zip(e.calls, [*e.calls[1:], None]):
            if a.status in FAULT_STATUSES:
                faulted += 1
                retried += b is not None and (b.tool, b.arguments) == (a.tool, a.arguments)
    return retried, faulted


def _sequences(episodes: list[Episode], vocab: dict[str, int], pad_id: int):
    n, length = len(episodes), max(len(e.words) for e in episodes)
    ids = torch.full((n, length), pad_id, dtype=torch.long)
    attn = torch.zeros((n, length), dtype=torch.long)
    policy = torch.zeros((n, length), dtype=torch.bool)
    for i, e in enumerate(episodes):
        ids[i, :len(e.words)] = torch.tensor([vocab[w] for w in e.words])
        attn[i, :len(e.words)] = 1
        policy[i, :len(e.words)] = torch.tensor(e.by_policy)
    return ids, attn, policy


def group_advantages(rewards: torch.Tensor, keep: torch.Tensor, group_size: int,
                     strata: torch.Tensor | None = None) -> torch.Tensor:
    """(r - mean) / (std + 1e-4) within each group, over the episodes kept; 0 for the others.

    With `strata` (one bool per episode), each group is split in two and every episode is compared
    only with the episodes of its own stratum; one alone in its stratum gets 0.
    """
    if strata is not None:
        return sum(group_advantages(rewards, keep & (strata == s), group_size) for s in (False, True))
    r = rewards.view(-1, group_size)
    k = keep.view(-1, group_size).float()
    count = k.sum(1, keepdim=True)
    mean = (r * k).sum(1, keepdim=True) / count.clamp(min=1)
    var = (((r - mean) ** 2) * k).sum(1, keepdim=True) / (count - 1).clamp(min=1)
    adv = (r - mean) / (var.sqrt() + 1e-4)
    return (adv * k).view(-1)


def _token_logprobs(model, ids, attn):
    logits = model(input_ids=ids, attention_mask=attn).logits[:, :-1].float()
    return torch.log_softmax(logits, -1).gather(-1, ids[:, 1:, None]).squeeze(-1)


def policy_gradient_step(model, optimizer, episodes: list[Episode], advantages: torch.Tensor, keep: torch.Tensor,
                         vocab: dict[str, int], pad_id: int, *, reference=None, beta: float = 0.0) -> float:
    ids, attn, policy = _sequences(episodes, vocab, pad_id)
    model.train()
    logp = _token_logprobs(model, ids, attn)
    mask = policy[:, 1:].float() * keep.float()[:, None]
    denom = mask.sum().clamp(min=1)
    per_token = -advantages[:, None] * logp
    if beta > 0 and reference is not None:
        with torch.no_grad():
            ref = _token_logprobs(reference, ids, attn)
        # TRL's per-token KL estimator (k3): exp(ref - logp) - (ref - logp) - 1, always >= 0
        per_token = per_token + beta * (torch.exp(ref - logp) - (ref - logp) - 1)
    loss = (per_token * mask).sum() / denom
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    model.eval()
    return float(loss.item())


@dataclass
class LabResult:
    summary: dict
    samples: dict[str, list[Scored]]
    pretrain_losses: list[float]


def run_lab(cfg: ToolsConfig, run, *, seed: int, sandbox_factory: Callable | None = None,
            show_progress: bool = True) -> LabResult:
    """Run the whole lab into `run` (a RunDir): curves.csv, ledger.jsonl, summary.json."""
    from overopt.models.tiny import TinyConfig
    from overopt.progress import progress
    from overopt.seeding import seed_everything

    make_sandbox = sandbox_factory or default_sandbox_factory
    seed_everything(seed)
    max_number = cfg.max_number
    ledger_path = run.file("ledger.jsonl")
    ledger_path.unlink(missing_ok=True)
    ledger = LedgerReader(ledger_path)
    naive, led = NaiveVerifier(cfg.tool_weight), LedgerVerifier(cfg.tool_weight, cfg.fabrication_penalty)
    curves = run.csv("curves.csv", CURVE_COLUMNS)
    summary: dict = {"seed": seed, "outage_rate": cfg.outage_rate, "mask_outages": cfg.mask_outages,
                     "fault_baseline": cfg.fault_baseline}
    samples: dict[str, list[Scored]] = {}
    sandbox_root = Path(tempfile.mkdtemp(prefix="overopt-tools-"))
    eval_tasks = sample_tasks(np.random.default_rng([seed, 7]), cfg.eval_episodes, n_terms=cfg.n_terms,
                              digits=cfg.digits)

    with progress() as bar, contextlib.ExitStack() as stack:
        stack.callback(shutil.rmtree, sandbox_root, True)
        # 1. pretraining on the corpus of agent logs
        corpus = build_corpus(seed, cfg.corpus, n_terms=cfg.n_terms, digits=cfg.digits)
        tokenizer = make_tokenizer()
        vocab, pad_id = tokenizer.get_vocab(), tokenizer.pad_token_id
        size = TinyConfig(hidden_size=cfg.hidden_size, num_layers=cfg.num_layers, num_heads=cfg.num_heads,
                          intermediate_size=2 * cfg.hidden_size, max_positions=max(64, cfg.max_new_words + 16))
        n_pre = cfg.pretrain_epochs * -(-len(corpus) // cfg.pretrain_batch)
        task = bar.add_task("pretraining the policy", total=n_pre, visible=show_progress)
        t0 = time.perf_counter()
        base, losses = pretrain_policy(corpus, tokenizer, size, seed=seed, epochs=cfg.pretrain_epochs,
                                       lr=cfg.pretrain_lr, batch_size=cfg.pretrain_batch,
                                       pad_per_batch=cfg.pretrain_pad_per_batch,
                                       on_step=lambda s, n, l: bar.update(task, completed=s))
        summary["pretrain_seconds"] = round(time.perf_counter() - t0, 2)
        summary["pretrain_final_loss"] = losses[-1]

        def evaluate(model, name: str) -> tuple[list[Scored], ToolHarness]:
            """The same eval tasks and sampling seed for every policy."""
            harness = ToolHarness(sandbox, max_number=max_number, max_calls=cfg.max_calls)
            gen = torch.Generator().manual_seed(seed * 1000 + 17)
            eps = []
            for start in range(0, len(eval_tasks), 256):
                chunk = eval_tasks[start:start + 256]
                eps += rollout(model, tokenizer, harness, chunk,
                               [f"{name}-eval-{start + i}" for i in range(len(chunk))],
                               max_new_words=cfg.max_new_words, generator=gen, temperature=cfg.temperature)
            return score(eps, ledger, naive, led), harness

        # 2. the pretrained policy, before any RL. One sandbox serves the whole lab: its outage draws
        # depend only on (seed, episode id, call number), and every call lands in DIR/ledger.jsonl.
        sandbox = make_sandbox(sandbox_root, ledger_path, cfg.outage_rate, seed)
        stack.callback(sandbox.close)
        pre, _ = evaluate(base, "pretrained")
        summary["pretrained"] = summarize(pre)
        samples["pretrained"] = pre

        # 3. RL once per verifier, from the same pretrained policy, tasks and sampling seed
        for verifier in cfg.verifiers:
            model = copy.deepcopy(base)
            optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.learning_rate, weight_decay=0.0)
            harness = ToolHarness(sandbox, max_number=max_number, max_calls=cfg.max_calls)
            task_rng = np.random.default_rng([seed, 11])
            gen = torch.Generator().manual_seed(seed * 1000 + 13)
            task = bar.add_task(f"RL against the {verifier} verifier", total=cfg.steps, visible=show_progress)
            for step in range(cfg.steps):
                tasks = [t for t in sample_tasks(task_rng, cfg.prompts_per_step, n_terms=cfg.n_terms,
                                                 digits=cfg.digits) for _ in range(cfg.group_size)]
                ids = [f"{verifier}-{step}-{i}" for i in range(len(tasks))]
                eps = rollout(model, tokenizer, harness, tasks, ids, max_new_words=cfg.max_new_words,
                              generator=gen, temperature=cfg.temperature)
                scored = score(eps, ledger, naive, led)
                rewards = torch.tensor([s.naive if verifier == "naive" else s.ledger for s in scored])
                hit = torch.tensor([e.fault_affected for e in eps])
                keep = ~hit if cfg.mask_outages else torch.ones_like(hit)
                adv = group_advantages(rewards, keep, cfg.group_size, strata=hit if cfg.fault_baseline else None)
                loss = policy_gradient_step(model, optimizer, eps, adv, keep, vocab, pad_id,
                                            reference=base, beta=cfg.beta)
                row = summarize(scored)
                curves.write({**row, "verifier": verifier, "step": step,
                              "reward": float(rewards.mean()), "masked": int((~keep).sum()),
                              "loss": loss})
                bar.update(task, advance=1)
            final, eval_harness = evaluate(model, verifier)
            summary[verifier] = {**summarize(final), "crashes": harness.crashes + eval_harness.crashes,
                                 "hangs": harness.hangs + eval_harness.hangs}
            samples[verifier] = final
    curves.close()
    summary["ledger_lines"] = ledger.lines
    run.write_json("summary.json", summary)
    return LabResult(summary, samples, losses)


def with_overrides(cfg: ToolsConfig, **overrides) -> ToolsConfig:
    known = {f.name for f in fields(cfg)}
    return replace(cfg, **{k: v for k, v in overrides.items() if k in known and v is not None})


def config_dict(cfg: ToolsConfig) -> dict:
    return asdict(cfg)
