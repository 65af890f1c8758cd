"""Scoring rules as data, for the reporting package (contract: docs/interfaces.md).

For each dimension the rules list its items with their range and whether they are
reverse-scored, and they name the items behind the overall satisfaction rate, the composite
top-two-box rate (满意率), the NPS item, the free-text items and the choice items.
"""

from __future__ import annotations

from dataclasses import dataclass

from questionnaires.expand import expand
from questionnaires.model import SCORED_TYPES, Definition
from questionnaires.plan import TrainingPlan


@dataclass(frozen=True)
class ScoredItem:
    """One scored question: its field, range, dimension and direction."""

    field: str  # the form field and report id: "content.relevance", "teaching.c03.delivery"
    label: str  # Chinese item text (matrix items: with course name and teacher)
    dimension: str  # dimension id
    minimum: int  # lowest raw value (1 for Likert-5)
    maximum: int  # highest raw value (5 for Likert-5)
    reverse: bool
    course: str | None  # course id for matrix items, else None
    item: str  # the item id without the course ("delivery"); equals field for non-matrix items
    labels: str | None = None  # the label preset ("agreement", "satisfaction"), None if custom

    def score(self, raw: int) -> int:
        """The score of a raw answer; reverse-scored items give minimum + maximum - raw.

        Raises ValueError for a value outside the item's range: validated answers never have
        one, so it means corrupted data, which must not be averaged silently.
        """
        if isinstance(raw, bool) or not self.minimum <= raw <= self.maximum:
            raise ValueError(f"{self.field}: 答案 {raw!r} 超出范围 {self.minimum}–{self.maximum}")
        return self.minimum + self.maximum - raw if self.reverse else raw

    def top_two(self, raw: int) -> bool:
        """Whether the answer is in the top two boxes after reverse scoring."""
        return self.score(raw) >= self.maximum - 1


@dataclass(frozen=True)
class Dimension:
    """A dimension with its scored items in the order they are asked."""

    id: str
    label: str
    items: tuple[ScoredItem, ...]


@dataclass(frozen=True)
class ScoringRules:
    """Everything the reporting needs to know about how a definition is scored."""

    questionnaire: str  # definition key: "satisfaction" | "teaching"
    version: str  # content hash of the definition
    dimensions: tuple[Dimension, ...]
    overall_item: str | None  # field of the overall satisfaction item (满意率 on it)
    satisfaction_items: tuple[str, ...]  # fields whose top-two-box share is averaged
    nps_item: str | None  # field of the 0–10 recommendation item
    text_items: tuple[str, ...]  # free-text fields (never in CSV, reviewed before shown)
    choice_items: tuple[str, ...]  # single/multiple choice fields (distributions only)
    primary_item: str | None = None  # field whose top-two share is the primary indicator

    def item(self, field: str) -> ScoredItem | None:
        """The scored item with this field name, or None (NPS, choice and text are not)."""
        for dimension in self.dimensions:
            for item in dimension.items:
                if item.field == field:
                    return item
        return None


def scoring_rules(definition: Definition, plan: TrainingPlan | None) -> ScoringRules:
    """The scoring rules of `definition` expanded over `plan` (matrix items per course).

    Dimensions come in their declared order, each with its items in the order asked; a
    dimension whose items are all matrix items has no items without a plan.
    """
    form = expand(definition, plan)
    by_dimension: dict[str, list[ScoredItem]] = {d.id: [] for d in definition.dimensions}
    overall_item: str | None = None
    primary_item: str | None = None
    nps_item: str | None = None
    satisfaction: list[str] = []
    texts: list[str] = []
    choices: list[str] = []
    for question in form.questions:
        item = question.item
        if item.type in SCORED_TYPES and item.scale is not None and item.dimension is not None:
            by_dimension[item.dimension].append(
                ScoredItem(
                    field=question.field,
                    label=question.text,
                    dimension=item.dimension,
                    minimum=item.scale.minimum,
                    maximum=item.scale.maximum,
                    reverse=item.reverse,
                    course=question.course.id if question.course else None,
                    item=item.id if question.matrix else question.field,
                    labels=item.scale.preset,
                )
            )
            if item.overall:
                overall_item = question.field
            if item.primary:
                primary_item = question.field
            if item.satisfaction_rate:
                satisfaction.append(question.field)
        elif item.type == "nps":
            nps_item = question.field
        elif item.type == "text":
            texts.append(question.field)
        elif item.type in {"single", "multiple"}:
            choices.append(question.field)
    return ScoringRules(
        questionnaire=definition.key,
        version=definition.version,
        dimensions=tuple(
            Dimension(d.id, d.label, tuple(by_dimension[d.id])) for d in definition.dimensions
        ),
        overall_item=overall_item,
        satisfaction_items=tuple(satisfaction),
        nps_item=nps_item,
        text_items=tuple(texts),
        choice_items=tuple(choices),
        primary_item=primary_item,
    )
