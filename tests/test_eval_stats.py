"""`overopt eval` statistics: pass@k, pass^k, hack@k against brute force, k curves over mixed sample counts,
Wilson and Newcombe intervals (published values and simulated coverage), paired bootstrap, distinct-n."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from overopt.errors import ConfigError
from overopt.evals._stats import (
    distinct_n,
    hack_at_k,
    k_curves,
    pass_at_k,
    pass_hat_k,
    per_prompt_difference,
    rate,
    rate_difference,
    summary_stats,
)


def brute_force(n, c, k):
    """(any of k pass, all of k pass) averaged over every k-subset of n samples, c of which pass."""
    samples = [True] * c + [False] * (n - c)
    subsets = list(itertools.combinations(samples, k))
    return (sum(any(s) for s in subsets) / len(subsets), sum(all(s) for s in subsets) / len(subsets))


def test_k_estimators_match_brute_force_enumeration():
    checked = 0
    for n in range(1, 9):
        for c in range(n + 1):
            for k in range(1, n + 1):
                any_pass, all_pass = brute_force(n, c, k)
                assert pass_at_k(n, c, k) == pytest.approx(any_pass, abs=1e-12), (n, c, k)
                assert pass_hat_k(n, c, k) == pytest.approx(all_pass, abs=1e-12), (n, c, k)
                assert hack_at_k(n, c, k) == pytest.approx(any_pass, abs=1e-12), (n, c, k)
                checked += 1
    assert checked == sum(n * (n + 1) for n in range(1, 9))


def test_k_estimators_known_values_and_large_n():
    assert pass_at_k(10, 1, 1) == pytest.approx(0.1)
    assert pass_at_k(10, 3, 2) == pytest.approx(1 - (7 * 6) / (10 * 9))
    assert pass_hat_k(10, 3, 2) == pytest.approx((3 * 2) / (10 * 9))
    # the product form stays finite and right where the binomials are huge
    assert pass_at_k(2000, 1, 1000) == pytest.approx(0.5)
    assert pass_hat_k(2000, 1999, 1000) == pytest.approx(0.5)


@pytest.mark.parametrize("call", [
    lambda: pass_at_k(5, 6, 1),       # c > n
    lambda: pass_at_k(5, 2, 6),       # k > n
    lambda: pass_at_k(5, 2, 0),       # k < 1
    lambda: pass_hat_k(5, -1, 1),     # negative count
    lambda: pass_hat_k(-1, 0, 1),
    lambda: hack_at_k(4, 5, 1),       # flagged > n
    lambda: pass_at_k(5.5, 2, 1),     # not a whole number
    lambda: k_curves([(3, 4)]),
    lambda: k_curves([(3, 1)], ks=[0]),
    lambda: rate(3, 2),
    lambda: rate(-1, 2),
    lambda: rate_difference(1, 2, 3, 2),
    lambda: distinct_n(["a b"], 0),
    lambda: distinct_n("a b c", 1),
    lambda: per_prompt_difference([1.0], [float("nan")]),
    lambda: summary_stats([1.0, float("inf")]),
])
def test_bad_arguments_raise_config_error(call):
    with pytest.raises(ConfigError):
        call()


def test_hack_at_k_message_names_flagged():
    with pytest.raises(ConfigError, match="flagged"):
        hack_at_k(4, 5, 1)


def test_k_curves_average_over_prompts_with_enough_samples():
    counts = [(4, 2), (2, 1), (3, 3), (1, 0)]
    out = k_curves(counts)
    assert out["k"] == [1, 2, 3, 4]
    assert out["prompts"] == [4, 3, 2, 1]
    for i, k in enumerate(out["k"]):
        used = [(n, c) for n, c in counts if n >= k]
        assert out["pass_at_k"][i] == pytest.approx(np.mean([brute_force(n, c, k)[0] for n, c in used]))
        assert out["pass_hat_k"][i] == pytest.approx(np.mean([brute_force(n, c, k)[1] for n, c in used]))
    # by hand: k=1 is the mean pass rate (0.5 + 0.5 + 1 + 0) / 4; k=4 is the one prompt with 4 samples
    assert out["pass_at_k"][0] == pytest.approx(0.5)
    assert out["pass_at_k"][3] == pytest.approx(1.0)
    assert out["pass_hat_k"][3] == pytest.approx(0.0)
    # k=3 uses (4, 2) and (3, 3): pass@3 = (1 + 1) / 2, pass^3 = (0 + 1) / 2
    assert out["pass_at_k"][2] == pytest.approx(1.0) and out["pass_hat_k"][2] == pytest.approx(0.5)


def test_k_curves_explicit_ks_and_undefined_k():
    out = k_curves([(2, 1), (3, 0)], ks=[1, 5])
    assert out["k"] == [1, 5] and out["prompts"] == [2, 0]
    assert out["pass_at_k"] == [pytest.approx(0.25), None]
    assert out["pass_hat_k"] == [pytest.approx(0.25), None]
    assert k_curves([]) == {"k": [], "pass_at_k": [], "pass_hat_k": [], "prompts": []}


def test_rate_wilson_hand_computed_values():
    # 5/10: center 0.5, half = 1.96 * sqrt(0.025 + 1.96^2/400) / (1 + 1.96^2/10) = 0.2634
    r = rate(5, 10)
    assert r["rate"] == 0.5 and r["k"] == 5 and r["n"] == 10
    assert (r["low"], r["high"]) == (pytest.approx(0.2366, abs=1e-4), pytest.approx(0.7634, abs=1e-4))
    # Newcombe 1998 (single proportion, Stat Med 17:857), Wilson method: 81/263 and 0/20
    r = rate(81, 263)
    assert (r["low"], r["high"]) == (pytest.approx(0.2553, abs=1e-4), pytest.approx(0.3662, abs=1e-4))
    r = rate(0, 20)
    assert (r["low"], r["high"]) == (0.0, pytest.approx(0.1611, abs=1e-4))
    assert rate(0, 0) == {"rate": None, "low": 0.0, "high": 1.0, "k": 0, "n": 0}


@pytest.mark.parametrize("p", [0.1, 0.5])
def test_rate_wilson_covers_about_95_percent(p):
    rng = np.random.default_rng(1234)
    n = 40
    hits = 0
    for k in rng.binomial(n, p, size=2000):
        r = rate(int(k), n)
        hits += r["low"] <= p <= r["high"]
    assert 0.92 <= hits / 2000 <= 0.98


# Newcombe 1998 (Stat Med 17:873), Table II, method 10 (hybrid score, no continuity correction).
# The same figures come out when derived by hand from the two Wilson intervals.
NEWCOMBE_TABLE_II = [
    ((56, 70, 48, 80), 0.0524, 0.3339),
    ((9, 10, 3, 10), 0.1705, 0.8090),
    ((6, 7, 2, 7), 0.0582, 0.8062),
    ((5, 56, 0, 29), -0.0381, 0.1926),
    ((0, 10, 0, 20), -0.1611, 0.2775),
    ((0, 10, 0, 10), -0.2775, 0.2775),
    ((10, 10, 0, 20), 0.6791, 1.0000),
    ((10, 10, 0, 10), 0.6075, 1.0000),
]


@pytest.mark.parametrize("counts,low,high", NEWCOMBE_TABLE_II)
def test_rate_difference_matches_newcombe_table(counts, low, high):
    k1, n1, k2, n2 = counts
    out = rate_difference(*counts)
    assert out["difference"] == pytest.approx(k1 / n1 - k2 / n2)
    assert out["low"] == pytest.approx(low, abs=1e-4) and out["high"] == pytest.approx(high, abs=1e-4)


def test_rate_difference_within_bounds_and_order():
    for k1, n1, k2, n2 in [(0, 5, 5, 5), (5, 5, 0, 5), (3, 3, 0, 1), (0, 1, 1, 1), (2, 9, 7, 8)]:
        out = rate_difference(k1, n1, k2, n2)
        assert -1.0 <= out["low"] <= out["difference"] <= out["high"] <= 1.0
    flipped = rate_difference(48, 80, 56, 70)
    assert flipped["low"] == pytest.approx(-0.3339, abs=1e-4) and flipped["high"] == pytest.approx(-0.0524, abs=1e-4)
    assert rate_difference(1, 0 + 2, 0, 0)["difference"] is None


@pytest.mark.parametrize("p1,n1,p2,n2", [(0.3, 40, 0.5, 50), (0.1, 60, 0.1, 60)])
def test_rate_difference_covers_about_95_percent(p1, n1, p2, n2):
    rng = np.random.default_rng(99)
    draws = zip(rng.binomial(n1, p1, size=2000), rng.binomial(n2, p2, size=2000))
    hits = 0
    for k1, k2 in draws:
        out = rate_difference(int(k1), n1, int(k2), n2)
        hits += out["low"] <= p1 - p2 <= out["high"]
    assert 0.92 <= hits / 2000 <= 0.98


def test_per_prompt_difference():
    rng = np.random.default_rng(5)
    a = list(rng.normal(0.0, 1.0, size=50))
    same = per_prompt_difference(a, a)
    assert same["mean"] == 0.0 and same["low"] <= 0.0 <= same["high"] and same["n"] == 50
    shifted = per_prompt_difference([x + 0.25 for x in a], a)
    assert shifted["mean"] == pytest.approx(0.25)
    assert shifted["low"] == pytest.approx(0.25) and shifted["high"] == pytest.approx(0.25)
    # a noisy real shift: the interval holds the mean, excludes 0, and is the same for the same seed
    b = [x - 0.5 + e for x, e in zip(a, rng.normal(0.0, 0.3, size=50))]
    out = per_prompt_difference(a, b, seed=3)
    assert out["low"] < out["mean"] < out["high"] and out["low"] > 0
    assert per_prompt_difference(a, b, seed=3) == out
    with pytest.raises(ConfigError, match="same order"):
        per_prompt_difference([1.0, 2.0], [1.0])
    assert per_prompt_difference([], []) == {"mean": None, "low": None, "high": None, "n": 0}


def test_distinct_n():
    assert distinct_n(["a b a b"], 1) == pytest.approx(2 / 4)
    assert distinct_n(["a b a b"], 2) == pytest.approx(2 / 3)         # ab, ba, ab
    assert distinct_n(["a b", "b a"], 2) == pytest.approx(2 / 2)      # n-grams do not cross texts
    assert distinct_n(["x  y\tz", "x y z"], 3) == pytest.approx(1 / 2)
    assert distinct_n(["a"], 2) == 0.0 and distinct_n([], 1) == 0.0


def test_summary_stats():
    out = summary_stats([float(v) for v in range(101)])
    assert out["n"] == 101 and out["mean"] == pytest.approx(50.0) and out["min"] == 0.0 and out["max"] == 100.0
    assert [out[q] for q in ("q05", "q25", "q50", "q75", "q95")] == pytest.approx([5, 25, 50, 75, 95])
    assert out["std"] == pytest.approx(np.std(np.arange(101)))
    assert out["low"] < 50.0 < out["high"] and out["high"] - out["low"] < 20
    empty = summary_stats([])
    assert empty["n"] == 0 and all(v is None for key, v in empty.items() if key != "n")
    one = summary_stats([2.0])
    assert one["mean"] == 2.0 and one["std"] == 0.0 and one["low"] is None and one["q95"] == 2.0
