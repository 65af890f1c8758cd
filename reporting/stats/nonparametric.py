"""Rank-based comparison of groups: Kruskal–Wallis with epsilon², Dunn's post-hoc test with the tie
correction and Holm's adjustment, and Cliff's delta for each pair.

Rank methods suit the data: scores built from 5-point items are ordinal, bounded and heavily tied
near the top of the scale, so means can hide shifts that ranks see and normal-theory tests
misstate their error rates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import stats as sps

__all__ = [
    "DunnArrays",
    "DunnPair",
    "KruskalWallis",
    "Magnitude",
    "cliffs_delta",
    "cliffs_delta_matrix",
    "delta_magnitude",
    "dunn_arrays",
    "dunn_test",
    "holm",
    "kruskal_wallis",
]

FloatArray = npt.NDArray[np.float64]
Magnitude = Literal["negligible", "small", "medium", "large"]


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


@dataclass(frozen=True)
class DunnPair:
    """One pairwise Dunn comparison; ``z`` > 0 means ``first`` has the higher mean rank."""

    first: str
    second: str
    mean_rank_first: float
    mean_rank_second: float
    z: float
    pvalue: float
    p_holm: float


@dataclass(frozen=True, eq=False)
class DunnArrays:
    """Dunn's test for all pairs as arrays (pair i compares groups ``first[i]`` and
    ``second[i]``); :func:`dunn_test` turns them into :class:`DunnPair` objects."""

    first: npt.NDArray[np.intp]
    second: npt.NDArray[np.intp]
    mean_ranks: FloatArray
    z: FloatArray
    pvalue: FloatArray
    p_holm: FloatArray


def dunn_arrays(groups: Sequence[npt.ArrayLike]) -> DunnArrays:
    """Dunn's test for every pair of ``groups`` as arrays (see :func:`dunn_test`)."""
    arrays = [_clean(group) for group in groups]
    if len(arrays) < 2:
        raise ValueError("Dunn's test needs at least two groups")
    if any(array.size == 0 for array in arrays):
        raise ValueError("every group needs at least one value")
    sizes = np.array([array.size for array in arrays], dtype=np.float64)
    pooled = np.concatenate(arrays)
    total = float(pooled.size)
    ranks = sps.rankdata(pooled)
    group_of = np.repeat(np.arange(len(arrays)), sizes.astype(np.int64))
    mean_ranks = np.bincount(group_of, weights=ranks) / sizes
    _, tie_counts = np.unique(pooled, return_counts=True)
    tie_term = float(np.sum(tie_counts.astype(np.float64) ** 3 - tie_counts)) / (
        12.0 * (total - 1.0)
    )
    variance_unit = total * (total + 1.0) / 12.0 - tie_term
    first, second = np.triu_indices(len(arrays), 1)
    difference = mean_ranks[first] - mean_ranks[second]
    if variance_unit <= 0.0:
        # All values tied: no rank differs, so no pair gives evidence of a difference.
        z = np.zeros(first.size)
    else:
        z = difference / np.sqrt(variance_unit * (1.0 / sizes[first] + 1.0 / sizes[second]))
    pvalues = 2.0 * sps.norm.sf(np.abs(z))
    return DunnArrays(first, second, mean_ranks, z, pvalues, holm(pvalues))


def dunn_test(groups: Mapping[str, npt.ArrayLike]) -> tuple[DunnPair, ...]:
    """Dunn's (1964) test for every pair of ``groups``, Holm-adjusted over all pairs.

    Ranks are taken over the pooled sample (mid-ranks for ties). For groups A and B,
    ``z = (R̄_A − R̄_B) / √((N(N + 1)/12 − Σ(t³ − t)/(12(N − 1))) · (1/n_A + 1/n_B))``,
    the tie term summing over groups of t tied values (Dunn 1964; Glantz 2012); p is two-sided
    normal. Pairs come in the order of the mapping: (g0, g1), (g0, g2), …, (g1, g2), …
    """
    labels = list(groups)
    result = dunn_arrays([groups[label] for label in labels])
    mean_ranks = result.mean_ranks.tolist()
    return tuple(
        DunnPair(labels[a], labels[b], mean_ranks[a], mean_ranks[b], z, p, adjusted)
        for a, b, z, p, adjusted in zip(
            result.first.tolist(),
            result.second.tolist(),
            result.z.tolist(),
            result.pvalue.tolist(),
            result.p_holm.tolist(),
            strict=True,
        )
    )


def cliffs_delta_matrix(groups: Sequence[npt.ArrayLike]) -> FloatArray:
    """Cliff's delta for every ordered pair: ``[i, j] = P(X_i > X_j) − P(X_i < X_j)``.

    Counted exactly through the pooled distinct values (each group as a histogram over them), so
    all pairs cost one matrix product instead of n_i · n_j comparisons per pair. Entries with an
    empty group are NaN.
    """
    arrays = [_clean(group) for group in groups]
    count = len(arrays)
    if count == 0:
        return np.zeros((0, 0))
    pooled = np.concatenate(arrays) if any(a.size for a in arrays) else np.zeros(0)
    distinct = np.unique(pooled)
    histograms = np.zeros((count, distinct.size), dtype=np.float64)
    for i, array in enumerate(arrays):
        if array.size:
            histograms[i] = np.bincount(np.searchsorted(distinct, array), minlength=distinct.size)
    cumulative = np.cumsum(histograms, axis=1)
    below = cumulative - histograms  # values strictly below each distinct value
    sizes = histograms.sum(axis=1)
    above = sizes[:, None] - cumulative  # values strictly above each distinct value
    greater = histograms @ below.T
    less = histograms @ above.T
    with np.errstate(invalid="ignore", divide="ignore"):
        delta: FloatArray = (greater - less) / np.outer(sizes, sizes)
    return delta


def cliffs_delta(x: npt.ArrayLike, y: npt.ArrayLike) -> float:
    """Cliff's (1993) delta ``P(X > Y) − P(X < Y)`` over all pairs of one x and one y."""
    first, second = _clean(x), _clean(y)
    if first.size == 0 or second.size == 0:
        raise ValueError("Cliff's delta needs values in both groups")
    return float(cliffs_delta_matrix([first, second])[0, 1])


def delta_magnitude(delta: float) -> Magnitude:
    """Verbal size of |delta| by the thresholds of Romano et al. (2006): 0.147, 0.33, 0.474."""
    size = abs(delta)
    if size < 0.147:
        return "negligible"
    if size < 0.33:
        return "small"
    if size < 0.474:
        return "medium"
    return "large"
