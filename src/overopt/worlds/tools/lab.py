"""The tools lab: pretrain a tiny tool-using policy, then RL it once per verifier, tools in a sandbox.

A run pretrains the policy on agent logs (`policy.py`), evaluates it, then trains a copy against each
verifier with a GRPO-style loop (`grpo.py`) and evaluates each trained policy on the same tasks with
the same sampling seed. One sandbox serves the whole run and every tool call lands in ledger.jsonl.
Runs through the lab contract (`overopt.labs`): curves.csv, ledger.jsonl, transcripts.jsonl,
tools.png, summary.json, report.md.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from overopt.configs import check, check_positive, setting
from overopt.labs import Lab, Preset, Result
from overopt.progress import Progress
from overopt.runs import RunDir
from overopt.worlds.tools.policy import CorpusConfig, build_corpus, make_tokenizer, pretrain_policy
from overopt.worlds.tools.tasks import Task, largest_sum, sample_tasks
from overopt.worlds.tools.verifiers import VERIFIERS, LedgerVerifier, NaiveVerifier

if TYPE_CHECKING:  # torch comes in with these; the command imports this module, so keep `--help` fast
    from overopt.worlds.tools.rollout import ToolHarness
    from overopt.worlds.tools.scoring import Scored, Scorer

CURVE_COLUMNS = [
    "verifier", "step", "reward", "naive_reward", "ledger_reward", "true_accuracy", "fabrication_rate",
    "flagged_rate", "tool_call_rate", "calls_per_episode", "outage_rate", "affected_rate", "retry_rate",
    "by_hand_rate", "accuracy_when_tool_failed",
    "malformed_rate", "masked", "loss",
]  # no timings here: the same seed on the same machine gives a byte-identical curves.csv

EVAL_CHUNK = 256  # evaluation episodes rolled out together


@dataclass
class ToolsConfig:
    """Settings of `overopt lab tools`."""

    preset: str = setting("quick", "Name of the preset these settings came from.")
    # the world
    n_terms: int = setting(3, "Numbers to add per task; a task takes n_terms - 1 calculator calls.")
    digits: int = setting(2, "Digits per number (1 to 3).")
    outage_rate: float = setting(0.3, "Probability that the sandbox fails a tool call (half '503 unavailable', "
                                 "half 'timed out'). Outages are what make a fake result pay under the naive "
                                 "verifier.")
    max_calls: int = setting(4, "Tool calls per episode the harness runs; later ones get `<error> limit </error>`.")
    max_new_words: int = setting(64, "Words per episode (the policy's and the tools' output) before truncation.")
    # the policy and its pretraining
    hidden_size: int = setting(96, "Hidden size of the policy (a tiny Llama).")
    num_layers: int = setting(2, "Transformer layers of the policy.")
    num_heads: int = setting(4, "Attention heads of the policy (must divide hidden_size).")
    corpus: CorpusConfig = setting(factory=CorpusConfig, help="The pretraining corpus of agent logs.")
    pretrain_epochs: int = setting(10, "Pretraining epochs; the by-hand skill appears late (after about 8).")
    pretrain_lr: float = setting(3e-3, "Pretraining learning rate (AdamW with a linear decay).")
    pretrain_batch: int = setting(16, "Logs per pretraining batch.")
    pretrain_pad_per_batch: bool = setting(True, "Pad each pretraining batch to its own longest log (logs run "
                                           "40-66 words) rather than to the corpus's longest.")
    # RL
    verifiers: tuple[str, ...] = setting(VERIFIERS, "Verifiers to train against, once each: 'naive' (tool use "
                                         "judged from the transcript's text) or 'ledger' (tool use must be backed "
                                         "by the sandbox's action ledger; unbacked results are penalized). Both "
                                         "are computed every step either way.")
    steps: int = setting(60, "RL steps per verifier.")
    prompts_per_step: int = setting(16, "Tasks per RL step.")
    group_size: int = setting(8, "Episodes per task and RL step: GRPO's group, whose episodes the advantages "
                              "compare.")
    learning_rate: float = setting(1e-3, "RL learning rate (AdamW).")
    beta: float = setting(0.04, "KL penalty to the pretrained policy (TRL's k3 estimator); 0 turns it off.")
    temperature: float = setting(1.0, "Sampling temperature, in training and evaluation.")
    mask_outages: bool = setting(False, "Leave rollouts hit by a tool failure out of the loss (they are counted "
                                 "either way). Masking also removes the signal that teaches fabrication after "
                                 "an outage - at the cost of that data.")
    fault_baseline: bool = setting(False, "Compare an episode a tool failure hit only with the other hit episodes "
                                   "of its task (GRPO's group baseline, split by luck). Without it a hit episode "
                                   "scores below its group whatever the policy did, so even a correct sum worked "
                                   "out by hand is pushed down.")
    # rewards
    tool_weight: float = setting(0.5, "Share of both verifiers' reward paid for an answer that follows a "
                                 "successful tool result (the rest pays for a correct answer).")
    fabrication_penalty: float = setting(0.5, "What the ledger verifier subtracts for a tool result no ledger "
                                         "entry produced.")
    # evaluation and report
    eval_episodes: int = setting(512, "Evaluation tasks behind the final numbers (the same for every policy).")
    eval_repeats: int = setting(1, "Episodes per evaluation task (1 for the lab's figures; `overopt eval --demo` "
                                   "draws several to show the spread).")
    report_samples: int = setting(4, "Sample transcripts of each kind in report.md.")

    def __post_init__(self) -> None:
        check(0.0 <= self.outage_rate < 1.0, f"outage_rate must be in [0, 1), got {self.outage_rate}")
        check_positive(self, "steps", "prompts_per_step", "eval_episodes", "eval_repeats", "max_calls", "max_new_words",
                       "pretrain_epochs", "pretrain_batch", "hidden_size", "num_layers", "num_heads")
        check(self.hidden_size % self.num_heads == 0,
              f"num_heads must divide hidden_size, got {self.num_heads} heads for hidden size {self.hidden_size}")
        check(self.group_size >= 2,
              f"group_size must be at least 2 (advantages compare episodes), got {self.group_size}")
        check(self.n_terms >= 2, f"n_terms must be at least 2, got {self.n_terms}")
        check(1 <= self.digits <= 3, f"digits must be 1, 2 or 3, got {self.digits}")
        self.verifiers = tuple(dict.fromkeys(self.verifiers))
        bad = [v for v in self.verifiers if v not in VERIFIERS]
        check(bool(self.verifiers) and not bad,
              f"verifiers must be some of {', '.join(VERIFIERS)}, got {', '.join(self.verifiers) or 'none'}")
        for name in ("learning_rate", "pretrain_lr", "temperature"):
            check(getattr(self, name) > 0, f"{name} must be positive, got {getattr(self, name)}")
        check(self.beta >= 0, f"beta must be >= 0 (0 turns the KL penalty off), got {self.beta}")
        check(0.0 <= self.tool_weight <= 1.0, f"tool_weight must be between 0 and 1, got {self.tool_weight}")
        check(self.fabrication_penalty >= 0, f"fabrication_penalty must be >= 0, got {self.fabrication_penalty}")
        check(self.report_samples >= 0, f"report_samples must be >= 0, got {self.report_samples}")

    @property
    def max_number(self) -> int:
        return largest_sum(self.n_terms, self.digits)


PRESETS = {
    "quick": Preset(lambda: ToolsConfig(), "the issue's targets, about 4.5 minutes on 2 CPU cores"),
    "full": Preset(lambda: ToolsConfig(preset="full", corpus=CorpusConfig(size=8000), steps=200, eval_episodes=2048),
                   "200 RL steps, a larger corpus and a 2048-task evaluation"),
    "smoke": Preset(lambda: ToolsConfig(preset="smoke", corpus=CorpusConfig(size=400, down_logs=200), hidden_size=64,
                                        pretrain_epochs=1, steps=3, prompts_per_step=4, group_size=4,
                                        eval_episodes=16, report_samples=2),
                    "seconds; checks that the lab runs, too short for anything to emerge"),
}


@dataclass
class ToolsResult(Result):
    """A tools run: `summary` (per policy: accuracy, rewards, fabrication, faults; timings; ledger lines)
    and what the report needs besides."""

    config: ToolsConfig = field(default_factory=ToolsConfig)
    """The settings of the run (the report describes them)."""
    samples: dict[str, list[Scored]] = field(default_factory=dict)
    """Every evaluation episode, scored, per policy: 'pretrained' and each verifier trained against."""
    pretrain_losses: list[float] = field(default_factory=list)
    """The pretraining loss after each step."""


@dataclass
class _Evaluation:
    """The same evaluation tasks and sampling seed for every policy, tools in the lab's one sandbox."""

    config: ToolsConfig
    seed: int
    tokenizer: object
    sandbox: object
    scorer: Scorer
    tasks: list[Task]

    def harness(self) -> ToolHarness:
        from overopt.worlds.tools.rollout import ToolHarness

        return ToolHarness(self.sandbox, max_number=self.config.max_number, max_calls=self.config.max_calls)

    def run(self, model, name: str) -> tuple[list[Scored], ToolHarness]:
        import torch

        from overopt.worlds.tools.rollout import rollout

        harness = self.harness()
        gen = torch.Generator().manual_seed(self.seed * 1000 + 17)
        tasks = self.tasks * self.config.eval_repeats  # episode k plays task k % len(self.tasks)
        eps = []
        for start in range(0, len(tasks), EVAL_CHUNK):
            chunk = tasks[start:start + EVAL_CHUNK]
            ids = [f"{name}-eval-{start + i}" for i in range(len(chunk))]
            eps += rollout(model, self.tokenizer, harness, chunk, ids, max_new_words=self.config.max_new_words,
                           generator=gen, temperature=self.config.temperature)
        return self.scorer.score(eps), harness


