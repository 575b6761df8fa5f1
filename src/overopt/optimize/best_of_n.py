"""Best-of-n from one pool of samples: the unbiased estimator and the analytic KL.

With N >= n samples of one prompt sorted by proxy score, the expected score of best-of-n (n drawn
without replacement, the proxy's favorite kept) is sum_i w_i x_(i), with weight
C(i-1, n-1) / C(N, n) on the i-th smallest (Nakano et al. 2021, App. I).
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
from scipy.special import gammaln

from overopt.errors import ConfigError


def bon_kl(n: int) -> float:
    """KL(best-of-n || base) = ln n - (n - 1) / n (Stiennon et al. 2020, App. G.3)."""
    if n < 1:
        raise ConfigError(f"n must be a positive integer, got {n}")
    return math.log(n) - (n - 1) / n


def bon_weights(pool_size: int, n: int) -> np.ndarray:
    """Weights on the ranks 1..N (ascending proxy) of the unbiased best-of-n estimator."""
    if not 1 <= n <= pool_size:
        raise ConfigError(f"need 1 <= n <= pool size ({pool_size}), got n={n}")
    i = np.arange(1, pool_size + 1)
    log_w = np.full(pool_size, -np.inf)
    ok = i >= n
    k = i[ok]
    log_w[ok] = (gammaln(k) - gammaln(n) - gammaln(k - n + 1)
                 - (gammaln(pool_size + 1) - gammaln(n + 1) - gammaln(pool_size - n + 1)))
    w = np.exp(log_w)
    return w / w.sum()


def best_of_n(proxy: np.ndarray, values: np.ndarray, ns: Sequence[int]) -> np.ndarray:
    """Expected `values` of the proxy's best-of-n, averaged over prompts.

    `proxy` and `values` are [prompts, pool]; returns one number per n. Ties in the proxy are
    broken by pool order (stable sort).
    """
    proxy, values = np.atleast_2d(proxy), np.atleast_2d(values)
    order = np.argsort(proxy, axis=1, kind="stable")
    sorted_values = np.take_along_axis(values, order, axis=1)
    pool = proxy.shape[1]
    return np.array([(sorted_values @ bon_weights(pool, n)).mean() for n in ns])
