"""Figures and report.md of the mitigations lab: ensembles.png, kl_sweep.png, monitor.png, report.md."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from overopt.report.markdown import fmt, table
from overopt.report.plots import pyplot, save_figure
from overopt.runs import RunDir

if TYPE_CHECKING:
    from overopt.worlds.mitigations.lab import MitigationsResult

COLORS = {"single": "tab:red", "mean": "tab:orange", "wco": "tab:blue", "uwo": "tab:green"}


def _curve(points, run, method, key, x="sqrt_kl"):
    pts = [p for p in points if p["run"] == run and p["method"] == method and p.get(key) is not None]
    if method == "bon":
        pts.sort(key=lambda p: p["sqrt_kl"])
    return np.array([p[x] for p in pts]), np.array([p[key] for p in pts])


def plot_ensembles(points, path: Path, title: str) -> None:
    plt = pyplot()
    ns = [p["setting"] for p in points if p["method"] == "bon"] or [1]
    fig, axes = plt.subplots(1, 3, figsize=(17, 4.6))
    for method, ax in (("bon", axes[0]), ("rl", axes[1])):
        for run, color in COLORS.items():
            x, g = _curve(points, run, method, "gold")
            if not len(x):
                continue
            ax.plot(x, g, "o-", ms=3, color=color, label=f"{run}: gold")
            x, o = _curve(points, run, method, "optimized")
            ax.plot(x, o, "--", color=color, alpha=0.6, label=f"{run}: optimized reward")
        ax.axhline(0, color="grey", lw=0.6)
        ax.set_title(f"best-of-n (n = 1 ... {max(ns)})" if method == "bon" else "RL (GRPO, β = 0)")
        ax.set_xlabel("d = sqrt(KL)")
        ax.set_ylabel("z-score vs reference samples")
        ax.grid(alpha=0.25)
        ax.legend(fontsize=7, ncol=2)
    ax = axes[2]
    for run, color in COLORS.items():
        x, g = _curve(points, run, "rl", "gold", x="step")
        if len(x):
            ax.plot(x, g, "o-", ms=3, color=color, label=f"{run}: gold")
    ax.axhline(0, color="grey", lw=0.6)
    ax.set_title("RL: gold vs step")
    ax.set_xlabel("GRPO step")
    ax.set_ylabel("gold (z)")
    ax.grid(alpha=0.25)
    ax.legend(fontsize=7)
    save_figure(fig, path, title)


def plot_kl_sweep(points, betas, path: Path, title: str) -> None:
    plt = pyplot()
    runs = [("single", 0.0)] + [(f"beta={b:g}", b) for b in betas]
    colors = plt.get_cmap("viridis")(np.linspace(0, 0.9, len(runs)))
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.6))
    for (run, beta), c in zip(runs, colors):
        x, g = _curve(points, run, "rl", "gold")
        x2, p = _curve(points, run, "rl", "proxy")
        axes[0].plot(x, g, "o-", ms=3, color=c, label=f"β={beta:g} gold")
        axes[0].plot(x2, p, "--", color=c, alpha=0.6, label=f"β={beta:g} proxy")
        s, g = _curve(points, run, "rl", "gold", x="step")
        axes[1].plot(s, g, "o-", ms=3, color=c, label=f"β={beta:g}")
    axes[0].set_xlabel("d = sqrt(KL)")
    axes[0].set_title("GRPO against the single proxy: gold (solid), proxy (dashed)")
    axes[1].set_xlabel("GRPO step")
    axes[1].set_title("gold vs step")
    for ax in axes:
        ax.axhline(0, color="grey", lw=0.6)
        ax.set_ylabel("z-score")
        ax.grid(alpha=0.25)
        ax.legend(fontsize=7, ncol=2)
    save_figure(fig, path, title)


def plot_monitor(points, history: list[dict], monitor: dict, path: Path, title: str) -> None:
    plt = pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.6))
    ax = axes[0]
    for key, style, label in (("gold", "o-", "gold (evaluation only)"), ("proxy", "s--", "train proxy (optimized)"),
                              ("test_rm", "^-", "held-out test RM")):
        s, v = _curve(points, "single", "rl", key, x="step")
        ax.plot(s, v, style, ms=3, label=label)
    if history:
        s = [h["step"] for h in history]
        ax.plot(s, [h["test_rm"] for h in history], ":", color="black", lw=1, label="monitor's test RM (own samples)")
    if monitor.get("gold_peak_step") is not None:
        ax.axvline(monitor["gold_peak_step"], color="tab:blue", lw=1, alpha=0.6, label="true gold peak")
    if monitor.get("stop_step") is not None:
        ax.axvline(monitor["stop_step"], color="tab:green", lw=2, alpha=0.7, label="monitor's kept checkpoint")
    if monitor.get("triggered_step") is not None:
        ax.axvline(monitor["triggered_step"], color="tab:red", ls="--", lw=1.5, label="monitor fired")
    ax.axhline(0, color="grey", lw=0.6)
    ax.set_xlabel("GRPO step")
    ax.set_ylabel("z-score")
    ax.set_title("single RM, β = 0: what the monitor saw")
    ax.grid(alpha=0.25)
    ax.legend(fontsize=7)
    ax = axes[1]
    if history:
        s = [h["step"] for h in history]
        for key in ("gap", "rep_bigrams_effect", "rep_tokens_effect", "length_effect"):
            ax.plot(s, [h.get(key) for h in history], "o-", ms=3, label=key)
        pk = [h.get("predicted_peak_step") for h in history]
        ax2 = ax.twinx()
        ax2.plot(s, [np.nan if v is None else v for v in pk], "x", color="grey", label="predicted peak step (fit)")
        ax2.set_ylabel("predicted peak step")
        ax2.legend(fontsize=7, loc="lower right")
    ax.axhline(1.0, color="grey", lw=0.6, ls=":")
    ax.set_xlabel("GRPO step")
    ax.set_title("gold-free signals")
    ax.grid(alpha=0.25)
    ax.legend(fontsize=7, loc="upper left")
    save_figure(fig, path, title)


def write_report(run: RunDir, result: MitigationsResult) -> None:
    """The three figures and report.md of a finished run, from its result and the monitor's log."""
    cfg, points, rows, monitor, info = result.config, result.points, result.rows, result.monitor, result.info
    hist_path = run.file("monitor") / "monitor.jsonl"
    history = [json.loads(line) for line in hist_path.read_text().splitlines()] if hist_path.exists() else []
    title = f"Mitigations lab ({cfg.preset} preset, seed {result.seed})"
    plot_ensembles(points, run.file("ensembles.png"), title)
    plot_kl_sweep(points, cfg.betas, run.file("kl_sweep.png"), title)
    plot_monitor(points, history, monitor, run.file("monitor.png"), title)

    rl = [r for r in rows if r["optimizer"] == "rl"]
    bon = [r for r in rows if r["optimizer"] == "bon"]
    cols = ["method", "peak_gold", "peak_step", "kl_at_peak", "final_gold", "gold_drop", "drop_vs_single", "final_kl",
            "final_optimized", "final_test_rm"]
    lines = [f"# {title}", "",
             f"Ensemble of k = {cfg.ensemble_size} proxy RMs (seeds differ; member data: {cfg.member_data}), "
             f"UWO λ = {cfg.uwo_lambda}; RL: GRPO, {cfg.rl.steps} steps, lr {cfg.rl.learning_rate}; "
             f"KL sweep β ∈ {[0.0, *cfg.betas]}. All rewards are z-scores against the reference policy's samples "
             "on held-out prompts; `optimized` is the reward the method maximized.", "",
             "## Reward models", "",
             f"- train pairs {info['rm']['train_pairs']}, test-RM pairs {info['rm']['test_pairs']} (fresh samples, "
             "disjoint from the train pairs)",
             f"- held-out pair accuracy (clean gold labels): members "
             f"{', '.join(fmt(a) for a in info['rm']['member_held_out_accuracy'])}; test RM "
             f"{fmt(info['rm']['test_rm_held_out_accuracy'])}", "",
             "## RL: ensembles, KL sweep and the monitor", "", "![ensembles](ensembles.png)", "",
             table(rl, cols), "",
             "`gold_drop` = peak gold − final gold over the run; `drop_vs_single` = that drop relative to the "
             "single RM's (same steps).", "", "![KL sweep](kl_sweep.png)", "",
             "## Best-of-n from one pool (n = 1 … " + str(max(p["setting"] for p in points if p["method"] == "bon"))
             + ")", "", table(bon, ["method", "peak_gold", "peak_setting", "kl_at_peak", "final_gold", "gold_drop",
                                   "drop_vs_single", "final_optimized"]), "",
             "## The monitor (no gold in its stopping rule)", "", "![monitor](monitor.png)", "",
             table([monitor], ["stop_step", "stop_kl", "gold_peak_step", "gold_peak_kl", "kl_ratio", "stopped_gold",
                               "peak_gold", "gold_ratio", "triggered_step"]), "",
             f"- fired at step {monitor.get('triggered_step')}: {'; '.join(monitor.get('reasons') or ['never fired'])}",
             f"- KL within ±20% of the true gold peak's: **{monitor.get('kl_within_20pct')}**; stopped gold ≥ 90% "
             f"of peak: **{monitor.get('gold_at_least_90pct')}**",
             f"- monitor time: {fmt(monitor.get('monitor_seconds'))} s over {monitor.get('measurements')} "
             "measurements (see bench/bench_monitor.py for the overhead as a share of training)", ""]
    lines += verdict(rows, monitor) + [HONEST_NOTES.format(
        steps=cfg.rl.steps, lr=f"{cfg.rl.learning_rate:g}", pool=f"{cfg.measure.bon_pool:,}",
        pairs=f"{cfg.reward_model.pairs:,}", prompts=cfg.measure.bon_prompts)]
    run.file("report.md").write_text("\n".join(lines) + "\n")


