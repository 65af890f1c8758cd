"""The ministry's comparison of bases: tests of difference with effect sizes, the funnel plot and
rank intervals.

Only bases whose figures are shown take part: a base hidden by the small-cell rules would be
exposed by its point on a funnel or its rank. Each test uses the responses' scores (overall score
and each dimension score), never the base means, so a base of 60 weighs more than a base of 20.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from reporting.model import BaseComparison, ComparisonTest, DimensionInfo, PairComparison
from reporting.stats.funnel import Funnel, funnel
from reporting.stats.nonparametric import (
    cliffs_delta_matrix,
    delta_magnitude,
    dunn_arrays,
    kruskal_wallis,
)
from reporting.stats.ranking import bootstrap_rank_intervals

__all__ = ["BaseSample", "compare_bases", "compare_scores"]

FloatArray = npt.NDArray[np.float64]

OVERALL_LABEL = "总体得分"


@dataclass(frozen=True, eq=False)
class BaseSample:
    """One base's per-response scores and its overall-item counts, with what may be shown.

    ``shown`` lists the measures ("overall", dimension ids, "funnel") whose figures the small-cell
    rules show for this base; ``hidden_reason`` is the Chinese reason when the base takes no part.
    """

    name: str
    overall: FloatArray
    dimensions: Mapping[str, FloatArray]
    satisfied: int
    answered: int
    shown: frozenset[str]
    hidden_reason: str | None


def compare_scores(measure: str, label: str, groups: Mapping[str, FloatArray]) -> ComparisonTest:
    """Kruskal–Wallis (with epsilon²) across ``groups`` and, for each pair, Dunn's test with Holm's
    adjustment and Cliff's delta. Groups without a value are left out; with fewer than two groups
    left there is nothing to compare and ``kruskal`` is None."""
    used = {name: values[~np.isnan(values)] for name, values in groups.items()}
    used = {name: values for name, values in used.items() if values.size}
    names = tuple(used)
    if len(names) < 2:
        return ComparisonTest(measure, label, names, None, ())
    arrays = [used[name] for name in names]
    kruskal = kruskal_wallis(arrays)
    dunn = dunn_arrays(arrays)
    deltas = cliffs_delta_matrix(arrays)[dunn.first, dunn.second].tolist()
    pairs = tuple(
        PairComparison(names[a], names[b], z, p, adjusted, delta, delta_magnitude(delta))
        for a, b, z, p, adjusted, delta in zip(
            dunn.first.tolist(),
            dunn.second.tolist(),
            dunn.z.tolist(),
            dunn.pvalue.tolist(),
            dunn.p_holm.tolist(),
            deltas,
            strict=True,
        )
    )
    return ComparisonTest(measure, label, names, kruskal, pairs)


def compare_bases(
    samples: Sequence[BaseSample],
    dimensions: Sequence[DimensionInfo],
    *,
    target: float | None,
    seed: int,
    reps: int,
    level: float,
) -> BaseComparison:
    """Compare the bases in ``samples`` (in that order).

    ``target`` is the programme's satisfaction rate on the overall item (the funnel's centre
    line), ``None`` when the questionnaire has no overall item or the programme figure is hidden.
    Rank intervals are for the overall score (see :func:`bootstrap_rank_intervals`).
    """
    excluded = tuple((s.name, reason) for s in samples if (reason := s.hidden_reason) is not None)
    tests = [
        compare_scores(
            "overall",
            OVERALL_LABEL,
            {s.name: s.overall for s in samples if "overall" in s.shown},
        )
    ]
    for dimension in dimensions:
        tests.append(
            compare_scores(
                dimension.id,
                dimension.label,
                {s.name: s.dimensions[dimension.id] for s in samples if dimension.id in s.shown},
            )
        )
    funnel_plot: Funnel | None = None
    note: str | None = None
    points = [(s.name, s.satisfied, s.answered) for s in samples if "funnel" in s.shown]
    if target is None:
        note = "问卷没有总体满意度题，或全项目的总体满意率不予显示，不作漏斗图"
    elif not any(answered for _, _, answered in points):
        note = "没有可显示总体满意率的基地，不作漏斗图"
    else:
        funnel_plot = funnel(points, target=target)
    ranked = {
        s.name: s.overall
        for s in samples
        if "overall" in s.shown and np.count_nonzero(~np.isnan(s.overall))
    }
    ranks = bootstrap_rank_intervals(ranked, seed=seed, reps=reps, level=level) if ranked else ()
    return BaseComparison(tuple(tests), funnel_plot, note, ranks, excluded)
