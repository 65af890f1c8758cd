"""The ministry's comparison of bases, built around one primary indicator.

- **Primary indicator** (满意率 on the item the questionnaire declares ``primary``): a funnel plot
  that allows for overdispersion (Spiegelhalter 2005), empirical-Bayes estimates with 95 %
  intervals, rank intervals simulated from them, Manski bounds under non-response, and the only
  pairwise tests of the report (Fisher's exact test, Holm over all pairs).
- **Response rate**: an indicator of its own, with its Wilson interval and its own funnel plot.
  Participation is always shown, so every base with invitations is on it.
- **Other scores** (the overall score and each dimension score): Kruskal–Wallis with ε² only.
  Comparing 8 scores over 45 pairs of bases makes 360 tests; whatever the correction, a reader
  finds "significant" pairs that are noise, and no decision rests on them.

Every base is listed; a base whose figures are withheld (fewer than k responses) is listed as
"回答不足" with its participation, never dropped: otherwise low participation would take a base out
of the comparison it might lose. A withheld base takes no part in any statistic: its point on a
funnel or its rank would expose the figure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from reporting.model import BaseComparison, BaseRow, ComparisonTest, DimensionInfo, Participation
from reporting.stats.funnel import Funnel, funnel
from reporting.stats.nonparametric import kruskal_wallis
from reporting.stats.proportions import Bounds, nonresponse_bounds, rate_pairs, wilson
from reporting.stats.shrinkage import posterior_rank_intervals, shrink

__all__ = [
    "INSUFFICIENT",
    "MIN_RANKED_ANSWERS",
    "MIN_SHRUNK_BASES",
    "OVERALL_SCORE",
    "BaseSample",
    "compare_bases",
    "compare_scores",
    "dimension_measure",
]

FloatArray = npt.NDArray[np.float64]

#: The measure id of the overall score (dimension scores are ``dimension.<id>``).
OVERALL_SCORE = "overall_score"
OVERALL_LABEL = "总体得分"
PRIMARY_LABEL = "满意率"
INSUFFICIENT = "回答不足"

#: No rank below this many answers on the primary item: with fewer, the rank interval spans
#: most of the table whatever the base did, and a bare number would still be quoted.
MIN_RANKED_ANSWERS = 20
#: The beta-binomial prior needs a spread of bases to estimate; below three there is none.
MIN_SHRUNK_BASES = 3


def dimension_measure(dimension_id: str) -> str:
    """The measure id of a dimension score (``dimension.content``): distinct from the overall
    score's id even for a dimension named "overall"."""
    return f"dimension.{dimension_id}"


@dataclass(frozen=True, eq=False)
class BaseSample:
    """One base's per-response scores, its primary-item counts and its participation, with what
    may be shown.

    ``shown`` lists the measures (``overall_score``, ``dimension.<id>``, ``primary``) whose figures
    the small-cell rules show for this base; ``hidden`` is true when the base's figures are
    withheld altogether.
    """

    name: str
    participation: Participation
    overall: FloatArray
    dimensions: Mapping[str, FloatArray]
    satisfied: int
    answered: int
    shown: frozenset[str]
    hidden: bool


def compare_scores(measure: str, label: str, groups: Mapping[str, FloatArray]) -> ComparisonTest:
    """Kruskal–Wallis (with ε²) across ``groups``. Groups without a value are left out; with fewer
    than two groups left there is nothing to compare and ``kruskal`` is None."""
    used = {name: values[~np.isnan(values)] for name, values in groups.items()}
    used = {name: values for name, values in used.items() if values.size}
    names = tuple(used)
    if len(names) < 2:
        return ComparisonTest(measure, label, names, None)
    return ComparisonTest(measure, label, names, kruskal_wallis([used[n] for n in names]))


def _bounds(sample: BaseSample) -> Bounds | None:
    invited = sample.participation.invited
    if sample.answered == 0 or invited < sample.answered:
        return None
    return nonresponse_bounds(sample.satisfied, sample.answered, invited)


