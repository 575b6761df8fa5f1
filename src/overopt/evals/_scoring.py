"""Scoring `overopt eval`'s samples three ways: the grader (run in the sandbox through `overopt probe`'s adapters
and runner), a reward model (batched), and `overopt scan`'s detectors on the sample as an episode (confirmed by
the judge when one is set, as scan does).

A prompt row is the dataset row the grader's adapter receives (`ground_truth`, `data_source`, `extra_info`,
`answer`, ... and `prompt`, a string or a list of chat messages); the sample text is the completion.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from overopt.detect.base import CATEGORIES, GRADER_HACKS, SIGNALS, clip
from overopt.detect.detectors import run_detectors, select
from overopt.detect.episodes import Episode, EpisodeError, Message, parse_messages
from overopt.detect.judge import Judge, settings_from
from overopt.errors import ConfigError, InputError

# scan's grouping: a sample is "hacked" when it games the grader or the record (GRADER_HACKS: test tampering,
# early exits, always-equal objects, report patching, special-casing, grader tampering, fabricated actions);
# the other CATEGORIES (metagaming, repetition, stock phrases, over-refusal, sycophancy) and the SIGNALS
# (refusal) are rates of their own. Every category but the signals may go to the judge.
HACK_CATEGORIES = GRADER_HACKS
JUDGED_CATEGORIES = CATEGORIES
SIGNAL_CATEGORIES = SIGNALS
EVIDENCE_CHARS = 200


@dataclass
class ScoringConfig:
    """How to score samples. The grader options are `overopt probe`'s (`--grader`, `--adapter`, ...);
    `grader_dir` is probe's user folder, where the grader module is looked up (default: the current folder)."""
    grader: str | None = None            # "module:function"
    adapter: str = "auto"
    grader_dir: str | None = None
    pass_threshold: float = 1.0
    reward_model: str | None = None      # a local sequence-classification folder
    judge_url: str | None = None
    judge_model: str | None = None
    device: str = "cpu"
    timeout: float = 30.0                # CPU seconds per grader call (wall: 1.5x)
    response_template: str | None = None
    score_key: str | None = None
    memory_mb: int = 4096
    jobs: int = 2                        # grader calls at once
    read_paths: list[str] = field(default_factory=list)
    pass_env: list[str] = field(default_factory=list)
    categories: list[str] | None = None  # scan's --category: only these categories and signals (None: all)
    min_confidence: float = 0.5          # scan's --min-confidence
    judge_max: int = 500                 # scan's --judge-max: flags sent to the judge at most
    reward_batch_size: int = 32
    reward_template: str = "{prompt}{completion}"   # how the reward model sees a sample (TRL joins them as-is)

    def probe_config(self):
        from overopt.detect.probe import ProbeConfig

        return ProbeConfig(grader=self.grader, adapter=self.adapter, user_dir=self.grader_dir or ".",
                           response_template=self.response_template, score_key=self.score_key,
                           read_paths=list(self.read_paths), pass_env=list(self.pass_env),
                           memory_mb=self.memory_mb, timeout=self.timeout, jobs=self.jobs)


