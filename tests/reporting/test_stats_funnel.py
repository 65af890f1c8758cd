"""Funnel-plot control limits against Spiegelhalter (2005) formulas evaluated independently.

The exact limits follow appendix A.1.1 of Spiegelhalter D.J. (2005) "Funnel plots for comparing
institutional performance", Statistics in Medicine 24:1185–1202: r_p the smallest r with
P(R ≤ r) ≥ p, α = (P(R ≤ r_p) − p) / (P(R ≤ r_p) − P(R ≤ r_p − 1)), limit (r_p − α) / n. Here the
binomial CDF is summed by hand with ``math.comb`` (no SciPy), and the normal limits use the
standard library's ``NormalDist``.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import pytest

from reporting.stats import control_limit, funnel, funnel_limits


def _cdf(r: int, n: int, theta: float) -> float:
    if r < 0:
        return 0.0
    return sum(math.comb(n, i) * theta**i * (1 - theta) ** (n - i) for i in range(r + 1))


def _exact_by_hand(p: float, n: int, theta: float) -> float:
    r_p = next(r for r in range(n + 1) if _cdf(r, n, theta) >= p)
    alpha = (_cdf(r_p, n, theta) - p) / (_cdf(r_p, n, theta) - _cdf(r_p - 1, n, theta))
    return (r_p - alpha) / n


@pytest.mark.parametrize("n", [5, 20, 50, 137])
@pytest.mark.parametrize("theta", [0.92, 0.75, 0.5])
@pytest.mark.parametrize("p", [0.001, 0.025, 0.975, 0.999])
def test_exact_limits_match_the_papers_interpolation(n: int, theta: float, p: float) -> None:
    expected = min(1.0, max(0.0, _exact_by_hand(p, n, theta)))
    assert control_limit(p, n, theta) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("n", [5, 50, 800])
@pytest.mark.parametrize("p", [0.001, 0.025, 0.975, 0.999])
def test_normal_limits_match_the_papers_formula(n: int, p: float) -> None:
    theta = 0.85
    expected = theta + NormalDist().inv_cdf(p) * math.sqrt(theta * (1 - theta) / n)
    assert control_limit(p, n, theta, "normal") == pytest.approx(min(1.0, expected), abs=1e-12)


def test_limits_are_ordered_and_narrow_with_n() -> None:
    small, large = funnel_limits(20, 0.9), funnel_limits(500, 0.9)
    for limits in (small, large):
        assert limits.lower998 <= limits.lower95 <= 0.9 <= limits.upper95 <= limits.upper998
    assert large.upper95 - large.lower95 < small.upper95 - small.lower95


def test_funnel_names_the_groups_outside_each_limit() -> None:
    # Target 0.8 (pooled: 400 of 500). Exact 95 % / 99.8 % limits at n = 50 around 0.8 are about
    # 0.673–0.896 and 0.601–0.945 (by the hand formula above).
    groups = [
        ("甲", 40, 50),  # 0.80 within
        ("乙", 49, 50),  # 0.98 above 99.8 %
        ("丙", 33, 50),  # 0.66 below 95 %
        ("丁", 278, 350),  # pooled filler, 0.794 within
    ]
    result = funnel(groups)
    assert result.target == pytest.approx(400 / 500)
    zones = {point.label: point.zone for point in result.points}
    assert zones["甲"] == "within"
    assert zones["乙"] == "above_998"
    assert zones["丙"] == "below_95"
    assert zones["丁"] == "within"
    assert [p.label for p in result.outside(95)] == ["乙", "丙"]
    assert [p.label for p in result.outside(998)] == ["乙"]
    assert result.curve[0].n == 1
    assert result.curve[-1].n == 350
    assert _exact_by_hand(0.001, 50, 0.8) < 33 / 50 < _exact_by_hand(0.025, 50, 0.8)
    assert _exact_by_hand(0.999, 50, 0.8) < 49 / 50


def test_funnel_with_explicit_target_and_degenerate_cases() -> None:
    result = funnel([("a", 5, 5), ("b", 0, 0)], target=1.0)
    assert [p.label for p in result.points] == ["a"]
    assert result.points[0].zone == "within"
    with pytest.raises(ValueError, match="no group"):
        funnel([("a", 0, 0)])
    with pytest.raises(ValueError, match="outside"):
        funnel([("a", 6, 5)])
