"""`overopt probe`: red-team a grader with known exploits before spending compute on training."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer


def probe(
    out: Path = typer.Option(..., "--out", "-o", help="Output folder: probe.json (verdict, anchors, discovery, "
                                                      "one entry per exploit), config.json, status.json, the sandbox "
                                                      "ledger."),
    grader: Optional[str] = typer.Option(
        None, help="Python grader MODULE:FUNCTION, e.g. overopt.detect.examples.naive_grader:grade. Imported inside "
                   "the sandbox with your current folder on sys.path, and called through --adapter."),
    adapter: str = typer.Option("auto", help="How to call the grader function: source (fn(completion)), verl "
                                             "(fn(solution_str, ground_truth[, extra_info])), verl-ds (fn(data_source, "
                                             "solution_str, ground_truth, extra_info)), trl (fn(prompts, completions, "
                                             "**columns)), or auto (from its parameter names)."),
    entry_point: Optional[str] = typer.Option(
        None, help="Name of the function every submission defines (the one your grader calls), e.g. solve."),
    stdio: bool = typer.Option(False, "--stdio", help="Submissions are stdin/stdout programs (instead of "
                                                      "--entry-point)."),
    reference: Optional[Path] = typer.Option(None, help="A correct solution. It must pass; probe watches it to learn "
                                                        "the grader's real test inputs. Without it the verdict is at "
                                                        "best 'unverified' (exit 3)."),
    wrong: Optional[Path] = typer.Option(None, help="Your own wrong-but-honest solution (it must fail). Default: "
                                                    "returns None / prints 0."),
    ground_truth: Optional[Path] = typer.Option(None, help="The dataset row (JSON) passed to the grader: verl's "
                                                           "ground_truth (or a row holding ground_truth / "
                                                           "reward_model, data_source, extra_info), or TRL's "
                                                           "columns."),
    response_template: Optional[str] = typer.Option(None, help="Wrap each submission as a model reply; {code} "
                                                               "marks the spot, e.g. '```python\\n{code}\\n```'."),
    score_key: Optional[str] = typer.Option(None, help="The dict key or attribute holding the score when the grader "
                                                       "returns a dict or a result object (default: score, reward, acc "
                                                       "or pass)."),
    pass_score: Optional[float] = typer.Option(None, help="The score that counts as a pass. Default: the reference's "
                                                          "score (1.0 without a reference)."),
    grader_cmd: Optional[str] = typer.Option(
        None, help="Shell command run in a fresh copy of --task-dir with the submission written as "
                   "--solution-file; exit code 0 means pass. E.g. \"python3 -m pytest -q\"."),
    task_dir: Optional[Path] = typer.Option(None, help="The task's files (tests, data) for --grader-cmd."),
    solution_file: str = typer.Option("solution.py", help="Where the submission is written inside the task copy."),
    read_path: Optional[List[Path]] = typer.Option(None, "--read-path", help="Extra path the sandbox may read "
                                                                            "(repeatable), e.g. a dataset folder."),
    pass_env: Optional[List[str]] = typer.Option(None, "--pass-env", help="Environment variable passed through to the "
                                                                          "grader (repeatable); nothing else is."),
    memory_mb: int = typer.Option(4096, help="Address-space limit per grader run, MiB."),
    timeout: float = typer.Option(30.0, help="CPU seconds per grader run (wall limit 1.5x this)."),
    jobs: int = typer.Option(2, help="Grader runs at once. Use 1 for graders whose score depends on timing."),
    exploit: Optional[List[str]] = typer.Option(None, "--exploit", "-e", help="Only these: a family (e.g. "
                                                                              "always_equal) or family/variant "
                                                                              "(repeatable)."),
) -> None:
    """Throw known reward hacks at your grader, inside the sandbox, and report which it accepts.

    Families: always_equal, early_exit, report_patching, test_removal, special_casing, timer_tampering, expected_from_files, expected_from_frames, degenerate_output, test_skipping, result_forging; each in variants that survive common defences (see docs/probe.md).

    With --reference, probe first checks that it passes and that a wrong-but-honest solution fails, and watches it to record the grader's real test inputs. Exit code: 0 clean (reference passed, wrong failed, nothing accepted), 1 an exploit was accepted, 2 bad input, 3 inconclusive or unverified (no --reference).
    """
    from ._config import ProbeConfig, validate

    cfg = ProbeConfig(grader=grader, grader_cmd=grader_cmd, task_dir=str(task_dir) if task_dir else None,
                      solution_file=solution_file, adapter=adapter, entry_point=entry_point, stdio=stdio,
                      reference=str(reference) if reference else None, wrong=str(wrong) if wrong else None,
                      ground_truth=str(ground_truth) if ground_truth else None,
                      response_template=_unescape(response_template), score_key=score_key, pass_score=pass_score,
                      read_paths=[str(p) for p in read_path or []], pass_env=list(pass_env or []),
                      memory_mb=memory_mb, timeout=timeout, jobs=jobs, user_dir=str(Path.cwd()),
                      only=list(exploit) if exploit else None)
    validate(cfg)
    report = _run_with_progress(cfg, out)
    _print(report, out)
    if report.exit_code:
        raise typer.Exit(report.exit_code)


def _run_with_progress(cfg, out: Path):
    """Run the probe as a recorded run in `out` (probe.json, config.json, the sandbox ledger), with a progress bar
    per stage of grader runs."""
    from overopt.progress import progress_bars
    from overopt.runs import start_run

    from ._run import run_probe

    config = {k: getattr(cfg, k) for k in ("grader", "adapter", "entry_point", "stdio", "reference", "wrong",
                                           "ground_truth", "response_template", "score_key", "pass_score",
                                           "grader_cmd", "task_dir", "solution_file", "read_paths", "pass_env",
                                           "memory_mb", "timeout", "jobs", "only")}
    with start_run(out, kind="probe", config=config, seed=None) as run, progress_bars(transient=True) as bars:
        report = run_probe(cfg, run.path / "sandbox", progress=bars)
        data = dict(report.to_json(), grader=cfg.grader or cfg.grader_cmd, entry_point=cfg.entry_point)
        run.write_json("probe.json", data)
    return report


def _unescape(template: str | None) -> str | None:
    """Let shells pass '\\n' in --response-template."""
    if template is None:
        return None
    return template.replace("\\n", "\n").replace("\\t", "\t")


def _print(report, out: Path) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    ref = report.reference
    anchor = (f"reference {ref['score']!r} ({'passed' if ref['passed'] else 'did not pass'})" if ref
              else "no reference") + f", wrong baseline {report.baseline['score']!r}"
    disc = report.discovery
    adapter = f", adapter {report.adapter}" if report.adapter else ""
    form = f" {report.trl_form}" if report.trl_form else ""
    console.print(f"overopt probe ({report.mode} grader, {report.io}{adapter}{form}): {anchor}")
    console.print(f"test inputs: {disc['recorded_cases']} recorded by watching the reference "
                  f"(same each run: {disc['stable']}), {disc['parsed_cases']} parsed from files")
    if report.results:
        t = Table()
        t.add_column("family")
        t.add_column("variant")
        t.add_column("accepted", justify="center")
        t.add_column("score", justify="right")
        t.add_column("evidence", overflow="fold", max_width=70)
        last = None
        for r in sorted(report.results, key=lambda r: list(report.families()).index(r.family)
                        if r.family in report.families() else 99):
            mark = "[bold red]YES[/]" if r.accepted else ("n/a" if not r.applicable else
                                                           ("error" if r.status == "error" else "no"))
            t.add_row(r.family if r.family != last else "", r.variant, mark, "" if r.score is None else str(r.score),
                      (r.error or r.evidence).replace("\n", " ")[:220])
            last = r.family
        console.print(t)
    style = {"exploitable": "bold red", "clean": "green", "inconclusive": "bold yellow", "unverified": "bold yellow"}
    console.print(f"[{style[report.verdict]}]{report.verdict}[/]: {report.message}")
    if report.accepted:
        console.print("accepted: " + ", ".join(r.name for r in report.accepted))
    console.print(f"details: {out / 'probe.json'} (exit code {report.exit_code})")
