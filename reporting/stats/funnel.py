"""Funnel plot of proportions against a target, after Spiegelhalter (2005).

Spiegelhalter D.J. (2005) "Funnel plots for comparing institutional performance",
*Statistics in Medicine* 24:1185–1202. Each base's satisfaction rate is plotted against its number
of answers; control limits at 95 % (≈ 2 SD, "alert") and 99.8 % (≈ 3 SD, "alarm") around the
programme rate show which differences exceed what chance produces at that size.

Limits are **exact binomial** by default, with the interpolation of the paper's appendix A.1.1:
for the p-quantile, take the smallest ``r_p`` with ``F(r_p) ≥ p`` (F the Binomial(n, θ₀) CDF),
``α = (F(r_p) − p) / (F(r_p) − F(r_p − 1))``, and the limit ``(r_p − α) / n``. The exact limits
matter here because rates are near 1 and n is about 50, where the normal approximation
``θ₀ ± z_p √(θ₀(1 − θ₀)/n)`` (also in the paper, available as ``method="normal"``) is visibly
asymmetric-wrong.

With ``adjust=True`` the funnel allows for overdispersion between the groups (section 6 of the
paper, :mod:`reporting.stats.overdispersion`): when the χ² test on the winsorised z-scores shows
more spread than sampling explains, the limits become ``θ₀ ± z_p √(θ₀(1 − θ₀)/n + τ̂²)``
(``method="random_effects"``); otherwise they stay exact binomial. Only groups beyond the 99.8 %
limits in force are flagged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import stats as sps

from reporting.stats.overdispersion import Overdispersion, overdispersion

__all__ = [
    "Funnel",
    "FunnelLimits",
    "FunnelMethod",
    "FunnelPoint",
    "Zone",
    "control_limit",
    "control_limits",
    "funnel",
    "funnel_limits",
]

FloatArray = npt.NDArray[np.float64]
FunnelMethod = Literal["exact", "normal", "random_effects"]
Zone = Literal["above_998", "above_95", "within", "below_95", "below_998"]

#: The two-sided coverages of the limits and their lower/upper tail probabilities.
LEVELS: tuple[tuple[float, float, float], ...] = ((0.95, 0.025, 0.975), (0.998, 0.001, 0.999))


def control_limits(
    p: float,
    ns: npt.ArrayLike,
    target: float,
    method: FunnelMethod = "exact",
    tau2: float = 0.0,
) -> FloatArray:
    """The p-quantile control limits for proportions out of each n in ``ns`` around ``target``.

    See the module docstring for the methods; ``tau2`` is the between-group variance added under
    ``"random_effects"``. A target of exactly 0 or 1 has no spread, so the limit is the target.
    """
    sizes = np.asarray(ns, dtype=np.int64).ravel()
    if sizes.size and sizes.min() <= 0:
        raise ValueError("a control limit needs n ≥ 1")
    if not 0.0 < p < 1.0:
        raise ValueError(f"p must lie in (0, 1), got {p}")
    if not 0.0 <= target <= 1.0:
        raise ValueError(f"target must lie in [0, 1], got {target}")
    if target in (0.0, 1.0):
        return np.full(sizes.shape, target)
    if method != "exact":
        z = float(sps.norm.ppf(p))
        extra = tau2 if method == "random_effects" else 0.0
        limits = target + z * np.sqrt(target * (1.0 - target) / sizes + extra)
    else:
        r_p = sps.binom.ppf(p, sizes, target)
        cdf_at = sps.binom.cdf(r_p, sizes, target)
        cdf_below = sps.binom.cdf(r_p - 1.0, sizes, target)  # 0 when r_p = 0
        alpha = (cdf_at - p) / (cdf_at - cdf_below)
        limits = (r_p - alpha) / sizes
    clipped: FloatArray = np.clip(np.asarray(limits, dtype=np.float64), 0.0, 1.0)
    return clipped


def control_limit(p: float, n: int, target: float, method: FunnelMethod = "exact") -> float:
    """The p-quantile control limit for one group of ``n`` (see :func:`control_limits`)."""
    return float(control_limits(p, [n], target, method)[0])


@dataclass(frozen=True)
class FunnelLimits:
    """Lower and upper limits at 95 % and 99.8 % for a group of ``n``."""

    n: int
    lower95: float
    upper95: float
    lower998: float
    upper998: float


def funnel_limits(
    n: int, target: float, method: FunnelMethod = "exact", tau2: float = 0.0
) -> FunnelLimits:
    """All four control limits for a group of ``n`` around ``target``."""
    return _limits_for([n], target, method, tau2)[0]


def _limits_for(
    ns: Sequence[int], target: float, method: FunnelMethod, tau2: float = 0.0
) -> tuple[FunnelLimits, ...]:
    (_, lo95, hi95), (_, lo998, hi998) = LEVELS
    columns = [control_limits(p, ns, target, method, tau2) for p in (lo95, hi95, lo998, hi998)]
    return tuple(
        FunnelLimits(int(n), float(a), float(b), float(c), float(d))
        for n, a, b, c, d in zip(ns, *columns, strict=True)
    )


@dataclass(frozen=True)
class FunnelPoint:
    """One group on the funnel: its rate, its z-score against the target (``None`` for a target
    of 0 or 1), the limits at its n, and where it falls."""

    label: str
    successes: int
    n: int
    rate: float
    z: float | None
    limits: FunnelLimits
    zone: Zone


@dataclass(frozen=True)
class Funnel:
    """A funnel plot: the target, the method, every point, and the limit curves for drawing
    (one :class:`FunnelLimits` per n from 1 to the largest n). ``dispersion`` is the
    overdispersion estimate and test when the funnel was asked to allow for it (and had at least
    two groups around a target strictly between 0 and 1)."""

    target: float
    method: FunnelMethod
    points: tuple[FunnelPoint, ...]
    curve: tuple[FunnelLimits, ...]
    dispersion: Overdispersion | None = None

    @property
    def tau2(self) -> float:
        """The between-group variance the limits allow for (0 unless random effects)."""
        return self.dispersion.tau2 if self.dispersion is not None else 0.0

    def outside(self, coverage: Literal[95, 998] = 95) -> tuple[FunnelPoint, ...]:
        """Points outside the 95 % (``95``) or the 99.8 % (``998``) limits."""
        zones: set[Zone] = (
            {"above_998", "below_998"}
            if coverage == 998
            else {"above_998", "above_95", "below_95", "below_998"}
        )
        return tuple(point for point in self.points if point.zone in zones)


def _zone(rate: float, limits: FunnelLimits) -> Zone:
    # A point exactly on a limit counts as inside: the limit is the edge of what chance allows.
    if rate > limits.upper998:
        return "above_998"
    if rate > limits.upper95:
        return "above_95"
    if rate < limits.lower998:
        return "below_998"
    if rate < limits.lower95:
        return "below_95"
    return "within"


def funnel(
    groups: Sequence[tuple[str, int, int]],
    target: float | None = None,
    method: FunnelMethod = "exact",
    *,
    adjust: bool = False,
) -> Funnel:
    """Funnel of ``(label, successes, n)`` groups around ``target``.

    The default target is the pooled rate of all groups (Σ successes / Σ n), i.e. the programme
    rate when the groups partition the programme. Groups with n = 0 are left out. With
    ``adjust`` the limits allow for overdispersion (module docstring): ``method`` is then the
    method used when the test shows none.
    """
    used = [(label, s, n) for label, s, n in groups if n > 0]
    for label, successes, n in used:
        if not 0 <= successes <= n:
            raise ValueError(f"{label}: successes {successes} outside 0…{n}")
    if target is None:
        total = sum(n for _, _, n in used)
        if total == 0:
            raise ValueError("no group has any answers")
        target = sum(s for _, s, _ in used) / total
    sizes = np.array([n for _, _, n in used], dtype=np.float64)
    rates = np.array([s / n for _, s, n in used], dtype=np.float64)
    spread = 0.0 < target < 1.0
    errors = np.sqrt(target * (1.0 - target) / sizes) if spread else np.zeros_like(sizes)
    z_scores = (rates - target) / errors if spread else np.full_like(sizes, np.nan)
    dispersion = None
    if adjust and spread and len(used) >= 2:
        dispersion = overdispersion(z_scores, errors)
        if dispersion.overdispersed:
            method = "random_effects"
    tau2 = dispersion.tau2 if dispersion is not None else 0.0
    point_limits = _limits_for([n for _, _, n in used], target, method, tau2)
    points = []
    for (label, successes, n), rate, z, limits in zip(
        used, rates.tolist(), z_scores.tolist(), point_limits, strict=True
    ):
        points.append(
            FunnelPoint(
                label,
                successes,
                n,
                rate,
                z if spread else None,
                limits,
                _zone(rate, limits),
            )
        )
    largest = max((n for _, _, n in used), default=0)
    curve = _limits_for(range(1, largest + 1), target, method, tau2)
    return Funnel(target, method, tuple(points), curve, dispersion)
