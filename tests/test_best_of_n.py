import itertools
import math

import numpy as np
import pytest

from overopt.optimize.best_of_n import best_of_n, bon_kl, bon_weights


@pytest.mark.parametrize("n", [1, 2, 4, 16, 64, 1000])
def test_bon_kl_matches_brute_force_on_a_fine_discrete_base(n):
    # base: uniform over M items with distinct scores; best-of-n picks item i with
    # P(i) = (i/M)^n - ((i-1)/M)^n. As M grows its KL tends to ln n - (n-1)/n.
    m = 200_000
    i = np.arange(1, m + 1, dtype=np.float64)
    p = (i / m) ** n - ((i - 1) / m) ** n
    nz = p > 0
    brute = float(np.sum(p[nz] * np.log(p[nz] * m)))
    assert bon_kl(n) == pytest.approx(brute, abs=2e-3)


def test_bon_kl_values_from_the_literature():
    # Gao et al. 2023 table: n=2 -> 0.19, 4 -> 0.64, 16 -> 1.84, 64 -> 3.18, 1000 -> 5.91 nats
    for n, kl in [(2, 0.19), (4, 0.64), (16, 1.84), (64, 3.18), (1000, 5.91)]:
        assert bon_kl(n) == pytest.approx(kl, abs=0.01)
    with pytest.raises(ValueError):
        bon_kl(0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_unbiased_estimator_equals_enumeration_of_all_subsets(seed):
    rng = np.random.default_rng(seed)
    pool = 8
    proxy = rng.normal(size=(3, pool))
    gold = rng.normal(size=(3, pool))
    ns = list(range(1, pool + 1))
    got = best_of_n(proxy, gold, ns)
    for k, n in enumerate(ns):
        per_prompt = []
        for row in range(3):
            picks = [gold[row, max(c, key=lambda j: proxy[row, j])] for c in itertools.combinations(range(pool), n)]
            per_prompt.append(np.mean(picks))
        assert got[k] == pytest.approx(np.mean(per_prompt), abs=1e-10)


def test_weights_special_cases():
    w = bon_weights(10, 1)
    assert np.allclose(w, 0.1)  # n=1: the plain mean
    w = bon_weights(10, 10)
    assert w[-1] == pytest.approx(1.0) and np.allclose(w[:-1], 0)  # n=N: the max
    w = bon_weights(4096, 64)
    assert w.sum() == pytest.approx(1.0) and np.all(np.diff(w) >= 0)
    for bad in (0, 11):
        with pytest.raises(ValueError):
            bon_weights(10, bad)


def test_selection_by_proxy_not_by_gold():
    proxy = np.array([[0.0, 1.0, 2.0]])
    gold = np.array([[5.0, 0.0, -5.0]])  # the proxy's favorite is the worst by gold
    assert best_of_n(proxy, gold, [3])[0] == pytest.approx(-5.0)
    assert best_of_n(proxy, gold, [1])[0] == pytest.approx(0.0)
    assert math.isclose(best_of_n(proxy, gold, [2])[0], (0.0 - 5.0 - 5.0) / 3)
