"""Building the report: released responses in, figures for every class, base and the programme
out, with the small-cell rules applied and the bases compared.

How figures are defined is documented in :mod:`reporting.scores` (scores),
:mod:`reporting.stats` (statistics) and :mod:`reporting.suppression` (what is withheld). Each
kind of figure is protected along the nesting programme → base → class on its own count of
respondents: the group's responses for group figures, the respondents who answered an item for
that item, and so on; a figure of a group whose figures are withheld is withheld too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from questionnaires.plan import PRACTICAL_SHARE_REQUIRED
from questionnaires.scoring import ScoredItem
from reporting.accumulate import DimensionAcc, GroupAcc, ItemAcc, class_accumulator
from reporting.accumulate import item_accumulator as _field_accumulator
from reporting.comparison import (
    OVERALL_SCORE,
    PRIMARY_LABEL,
    BaseSample,
    compare_bases,
    dimension_measure,
)
from reporting.inputs import ClassInput, ReportSettings
from reporting.model import (
    BaseComparison,
    ChoiceFigures,
    DimensionFigures,
    DimensionInfo,
    GroupReport,
    ItemFigures,
    ItemInfo,
    Level,
    NpsFigures,
    Participation,
    PracticalShare,
    PrimaryFigures,
    Report,
    SatisfactionFigures,
    TeachingFigures,
)
from reporting.scores import ClassScores, pooled_key, score_class, score_dimensions
from reporting.stats.descriptive import MeanEstimate, Moments, bounded_interval
from reporting.stats.proportions import net_promoter, nonresponse_bounds, wilson
from reporting.stats.reliability import alpha_from_cross_products
from reporting.suppression import (
    Cell,
    Suppression,
    eligible_inputs,
    small_group_reason,
    suppress,
)
from reporting.teaching import (
    MatrixLayout,
    course_suppression,
    matrix_layout,
    teaching_cells,
    teaching_figures,
)

__all__ = ["PROGRAMME_ID", "PROGRAMME_NAME", "build_report"]

FloatArray = npt.NDArray[np.float64]

PROGRAMME_ID = "programme"
PROGRAMME_NAME = "全项目"

ONE_ITEM_NOTE = "该维度只有一道题，不计算信度"
UNPOOLED_NOTE = "各班的题目（课程）不同，无法合并计算信度"
NOT_ESTIMABLE_NOTE = "完整作答的人数不足或总分没有差异，无法计算信度"
PROGRAMME_ONLY_NOTE = "信度（α）只在全项目层面报告：一个基地或班级的人数太少，α 的区间宽到无从解读"
LOW_ALPHA = 0.5
LOW_ALPHA_NOTE = "α 低于 0.5：该维度的几道题没有一致地测量同一方面，维度得分应结合各题目解读"
NEGATIVE_BOUND_NOTE = "α 的置信区间下限为负：按现有答卷无法确认该维度的题目测量的是同一方面"


def few_complete_note(k: int) -> str:
    """Why no alpha is shown when fewer than k responses answered every item of a dimension."""
    return f"答完该维度全部题目的人数少于 {k}，不计算信度"


@dataclass(frozen=True)
class _RulesSummary:
    """The named items of the questionnaire across the versions in the report."""

    overall_item: str | None
    primary_item: str | None
    nps_item: str | None
    satisfaction_items: tuple[str, ...]
    score_dimensions: tuple[str, ...]


def _summary(classes: Sequence[ClassInput]) -> _RulesSummary:
    overall = next((c.rules.overall_item for c in classes if c.rules.overall_item), None)
    primary = next((c.rules.primary_item for c in classes if c.rules.primary_item), None)
    scored: dict[str, None] = {}
    for data in classes:
        scored.update(dict.fromkeys(score_dimensions(data.rules)))
    nps = next((c.rules.nps_item for c in classes if c.rules.nps_item), None)
    satisfaction: dict[str, None] = {}
    for data in classes:
        satisfaction.update(dict.fromkeys(data.rules.satisfaction_items))
    return _RulesSummary(overall, primary, nps, tuple(satisfaction), tuple(scored))


@dataclass
class _Node:
    """One group while the report is built."""

    level: Level
    id: str
    name: str
    cell: str
    acc: GroupAcc
    children: list[_Node] = field(default_factory=list)
    source: ClassInput | None = None
    scores: ClassScores | None = None
    layout: MatrixLayout | None = None

    def walk(self) -> list[_Node]:
        """This node and every node below it, parents first."""
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out


def build_report(classes: Sequence[ClassInput], settings: ReportSettings | None = None) -> Report:
    """The report of one questionnaire over ``classes``.

    All classes must use the same questionnaire (e.g. all 满意度调查); versions may differ, and
    items are then matched by field id. Bases are ordered by their smallest project number, then
    name; classes by project number, then id. Raises ``ValueError`` for mixed questionnaires,
    duplicate class ids, no classes, or answers the scoring rules reject.
    """
    settings = settings or ReportSettings()
    if not classes:
        raise ValueError("a report needs at least one class")
    questionnaires = {c.rules.questionnaire for c in classes}
    if len(questionnaires) > 1:
        raise ValueError(f"classes use different questionnaires: {sorted(questionnaires)}")
    ids = [c.class_id for c in classes]
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate class ids")

    # The one small-cell rule, applied before anything is computed (see reporting.suppression):
    # from here on, every figure sees only whole cells of at least k respondents.
    classes = eligible_inputs(classes, settings.k)
    programme = _tree(classes)
    items, dimensions = _infos(classes)
    builder = _Builder(programme, items, dimensions, settings)
    return Report(
        questionnaire=classes[0].rules.questionnaire,
        k=settings.k,
        level=settings.level,
        low_response_rate=settings.low_response_rate,
        seed=settings.seed,
        bootstrap_reps=settings.bootstrap_reps,
        items=tuple(items.values()),
        dimensions=tuple(dimensions.values()),
        score_dimensions=builder.rules.score_dimensions,
        programme=builder.group(programme),
        comparison=builder.comparison(),
    )


def _tree(classes: Sequence[ClassInput]) -> _Node:
    by_base: dict[str, list[ClassInput]] = {}
    for data in classes:
        by_base.setdefault(data.base, []).append(data)
    programme = _Node("programme", PROGRAMME_ID, PROGRAMME_NAME, PROGRAMME_ID, GroupAcc())
    for base in sorted(by_base, key=lambda b: (min(c.project for c in by_base[b]), b)):
        node = _Node("base", base, base, f"base\x1f{base}", GroupAcc())
        for data in sorted(by_base[base], key=lambda c: (c.project, c.class_id)):
            scores = score_class(data)
            courses = data.plan.courses if data.plan else ()
            hours = sum(c.hours for c in courses)
            practical = sum(c.hours for c in courses if c.kind == "practice")
            # A plan without hours says nothing about the practical share (as practical_share()).
            planned = data.plan is not None and hours > 0
            acc = class_accumulator(
                scores,
                data.rules,
                invited=data.invited,
                responded=data.responded,
                project=data.project,
                version=data.version,
                practical_hours=practical if planned else None,
                planned_hours=hours if planned else None,
            )
            acc.contested = data.contested
            node.children.append(
                _Node(
                    "class",
                    data.class_id,
                    data.name or data.class_id,
                    f"class\x1f{data.class_id}",
                    acc,
                    source=data,
                    scores=scores,
                    layout=matrix_layout(scores, data.plan),
                )
            )
            node.acc += acc
        programme.children.append(node)
        programme.acc += node.acc
    return programme


def _sub_item_label(item: ScoredItem) -> str:
    # Matrix questions read "课程名称（教师）：子题"; the pooled item is the sub-question alone.
    head, separator, tail = item.label.rpartition("）：")
    return tail if separator and head else item.label


def _infos(classes: Sequence[ClassInput]) -> tuple[dict[str, ItemInfo], dict[str, DimensionInfo]]:
    items: dict[str, ItemInfo] = {}
    dimension_items: dict[str, list[str]] = {}
    dimension_reversed: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    matrix: dict[str, bool] = {}
    for data in classes:
        satisfaction = set(data.rules.satisfaction_items)
        for dimension in data.rules.dimensions:
            labels.setdefault(dimension.id, dimension.label)
            keys = dimension_items.setdefault(dimension.id, [])
            reversed_keys = dimension_reversed.setdefault(dimension.id, [])
            for item in dimension.items:
                key = pooled_key(item)
                matrix[dimension.id] = matrix.get(dimension.id, False) or item.course is not None
                if key not in keys:
                    keys.append(key)
                    if item.reverse:
                        reversed_keys.append(key)
                in_rate = item.field in satisfaction
                if key not in items:
                    items[key] = ItemInfo(
                        key,
                        _sub_item_label(item) if item.course else item.label,
                        item.dimension,
                        item.minimum,
                        item.maximum,
                        item.reverse,
                        item.course is not None,
                        in_rate,
                    )
                elif in_rate and not items[key].satisfaction:
                    old = items[key]
                    items[key] = ItemInfo(
                        old.key,
                        old.label,
                        old.dimension,
                        old.minimum,
                        old.maximum,
                        old.reverse,
                        old.matrix,
                        True,
                    )
    dimensions = {
        d: DimensionInfo(
            d,
            labels[d],
            tuple(dimension_items[d]),
            tuple(dimension_reversed[d]),
            matrix.get(d, False),
        )
        for d in dimension_items
    }
    return items, dimensions


class _Builder:
    """Applies the small-cell rules to every kind of figure and assembles the reports."""

    def __init__(
        self,
        programme: _Node,
        items: dict[str, ItemInfo],
        dimensions: dict[str, DimensionInfo],
        settings: ReportSettings,
    ) -> None:
        self.programme = programme
        self.items = items
        self.dimensions = dimensions
        self.settings = settings
        self.k = settings.k
        self.nodes = programme.walk()
        self.classes = [node for node in self.nodes if node.level == "class"]
        self.rules = _summary([node.source for node in self.classes if node.source])

        self.group_hidden = self._group_rules()
        self.teaching = {
            node.cell: self._teaching_rules(node) for node in self.classes if node.layout
        }
        self.item_hidden = {key: self._item_rules(key) for key in items}
        self.dimension_hidden = {d: self._rules(_dimension_count(d)) for d in dimensions}
        choice_keys = {key for node in self.classes for key in node.acc.choices}
        self.choice_hidden = {key: self._rules(_choice_count(key)) for key in sorted(choice_keys)}
        self.overall_hidden = self._rules(lambda acc: acc.overall.n)
        self.share_hidden = self._rules(lambda acc: acc.satisfaction_share.n)
        self.nps_hidden = self._rules(lambda acc: sum(acc.nps))

    # -- small-cell rules -----------------------------------------------------------------

    def _cells(self, count: Callable[[GroupAcc], int]) -> list[Cell]:
        return [Cell(node.cell, count(node.acc)) for node in self.nodes]

    def _group_rules(self) -> dict[str, Suppression]:
        # Respondents whose answers the rule withheld: "fewer than k", not "nobody answered".
        small = Suppression("below_k", small_group_reason(self.k))
        withheld = {n.cell: small for n in self.nodes if n.acc.responded and not n.acc.n}
        return suppress(self._cells(lambda acc: acc.n), self.k, withheld)

    def _rules(
        self,
        count: Callable[[GroupAcc], int],
        extra: Sequence[Cell] = (),
        extra_forced: dict[str, Suppression] | None = None,
    ) -> dict[str, Suppression]:
        forced = dict(self.group_hidden)
        forced.update(extra_forced or {})
        return suppress([*self._cells(count), *extra], self.k, forced)

    def _teaching_rules(self, node: _Node) -> dict[str, Suppression]:
        if node.scores is None or node.layout is None:
            return {}
        cells = teaching_cells(node.scores, node.layout, node.cell)
        group = self.group_hidden.get(node.cell)
        forced = {cell.id: group for cell in cells} if group else {}
        return suppress(cells, self.k, forced)

    def _field_cell(self, node: _Node, item: ScoredItem) -> str:
        return f"{node.cell}\x1ffield\x1f{item.field}"

    def _item_rules(self, key: str) -> dict[str, Suppression]:
        extra: list[Cell] = []
        forced: dict[str, Suppression] = {}
        if self.items[key].matrix:
            # Each course field is a figure of its own, shown only where its course is shown.
            for node in self.classes:
                if node.layout is None or node.scores is None:
                    continue
                for course in node.layout.courses:
                    for item, column in zip(
                        node.layout.items[course], node.layout.columns[course], strict=True
                    ):
                        if pooled_key(item) != key:
                            continue
                        cell_id = self._field_cell(node, item)
                        count = int(np.count_nonzero(~np.isnan(node.scores.raw[:, column])))
                        extra.append(Cell(cell_id, count))
                        hidden = self.group_hidden.get(node.cell) or course_suppression(
                            self.teaching[node.cell], node.cell, course
                        )
                        if hidden is not None:
                            forced[cell_id] = hidden
        return self._rules(_item_count(key), extra, forced)

    # -- figures ----------------------------------------------------------------------------

    def _participation(self, acc: GroupAcc) -> Participation:
        rate = acc.responded / acc.invited if acc.invited else None
        known = acc.invited > 0 and acc.responded <= acc.invited
        return Participation(
            acc.invited,
            acc.responded,
            rate,
            rate is not None and rate < self.settings.low_response_rate,
            wilson(acc.responded, acc.invited, self.settings.level) if known else None,
            acc.contested,
        )

    def _scale(self, keys: Sequence[str]) -> tuple[int, int]:
        infos = [self.items[key] for key in keys if key in self.items]
        return min(i.minimum for i in infos), max(i.maximum for i in infos)

    def _interval(self, moments: Moments, keys: Sequence[str]) -> MeanEstimate:
        low, high = self._scale(keys)
        return bounded_interval(moments, low, high, self.settings.level)

    def _primary(self, node: _Node) -> PrimaryFigures | None:
        key = self.rules.primary_item
        if key is None:
            return None
        item = node.acc.items.get(key)
        hidden = self.item_hidden[key].get(node.cell) if key in self.item_hidden else None
        if hidden is not None or item is None or item.answers == 0:
            return PrimaryFigures(key, PRIMARY_LABEL, None, hidden, None)
        invited = node.acc.invited
        bounds = (
            nonresponse_bounds(item.top_two, item.answers, invited)
            if invited >= item.answers
            else None
        )
        return PrimaryFigures(
            key,
            PRIMARY_LABEL,
            wilson(item.top_two, item.answers, self.settings.level),
            None,
            bounds,
        )

    def _item(self, key: str, acc: ItemAcc, hidden: Suppression | None) -> ItemFigures:
        if hidden is not None or acc.answers == 0:
            return ItemFigures(key, None if hidden else acc.respondents, hidden)
        matrix = self.items[key].matrix if key in self.items else False
        return ItemFigures(
            key,
            acc.respondents,
            None,
            n=acc.answers,
            mean=acc.moments.mean,
            sd=acc.moments.sd,
            distribution={acc.minimum + i: int(c) for i, c in enumerate(acc.counts)},
            top_two=None if matrix else wilson(acc.top_two, acc.answers, self.settings.level),
            top_two_rate=acc.top_two / acc.answers,
        )

    def _dimension(
        self, dimension_id: str, acc: DimensionAcc, hidden: Suppression | None, level: Level
    ) -> DimensionFigures:
        if hidden is not None or acc.respondents == 0:
            return DimensionFigures(dimension_id, None if hidden else acc.respondents, hidden)
        score = self._interval(acc.moments, self.dimensions[dimension_id].items)
        if level != "programme":
            return DimensionFigures(
                dimension_id, acc.respondents, None, score, reliability_note=PROGRAMME_ONLY_NOTE
            )
        if len(acc.columns) < 2:
            return DimensionFigures(
                dimension_id, acc.respondents, None, score, reliability_note=ONE_ITEM_NOTE
            )
        if acc.unpoolable or acc.cross is None:
            return DimensionFigures(
                dimension_id, acc.respondents, None, score, reliability_note=UNPOOLED_NOTE
            )
        if acc.cross.n < self.k:
            # Alpha and item–rest correlations describe the complete responses only: fewer than
            # k of them are a small group of their own.
            return DimensionFigures(
                dimension_id,
                acc.respondents,
                None,
                score,
                reliability_note=few_complete_note(self.k),
            )
        reliability = alpha_from_cross_products(acc.cross, self.settings.level)
        if reliability is None:
            return DimensionFigures(
                dimension_id, acc.respondents, None, score, reliability_note=NOT_ESTIMABLE_NOTE
            )
        warning = None
        if reliability.alpha < LOW_ALPHA:
            warning = LOW_ALPHA_NOTE
        elif reliability.low < 0:
            warning = NEGATIVE_BOUND_NOTE
        return DimensionFigures(
            dimension_id,
            acc.respondents,
            None,
            score,
            reliability,
            dict(zip(acc.columns, reliability.item_rest, strict=True)),
            warning,
        )

    def _satisfaction(self, node: _Node) -> SatisfactionFigures:
        acc = node.acc
        overall_key = self.rules.overall_item
        overall = None
        overall_hidden = None
        if overall_key is not None and overall_key in acc.items:
            item = acc.items[overall_key]
            overall_hidden = self.item_hidden[overall_key].get(node.cell)
            if overall_hidden is None and item.answers:
                overall = wilson(item.top_two, item.answers, self.settings.level)
        share_hidden = self.share_hidden.get(node.cell)
        averaged = (
            bounded_interval(acc.satisfaction_share, 0, 1, self.settings.level)
            if share_hidden is None and acc.satisfaction_share.n
            else None
        )
        return SatisfactionFigures(
            overall_key,
            overall,
            overall_hidden,
            self.rules.satisfaction_items,
            averaged,
            share_hidden,
        )

    def _nps(self, node: _Node) -> NpsFigures | None:
        item = self.rules.nps_item
        if item is None:
            return None
        hidden = self.nps_hidden.get(node.cell)
        count = sum(node.acc.nps)
        if hidden is not None or count == 0:
            return NpsFigures(item, None if hidden else count, hidden)
        return NpsFigures(item, count, None, net_promoter(*node.acc.nps, level=self.settings.level))

    def _practical(self, acc: GroupAcc) -> PracticalShare | None:
        if acc.planned_classes == 0:
            return None
        share = acc.practical_hours / acc.planned_hours if acc.planned_hours > 0 else None
        return PracticalShare(
            acc.practical_hours,
            acc.planned_hours,
            share,
            PRACTICAL_SHARE_REQUIRED,
            None if share is None else share >= PRACTICAL_SHARE_REQUIRED - 1e-12,
            acc.planned_classes,
        )

    def _teaching(self, node: _Node) -> TeachingFigures | None:
        if node.layout is None or node.scores is None:
            return None
        scores = node.scores

        def field_figures(item: ScoredItem) -> ItemFigures:
            acc = _field_accumulator(scores, scores.columns((item.field,)))
            hidden = self.item_hidden[pooled_key(item)].get(self._field_cell(node, item))
            if hidden is not None or acc.answers == 0:
                return ItemFigures(item.field, None if hidden else acc.respondents, hidden)
            return ItemFigures(
                item.field,
                acc.respondents,
                None,
                n=acc.answers,
                mean=acc.moments.mean,
                sd=acc.moments.sd,
                distribution={acc.minimum + i: int(c) for i, c in enumerate(acc.counts)},
                top_two=wilson(acc.top_two, acc.answers, self.settings.level),
                top_two_rate=acc.top_two / acc.answers,
            )

        return teaching_figures(
            scores,
            node.layout,
            node.cell,
            self.teaching[node.cell],
            field_figures,
            self.settings.level,
        )

    def group(self, node: _Node) -> GroupReport:
        """The report of ``node`` and everything below it."""
        acc = node.acc
        hidden = self.group_hidden.get(node.cell)
        overall_hidden = self.overall_hidden.get(node.cell)
        return GroupReport(
            level=node.level,
            id=node.id,
            name=node.name,
            projects=tuple(sorted(acc.projects)),
            versions=tuple(sorted(acc.versions)),
            participation=self._participation(acc),
            n=acc.n,
            suppression=hidden,
            primary=self._primary(node),
            overall=(
                self._interval(
                    acc.overall,
                    [
                        key
                        for d in self.rules.score_dimensions
                        if d in self.dimensions
                        for key in self.dimensions[d].items
                    ],
                )
                if overall_hidden is None and acc.overall.n
                else None
            ),
            overall_suppression=overall_hidden,
            items=tuple(
                self._item(key, acc.items[key], self.item_hidden[key].get(node.cell))
                for key in self.items
                if key in acc.items
            ),
            dimensions=tuple(
                self._dimension(
                    d, acc.dimensions[d], self.dimension_hidden[d].get(node.cell), node.level
                )
                for d in self.dimensions
                if d in acc.dimensions
            ),
            choices=tuple(
                ChoiceFigures(
                    key,
                    None
                    if self.choice_hidden[key].get(node.cell)
                    else acc.choices[key].respondents,
                    self.choice_hidden[key].get(node.cell),
                    None
                    if self.choice_hidden[key].get(node.cell) or not acc.choices[key].respondents
                    else dict(sorted(acc.choices[key].counts.items())),
                )
                for key in self.choice_hidden
                if key in acc.choices
            ),
            satisfaction=self._satisfaction(node),
            nps=self._nps(node),
            practical=self._practical(acc),
            teaching=self._teaching(node),
            comments=(node.source.comments if node.source is not None and hidden is None else ()),
            children=tuple(self.group(child) for child in node.children),
        )

    def comparison(self) -> BaseComparison:
        """The comparison of the bases (see :mod:`reporting.comparison`)."""
        primary_key = self.rules.primary_item
        samples = []
        for base in self.programme.children:
            scores = [c.scores for c in base.children if c.scores is not None]
            shown: set[str] = set()
            hidden = self.group_hidden.get(base.cell)
            if hidden is None:
                if base.cell not in self.overall_hidden:
                    shown.add(OVERALL_SCORE)
                shown.update(
                    dimension_measure(d)
                    for d in self.dimensions
                    if base.cell not in self.dimension_hidden[d]
                )
                if primary_key is not None and base.cell not in self.item_hidden[primary_key]:
                    shown.add("primary")
            item = base.acc.items.get(primary_key) if primary_key else None
            samples.append(
                BaseSample(
                    base.name,
                    self._participation(base.acc),
                    _concat([s.overall for s in scores]),
                    {
                        d: _concat(
                            [s.dimension_scores[d] for s in scores if d in s.dimension_scores]
                        )
                        for d in self.dimensions
                    },
                    item.top_two if item else 0,
                    item.answers if item else 0,
                    frozenset(shown),
                    hidden is not None,
                )
            )
        target = None
        if primary_key is not None:
            programme_item = self.programme.acc.items.get(primary_key)
            if (
                programme_item is not None
                and programme_item.answers
                and self.programme.cell not in self.item_hidden[primary_key]
            ):
                target = programme_item.top_two / programme_item.answers
        return compare_bases(
            samples,
            tuple(self.dimensions.values()),
            primary_item=primary_key,
            target=target,
            seed=self.settings.seed,
            draws=self.settings.bootstrap_reps,
            level=self.settings.level,
        )


def _concat(arrays: list[FloatArray]) -> FloatArray:
    return np.concatenate(arrays) if arrays else np.zeros(0)


def _item_count(key: str) -> Callable[[GroupAcc], int]:
    def count(acc: GroupAcc) -> int:
        item = acc.items.get(key)
        return item.respondents if item else 0

    return count


def _dimension_count(dimension_id: str) -> Callable[[GroupAcc], int]:
    def count(acc: GroupAcc) -> int:
        dimension = acc.dimensions.get(dimension_id)
        return dimension.respondents if dimension else 0

    return count


def _choice_count(key: str) -> Callable[[GroupAcc], int]:
    def count(acc: GroupAcc) -> int:
        choice = acc.choices.get(key)
        return choice.respondents if choice else 0

    return count
