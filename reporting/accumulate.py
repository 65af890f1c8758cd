"""Sufficient statistics of a group of responses, which add up from classes to bases to the
programme without keeping the responses.

Every figure in a report is computed from these: counts, :class:`Moments` (mean and spread) and
:class:`CrossProducts` (covariances for alpha). Adding two groups' statistics gives exactly the
statistics of the pooled responses, so a base's figures equal those computed from its responses
directly (tests check this).
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from questionnaires.scoring import ScoredItem, ScoringRules
from reporting.scores import ClassScores, pooled_key
from reporting.stats.descriptive import Moments
from reporting.stats.reliability import CrossProducts

__all__ = [
    "ChoiceAcc",
    "DimensionAcc",
    "GroupAcc",
    "ItemAcc",
    "class_accumulator",
    "item_accumulator",
]

FloatArray = npt.NDArray[np.float64]


@dataclass
class ItemAcc:
    """One item (or pooled matrix item): answers, respondents, raw moments, raw distribution and
    the number of top-two answers after reverse scoring."""

    minimum: int
    maximum: int
    answers: int = 0
    respondents: int = 0
    moments: Moments = field(default_factory=Moments)
    counts: FloatArray = field(default_factory=lambda: np.zeros(0))
    top_two: int = 0

    def __iadd__(self, other: ItemAcc) -> ItemAcc:
        if (self.minimum, self.maximum) != (other.minimum, other.maximum):
            raise ValueError("cannot pool items with different scales")
        self.answers += other.answers
        self.respondents += other.respondents
        self.moments = self.moments + other.moments
        self.counts = self.counts + other.counts
        self.top_two += other.top_two
        return self


def item_accumulator(scores: ClassScores, columns: list[int]) -> ItemAcc:
    """Statistics of the items in ``columns`` of one class, pooled (one column: one item)."""
    first = scores.items[columns[0]]
    raw = scores.raw[:, columns]
    present = ~np.isnan(raw)
    values = raw[present]
    width = first.maximum - first.minimum + 1
    counts = np.bincount((values - first.minimum).astype(np.int64), minlength=width)
    return ItemAcc(
        first.minimum,
        first.maximum,
        int(values.size),
        int(present.any(axis=1).sum()),
        Moments.of(values),
        counts.astype(np.float64),
        int(np.nansum(scores.top_two[:, columns])),
    )


@dataclass
class DimensionAcc:
    """One dimension: moments of the dimension score over responses, and the complete-case
    cross-products of its items for alpha.

    Cross-products pool only across classes whose dimension has the same items (``columns``) and
    is not a matrix dimension (``pool`` is the class id for matrix items, whose courses differ
    from class to class); otherwise ``unpoolable`` is set and no alpha is given above the class.
    """

    columns: tuple[str, ...]
    pool: str | None
    respondents: int = 0
    moments: Moments = field(default_factory=Moments)
    cross: CrossProducts | None = None
    unpoolable: bool = False

    def __iadd__(self, other: DimensionAcc) -> DimensionAcc:
        # A group without responses adds nothing, whatever its items.
        if other.respondents == 0:
            return self
        if self.respondents == 0:
            self.columns, self.pool = other.columns, other.pool
            self.cross, self.unpoolable = other.cross, other.unpoolable
        elif (
            self.unpoolable
            or other.unpoolable
            or self.columns != other.columns
            or self.pool != other.pool
            or self.cross is None
            or other.cross is None
        ):
            self.unpoolable, self.cross = True, None
        else:
            self.cross = self.cross + other.cross
        self.respondents += other.respondents
        self.moments = self.moments + other.moments
        return self


@dataclass
class ChoiceAcc:
    """A choice item: respondents who answered and how often each option was picked."""

    respondents: int = 0
    counts: Counter[str] = field(default_factory=Counter)

    def __iadd__(self, other: ChoiceAcc) -> ChoiceAcc:
        self.respondents += other.respondents
        self.counts.update(other.counts)
        return self


@dataclass
class GroupAcc:
    """All statistics of one group (class, base or programme)."""

    invited: int = 0
    responded: int = 0
    contested: int = 0
    n: int = 0
    projects: set[int] = field(default_factory=set)
    versions: set[str] = field(default_factory=set)
    items: dict[str, ItemAcc] = field(default_factory=dict)
    dimensions: dict[str, DimensionAcc] = field(default_factory=dict)
    choices: dict[str, ChoiceAcc] = field(default_factory=dict)
    overall: Moments = field(default_factory=Moments)
    satisfaction_share: Moments = field(default_factory=Moments)
    nps: tuple[int, int, int] = (0, 0, 0)
    practical_hours: float = 0.0
    planned_hours: float = 0.0
    planned_classes: int = 0

    def __iadd__(self, other: GroupAcc) -> GroupAcc:
        self.invited += other.invited
        self.responded += other.responded
        self.contested += other.contested
        self.n += other.n
        self.projects |= other.projects
        self.versions |= other.versions
        for key, item in other.items.items():
            if key in self.items:
                self.items[key] += item
            else:
                self.items[key] = _copy_item(item)
        for key, dimension in other.dimensions.items():
            if key in self.dimensions:
                self.dimensions[key] += dimension
            else:
                self.dimensions[key] = _copy_dimension(dimension)
        for key, choice in other.choices.items():
            self.choices.setdefault(key, ChoiceAcc())
            self.choices[key] += choice
        self.overall = self.overall + other.overall
        self.satisfaction_share = self.satisfaction_share + other.satisfaction_share
        self.nps = (
            self.nps[0] + other.nps[0],
            self.nps[1] + other.nps[1],
            self.nps[2] + other.nps[2],
        )
        self.practical_hours += other.practical_hours
        self.planned_hours += other.planned_hours
        self.planned_classes += other.planned_classes
        return self


def _copy_item(item: ItemAcc) -> ItemAcc:
    return ItemAcc(
        item.minimum,
        item.maximum,
        item.answers,
        item.respondents,
        item.moments,
        item.counts.copy(),
        item.top_two,
    )


def _copy_dimension(dimension: DimensionAcc) -> DimensionAcc:
    return DimensionAcc(
        dimension.columns,
        dimension.pool,
        dimension.respondents,
        dimension.moments,
        dimension.cross,
        dimension.unpoolable,
    )


def _single_items(scores: ClassScores, keyed: list[tuple[str, int]]) -> dict[str, ItemAcc]:
    """Statistics of one-column items, computed for all columns at once (the per-item version
    dominated the build time of large reports)."""
    if not keyed:
        return {}
    columns = [column for _, column in keyed]
    raw = scores.raw[:, columns]
    present = ~np.isnan(raw)
    answers = present.sum(axis=0)
    minimum = np.array([scores.items[c].minimum for c in columns], dtype=np.float64)
    maximum = np.array([scores.items[c].maximum for c in columns], dtype=np.float64)
    filled = np.where(present, raw, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(answers > 0, filled.sum(axis=0) / np.maximum(answers, 1), 0.0)
    m2 = np.where(present, (raw - means) ** 2, 0.0).sum(axis=0)
    width = int((maximum - minimum).max()) + 1
    offsets = np.where(present, raw - minimum, -1.0)
    counts = (offsets[:, :, None] == np.arange(width)[None, None, :]).sum(axis=0)
    top_two = np.nansum(scores.top_two[:, columns], axis=0)
    out: dict[str, ItemAcc] = {}
    for j, (key, column) in enumerate(keyed):
        item = scores.items[column]
        n = int(answers[j])
        out[key] = ItemAcc(
            item.minimum,
            item.maximum,
            n,
            n,
            Moments(n, float(means[j]), float(m2[j])) if n else Moments(),
            counts[j, : item.maximum - item.minimum + 1].astype(np.float64),
            int(top_two[j]),
        )
    return out


@functools.lru_cache(maxsize=64)
def _report_items(rules: ScoringRules) -> dict[str, list[ScoredItem]]:
    """Items of the rules grouped by report key (matrix items pooled over courses)."""
    grouped: dict[str, list[ScoredItem]] = {}
    for dimension in rules.dimensions:
        for item in dimension.items:
            grouped.setdefault(pooled_key(item), []).append(item)
    return grouped


def class_accumulator(
    scores: ClassScores,
    rules: ScoringRules,
    *,
    invited: int,
    responded: int,
    project: int,
    version: str,
    practical_hours: float | None,
    planned_hours: float | None,
) -> GroupAcc:
    """The statistics of one class from its scores."""
    acc = GroupAcc(invited=invited, responded=responded, n=scores.n)
    acc.projects.add(project)
    acc.versions.add(version)
    single: list[tuple[str, int]] = []
    for key, items in _report_items(rules).items():
        columns = scores.columns(tuple(i.field for i in items))
        if len(columns) == 1:
            single.append((key, columns[0]))
        else:
            acc.items[key] = item_accumulator(scores, columns)
    acc.items.update(_single_items(scores, single))
    answered = np.any(~np.isnan(scores.raw), axis=0).tolist()
    for dimension in rules.dimensions:
        # Items the small-cell rule blanked in this class are not part of its dimension here:
        # left in, their empty columns would leave no complete response for alpha.
        fields = tuple(item.field for item in dimension.items if answered[scores.index[item.field]])
        matrix = any(item.course is not None for item in dimension.items)
        values = scores.dimension_scores[dimension.id]
        cross = (
            CrossProducts.of(scores.scored[:, scores.columns(fields)]) if len(fields) >= 2 else None
        )
        acc.dimensions[dimension.id] = DimensionAcc(
            fields,
            scores.class_id if matrix else None,
            int(np.count_nonzero(~np.isnan(values))),
            Moments.of(values),
            cross,
        )
    for key, picks in scores.choices.items():
        counts: Counter[str] = Counter()
        for answer in picks:
            counts.update(answer)
        acc.choices[key] = ChoiceAcc(len(picks), counts)
    acc.overall = Moments.of(scores.overall)
    acc.satisfaction_share = Moments.of(scores.satisfaction_share)
    if rules.nps_item is not None:
        values = scores.nps[~np.isnan(scores.nps)]
        acc.nps = (
            int((values >= 9).sum()),
            int(((values >= 7) & (values < 9)).sum()),
            int((values < 7).sum()),
        )
    if planned_hours is not None and practical_hours is not None:
        acc.practical_hours = practical_hours
        acc.planned_hours = planned_hours
        acc.planned_classes = 1
    return acc
