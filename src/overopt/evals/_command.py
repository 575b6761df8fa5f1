"""`overopt eval`: its options are generated from `EvalConfig` (one per setting, help and default from it)."""

from __future__ import annotations

import dataclasses
import inspect
from pathlib import Path
from typing import Any, Optional

import typer

from overopt.configs import assign, validate
from overopt.errors import ConfigError


def _params() -> list[inspect.Parameter]:
    from overopt._lab_command import config_option
    from overopt.evals._run import EvalConfig

    config = EvalConfig()
    params = [
        inspect.Parameter("out", inspect.Parameter.KEYWORD_ONLY, annotation=Optional[Path], default=typer.Option(
            None, "--out", "-o", help="Output folder: samples.jsonl, summary.json, per_prompt.csv, figures, "
                                      "report.md. Run again with the same --out to resume.")),
        inspect.Parameter("demo", inspect.Parameter.KEYWORD_ONLY, annotation=bool, default=typer.Option(
            False, "--demo", help="No download, no model of yours: the RLHF lab's reference vs its RL-trained "
                                  "policy, and the tools lab's naive- vs ledger-verifier policies (trained here, "
                                  "about 10 minutes on 2 cores), with the shift and its intervals.")),
    ]
    params += [config_option(f.name.replace("_", "-"), f.name, config) for f in dataclasses.fields(config)]
    return params


def eval_command(**values: Any) -> None:
    """Sample the same prompts many times and show the distribution: pass@k, pass^k, hack@k, the reward's spread, rates per category with intervals, and, with --baseline, what changed (paired by prompt).

    --model is a local Hugging Face folder or an OpenAI-compatible server URL (vLLM, llama.cpp; API key from the environment only). Every sample is scored by the grader (run in the sandbox, with `overopt probe`'s adapters), the reward model and `overopt scan`'s detectors, and appended to samples.jsonl as it comes: a killed run resumes where it stopped. Exit 0 when the eval finished, 2 on bad input.

    Examples: overopt eval --model ./rl-ckpt --baseline ./sft --prompts prompts.jsonl --samples 16 --grader mygrader:compute_score --out runs/eval; overopt eval --model http://127.0.0.1:8000/v1 --endpoint-model qwen --prompts prompts.jsonl --samples 8 --out runs/eval-vllm; overopt eval --demo --out runs/eval-demo
    """
    from overopt.evals._run import EvalConfig, run_eval

    out, demo = values.pop("out"), values.pop("demo")
    config = EvalConfig()
    for name, value in values.items():
        if value not in (None, []):
            assign(config, name, ",".join(value) if isinstance(value, list) else value, f"--{name.replace('_', '-')}")
    validate(config)
    if demo:
        from overopt.evals._demo import run_demo

        out = out or Path("runs/eval-demo")
        summary = run_demo(config, out)
        gold = summary["gold"]["model_minus_baseline"]
        typer.echo(one_line(summary) + f"; gold, RL minus reference: {gold['mean']:.2f} "
                   f"[{gold['low']:.2f}, {gold['high']:.2f}]", err=True)
        typer.echo("tools, naive-verifier policy (model) vs ledger-verifier policy (baseline): "
                   + one_line(summary["tools"]), err=True)
        typer.echo(f"done: {out}/eval/report.md, {out}/tools/report.md", err=True)
        return
    if out is None:
        raise ConfigError("--out is required (the folder to write, or to resume)")
    summary = run_eval(config, out)
    typer.echo(one_line(summary), err=True)
    typer.echo(f"done: {out}/report.md, {out}/summary.json, {out}/per_prompt.csv", err=True)


def one_line(summary: dict[str, Any]) -> str:
    parts = []
    for role in ("model", "baseline"):
        s = summary.get(role)
        if s:
            bits = [f"{s['samples']} samples"]
            if s.get("pass"):
                bits.append(f"pass {s['pass']['rate']:.3f}")
            bits.append(f"hack {s['hack']['rate']:.3f}")
            if s.get("reward"):
                bits.append(f"reward {s['reward']['mean']:.3f}")
            parts.append(f"{role}: " + ", ".join(bits))
    return "; ".join(parts)


def build() -> Any:
    params = _params()
    eval_command.__signature__ = inspect.Signature(params)
    eval_command.__annotations__ = {p.name: p.annotation for p in params}
    return eval_command
