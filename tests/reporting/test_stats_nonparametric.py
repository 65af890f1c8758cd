"""Kruskal–Wallis, Dunn–Holm and Cliff's delta against SciPy, published and recorded values."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import stats as sps

from reporting.stats import (
    cliffs_delta,
    cliffs_delta_matrix,
    delta_magnitude,
    dunn_test,
    holm,
    kruskal_wallis,
)

# pingouin 0.7.0, pingouin/datasets/anova.csv: "Pain threshold" by "Hair color" (McClave &
# Dietrich). Published in pingouin's ``kruskal`` docstring: H = 10.58863, p-unc = 0.014172, ddof 3.
HAIR = {
    "Light Blond": [62, 60, 71, 55, 48],
    "Dark Blond": [63, 57, 52, 41, 43],
    "Light Brunette": [42, 50, 41, 37],
    "Dark Brunette": [32, 39, 51, 30, 35],
}

# seaborn-data exercise.csv (github.com/mwaskom/seaborn-data): pulse by kind of exercise, 30 each.
EXERCISE = {
    "rest": [85, 85, 88, 90, 92, 93, 97, 97, 94, 80, 82, 83, 91, 92, 91,
             83, 83, 84, 87, 88, 90, 92, 94, 95, 97, 99, 96, 100, 97, 100],
    "running": [93, 98, 110, 98, 104, 112, 98, 105, 99, 87, 132, 120, 94, 110, 116,
                95, 126, 143, 100, 126, 140, 103, 124, 140, 94, 135, 130, 99, 111, 150],
    "walking": [86, 86, 84, 93, 103, 104, 90, 92, 93, 95, 96, 100, 89, 96, 95,
                84, 86, 89, 103, 109, 90, 92, 96, 101, 97, 98, 100, 102, 104, 103],
}  # fmt: skip

# Holm-adjusted Dunn p values from R (PMCMR), as recorded in scikit-posthocs' test suite
# (tests/test_posthocs.py, ``test_posthoc_dunn``, r_results) for the exercise data above.
EXERCISE_DUNN_HOLM_R = {
    ("rest", "running"): 9.570998e-09,
    ("rest", "walking"): 4.390066e-02,
    ("running", "walking"): 1.873208e-04,
}

# scikit-posthocs 0.17.1 ``posthoc_dunn(anova, val_col="Pain threshold", group_col="Hair color")``
# computed once in a throwaway virtualenv, unadjusted and with p_adjust="holm".
HAIR_DUNN_SCIKIT_POSTHOCS = {
    ("Dark Blond", "Dark Brunette"): (0.030428851774199094, 0.15214425887099547),
    ("Dark Blond", "Light Blond"): (0.41496512188123347, 0.8299302437624669),
    ("Dark Blond", "Light Brunette"): (0.19181216916529953, 0.5754365074958986),
    ("Dark Brunette", "Light Blond"): (0.0028857787253836406, 0.017314672352301844),
    ("Dark Brunette", "Light Brunette"): (0.4620727317252493, 0.8299302437624669),
    ("Light Blond", "Light Brunette"): (0.03809761964491466, 0.15239047857965865),
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


def test_dunn_holm_matches_r_pmcmr_values_recorded_by_scikit_posthocs() -> None:
    pairs = {(p.first, p.second): p for p in dunn_test(EXERCISE)}
    assert set(pairs) == set(EXERCISE_DUNN_HOLM_R)
    for key, expected in EXERCISE_DUNN_HOLM_R.items():
        assert pairs[key].p_holm == pytest.approx(expected, rel=1e-6)


def test_dunn_matches_scikit_posthocs_on_the_hair_colour_data() -> None:
    ordered = {label: HAIR[label] for label in sorted(HAIR)}
    pairs = {(p.first, p.second): p for p in dunn_test(ordered)}
    assert set(pairs) == set(HAIR_DUNN_SCIKIT_POSTHOCS)
    for key, (raw, adjusted) in HAIR_DUNN_SCIKIT_POSTHOCS.items():
        assert pairs[key].pvalue == pytest.approx(raw, rel=1e-9)
        assert pairs[key].p_holm == pytest.approx(adjusted, rel=1e-9)


def test_dunn_z_by_hand_with_ties() -> None:
    groups = {"a": [1, 2, 2, 3], "b": [2, 3, 3, 4, 4]}
    (pair,) = dunn_test(groups)
    # Pooled ranks: 1→1, 2→3 (×3), 3→6 (×3), 4→8.5 (×2); N = 9.
    mean_a = (1 + 3 + 3 + 6) / 4
    mean_b = (3 + 6 + 6 + 8.5 + 8.5) / 5
    ties = (3**3 - 3) + (3**3 - 3) + (2**3 - 2)
    sigma = np.sqrt((9 * 10 / 12 - ties / (12 * 8)) * (1 / 4 + 1 / 5))
    assert pair.mean_rank_first == pytest.approx(mean_a)
    assert pair.mean_rank_second == pytest.approx(mean_b)
    assert pair.z == pytest.approx((mean_a - mean_b) / sigma, abs=1e-12)
    assert pair.pvalue == pytest.approx(2 * sps.norm.sf(abs(pair.z)), abs=1e-15)


def test_holm_by_hand() -> None:
    # Sorted: 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 → running max 0.06.
    adjusted = holm([0.01, 0.04, 0.03, 0.005])
    np.testing.assert_allclose(adjusted, [0.03, 0.06, 0.06, 0.02])
    np.testing.assert_allclose(holm([0.5, 0.9]), [1.0, 1.0])
    assert holm([]).size == 0


# effsize (R) tests/testthat/testCliff.R: delta = −0.25 ("small") and −0.06666 ("negligible").
EFFSIZE_TREATMENT = [10, 10, 20, 20, 20, 30, 30, 30, 40, 50]
EFFSIZE_CONTROL = [10, 20, 30, 40, 40, 50]
EFFSIZE_X1 = [10, 20, 20, 20, 30, 30, 30, 40, 50, 100]


def test_cliffs_delta_matches_effsize_published_examples() -> None:
    assert cliffs_delta(EFFSIZE_TREATMENT, EFFSIZE_CONTROL) == pytest.approx(-0.25, abs=1e-12)
    assert delta_magnitude(-0.25) == "small"
    delta = cliffs_delta(EFFSIZE_X1, EFFSIZE_CONTROL)
    assert delta == pytest.approx(-0.06666, abs=1e-5)
    assert delta_magnitude(delta) == "negligible"
    assert cliffs_delta(EFFSIZE_X1, [v + 110 for v in EFFSIZE_CONTROL]) == -1.0


def test_cliffs_delta_matrix_matches_pairwise_counting() -> None:
    rng = np.random.default_rng(7)
    groups = [rng.integers(1, 6, size=size) / 1.0 for size in (7, 12, 1, 30)]
    matrix = cliffs_delta_matrix(groups)
    for i, j in itertools.product(range(4), repeat=2):
        x, y = groups[i].tolist(), groups[j].tolist()
        naive = sum((a > b) - (a < b) for a in x for b in y) / (len(x) * len(y))
        assert matrix[i, j] == pytest.approx(naive, abs=1e-12)
    np.testing.assert_allclose(matrix, -matrix.T, atol=1e-12)


def test_delta_magnitude_thresholds_of_romano_2006() -> None:
    assert [delta_magnitude(d) for d in (0.146, 0.147, 0.329, 0.33, 0.473, 0.474, -0.9)] == [
        "negligible",
        "small",
        "small",
        "medium",
        "medium",
        "large",
        "large",
    ]
