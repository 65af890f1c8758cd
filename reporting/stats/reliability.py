"""Cronbach's alpha with the Feldt confidence interval and item–rest correlations.

Missing answers are handled by **listwise deletion**: only responses that answered every item of
the scale enter alpha, its interval and the item–rest correlations. Pairwise deletion (as in
pingouin's default) mixes different subsets of respondents into one covariance matrix, which can
give alpha values outside what any real subset supports; listwise deletion keeps every figure a
statistic of one identifiable set of responses, whose size is reported as ``n``.

The covariance matrix is carried as :class:`CrossProducts` so that class figures roll up into base
and programme figures without keeping the response matrix (same parallel update as
:class:`reporting.stats.descriptive.Moments`, in matrix form).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import special

__all__ = ["CrossProducts", "Reliability", "alpha_from_cross_products", "cronbach_alpha"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class CrossProducts:
    """Complete-case sufficient statistics of a response matrix: n, column means and the matrix of
    summed cross-products of deviations (``(X − mean)ᵀ (X − mean)``)."""

    n: int
    mean: FloatArray
    comoment: FloatArray

    @classmethod
    def of(cls, matrix: npt.ArrayLike) -> CrossProducts:
        """Cross-products of the rows of ``matrix`` that have no NaN (listwise deletion)."""
        array = np.asarray(matrix, dtype=np.float64)
        if array.ndim != 2:
            raise ValueError("expected a 2-D matrix: responses × items")
        complete = array[~np.isnan(array).any(axis=1)]
        columns = array.shape[1]
        if complete.shape[0] == 0:
            return cls(0, np.zeros(columns), np.zeros((columns, columns)))
        mean = complete.mean(axis=0)
        centred = complete - mean
        return cls(int(complete.shape[0]), mean, centred.T @ centred)

    def __add__(self, other: CrossProducts) -> CrossProducts:
        if self.mean.shape != other.mean.shape:
            raise ValueError("cannot pool cross-products of different item sets")
        if other.n == 0:
            return self
        if self.n == 0:
            return other
        n = self.n + other.n
        delta = other.mean - self.mean
        mean = self.mean + delta * (other.n / n)
        comoment = self.comoment + other.comoment + np.outer(delta, delta) * (self.n * other.n / n)
        return CrossProducts(n, mean, comoment)


@dataclass(frozen=True)
class Reliability:
    """Cronbach's alpha of a scale.

    ``low``/``high`` are the Feldt (1965; Feldt, Woodruff & Salih 1987) interval at ``level``;
    ``n`` is the number of complete responses used; ``item_rest`` holds, per item in column order,
    the Pearson correlation of the item with the sum of the other items (``None`` where an item or
    its rest score does not vary).
    """

    alpha: float
    low: float
    high: float
    level: float
    n: int
    items: int
    item_rest: tuple[float | None, ...]


def alpha_from_cross_products(cross: CrossProducts, level: float = 0.95) -> Reliability | None:
    """Alpha, Feldt interval and item–rest correlations from pooled cross-products.

    ``alpha = k/(k − 1) · (1 − Σ var(item) / var(total))``; the interval is
    ``1 − (1 − alpha) · F`` with F the upper and lower ``(1 − level)/2`` quantiles of
    F(n − 1, (n − 1)(k − 1)). Returns ``None`` when alpha is not defined: fewer than two complete
    responses, or a total score that does not vary (e.g. everyone answered 5 to every item).
    """
    items = int(cross.mean.shape[0])
    if items < 2:
        raise ValueError("Cronbach's alpha needs at least two items")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must lie in (0, 1), got {level}")
    if cross.n < 2:
        return None
    # The n − 1 divisor cancels in alpha and in the correlations, so the comoment matrix is used
    # as it is.
    c = cross.comoment
    total_variance = float(c.sum())
    if total_variance <= 0.0:
        return None
    alpha = items / (items - 1) * (1.0 - float(np.trace(c)) / total_variance)
    df1 = cross.n - 1
    df2 = df1 * (items - 1)
    tail = (1.0 - level) / 2.0
    # special.fdtri(d1, d2, q) is the q-quantile of F(d1, d2), i.e. scipy.stats.f.isf(1 − q, …).
    low = 1.0 - (1.0 - alpha) * float(special.fdtri(df1, df2, 1.0 - tail))
    high = 1.0 - (1.0 - alpha) * float(special.fdtri(df1, df2, tail))
    row_sums = c.sum(axis=1)
    item_rest: list[float | None] = []
    for j in range(items):
        item_var = float(c[j, j])
        rest_var = total_variance - 2.0 * float(row_sums[j]) + item_var
        covariance = float(row_sums[j]) - item_var
        if item_var <= 0.0 or rest_var <= 0.0:
            item_rest.append(None)
        else:
            item_rest.append(covariance / math.sqrt(item_var * rest_var))
    return Reliability(alpha, low, high, level, cross.n, items, tuple(item_rest))


def cronbach_alpha(matrix: npt.ArrayLike, level: float = 0.95) -> Reliability | None:
    """Cronbach's alpha of a responses × items matrix (NaN = missing; listwise deletion).

    See :func:`alpha_from_cross_products` for the formulas and when ``None`` is returned.
    """
    return alpha_from_cross_products(CrossProducts.of(matrix), level)
