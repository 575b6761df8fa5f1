import math

import numpy as np
import pytest

from overopt.measure.fits import fit_gao, gao_curve


@pytest.mark.parametrize("method,a,b", [("bon", 1.3, 0.43), ("bon", 0.6, 0.12), ("rl", 0.9, 1.05), ("rl", 2.0, 0.5)])
def test_fit_recovers_known_coefficients(method, a, b):
    rng = np.random.default_rng(0)
    d = np.linspace(0.0, 4.0, 30)
    y = gao_curve(method, d, a, b) + rng.normal(scale=0.01, size=d.size)
    fit = fit_gao(method, d, y)
    assert fit.a == pytest.approx(a, rel=0.03)
    assert fit.b == pytest.approx(b, rel=0.03)
    assert fit.r2 > 0.99
    expected_peak = a / (2 * b) if method == "bon" else math.exp(a / b - 1)
    assert fit.predicted_peak_d == pytest.approx(expected_peak, rel=0.08)
    assert fit.observed_peak_gold == pytest.approx(y.max())


def test_fit_reports_poor_r2_for_data_of_another_shape():
    d = np.linspace(0.1, 4, 30)
    y = np.sin(3 * d)
    assert fit_gao("bon", d, y).r2 < 0.5


def test_no_peak_predicted_when_b_is_not_positive():
    d = np.linspace(0, 3, 10)
    fit = fit_gao("bon", d, 2 * d + 0.3 * d * d)
    assert fit.b < 0 and fit.predicted_peak_d is None


def test_rl_fit_ignores_the_origin_and_needs_points():
    d = np.array([0.0, 1.0, 2.0, 3.0])
    y = gao_curve("rl", d, 1.0, 1.0)
    assert fit_gao("rl", d, y).points == 3
    with pytest.raises(ValueError):
        fit_gao("rl", np.array([0.0, 1.0, 2.0]), np.array([0.0, 1.0, 0.5]))


def test_rl_fit_with_a_tiny_positive_b_predicts_no_peak_instead_of_overflowing():
    d = np.linspace(0.5, 3, 12)
    y = gao_curve("rl", d, 1.0, 1e-6)
    fit = fit_gao("rl", d, y)
    assert 0 < fit.b < 1e-3 and fit.predicted_peak_d is None and fit.predicted_peak_gold is None
