"""Overdispersion (Spiegelhalter 2005) and the DerSimonian–Laird τ², checked against a published
worked example and hand computation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from reporting.stats.funnel import funnel
from reporting.stats.overdispersion import (
    dersimonian_laird,
    overdispersion,
    tau_squared,
    winsorise,
)

# The BCG vaccine trials (Colditz et al. 1994), the standard example of random-effects
# meta-analysis: (tpos, tneg, cpos, cneg) per trial, as in metafor's dat.bcg.
BCG = [
    (4, 119, 11, 128),
    (6, 300, 29, 274),
    (3, 228, 11, 209),
    (62, 13536, 248, 12619),
    (33, 5036, 47, 5761),
    (180, 1361, 372, 1079),
    (8, 2537, 10, 619),
    (505, 87886, 499, 87892),
    (29, 7470, 45, 7232),
    (17, 1699, 65, 1600),
    (186, 50448, 141, 27197),
    (5, 2493, 3, 2338),
    (27, 16886, 29, 17825),
]


def test_dersimonian_laird_matches_metafor_on_the_bcg_trials() -> None:
    # Log risk ratios and their variances, as escalc(measure="RR") forms them; the reference
    # values are metafor's own test against Stata's metan (test_misc_metan_vs_rma.uni_with_dat.bcg:
    # QE = 152.2330, DL tau² = 0.3088, random-effects estimate −0.7141).
    a, b, c, d = (np.array(column, dtype=float) for column in zip(*BCG, strict=True))
    log_rr = np.log(a / (a + b)) - np.log(c / (c + d))
    variance = 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d)
    result = dersimonian_laird(log_rr, variance)
    assert result.q == pytest.approx(152.2330, abs=5e-4)
    assert result.df == 12
    assert result.tau2 == pytest.approx(0.3088, abs=5e-5)
    assert result.random_mean == pytest.approx(-0.7141, abs=5e-5)
    assert result.fixed_mean == pytest.approx(-0.4303, abs=5e-5)


def test_tau_squared_by_hand() -> None:
    # Weights 1, 2, 3: Σw = 6, Σw² = 14, scale = 6 − 14/6 = 11/3; (Q − 2) / scale.
    assert tau_squared(5.0, [1.0, 2.0, 3.0]) == pytest.approx(3.0 / (11.0 / 3.0))
    # Less heterogeneity than chance: no between-group variance.
    assert tau_squared(1.0, [1.0, 2.0, 3.0]) == 0.0
    with pytest.raises(ValueError, match="at least two"):
        tau_squared(1.0, [1.0])


def test_winsorise_clips_to_the_10_and_90_percent_quantiles() -> None:
    # Five values: the 10 % quantile sits 0.4 of the way from −3 to −1 (−2.2), the 90 % quantile
    # 0.6 of the way from 1 to 5 (3.4).
    assert winsorise([-3.0, -1.0, 0.0, 1.0, 5.0]).tolist() == pytest.approx(
        [-2.2, -1.0, 0.0, 1.0, 3.4]
    )


def test_overdispersion_by_hand() -> None:
    z = [-3.0, -1.0, 0.0, 1.0, 5.0]
    se = [0.1, 0.1, 0.2, 0.2, 0.1]
    result = overdispersion(z, se)
    phi = (2.2**2 + 1 + 0 + 1 + 3.4**2) / 5
    assert result.phi == pytest.approx(phi)
    assert result.chi2 == pytest.approx(5 * phi)
    assert result.df == 4
    # P(χ²₄ > x) = e^(−x/2) (1 + x/2) for four degrees of freedom.
    x = 5 * phi
    assert result.pvalue == pytest.approx(math.exp(-x / 2) * (1 + x / 2))
    assert result.overdispersed
    w = [100.0, 100.0, 25.0, 25.0, 100.0]
    scale = sum(w) - sum(v * v for v in w) / sum(w)
    assert result.tau2 == pytest.approx((x - 4) / scale)
    assert result.tau == pytest.approx(math.sqrt(result.tau2))


def test_no_overdispersion_leaves_tau_at_zero() -> None:
    result = overdispersion([-0.5, 0.2, 0.4, -0.1], [0.1, 0.1, 0.1, 0.1])
    assert not result.overdispersed
    assert result.tau2 == 0.0


def test_overdispersed_funnel_widens_the_limits_additively() -> None:
    # Ten bases of 50 whose rates spread far beyond binomial noise around 80 %.
    successes = [25, 30, 35, 38, 40, 41, 44, 46, 48, 49]
    groups = [(f"基地{i}", s, 50) for i, s in enumerate(successes)]
    plot = funnel(groups, adjust=True)
    target = sum(successes) / 500
    assert plot.target == pytest.approx(target)
    assert plot.dispersion is not None
    assert plot.dispersion.overdispersed
    assert plot.method == "random_effects"
    se = math.sqrt(target * (1 - target) / 50)
    z_scores = sorted((s / 50 - target) / se for s in successes)
    low, high = np.quantile(z_scores, [0.1, 0.9])
    phi = sum(min(max(z, low), high) ** 2 for z in z_scores) / 10
    assert plot.dispersion.phi == pytest.approx(phi)
    weights = [1 / se**2] * 10
    scale = sum(weights) - sum(w * w for w in weights) / sum(weights)
    tau2 = (10 * phi - 9) / scale
    assert plot.dispersion.tau2 == pytest.approx(tau2)
    point = plot.points[0]
    # 99.8 % limits: the 0.1 % and 99.9 % normal quantiles (±3.090232); limits past 100 % are
    # clipped to it.
    spread = math.sqrt(se**2 + tau2)
    assert point.limits.lower998 == pytest.approx(target - 3.090232 * spread)
    assert point.limits.upper998 == 1.0
    assert point.limits.lower95 == pytest.approx(target - 1.959964 * spread)
    assert point.limits.upper95 == pytest.approx(min(1.0, target + 1.959964 * spread))
    assert point.z == pytest.approx((0.5 - target) / se)
    # Unadjusted, several bases fall outside the 99.8 % limits; the widened limits flag fewer.
    plain = funnel(groups)
    assert len(plain.outside(998)) > len(plot.outside(998))


def test_funnel_without_overdispersion_keeps_the_exact_limits() -> None:
    groups = [("甲", 40, 50), ("乙", 42, 50), ("丙", 41, 50), ("丁", 43, 50)]
    adjusted = funnel(groups, adjust=True)
    plain = funnel(groups)
    assert adjusted.dispersion is not None
    assert not adjusted.dispersion.overdispersed
    assert adjusted.method == "exact"
    assert [p.limits for p in adjusted.points] == [p.limits for p in plain.points]
