"""The parsed, checked form of a questionnaire definition.

Everything here is immutable: a `Definition` is loaded once, shared between requests and
identified by its content hash (`Definition.version`), so nothing may change it afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal, TypeAlias

ItemType: TypeAlias = Literal["likert5", "rating", "nps", "single", "multiple", "text", "matrix"]

#: How a form posts a scale point: a canonical decimal integer.
_POINT = re.compile(r"0|[1-9][0-9]{0,2}")

#: Item types answered with one integer on a scale.
SCALE_TYPES: frozenset[str] = frozenset({"likert5", "rating", "nps"})
#: Item types that carry a dimension and a reverse flag (the scored items).
SCORED_TYPES: frozenset[str] = frozenset({"likert5", "rating"})
#: Item types answered by picking among listed choices.
CHOICE_TYPES: frozenset[str] = frozenset({"single", "multiple"})

#: One validated answer: int for scales, str for single choice and free text,
#: list[str] for multiple choice (in the order the choices are listed).
Answer: TypeAlias = int | str | list[str]
Answers: TypeAlias = dict[str, Answer]

#: The label presets of the five-point scale. They are part of the definition format: changing
#: one changes what was asked, so it needs a new `FORMAT` tag in `questionnaires.version`.
LIKERT_PRESETS: dict[str, tuple[str, str, str, str, str]] = {
    "satisfaction": ("非常不满意", "不满意", "一般", "满意", "非常满意"),
    "agreement": ("非常不同意", "不同意", "中立", "同意", "非常同意"),
}

#: End labels of the 0–10 recommendation scale unless the definition gives its own.
NPS_DEFAULT_LABELS: tuple[str, str] = ("完全不可能", "非常可能")


@dataclass(frozen=True)
class Scale:
    """An integer scale from `minimum` to `maximum` with labels on some or all points."""

    minimum: int
    maximum: int
    labels: tuple[tuple[int, str], ...]
    preset: str | None = None  # "satisfaction" / "agreement" for Likert presets, else None

    def label(self, value: int) -> str | None:
        """The label of one point, or None when the point is shown as a bare number."""
        for point, text in self.labels:
            if point == value:
                return text
        return None

    def points(self) -> tuple[int, ...]:
        """All admissible values, lowest first."""
        return tuple(range(self.minimum, self.maximum + 1))


@dataclass(frozen=True)
class Choice:
    """One option of a single- or multiple-choice item: a stable value and its Chinese label."""

    value: str
    label: str


@dataclass(frozen=True)
class Condition:
    """Show an item only when an earlier item's answer matches.

    Exactly one form is used: `values` (the answer is one of them; for multiple choice, any
    picked option is one of them) or a range `at_least`/`at_most` on a scale answer.
    """

    item: str
    values: tuple[str, ...] | None = None
    at_least: int | None = None
    at_most: int | None = None

    def holds(self, answer: object) -> bool:
        """Whether the condition is met by `answer`, the source item's answer.

        `answer` may be validated (int, str, list[str]) or what a form posts (a string, or a
        list of strings): a page drawn again from what was just typed must show the same
        follow-ups as one drawn from the draft. An unanswered source (None) never meets a
        condition.
        """
        # bool is an int subclass; a stray True must not count as the answer 1.
        if answer is None or isinstance(answer, bool):
            return False
        if isinstance(answer, list | tuple):
            return any(isinstance(value, str | int) and self.holds(value) for value in answer)
        if isinstance(answer, str):
            if self.values is not None:
                return answer in self.values
            # A posted scale point is its canonical decimal string; anything else is no point.
            if not _POINT.fullmatch(answer):
                return False
            answer = int(answer)
        if not isinstance(answer, int):
            return False
        if self.values is not None:
            return str(answer) in self.values
        if self.at_least is not None and answer < self.at_least:
            return False
        return not (self.at_most is not None and answer > self.at_most)

    def describe(self) -> str:
        """The condition in Chinese, e.g. "当 overall ≤ 2 时显示"."""
        if self.values is not None:
            return f"当 {self.item} 的答案为 {'、'.join(self.values)} 时显示"
        if self.at_least is not None and self.at_most is not None:
            return f"当 {self.item} 在 {self.at_least}–{self.at_most} 之间时显示"
        if self.at_most is not None:
            return f"当 {self.item} ≤ {self.at_most} 时显示"
        return f"当 {self.item} ≥ {self.at_least} 时显示"


@dataclass(frozen=True)
class Item:
    """One item of a definition, or one sub-item of a matrix.

    Only the attributes of the item's type are meaningful; the others keep their defaults
    (the schema checker rejects fields that do not belong to a type).
    """

    id: str
    type: ItemType
    text: str
    help: str | None = None
    required: bool = True
    # Scored items (likert5, rating):
    dimension: str | None = None
    reverse: bool = False
    overall: bool = False
    primary: bool = False
    satisfaction_rate: bool = False
    # Follow-ups:
    show_if: Condition | None = None
    # Scales (likert5, rating, nps):
    scale: Scale | None = None
    # Choices (single, multiple):
    choices: tuple[Choice, ...] = ()
    min_picks: int = 0
    max_picks: int = 0
    # Free text:
    max_length: int = 0
    placeholder: str | None = None
    # Matrix:
    items: tuple[Item, ...] = ()
    skippable: bool = False
    courses_per_page: int | None = None

    def choice(self, value: str) -> Choice | None:
        """The choice with this value, or None."""
        for choice in self.choices:
            if choice.value == value:
                return choice
        return None


@dataclass(frozen=True)
class DimensionDef:
    """A declared dimension: a stable id and the Chinese label reports show."""

    id: str
    label: str
    help: str | None = None


@dataclass(frozen=True)
class PageDef:
    """A page (section) of the definition: what a phone shows at once."""

    title: str
    items: tuple[Item, ...]
    intro: str | None = None


@dataclass(frozen=True)
class Definition:
    """A checked questionnaire definition.

    `version` is the SHA-256 of the canonical form of the parsed file (see
    `questionnaires.version`); `source` names the file it came from, for messages.
    """

    key: str
    title: str
    dimensions: tuple[DimensionDef, ...]
    pages: tuple[PageDef, ...]
    version: str
    source: str
    intro: str | None = None
    thanks: str | None = None

    @property
    def short_version(self) -> str:
        """The first twelve hex digits of the version, for headings and file names."""
        return self.version[:12]

    def items(self) -> Iterator[Item]:
        """All top-level items in page order (matrix sub-items stay inside their matrix)."""
        for page in self.pages:
            yield from page.items

    def item(self, item_id: str) -> Item | None:
        """The top-level item with this id, or None."""
        for item in self.items():
            if item.id == item_id:
                return item
        return None

    def dimension(self, dimension_id: str) -> DimensionDef | None:
        """The declared dimension with this id, or None."""
        for dimension in self.dimensions:
            if dimension.id == dimension_id:
                return dimension
        return None

    @property
    def has_matrix(self) -> bool:
        """Whether the definition asks per course, and so needs a training plan."""
        return any(item.type == "matrix" for item in self.items())
