"""`overopt lab rlhf`: the built-in lab, or the same measurement on your own checkpoints."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Optional

import typer

from overopt.errors import InputError


def lab_rlhf(
    preset: str = typer.Option("quick", help="quick (minutes on a laptop CPU) or full (adds sweeps over "
                               "RM size, RM data size and KL coefficient β; tens of minutes)."),
    seed: int = typer.Option(0, help="Seed for everything: corpus, models, sampling, RL. Same seed, same "
                             "machine -> identical curves.csv."),
    out: Path = typer.Option(Path("runs/rlhf"), "--out", "-o", help="Run folder to write (created)."),
    n_max: Optional[int] = typer.Option(None, help="Largest n for best-of-n = samples per prompt in the pool "
                                        "(a power of two; quick: 4096)."),
    rl_steps: Optional[int] = typer.Option(None, help="GRPO steps (0 skips RL)."),
    beta: Optional[float] = typer.Option(None, help="KL coefficient β of GRPO (default 0, as in most of "
                                         "Gao et al.'s runs)."),
    learning_rate: Optional[float] = typer.Option(None, help="GRPO learning rate (lab: 1e-4; your own "
                                                  "checkpoints: 1e-6)."),
    policy: Optional[Path] = typer.Option(None, help="Your own run: a local Hugging Face causal-LM folder "
                                          "(the reference / initial policy)."),
    proxy_rm: Optional[Path] = typer.Option(None, help="Your own run: the proxy reward model folder "
                                            "(sequence classification, 1 label)."),
    gold_rm: Optional[Path] = typer.Option(None, help="Your own run, optional: a gold reward model folder; "
                                           "without it only proxy and KL are measured."),
    prompts: Optional[Path] = typer.Option(None, help='Your own run: JSONL file, one {"prompt": "..."} per '
                                           "line."),
    device: str = typer.Option("cpu", help="Your own run: torch device, e.g. cuda or cuda:1."),
    dtype: str = typer.Option("float32", help="Your own run: float32, bfloat16 or float16."),
    max_new_tokens: int = typer.Option(64, help="Your own run: completion length cap."),
) -> None:
    """Watch Goodhart's law: optimize a learned proxy reward with best-of-n and RL, measure the gold
    (true) reward against sqrt(KL), fit Gao et al.'s laws.

    Writes curves.csv, fits.json, overoptimization.png, report.md, config.json and status.json to OUT.

    Examples:

      overopt lab rlhf --preset quick --out runs/rlhf

      overopt lab rlhf --policy ./sft --proxy-rm ./rm --gold-rm ./gold-rm --prompts prompts.jsonl
      --device cuda --dtype bfloat16 --out runs/mine
    """
    from overopt.runs import start_run

    for name, value in (("n-max", n_max), ("max-new-tokens", max_new_tokens)):
        if value is not None and value <= 0:
            raise InputError(f"--{name} must be a positive integer, got {value}")
    if rl_steps is not None and rl_steps < 0:
        raise InputError(f"--rl-steps must be >= 0, got {rl_steps}")
    if beta is not None and beta < 0:
        raise InputError(f"--beta must be >= 0, got {beta}")
    if learning_rate is not None and learning_rate <= 0:
        raise InputError(f"--learning-rate must be positive, got {learning_rate}")
    if n_max is not None and n_max & (n_max - 1):
        raise InputError(f"--n-max must be a power of two (best-of-n is measured at n = 1, 2, 4, ...), got {n_max}")

    own = [policy, proxy_rm, prompts]
    if any(x is not None for x in [*own, gold_rm]):
        if any(x is None for x in own):
            raise InputError("your own run needs --policy, --proxy-rm and --prompts (and optionally --gold-rm)")
        from overopt.checkpoints import CheckpointConfig, run_checkpoints, validate

        cfg = CheckpointConfig(policy=str(policy), proxy_rm=str(proxy_rm), prompts=str(prompts),
                               gold_rm=None if gold_rm is None else str(gold_rm), device=device, dtype=dtype,
                               max_new_tokens=max_new_tokens)
        cfg.rl = replace(cfg.rl, max_new_tokens=max_new_tokens, device=device)
        _apply_overrides(cfg, n_max, rl_steps, beta, learning_rate)
        prompt_list = validate(cfg)
        with start_run(out, kind="rlhf-checkpoints", config=cfg, seed=seed) as run:
            run_checkpoints(cfg, prompt_list, seed, run)
        _done(out)
        return

    from overopt.worlds.rlhf.lab import PRESETS, preset as make_preset, run_lab

    if preset not in PRESETS:
        raise InputError(f"unknown preset {preset!r} (expected one of: quick, full)")
    cfg = make_preset(preset)
    _apply_overrides(cfg, n_max, rl_steps, beta, learning_rate)
    with start_run(out, kind="rlhf", config=cfg, seed=seed) as run:
        result = run_lab(cfg, seed, run)
    s = result["summary"]
    if "rl_peak_gold" in s:
        typer.echo(f"RL: gold peaked at {s['rl_peak_gold']:.2f} (step {s['rl_peak_step']}) and ended at "
                   f"{s['rl_final_gold']:.2f}; proxy went from {s['rl_proxy_at_gold_peak']:.2f} to "
                   f"{s['rl_final_proxy']:.2f} (z-scores).", err=True)
    _done(out)


def _apply_overrides(cfg, n_max: int | None, rl_steps: int | None, beta: float | None,
                     learning_rate: float | None) -> None:
    if n_max is not None:
        cfg.measure = replace(cfg.measure, bon_pool=n_max, bon_ns=[2 ** k for k in range(n_max.bit_length())])
    if rl_steps is not None:
        cfg.rl = replace(cfg.rl, steps=rl_steps)
    if beta is not None:
        cfg.rl = replace(cfg.rl, beta=beta)
    if learning_rate is not None:
        cfg.rl = replace(cfg.rl, learning_rate=learning_rate)


def _done(out: Path) -> None:
    typer.echo(f"done: {out}/report.md, {out}/overoptimization.png, {out}/curves.csv", err=True)