def _pretrain(config: ToolsConfig, seed: int, corpus: list[str], tokenizer, progress: Progress):
    """The pretrained policy and its losses."""
    from overopt.models.tiny import TinyConfig

    size = TinyConfig(hidden_size=config.hidden_size, num_layers=config.num_layers, num_heads=config.num_heads,
                      intermediate_size=2 * config.hidden_size, max_positions=max(64, config.max_new_words + 16))
    batches = config.pretrain_epochs * -(-len(corpus) // config.pretrain_batch)
    return pretrain_policy(corpus, tokenizer, size, seed=seed, epochs=config.pretrain_epochs, lr=config.pretrain_lr,
                           batch_size=config.pretrain_batch, pad_per_batch=config.pretrain_pad_per_batch,
                           task=progress.task("pretraining the policy", total=batches))


class ToolsLab(Lab[ToolsConfig, ToolsResult]):
    """Reproduce fabricated tool calls in tool-use RL, and prevent them with the sandbox's action ledger.

    A tiny language model is pretrained on agent logs that include the tools' outputs, then trained with RL
    to sum numbers using a calculator that runs in overopt's sandbox. While the tool fails (outage rate p),
    writing a fake `<result>` block earns the naive verifier's tool bonus; RL finds that. The ledger verifier
    checks every result against the ledger and penalizes the fakes.

    Writes curves.csv, tools.png, ledger.jsonl, transcripts.jsonl, summary.json and report.md.
    See docs/tools.md.
    """

    name = "tools"
    title = "Fabricated tool results in tool-use RL, and the action ledger that stops them"
    Config = ToolsConfig
    presets = PRESETS
    flags = {"outage-rate": "outage_rate", "mask-outages": "mask_outages", "fault-baseline": "fault_baseline",
             "verifier": "verifiers", "steps": "steps", "fabrication-penalty": "fabrication_penalty"}
    outputs = ("curves.csv", "tools.png", "ledger.jsonl", "transcripts.jsonl", "report.md")
    curve_index = ("verifier", "step")
    curve_x = "step"
    curve_y = ("true_accuracy", "fabrication_rate", "reward")
    headlines = {
        "naive.fabrication_rate": "RL on the naive verifier: share of episodes with a fabricated tool result",
        "ledger.fabrication_rate": "RL on the ledger verifier: share of episodes with a fabricated tool result",
        "naive.true_accuracy": "RL on the naive verifier: true accuracy",
        "ledger.true_accuracy": "RL on the ledger verifier: true accuracy",
        "naive.naive_reward": "RL on the naive verifier: the reward it was trained on",
    }

    def run(self, config: ToolsConfig, seed: int, run_dir: RunDir, progress: Progress) -> ToolsResult:
        from overopt.sandbox import Sandbox
        from overopt.worlds.tools.grpo import train_against
        from overopt.worlds.tools.scoring import LedgerReader, Scorer, summarize

        started = time.perf_counter()
        ledger_path = run_dir.file("ledger.jsonl")
        ledger_path.unlink(missing_ok=True)  # a run into an old run's folder starts a fresh ledger
        ledger = LedgerReader(ledger_path)
        scorer = Scorer(ledger, NaiveVerifier(config.tool_weight),
                        LedgerVerifier(config.tool_weight, config.fabrication_penalty))
        summary: dict = {"seed": seed, "outage_rate": config.outage_rate, "mask_outages": config.mask_outages,
                         "fault_baseline": config.fault_baseline}
        eval_tasks = sample_tasks(np.random.default_rng([seed, 7]), config.eval_episodes, n_terms=config.n_terms,
                                  digits=config.digits)
        with contextlib.ExitStack() as stack:
            curves = run_dir.csv("curves.csv", CURVE_COLUMNS)
            stack.callback(curves.close)
            sandbox_root = Path(tempfile.mkdtemp(prefix="overopt-tools-"))
            stack.callback(shutil.rmtree, sandbox_root, True)
            # 1. pretraining on the corpus of agent logs
            corpus = build_corpus(seed, config.corpus, n_terms=config.n_terms, digits=config.digits)
            tokenizer = make_tokenizer()
            pretrain_started = time.perf_counter()
            base, losses = _pretrain(config, seed, corpus, tokenizer, progress)
            summary["pretrain_seconds"] = round(time.perf_counter() - pretrain_started, 2)
            summary["pretrain_final_loss"] = losses[-1]
            # 2. the pretrained policy, before any RL. One sandbox serves the whole lab: its outage draws
            # depend only on (seed, episode id, call number), and every call lands in ledger.jsonl.
            sandbox = Sandbox(sandbox_root, ledger_path=ledger_path, outage_rate=config.outage_rate, seed=seed)
            stack.callback(sandbox.close)
            evaluation = _Evaluation(config, seed, tokenizer, sandbox, scorer, eval_tasks)
            samples = {"pretrained": evaluation.run(base, "pretrained")[0]}
            summary["pretrained"] = summarize(samples["pretrained"])
            # 3. RL once per verifier, from the same pretrained policy, tasks and sampling seed
            for verifier in config.verifiers:
                harness = evaluation.harness()
                model = train_against(verifier, base, tokenizer, harness, scorer, config, seed, curves,
                                      progress.task(f"RL against the {verifier} verifier", total=config.steps))
                samples[verifier], eval_harness = evaluation.run(model, verifier)
                summary[verifier] = {**summarize(samples[verifier]), "crashes": harness.crashes + eval_harness.crashes,
                                     "hangs": harness.hangs + eval_harness.hangs}
        summary["ledger_lines"] = ledger.lines
        summary["wall_seconds"] = round(time.perf_counter() - started, 2)
        return ToolsResult(summary=summary, config=config, samples=samples, pretrain_losses=losses)

    def report(self, result: ToolsResult, run_dir: RunDir) -> None:
        from overopt.worlds.tools.report import plot, write_report, write_transcripts

        write_transcripts(run_dir.file("transcripts.jsonl"), result.samples)
        plot(run_dir.file("curves.csv"), result.summary, run_dir.file("tools.png"))
        write_report(run_dir.file("report.md"), result.summary, result.samples, result.config,
                     wall_seconds=result.summary["wall_seconds"])

    def print_summary(self, result: ToolsResult, run_dir: RunDir) -> None:
        from overopt.worlds.tools.report import print_table

        print_table(result.summary, result.config.verifiers, run_dir.path)


TOOLS_LAB = ToolsLab()
