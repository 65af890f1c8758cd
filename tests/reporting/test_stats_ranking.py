"""Bootstrap rank intervals: deterministic, exact when groups separate, wide when they do not."""

from __future__ import annotations

import numpy as np
import pytest

from reporting.stats import bootstrap_rank_intervals


def _groups(seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "a": rng.normal(4.5, 0.4, 50),
        "b": rng.normal(4.45, 0.4, 50),
        "c": rng.normal(3.0, 0.4, 50),
    }


def test_same_seed_gives_the_same_intervals_and_another_seed_may_not() -> None:
    groups = _groups(1)
    first = bootstrap_rank_intervals(groups, seed=42)
    again = bootstrap_rank_intervals(groups, seed=42)
    assert first == again
    close = {"x": groups["a"], "y": groups["a"] + 0.01, "z": groups["a"] - 0.01}
    many = {bootstrap_rank_intervals(close, seed=s, reps=5) for s in range(20)}
    assert len(many) > 1  # the bootstrap does draw randomly


def test_close_groups_share_ranks_and_a_distant_group_is_pinned() -> None:
    result = {r.label: r for r in bootstrap_rank_intervals(_groups(3), seed=1)}
    assert (result["a"].low, result["a"].high) == (1, 2)
    assert (result["b"].low, result["b"].high) == (1, 2)
    assert (result["c"].rank, result["c"].low, result["c"].high) == (3, 3, 3)
    for interval in result.values():
        assert interval.low <= interval.rank <= interval.high


def test_identical_distributions_give_intervals_over_every_rank() -> None:
    values = np.array([3, 4, 4, 5, 5, 5, 2, 4, 5, 3] * 3, dtype=float)
    groups = {label: values.copy() for label in "wxyz"}
    for interval in bootstrap_rank_intervals(groups, seed=5):
        # Equal observed means tie at rank 1 ("1224" ranking).
        assert interval.rank == 1
        assert (interval.low, interval.high) == (1, 4)


def test_lower_is_better_reverses_the_order() -> None:
    groups = {"low": [1.0, 1.0, 2.0], "high": [5.0, 5.0, 4.0]}
    up = {r.label: r.rank for r in bootstrap_rank_intervals(groups, seed=0)}
    down = {
        r.label: r.rank for r in bootstrap_rank_intervals(groups, seed=0, higher_is_better=False)
    }
    assert up == {"low": 2, "high": 1}
    assert down == {"low": 1, "high": 2}


def test_bootstrap_means_spread_like_the_standard_error() -> None:
    # With reps large, the spread of the resampled means equals sd·√((n − 1)/n)/√n; checked through
    # the rank of a group placed exactly one standard error above a constant group.
    rng = np.random.default_rng(11)
    sample = rng.normal(0.0, 1.0, 400)
    se = sample.std(ddof=0) / np.sqrt(sample.size)
    constant = np.full(10, sample.mean() - se)
    result = {
        r.label: r
        for r in bootstrap_rank_intervals({"s": sample, "k": constant}, seed=3, reps=4000)
    }
    # P(resampled mean < mean − se) ≈ Φ(−1) ≈ 0.159 > 0.025, so "s" drops to rank 2 inside the 95 %
    # interval; at level 0.60 (tails of 0.20 each) it does not.
    assert (result["s"].low, result["s"].high) == (1, 2)
    narrow = bootstrap_rank_intervals({"s": sample, "k": constant}, seed=3, reps=4000, level=0.6)
    assert (narrow[0].low, narrow[0].high) == (1, 1)


def test_invalid_input_is_rejected() -> None:
    with pytest.raises(ValueError, match="no values"):
        bootstrap_rank_intervals({"a": [np.nan]}, seed=0)
    with pytest.raises(ValueError, match="reps"):
        bootstrap_rank_intervals({"a": [1.0]}, seed=0, reps=0)
    assert bootstrap_rank_intervals({}, seed=0) == ()
