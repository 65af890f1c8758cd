"""Small-cell rules: primary suppression below k and complementary suppression up the nesting."""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reporting.suppression import Cell, Suppression, suppress

K = 5


def _programme(bases: dict[str, dict[str, int]]) -> list[Cell]:
    cells = [Cell("P", None, sum(sum(c.values()) for c in bases.values()))]
    for base, classes in bases.items():
        cells.append(Cell(base, "P", sum(classes.values())))
        cells.extend(Cell(name, base, count) for name, count in classes.items())
    return cells


def _derivable_atoms(cells: list[Cell], hidden: dict[str, Suppression]) -> list[int]:
    """What an attacker can compute, found without the residual logic under test.

    In a nesting of groups every shown figure is a sum over leaves, and the attacker can take any
    linear combination of shown figures. Two leaves that lie in exactly the same shown groups can
    never be told apart, and each such class of leaves (an atom) can be isolated, so the atoms
    are exactly what can be derived. Returns the number of responses in every derivable atom.
    """
    parent = {c.id: c.parent for c in cells}
    has_children = {c.parent for c in cells if c.parent is not None}
    atoms: dict[tuple[str, ...], int] = defaultdict(int)
    for cell in cells:
        if cell.id in has_children:
            continue
        chain: list[str] = []
        node: str | None = cell.id
        while node is not None:
            if node not in hidden:
                chain.append(node)
            node = parent[node]
        if chain:
            atoms[tuple(chain)] += cell.count
    return [size for size in atoms.values() if size > 0]


def test_groups_of_size_0_1_k_minus_1_and_k() -> None:
    cells = _programme({"基地": {"A": 0, "B": 1, "C": K - 1, "D": K, "E": 40}})
    hidden = suppress(cells, K)
    assert hidden["A"].code == "no_responses"
    assert hidden["A"].reason == "暂无回答，无数据可显示"
    assert hidden["B"] == Suppression("below_k", "回答人数少于 5，不予显示")
    assert hidden["C"].code == "below_k"
    assert "D" not in hidden
    assert "E" not in hidden
    # B and C together hold 1 + 4 = 5 responses: their sum is derivable, but is a group of k.
    assert "基地" not in hidden
    assert sorted(_derivable_atoms(cells, hidden)) == [5, 5, 40]


def test_a_base_total_that_would_reveal_one_hidden_class_hides_the_next_smallest_sibling() -> None:
    cells = _programme({"基地": {"小班": 3, "乙班": 30, "丙班": 25, "丁班": 41}})
    hidden = suppress(cells, K)
    assert hidden["小班"].code == "below_k"
    assert hidden["丙班"] == Suppression(
        "complementary", "为防止由合计推算出回答人数少于 5 的组，一并不予显示"
    )
    assert set(hidden) == {"小班", "丙班"}
    # The base total stays; base − shown classes now gives 3 + 25 responses, not the 3.
    assert min(_derivable_atoms(cells, hidden)) >= K


def test_a_base_with_one_other_class_shows_its_total_but_neither_class() -> None:
    cells = _programme({"基地": {"小班": 2, "大班": 48}})
    hidden = suppress(cells, K)
    assert set(hidden) == {"小班", "大班"}
    assert "基地" not in hidden


def test_a_small_base_of_one_class_is_protected_at_programme_level() -> None:
    cells = _programme({"甲": {"a1": 3}, "乙": {"b1": 30}, "丙": {"c1": 25, "c2": 26}})
    hidden = suppress(cells, K)
    assert hidden["甲"].code == "below_k"
    assert hidden["a1"].code == "below_k"
    # Hiding base 丙 alone would not help (its classes add up to it), so the smallest class under
    # the programme goes with its base: c1 (25) and 丙.
    assert hidden["c1"].code == "complementary"
    assert hidden["丙"].code == "complementary"
    assert "c2" not in hidden
    assert "P" not in hidden
    assert min(_derivable_atoms(cells, hidden)) >= K


def test_the_total_is_hidden_when_no_sibling_can_be() -> None:
    cells = [Cell("P", None, 3), Cell("a", "P", 3)]
    assert set(suppress(cells, K)) == {"P", "a"}
    cells = [Cell("base", None, 7), Cell("a", "base", 3), Cell("b", "base", 4)]
    hidden = suppress(cells, K)
    assert "base" not in hidden  # a + b = 7 ≥ k: the total is a group of 7
    cells = [
        Cell("base", None, 4),
        Cell("a", "base", 1),
        Cell("b", "base", 3),
        Cell("c", "base", 0),
    ]
    assert set(suppress(cells, K)) == {"base", "a", "b", "c"}


def test_pools_count_shared_respondents_once() -> None:
    # Two courses rated by the same 3 trainees of one class: together they are 3 people, not 6.
    cells = [
        Cell("teacher", None, 40),
        Cell("c1", "teacher", 3, pool="class"),
        Cell("c2", "teacher", 3, pool="class"),
        Cell("c3", "teacher", 40, pool="class"),
    ]
    hidden = suppress(cells, K)
    assert hidden["c3"].code == "complementary"
    assert "teacher" not in hidden
    unpooled = [Cell(c.id, c.parent, c.count) for c in cells]
    assert "c3" not in suppress(unpooled, K)


def test_forced_cells_keep_their_reason_and_count_as_hidden() -> None:
    forced = {"A": Suppression("below_k", "所在班级回答人数少于 5，不予显示")}
    cells = _programme({"基地": {"A": 2, "B": 30, "C": 30}})
    hidden = suppress(cells, K, forced)
    assert hidden["A"] is forced["A"]
    assert hidden["B"].code == "complementary"  # 30 ties with C; B comes first in input order
    assert "C" not in hidden
    # A forced cell of k or more responses may be derivable: it needs no complement.
    big = {"A": Suppression("complementary", "x")}
    assert suppress(_programme({"基地": {"A": 30, "B": 30, "C": 31}}), K, big) == big


def test_k_is_configurable() -> None:
    cells = _programme({"基地": {"A": 9, "B": 50, "C": 60}})
    assert suppress(cells, 5) == {}
    assert set(suppress(cells, 10)) == {"A", "B"}


def test_invalid_input_is_rejected() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        suppress([Cell("a", None, 1), Cell("a", None, 2)])
    with pytest.raises(ValueError, match="unknown parent"):
        suppress([Cell("a", "b", 1)])
    with pytest.raises(ValueError, match="forest"):
        suppress([Cell("a", "b", 1), Cell("b", "a", 1)])
    with pytest.raises(ValueError, match="k must"):
        suppress([], 0)


@st.composite
def _nested(draw: st.DrawFn) -> list[Cell]:
    bases = draw(
        st.dictionaries(
            st.text("甲乙丙丁戊", min_size=1, max_size=3),
            st.lists(st.integers(0, 60), min_size=1, max_size=5),
            min_size=1,
            max_size=6,
        )
    )
    return _programme(
        {base: {f"{base}-{i}": n for i, n in enumerate(counts)} for base, counts in bases.items()}
    )


@settings(max_examples=300, deadline=None)
@given(_nested(), st.integers(1, 12))
def test_no_shown_figure_lets_anyone_derive_fewer_than_k_responses(
    cells: list[Cell], k: int
) -> None:
    hidden = suppress(cells, k)
    for cell in cells:
        if 0 < cell.count < k:
            assert cell.id in hidden
    assert all(size >= k for size in _derivable_atoms(cells, hidden))
