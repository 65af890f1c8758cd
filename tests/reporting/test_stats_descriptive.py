"""Means, SDs, t intervals and distributions against SciPy and the standard library."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats as sps

from reporting.stats import Moments, distribution, mean_ci
from reporting.stats.descriptive import bounded_interval

# Pain thresholds of pingouin's ``anova`` dataset (see test_stats_nonparametric.py).
SAMPLE = (62, 60, 71, 55, 48, 63, 57, 52, 41, 43, 42, 50, 41, 37, 32, 39, 51, 30, 35)


def test_mean_sd_and_t_interval_match_scipy_one_sample_t_test() -> None:
    estimate = mean_ci(SAMPLE)
    reference = sps.ttest_1samp(SAMPLE, 0.0).confidence_interval(confidence_level=0.95)
    assert estimate.n == 19
    assert estimate.mean == pytest.approx(statistics.fmean(SAMPLE), abs=1e-12)
    assert estimate.sd == pytest.approx(statistics.stdev(SAMPLE), abs=1e-12)
    assert estimate.low == pytest.approx(reference.low, abs=1e-10)
    assert estimate.high == pytest.approx(reference.high, abs=1e-10)


def test_t_interval_by_hand_at_90_percent() -> None:
    values = [4, 5, 5, 3, 4, 5, 2, 4]
    estimate = mean_ci(values, level=0.90)
    # t(0.95, 7) = 1.894578605 (tabulated), half width = t · s / √n
    half = 1.894578605 * statistics.stdev(values) / math.sqrt(len(values))
    assert estimate.low == pytest.approx(statistics.fmean(values) - half, abs=1e-8)
    assert estimate.high == pytest.approx(statistics.fmean(values) + half, abs=1e-8)


def test_missing_values_are_ignored_and_single_values_have_no_interval() -> None:
    estimate = mean_ci([4.0, math.nan])
    assert (estimate.n, estimate.mean, estimate.sd, estimate.low, estimate.high) == (
        1,
        4.0,
        None,
        None,
        None,
    )
    with pytest.raises(ValueError, match="no values"):
        mean_ci([math.nan])


@given(
    st.lists(st.integers(1, 5), min_size=0, max_size=40),
    st.lists(st.integers(1, 5), min_size=0, max_size=40),
)
def test_moments_of_two_parts_add_up_to_the_moments_of_the_whole(
    a: list[int], b: list[int]
) -> None:
    pooled = Moments.of(a) + Moments.of(b)
    whole = Moments.of(a + b)
    assert pooled.n == whole.n
    if whole.n:
        assert pooled.mean == pytest.approx(float(np.mean(a + b)), abs=1e-12)
    if whole.n >= 2:
        assert pooled.variance == pytest.approx(statistics.variance(a + b), abs=1e-9)


def test_distribution_lists_every_scale_point_and_rejects_values_off_the_scale() -> None:
    assert distribution([5, 5, 4, 1], 1, 5) == {1: 1, 2: 0, 3: 0, 4: 1, 5: 2}
    assert list(distribution([], 0, 10)) == list(range(11))
    with pytest.raises(ValueError, match="outside the scale"):
        distribution([6], 1, 5)


def test_bounded_interval_by_hand_stays_on_the_scale() -> None:
    # 5, 5, 4, 5, 3 on 1–5: mean 4.4, SD √0.8, u = 0.85, se_u = √0.8 / 4 / √5 = 0.1;
    # on the logit scale se = 0.1 / (0.85 · 0.15); t(0.975, 4) = 2.776445 (Student's table).
    estimate = bounded_interval(Moments.of([5, 5, 4, 5, 3]), 1, 5)
    se = 0.1 / (0.85 * 0.15)
    centre = math.log(0.85 / 0.15)

    def back(x: float) -> float:
        return 1 + 4 / (1 + math.exp(-x))

    assert estimate.mean == pytest.approx(4.4)
    assert estimate.low == pytest.approx(back(centre - 2.776445 * se), abs=1e-6)
    assert estimate.high == pytest.approx(back(centre + 2.776445 * se), abs=1e-6)
    # The plain t interval of the same values runs past the top of the scale.
    plain = mean_ci([5, 5, 4, 5, 3])
    assert plain.high is not None
    assert plain.high > 5
    assert estimate.high is not None
    assert estimate.high < 5


def test_bounded_interval_at_the_end_of_the_scale_is_that_end() -> None:
    estimate = bounded_interval(Moments.of([5, 5, 5]), 1, 5)
    assert (estimate.low, estimate.high) == (5.0, 5.0)
    single = bounded_interval(Moments.of([4]), 1, 5)
    assert single.low is None
