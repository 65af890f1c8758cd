"""Wilson intervals and the NPS interval against SciPy, published tables and hand formulas."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest
from scipy import stats as sps

from reporting.stats import net_promoter, nps_counts, wilson
from reporting.stats.proportions import fisher_exact, nonresponse_bounds, rate_pairs


@pytest.mark.parametrize(
    ("successes", "n"), [(0, 1), (1, 1), (0, 5), (4, 5), (47, 50), (50, 50), (12, 800), (799, 800)]
)
@pytest.mark.parametrize("level", [0.90, 0.95, 0.99])
def test_wilson_matches_scipy_binomtest(successes: int, n: int, level: float) -> None:
    ours = wilson(successes, n, level)
    reference = sps.binomtest(successes, n).proportion_ci(confidence_level=level, method="wilson")
    assert ours.low == pytest.approx(reference.low, abs=1e-12)
    assert ours.high == pytest.approx(reference.high, abs=1e-12)
    assert ours.rate == successes / n


# Newcombe R.G. (1998) "Two-sided confidence intervals for the single proportion: comparison of
# seven methods", Statistics in Medicine 17:857–872, Table I, method 3 (score interval without
# continuity correction), printed to four decimals.
NEWCOMBE_1998 = [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
]


@pytest.mark.parametrize(("successes", "n", "low", "high"), NEWCOMBE_1998)
def test_wilson_matches_newcombe_1998_table(
    successes: int, n: int, low: float, high: float
) -> None:
    ours = wilson(successes, n)
    assert (round(ours.low, 4), round(ours.high, 4)) == (low, high)


def test_wilson_rejects_impossible_counts() -> None:
    with pytest.raises(ValueError, match="n ≥ 1"):
        wilson(0, 0)
    with pytest.raises(ValueError, match="successes"):
        wilson(6, 5)


def test_nps_counts_split_the_scale_at_6_and_8() -> None:
    assert nps_counts([0, 6, 7, 8, 9, 10, 10]) == (3, 2, 2)
    with pytest.raises(ValueError, match="0–10"):
        nps_counts([11])


def test_nps_adjusted_wald_interval_by_hand() -> None:
    # 30 promoters, 12 passives, 8 detractors: NPS = 100 · 22/50 = 44.
    result = net_promoter(30, 12, 8)
    p, d, n = (30 + 0.75) / 53, (8 + 0.75) / 53, 53
    z = NormalDist().inv_cdf(0.975)
    half = z * math.sqrt((p + d - (p - d) ** 2) / n)
    assert result.score == pytest.approx(44.0)
    assert result.low == pytest.approx(100 * (p - d - half), abs=1e-10)
    assert result.high == pytest.approx(100 * (p - d + half), abs=1e-10)
    assert result.n == 50


def test_nps_interval_is_not_degenerate_when_everyone_promotes() -> None:
    result = net_promoter(12, 0, 0)
    assert result.score == 100.0
    assert result.high == 100.0
    assert result.low < 80.0


def test_nps_interval_covers_the_true_score_about_95_percent_of_the_time() -> None:
    # Seeded Monte Carlo check of the interval's coverage at a class-sized n.
    rng = np.random.default_rng(20240901)
    truth = (0.55, 0.30, 0.15)
    true_nps = 100 * (truth[0] - truth[2])
    draws = rng.multinomial(50, truth, size=4000)
    covered = 0
    for promoters, passives, detractors in draws:
        result = net_promoter(int(promoters), int(passives), int(detractors))
        covered += result.low <= true_nps <= result.high
    assert 0.93 <= covered / len(draws) <= 0.97


def test_nonresponse_bounds_by_hand() -> None:
    # 40 invited, 30 answered, 24 satisfied: at worst 24/40, at best (24 + 10)/40.
    bounds = nonresponse_bounds(24, 30, 40)
    assert (bounds.low, bounds.high) == (0.6, 0.85)
    # Everyone answered: the bounds close on the observed rate.
    full = nonresponse_bounds(24, 30, 30)
    assert full.low == full.high == 0.8
    with pytest.raises(ValueError, match="answered"):
        nonresponse_bounds(5, 30, 20)


def _fisher_two_sided(table: tuple[tuple[int, int], tuple[int, int]]) -> float:
    """Fisher's exact test written out: the hypergeometric probability of every table with the
    same margins, summed over those no more probable than the observed one."""
    (a, b), (c, d) = table
    row1, col1, total = a + b, a + c, a + b + c + d

    def probability(x: int) -> float:
        return math.comb(col1, x) * math.comb(total - col1, row1 - x) / math.comb(total, row1)

    observed = probability(a)
    support = range(max(0, row1 + col1 - total), min(row1, col1) + 1)
    return sum(p for x in support if (p := probability(x)) <= observed * (1 + 1e-7))


def test_rate_pairs_fisher_and_holm_by_hand() -> None:
    # Fisher's tea-tasting table (Fisher 1935): 3 of 4 right each way, two-sided p = 34/70.
    (pair,) = rate_pairs([("甲", 3, 4), ("乙", 1, 4)])
    assert pair.pvalue == pytest.approx(34 / 70)
    assert pair.difference == 0.5
    groups = [("甲", 48, 50), ("乙", 38, 50), ("丙", 30, 45)]
    pairs = rate_pairs(groups)
    assert [(p.first, p.second) for p in pairs] == [("甲", "乙"), ("甲", "丙"), ("乙", "丙")]
    raw = [
        _fisher_two_sided(((s1, n1 - s1), (s2, n2 - s2)))
        for (_, s1, n1), (_, s2, n2) in [(groups[0], groups[1]), (groups[0], groups[2]),
                                         (groups[1], groups[2])]
    ]  # fmt: skip
    assert [p.pvalue for p in pairs] == pytest.approx(raw, rel=1e-9)
    # Holm over all three pairs: sorted p × 3, × 2, × 1 with a running maximum.
    order = sorted(range(3), key=lambda i: raw[i])
    expected = [0.0] * 3
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, raw[index] * (3 - rank)))
        expected[index] = running
    assert [p.p_holm for p in pairs] == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize(
    "table",
    [
        (3, 1, 1, 3),
        (48, 2, 38, 12),
        (0, 50, 0, 50),
        (50, 0, 0, 50),
        (430, 70, 401, 99),
        (1, 0, 0, 0),
    ],
)
def test_fisher_exact_matches_scipy_and_the_hypergeometric_sum(
    table: tuple[int, int, int, int],
) -> None:
    a, b, c, d = table
    ours = fisher_exact(a, b, c, d)
    assert ours == pytest.approx(float(sps.fisher_exact([[a, b], [c, d]]).pvalue), rel=1e-9)
    assert ours == pytest.approx(_fisher_two_sided(((a, b), (c, d))), rel=1e-9)
