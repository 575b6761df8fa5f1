"""`run_sweep`: run a SweepPlan (resuming a folder that holds part of it), then aggregate it across seeds.

DIR/sweep.json records the plan, the engine and every run's state as runs end (so a crash loses nothing
finished); DIR/runs/<name>/ are ordinary run folders; DIR/aggregate.csv, DIR/bands-*.png, DIR/summary.json and
DIR/report.md hold the results across seeds.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from overopt.errors import InputError
from overopt.labs import get_lab
from overopt.progress import SILENT, Progress
from overopt.runs import package_versions, write_json
from overopt.sweep._aggregate import curve_bands, groups, headline_table, plot_bands, write_curve_bands
from overopt.sweep._execute import local_workers, ray_available, run_local, run_ray
from overopt.sweep._plan import RunSpec, SweepPlan
from overopt.sweep._report import write_report


def run_sweep(plan: SweepPlan, out: str | Path, *, address: str | None = None, threads: int = 1,
              use_ray: bool | None = None, progress: Progress = SILENT) -> dict[str, Any]:
    """Run every run of `plan` not yet complete in `out`, then aggregate; returns summary.json's content.

    `use_ray`: None uses Ray when it is installed (always with an `address`), True requires it, False never.
    """
    plan.check()
    root = Path(out)
    state = _load_state(root, plan)
    specs = plan.runs()
    todo = [s for s in specs if not _complete(root / "runs" / s.name)]
    for s in specs:
        if s not in todo:
            state["runs"][s.name] = {**state["runs"].get(s.name, {}), "state": "complete", "seed": s.seed}
    ray = (address is not None or ray_available()) if use_ray is None else use_ray
    why = "asked for" if use_ray is False else "Ray not installed"
    state["engine"] = (f"Ray, {threads} thread(s) per run" if ray else
                       f"local worker processes ({why}), {local_workers(threads)} at a time, "
                       f"{threads} thread(s) per run")
    write_json(root / "sweep.json", state)
    task = progress.task(f"sweep {plan.lab}: runs", total=len(specs))
    task.update(completed=len(specs) - len(todo))

    def on_done(spec: RunSpec, outcome: dict[str, Any]) -> None:
        state["runs"][spec.name] = {"seed": spec.seed, "point": dict(spec.point), **outcome}
        write_json(root / "sweep.json", state)
        task.advance()

    if todo:
        args = {"lab": plan.lab, "preset": plan.preset, "threads": threads}
        if ray:
            state["engine"] = run_ray(todo, args, root / "runs", on_done, address)
        else:
            run_local(todo, args, root / "runs", on_done)
        write_json(root / "sweep.json", state)
    return aggregate(plan, root, state)


def aggregate(plan: SweepPlan, root: Path, state: dict[str, Any]) -> dict[str, Any]:
    """aggregate.csv, one band figure per grid point, summary.json and report.md from the complete runs."""
    lab = get_lab(plan.lab)
    specs = plan.runs()
    complete = {s.name for s in specs if _complete(root / "runs" / s.name)}
    points = []
    for i, (point, runs) in enumerate(groups(specs, complete)):
        label = ", ".join(f"{k}={v}" for k, v in point) or "all runs"
        figure = f"bands-{i}.png"
        if lab.curve_index:
            rows = curve_bands(lab, runs, root / "runs")
            write_curve_bands(root / "aggregate.csv", point, rows, lab, header=i == 0)
            plot_bands(lab, rows, root / figure, f"overopt lab {lab.name}: {label} ({len(runs)} seeds)")
        points.append({"point": dict(point), "label": label, "seeds": [s.seed for s in runs],
                       "figure": figure if lab.curve_index else None,
                       "statistics": headline_table(lab, runs, root / "runs")})
    failed = {name: r for name, r in state["runs"].items() if r.get("state") == "failed"}
    summary = {"lab": plan.lab, "preset": plan.preset, "plan": dataclasses.asdict(plan), "engine": state.get("engine"),
               "runs": len(specs), "complete": len(complete), "failed": failed,
               "headlines": dict(lab.headlines), "points": points}
    write_json(root / "summary.json", summary)
    write_report(root / "report.md", summary)
    return summary


def _load_state(root: Path, plan: SweepPlan) -> dict[str, Any]:
    """sweep.json of an earlier run of the same plan in `root` (to resume it), or a fresh one."""
    path = root / "sweep.json"
    if root.exists() and not root.is_dir():
        raise InputError("sweep output exists and is not a folder", path=root)
    if path.is_file():
        state = json.loads(path.read_text())
        if state.get("plan") != json.loads(json.dumps(dataclasses.asdict(plan))):
            raise InputError("this folder holds a different sweep (another lab, preset, settings, grid or seeds); "
                             "resume it with the same arguments or choose another --out", path=root)
        return state
    if root.is_dir() and any(root.iterdir()):
        raise InputError("output folder is not empty and holds no sweep.json; choose another --out", path=root)
    (root / "runs").mkdir(parents=True, exist_ok=True)
    return {"plan": dataclasses.asdict(plan), "versions": package_versions(), "runs": {}}


def _complete(run_dir: Path) -> bool:
    try:
        return json.loads((run_dir / "status.json").read_text()).get("state") == "complete"
    except (OSError, ValueError):
        return False
