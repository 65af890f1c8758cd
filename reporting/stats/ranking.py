"""Ranks with uncertainty: bootstrap intervals for each group's rank.

A league table of 16 bases whose means differ by less than their sampling error invites the
ministry to reward noise. Instead each base gets an interval for its rank (Goldstein &
Spiegelhalter 1996; Marshall & Spiegelhalter 1998): resample each base's responses with
replacement, rank the resampled means, repeat, and report the central ``level`` range of the ranks
each base obtained.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats as sps

__all__ = ["RankInterval", "bootstrap_rank_intervals"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class RankInterval:
    """A group's observed mean, its rank (1 = best) and the bootstrap interval of the rank."""

    label: str
    n: int
    estimate: float
    rank: int
    low: int
    high: int
    level: float


def _bootstrap_means(values: FloatArray, reps: int, rng: np.random.Generator) -> FloatArray:
    # Resampling n values with replacement equals drawing multinomial counts over the distinct
    # values. That costs reps × (distinct values) binomial draws instead of reps × n indices,
    # and pays off when values repeat a lot (a binomial draw costs about a dozen index draws).
    distinct, counts = np.unique(values, return_counts=True)
    means: FloatArray
    if distinct.size * 12 < values.size:
        draws = rng.multinomial(values.size, counts / values.size, size=reps)
        means = (draws @ distinct) / values.size
    else:
        means = values[rng.integers(0, values.size, size=(reps, values.size))].mean(axis=1)
    return means


def bootstrap_rank_intervals(
    groups: Mapping[str, npt.ArrayLike],
    *,
    seed: int,
    reps: int = 1000,
    level: float = 0.95,
    higher_is_better: bool = True,
) -> tuple[RankInterval, ...]:
    """Rank intervals for the means of ``groups`` (NaN ignored), in the mapping's order.

    Rank 1 is the best mean (highest, unless ``higher_is_better`` is false); tied means share the
    best of their ranks ("1224" ranking). Each replicate resamples every group's values with
    replacement, independently per group (a stratified bootstrap: group sizes are fixed by
    design). The interval runs from the ``(1 − level)/2`` to the ``(1 + level)/2`` empirical
    quantile of the replicate ranks (inverse-CDF quantiles, so the bounds are ranks that occurred).

    Deterministic: a ``numpy.random.Generator`` seeded with ``seed`` draws the groups in mapping
    order, so the same seed, order and data give the same intervals.
    """
    if reps < 1:
        raise ValueError("reps must be at least 1")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must lie in (0, 1), got {level}")
    labels = list(groups)
    arrays = []
    for label in labels:
        array = np.asarray(groups[label], dtype=np.float64).ravel()
        array = array[~np.isnan(array)]
        if array.size == 0:
            raise ValueError(f"group {label!r} has no values")
        arrays.append(array)
    if not arrays:
        return ()
    rng = np.random.default_rng(seed)
    sign = -1.0 if higher_is_better else 1.0
    replicates = np.column_stack([_bootstrap_means(array, reps, rng) for array in arrays])
    replicate_ranks = sps.rankdata(sign * replicates, method="min", axis=1)
    observed = np.array([array.mean() for array in arrays])
    observed_ranks = sps.rankdata(sign * observed, method="min")
    tail = (1.0 - level) / 2.0
    bounds = np.quantile(replicate_ranks, [tail, 1.0 - tail], axis=0, method="inverted_cdf")
    return tuple(
        RankInterval(
            label,
            int(arrays[i].size),
            float(observed[i]),
            int(observed_ranks[i]),
            int(bounds[0, i]),
            int(bounds[1, i]),
            level,
        )
        for i, label in enumerate(labels)
    )
