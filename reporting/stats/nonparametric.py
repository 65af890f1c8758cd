"""Rank-based comparison of groups: Kruskal–Wallis with epsilon², and Holm's step-down adjustment
of p values (used for the pairwise tests of the primary indicator).

Rank methods suit the data: scores built from 5-point items are ordinal, bounded and heavily tied
near the top of the scale, so means can hide shifts that ranks see and normal-theory tests
misstate their error rates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats as sps

__all__ = ["KruskalWallis", "holm", "kruskal_wallis"]

FloatArray = npt.NDArray[np.float64]


def _clean(values: npt.ArrayLike) -> FloatArray:
    array = np.asarray(values, dtype=np.float64).ravel()
    return array[~np.isnan(array)]


@dataclass(frozen=True)
class KruskalWallis:
    """Kruskal–Wallis H (tie-corrected), its chi-square p value, and epsilon² = H / (n − 1)."""

    statistic: float
    df: int
    pvalue: float
    epsilon_squared: float
    n: int
    groups: int


def kruskal_wallis(groups: Sequence[npt.ArrayLike]) -> KruskalWallis:
    """Kruskal–Wallis test across ``groups`` (NaN ignored), wrapping ``scipy.stats.kruskal``.

    Effect size: epsilon² of Tomczak & Tomczak (2014), ``H / ((n² − 1)/(n + 1)) = H / (n − 1)``,
    from 0 (no separation of ranks) to 1. When every value is identical the ranks carry no
    information; scipy refuses that case, and this function reports H = 0, p = 1, epsilon² = 0.
    """
    arrays = [_clean(group) for group in groups]
    if len(arrays) < 2:
        raise ValueError("Kruskal–Wallis needs at least two groups")
    if any(array.size == 0 for array in arrays):
        raise ValueError("every group needs at least one value")
    n = sum(array.size for array in arrays)
    pooled = np.concatenate(arrays)
    if np.all(pooled == pooled[0]):
        return KruskalWallis(0.0, len(arrays) - 1, 1.0, 0.0, n, len(arrays))
    result = sps.kruskal(*arrays)
    statistic = float(result.statistic)
    return KruskalWallis(
        statistic, len(arrays) - 1, float(result.pvalue), statistic / (n - 1), n, len(arrays)
    )


def holm(pvalues: npt.ArrayLike) -> FloatArray:
    """Holm (1979) step-down adjusted p values, in the input order.

    The i-th smallest of m p values is multiplied by m − i + 1; a running maximum keeps the
    adjusted values monotone, and they are capped at 1.
    """
    p = np.asarray(pvalues, dtype=np.float64).ravel()
    m = p.size
    if m == 0:
        return p.copy()
    order = np.argsort(p, kind="stable")
    scaled = p[order] * (m - np.arange(m))
    adjusted_sorted = np.minimum(np.maximum.accumulate(scaled), 1.0)
    adjusted = np.empty(m)
    adjusted[order] = adjusted_sorted
    return adjusted