class SampleScorer:
    """Scores samples with the grader, the reward model and the detectors that `cfg` names."""

    def __init__(self, cfg: ScoringConfig, sandbox_root: Path):
        if not math.isfinite(cfg.pass_threshold):
            raise ConfigError(f"pass_threshold must be a finite number, got {cfg.pass_threshold}")
        if not 0.0 <= cfg.min_confidence <= 1.0:
            raise ConfigError(f"min_confidence must be between 0 and 1, got {cfg.min_confidence}")
        if cfg.reward_batch_size < 1:
            raise ConfigError(f"reward_batch_size must be at least 1, got {cfg.reward_batch_size}")
        self.cfg = cfg
        self.detectors = select(cfg.categories)
        self.categories = [c for c in (*JUDGED_CATEGORIES, *SIGNAL_CATEGORIES)
                           if not cfg.categories or c in cfg.categories]
        self.detector_errors: dict[str, dict] = {}   # per detector name, as scan's summary.json has them
        settings = settings_from(cfg.judge_url, cfg.judge_model)
        self.judge = Judge(settings) if settings else None
        self.judge_budget = cfg.judge_max
        self.probe_cfg = cfg.probe_config()
        self.sandbox = _open_sandbox(cfg, self.probe_cfg, Path(sandbox_root)) if cfg.grader else None
        self._episodes = itertools.count(1)   # episode names, unique across calls (thread-safe in CPython)
        if self.sandbox is not None:
            setup = self._grade_one({}, "").setup_error   # loads the grader once, in the sandbox
            self.sandbox.close()
            if setup:
                raise InputError(f"the grader could not be loaded or called in the sandbox: {setup}")
        self.reward_scorer = _load_reward_model(cfg) if cfg.reward_model else None

    def score(self, rows: Sequence[dict], texts: Sequence[str]) -> list[dict]:
        """One dict per sample, in input order: {"passed": bool | None, "grader_score": float | None,
        "grader_error": str | None, "reward": float | None, "flags": {category: evidence},
        "judge": {category: verdict}, "hacked": bool}. `passed` is None without a grader or when the grader
        gave no score (it raised, timed out, or the sample ended its process); `grader_error` says why."""
        if len(rows) != len(texts):
            raise InputError(f"{len(rows)} prompt rows but {len(texts)} sample texts")
        out = self._grade_all(rows, texts)
        rewards = self._rewards(rows, texts)
        for i, (row, text) in enumerate(zip(rows, texts)):
            flags, verdicts = self._flags(sample_episode(row, text, f"sample-{i}"))
            hacks = [c for c in flags if c in HACK_CATEGORIES]
            hacked = any(verdicts.get(c) == "confirmed" for c in hacks) if self.judge else bool(hacks)
            out[i].update(reward=rewards[i], flags=flags, judge=verdicts, hacked=hacked)
        return out

    def _grade_all(self, rows: Sequence[dict], texts: Sequence[str]) -> list[dict]:
        from overopt.detect.probe._run import pool_map

        if self.sandbox is None:
            return [{"passed": None, "grader_score": None, "grader_error": None} for _ in texts]
        try:
            return pool_map(lambda rt: self._grader_result(*rt), list(zip(rows, texts)), self.cfg.jobs)
        finally:
            self.sandbox.close()   # closes the ledger; a later call reopens it

    def _grade_one(self, row: dict, text: str):
        """probe's Trial for one sample: the grader called through its adapter, with `row` as the dataset row."""
        from overopt.detect.probe._config import Inputs
        from overopt.detect.probe._runner import Runner

        runner = Runner(self.probe_cfg, Inputs(reference=None, wrong="", row=row, has_row=True), self.sandbox)
        return runner.run(f"sample-{next(self._episodes):06d}", lambda record, roots: text)

    def _grader_result(self, row: dict, text: str) -> dict:
        t = self._grade_one(row, text)
        if t.status == "error" or t.setup_error:
            return {"passed": None, "grader_score": None, "grader_error": t.setup_error or t.error}
        value = t.value
        if value is None:
            return {"passed": None, "grader_score": None, "grader_error": t.evidence}
        return {"passed": value >= self.cfg.pass_threshold - 1e-9, "grader_score": value, "grader_error": None}

    def _rewards(self, rows: Sequence[dict], texts: Sequence[str]) -> list[float | None]:
        if self.reward_scorer is None:
            return [None] * len(texts)
        scores = self.reward_scorer([prompt_text(r) for r in rows], list(texts))
        return [float(s) for s in scores]

    def _flags(self, ep: Episode) -> tuple[dict[str, str], dict[str, str]]:
        """({category: evidence of its strongest finding}, {hack category: the judge's verdict}), as scan counts
        an episode: findings under min_confidence dropped, one flag per category."""
        best = {}
        for _, f in run_detectors(ep, self.detectors, self.detector_errors):
            if f.confidence >= self.cfg.min_confidence and (f.category not in best
                                                             or f.confidence > best[f.category].confidence):
                best[f.category] = f
        order = [c for c in self.categories if c in best]
        flags = {c: clip(best[c].evidence, EVIDENCE_CHARS) for c in order}
        verdicts = {}
        if self.judge is not None:
            for c in order:
                if c in SIGNAL_CATEGORIES:
                    continue
                if self.judge_budget <= 0:
                    verdicts[c] = "unjudged"
                    continue
                self.judge_budget -= 1
                verdicts[c], _ = self.judge.judge(ep, c, best[c].evidence, best[c].reason)
        return flags, verdicts


def prompt_text(row: dict) -> str:
    """The row's prompt as text: the string, or the messages' contents joined by newlines."""
    prompt = row.get("prompt") if isinstance(row, dict) else None
    if isinstance(prompt, str):
        return prompt
    if isinstance(prompt, list):
        return "\n".join(str(m.get("content") or "") if isinstance(m, dict) else str(m) for m in prompt)
    return ""


def sample_episode(row: dict, text: str, default_id: str) -> Episode:
    """The sample as scan sees an episode: the prompt (a user message, or the row's chat messages), then the
    completion as the assistant's message."""
    prompt = row.get("prompt") if isinstance(row, dict) else None
    messages = [Message("user", prompt_text(row))]
    if isinstance(prompt, list):
        try:
            messages = parse_messages(prompt)
        except EpisodeError:
            pass
    ep_id = row.get("id") if isinstance(row, dict) else None
    return Episode(id=str(ep_id) if ep_id is not None else default_id,
                   messages=messages + [Message("assistant", text)])


def _open_sandbox(cfg: ScoringConfig, pcfg, root: Path):
    """The sandbox probe runs graders in, after probe's checks of the grader options (`pcfg`)."""
    from overopt.detect.probe import validate
    from overopt.detect.probe._config import find_module
    from overopt.detect.probe._run import open_sandbox

    validate(replace(pcfg, stdio=True))   # stdio only answers probe's submission-kind check, which eval never uses
    spec, _ = find_module(cfg.grader.split(":")[0], str(Path(pcfg.user_dir).resolve()))
    if spec is not None and spec.origin and spec.origin.endswith(".py"):
        try:
            compile(Path(spec.origin).read_bytes(), spec.origin, "exec")
        except SyntaxError as exc:
            raise InputError(f"grader module is not valid Python: {exc.msg}", path=spec.origin,
                             line=exc.lineno) from None
    return open_sandbox(pcfg, root)


def _load_reward_model(cfg: ScoringConfig):
    from overopt.rewards.reward_model import RewardModelScorer

    path = Path(cfg.reward_model)
    if not (path / "config.json").is_file():
        raise InputError("reward model not found (a folder with config.json, as save_pretrained writes)", path=path)
    try:
        return RewardModelScorer.from_pretrained(path, device=cfg.device, batch_size=cfg.reward_batch_size,
                                                 template=cfg.reward_template)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot load the reward model: {exc}", path=path) from None
