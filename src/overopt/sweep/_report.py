"""report.md of a sweep: each headline statistic across seeds, the band figures, and any failed run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from overopt.report.markdown import fmt


def interval(stat: dict[str, Any]) -> str:
    """'0.91 [0.80, 1.02]' (mean and 95% bootstrap interval), or the value alone for one seed."""
    if stat["low"] is None:
        return fmt(stat["mean"])
    return f"{fmt(stat['mean'])} [{fmt(stat['low'])}, {fmt(stat['high'])}]"


def write_report(path: Path, summary: dict[str, Any]) -> None:
    lines = [f"# Sweep: overopt lab {summary['lab']} (preset {summary['preset'] or 'default'})", "",
             f"{summary['complete']} of {summary['runs']} runs complete; engine: {summary['engine']}. Each statistic is "
             "the mean over seeds with its 95% percentile-bootstrap interval; `> 0` counts the seeds where it is "
             "above zero.", ""]
    for point in summary["points"]:
        stats, seeds = point["statistics"], point["seeds"]
        lines += [f"## {point['label']} ({len(seeds)} seeds: {', '.join(map(str, seeds))})", ""]
        shown = [k for k in summary["headlines"] if k in stats]
        lines += ["| statistic | what | mean [95% interval] | min – max | > 0 | per seed |", "|---|---|---|---|---|---|"]
        for key in shown:
            s = stats[key]
            lines.append(f"| `{key}` | {summary['headlines'][key]} | {interval(s)} | {fmt(s['min'])} – {fmt(s['max'])} "
                         f"| {s['above_zero']}/{s['n']} | {', '.join(fmt(v, 2) for v in s['values'])} |")
        if point["figure"]:
            lines += ["", f"![curves across seeds]({point['figure']})"]
        lines += ["", f"Every other number of the runs' summary.json is in summary.json ({len(stats)} in all).", ""]
    if summary["failed"]:
        lines += ["## Failed runs (after one retry)", ""]
        lines += [f"- `{name}` (seed {r.get('seed')}): {r.get('error')}" for name, r in summary["failed"].items()]
        lines.append("")
    path.write_text("\n".join(lines))
