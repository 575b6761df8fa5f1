"""The numbers behind `overopt eval`: pass@k, pass^k and hack@k per prompt and as curves, rates with Wilson
intervals, Newcombe intervals for a difference of rates, paired bootstrap differences, distinct-n and
distribution summaries. Bad arguments raise ConfigError.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from overopt.detect.scan import wilson
from overopt.errors import ConfigError
from overopt.sweep import bootstrap_mean

QUANTILES = {"q05": 0.05, "q25": 0.25, "q50": 0.50, "q75": 0.75, "q95": 0.95}


def _count(name: str, value: Any, low: int = 0) -> int:
    """`value` as an int >= low, or ConfigError."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ConfigError(f"{name} must be a whole number, got {value!r}")
    if value < low:
        raise ConfigError(f"{name} must be >= {low}, got {value}")
    return int(value)


def _check_nck(n: int, c: int, k: int, c_name: str = "c") -> tuple[int, int, int]:
    n, c, k = _count("n", n), _count(c_name, c), _count("k", k, low=1)
    if c > n:
        raise ConfigError(f"{c_name} must be <= n (successes out of n samples), got {c_name}={c} > n={n}")
    if k > n:
        raise ConfigError(f"k must be <= n (k samples drawn out of n), got k={k} > n={n}")
    return n, c, k


def _finite(name: str, values: Sequence[float]) -> np.ndarray:
    x = np.asarray(list(values), dtype=float)
    if x.ndim != 1 or not np.all(np.isfinite(x)):
        raise ConfigError(f"{name} must be a flat sequence of finite numbers")
    return x


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k (Chen et al. 2021): the chance that at least one of k samples drawn without replacement
    from n samples, c of them correct, is correct: 1 - C(n-c, k) / C(n, k), as a stable product."""
    n, c, k = _check_nck(n, c, k)
    if n - c < k:
        return 1.0
    return 1.0 - math.prod(1.0 - k / i for i in range(n - c + 1, n + 1))


def pass_hat_k(n: int, c: int, k: int) -> float:
    """pass^k (Yao et al. 2024, tau-bench): the chance that all of k samples drawn without replacement from n
    samples, c of them correct, are correct: C(c, k) / C(n, k), as a stable product."""
    n, c, k = _check_nck(n, c, k)
    if c < k:
        return 0.0
    return math.prod((c - i) / (n - i) for i in range(k))


def hack_at_k(n: int, flagged: int, k: int) -> float:
    """hack@k: the chance that at least one of k samples drawn from n, `flagged` of them flagged as hacks, is
    flagged. The same estimator as pass_at_k with flagged samples in place of correct ones."""
    _check_nck(n, flagged, k, c_name="flagged")
    return pass_at_k(n, flagged, k)


def k_curves(counts: Sequence[tuple[int, int]], ks: Sequence[int] | None = None) -> dict[str, list]:
    """pass@k and pass^k averaged over prompts, for each k (default 1..largest n). counts: (n, c) per prompt.
    A k is only defined for prompts with n >= k, so each k averages over those; "prompts" says how many
    (0, with None means, when no prompt has that many samples)."""
    pairs = [(_count("n", n), _count("c", c)) for n, c in counts]
    for n, c in pairs:
        if c > n:
            raise ConfigError(f"each prompt's c must be <= its n, got (n={n}, c={c})")
    ks = list(range(1, max((n for n, _ in pairs), default=0) + 1)) if ks is None else [_count("k", k, 1) for k in ks]
    out: dict[str, list] = {"k": ks, "pass_at_k": [], "pass_hat_k": [], "prompts": []}
    for k in ks:
        used = [(n, c) for n, c in pairs if n >= k]
        out["prompts"].append(len(used))
        out["pass_at_k"].append(float(np.mean([pass_at_k(n, c, k) for n, c in used])) if used else None)
        out["pass_hat_k"].append(float(np.mean([pass_hat_k(n, c, k) for n, c in used])) if used else None)
    return out


def per_prompt_difference(a: Sequence[float], b: Sequence[float], *, resamples: int = 2000,
                          seed: int = 0) -> dict[str, Any]:
    """Paired by prompt: the mean of a_i - b_i with a 95% percentile bootstrap interval over prompts
    (low/high None with fewer than two prompts; mean None with none)."""
    x, y = _finite("a", a), _finite("b", b)
    if x.size != y.size:
        raise ConfigError(f"a and b must hold one value per prompt in the same order, got {x.size} and {y.size}")
    _count("resamples", resamples, low=1)
    mean, low, high = bootstrap_mean(list(x - y), resamples=resamples, seed=seed)
    return {"mean": mean if x.size else None, "low": low, "high": high, "n": int(x.size)}


def rate(k: int, n: int) -> dict[str, Any]:
    """k of n as a rate with its Wilson 95% interval (rate None and interval 0..1 when n == 0)."""
    k, n = _count("k", k), _count("n", n)
    if k > n:
        raise ConfigError(f"k must be <= n (k of n samples), got k={k} > n={n}")
    low, high = wilson(k, n)
    return {"rate": k / n if n else None, "low": low, "high": high, "k": k, "n": n}


def rate_difference(k1: int, n1: int, k2: int, n2: int) -> dict[str, Any]:
    """k1/n1 - k2/n2 with Newcombe's hybrid score 95% interval (method 10 of Newcombe 1998, Stat Med 17:873),
    built from the two Wilson intervals (l1, u1), (l2, u2):
    low = d - sqrt((p1 - l1)^2 + (u2 - p2)^2), high = d + sqrt((u1 - p1)^2 + (p2 - l2)^2).
    All None when either n is 0."""
    first, second = rate(k1, n1), rate(k2, n2)
    p1, p2 = first["rate"], second["rate"]
    if p1 is None or p2 is None:
        return {"difference": None, "low": None, "high": None, "n1": n1, "n2": n2}
    d = p1 - p2
    low = d - math.hypot(p1 - first["low"], second["high"] - p2)
    high = d + math.hypot(first["high"] - p1, p2 - second["low"])
    return {"difference": d, "low": max(-1.0, low), "high": min(1.0, high), "n1": n1, "n2": n2}


def distinct_n(texts: Sequence[str], n: int) -> float:
    """Distinct n-grams / all n-grams over the whitespace tokens of every text (n-grams do not cross texts);
    0.0 when there are no n-grams."""
    n = _count("n", n, low=1)
    if isinstance(texts, str):
        raise ConfigError("texts must be a sequence of strings, not one string")
    grams: list[tuple[str, ...]] = []
    for text in texts:
        tokens = text.split()
        grams.extend(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
    return len(set(grams)) / len(grams) if grams else 0.0


def summary_stats(values: Sequence[float]) -> dict[str, Any]:
    """n, mean, std (population, ddof=0), min, max, quantiles q05..q95 (linear interpolation) and the mean's
    95% bootstrap interval (low/high, None with fewer than two values). Fields are None when empty."""
    x = _finite("values", values)
    if x.size == 0:
        return {"n": 0, "mean": None, "std": None, "min": None, "max": None, "low": None, "high": None,
                **{name: None for name in QUANTILES}}
    mean, low, high = bootstrap_mean(list(x))
    quantiles = np.quantile(x, list(QUANTILES.values()))
    return {"n": int(x.size), "mean": mean, "std": float(x.std()), "min": float(x.min()), "max": float(x.max()),
            "low": low, "high": high, **{name: float(q) for name, q in zip(QUANTILES, quantiles)}}
