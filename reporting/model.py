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
from reporting.stats.funnel import Funnel, Zone
from reporting.stats.nonparametric import KruskalWallis
from reporting.stats.proportions import Bounds, NetPromoter, Proportion, RatePair
from reporting.stats.reliability import Reliability
from reporting.stats.shrinkage import BetaBinomialFit, PosteriorRank, ShrunkenRate
from reporting.suppression import Suppression

__all__ = [
    "BaseComparison",
    "BaseRow",
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
    "Participation",
    "PracticalShare",
    "PrimaryFigures",
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

    @property
    def marked_label(self) -> str:
        """The label as reports show it: a reverse-scored item is marked "（反向题）", so that its
        mean (of raw answers) and its top-two share (after reversing) are not misread."""
        return f"{self.label}（反向题）" if self.reverse else self.label


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
    """Invited, responded and the response rate with its Wilson interval (``interval``, None
    when nobody was invited); ``low`` marks a rate below the threshold."""

    invited: int
    responded: int
    rate: float | None
    low: bool
    interval: Proportion | None = None
    #: Trainees who said "不是我提交的": a count with no identity, shown beside the rate.
    contested: int = 0


@dataclass(frozen=True)
class PrimaryFigures:
    """The questionnaire's primary indicator (满意率 on the item declared ``primary``): the
    top-two share with its Wilson interval, and Manski's worst-case bounds over everyone invited
    (``bounds``: None when the rate is withheld or the invitations are not known)."""

    item: str
    label: str
    rate: Proportion | None
    suppression: Suppression | None
    bounds: Bounds | None


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
    """A dimension: the mean dimension score with its interval on the scale, and (programme
    only) Cronbach's alpha with the Feldt interval and item–rest correlations (keyed like
    ``DimensionInfo.items``). ``reliability_note`` says why there is no alpha, or warns about a
    low one."""

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
    primary: PrimaryFigures | None
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
class ComparisonTest:
    """Kruskal–Wallis (with ε²) across the bases on one score; ``measure`` is a unique measure id
    (``overall_score`` or ``dimension.<id>``)."""

    measure: str
    label: str
    bases: tuple[str, ...]
    kruskal: KruskalWallis | None


@dataclass(frozen=True)
class BaseRow:
    """One base in the comparison: every base is listed, a base whose figures are withheld with
    ``note`` "回答不足" and its participation only. ``rank`` is None (``rank_note`` says why) for
    a base with fewer answers than the documented minimum; ``zone`` and ``response_zone`` are
    its places on the 满意率 and response-rate funnels."""

    base: str
    participation: Participation
    note: str | None
    primary: Proportion | None
    shrunken: ShrunkenRate | None
    bounds: Bounds | None
    rank: PosteriorRank | None
    rank_note: str | None
    zone: Zone | None
    response_zone: Zone | None


@dataclass(frozen=True)
class BaseComparison:
    """The ministry's comparison of bases on the primary indicator (``primary_item``, None when
    the questionnaire declares none), with response rate beside it, and Kruskal–Wallis on the
    other scores. Pairwise tests are for the primary indicator only."""

    primary_item: str | None
    primary_label: str
    rows: tuple[BaseRow, ...]
    prior: BetaBinomialFit | None
    shrinkage_note: str | None
    funnel: Funnel | None
    funnel_note: str | None
    response_funnel: Funnel | None
    pairs: tuple[RatePair, ...]
    tests: tuple[ComparisonTest, ...]
    min_ranked: int

    def row(self, base: str) -> BaseRow | None:
        """The row of this base, or None."""
        return next((row for row in self.rows if row.base == base), None)


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
    score_dimensions: tuple[str, ...]
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
