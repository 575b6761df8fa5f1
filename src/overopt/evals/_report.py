"""The eval's outputs: summary.json, per_prompt.csv, three figures and report.md."""

from __future__ import annotations

import csv
import json
from typing import Any, Sequence

import numpy as np

from overopt.report.markdown import fmt, table
from overopt.report.plots import pyplot, save_figure
from overopt.runs import RunDir

COLORS = {"model": "tab:red", "baseline": "tab:blue"}
CSV_COLUMNS = ["model", "prompt_id", "category", "samples", "graded", "passed", "pass_rate", "hacked", "hack_rate",
               "reward_mean", "reward_std", "length_mean", "distinct_2", "flags"]


def write_outputs(run: RunDir, result: dict[str, Any], records: dict[str, list[dict]], title: str) -> None:
    summary, rows = result["summary"], result["rows"]
    run.write_json("summary.json", summary)
    with open(run.file("per_prompt.csv"), "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for role, rs in rows.items():
            for row in rs:
                writer.writerow({**row, "model": role, "flags": json.dumps(row["flags"])})
    figures = [plot_rewards(records, rows, run), plot_k_curves(summary, run), plot_rates(summary, run)]
    run.file("report.md").write_text(report_md(summary, [f for f in figures if f], title))


def plot_rewards(records: dict[str, list[dict]], rows: dict[str, list[dict]], run: RunDir) -> str | None:
    """Every sample's reward (or length, without a reward) per prompt, the models side by side."""
    key = "reward" if any(r.get("reward") is not None for rs in records.values() for r in rs) else None
    plt = pyplot()
    ids = [row["prompt_id"] for row in next(iter(rows.values()))][:40]
    fig, ax = plt.subplots(figsize=(max(6.0, 0.35 * len(ids) + 2), 4.2))
    offsets = {"model": 0.18, "baseline": -0.18} if len(records) > 1 else {"model": 0.0}
    rng = np.random.default_rng(0)
    for role, rs in records.items():
        by_id: dict[str, list[float]] = {}
        for r in rs:
            value = r.get("reward") if key else (r["tokens"] if r.get("tokens") is not None else len(r["text"].split()))
            if value is not None:
                by_id.setdefault(r["prompt_id"], []).append(float(value))
        for i, pid in enumerate(ids):
            ys = by_id.get(pid, [])
            xs = i + offsets.get(role, 0) + rng.uniform(-0.06, 0.06, len(ys))
            ax.plot(xs, ys, "o", ms=3, alpha=0.5, color=COLORS.get(role), label=role if i == 0 else None)
            if ys:
                ax.plot([i + offsets.get(role, 0) - 0.12, i + offsets.get(role, 0) + 0.12], [np.mean(ys)] * 2,
                        "-", color="black", lw=1.5)
    ax.set_xticks(range(len(ids)), ids, rotation=60, ha="right", fontsize=7)
    ax.set_ylabel("reward of each sample" if key else "length of each sample (tokens)")
    ax.grid(alpha=0.25)
    ax.legend(fontsize=8)
    save_figure(fig, run.file("rewards_per_prompt.png"), "Per prompt: every sample, and the mean (black)")
    return "rewards_per_prompt.png"


def plot_k_curves(summary: dict[str, Any], run: RunDir) -> str | None:
    """pass@k and pass^k (and hack@k) against k, per model."""
    models = [m for m in ("model", "baseline") if m in summary]
    panels = [("pass_at_k", "pass@k"), ("pass_hat_k", "pass^k (all k pass)"), ("hack_at_k", "hack@k")]
    panels = [(k, label) for k, label in panels if any(summary[m].get(k) for m in models)]
    if not panels:
        return None
    plt = pyplot()
    fig, axes = plt.subplots(1, len(panels), figsize=(4.6 * len(panels), 3.8), squeeze=False)
    for ax, (key, label) in zip(axes[0], panels):
        for m in models:
            values = summary[m].get(key)
            if values:
                ax.plot(summary[m]["k"], values, "o-", ms=3, color=COLORS[m], label=m)
        ax.set_xlabel("k (samples)")
        ax.set_ylabel(label)
        ax.set_ylim(-0.02, 1.02)
        ax.grid(alpha=0.25)
        ax.legend(fontsize=8)
    save_figure(fig, run.file("pass_at_k.png"), "Over N samples per prompt (unbiased estimators)")
    return "pass_at_k.png"


def plot_rates(summary: dict[str, Any], run: RunDir) -> str | None:
    """The rate of passing, of hacking and of every detector category, per model, with Wilson intervals."""
    models = [m for m in ("model", "baseline") if m in summary]
    names = ["pass", "hack", "stopped_at_length_cap"] + sorted({c for m in models for c in summary[m]["flags"]})
    names = [n for n in names if any(_rate(summary[m], n) for m in models)]
    if not names:
        return None
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(names) * len(models) + 1.5))
    height = 0.8 / len(models)
    for j, m in enumerate(models):
        for i, name in enumerate(names):
            r = _rate(summary[m], name)
            if r is None or r["rate"] is None:
                continue
            y = i + (j - (len(models) - 1) / 2) * height
            ax.barh(y, r["rate"], height=height * 0.9, color=COLORS[m], alpha=0.7, label=m if i == 0 else None)
            ax.errorbar(r["rate"], y, xerr=[[r["rate"] - r["low"]], [r["high"] - r["rate"]]], color="black", lw=1)
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel("share of samples (95% Wilson interval)")
    ax.set_xlim(0, 1)
    ax.grid(alpha=0.25, axis="x")
    ax.legend(fontsize=8)
    save_figure(fig, run.file("rates.png"), "Rates per category" + (", before vs after" if len(models) > 1 else ""))
    return "rates.png"


