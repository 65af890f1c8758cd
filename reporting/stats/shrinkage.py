"""Empirical-Bayes (beta-binomial) estimates of each group's rate, and rank intervals simulated
from them.

A base of 8 respondents who all said 满意 has an observed rate of 100 %; it would top any league
table on luck alone. The beta-binomial model treats each base's true rate as drawn from a Beta(α, β)
distribution across bases and the satisfied count as binomial given that rate. α and β are
estimated from all bases at once by maximising the marginal (beta-binomial) likelihood

    ℓ(α, β) = Σᵢ [ln B(yᵢ + α, nᵢ − yᵢ + β) − ln B(α, β)]

(Skellam 1948; the empirical-Bayes approach of Efron & Morris 1975 for proportions). Each base's
posterior is then Beta(α + yᵢ, β + nᵢ − yᵢ): its mean pulls a small base towards the programme
rate and leaves a large one near its own, and its equal-tailed quantiles give the 95 % interval.

The maximisation is over μ = α/(α + β) on the logit scale and M = α + β on the log scale, with M
capped at :data:`MAX_PRIOR_SIZE`: when the bases differ no more than binomial noise the likelihood
keeps rising as M grows (the bases share one rate), and the cap then stands for "no detectable
difference", pooling every base almost fully.

Rank intervals (Goldstein & Spiegelhalter 1996, *JRSS A* 159:385–443; Marshall & Spiegelhalter
1998, *BMJ* 316:1701) draw every base's rate from its posterior, rank the draws, and report the
central 95 % of each base's ranks: a base whose rate is uncertain gets a wide interval, however
its observed rate looks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import optimize, special
from scipy import stats as sps

__all__ = [
    "MAX_PRIOR_SIZE",
    "BetaBinomialFit",
    "PosteriorRank",
    "ShrunkenRate",
    "fit_beta_binomial",
    "posterior_rank_intervals",
    "shrink",
]

FloatArray = npt.NDArray[np.float64]

#: The largest prior size α + β considered: a prior worth a million answers is full pooling.
MAX_PRIOR_SIZE = 1e6
_MIN_PRIOR_SIZE = 1e-3
_LOGIT_BOUND = 20.0


@dataclass(frozen=True)
class BetaBinomialFit:
    """The fitted Beta(α, β) prior across groups: its mean ``mean = α/(α+β)``, its size
    ``size = α + β`` (the number of answers the prior is worth) and the maximised log-likelihood
    (without the binomial coefficients, which do not depend on α and β)."""

    alpha: float
    beta: float
    loglik: float

    @property
    def mean(self) -> float:
        """The prior mean rate α/(α + β)."""
        return self.alpha / (self.alpha + self.beta)

    @property
    def size(self) -> float:
        """The prior size α + β."""
        return self.alpha + self.beta


def _loglik(alpha: float, beta: float, y: FloatArray, n: FloatArray) -> float:
    return float((special.betaln(y + alpha, n - y + beta) - special.betaln(alpha, beta)).sum())


def fit_beta_binomial(successes: Sequence[int], trials: Sequence[int]) -> BetaBinomialFit:
    """Maximum marginal-likelihood Beta prior for groups with these counts (see the module
    docstring). Needs at least two groups with ``trials ≥ 1``."""
    y = np.asarray(successes, dtype=np.float64)
    n = np.asarray(trials, dtype=np.float64)
    if y.shape != n.shape:
        raise ValueError("successes and trials differ in length")
    if y.size < 2:
        raise ValueError("an empirical-Bayes fit needs at least two groups")
    if (n < 1).any() or (y < 0).any() or (y > n).any():
        raise ValueError("each group needs 0 ≤ successes ≤ trials and trials ≥ 1")
    pooled = float(y.sum() / n.sum())
    # Keep the mean off 0 and 1 so the logit is finite; the bound is far beyond any real rate.
    start_mean = min(max(pooled, 1e-6), 1.0 - 1e-6)

    def negative(params: FloatArray) -> tuple[float, FloatArray]:
        # The log-likelihood and its exact gradient (digamma terms): a finite-difference
        # gradient is too noisy on this flat surface to find the top.
        mean = float(special.expit(params[0]))
        size = math.exp(float(params[1]))
        alpha, beta = mean * size, (1.0 - mean) * size
        common = special.digamma(alpha + beta) - special.digamma(n + alpha + beta)
        d_alpha = float((special.digamma(y + alpha) - special.digamma(alpha) + common).sum())
        d_beta = float((special.digamma(n - y + beta) - special.digamma(beta) + common).sum())
        gradient = np.array(
            [
                (d_alpha - d_beta) * size * mean * (1.0 - mean),
                (d_alpha * mean + d_beta * (1.0 - mean)) * size,
            ]
        )
        return -_loglik(alpha, beta, y, n), -gradient

    bounds = [(-_LOGIT_BOUND, _LOGIT_BOUND), (math.log(_MIN_PRIOR_SIZE), math.log(MAX_PRIOR_SIZE))]
    best: optimize.OptimizeResult | None = None
    # A few starting sizes: the profile likelihood in log M can be flat over a long stretch.
    for start_size in (2.0, 20.0, 200.0, 2000.0):
        result = optimize.minimize(
            negative,
            np.array([special.logit(start_mean), math.log(start_size)]),
            method="L-BFGS-B",
            jac=True,
            bounds=bounds,
            # The likelihood is flat near its top; default tolerances stop visibly short of it.
            options={"ftol": 1e-15, "gtol": 1e-10},
        )
        if best is None or result.fun < best.fun:
            best = result
    assert best is not None
    mean = float(special.expit(best.x[0]))
    size = math.exp(float(best.x[1]))
    return BetaBinomialFit(mean * size, (1.0 - mean) * size, -float(best.fun))


@dataclass(frozen=True)
class ShrunkenRate:
    """One group's observed rate and its empirical-Bayes posterior: mean and equal-tailed
    interval at ``level``."""

    label: str
    successes: int
    n: int
    rate: float
    estimate: float
    low: float
    high: float
    level: float


def shrink(
    groups: Sequence[tuple[str, int, int]], level: float = 0.95
) -> tuple[BetaBinomialFit, tuple[ShrunkenRate, ...]]:
    """The fitted prior and each ``(label, successes, n)`` group's posterior estimate."""
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must lie in (0, 1), got {level}")
    fit = fit_beta_binomial([s for _, s, _ in groups], [n for _, _, n in groups])
    tail = (1.0 - level) / 2.0
    rates = []
    for label, successes, n in groups:
        a = fit.alpha + successes
        b = fit.beta + n - successes
        rates.append(
            ShrunkenRate(
                label,
                successes,
                n,
                successes / n,
                a / (a + b),
                float(sps.beta.ppf(tail, a, b)),
                float(sps.beta.ppf(1.0 - tail, a, b)),
                level,
            )
        )
    return fit, tuple(rates)