def _response_funnel(samples: Sequence[BaseSample]) -> Funnel | None:
    points = [
        (s.name, s.participation.responded, s.participation.invited)
        for s in samples
        if s.participation.invited > 0 and s.participation.responded <= s.participation.invited
    ]
    if not points:
        return None
    return funnel(points, adjust=True)


def compare_bases(
    samples: Sequence[BaseSample],
    dimensions: Sequence[DimensionInfo],
    *,
    primary_item: str | None,
    target: float | None,
    seed: int,
    draws: int,
    level: float,
) -> BaseComparison:
    """Compare the bases in ``samples`` (in that order).

    ``target`` is the programme's rate on the primary item (the funnel's centre line), None when
    the questionnaire declares no primary item or the programme figure is withheld.
    """
    points = [
        (s.name, s.satisfied, s.answered)
        for s in samples
        if "primary" in s.shown and s.answered > 0
    ]
    primary_funnel: Funnel | None = None
    funnel_note: str | None = None
    if primary_item is None:
        funnel_note = "问卷没有声明主要指标，不作满意率比较"
    elif target is None:
        funnel_note = "全项目的满意率不予显示，不作漏斗图"
    elif not points:
        funnel_note = "没有可显示满意率的基地，不作漏斗图"
    else:
        primary_funnel = funnel(points, target=target, adjust=True)

    shrunken = {}
    ranks = {}
    prior = None
    shrinkage_note: str | None = None
    if primary_item is not None and len(points) >= MIN_SHRUNK_BASES:
        prior, rates = shrink(points, level)
        shrunken = {rate.label: rate for rate in rates}
        ranked = [rate for rate in rates if rate.n >= MIN_RANKED_ANSWERS]
        if len(ranked) >= 2:
            ranks = {
                rank.label: rank
                for rank in posterior_rank_intervals(
                    ranked, prior, seed=seed, draws=draws, level=level
                )
            }
    elif primary_item is not None:
        shrinkage_note = f"可显示满意率的基地少于 {MIN_SHRUNK_BASES} 个，不作收缩估计和排名"

    zones = {p.label: p.zone for p in primary_funnel.points} if primary_funnel else {}
    response_funnel = _response_funnel(samples)
    response_zones = {p.label: p.zone for p in response_funnel.points} if response_funnel else {}
    rows = []
    for sample in samples:
        shown = "primary" in sample.shown and sample.answered > 0
        rate = shrunken.get(sample.name)
        rank = ranks.get(sample.name)
        rank_note = None
        if rank is None and rate is not None and rate.n < MIN_RANKED_ANSWERS:
            rank_note = f"答题人数少于 {MIN_RANKED_ANSWERS}，不排名"
        rows.append(
            BaseRow(
                base=sample.name,
                participation=sample.participation,
                note=(
                    INSUFFICIENT
                    if sample.hidden or (primary_item is not None and not shown)
                    else None
                ),
                primary=wilson(sample.satisfied, sample.answered, level) if shown else None,
                shrunken=rate,
                bounds=_bounds(sample) if shown else None,
                rank=rank,
                rank_note=rank_note,
                zone=zones.get(sample.name),
                response_zone=response_zones.get(sample.name),
            )
        )

    tests = [
        compare_scores(
            OVERALL_SCORE,
            OVERALL_LABEL,
            {s.name: s.overall for s in samples if OVERALL_SCORE in s.shown},
        )
    ]
    for dimension in dimensions:
        measure = dimension_measure(dimension.id)
        tests.append(
            compare_scores(
                measure,
                dimension.label,
                {s.name: s.dimensions[dimension.id] for s in samples if measure in s.shown},
            )
        )
    return BaseComparison(
        primary_item=primary_item,
        primary_label=PRIMARY_LABEL,
        rows=tuple(rows),
        prior=prior,
        shrinkage_note=shrinkage_note,
        funnel=primary_funnel,
        funnel_note=funnel_note,
        response_funnel=response_funnel,
        pairs=rate_pairs(points) if primary_item is not None else (),
        tests=tuple(tests),
        min_ranked=MIN_RANKED_ANSWERS,
    )
