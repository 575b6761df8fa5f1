"""From scored samples to the numbers: per prompt and overall, for the model and the baseline, and what changed.

Per model: pass@k and pass^k (unbiased, over the prompts with a graded sample), hack@k (a sample is a hack when
it games the grader or the record), the reward's mean and quantiles, the rate of every detector category and
of passing with Wilson intervals, length and distinct-n. With a baseline: the differences paired by prompt
(bootstrap over prompts) and the differences of the rates (Newcombe's interval).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Sequence

import numpy as np

from overopt.evals._prompts import Prompt
from overopt.evals._stats import (distinct_n, k_curves, per_prompt_difference, rate, rate_difference,
                                  summary_stats)

#: Per-prompt numbers compared between the model and the baseline.
PAIRED = ("pass_rate", "hack_rate", "reward_mean", "length_mean", "distinct_2")


def _length(record: dict) -> float:
    return float(record["tokens"]) if record.get("tokens") is not None else float(len(record["text"].split()))


def per_prompt(records: Sequence[dict], prompts: Sequence[Prompt]) -> list[dict[str, Any]]:
    """One row per prompt that has samples: counts, rates, reward and length."""
    by_prompt: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        by_prompt[r["prompt_id"]].append(r)
    rows = []
    for p in prompts:
        rs = by_prompt.get(p.id, [])
        if not rs:
            continue
        graded = [r for r in rs if r.get("passed") is not None]
        rewards = [r["reward"] for r in rs if r.get("reward") is not None]
        passed = sum(bool(r["passed"]) for r in graded)
        hacked = sum(bool(r.get("hacked")) for r in rs)
        rows.append({
            "prompt_id": p.id, "category": p.category, "samples": len(rs), "graded": len(graded), "passed": passed,
            "pass_rate": passed / len(graded) if graded else None, "hacked": hacked, "hack_rate": hacked / len(rs),
            "reward_mean": float(np.mean(rewards)) if rewards else None,
            "reward_std": float(np.std(rewards)) if rewards else None,
            "length_mean": float(np.mean([_length(r) for r in rs])), "distinct_2": distinct_n([r["text"] for r in rs], 2),
            "flags": dict(sorted(_flag_counts(rs).items())),
        })
    return rows


def _flag_counts(records: Sequence[dict]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for r in records:
        for category in r.get("flags") or {}:
            counts[category] += 1
    return counts


def model_summary(records: Sequence[dict], rows: Sequence[dict], samples: int) -> dict[str, Any]:
    """The overall numbers of one model."""
    graded_counts = [(row["graded"], row["passed"]) for row in rows if row["graded"]]
    hack_counts = [(row["samples"], row["hacked"]) for row in rows]
    ks = list(range(1, samples + 1))
    passing = k_curves(graded_counts, ks) if graded_counts else None
    hacks = k_curves(hack_counts, ks) if hack_counts else None
    graded = [r for r in records if r.get("passed") is not None]
    rewards = [r["reward"] for r in records if r.get("reward") is not None]
    flags = _flag_counts(records)
    return {
        "samples": len(records), "prompts": len(rows), "graded": len(graded),
        "pass": rate(sum(bool(r["passed"]) for r in graded), len(graded)) if graded else None,
        "hack": rate(sum(bool(r.get("hacked")) for r in records), len(records)),
        "k": ks,
        "pass_at_k": passing["pass_at_k"] if passing else None,
        "pass_hat_k": passing["pass_hat_k"] if passing else None,
        "hack_at_k": hacks["pass_at_k"] if hacks else None,
        "reward": summary_stats(rewards) if rewards else None,
        "length": summary_stats([_length(r) for r in records]),
        "distinct_1": distinct_n([r["text"] for r in records], 1),
        "distinct_2": distinct_n([r["text"] for r in records], 2),
        "stopped_at_length_cap": rate(sum(r.get("finish_reason") == "length" for r in records), len(records)),
        "flags": {c: rate(k, len(records)) for c, k in sorted(flags.items())},
        "grader_errors": sum(1 for r in records if r.get("grader_error")),
        "by_prompt_category": _by_category(rows),
    }


def _by_category(rows: Sequence[dict]) -> dict[str, Any]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        if row["category"] is not None:
            groups[row["category"]].append(row)
    out = {}
    for name, rs in sorted(groups.items()):
        graded = sum(r["graded"] for r in rs)
        out[name] = {"prompts": len(rs),
                     "pass": rate(sum(r["passed"] for r in rs), graded) if graded else None,
                     "hack": rate(sum(r["hacked"] for r in rs), sum(r["samples"] for r in rs))}
    return out


def compare(model_rows: Sequence[dict], base_rows: Sequence[dict], model: dict, base: dict) -> dict[str, Any]:
    """Model minus baseline: per-prompt differences paired by prompt, and differences of the rates."""
    base_by_id = {r["prompt_id"]: r for r in base_rows}
    paired: dict[str, Any] = {}
    for key in PAIRED:
        pairs = [(m[key], base_by_id[m["prompt_id"]][key]) for m in model_rows
                 if m["prompt_id"] in base_by_id and m[key] is not None
                 and base_by_id[m["prompt_id"]][key] is not None]
        if pairs:
            paired[key] = per_prompt_difference([a for a, _ in pairs], [b for _, b in pairs])
    rates: dict[str, Any] = {}
    for name in ("pass", "hack", "stopped_at_length_cap"):
        if model.get(name) and base.get(name):
            rates[name] = rate_difference(model[name]["k"], model[name]["n"], base[name]["k"], base[name]["n"])
    for c in sorted(set(model["flags"]) | set(base["flags"])):
        m = model["flags"].get(c) or {"k": 0, "n": model["samples"]}
        b = base["flags"].get(c) or {"k": 0, "n": base["samples"]}
        rates[f"flag:{c}"] = rate_difference(m["k"], m["n"], b["k"], b["n"])
    return {"paired_by_prompt": paired, "rates": rates}


def summarize(records: dict[str, list[dict]], prompts: Sequence[Prompt], samples: int) -> dict[str, Any]:
    """summary.json's content, and the per-prompt rows of every model (for per_prompt.csv)."""
    rows = {role: per_prompt(rs, prompts) for role, rs in records.items()}
    out: dict[str, Any] = {role: model_summary(records[role], rows[role], samples) for role in records}
    if "baseline" in records and "model" in records:
        out["model_minus_baseline"] = compare(rows["model"], rows["baseline"], out["model"], out["baseline"])
    return {"summary": out, "rows": rows}
