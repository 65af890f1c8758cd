"""Empirical-Bayes beta-binomial estimates and posterior rank intervals, checked against a second,
independently written fit and against numerical integration."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, optimize
from scipy import stats as sps

from reporting.stats.shrinkage import (
    MAX_PRIOR_SIZE,
    fit_beta_binomial,
    posterior_rank_intervals,
    shrink,
)

# Satisfied / answered of twelve bases whose rates differ beyond binomial noise.
SUCCESSES = [48, 45, 44, 40, 39, 38, 35, 30, 27, 9, 6, 12]
TRIALS = [50, 50, 49, 47, 50, 44, 45, 41, 40, 10, 8, 20]


def independent_fit(successes: list[int], trials: list[int]) -> tuple[float, float]:
    """Maximum likelihood written directly on scipy's beta-binomial pmf, over (log α, log β),
    with a derivative-free optimiser: shares nothing with the code under test but the model."""

    def negative(params: np.ndarray) -> float:
        alpha, beta = np.exp(params)
        return -float(sps.betabinom.logpmf(successes, trials, alpha, beta).sum())

    result = optimize.minimize(
        negative, np.log([3.0, 1.0]), method="Nelder-Mead", options={"xatol": 1e-9, "fatol": 1e-12}
    )
    alpha, beta = np.exp(result.x)
    return float(alpha), float(beta)


def test_fit_matches_a_direct_maximisation_of_the_beta_binomial_likelihood() -> None:
    fit = fit_beta_binomial(SUCCESSES, TRIALS)
    alpha, beta = independent_fit(SUCCESSES, TRIALS)
    assert fit.alpha == pytest.approx(alpha, rel=1e-3)
    assert fit.beta == pytest.approx(beta, rel=1e-3)
    assert fit.mean == pytest.approx(alpha / (alpha + beta), rel=1e-4)


def test_posterior_is_the_conjugate_beta_by_hand() -> None:
    fit, rates = shrink(
        [(f"基地{i}", s, n) for i, (s, n) in enumerate(zip(SUCCESSES, TRIALS, strict=True))]
    )
    small = rates[10]  # 6 of 8
    a, b = fit.alpha + 6, fit.beta + 2
    assert small.rate == 0.75
    assert small.estimate == pytest.approx(a / (a + b))
    assert small.low == pytest.approx(sps.beta.ppf(0.025, a, b))
    assert small.high == pytest.approx(sps.beta.ppf(0.975, a, b))
    # Shrinkage pulls every estimate towards the prior mean, small bases most.
    for rate in rates:
        assert min(rate.rate, fit.mean) - 1e-12 <= rate.estimate <= max(rate.rate, fit.mean) + 1e-12
    full = rates[0]  # 48 of 50
    assert abs(full.estimate - full.rate) < abs(rates[9].estimate - rates[9].rate)


def test_bases_that_differ_by_noise_only_are_pooled() -> None:
    # Every base 40 of 50: the likelihood grows with the prior size up to the cap.
    fit = fit_beta_binomial([40] * 8, [50] * 8)
    assert fit.size == pytest.approx(MAX_PRIOR_SIZE, rel=1e-3)
    assert fit.mean == pytest.approx(0.8, abs=1e-6)


def test_rank_intervals_agree_with_the_integrated_probability_of_being_first() -> None:
    def first_probability(a1: float, b1: float, a2: float, b2: float) -> float:
        # P(p1 > p2) = ∫ f1(x) F2(x) dx for independent Beta posteriors, over the range where
        # the densities live (a fully pooled posterior is a spike quad would step over).
        low = min(sps.beta.ppf(1e-12, a1, b1), sps.beta.ppf(1e-12, a2, b2))
        high = max(sps.beta.isf(1e-12, a1, b1), sps.beta.isf(1e-12, a2, b2))
        value, _ = integrate.quad(
            lambda x: sps.beta.pdf(x, a1, b1) * sps.beta.cdf(x, a2, b2), low, high, limit=200
        )
        return float(value)

    for counts in ([(45, 50), (10, 50)], [(41, 50), (39, 50)]):
        groups = [("甲", *counts[0]), ("乙", *counts[1])]
        fit, rates = shrink(groups)
        ranks = posterior_rank_intervals(rates, fit, seed=7, draws=20000)
        s1, n1 = counts[0]
        s2, n2 = counts[1]
        p_first = first_probability(
            fit.alpha + s1, fit.beta + n1 - s1, fit.alpha + s2, fit.beta + n2 - s2
        )
        if p_first > 0.99:
            assert (ranks[0].low, ranks[0].high, ranks[1].low, ranks[1].high) == (1, 1, 2, 2)
        else:
            assert 0.05 < p_first < 0.95
            assert (ranks[0].low, ranks[0].high, ranks[1].low, ranks[1].high) == (1, 2, 1, 2)
        assert ranks[0].rank == 1


def test_rank_intervals_are_reproducible_and_wide_for_equal_bases() -> None:
    groups = [(f"基地{i}", 40, 50) for i in range(6)]
    fit, rates = shrink(groups)
    first = posterior_rank_intervals(rates, fit, seed=3)
    assert first == posterior_rank_intervals(rates, fit, seed=3)
    assert all(rank.low <= 2 and rank.high >= 5 for rank in first)
