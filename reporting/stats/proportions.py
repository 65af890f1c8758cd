"""Proportions: the Wilson score interval (满意率) and the Net Promoter Score with its interval."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from scipy import special

__all__ = [
    "NetPromoter",
    "Proportion",
    "net_promoter",
    "nps_counts",
    "wilson",
]


def _z(level: float) -> float:
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must lie in (0, 1), got {level}")
    # The ufunc rather than scipy.stats.norm.ppf: same value, a hundredth of the cost, which
    # matters when a national report computes some 30,000 intervals.
    return float(special.ndtri(0.5 + level / 2.0))


@dataclass(frozen=True)
class Proportion:
    """``successes`` of ``n`` with the Wilson score interval at ``level``."""

    successes: int
    n: int
    rate: float
    low: float
    high: float
    level: float


def wilson(successes: int, n: int, level: float = 0.95) -> Proportion:
    """Rate ``successes / n`` with the Wilson (1927) score interval, no continuity correction.

    ``centre = (p + z²/2n) / (1 + z²/n)``, ``half = z/(1 + z²/n) · √(p(1 − p)/n + z²/4n²)``.
    Chosen over the Wald interval because satisfaction rates sit near 100 %, where the Wald
    interval collapses to zero width and overshoots 1 (Newcombe 1998).
    """
    if n <= 0:
        raise ValueError("a proportion needs n ≥ 1")
    if not 0 <= successes <= n:
        raise ValueError(f"successes must lie in 0…{n}, got {successes}")
    z = _z(level)
    p = successes / n
    z2n = z * z / n
    centre = (p + z2n / 2.0) / (1.0 + z2n)
    half = z / (1.0 + z2n) * math.sqrt(p * (1.0 - p) / n + z2n / (4.0 * n))
    # Clamp the rounding noise at the ends (0/n and n/n), where the exact bounds are 0 and 1.
    return Proportion(successes, n, p, max(0.0, centre - half), min(1.0, centre + half), level)


@dataclass(frozen=True)
class NetPromoter:
    """Net Promoter Score on the −100…100 scale with an adjusted-Wald interval.

    Promoters answered 9–10, passives 7–8, detractors 0–6 on the 0–10 recommendation item.
    """

    n: int
    promoters: int
    passives: int
    detractors: int
    score: float
    low: float
    high: float
    level: float


def nps_counts(values: Iterable[int]) -> tuple[int, int, int]:
    """(promoters, passives, detractors) among 0–10 answers."""
    promoters = passives = detractors = 0
    for value in values:
        if not 0 <= value <= 10:
            raise ValueError(f"recommendation answer {value} outside 0–10")
        if value >= 9:
            promoters += 1
        elif value >= 7:
            passives += 1
        else:
            detractors += 1
    return promoters, passives, detractors


def net_promoter(
    promoters: int, passives: int, detractors: int, level: float = 0.95
) -> NetPromoter:
    """NPS = 100 · (promoters − detractors) / n with the adjusted-Wald interval of Rocks (2016).

    The NPS is the mean of a trinomial score (+1 promoter, 0 passive, −1 detractor), whose variance
    is ``p_P + p_D − (p_P − p_D)²``. The plain Wald interval built on it has zero width when every
    answer is a promoter — common in small training classes — so, as Rocks (2016, *The American
    Statistician* 70:365–372) recommends, the interval uses ¾ pseudo-promoter, ¾ pseudo-detractor
    and n + 3: ``p̃_P = (P + ¾)/(n + 3)``, ``p̃_D = (D + ¾)/(n + 3)``, interval
    ``(p̃_P − p̃_D) ± z · √((p̃_P + p̃_D − (p̃_P − p̃_D)²)/(n + 3))``, clipped to ±100. The point
    estimate stays the observed NPS.
    """
    n = promoters + passives + detractors
    if min(promoters, passives, detractors) < 0:
        raise ValueError("counts cannot be negative")
    if n == 0:
        raise ValueError("an NPS needs at least one answer")
    z = _z(level)
    n_adj = n + 3.0
    p_adj = (promoters + 0.75) / n_adj
    d_adj = (detractors + 0.75) / n_adj
    centre = p_adj - d_adj
    half = z * math.sqrt((p_adj + d_adj - centre * centre) / n_adj)
    score = 100.0 * (promoters - detractors) / n
    low = max(-100.0, 100.0 * (centre - half))
    high = min(100.0, 100.0 * (centre + half))
    return NetPromoter(n, promoters, passives, detractors, score, low, high, level)
