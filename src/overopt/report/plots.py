"""Figures: proxy and gold reward vs sqrt(KL), with Gao fits and peaks."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from overopt.measure.fits import GaoFit

METHOD_TITLES = {"bon": "best-of-n", "rl": "RL (GRPO)", "dpo": "DPO", "ipo": "IPO"}


def pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_figure(fig, path: Path, title: str | None = None, dpi: int = 110) -> None:
    """Title, tighten, write and close a figure."""
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=dpi)
    pyplot().close(fig)


def _xy(points: Sequence[dict], key: str) -> tuple[np.ndarray, np.ndarray]:
    pts = sorted((p for p in points if p.get(key) is not None), key=lambda p: p["sqrt_kl"])
    return np.array([p["sqrt_kl"] for p in pts]), np.array([p[key] for p in pts])


def plot_overoptimization(points: Sequence[dict], fits: dict[str, GaoFit], path: Path, *, title: str) -> Path:
    """One panel per method: proxy (dashed) and gold (solid) vs sqrt KL, fitted gold curve, peaks."""
    plt = pyplot()
    methods = [m for m in ("bon", "rl") if any(p["method"] == m for p in points)]
    fig, axes = plt.subplots(1, len(methods), figsize=(6 * len(methods), 4.4), squeeze=False)
    for ax, method in zip(axes[0], methods):
        pts = [p for p in points if p["method"] == method]
        x, proxy = _xy(pts, "proxy")
        ax.plot(x, proxy, "o--", color="tab:orange", ms=4, label="proxy RM (optimized)")
        if any(p.get("gold") is not None for p in pts):
            x, gold = _xy(pts, "gold")
            ax.plot(x, gold, "o-", color="tab:blue", ms=4, label="gold (true objective)")
            fit = fits.get(method)
            if fit is not None:
                grid = np.linspace(0, max(x.max(), fit.predicted_peak_d or 0) * 1.02, 200)
                form = "d(a - b d)" if method == "bon" else "d(a - b ln d)"
                ax.plot(grid, fit.predict(grid), "-", color="tab:green", lw=1.5,
                        label=f"Gao fit {form}: a={fit.a:.2f}, b={fit.b:.2f}, R²={fit.r2:.2f}")
                ax.plot([fit.observed_peak_d], [fit.observed_peak_gold], "*", color="black", ms=14,
                        label=f"observed gold peak (d={fit.observed_peak_d:.2f})")
                if fit.predicted_peak_d is not None:
                    ax.plot([fit.predicted_peak_d], [fit.predicted_peak_gold], "X", color="tab:red", ms=10,
                            label=f"predicted peak (d*={fit.predicted_peak_d:.2f})")
        ax.axhline(0, color="grey", lw=0.6)
        ax.set_title(METHOD_TITLES[method])
        ax.set_xlabel("d = sqrt(KL(policy || reference))  [sqrt nats]")
        ax.set_ylabel("reward (z-score vs reference samples)")
        ax.legend(fontsize=7.5, loc="best")
        ax.grid(alpha=0.25)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_sweep(points: Sequence[dict], sweep: str, path: Path, *, label: str) -> Path:
    """One curve per swept value: gold (solid) and proxy (dashed), one panel per method."""
    plt = pyplot()
    pts = [p for p in points if p.get("sweep") == sweep]
    methods = [m for m in ("bon", "rl") if any(p["method"] == m for p in pts)]
    fig, axes = plt.subplots(1, len(methods), figsize=(6 * len(methods), 4.4), squeeze=False)
    variants = sorted({p["variant"] for p in pts}, key=lambda v: float(v))
    colors = plt.get_cmap("viridis")(np.linspace(0, 0.9, max(len(variants), 1)))
    for ax, method in zip(axes[0], methods):
        for color, v in zip(colors, variants):
            vp = [p for p in pts if p["method"] == method and p["variant"] == v]
            if not vp:
                continue
            x, gold = _xy(vp, "gold")
            ax.plot(x, gold, "o-", ms=3, color=color, label=f"{label}={v} gold")
            x, proxy = _xy(vp, "proxy")
            ax.plot(x, proxy, "--", color=color, alpha=0.6, label=f"{label}={v} proxy")
        ax.axhline(0, color="grey", lw=0.6)
        ax.set_title(f"{METHOD_TITLES[method]}: sweep over {label}")
        ax.set_xlabel("d = sqrt(KL)")
        ax.set_ylabel("reward (z-score)")
        ax.legend(fontsize=7, ncol=2)
        ax.grid(alpha=0.25)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
