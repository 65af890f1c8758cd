"""Cronbach's alpha, its Feldt interval and item–rest correlations against published values."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest

from reporting.stats import CrossProducts, alpha_from_cross_products, cronbach_alpha

NAN = math.nan

# pingouin 0.7.0, pingouin/datasets/cronbach_alpha.csv (long format pivoted to wide: 15 subjects ×
# items Q1…Q10). Published in pingouin's ``cronbach_alpha`` docstring:
# (0.5917188485995826, array([0.195, 0.84 ])).
CRONBACH_ALPHA_WIDE = (
    (3, 2, 4, 1, 4, 5, 1, 4, 3, 2),
    (5, 4, 6, 3, 5, 1, 2, 5, 5, 5),
    (7, 3, 5, 5, 6, 4, 3, 3, 6, 5),
    (2, 4, 3, 3, 2, 2, 2, 6, 6, 3),
    (6, 5, 6, 5, 4, 4, 4, 6, 7, 5),
    (1, 2, 3, 4, 2, 5, 2, 3, 5, 2),
    (4, 3, 5, 3, 5, 2, 1, 2, 4, 3),
    (2, 4, 4, 3, 7, 2, 2, 4, 6, 5),
    (6, 5, 5, 5, 1, 6, 5, 2, 3, 2),
    (5, 4, 6, 4, 3, 5, 3, 1, 7, 2),
    (4, 3, 5, 2, 5, 3, 2, 3, 4, 1),
    (4, 2, 3, 2, 5, 3, 4, 2, 3, 4),
    (5, 5, 6, 2, 3, 3, 2, 4, 4, 5),
    (6, 5, 5, 4, 2, 2, 1, 4, 6, 5),
    (4, 3, 5, 5, 3, 1, 3, 2, 3, 4),
)

# pingouin 0.7.0, pingouin/datasets/cronbach_wide_missing.csv (12 × Q1…Q11, binary, with missing
# answers). Published in the same docstring, listwise deletion ("In R: psych:alpha(data,
# use='complete.obs')"): (0.8016949152542373, array([0.581, 0.933])). pingouin takes the Feldt
# degrees of freedom from the 12 rows *before* deletion; only 9 rows enter alpha, and we use
# n = 9, so our interval is the published one recomputed with df1 = 8 (0.533, 0.947).
WIDE_MISSING = (
    (1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1),
    (1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0),
    (NAN, 0, 1, 1, NAN, 1, 1, 1, 1, 0, 0),
    (1, 1, 1, 0, 1, 1, 0, 1, 1, 0, 0),
    (1, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0),
    (0, 1, NAN, 0, 1, 1, 1, 1, 0, 0, 0),
    (1, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0),
    (1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0),
    (0, 1, 0, 1, 1, 0, 0, 0, 0, 1, 0),
    (1, 0, 0, 1, 0, 1, 0, 0, NAN, 0, 0),
    (1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0),
    (1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0),
)


def test_alpha_and_feldt_interval_match_pingouin_published_example() -> None:
    result = cronbach_alpha(CRONBACH_ALPHA_WIDE)
    assert result is not None
    assert result.alpha == pytest.approx(0.5917188485995826, abs=1e-12)
    assert round(result.low, 3) == 0.195
    assert round(result.high, 3) == 0.84
    assert (result.n, result.items, result.level) == (15, 10, 0.95)


def test_listwise_deletion_matches_pingouin_published_example() -> None:
    result = cronbach_alpha(WIDE_MISSING)
    assert result is not None
    assert result.alpha == pytest.approx(0.8016949152542373, abs=1e-12)
    assert result.n == 9  # three of twelve responses miss an answer
    # Feldt with n = 9, k = 11: 1 − (1 − alpha) · F(0.025 / 0.975; 8, 80), F quantiles being
    # the same SciPy F as the first test (checked there against pingouin): 2.3549 and 0.2662.
    assert (round(result.low, 3), round(result.high, 3)) == (0.533, 0.947)


def _item_rest_by_hand(rows: tuple[tuple[float, ...], ...]) -> list[float]:
    complete = [row for row in rows if not any(math.isnan(v) for v in row)]
    out = []
    for j in range(len(complete[0])):
        item = [row[j] for row in complete]
        rest = [sum(row) - row[j] for row in complete]
        out.append(statistics.correlation(item, rest))
    return out


@pytest.mark.parametrize("rows", [CRONBACH_ALPHA_WIDE, WIDE_MISSING])
def test_item_rest_correlations_match_a_direct_computation(
    rows: tuple[tuple[float, ...], ...],
) -> None:
    result = cronbach_alpha(rows)
    assert result is not None
    expected = _item_rest_by_hand(rows)
    assert result.item_rest == pytest.approx(expected, abs=1e-12)


def test_feldt_interval_widens_at_lower_level_and_brackets_alpha() -> None:
    narrow = cronbach_alpha(CRONBACH_ALPHA_WIDE, level=0.80)
    wide = cronbach_alpha(CRONBACH_ALPHA_WIDE, level=0.99)
    assert narrow is not None
    assert wide is not None
    assert wide.low < narrow.low < narrow.alpha < narrow.high < wide.high


def test_pooled_cross_products_equal_those_of_the_whole_matrix() -> None:
    rows = np.array(CRONBACH_ALPHA_WIDE, dtype=float)
    pooled = CrossProducts.of(rows[:4]) + CrossProducts.of(rows[4:11]) + CrossProducts.of(rows[11:])
    whole = CrossProducts.of(rows)
    assert pooled.n == whole.n
    np.testing.assert_allclose(pooled.comoment, whole.comoment, rtol=1e-12, atol=1e-12)
    a, b = alpha_from_cross_products(pooled), cronbach_alpha(rows)
    assert a is not None
    assert b is not None
    assert a.alpha == pytest.approx(b.alpha, abs=1e-12)


def test_alpha_is_undefined_without_variance_or_enough_complete_responses() -> None:
    assert cronbach_alpha([[5, 5, 5]] * 10) is None
    assert cronbach_alpha([[1, 2, 3]]) is None
    assert cronbach_alpha([[1.0, NAN], [2.0, 3.0], [NAN, 4.0]]) is None


def test_constant_item_has_no_item_rest_correlation() -> None:
    result = cronbach_alpha([[5, 1, 2], [5, 2, 3], [5, 3, 3], [5, 4, 5]])
    assert result is not None
    assert result.item_rest[0] is None
    assert result.item_rest[1] is not None


def test_one_item_is_a_caller_error() -> None:
    with pytest.raises(ValueError, match="two items"):
        cronbach_alpha([[1], [2], [3]])
