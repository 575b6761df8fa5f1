"""The mitigations lab's summary: a row per (optimizer, method) for mitigations.csv, and the monitor's
kept checkpoint against the single-RM run's true gold peak for monitor.json."""

from __future__ import annotations

import math

from overopt.monitor.monitor import MonitorResult

SUMMARY_COLUMNS = ["optimizer", "method", "final_gold", "peak_gold", "gold_drop", "kl_at_peak", "peak_step",
                   "peak_setting", "final_kl", "final_optimized", "final_test_rm", "drop_vs_single", "max_dip"]


def summarize_curve(points: list[dict], key: str = "gold") -> dict:
    """Peak, final value, drop and largest dip of `key` along one run's curve."""
    peak = max(points, key=lambda p: p[key])
    final = points[-1]
    running, dip = -math.inf, 0.0  # the largest fall from the running maximum along the curve
    for p in points:
        running = max(running, p[key])
        dip = max(dip, running - p[key])
    return {"max_dip": dip, "final_gold": final[key], "peak_gold": peak[key], "gold_drop": peak[key] - final[key],
            "kl_at_peak": peak["kl"], "peak_step": peak["step"], "peak_setting": peak["setting"],
            "final_kl": final["kl"], "final_optimized": final.get("optimized"),
            "final_test_rm": final.get("test_rm")}


def single_rl_points(points: list[dict]) -> list[dict]:
    """The single-RM β = 0 GRPO run's points: the run the monitor watched."""
    return [p for p in points if p["run"] == "single" and p["method"] == "rl"]


def summary_rows(points: list[dict], monitor: dict, stopped: dict | None) -> list[dict]:
    """A row per (optimizer, method), RL first, the monitor's kept checkpoint last, each with its gold drop
    relative to the single RM's under the same optimizer (`drop_vs_single`)."""
    rows = []
    for optimizer in ("rl", "bon"):
        runs = list(dict.fromkeys(p["run"] for p in points if p["method"] == optimizer))
        for name in runs:
            pts = [p for p in points if p["run"] == name and p["method"] == optimizer]
            rows.append({"optimizer": optimizer, "method": name, **summarize_curve(pts)})
    if stopped is not None:
        rows.append({"optimizer": "rl", "method": "monitor", "final_gold": stopped["gold"],
                     "peak_gold": monitor["peak_gold"], "gold_drop": monitor["peak_gold"] - stopped["gold"],
                     "kl_at_peak": monitor["gold_peak_kl"], "peak_step": monitor["gold_peak_step"],
                     "final_kl": stopped["kl"], "final_optimized": stopped["proxy"],
                     "final_test_rm": stopped["test_rm"]})
    single = {optimizer: next((r for r in rows if r["optimizer"] == optimizer and r["method"] == "single"), None)
              for optimizer in ("rl", "bon")}
    for r in rows:
        drop = single[r["optimizer"]]["gold_drop"]
        r["drop_vs_single"] = (r["gold_drop"] / drop) if drop > 1e-9 else None
    return rows


def monitor_summary(result: MonitorResult | None, stopped: dict | None, single: list[dict]) -> dict:
    """Where the monitor stopped (its kept checkpoint re-measured: `stopped`) against the true gold peak of
    the run it watched (`single`); non-finite numbers become None."""
    peak = max(single, key=lambda p: p["gold"])
    out = {"stop_step": None, "stop_kl": None, "gold_peak_kl": peak["kl"], "gold_peak_step": peak["step"],
           "stopped_gold": None, "peak_gold": peak["gold"], "final_gold": single[-1]["gold"],
           "final_step": single[-1]["step"]}
    if result is None:
        return {**out, "kl_ratio": None, "gold_ratio": None}
    out.update(stop_step=result.stop_step, stop_kl=result.stop_kl, triggered_step=result.triggered_step,
               reasons=result.reasons, predicted_peak_sqrt_kl=result.predicted_peak_sqrt_kl,
               predicted_peak_step=result.predicted_peak_step, monitor_seconds=result.seconds,
               measurements=result.measurements, checkpoint=result.checkpoint)
    if stopped is not None:  # the kept checkpoint, measured like every curve point (same samples' seed)
        out["stopped_gold"] = stopped["gold"]
        out["monitor_stop_kl"] = out["stop_kl"]  # the monitor's own estimate, on its own samples
        out["stop_kl"] = stopped["kl"]
    if out["stop_kl"] is not None and peak["kl"] > 0:
        out["kl_ratio"] = out["stop_kl"] / peak["kl"]
        out["kl_within_20pct"] = abs(out["kl_ratio"] - 1) <= 0.2
    if out["stopped_gold"] is not None and peak["gold"] > 0:
        out["gold_ratio"] = out["stopped_gold"] / peak["gold"]
        out["gold_at_least_90pct"] = out["gold_ratio"] >= 0.9
    out.setdefault("kl_ratio", None)  # undefined (no kept checkpoint, or a peak at or below 0): None
    out.setdefault("gold_ratio", None)
    return {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in out.items()}
