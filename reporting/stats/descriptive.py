"""Descriptive statistics: moments that add across groups, the t interval for a mean, and
distributions of answers.

Group figures (class, base, programme) are built bottom-up, so a mean and its spread are carried
as :class:`Moments` (n, mean, sum of squared deviations) and merged with the parallel update of
Chan, Golub and LeVeque (1979): exact for any split of the data and numerically stable, unlike
the running sum of squares.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import special

__all__ = [
    "MeanEstimate",
    "Moments",
    "bounded_interval",
    "distribution",
    "mean_ci",
    "t_interval",
]


@dataclass(frozen=True)
class Moments:
    """Sufficient statistics of a sample for its mean and variance.

    ``m2`` is the sum of squared deviations from the mean. Two ``Moments`` add to the moments of
    the pooled sample (``a + b``), which is how class figures roll up into base and programme
    figures without keeping every value.
    """

    n: int = 0
    mean: float = 0.0
    m2: float = 0.0

    @classmethod
    def of(cls, values: npt.ArrayLike) -> Moments:
        """Moments of ``values``, ignoring NaN (a missing answer)."""
        array = np.asarray(values, dtype=np.float64).ravel()
        array = array[~np.isnan(array)]
        if array.size == 0:
            return cls()
        mean = float(array.mean())
        return cls(int(array.size), mean, float(np.square(array - mean).sum()))

    def __add__(self, other: Moments) -> Moments:
        if other.n == 0:
            return self
        if self.n == 0:
            return other
        n = self.n + other.n
        delta = other.mean - self.mean
        mean = self.mean + delta * other.n / n
        m2 = self.m2 + other.m2 + delta * delta * self.n * other.n / n
        return Moments(n, mean, m2)

    @property
    def variance(self) -> float | None:
        """Sample variance (divisor n − 1); ``None`` below two values."""
        if self.n < 2:
            return None
        return max(self.m2, 0.0) / (self.n - 1)

    @property
    def sd(self) -> float | None:
        """Sample standard deviation (divisor n − 1); ``None`` below two values."""
        variance = self.variance
        return None if variance is None else math.sqrt(variance)


@dataclass(frozen=True)
class MeanEstimate:
    """A mean with its sample SD and a two-sided t confidence interval.

    ``sd``, ``low`` and ``high`` are ``None`` when n < 2 (no spread can be estimated).
    """

    n: int
    mean: float
    sd: float | None
    low: float | None
    high: float | None
    level: float


def t_interval(moments: Moments, level: float = 0.95) -> MeanEstimate:
    """Mean with the Student t interval ``mean ± t(1 − (1 − level)/2, n − 1) · sd / √n``.

    Raises ``ValueError`` for an empty sample: there is no mean to report.
    """
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must lie in (0, 1), got {level}")
    if moments.n == 0:
        raise ValueError("no values: a mean needs at least one value")
    sd = moments.sd
    if sd is None:
        return MeanEstimate(moments.n, moments.mean, None, None, None, level)
    # scipy.special.stdtrit is the t quantile (as scipy.stats.t.ppf, without its overhead).
    quantile = float(special.stdtrit(moments.n - 1, 0.5 + level / 2.0))
    half = quantile * sd / math.sqrt(moments.n)
    return MeanEstimate(
        moments.n, moments.mean, sd, moments.mean - half, moments.mean + half, level
    )


def bounded_interval(
    moments: Moments, minimum: float, maximum: float, level: float = 0.95
) -> MeanEstimate:
    """Mean of values on the scale ``minimum``–``maximum`` with an interval that stays on it.

    The mean is mapped to ``u = (mean − minimum)/(maximum − minimum)`` in (0, 1), the t interval
    is formed on ``logit(u)`` with the delta-method standard error ``se_u / (u (1 − u))``, and
    both ends are mapped back. Near the top of the scale (where satisfaction scores sit) the
    plain t interval runs past 5; this one is asymmetric, as the scale forces it to be, and
    equals the t interval to first order in the middle of the scale. A mean at an end of the
    scale (every answer the same) has no spread: its interval is that end.
    """
    if maximum <= minimum:
        raise ValueError("the scale needs maximum > minimum")
    plain = t_interval(moments, level)
    if plain.sd is None:
        return plain
    width = maximum - minimum
    u = (moments.mean - minimum) / width
    if u <= 0.0 or u >= 1.0 or plain.sd == 0.0:
        return MeanEstimate(plain.n, plain.mean, plain.sd, plain.mean, plain.mean, level)
    quantile = float(special.stdtrit(moments.n - 1, 0.5 + level / 2.0))
    se_logit = plain.sd / width / math.sqrt(moments.n) / (u * (1.0 - u))
    centre = math.log(u / (1.0 - u))
    low = minimum + width * float(special.expit(centre - quantile * se_logit))
    high = minimum + width * float(special.expit(centre + quantile * se_logit))
    return MeanEstimate(plain.n, plain.mean, plain.sd, low, high, level)


def mean_ci(values: npt.ArrayLike, level: float = 0.95) -> MeanEstimate:
    """Mean, SD and t interval of ``values`` (NaN = missing, ignored)."""
    return t_interval(Moments.of(values), level)


def distribution(values: Iterable[int], minimum: int, maximum: int) -> dict[int, int]:
    """Count of each answer from ``minimum`` to ``maximum``, zeros included, in scale order.

    A value outside the scale raises ``ValueError``: answers are validated before release, so
    one here means the wrong scoring rules were passed.
    """
    counts = dict.fromkeys(range(minimum, maximum + 1), 0)
    for value in values:
        if value not in counts:
            raise ValueError(f"answer {value} outside the scale {minimum}–{maximum}")
        counts[value] += 1
    return counts
