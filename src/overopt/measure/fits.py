"""Gao et al. (2023) functional forms for gold reward vs d = sqrt(KL), fitted by least squares.

best-of-n: R(d) = d (a - b d),     peak at d* = a / (2b)
RL:        R(d) = d (a - b ln d),  peak at d* = exp(a / b - 1)

Direct alignment (DPO, IPO) gets the RL form, as Rafailov et al. (2024) fit it, to the checkpoints of all its
β values pooled (each β reaches its own range of KL).

Both forms are linear in (a, b), so the fit is ordinary least squares through R(0) = 0; rewards are
expected relative to the initial policy (ours are z-scores against the reference's samples).
"""

from __future__ import annotations

from typing import Sequence

import math
from dataclasses import dataclass

import numpy as np

from overopt.errors import ConfigError


@dataclass
class GaoFit:
    method: str
    a: float
    b: float
    r2: float
    predicted_peak_d: float | None
    predicted_peak_gold: float | None
    observed_peak_d: float
    observed_peak_gold: float
    points: int

    def predict(self, d: np.ndarray) -> np.ndarray:
        return gao_curve(self.method, np.asarray(d, dtype=float), self.a, self.b)


#: The functional form each method's gold curve is fitted with.
FORMS = {"bon": "bon", "rl": "rl", "dpo": "rl", "ipo": "rl"}


def gao_curve(method: str, d: np.ndarray, a: float, b: float) -> np.ndarray:
    method = FORMS.get(method, method)
    if method == "bon":
        return d * (a - b * d)
    if method == "rl":
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(d > 0, d * (a - b * np.log(np.where(d > 0, d, 1.0))), 0.0)
    raise ConfigError(f"unknown method {method!r} (expected 'bon' or 'rl')")


def fit_gao(method: str, d: np.ndarray, gold: np.ndarray) -> GaoFit:
    """Least-squares fit of `gold` vs `d` with `method`'s form (see FORMS); for the RL form, points at d = 0
    carry no information and are dropped."""
    name, method = method, FORMS.get(method, method)
    if method not in ("bon", "rl"):
        raise ConfigError(f"unknown method {name!r} (expected one of {sorted(FORMS)})")
    d, gold = np.asarray(d, dtype=float), np.asarray(gold, dtype=float)
    keep = d > 0 if method == "rl" else np.ones_like(d, dtype=bool)
    x, y = d[keep], gold[keep]
    if len(x) < 3:
        raise ConfigError(f"need at least 3 points to fit the {method} form to {name}, got {len(x)}")
    second = x * x if method == "bon" else x * np.log(x)
    design = np.stack([x, -second], axis=1)
    (a, b), *_ = np.linalg.lstsq(design, y, rcond=None)
    resid = y - design @ np.array([a, b])
    ss_tot = float(((y - y.mean()) ** 2).sum())
    r2 = 1.0 - float((resid ** 2).sum()) / ss_tot if ss_tot > 0 else float("nan")
    peak_d = peak_gold = None
    if b > 0:
        if method == "bon":
            peak_d = a / (2 * b)
        elif a / b - 1 < 700:  # beyond that the peak is astronomically far away: no finite prediction
            peak_d = math.exp(a / b - 1)
    if peak_d is not None:
        peak_gold = float(gao_curve(method, np.array([peak_d]), a, b)[0])
    i = int(np.argmax(gold))
    return GaoFit(name, float(a), float(b), r2, peak_d, peak_gold, float(d[i]), float(gold[i]), len(x))


def main_points(points: Sequence[dict]) -> list[dict]:
    """The curve points of the main run (no sweep)."""
    return [p for p in points if p.get("sweep") in (None, "", "main")]


def fit_points(points: Sequence[dict]) -> dict[str, GaoFit]:
    """Gao fits of gold vs sqrt(KL) per method (bon, rl, dpo, ipo) with at least 4 gold points (3 at d > 0 for
    the RL form)."""
    fits = {}
    for method in FORMS:
        pts = [p for p in points if p["method"] == method and p.get("gold") is not None]
        if len(pts) >= 4 and (FORMS[method] == "bon" or sum(p["sqrt_kl"] > 0 for p in pts) >= 3):
            fits[method] = fit_gao(method, [p["sqrt_kl"] for p in pts], [p["gold"] for p in pts])
    return fits
