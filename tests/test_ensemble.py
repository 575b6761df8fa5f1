"""Reward-model ensembles: aggregators against hand-computed values, the Scorer, best-of-n selection."""

import numpy as np
import pytest

from overopt.measure.overoptimization import BonPool, measure_best_of_n
from overopt.rewards.base import ZScore
from overopt.rewards.ensemble import EnsembleScorer, aggregate

# 3 members x 3 completions
S = np.array([[1.0, 2.0, 3.0],
              [3.0, 2.0, 0.0],
              [2.0, 5.0, 3.0]])


def test_mean_min_and_population_variance_by_hand():
    assert aggregate(S, "mean").tolist() == [2.0, 3.0, 2.0]
    assert aggregate(S, "wco").tolist() == [1.0, 2.0, 0.0]
    # column 0: mean 2, population var (1 + 1 + 0) / 3 = 2/3; column 1: mean 3, var (1 + 1 + 4) / 3 = 2;
    # column 2: mean 2, var (1 + 4 + 1) / 3 = 2.  UWO = mean - λ var with λ = 0.5:
    np.testing.assert_allclose(aggregate(S, "uwo", uwo_lambda=0.5), [2 - 1 / 3, 2.0, 1.0])
    np.testing.assert_allclose(aggregate(S, "uwo", uwo_lambda=0.0), aggregate(S, "mean"))
    np.testing.assert_allclose(aggregate(S, "uwo", uwo_lambda=3.0), [0.0, -3.0, -4.0])


def test_aggregate_rejects_bad_input():
    with pytest.raises(ValueError, match="unknown aggregation"):
        aggregate(S, "max")
    with pytest.raises(ValueError, match="uwo_lambda"):
        aggregate(S, "uwo", uwo_lambda=-1)
    with pytest.raises(ValueError, match=r"\[k, n\]"):
        aggregate(np.ones(3), "mean")


class Fixed:
    """A member scorer returning fixed scores per completion text, counting its calls."""

    def __init__(self, table: dict[str, float], name: str):
        self.table, self.name, self.calls = table, name, 0

    def __call__(self, prompts, completions):
        self.calls += 1
        return np.array([self.table[c] for c in completions])


def members():
    texts = ["a", "b", "c"]
    return [Fixed(dict(zip(texts, row)), f"m{i}") for i, row in enumerate(S)]


def test_ensemble_scorer_combines_and_shares_member_scores():
    ms = members()
    mean = EnsembleScorer.of(ms, "mean")
    wco, uwo = mean.with_aggregation("wco"), mean.with_aggregation("uwo", uwo_lambda=0.5)
    p, c = ["q"] * 3, ["a", "b", "c"]
    assert mean(p, c).tolist() == [2.0, 3.0, 2.0]
    assert wco(p, c).tolist() == [1.0, 2.0, 0.0]
    np.testing.assert_allclose(uwo(p, c), [2 - 1 / 3, 2.0, 1.0])
    np.testing.assert_allclose(mean.disagreement(p, c), [2 / 3, 2.0, 2.0])
    assert [m.calls for m in ms] == [1, 1, 1]      # one pass over the members for all three
    wco(p, ["c", "a"])
    assert [m.calls for m in ms] == [2, 2, 2]      # new texts: scored again
    assert wco.name == "ensemble_wco" and mean.k == 3


def test_standardised_members_are_z_scored_against_reference_samples():
    # member 1 is member 0 shifted by +10 and scaled by 3: standardized, they agree exactly
    m0 = Fixed({"a": 0.0, "b": 1.0, "c": 2.0}, "m0")
    m1 = Fixed({"a": 10.0, "b": 13.0, "c": 16.0}, "m1")
    ens = EnsembleScorer.standardized([m0, m1], ["q"] * 3, ["a", "b", "c"], "uwo", uwo_lambda=1.0)
    z = ZScore.fit(np.array([0.0, 1.0, 2.0]))
    np.testing.assert_allclose(ens(["q"] * 3, ["a", "b", "c"]), z(np.array([0.0, 1.0, 2.0])))
    np.testing.assert_allclose(ens.disagreement(["q"] * 2, ["a", "c"]), [0.0, 0.0], atol=1e-12)


def test_wco_selector_avoids_what_one_member_overrates_in_best_of_n():
    # one prompt, pool of 4: member 0 loves sample 3 (a hack), member 1 does not
    ms = [Fixed({"s0": 0.0, "s1": 1.0, "s2": 2.0, "s3": 9.0}, "m0"),
          Fixed({"s0": 0.0, "s1": 1.0, "s2": 2.0, "s3": -3.0}, "m1")]
    gold = np.array([[0.0, 1.0, 2.0, -3.0]])
    comps = ["s0", "s1", "s2", "s3"]
    pool = BonPool(["q"] * 4, comps, {"proxy": np.array([[0.0, 1.0, 2.0, 9.0]]), "gold": gold},
                   np.ones((1, 4)))
    ident = ZScore(0.0, 1.0)
    pool = pool.rescored("wco", EnsembleScorer.of(ms, "wco")).rescored("mean", EnsembleScorer.of(ms, "mean"))
    z = {"proxy": ident, "gold": ident, "wco": ident, "mean": ident}
    single = measure_best_of_n(pool, z, [4], selector="proxy")[0]
    wco = measure_best_of_n(pool, z, [4], selector="wco")[0]
    mean = measure_best_of_n(pool, z, [4], selector="mean")[0]
    # mean rates the hack (9 - 3) / 2 = 3 > 2 and still picks it; the worst case, min(9, -3), does not
    assert single["gold"] == -3.0 and mean["gold"] == -3.0 and wco["gold"] == 2.0
    assert wco["wco"] == 2.0


def test_combine_matches_calling_the_ensemble_on_precomputed_member_matrices():
    ms = members()
    z = [ZScore(1.0, 2.0), ZScore(0.0, 1.0), ZScore(-1.0, 0.5)]
    ens = EnsembleScorer.of(ms, "uwo", uwo_lambda=0.5, z=z)
    direct = ens(["q"] * 3, ["a", "b", "c"])
    raw = [S[i].reshape(1, 3) for i in range(3)]           # e.g. a [prompts, pool] matrix per member
    np.testing.assert_allclose(ens.combine(raw), direct.reshape(1, 3))
    with pytest.raises(ValueError, match="3 members"):
        ens.combine(raw[:2])
