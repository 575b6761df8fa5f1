"""`overopt lab control`: specification gaming in control RL, observed reward vs hidden true objective."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def lab_control(
    preset: str = typer.Option(
        "quick", "--preset",
        help="How much to train: 'quick' (600 Q-learning episodes per world, seconds on a laptop) "
             "or 'full' (3000 episodes, more evaluation episodes, smoother curves)."),
    seed: int = typer.Option(
        0, "--seed",
        help="Seeds training and evaluation episodes; the same seed gives the same curves.csv."),
    out: Path = typer.Option(
        Path("runs/control"), "--out",
        help="Run folder to write: curves.csv, control.png, <env>.gif, summary.json, report.md "
             "(plus config.json and status.json)."),
    agent: str = typer.Option(
        "qlearning", "--agent",
        help="'qlearning': tabular Q-learning, built in. 'ppo': stable-baselines3 PPO, needs "
             "`pip install 'overopt\\[sb3]'`."),
    env: Optional[list[str]] = typer.Option(
        None, "--env",
        help="World to run, repeatable: BoatRace (a boat that farms respawning buoys instead of "
             "racing) or TomatoWatering (an agent that fakes its observation). Default: both."),
) -> None:
    """Watch an RL agent game its reward in two classic worlds, with the true objective measured.

    The agent learns from the observed reward only. Each world also reports a hidden true performance (laps finished, tomatoes truly watered) in `info`, never in the observation.

    The lab compares the trained agent with a scripted policy that plays as intended: an over-optimized agent scores more reward and does worse at the real task. See docs/control.md.
    """
    from overopt.worlds.control.lab import check_seed, make_config, run_lab

    cfg = make_config(preset, agent=agent, envs=env)
    check_seed(seed)
    summary = run_lab(cfg, seed, out)
    _print_summary(summary, out)


def _print_summary(summary: dict, out: Path) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"control lab: {summary['agent']}, preset {summary['preset']}, seed {summary['seed']}")
    table.add_column("env", no_wrap=True)
    table.add_column("observed\nlearned / intended", justify="right", no_wrap=True)
    table.add_column("true (hidden)\nlearned / intended", justify="right", no_wrap=True)
    table.add_column("over-\noptimized", justify="center", no_wrap=True)
    for name, s in summary["envs"].items():
        table.add_row(name, f"{s['learned_observed']:.2f} / {s['intended_observed']:.2f}",
                      f"{s['learned_true']:.2f} / {s['intended_true']:.2f}",
                      "[bold red]yes[/]" if s["over_optimized"] else "no")
    console = Console()
    console.print(table)
    console.print(f"report: {Path(out) / 'report.md'}")
