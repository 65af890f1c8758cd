"""Kruskal–Wallis and Holm's adjustment against SciPy, published values and hand computation."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps

from reporting.stats import holm, kruskal_wallis

# pingouin 0.7.0, pingouin/datasets/anova.csv: "Pain threshold" by "Hair color" (McClave &
# Dietrich). Published in pingouin's ``kruskal`` docstring: H = 10.58863, p-unc = 0.014172, ddof 3.
HAIR = {
    "Light Blond": [62, 60, 71, 55, 48],
    "Dark Blond": [63, 57, 52, 41, 43],
    "Light Brunette": [42, 50, 41, 37],
    "Dark Brunette": [32, 39, 51, 30, 35],
}


def test_kruskal_wallis_matches_pingouin_published_value_and_scipy() -> None:
    result = kruskal_wallis(list(HAIR.values()))
    assert round(result.statistic, 5) == 10.58863
    assert round(result.pvalue, 6) == 0.014172
    reference = sps.kruskal(*HAIR.values())
    assert result.statistic == pytest.approx(reference.statistic, abs=1e-12)
    assert result.pvalue == pytest.approx(reference.pvalue, abs=1e-12)
    assert (result.df, result.n, result.groups) == (3, 19, 4)


def test_epsilon_squared_is_h_over_n_minus_one() -> None:
    # Tomczak & Tomczak (2014): E²_R = H / ((n² − 1) / (n + 1)).
    result = kruskal_wallis(list(HAIR.values()))
    assert result.epsilon_squared == pytest.approx(10.58863 / ((19**2 - 1) / (19 + 1)), abs=1e-6)


def test_kruskal_wallis_with_heavy_ties_matches_scipy() -> None:
    groups = [[5, 5, 4, 5, 3], [4, 4, 5, 3, 3, 2], [5, 5, 5, 5, 4]]
    result = kruskal_wallis(groups)
    reference = sps.kruskal(*groups)
    assert result.statistic == pytest.approx(reference.statistic, abs=1e-12)
    assert result.pvalue == pytest.approx(reference.pvalue, abs=1e-12)


def test_kruskal_wallis_on_identical_values_reports_no_difference() -> None:
    result = kruskal_wallis([[5, 5], [5, 5, 5]])
    assert (result.statistic, result.pvalue, result.epsilon_squared) == (0.0, 1.0, 0.0)
    with pytest.raises(ValueError, match="two groups"):
        kruskal_wallis([[1, 2]])


def test_holm_by_hand() -> None:
    # Sorted: 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 → running max 0.06.
    adjusted = holm([0.01, 0.04, 0.03, 0.005])
    np.testing.assert_allclose(adjusted, [0.03, 0.06, 0.06, 0.02])
    np.testing.assert_allclose(holm([0.5, 0.9]), [1.0, 1.0])
    assert holm([]).size == 0
