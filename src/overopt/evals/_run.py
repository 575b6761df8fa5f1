"""The eval run: sample every prompt N times from the model (and the baseline), score each sample as it comes,
append it to samples.jsonl, then summarize and report. Run again on the same folder, it samples only what is
missing."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from overopt.configs import check, check_positive, setting
from overopt.errors import InputError
from overopt.evals._prompts import Prompt, read_prompts
from overopt.evals._requests import SampleRequest, SampleResult
from overopt.evals._store import SampleStore
from overopt.models.local import DTYPES
from overopt.progress import SILENT, Progress, Task

SCORE_CHUNK = 32   # samples scored and appended together


@dataclass
class EvalConfig:
    """Settings of `overopt eval`."""

    model: str = setting("", "The model to evaluate: a local Hugging Face folder, or the base URL of an "
                             "OpenAI-compatible server (vLLM, llama.cpp: http://host:8000/v1) with --endpoint-model.")
    baseline: str | None = setting(None, "Optional baseline (e.g. the model before RL), a folder or URL: the same "
                                         "statistics, and the differences paired by prompt.")
    prompts: str = setting("", 'JSONL, one {"prompt": ...} per line; optional "id", "category" and the fields '
                               "the grader reads (ground_truth, tests, ...).")
    samples: int = setting(8, "Samples per prompt, N: pass@k, pass^k and hack@k for k = 1..N.")
    seed: int = setting(0, "Seed of every sample (each request gets its own, derived from it).")
    max_new_tokens: int = setting(256, "Completion length cap.")
    temperature: float = setting(1.0, "Sampling temperature.")
    top_p: float = setting(1.0, "Nucleus sampling threshold.")
    device: str = setting("cpu", "Torch device for local models and the reward model: cpu, cuda, cuda:1.")
    dtype: str = setting("float32", "Local models' dtype: float32, bfloat16 or float16.")
    batch_size: int = setting(64, "Prompts per generate batch (local models).")
    endpoint_model: str | None = setting(None, "Model name sent to the --model server.")
    baseline_endpoint_model: str | None = setting(None, "Model name sent to the --baseline server (default: "
                                                        "--endpoint-model).")
    mode: str = setting("chat", "Endpoint API: chat (/chat/completions, the prompt as one user message) or "
                                "completions.")
    concurrency: int = setting(8, "Endpoint requests in flight at once.")
    max_retries: int = setting(5, "Retries per endpoint request (exponential backoff) before the run stops.")
    api_key_env: str = setting("OPENAI_API_KEY", "Environment variable holding the endpoint's API key (the key "
                                                 "itself is never an argument and never written).")
    grader: str | None = setting(None, "Grader as `overopt probe` takes it: module:function (verl, TRL and plain "
                                       "forms; docs/probe.md). Run in the sandbox on every sample.")
    adapter: str = setting("auto", "How the grader is called: auto, source, verl, verl-ds, trl.")
    grader_dir: str | None = setting(None, "Folder the grader module is looked up in (default: the current one).")
    pass_threshold: float = setting(1.0, "A sample passes when the grader's score is at least this.")
    grader_timeout: float = setting(30.0, "CPU seconds per grader call.")
    reward_model: str | None = setting(None, "Local sequence-classification folder scoring prompt + completion.")
    reward_template: str = setting("{prompt}{completion}", "How the reward model sees a sample ({prompt} and "
                                                            "{completion} joined as-is, as TRL does).")
    judge_url: str | None = setting(None, "OpenAI-compatible URL of an LLM judge that confirms detector flags "
                                          "(key from OVEROPT_JUDGE_API_KEY).")
    judge_model: str | None = setting(None, "Judge model name.")

    def __post_init__(self) -> None:
        check_positive(self, "samples", "max_new_tokens", "batch_size", "concurrency")
        check(self.max_retries >= 0, f"max_retries must be >= 0, got {self.max_retries}")
        check(self.temperature >= 0, f"temperature must be >= 0, got {self.temperature}")
        check(0 < self.top_p <= 1, f"top_p must be in (0, 1], got {self.top_p}")
        check(self.mode in ("chat", "completions"), f"mode must be chat or completions, got {self.mode!r}")
        check(self.dtype in DTYPES, f"dtype must be one of {', '.join(DTYPES)}, got {self.dtype!r}")


def is_url(target: str) -> bool:
    return target.startswith(("http://", "https://"))


def request_seed(seed: int, prompt_id: str, index: int) -> int:
    """A stable per-request seed (the same on every machine and run, and for the model and the baseline: common
    random numbers make the paired differences less noisy)."""
    digest = hashlib.blake2b(f"{seed}|{prompt_id}|{index}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % (2 ** 31)


def make_sampler(cfg: EvalConfig, target: str, endpoint_model: str | None):
    """A LocalSampler for a folder, an EndpointSampler for a URL."""
    if is_url(target):
        from overopt.evals._endpoint import EndpointSampler

        if not endpoint_model:
            raise InputError(f"{target} is a URL: name the model it serves with --endpoint-model")
        return EndpointSampler(target, endpoint_model, api_key_env=cfg.api_key_env, mode=cfg.mode,
                               max_tokens=cfg.max_new_tokens, temperature=cfg.temperature, top_p=cfg.top_p,
                               concurrency=cfg.concurrency, max_retries=cfg.max_retries)
    from overopt.evals._local import LocalSampler

    return LocalSampler(target, device=cfg.device, dtype=cfg.dtype, batch_size=cfg.batch_size,
                        max_new_tokens=cfg.max_new_tokens, temperature=cfg.temperature, top_p=cfg.top_p)


def scorer_for(cfg: EvalConfig, sandbox_root: Path):
    from overopt.evals._scoring import SampleScorer, ScoringConfig

    return SampleScorer(ScoringConfig(grader=cfg.grader, adapter=cfg.adapter, grader_dir=cfg.grader_dir,
                                      pass_threshold=cfg.pass_threshold, timeout=cfg.grader_timeout,
                                      reward_model=cfg.reward_model, reward_template=cfg.reward_template,
                                      judge_url=cfg.judge_url, judge_model=cfg.judge_model, device=cfg.device),
                        sandbox_root)


def check_inputs(cfg: EvalConfig) -> list[Prompt]:
    """Everything that can be checked before loading a model: a one-line error, nothing written."""
    from overopt.models.local import model_dir

    if not cfg.model:
        raise InputError("--model is required (a local model folder or an OpenAI-compatible URL)")
    if not cfg.prompts:
        raise InputError("--prompts is required (JSONL, one {\"prompt\": ...} per line)")
    prompts = read_prompts(cfg.prompts)
    for role, target, endpoint_model in roles(cfg):
        if is_url(target):
            make_sampler(cfg, target, endpoint_model).check()  # answers, and serves that model
        else:
            model_dir(target, role)
    return prompts


def roles(cfg: EvalConfig) -> list[tuple[str, str, str | None]]:
    """(role, target, endpoint model) of the model and, if given, the baseline."""
    out = [("model", cfg.model, cfg.endpoint_model)]
    if cfg.baseline:
        out.append(("baseline", cfg.baseline, cfg.baseline_endpoint_model or cfg.endpoint_model))
    return out


def sample_all(cfg: EvalConfig, prompts: list[Prompt], store: SampleStore, scorer, progress: Progress = SILENT):
    """Sample and score what samples.jsonl lacks, for the model and the baseline."""
    by_id = {p.id: p for p in prompts}
    for role, target, endpoint_model in roles(cfg):
        done = store.done(role)
        todo = [SampleRequest(p.id, i, p.text, request_seed(cfg.seed, p.id, i))
                for p in prompts for i in range(cfg.samples) if (p.id, i) not in done]
        task = progress.task(f"sampling {role}", total=len(prompts) * cfg.samples)
        task.update(completed=len(prompts) * cfg.samples - len(todo))
        if todo:
            _sample_and_score(make_sampler(cfg, target, endpoint_model), todo, by_id, scorer, store, role, task)


def _sample_and_score(sampler, requests: list[SampleRequest], by_id: dict[str, Prompt], scorer,
                      store: SampleStore, role: str, task: Task) -> None:
    pending: list[SampleResult] = []

    def flush() -> None:
        if pending:
            scores = scorer.score([by_id[r.request.prompt_id].row for r in pending], [r.text for r in pending])
            store.append(_record(role, r, s) for r, s in zip(pending, scores))
            task.advance(len(pending))
            pending.clear()

    try:
        for result in sampler.sample(requests):
            pending.append(result)
            if len(pending) >= SCORE_CHUNK:
                flush()
    finally:  # what was sampled before a failure is kept
        flush()


def _record(role: str, result: SampleResult, score: dict[str, Any]) -> dict[str, Any]:
    r = result.request
    return {"model": role, "prompt_id": r.prompt_id, "index": r.index, "seed": r.seed, "text": result.text,
            "tokens": result.tokens, "finish_reason": result.finish_reason, "seconds": round(result.seconds, 4),
            "attempts": result.attempts, **score}


#: Settings that must match to resume into an existing folder (the rest may change, e.g. more --samples);
#: for a server, its model name, not its address.
RESUME_KEYS = ("model", "baseline", "prompts", "seed", "max_new_tokens", "temperature", "top_p", "endpoint_model",
               "baseline_endpoint_model", "mode")


def _check_resumable(out: Path, cfg: EvalConfig) -> None:
    import json

    old = out / "config.json"
    if not (out / "samples.jsonl").exists() or not old.exists():
        return
    before = json.loads(old.read_text()).get("config", {})

    def same(key: str) -> bool:  # a server may come back at another address: its model name says what it serves
        a, b = before[key], getattr(cfg, key)
        return a == b or (key in ("model", "baseline") and bool(a) and bool(b) and is_url(a) and is_url(b))

    changed = [k for k in RESUME_KEYS if k in before and not same(k)]
    if changed:
        raise InputError(f"this folder holds an eval with other {', '.join(changed)}; resume with the same "
                         "settings or choose another --out", path=out)


def run_eval(cfg: EvalConfig, out: str | Path, progress: Progress | None = None) -> dict[str, Any]:
    """The whole eval into `out` (resuming what is there); returns summary.json's content."""
    from overopt.evals._report import write_outputs
    from overopt.evals._summary import summarize
    from overopt.progress import progress_bars
    from overopt.runs import start_run

    prompts = check_inputs(cfg)
    out = Path(out)
    _check_resumable(out, cfg)
    with start_run(out, kind="eval", config=asdict(cfg), seed=cfg.seed) as run:
        scorer = scorer_for(cfg, out / "sandbox")
        store = SampleStore(out / "samples.jsonl")
        if progress is None:
            with progress_bars() as bars:
                sample_all(cfg, prompts, store, scorer, bars)
        else:
            sample_all(cfg, prompts, store, scorer, progress)
        ids = {p.id for p in prompts}
        records = {role: sorted((r for r in store.records(role) if r["prompt_id"] in ids and r["index"] < cfg.samples),
                                key=lambda r: (r["prompt_id"], r["index"]))
                   for role, _, _ in roles(cfg)}
        result = summarize(records, prompts, cfg.samples)
        title = f"overopt eval: {Path(cfg.model).name or cfg.model}" + (
            f" vs {Path(cfg.baseline).name or cfg.baseline}" if cfg.baseline else "")
        write_outputs(run, result, records, title)
    return result["summary"]
