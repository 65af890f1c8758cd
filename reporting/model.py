"""The report: plain typed dataclasses, one per kind of figure.

A figure that small-cell rules withhold is ``None`` and its ``suppression`` says why (Chinese text
for users); so is its count of respondents, since how many answered an optional item is itself
an answer. Everything else is shown. Participation (invited, responded, rate) is always shown:
base staff see it for their classes while the survey runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from reporting.stats.descriptive import MeanEstimate
from reporting.stats.funnel import Funnel
from reporting.stats.nonparametric import KruskalWallis, Magnitude
from reporting.stats.proportions import NetPromoter, Proportion
from reporting.stats.ranking import RankInterval
from reporting.stats.reliability import Reliability
from reporting.suppression import Suppression

__all__ = [
    "BaseComparison",
    "ChoiceFigures",
    "ComparisonTest",
    "CourseFigures",
    "DimensionFigures",
    "DimensionInfo",
    "GroupReport",
    "ItemFigures",
    "ItemInfo",
    "Level",
    "NpsFigures",
    "PairComparison",
    "Participation",
    "PracticalShare",
    "Report",
    "SatisfactionFigures",
    "TeacherFigures",
    "TeachingFigures",
]

Level = Literal["programme", "base", "class"]


@dataclass(frozen=True)
class ItemInfo:
    """What an item key means: its label, dimension, scale and direction; ``matrix`` marks a 评教
    sub-item pooled over every course's field, ``satisfaction`` an item counted in the 满意率."""

    key: str
    label: str
    dimension: str
    minimum: int
    maximum: int
    reverse: bool
    matrix: bool
    satisfaction: bool


@dataclass(frozen=True)
class DimensionInfo:
    """A dimension: its label, its item keys in order and which of them are reverse-scored."""

    id: str
    label: str
    items: tuple[str, ...]
    reversed_items: tuple[str, ...]
    matrix: bool


@dataclass(frozen=True)
class Participation:
    """Invited, responded and the response rate; ``low`` marks a rate below the threshold."""

    invited: int
    responded: int
    rate: float | None
    low: bool


@dataclass(frozen=True)
class ItemFigures:
    """One item: n, raw mean and SD, the distribution of raw answers, and the top-two share.

    For a pooled matrix item ``n`` counts ratings (respondents × courses they rated) and
    ``top_two`` is ``None``: ratings of one trainee are not independent, so no Wilson interval.
    """

    key: str
    respondents: int | None
    suppression: Suppression | None
    n: int | None = None
    mean: float | None = None
    sd: float | None = None
    distribution: dict[int, int] | None = None
    top_two: Proportion | None = None
    top_two_rate: float | None = None


@dataclass(frozen=True)
class DimensionFigures:
    """A dimension: the mean dimension score with its t interval, and Cronbach's alpha with the
    Feldt interval and item–rest correlations (keyed like ``DimensionInfo.items``)."""

    id: str
    respondents: int | None
    suppression: Suppression | None
    score: MeanEstimate | None = None
    reliability: Reliability | None = None
    item_rest: dict[str, float | None] | None = None
    reliability_note: str | None = None


@dataclass(frozen=True)
class ChoiceFigures:
    """A choice item: respondents and how often each option was picked."""

    key: str
    respondents: int | None
    suppression: Suppression | None
    counts: dict[str, int] | None = None


@dataclass(frozen=True)
class SatisfactionFigures:
    """满意率: the top-two share on the overall item (Wilson interval), and the mean over
    responses of each response's top-two share across the satisfaction items (t interval: the
    answers of one trainee are not independent, so a Wilson interval on pooled answers would be
    too narrow)."""

    overall_item: str | None
    overall: Proportion | None
    overall_suppression: Suppression | None
    items: tuple[str, ...]
    averaged: MeanEstimate | None
    averaged_suppression: Suppression | None


@dataclass(frozen=True)
class NpsFigures:
    """Net Promoter Score of the recommendation item."""

    item: str
    respondents: int | None
    suppression: Suppression | None
    nps: NetPromoter | None = None


