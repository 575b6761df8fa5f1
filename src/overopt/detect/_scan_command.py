"""`overopt scan`: find reward hacking in transcripts."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from overopt.detect.readers import FORMATS
from overopt.errors import InputError


def scan(
    files: List[Path] = typer.Argument(
        ..., help="Transcript files: OpenAI chat JSONL (one episode a line, optionally .gz), Inspect AI logs "
                  "(.eval, .json), RL rollout dumps, SWE-agent .traj, OpenHands events, Claude Code or Codex "
                  "sessions. The format is detected per file. Formats: docs/scan.md."),
    out: Path = typer.Option(..., "--out", "-o", help="Output folder: findings.jsonl, summary.json, report.md, "
                                                      "malformed.jsonl, config.json, status.json."),
    category: Optional[List[str]] = typer.Option(
        None, "--category", "-c", help="Only these categories or signals (repeatable), e.g. -c test_tampering -c metagaming -c refusal."),
    fmt: str = typer.Option(
        "auto", "--format", "-f", help="Read every file as this format instead of detecting it per file. "
                                       "One of: auto, " + ", ".join(FORMATS) + "."),
    min_confidence: float = typer.Option(0.5, help="Drop findings whose detector confidence is below this (0..1)."),
    top: int = typer.Option(3, help="Examples per category shown in report.md."),
    judge_url: Optional[str] = typer.Option(
        None, help="OpenAI-compatible base URL of an LLM judge that confirms flags, e.g. http://127.0.0.1:8000/v1 "
                   "(or OVEROPT_JUDGE_URL; API key from OVEROPT_JUDGE_API_KEY)."),
    judge_model: Optional[str] = typer.Option(None, help="Model name for the judge (or OVEROPT_JUDGE_MODEL)."),
    judge_max: int = typer.Option(500, help="At most this many flags are sent to the judge (a cost guard)."),
    judge_timeout: float = typer.Option(60.0, help="Seconds per judge request."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or table."),
) -> None:
    """Scan agent transcripts for reward hacking: test tampering, early exits, always-equal objects, pytest report patching, special-casing, grader tampering, fabricated actions, metagaming, repetition, stock phrases, over-refusal and sycophancy; and the refusal rate as a signal of its own.

    Each file is read in its own format (detected, or --format). Records and files that cannot be read are reported as FILE:LINE: why, counted and skipped; the scan goes on with the rest. Exit 0 when the scan ran (findings or not), 2 on bad input (no readable episodes, a missing file, bad options).
    """
    from overopt.detect.judge import settings_from
    from overopt.detect.scan import ScanConfig, scan as run_scan
    from overopt.runs import start_run

    for f in files:
        if not f.exists():
            raise InputError("input file not found", path=f)
        if f.is_dir():
            raise InputError("is a folder; pass the episode files inside it", path=f)
    if fmt != "auto" and fmt not in FORMATS:
        raise InputError(f"unknown --format {fmt!r} (one of: auto, {', '.join(FORMATS)})")
    if not 0.0 <= min_confidence <= 1.0:
        raise InputError(f"--min-confidence must be between 0 and 1, got {min_confidence}")
    if top < 0 or judge_max < 0:
        raise InputError("--top and --judge-max must not be negative")
    judge = settings_from(judge_url, judge_model, judge_timeout)
    cfg = ScanConfig(files=[str(f) for f in files], categories=list(category) if category else None,
                     min_confidence=min_confidence, top_examples=top, judge=judge, judge_max=judge_max,
                     format=None if fmt == "auto" else fmt)
    config = {"files": cfg.files, "format": fmt, "categories": cfg.categories, "min_confidence": min_confidence,
              "top": top, "judge": judge.public() if judge else None, "judge_max": judge_max}
    from rich.console import Console

    err = Console(stderr=True)
    with start_run(out, kind="scan", config=config, seed=None) as run:
        if quiet:
            res = run_scan(cfg, run.path)
        else:
            from overopt.progress import progress_bars

            with progress_bars(transient=True) as bars:
                res = run_scan(cfg, run.path, progress=bars)
        run.write_json("summary.json", res.summary)
        for w in res.warnings:
            err.print(f"[yellow]warning:[/] {w}", markup=True, highlight=False, soft_wrap=True)
        if res.malformed > len(res.warnings):
            err.print(f"[yellow]warning:[/] … and {res.malformed - len(res.warnings)} more malformed records "
                      f"(see {out / 'malformed.jsonl'})", markup=True, highlight=False)
        if res.episodes == 0:
            raise InputError(f"no readable episodes in {len(files)} file(s) "
                            f"({res.malformed} malformed records, see {out / 'malformed.jsonl'})")
    if not quiet:
        _print_table(res.summary, out)


def _print_table(summary: dict, out: Path) -> None:
    from rich.console import Console
    from rich.table import Table

    judged = summary.get("judge") is not None
    t = Table(title=f"{summary['episodes']} episodes, {summary['malformed']} malformed, {summary['findings']} findings")
    t.add_column("category")
    t.add_column("flagged", justify="right")
    t.add_column("rate", justify="right")
    t.add_column("95% CI", justify="right")
    if judged:
        t.add_column("confirmed", justify="right")
    for c, e in summary["categories"].items():
        row = [c, str(e["count"]), f"{e['rate']:.2%}", f"{e['ci95'][0]:.2%}–{e['ci95'][1]:.2%}"]
        if judged:
            row.append(str(e["confirmed"]))
        t.add_row(*row)
    console = Console()
    console.print(t)
    for c, e in (summary.get("signals") or {}).items():
        by_kind = ", ".join(f"{k} {v}" for k, v in e.get("kinds", {}).items())
        console.print(f"{c} rate: {e['rate']:.2%} ({e['count']} episodes; 95% CI {e['ci95'][0]:.2%}–{e['ci95'][1]:.2%})"
                      + (f"; {by_kind}" if by_kind else ""))
    console.print(f"report: {out / 'report.md'}   findings: {out / 'findings.jsonl'}")