def _rate(model: dict[str, Any], name: str) -> dict | None:
    return model["flags"].get(name) if name not in ("pass", "hack", "stopped_at_length_cap") else model.get(name)


def _ci(r: dict | None) -> str:
    if not r or r.get("rate") is None:
        return "–"
    return f"{r['rate']:.3f} [{r['low']:.3f}, {r['high']:.3f}] ({r['k']}/{r['n']})"


def report_md(summary: dict[str, Any], figures: Sequence[str], title: str) -> str:
    models = [m for m in ("model", "baseline") if m in summary]
    lines = [f"# {title}", ""]
    rows = []
    for m in models:
        s = summary[m]
        reward = s["reward"]
        rows.append({"model": m, "samples": s["samples"], "prompts": s["prompts"], "pass": _ci(s["pass"]),
                     "hack": _ci(s["hack"]),
                     "reward mean [95%]": f"{reward['mean']:.3f} [{reward['low']:.3f}, {reward['high']:.3f}]"
                     if reward and reward.get("low") is not None else fmt(reward["mean"] if reward else None),
                     "length mean": s["length"]["mean"], "distinct-2": s["distinct_2"]})
    lines += [table(rows, list(rows[0])), ""]
    for m in models:
        s = summary[m]
        if s.get("pass_at_k"):
            n = len(s["k"])
            lines.append(f"- **{m}**: pass@1 {s['pass_at_k'][0]:.3f}, pass@{n} {s['pass_at_k'][-1]:.3f}, "
                         f"pass^{n} {s['pass_hat_k'][-1]:.3f}; hack@{n} {s['hack_at_k'][-1]:.3f}")
    flags = sorted({c for m in models for c in summary[m]["flags"]})
    if flags:
        lines += ["", "## Detector categories (share of samples, 95% Wilson interval)", "",
                  table([{"category": c, **{m: _ci(summary[m]["flags"].get(c)) for m in models}} for c in flags],
                        ["category", *models])]
    diff = summary.get("model_minus_baseline")
    if diff:
        lines += ["", "## Model minus baseline", "", "Paired by prompt (mean difference, 95% bootstrap interval "
                  "over prompts):", "",
                  table([{"per prompt": k, **v} for k, v in diff["paired_by_prompt"].items()],
                        ["per prompt", "mean", "low", "high", "n"]), "",
                  "Rates (difference, 95% Newcombe interval):", "",
                  table([{"rate": k, **v} for k, v in diff["rates"].items()], ["rate", "difference", "low", "high"])]
    lines += [""] + [f"![{f}]({f})" for f in figures] + [""]
    return "\n".join(lines)
