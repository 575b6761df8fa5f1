"""`overopt lab mitigations`: ensembles, a KL sweep, a held-out test RM and the online monitor."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Optional

import typer

from overopt.errors import InputError


def lab_mitigations(
    preset: str = typer.Option("quick", help="quick (several minutes on a laptop CPU)."),
    seed: int = typer.Option(0, help="Seed for everything. Same seed, same machine -> identical results."),
    out: Path = typer.Option(Path("runs/mitigations"), "--out", "-o", help="Run folder to write (created)."),
    rl_steps: Optional[int] = typer.Option(None, help="GRPO steps of every RL run (quick: 60)."),
    ensemble_size: Optional[int] = typer.Option(None, help="Reward models in the ensemble (quick: 4)."),
    uwo_lambda: Optional[float] = typer.Option(None, help="λ of the uncertainty-weighted ensemble (quick: 0.5)."),
    betas: Optional[str] = typer.Option(None, help="KL coefficients of the sweep besides 0, comma-separated "
                                        "(quick: 0.05,0.2,0.5)."),
    monitor_every: Optional[int] = typer.Option(None, help="Monitor interval in GRPO steps (default 10; "
                                                "every step near a threshold)."),
    member_data: Optional[str] = typer.Option(None, help="Ensemble members' pairs: 'same' (all members on "
                                              "the proxy's pairs, Coste et al.; default) or 'bootstrap' "
                                              "(members 1..k-1 on bootstrap resamples)."),
) -> None:
    """Bend Goodhart's curve and stop at its peak: reward-model ensembles (mean / worst-case /
    uncertainty-weighted) for best-of-n and RL, a KL-penalty sweep, a held-out test RM, and the online
    monitor that stops without gold.

    Writes mitigations.csv, monitor.json, curves.csv, ensembles.png, kl_sweep.png, monitor.png, report.md,
    monitor/ (the monitor's JSONL, TensorBoard logs, kept checkpoint), config.json, status.json to OUT.

    Example:

      overopt lab mitigations --preset quick --seed 0 --out runs/mitigations
    """
    from overopt.runs import start_run
    from overopt.worlds.rlhf.mitigations import PRESETS, preset as make_preset, run_mitigations

    if preset not in PRESETS:
        raise InputError(f"unknown preset {preset!r} (expected one of: {', '.join(p for p in PRESETS if p != 'tiny')})")
    cfg = make_preset(preset)
    if rl_steps is not None:
        if rl_steps < 1:
            raise InputError(f"--rl-steps must be >= 1, got {rl_steps}")
        cfg.rl = replace(cfg.rl, steps=rl_steps)
    if ensemble_size is not None:
        if ensemble_size < 2:
            raise InputError(f"--ensemble-size must be >= 2, got {ensemble_size}")
        cfg.ensemble_size = ensemble_size
    if uwo_lambda is not None:
        if uwo_lambda < 0:
            raise InputError(f"--uwo-lambda must be >= 0, got {uwo_lambda}")
        cfg.uwo_lambda = uwo_lambda
    if betas is not None:
        try:
            cfg.betas = [float(b) for b in betas.split(",") if b.strip()]
        except ValueError:
            raise InputError(f"--betas must be comma-separated numbers, got {betas!r}") from None
        if any(b < 0 for b in cfg.betas):
            raise InputError(f"--betas must be >= 0, got {betas!r}")
    if monitor_every is not None:
        if monitor_every < 1:
            raise InputError(f"--monitor-every must be >= 1, got {monitor_every}")
        cfg.monitor = replace(cfg.monitor, every=monitor_every)
    if member_data is not None:
        if member_data not in ("same", "bootstrap"):
            raise InputError(f"--member-data must be 'same' or 'bootstrap', got {member_data!r}")
        cfg.member_data = member_data
    with start_run(out, kind="rlhf-mitigations", config=cfg, seed=seed) as run:
        result = run_mitigations(cfg, seed, run)
    m = result["monitor"]
    typer.echo(f"monitor: kept step {m['stop_step']} (KL {m['stop_kl']}), true gold peak at step "
               f"{m['gold_peak_step']} (KL {m['gold_peak_kl']:.2f}); stopped gold {m['stopped_gold']} vs peak "
               f"{m['peak_gold']:.2f}", err=True)
    typer.echo(f"done: {out}/report.md, {out}/mitigations.csv, {out}/monitor.json", err=True)
