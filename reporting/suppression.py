"""Small-cell rules: which figures may be shown without exposing a small group of respondents.

**Primary suppression.** No figure is shown for a group (cell) with fewer than ``k`` responses
(default 5, ``SURVEY_REPORT_K``). A group with no responses has nothing to show and says so.

**Complementary suppression.** Groups nest: classes in a base, bases in the programme (and, for the
teaching matrix, courses in a teacher in a class). Figures of a parent are sums over its
children, so a hidden child can be recovered by subtracting the shown siblings from the shown
parent. For every shown cell P the rule computes its *residual*: the responses under P not covered
by a shown cell below P, i.e. exactly what ``P − Σ shown parts`` reveals. The residual must be
empty or hold at least ``k`` responses. When it holds between 1 and k − 1, another cell under P is
suppressed as well, chosen as:

1. a shown cell with responses whose suppression adds it to the residual, preferring the one
   that hides the fewest extra cells (a sibling class before a class of another base, which also
   needs its base hidden), then one that adds respondents not yet counted (see pools below), then
   the smallest (least information lost), then the first in input order;
2. if no such cell exists, P itself is suppressed, and its residual passes up to its parent.

This is repeated until every shown cell's residual is empty or ≥ k. Cells are checked children
before parents, and a fix at P only changes P's residual, so one pass suffices.

**Pools.** Some cells share respondents: the courses of one class are rated by the same
trainees. Cells with the same ``pool`` count as many respondents as the largest of them in a
residual (a lower bound on the distinct people), so a residual of two courses rated by the same
three trainees counts as three, not six.

Participation figures (invited, responded, response rate) are not subject to these rules: base
staff see them for their own classes while the survey runs, and they reveal nothing about answers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "DEFAULT_K",
    "Cell",
    "Suppression",
    "SuppressionCode",
    "complementary_reason",
    "small_group_reason",
    "suppress",
]

#: The default smallest group whose figures are shown (docs/design.md: k = 5).
DEFAULT_K = 5

SuppressionCode = Literal["no_responses", "below_k", "complementary"]

NO_RESPONSES_REASON = "暂无回答，无数据可显示"


def small_group_reason(k: int) -> str:
    """The reason shown for a group with fewer than ``k`` responses."""
    return f"回答人数少于 {k}，不予显示"


def complementary_reason(k: int) -> str:
    """The reason shown for a cell hidden so that a smaller one cannot be derived."""
    return f"为防止由合计推算出回答人数少于 {k} 的组，一并不予显示"


@dataclass(frozen=True)
class Suppression:
    """Why a figure is not shown: a machine code and the Chinese text users read."""

    code: SuppressionCode
    reason: str


@dataclass(frozen=True)
class Cell:
    """One group in a nesting of groups: its id, its parent's id and its number of responses.

    A parent's data must be the union of its children's data (a class's responses make up its
    base's). ``pool`` names cells that share respondents (see the module docstring); ``None``
    means the cell's respondents are its own.
    """

    id: str
    parent: str | None
    count: int
    pool: str | None = None


def suppress(
    cells: Sequence[Cell],
    k: int = DEFAULT_K,
    forced: Mapping[str, Suppression] | None = None,
) -> dict[str, Suppression]:
    """The suppressed cells among ``cells``, each with its reason; cells not listed are shown.

    ``forced`` cells are suppressed whatever their size, with the given reason (e.g. an item's
    figure inside a group that is itself suppressed). Raises ``ValueError`` for duplicate ids, an
    unknown parent, a cycle, a negative count or k < 1.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    by_id: dict[str, Cell] = {}
    for cell in cells:
        if cell.id in by_id:
            raise ValueError(f"duplicate cell id {cell.id!r}")
        if cell.count < 0:
            raise ValueError(f"cell {cell.id!r} has a negative count")
        by_id[cell.id] = cell
    children: dict[str, list[str]] = {cell.id: [] for cell in cells}
    roots: list[str] = []
    for cell in cells:
        if cell.parent is None:
            roots.append(cell.id)
        elif cell.parent not in by_id:
            raise ValueError(f"cell {cell.id!r} has unknown parent {cell.parent!r}")
        else:
            children[cell.parent].append(cell.id)
    order = _post_order(roots, children)
    if len(order) != len(by_id):
        raise ValueError("cells do not form a forest (a parent chain loops)")
    position = {cell_id: index for index, cell_id in enumerate(c.id for c in cells)}

    hidden: dict[str, Suppression] = {}
    for cell in cells:
        if forced and cell.id in forced:
            hidden[cell.id] = forced[cell.id]
        elif cell.count == 0:
            hidden[cell.id] = Suppression("no_responses", NO_RESPONSES_REASON)
        elif cell.count < k:
            hidden[cell.id] = Suppression("below_k", small_group_reason(k))
    complementary = Suppression("complementary", complementary_reason(k))

    for cell_id in order:
        if cell_id in hidden or not children[cell_id]:
            continue
        while True:
            residual = _residual(cell_id, children, hidden, by_id)
            size = _size(residual, by_id)
            if size == 0 or size >= k:
                break
            choice = _complement(cell_id, residual, children, hidden, by_id, position)
            if choice is None:
                hidden[cell_id] = complementary
                break
            for chosen in choice:
                hidden[chosen] = complementary
    return hidden


def _post_order(roots: list[str], children: Mapping[str, list[str]]) -> list[str]:
    order: list[str] = []
    seen: set[str] = set()
    stack: list[tuple[str, bool]] = [(root, False) for root in reversed(roots)]
    while stack:
        cell_id, expanded = stack.pop()
        if expanded:
            order.append(cell_id)
            continue
        if cell_id in seen:
            continue
        seen.add(cell_id)
        stack.append((cell_id, True))
        stack.extend((child, False) for child in reversed(children[cell_id]))
    return order


def _residual(
    cell_id: str,
    children: Mapping[str, list[str]],
    hidden: Mapping[str, Suppression],
    by_id: Mapping[str, Cell],
) -> list[str]:
    """Leaves under ``cell_id`` whose data no shown cell below ``cell_id`` covers."""
    residual: list[str] = []
    stack = list(children[cell_id])
    while stack:
        current = stack.pop()
        if current not in hidden:
            continue  # a shown cell covers its whole subtree
        if children[current]:
            stack.extend(children[current])
        elif by_id[current].count > 0:
            residual.append(current)
    return residual


def _size(leaves: Sequence[str], by_id: Mapping[str, Cell]) -> int:
    """Respondents in ``leaves``: summed across pools, the largest count within a pool."""
    pools: dict[str, int] = {}
    for leaf in leaves:
        cell = by_id[leaf]
        pool = cell.pool if cell.pool is not None else f"\0{cell.id}"
        pools[pool] = max(pools.get(pool, 0), cell.count)
    return sum(pools.values())


def _complement(
    cell_id: str,
    residual: Sequence[str],
    children: Mapping[str, list[str]],
    hidden: Mapping[str, Suppression],
    by_id: Mapping[str, Cell],
    position: Mapping[str, int],
) -> list[str] | None:
    """The cells to hide so that one more shown leaf joins the residual of ``cell_id``."""
    residual_pools = {by_id[leaf].pool for leaf in residual if by_id[leaf].pool is not None}
    best: tuple[tuple[int, int, int, int], list[str]] | None = None
    # Walk the subtree keeping, for each cell, the shown cells between it and cell_id.
    stack: list[tuple[str, list[str]]] = [(child, []) for child in children[cell_id]]
    while stack:
        current, shown_above = stack.pop()
        path = shown_above if current in hidden else [*shown_above, current]
        if children[current]:
            stack.extend((child, path) for child in children[current])
            continue
        cell = by_id[current]
        if current in hidden or cell.count == 0:
            continue
        same_pool = int(cell.pool is not None and cell.pool in residual_pools)
        key = (len(path), same_pool, cell.count, position[current])
        if best is None or key < best[0]:
            best = (key, path)
    return None if best is None else best[1]
