"""Small-cell rules: what may enter a published figure, applied once, before anything is computed.

**The rule.** A *cell* is one item of one class. Before the report computes anything,
:func:`eligible_inputs` rewrites every class's responses:

1. a class with fewer than ``k`` responses (default 5, ``SURVEY_REPORT_K``) contributes no
   answer at all, and no comment: it shows participation only;
2. in a class with at least ``k`` responses, an item answered by fewer than ``k`` of them is
   blanked in every response;
3. the scored items that remain (those that feed dimension, overall and satisfaction scores)
   must split the class's responses into groups of at least ``k`` by which of them each response
   answered: while some group is smaller, the remaining item with the fewest answers among those
   somebody left blank is blanked too.

Every published figure at every level (class, base, programme, the comparison of bases, funnel,
ranks, NPS, choice counts, comments, dimension and overall scores, satisfaction rates) in every
format is then a function of whole cells of at least ``k`` respondents, and any new statistic
built on the same input obeys the rule without knowing it.

Why rule 3: a per-response score mixes items. If two of thirty trainees skip an optional item
(住宿安排), the dimension mean, the item means and their counts are three equations that give
those two trainees' mean answer on the other items of the dimension. Grouping responses by the
items they answered closes that: whatever such equations isolate is a group of at least ``k``.

**Publication only grows.** The rule looks at one class at a time and a closed class's responses
never change, so a class's figures, once published, never change either; a later report differs
from an earlier one only by whole classes that closed in between, each a group of at least ``k``
in every cell it adds to. Subtracting two versions of any figure therefore recovers nothing about
fewer than ``k`` people.

**No complementary suppression.** The old rule hid extra cells so that a hidden small class could
not be recovered as "parent minus shown children". With small cells removed at the input, a
parent is exactly the sum of its shown children, the residual is always empty, and nothing more
needs hiding. Complementary suppression also depended on which siblings happened to exist, so a
class shown in one version could be hidden in the next while the earlier version stayed known:
it could not be made stable over time, and is gone.

:func:`suppress` still marks the figures that have nothing to show (no eligible answers) and,
as a last line of defence, any count between 1 and ``k`` − 1 it is given.

Participation figures (invited, responded, response rate) are not subject to these rules: base
staff see them for their own classes while the survey runs, and they reveal who responded, never
what anyone answered.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from reporting.inputs import Answer, ClassInput

__all__ = [
    "DEFAULT_K",
    "Cell",
    "Suppression",
    "SuppressionCode",
    "eligible_input",
    "eligible_inputs",
    "small_group_reason",
    "suppress",
]

#: The default smallest group whose figures are shown (docs/design.md: k = 5).
DEFAULT_K = 5

SuppressionCode = Literal["no_responses", "below_k"]

NO_RESPONSES_REASON = "暂无可发布的回答，无数据可显示"


def small_group_reason(k: int) -> str:
    """The reason shown for a group with fewer than ``k`` responses."""
    return f"回答人数少于 {k}，不予显示"


@dataclass(frozen=True)
class Suppression:
    """Why a figure is not shown: a machine code and the Chinese text users read."""

    code: SuppressionCode
    reason: str


@dataclass(frozen=True)
class Cell:
    """One group whose figures may be shown: its id and its number of respondents."""

    id: str
    count: int


def eligible_input(data: ClassInput, k: int = DEFAULT_K) -> ClassInput:
    """``data`` with only what may enter a published figure (the rule in the module docstring).

    Fields the class's scoring rules do not know are dropped as well. Depends on nothing but
    ``data`` and ``k``, so a class's published figures never change once it has closed.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    rows = data.answers
    if len(rows) < k:
        return replace(data, answers=(), comments=())
    rules = data.rules
    scored = [item.field for dimension in rules.dimensions for item in dimension.items]
    others = [*rules.choice_items, *([rules.nps_item] if rules.nps_item else [])]
    # The fields each response answered, once (a blank is an absent key or None).
    present = [frozenset(row) if None not in row.values() else _answered(row) for row in rows]
    # Counted per pattern of answered fields: a class has few patterns and many responses.
    patterns = Counter(present)
    answered: Counter[str] = Counter()
    for names, times in patterns.items():
        for name in names:
            answered[name] += times
    kept = [name for name in scored if answered[name] >= k]
    while True:
        kept_set = frozenset(kept)
        groups: Counter[frozenset[str]] = Counter()
        for names, times in patterns.items():
            groups[names & kept_set] += times
        if min(groups.values()) >= k:
            break
        # Some response left a kept item blank (otherwise there is one group of all responses).
        skipped = [name for name in kept if answered[name] < len(rows)]
        kept.remove(min(skipped, key=lambda name: (answered[name], kept.index(name))))
    fields = frozenset([*kept, *(name for name in others if answered[name] >= k)])
    cleaned: list[Mapping[str, Answer]] = [
        row if names <= fields else {name: row[name] for name in names & fields}
        for row, names in zip(rows, present, strict=True)
    ]
    return replace(data, answers=tuple(cleaned))


def _answered(row: Mapping[str, Answer | None]) -> frozenset[str]:
    return frozenset(name for name, value in row.items() if value is not None)


def eligible_inputs(classes: Sequence[ClassInput], k: int = DEFAULT_K) -> list[ClassInput]:
    """:func:`eligible_input` of every class, in the same order."""
    return [eligible_input(data, k) for data in classes]


def suppress(
    cells: Sequence[Cell],
    k: int = DEFAULT_K,
    forced: Mapping[str, Suppression] | None = None,
) -> dict[str, Suppression]:
    """The suppressed cells among ``cells``, each with its reason; cells not listed are shown.

    A cell is suppressed when it has no responses or fewer than ``k`` (inputs that passed
    :func:`eligible_inputs` never have fewer than ``k`` but none). ``forced`` cells are suppressed
    whatever their size, with the given reason (e.g. an item's figure inside a group that is
    itself suppressed). Raises ``ValueError`` for duplicate ids, a negative count or k < 1.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    if len({cell.id for cell in cells}) != len(cells):
        raise ValueError("duplicate cell ids")
    hidden: dict[str, Suppression] = {}
    for cell in cells:
        if cell.count < 0:
            raise ValueError(f"cell {cell.id!r} has a negative count")
        if forced and cell.id in forced:
            hidden[cell.id] = forced[cell.id]
        elif cell.count == 0:
            hidden[cell.id] = Suppression("no_responses", NO_RESPONSES_REASON)
        elif cell.count < k:
            hidden[cell.id] = Suppression("below_k", small_group_reason(k))
    return hidden
