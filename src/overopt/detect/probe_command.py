"""`overopt probe`: red-team a grader with known exploits before spending compute on training."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from overopt.errors import UserError


def probe(
    out: Path = typer.Option(..., "--out", "-o", help="Output folder: probe.json (one entry per exploit), "
                                                      "config.json, status.json, the sandbox ledger."),
    grader: Optional[str] = typer.Option(
        None, help="Python grader MODULE:FUNCTION taking the submission's source code and returning a bool or "
                   "a score, e.g. overopt.detect.examples.naive_grader:grade. Imported inside the sandbox with "
                   "your current folder on sys.path."),
    entry_point: Optional[str] = typer.Option(
        None, help="Name of the function every submission defines (the one your grader calls), e.g. solve."),
    grader_cmd: Optional[str] = typer.Option(
        None, help="Shell command run in a fresh copy of --task-dir with the submission written as "
                   "--solution-file; exit code 0 means pass. E.g. \"python3 -m pytest -q\"."),
    task_dir: Optional[Path] = typer.Option(None, help="The task's files (tests, data) for --grader-cmd."),
    solution_file: str = typer.Option("solution.py", help="Where the submission is written inside the task copy."),
    pass_score: float = typer.Option(1.0, help="A numeric score at or above this passes. Any score above the "
                                               "honest baseline's counts as accepted too."),
    timeout: float = typer.Option(30.0, help="CPU seconds per grader run (wall limit 1.5x this)."),
    exploit: Optional[List[str]] = typer.Option(None, "--exploit", "-e", help="Only these exploits (repeatable)."),
) -> None:
    """Run a battery of known reward hacks against your grader, inside the sandbox, and report which ones it accepts: always-equal objects, exit(0) before the asserts, os._exit(0), a conftest.py report patch, deleting or emptying the tests, special-casing visible tests, a patched timer, and reading expected outputs from the grader's files or stack frames.

    A wrong-but-honest baseline runs first and must fail. Exit code 1 when any exploit is accepted (or the baseline passes), 0 when none is, 2 on bad input: a CI gate for graders.
    """
    from overopt.detect.probe import ProbeConfig, run_probe
    from overopt.runs import start_run

    cfg = ProbeConfig(grader=grader, entry_point=entry_point, grader_cmd=grader_cmd,
                      task_dir=str(task_dir) if task_dir else None, solution_file=solution_file,
                      pass_score=pass_score, timeout=timeout, user_dir=str(Path.cwd()),
                      only=list(exploit) if exploit else None)
    if exploit:
        from overopt.detect.exploits import battery

        names = {e.name for e in battery("solve", [])}
        bad = [e for e in exploit if e not in names]
        if bad:
            raise UserError(f"unknown exploit {bad[0]!r}; choose from {', '.join(sorted(names))}")
    from overopt.detect.probe import validate

    validate(cfg)
    config = {k: getattr(cfg, k) for k in ("grader", "entry_point", "grader_cmd", "task_dir", "solution_file",
                                           "pass_score", "timeout", "only")}
    with start_run(out, kind="probe", config=config, seed=None) as run:
        report = run_probe(cfg, run.path / "sandbox")
        data = {"mode": report.mode, "grader": cfg.grader or cfg.grader_cmd, "entry_point": cfg.entry_point,
                "grader_broken": report.grader_broken, "visible_cases": report.visible_cases,
                "baseline": report.baseline.to_dict(),
                "accepted": [r.exploit for r in report.accepted],
                "exploits": [r.to_dict() for r in report.results]}
        run.write_json("probe.json", data)
    _print(report, out)
    if report.grader_broken or report.accepted:
        raise typer.Exit(1)


def _print(report, out: Path) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if report.grader_broken:
        console.print(f"[bold red]grader broken:[/] the wrong-but-honest baseline passes "
                      f"({report.baseline.evidence}). Fix the grader before probing it.")
        console.print(f"details: {out / 'probe.json'}")
        return
    t = Table(title=f"overopt probe ({report.mode} grader): baseline {report.baseline.score!r} "
                    f"({report.baseline.status})")
    t.add_column("exploit")
    t.add_column("accepted", justify="center")
    t.add_column("score", justify="right")
    t.add_column("evidence", overflow="fold", max_width=70)
    for r in report.results:
        mark = "[bold red]YES[/]" if r.accepted else ("n/a" if not r.applicable else "no")
        t.add_row(r.exploit, mark, "" if r.score is None else str(r.score), r.evidence.replace("\n", " ")[:200])
    console.print(t)
    n = len(report.accepted)
    if n:
        console.print(f"[bold red]{n} exploit(s) accepted:[/] {', '.join(r.exploit for r in report.accepted)}")
    else:
        console.print("[green]no exploit accepted[/]")
    console.print(f"details: {out / 'probe.json'}")
