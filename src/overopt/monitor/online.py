"""Online fits: Gao et al.'s RL law refitted after every measurement, and when its peak will come.

`OnlineGaoFit` refits R(d) = d (a - b ln d) (d = sqrt KL) to the points seen so far and predicts the
peak d* = exp(a/b - 1) and its value b d*. `KLSchedule` fits d = c * step^p (log-log least squares)
so a predicted peak in d becomes a predicted step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from overopt.measure.fits import GaoFit, fit_gao


MAX_LOG_PEAK = 30.0  # a predicted peak beyond d = e^30 means "no peak in sight"


def _fit_rl(d: np.ndarray, y: np.ndarray) -> GaoFit:
    """`fit_gao("rl", ...)`, with a peak beyond d = e^MAX_LOG_PEAK reported as none (no peak in sight)."""
    fit = fit_gao("rl", d, y)
    if fit.predicted_peak_d is not None and math.log(fit.predicted_peak_d) > MAX_LOG_PEAK:
        fit = replace(fit, predicted_peak_d=None, predicted_peak_gold=None)
    return fit


@dataclass
class OnlineGaoFit:
    """Refit the RL form on every `update`. `fit` is None until `min_points` points with d > 0."""

    min_points: int = 3
    d: list[float] = field(default_factory=list)
    y: list[float] = field(default_factory=list)
    fit: GaoFit | None = None

    def update(self, d: float, y: float) -> GaoFit | None:
        self.d.append(float(d))
        self.y.append(float(y))
        usable = sum(1 for x in self.d if x > 0)
        self.fit = _fit_rl(np.array(self.d), np.array(self.y)) if usable >= max(3, self.min_points) else None
        return self.fit

    @property
    def peak_d(self) -> float | None:
        """Predicted sqrt-KL of the peak, None while the fit has no peak (b <= 0: still rising)."""
        return None if self.fit is None else self.fit.predicted_peak_d

    @property
    def peak_value(self) -> float | None:
        return None if self.fit is None else self.fit.predicted_peak_gold

    def past_peak(self, d: float, margin: float = 0.0) -> bool:
        """True when `d` is beyond the predicted peak by more than `margin` (relative)."""
        p = self.peak_d
        return p is not None and d > p * (1.0 + margin)


@dataclass
class KLSchedule:
    """d(step) ~ c * step^p, fitted on (step, d) points with both > 0."""

    steps: list[float] = field(default_factory=list)
    d: list[float] = field(default_factory=list)

    def update(self, step: int, d: float) -> None:
        if step > 0 and d > 0:
            self.steps.append(float(step))
            self.d.append(float(d))

    def coefficients(self) -> tuple[float, float] | None:
        if len(self.steps) < 2:
            return None
        x, y = np.log(self.steps), np.log(self.d)
        p, logc = np.polyfit(x, y, 1)
        return float(math.exp(logc)), float(p)

    def step_at(self, d: float | None) -> float | None:
        """Predicted step at which sqrt KL reaches `d` (None without a usable fit)."""
        cp = self.coefficients()
        if d is None or cp is None or cp[1] <= 0 or d <= 0:
            return None
        c, p = cp
        return float((d / c) ** (1.0 / p))
