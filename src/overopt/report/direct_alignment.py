"""Direct alignment (DPO, IPO) beside best-of-n and RL: one gold-vs-sqrt(KL) axis with every method's fit, the
training curves per β, and the report section saying where each method peaks and how far it falls."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from overopt.measure.fits import GaoFit
from overopt.report.markdown import table
from overopt.report.plots import METHOD_TITLES, pyplot, save_figure

DIRECT = ("dpo", "ipo")
_COLORS = {"bon": "tab:orange", "rl": "tab:blue", "dpo": "tab:green", "ipo": "tab:purple"}
_MARKERS = ["o", "s", "^", "D", "v", "P", "X"]


def has_direct(points: Sequence[dict]) -> bool:
    return any(p["method"] in DIRECT for p in points)


def has_gold(points: Sequence[dict]) -> bool:
    return any(p.get("gold") is not None for p in points)


def _runs(points: Sequence[dict]) -> dict[tuple[str, float], list[dict]]:
    runs: dict[tuple[str, float], list[dict]] = {}
    for p in points:
        if p["method"] in DIRECT:
            runs.setdefault((p["method"], p["setting"]), []).append(p)
    return dict(sorted(runs.items(), key=lambda kv: (kv[0][0], kv[0][1])))


def plot_methods(points: Sequence[dict], fits: dict[str, GaoFit], path: Path, *, title: str) -> None:
    """Gold vs sqrt(KL) for every method on one axis (DPO/IPO: one marker per β), each with its Gao fit."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(8, 5.2))
    methods = [m for m in ("bon", "rl", *DIRECT) if any(p["method"] == m and p.get("gold") is not None
                                                       for p in points)]
    for method in methods:
        pts = [p for p in points if p["method"] == method]
        color = _COLORS[method]
        if method in DIRECT:
            for marker, beta in zip(_MARKERS, sorted({p["setting"] for p in pts})):
                run = sorted((p for p in pts if p["setting"] == beta), key=lambda p: p["step"])
                ax.plot([p["sqrt_kl"] for p in run], [p["gold"] for p in run], marker + ":", color=color, ms=4,
                        lw=0.8, alpha=0.8, label=f"{METHOD_TITLES[method]} β={beta:g}")
        else:
            run = sorted(pts, key=lambda p: p["sqrt_kl"])
            ax.plot([p["sqrt_kl"] for p in run], [p["gold"] for p in run], "o", color=color, ms=4,
                    label=METHOD_TITLES[method])
        fit = fits.get(method)
        if fit is not None:
            top = max(p["sqrt_kl"] for p in pts)
            grid = np.linspace(0, top * 1.02, 200)
            peak = f", peak d*={fit.predicted_peak_d:.2f}" if fit.predicted_peak_d is not None else ""
            ax.plot(grid, fit.predict(grid), "-", color=color, lw=2,
                    label=f"{METHOD_TITLES[method]} fit (R²={fit.r2:.2f}{peak})")
    ax.axhline(0, color="grey", lw=0.6)
    ax.set_xlabel("d = sqrt(KL(policy || reference))  [sqrt nats]")
    ax.set_ylabel("gold reward (z-score vs reference samples)")
    ax.grid(alpha=0.25)
    ax.legend(fontsize=7, ncol=2, loc="best")
    save_figure(fig, path, title, dpi=120)


def plot_direct_steps(points: Sequence[dict], path: Path, *, title: str) -> None:
    """Per DPO/IPO run (loss, β): gold, the implicit reward margin and sqrt(KL) against the training step."""
    plt = pyplot()
    runs = _runs(points)
    panels = [("gold", "gold reward (z)"), ("implicit_margin", "implicit reward margin β·Δlog-ratio"),
              ("sqrt_kl", "sqrt(KL) to the reference")]
    panels = [(k, label) for k, label in panels if any(p.get(k) is not None for run in runs.values() for p in run)]
    fig, axes = plt.subplots(1, len(panels), figsize=(5.2 * len(panels), 4.2), squeeze=False)
    colors = plt.get_cmap("viridis")(np.linspace(0, 0.9, max(len(runs), 1)))
    for ax, (key, label) in zip(axes[0], panels):
        for color, ((loss, beta), run) in zip(colors, runs.items()):
            style = "o-" if loss == "dpo" else "s--"
            ax.plot([p["step"] for p in run], [p[key] for p in run], style, ms=3, color=color,
                    label=f"{METHOD_TITLES[loss]} β={beta:g}")
        ax.set_xlabel("training step")
        ax.set_ylabel(label)
        ax.grid(alpha=0.25)
        ax.legend(fontsize=7)
    save_figure(fig, path, title, dpi=120)


def report_lines(points: Sequence[dict], fits: dict[str, GaoFit]) -> list[str]:
    """The report section: peak and fall of every method, each DPO/IPO run's numbers, both figures."""
    rows = []
    for method in ("bon", "rl"):
        pts = [p for p in points if p["method"] == method and p.get("gold") is not None]
        if pts:
            rows.append(_row(METHOD_TITLES[method], pts, "sqrt_kl" if method == "bon" else "step"))
    for (loss, beta), run in _runs(points).items():
        if run[0].get("gold") is not None:
            rows.append(_row(f"{METHOD_TITLES[loss]} β={beta:g}", run, "step"))
    fit_rows = [{"method": METHOD_TITLES[m], "r2": f.r2, "predicted_peak_sqrt_kl": f.predicted_peak_d,
                 "observed_peak_sqrt_kl": f.observed_peak_d} for m, f in fits.items()]
    lines = ["## Direct alignment (DPO, IPO) beside best-of-n and RL", "",
             "DPO and IPO train the reference policy on the same noisy pairs as the proxy RM; they never see the "
             "proxy. Each β is its own run; a smaller β allows more KL.", "",
             *(["![gold vs sqrt KL, every method](methods.png)", ""] if has_gold(points) else []),
             "![DPO/IPO per step](direct_alignment.png)", ""]
    if rows:
        lines += [table(rows, ["curve", "peak_gold", "peak_at", "peak_sqrt_kl", "final_gold", "fall",
                               "final_sqrt_kl", "margin_at_peak", "final_margin"]), ""]
    if fit_rows:
        lines += ["Gao's forms fitted to gold vs sqrt(KL) (DPO/IPO: the RL form, all β pooled, as Rafailov et "
                  "al. 2024 do):", "", table(fit_rows, ["method", "r2", "predicted_peak_sqrt_kl",
                                                        "observed_peak_sqrt_kl"]), ""]
    return lines


def _row(name: str, pts: list[dict], at: str) -> dict:
    peak = max(pts, key=lambda p: p["gold"])
    last = max(pts, key=lambda p: (p["step"], p["sqrt_kl"]))
    return {"curve": name, "peak_gold": peak["gold"],
            "peak_at": f"n={peak['setting']}" if at == "sqrt_kl" else f"step {peak['step']}",
            "peak_sqrt_kl": peak["sqrt_kl"], "final_gold": last["gold"], "fall": peak["gold"] - last["gold"],
            "final_sqrt_kl": last["sqrt_kl"], "margin_at_peak": peak.get("implicit_margin"),
            "final_margin": last.get("implicit_margin")}
