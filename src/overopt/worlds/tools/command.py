"""`overopt lab tools`: tool-use RL that fabricates tool results under a naive verifier, and the fix."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Optional

import typer


def lab_tools(
    preset: str = typer.Option(
        "quick", "--preset",
        help="'quick' (the issue's targets, a few minutes on 2 CPU cores), 'micro' (seconds; a smoke test, "
             "too short for anything to emerge) or 'full' (more steps and a larger evaluation)."),
    seed: int = typer.Option(
        0, "--seed", help="Seeds the corpus, pretraining, tasks, sampling and outages: same seed, same curves.csv."),
    out: Path = typer.Option(
        Path("runs/tools"), "--out",
        help="Run folder: curves.csv, tools.png, ledger.jsonl, transcripts.jsonl, summary.json, report.md "
             "(plus config.json and status.json)."),
    outage_rate: Optional[float] = typer.Option(
        None, "--outage-rate", "-p",
        help="Probability that the sandbox fails a tool call (half '503 unavailable', half 'timed out'). "
             "Outages are what make a fake result pay under the naive verifier. Default 0.3."),
    mask_outages: bool = typer.Option(
        False, "--mask-outages/--no-mask-outages",
        help="Leave rollouts hit by a tool failure out of the loss (they are counted either way). Masking "
             "also removes the signal that teaches fabrication after an outage - at the cost of that data."),
    fault_baseline: bool = typer.Option(
        False, "--fault-baseline/--no-fault-baseline",
        help="Compare an episode a tool failure hit only with the other hit episodes of its task (GRPO's group "
             "baseline, split by luck). Without it a hit episode scores below its group whatever the policy did, "
             "so even a correct sum worked out by hand is pushed down."),
    verifier: Optional[list[str]] = typer.Option(
        None, "--verifier",
        help="Verifier to train against, repeatable: 'naive' (tool use judged from the transcript's text) "
             "or 'ledger' (tool use must be backed by the sandbox's action ledger; unbacked results are "
             "penalized). Both are computed every step either way. Default: train once on each."),
    steps: Optional[int] = typer.Option(None, "--steps", help="RL steps per verifier (overrides the preset)."),
    fabrication_penalty: Optional[float] = typer.Option(
        None, "--fabrication-penalty",
        help="What the ledger verifier subtracts for a tool result no ledger entry produced. Default 0.5."),
) -> None:
    """Reproduce fabricated tool calls in tool-use RL, and prevent them with the sandbox's action ledger.

    A tiny language model is pretrained on agent logs that include the tools' outputs, then trained with RL to sum numbers using a calculator that runs in overopt's sandbox. While the tool fails (outage rate p), writing a fake `<result>` block earns the naive verifier's tool bonus; RL finds that. The ledger verifier checks every result against the ledger and penalizes the fakes. See docs/tools.md.
    """
    from overopt.errors import InputError
    from overopt.runs import start_run
    from overopt.worlds.tools.report import checks, plot, write_report, write_transcripts
    from overopt.worlds.tools.train import config_dict, preset as get_preset, run_lab, validate, with_overrides

    cfg = get_preset(preset)
    if verifier:
        cfg.verifiers = tuple(verifier)
    cfg = with_overrides(cfg, outage_rate=outage_rate, steps=steps, fabrication_penalty=fabrication_penalty)
    cfg.mask_outages = mask_outages
    cfg.fault_baseline = fault_baseline
    validate(cfg)
    if out.exists() and not out.is_dir():
        raise InputError("output path exists and is not a folder", path=out)
    started = time.perf_counter()
    with start_run(out, kind="tools", config={"preset": preset, **config_dict(cfg)}, seed=seed) as run:
        result = run_lab(cfg, run, seed=seed)
        wall = time.perf_counter() - started
        result.summary["wall_seconds"] = round(wall, 2)
        run.write_json("summary.json", result.summary)
        write_transcripts(run.file("transcripts.jsonl"), result.samples)
        plot(run.file("curves.csv"), result.summary, run.file("tools.png"))
        write_report(run.file("report.md"), result.summary, result.samples, cfg, wall_seconds=wall)
    _print_summary(result.summary, cfg, out, checks(result.summary))


def _print_summary(summary: dict, cfg, out: Path, results) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"tools lab: outage rate {summary['outage_rate']}, seed {summary['seed']}")
    for col in ("policy", "true accuracy", "naive reward", "ledger reward", "fabricated", "flagged"):
        table.add_column(col, justify="left" if col == "policy" else "right", no_wrap=True)
    for name in ("pretrained", *cfg.verifiers):
        s = summary.get(name)
        if s:
            table.add_row("pretrained" if name == "pretrained" else f"RL on {name}", f"{s['true_accuracy']:.3f}",
                          f"{s['naive_reward']:.3f}", f"{s['ledger_reward']:.3f}", f"{s['fabrication_rate']:.3f}",
                          f"{s['flagged_rate']:.3f}")
    console = Console()
    console.print(table)
    for name, ok, value in results:
        console.print(f"{'[green]PASS[/]' if ok else '[red]MISS[/]'} {name}: {value}")
    console.print(f"report: {Path(out) / 'report.md'}")