@dataclass(frozen=True)
class PracticalShare:
    """Practical hours in the training plan(s) against the notice's 50 % requirement
    (实践性课程占比原则上不少于50%). Plan data, not answers: never suppressed."""

    practical_hours: float
    total_hours: float
    share: float | None
    required: float
    meets: bool | None
    classes_with_plan: int


@dataclass(frozen=True)
class CourseFigures:
    """One course of the 评教 matrix: the mean over respondents of their course score (mean of
    their ratings of this course) and the course's items."""

    course: str
    name: str
    teacher: str
    kind: str | None
    hours: float | None
    respondents: int | None
    suppression: Suppression | None
    score: MeanEstimate | None
    items: tuple[ItemFigures, ...]


@dataclass(frozen=True)
class TeacherFigures:
    """One teacher: the mean over respondents of their mean rating of this teacher's courses."""

    teacher: str
    courses: tuple[str, ...]
    respondents: int | None
    suppression: Suppression | None
    score: MeanEstimate | None


@dataclass(frozen=True)
class TeachingFigures:
    """The 评教 matrix of one class, per course and per teacher."""

    courses: tuple[CourseFigures, ...]
    teachers: tuple[TeacherFigures, ...]


@dataclass(frozen=True)
class GroupReport:
    """Figures of one class, base or the programme; ``children`` are its bases or classes."""

    level: Level
    id: str
    name: str
    projects: tuple[int, ...]
    versions: tuple[str, ...]
    participation: Participation
    n: int
    suppression: Suppression | None
    overall: MeanEstimate | None
    overall_suppression: Suppression | None
    items: tuple[ItemFigures, ...]
    dimensions: tuple[DimensionFigures, ...]
    choices: tuple[ChoiceFigures, ...]
    satisfaction: SatisfactionFigures
    nps: NpsFigures | None
    practical: PracticalShare | None
    teaching: TeachingFigures | None
    comments: tuple[str, ...]
    children: tuple[GroupReport, ...]

    def item(self, key: str) -> ItemFigures | None:
        """The figures of the item with this key, or None."""
        return next((item for item in self.items if item.key == key), None)

    def dimension(self, dimension_id: str) -> DimensionFigures | None:
        """The figures of the dimension with this id, or None."""
        return next((d for d in self.dimensions if d.id == dimension_id), None)

    def child(self, child_id: str) -> GroupReport | None:
        """The base or class with this id, or None."""
        return next((c for c in self.children if c.id == child_id), None)


@dataclass(frozen=True)
class PairComparison:
    """Dunn's test (Holm-adjusted) and Cliff's delta for one pair of bases; positive ``z`` and
    ``delta`` mean ``first`` scores higher."""

    first: str
    second: str
    z: float
    pvalue: float
    p_holm: float
    delta: float
    magnitude: Magnitude


@dataclass(frozen=True)
class ComparisonTest:
    """Kruskal–Wallis across the bases on one score (``measure``: "overall" or a dimension id)
    and the pairwise post-hoc comparisons."""

    measure: str
    label: str
    bases: tuple[str, ...]
    kruskal: KruskalWallis | None
    pairs: tuple[PairComparison, ...]


@dataclass(frozen=True)
class BaseComparison:
    """The ministry's comparison of bases (only bases whose figures are shown take part)."""

    tests: tuple[ComparisonTest, ...]
    funnel: Funnel | None
    funnel_note: str | None
    ranks: tuple[RankInterval, ...]
    excluded: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Report:
    """A whole report: settings, the meaning of every key, the programme tree and the
    comparison of bases."""

    questionnaire: str
    k: int
    level: float
    low_response_rate: float
    seed: int
    bootstrap_reps: int
    items: tuple[ItemInfo, ...]
    dimensions: tuple[DimensionInfo, ...]
    programme: GroupReport
    comparison: BaseComparison

    def base(self, name: str) -> GroupReport | None:
        """The base with this name, or None."""
        return self.programme.child(name)

    def training_class(self, class_id: str) -> GroupReport | None:
        """The class with this id, or None."""
        for base in self.programme.children:
            found = base.child(class_id)
            if found is not None:
                return found
        return None