def verdict(rows, monitor: dict) -> list[str]:
    """The issue's targets, checked against this run's numbers."""
    def get(opt, m):
        return next((r for r in rows if r["optimizer"] == opt and r["method"] == m), None)

    out = ["## Targets", ""]
    ens = [r for r in (get("rl", "wco"), get("rl", "uwo")) if r is not None and r.get("drop_vs_single") is not None]
    if ens:
        best = min(ens, key=lambda r: r["drop_vs_single"])
        ok = best["drop_vs_single"] <= 0.5
        out.append(f"- RL gold drop with `{best['method']}` is {100 * best['drop_vs_single']:.0f}% of the single RM's "
                   f"({fmt(best['gold_drop'])} vs {fmt(get('rl', 'single')['gold_drop'])} z, same steps): target "
                   f"≤ 50% **{'met' if ok else 'missed'}**.")
        wk = [r for r in rows if r["optimizer"] == "rl" and r["method"].startswith("wco+beta")]
        for r in wk:
            out.append(f"  With a small KL penalty (`{r['method']}`) the drop is {100 * r['drop_vs_single']:.0f}% of "
                       "the single RM's.")
    for m in ("wco", "uwo"):
        r = get("bon", m)
        if r is not None:
            out.append(f"- Best-of-n with `{m}`: largest fall of gold from its running peak up to n = 4096 is "
                       f"{fmt(r.get('max_dip'))} z (single RM: {fmt(get('bon', 'single').get('max_dip'))}); gold at n = 4096 "
                       f"{fmt(r['final_gold'])} vs peak {fmt(r['peak_gold'])} at n = {r['peak_setting']}.")
    if monitor.get("kl_ratio") is not None:
        out.append(f"- Monitor: kept step {monitor['stop_step']} at KL {fmt(monitor['stop_kl'])} = "
                   f"{100 * monitor['kl_ratio']:.0f}% of the gold peak's KL {fmt(monitor['gold_peak_kl'])} (step "
                   f"{monitor['gold_peak_step']}; target within ±20%: **{'met' if monitor['kl_within_20pct'] else 'missed'}**); "
                   f"its gold {fmt(monitor['stopped_gold'])} = {_percent(monitor.get('gold_ratio'))} of "
                   f"the peak {fmt(monitor['peak_gold'])} (target ≥ 90%: "
                   f"**{'met' if monitor.get('gold_at_least_90pct') else 'missed'}**).")
    return out + [""]


def _percent(ratio: float | None) -> str:
    return "–" if ratio is None else f"{100 * ratio:.0f}%"


HONEST_NOTES = """## How to read this (and what differs from the papers)

- The monitor rode along on the single-RM β = 0 run in warn mode and froze its choice when its rule
  fired; in stop mode training would end at `triggered_step` with the same kept checkpoint (the
  monitor restores the torch RNG state after sampling, so watching does not change training).
- `stopped_gold` is the kept checkpoint re-measured by the lab's evaluator with gold, after the run.
- The rule's degradation signals (repetition, length) are gold-free, but in this toy world gold
  penalizes exactly repetition and length, so they are better aligned with gold here than a generic
  detector would be in a real task. The test RM shares the proxy's architecture and data
  distribution, so it shares many of its blind spots.
- Coste et al. used 5 members, 44M-1.3B RMs, 46k prompts, PPO for 3,000 steps at lr 1e-6 and
  12,500-sample best-of-n; this lab uses tiny RMs on {pairs} pairs, GRPO for {steps} steps at lr {lr} and
  a {pool}-sample pool on {prompts} prompts, one seed.
"""
