"""Fits, figure and report.md for an over-optimization run (the lab and users' checkpoints alike)."""

from __future__ import annotations

from typing import Sequence

from overopt.measure.fits import FORMS, fit_points, main_points
from overopt.report import direct_alignment
from overopt.report.markdown import fmt, table
from overopt.report.plots import METHOD_TITLES, plot_overoptimization, plot_sweep
from overopt.runs import RunDir

SWEEP_LABELS = {"rm_size": "RM hidden size", "rm_pairs": "RM pairs", "beta": "KL coef β"}


def finish(run: RunDir, points: Sequence[dict], *, title: str, summary: dict, notes: Sequence[str] = ()) -> dict:
    """Write fits.json, overoptimization.png, sweep figures and report.md. Returns the fits as dicts."""
    main = main_points(points)
    fits = fit_points(main)
    fits_json = {m: {"a": f.a, "b": f.b, "r2": f.r2, "predicted_peak_sqrt_kl": f.predicted_peak_d,
                     "predicted_peak_gold": f.predicted_peak_gold, "observed_peak_sqrt_kl": f.observed_peak_d,
                     "observed_peak_gold": f.observed_peak_gold, "points": f.points,
                     "form": "d*(a - b*d)" if FORMS[m] == "bon" else "d*(a - b*ln(d))"} for m, f in fits.items()}
    run.write_json("fits.json", fits_json)
    plot_overoptimization(main, fits, run.file("overoptimization.png"), title=title)
    if direct_alignment.has_direct(main):
        if direct_alignment.has_gold(main):
            direct_alignment.plot_methods(main, fits, run.file("methods.png"), title=title)
        direct_alignment.plot_direct_steps(main, run.file("direct_alignment.png"), title=title)
    sweeps = sorted({p["sweep"] for p in points if p.get("sweep") not in (None, "", "main")})
    for sweep in sweeps:
        plot_sweep(points, sweep, run.file(f"sweep_{sweep}.png"), label=SWEEP_LABELS.get(sweep, sweep))

    lines = [f"# {title}", "", "![proxy and gold vs sqrt KL](overoptimization.png)", ""]
    if fits:
        lines += ["## Gao et al. fits of gold vs d = sqrt(KL)", "",
                  table([{"method": METHOD_TITLES[m], **v} for m, v in fits_json.items()],
                        ["method", "form", "a", "b", "r2", "predicted_peak_sqrt_kl", "predicted_peak_gold",
                         "observed_peak_sqrt_kl", "observed_peak_gold"]), ""]
    for method in ("bon", "rl"):
        pts = [p for p in main if p["method"] == method]
        if not pts:
            continue
        cols = ["setting", "step", "kl", "sqrt_kl", "proxy", "gold", "length"]
        lines += [f"## {METHOD_TITLES[method]}", "", table(pts, [c for c in cols if c in pts[0]]), ""]
    if direct_alignment.has_direct(main):
        lines += direct_alignment.report_lines(main, fits)
    for sweep in sweeps:
        lines += [f"## Sweep: {SWEEP_LABELS.get(sweep, sweep)}", "", f"![sweep](sweep_{sweep}.png)", ""]
    if summary:
        lines += ["## Summary", ""] + [f"- **{k}**: {fmt(v)}" for k, v in summary.items()] + [""]
    lines += list(notes)
    (run.file("report.md")).write_text("\n".join(lines) + "\n")
    return fits_json