@dataclass(frozen=True)
class PosteriorRank:
    """A group's rank by posterior mean (1 = highest rate) among the ranked groups and the
    central ``level`` interval of its ranks over posterior draws."""

    label: str
    n: int
    estimate: float
    rank: int
    low: int
    high: int
    level: float


def posterior_rank_intervals(
    rates: Sequence[ShrunkenRate],
    fit: BetaBinomialFit,
    *,
    seed: int,
    draws: int = 4000,
    level: float = 0.95,
) -> tuple[PosteriorRank, ...]:
    """Rank intervals of ``rates`` (in that order) from ``draws`` joint draws of their posteriors
    under ``fit``.

    Each draw takes every group's rate from its Beta(α + y, β + n − y) posterior independently
    and ranks them (ties share the best rank); the interval runs from the ``(1 − level)/2`` to
    the ``(1 + level)/2`` empirical quantile of a group's ranks (inverse-CDF quantiles, so the
    bounds are ranks that occurred). Deterministic for a given ``seed``.
    """
    if draws < 1:
        raise ValueError("draws must be at least 1")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must lie in (0, 1), got {level}")
    if not rates:
        return ()
    rng = np.random.default_rng(seed)
    a = np.array([fit.alpha + r.successes for r in rates])
    b = np.array([fit.beta + r.n - r.successes for r in rates])
    sample = rng.beta(a, b, size=(draws, len(rates)))
    ranks = sps.rankdata(-sample, method="min", axis=1)
    observed = sps.rankdata(-np.array([r.estimate for r in rates]), method="min")
    tail = (1.0 - level) / 2.0
    bounds = np.quantile(ranks, [tail, 1.0 - tail], axis=0, method="inverted_cdf")
    return tuple(
        PosteriorRank(
            rate.label,
            rate.n,
            rate.estimate,
            int(observed[i]),
            int(bounds[0, i]),
            int(bounds[1, i]),
            level,
        )
        for i, rate in enumerate(rates)
    )
