"""Across seeds: each curve point's mean with a 95% bootstrap band (aggregate.csv, figures) and each headline
statistic's mean with its interval (summary.json, report.md).

The interval is the percentile bootstrap of the mean over seeds (2,000 resamples, fixed seed, so the same runs
give the same intervals). With one seed there is no interval.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np

from overopt.labs import Lab, flatten_summary
from overopt.sweep._plan import RunSpec

RESAMPLES = 2000


def bootstrap_mean(values: list[float], level: float = 0.95, resamples: int = RESAMPLES,
                   seed: int = 0) -> tuple[float, float | None, float | None]:
    """(mean, low, high): the mean of `values` and the percentile bootstrap interval of the mean."""
    x = np.asarray(values, dtype=float)
    if x.size == 0:
        return float("nan"), None, None
    if x.size == 1:
        return float(x[0]), None, None
    means = x[np.random.default_rng(seed).integers(0, x.size, size=(resamples, x.size))].mean(axis=1)
    alpha = (1 - level) / 2
    return float(x.mean()), float(np.quantile(means, alpha)), float(np.quantile(means, 1 - alpha))


def statistics(values: list[float]) -> dict[str, Any]:
    """Mean, 95% interval, spread, how many seeds are above zero, and the values themselves."""
    mean, lo, hi = bootstrap_mean(values)
    return {"mean": mean, "low": lo, "high": hi, "n": len(values), "min": min(values), "max": max(values),
            "above_zero": sum(v > 0 for v in values), "values": values}


def groups(specs: list[RunSpec], complete: set[str]) -> list[tuple[tuple, list[RunSpec]]]:
    """The finished runs grouped by grid point, points in plan order."""
    out: dict[tuple, list[RunSpec]] = {}
    for spec in specs:
        if spec.name in complete:
            out.setdefault(spec.point, []).append(spec)
    return list(out.items())


def headline_table(lab: Lab, runs: list[RunSpec], root: Path) -> dict[str, dict[str, Any]]:
    """Every number of the runs' summary.json files, with its statistics across seeds; headlines first."""
    flats = [flatten_summary(json.loads((root / s.name / "summary.json").read_text())) for s in runs]
    keys = list(dict.fromkeys([*lab.headlines, *(k for f in flats for k in f)]))
    table = {}
    for key in keys:
        values = [f[key] for f in flats if key in f]
        if values:
            table[key] = statistics(values)
    return table


def curve_bands(lab: Lab, runs: list[RunSpec], root: Path) -> list[dict[str, Any]]:
    """One row per curve point (lab.curve_index) with the mean and band of curve_x and each curve_y."""
    columns = list(dict.fromkeys([lab.curve_x, *lab.curve_y]))
    points: dict[tuple, dict[str, list[float]]] = {}
    for spec in runs:
        with open(root / spec.name / "curves.csv", newline="") as fh:
            for row in csv.DictReader(fh):
                key = tuple(row[c] for c in lab.curve_index)
                cell = points.setdefault(key, {c: [] for c in columns})
                for c in columns:
                    if row.get(c) not in (None, ""):
                        cell[c].append(float(row[c]))
    rows = []
    for key, cell in points.items():
        row: dict[str, Any] = dict(zip(lab.curve_index, key))
        row["seeds"] = max(len(v) for v in cell.values())
        for c, values in cell.items():
            row[f"{c}_mean"], row[f"{c}_low"], row[f"{c}_high"] = bootstrap_mean(values) if values else (None,) * 3
        rows.append(row)
    return rows


def write_curve_bands(path: Path, point: tuple, rows: list[dict[str, Any]], lab: Lab, *, header: bool) -> None:
    """Append `rows` (one grid point's bands) to aggregate.csv, the grid point's settings in front."""
    columns = [k for k, _ in point] + list(lab.curve_index) + ["seeds"]
    columns += [f"{c}_{s}" for c in dict.fromkeys([lab.curve_x, *lab.curve_y]) for s in ("mean", "low", "high")]
    with open(path, "a" if not header else "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        if header:
            writer.writeheader()
        for row in rows:
            writer.writerow({**dict(point), **{k: _fmt(v) for k, v in row.items()}})


def plot_bands(lab: Lab, rows: list[dict[str, Any]], path: Path, title: str, max_series: int = 12) -> None:
    """One panel per curve_y: each series' mean against the mean of curve_x, with its band across seeds."""
    from overopt.report.plots import pyplot, save_figure

    plt = pyplot()
    series = _series(lab, rows)
    fig, axes = plt.subplots(1, len(lab.curve_y), figsize=(5.5 * len(lab.curve_y), 4.2), squeeze=False)
    for ax, y in zip(axes[0], lab.curve_y):
        for i, (label, pts) in enumerate(list(series.items())[:max_series]):  # one color per series in every panel
            pts = [p for p in pts if p[f"{y}_mean"] is not None and p[f"{lab.curve_x}_mean"] is not None]
            if not pts:
                continue
            steps = {p.get("step") for p in pts}  # a training run is drawn in step order, other series along x
            pts.sort(key=lambda p: float(p["step"]) if len(steps) > 1 else p[f"{lab.curve_x}_mean"])
            x = [p[f"{lab.curve_x}_mean"] for p in pts]
            name = " ".join(v for v in label if v and v != "main")
            color = f"C{i}" if len(series) <= 10 else plt.get_cmap("tab20")(i % 20)
            line = ax.plot(x, [p[f"{y}_mean"] for p in pts], "o-", ms=3, label=name, color=color)[0]
            if all(p[f"{y}_low"] is not None for p in pts):
                ax.fill_between(x, [p[f"{y}_low"] for p in pts], [p[f"{y}_high"] for p in pts],
                                color=line.get_color(), alpha=0.2)
        ax.set_xlabel(f"{lab.curve_x} (mean over seeds)")
        ax.set_ylabel(f"{y}: mean and 95% bootstrap band")
        ax.grid(alpha=0.25)
        ax.legend(fontsize=7)
    save_figure(fig, path, title)


def _series(lab: Lab, rows: list[dict[str, Any]]) -> dict[tuple, list[dict]]:
    """Rows that share every curve_index column but `step` form a series (a training run, e.g. RL or DPO at one
    β); where such a series is a single point (best-of-n at one n), the points that differ only in `setting`
    form one series instead."""
    by_run: dict[tuple, list[dict]] = {}
    for row in rows:
        by_run.setdefault(tuple(row[c] if c != "step" else "" for c in lab.curve_index), []).append(row)
    series: dict[tuple, list[dict]] = {}
    for key, pts in by_run.items():
        if len(pts) == 1 and "setting" in lab.curve_index:
            key = tuple("" if c == "setting" else v for c, v in zip(lab.curve_index, key))
        series.setdefault(key, []).extend(pts)
    return series


def _fmt(v: Any) -> Any:
    return repr(round(v, 10)) if isinstance(v, float) else v
