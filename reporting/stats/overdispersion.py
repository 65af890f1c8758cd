"""Overdispersion between groups, after Spiegelhalter (2005), and the DerSimonian–Laird τ².

Spiegelhalter D.J. (2005) "Funnel plots for comparing institutional performance", *Statistics in
Medicine* 24:1185–1202, section 6. When the spread of the bases' rates exceeds what binomial
sampling allows, plain funnel limits flag bases for differences that are real but ordinary (case
mix, a cohort's mood), not for outlying performance. The paper's remedy, used here:

1. z-scores ``zᵢ = (yᵢ − θ₀)/sᵢ`` with ``sᵢ`` the standard error of group i under the target;
2. winsorise them at 10 % (values below the 10th percentile set to it, above the 90th set to it),
   so that the few groups one is looking for do not inflate the estimate of ordinary spread;
3. ``φ̂ = Σ zᵢ² / I`` over the I groups; under no overdispersion ``I·φ̂`` is approximately χ² with
   I − 1 degrees of freedom (one is spent on the target, the pooled rate of the same groups);
4. when that test rejects at 5 %, the additive random-effects variance by the DerSimonian–Laird
   moment estimator ``τ̂² = max(0, (I·φ̂ − (I − 1)) / (Σwᵢ − Σwᵢ²/Σwᵢ))`` with ``wᵢ = 1/sᵢ²``
   (DerSimonian R., Laird N. (1986) "Meta-analysis in clinical trials", *Controlled Clinical
   Trials* 7:177–188), and limits ``θ₀ ± z_p √(sᵢ² + τ̂²)``.

The additive model was chosen over the multiplicative one (limits widened by √φ) because the
multiplicative one widens the limits most for the largest bases, which is backwards: a base of 60
differs from the target by its own real effect plus sampling noise, and only the noise shrinks
with n (the paper's argument for the additive model, section 6.2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats as sps

__all__ = [
    "WINSOR_FRACTION",
    "Heterogeneity",
    "Overdispersion",
    "dersimonian_laird",
    "overdispersion",
    "tau_squared",
    "winsorise",
]

FloatArray = npt.NDArray[np.float64]

#: The share winsorised at each end of the z-scores (Spiegelhalter 2005, section 6.1).
WINSOR_FRACTION = 0.1
#: The significance level of the χ² test that decides whether the limits are widened.
TEST_LEVEL = 0.05


def tau_squared(q: float, weights: npt.ArrayLike) -> float:
    """The DerSimonian–Laird moment estimate of the between-group variance from the
    heterogeneity statistic ``q`` and the inverse-variance weights:
    ``max(0, (q − (I − 1)) / (Σw − Σw²/Σw))``."""
    w = np.asarray(weights, dtype=np.float64).ravel()
    if w.size < 2:
        raise ValueError("τ² needs at least two groups")
    if (w <= 0).any() or not np.isfinite(w).all():
        raise ValueError("weights must be positive and finite")
    scale = float(w.sum() - np.square(w).sum() / w.sum())
    return max(0.0, (q - (w.size - 1)) / scale)


@dataclass(frozen=True)
class Heterogeneity:
    """Cochran's Q about the inverse-variance weighted mean, its χ² test, and the
    DerSimonian–Laird τ² with the random-effects mean it implies."""

    q: float
    df: int
    pvalue: float
    fixed_mean: float
    tau2: float
    random_mean: float


def dersimonian_laird(estimates: npt.ArrayLike, variances: npt.ArrayLike) -> Heterogeneity:
    """Random-effects meta-analysis by DerSimonian and Laird (1986) of ``estimates`` with
    within-group sampling ``variances``."""
    y = np.asarray(estimates, dtype=np.float64).ravel()
    v = np.asarray(variances, dtype=np.float64).ravel()
    if y.shape != v.shape:
        raise ValueError("estimates and variances differ in length")
    w = 1.0 / v
    fixed = float((w * y).sum() / w.sum())
    q = float((w * np.square(y - fixed)).sum())
    tau2 = tau_squared(q, w)
    w_random = 1.0 / (v + tau2)
    random_mean = float((w_random * y).sum() / w_random.sum())
    df = y.size - 1
    return Heterogeneity(q, df, float(sps.chi2.sf(q, df)), fixed, tau2, random_mean)


def winsorise(values: npt.ArrayLike, fraction: float = WINSOR_FRACTION) -> FloatArray:
    """``values`` clipped to their ``fraction`` and ``1 − fraction`` quantiles (linear
    interpolation between order statistics, numpy's default)."""
    array = np.asarray(values, dtype=np.float64).ravel()
    if not 0.0 <= fraction < 0.5:
        raise ValueError(f"fraction must lie in [0, 0.5), got {fraction}")
    if array.size == 0:
        return array
    low, high = np.quantile(array, [fraction, 1.0 - fraction])
    clipped: FloatArray = np.clip(array, low, high)
    return clipped


@dataclass(frozen=True)
class Overdispersion:
    """Spiegelhalter's overdispersion estimate and test for I groups.

    ``phi`` is the mean of the squared winsorised z-scores; ``chi2 = I·phi`` is tested against
    χ² with ``df = I − 1``; ``tau2`` (and ``tau``) is the additive between-group variance, 0 when
    the test does not show overdispersion (``overdispersed`` false): then the limits stay as
    they are.
    """

    groups: int
    phi: float
    chi2: float
    df: int
    pvalue: float
    overdispersed: bool
    tau2: float

    @property
    def tau(self) -> float:
        """The between-group standard deviation √τ²."""
        return float(np.sqrt(self.tau2))


def overdispersion(
    z_scores: npt.ArrayLike,
    standard_errors: npt.ArrayLike,
    *,
    fraction: float = WINSOR_FRACTION,
    test_level: float = TEST_LEVEL,
) -> Overdispersion:
    """Estimate and test overdispersion of groups with these ``z_scores`` (against the target)
    and standard errors under the target (see the module docstring)."""
    z = np.asarray(z_scores, dtype=np.float64).ravel()
    se = np.asarray(standard_errors, dtype=np.float64).ravel()
    if z.shape != se.shape:
        raise ValueError("z-scores and standard errors differ in length")
    if z.size < 2:
        raise ValueError("overdispersion needs at least two groups")
    groups = int(z.size)
    phi = float(np.square(winsorise(z, fraction)).mean())
    chi2 = groups * phi
    df = groups - 1
    pvalue = float(sps.chi2.sf(chi2, df))
    overdispersed = pvalue < test_level
    tau2 = tau_squared(chi2, 1.0 / np.square(se)) if overdispersed else 0.0
    return Overdispersion(groups, phi, chi2, df, pvalue, overdispersed, tau2)
