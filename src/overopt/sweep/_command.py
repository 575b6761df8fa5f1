"""The `overopt sweep` command."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def sweep(
    lab: str = typer.Argument(..., help="The lab: rlhf, mitigations, tools or control."),
    seeds: str = typer.Option("0-9", "--seeds", help="Seeds: a range and/or a list, e.g. 0-9 or 0,3,7."),
    preset: Optional[str] = typer.Option(None, "--preset", help="The lab's preset (default: its first, quick)."),
    set_: Optional[list[str]] = typer.Option(None, "--set", metavar="KEY=VALUE",
                                             help="A setting for every run (repeatable; see `overopt lab LAB "
                                             "--settings`)."),
    grid: Optional[list[str]] = typer.Option(None, "--grid", metavar="KEY=V1,V2",
                                             help="Run every combination of these values (repeatable), each on "
                                             "every seed."),
    out: Path = typer.Option(..., "--out", "-o", help="Sweep folder: runs/<name>/ per run, aggregate.csv, "
                             "bands-*.png, summary.json, report.md. Run the same command again to resume."),
    address: Optional[str] = typer.Option(None, "--address", help="A Ray cluster to run on (e.g. "
                                          "ray://head:10001 or auto); without it Ray starts locally."),
    threads_per_run: int = typer.Option(1, "--threads-per-run", help="Torch threads (and CPUs reserved) per "
                                        "run; runs x threads never exceed the cores granted."),
    local: bool = typer.Option(False, "--local", help="Use local worker processes even when Ray is installed."),
) -> None:
    """Run a lab across seeds (and a grid of settings) and report every headline with its interval.

    Each run is a Ray task (`pip install 'overopt[ray]'`; locally, or on the cluster at --address) or, without
    Ray, a local worker process. Finished runs are skipped when the command runs again; a failed run is retried
    once and then recorded with its error. The results: the lab's curves with the mean and a 95% bootstrap band
    across seeds (aggregate.csv, bands-*.png), each headline statistic with its interval (summary.json,
    report.md).

    Example: overopt sweep rlhf --seeds 0-9 --preset quick --set rl.steps=60 --out runs/sweep-rlhf
    """
    from overopt.errors import ConfigError
    from overopt.progress import progress_bars
    from overopt.sweep._plan import SweepPlan, parse_grid, parse_seeds
    from overopt.sweep._sweep import run_sweep

    if threads_per_run < 1:
        raise ConfigError(f"--threads-per-run must be a positive integer, got {threads_per_run}")
    if local and address:
        raise ConfigError("--local and --address exclude each other")
    plan = SweepPlan(lab=lab, seeds=parse_seeds(seeds), preset=preset, settings=list(set_ or []),
                     grid=parse_grid(list(grid or [])))
    with progress_bars() as bars:
        summary = run_sweep(plan, out, address=address, threads=threads_per_run, use_ray=False if local else None,
                        progress=bars)
    typer.echo(f"{summary['complete']} of {summary['runs']} runs complete ({summary['engine']}); "
               f"{len(summary['failed'])} failed. Report: {out}/report.md", err=True)
    if summary["failed"]:
        raise typer.Exit(1)
