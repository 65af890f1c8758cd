"""The small-cell rule: what may enter a published figure, decided per class before computing."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from questionnaires.scoring import ScoringRules
from reporting.inputs import ClassInput
from reporting.report import build_report
from reporting.suppression import Cell, Suppression, eligible_input, suppress

K = 5
MakeClass = Callable[..., ClassInput]
OPTIONAL = ("logistics.accommodation", "logistics.catering")


def test_groups_of_size_0_1_k_minus_1_and_k() -> None:
    hidden = suppress([Cell("A", 0), Cell("B", 1), Cell("C", K - 1), Cell("D", K)], K)
    assert hidden["A"] == Suppression("no_responses", "暂无可发布的回答，无数据可显示")
    assert hidden["B"] == hidden["C"] == Suppression("below_k", "回答人数少于 5，不予显示")
    assert "D" not in hidden


def test_forced_cells_keep_their_reason_and_k_is_configurable() -> None:
    forced = {"A": Suppression("below_k", "x")}
    assert suppress([Cell("A", 30), Cell("B", 3)], 3, forced) == forced
    assert suppress([Cell("A", 9)], 10)["A"].code == "below_k"


def test_invalid_input_is_rejected() -> None:
    with pytest.raises(ValueError, match="k must be"):
        suppress([Cell("A", 1)], 0)
    with pytest.raises(ValueError, match="duplicate"):
        suppress([Cell("A", 1), Cell("A", 2)])
    with pytest.raises(ValueError, match="negative"):
        suppress([Cell("A", -1)])


def _complete(make_class: MakeClass, n: int, **kwargs: object) -> ClassInput:
    """A class whose every response answered every optional item."""
    data = make_class("A", "甲基地", n, **kwargs)
    answers = [dict(a) for a in data.answers]
    for row in answers:
        for name in OPTIONAL:
            row.setdefault(name, 3)
    return ClassInput(**{**data.__dict__, "answers": answers})


def test_a_class_below_k_keeps_nothing_but_its_participation(make_class: MakeClass) -> None:
    data = make_class("A", "甲基地", K - 1, comments=("很好",))
    small = eligible_input(data, K)
    assert (small.answers, small.comments) == ((), ())
    assert (small.invited, small.responded) == (data.invited, data.responded)
    group = build_report([data, make_class("B", "甲基地", 12)]).training_class("A")
    assert group is not None
    assert group.suppression == Suppression("below_k", "回答人数少于 5，不予显示")
    assert group.participation.responded == K - 1
    assert group.items
    assert all(item.mean is None for item in group.items)
    assert group.comments == ()


def test_an_item_few_answered_is_blanked_for_everyone(make_class: MakeClass) -> None:
    data = _complete(make_class, 30)
    answers = [dict(a) for a in data.answers]
    for row in answers[2:]:
        del row["logistics.catering"]  # two trainees answered it
    kept = eligible_input(ClassInput(**{**data.__dict__, "answers": answers}), K)
    assert all("logistics.catering" not in row for row in kept.answers)
    assert all("logistics.accommodation" in row for row in kept.answers)


def test_an_item_few_left_blank_is_blanked_for_everyone(
    make_class: MakeClass, satisfaction_rules: ScoringRules
) -> None:
    """The attack the rule closes: two of thirty skip 住宿安排. Item means, their counts and the
    dimension mean (over answered items) are three equations giving those two trainees' mean
    answer on the other logistics items."""
    data = _complete(make_class, 30, seed=4)
    answers = [dict(a) for a in data.answers]
    del answers[0]["logistics.accommodation"], answers[1]["logistics.accommodation"]
    raw = ClassInput(**{**data.__dict__, "answers": answers})
    logistics_items = next(d for d in satisfaction_rules.dimensions if d.id == "logistics").items
    others = [i.field for i in logistics_items if i.field != "logistics.accommodation"]
    assert not any(i.reverse for i in logistics_items)
    # What the attack recovers on the raw data: the two skippers' total over the other items.
    per_response = [
        statistics.fmean(float(row[f]) for f in [*others, "logistics.accommodation"] if f in row)
        for row in answers
    ]
    total = sum(per_response)
    sum_acc = sum(float(row["logistics.accommodation"]) for row in answers[2:])
    sums = {f: sum(float(row[f]) for row in answers) for f in others}
    width = len(others) + 1
    # Answerers' totals over the other items, then the skippers' (width − 1 items each).
    recovered = (sum(sums.values()) + sum_acc - width * total) / (1 - width / (width - 1))
    truth = sum(float(answers[r][f]) for r in (0, 1) for f in others)
    assert recovered == pytest.approx(truth)

    kept = eligible_input(raw, K)
    assert all("logistics.accommodation" not in row for row in kept.answers)
    logistics = build_report([raw]).training_class("A")
    assert logistics is not None
    figure = logistics.item("logistics.accommodation")
    assert figure is not None
    assert figure.mean is None
    assert figure.respondents is None


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    pattern=st.lists(st.tuples(st.booleans(), st.booleans()), min_size=0, max_size=40),
    k=st.integers(1, 8),
)
def test_every_group_left_by_the_rule_has_at_least_k_responses(
    pattern: list[tuple[bool, bool]], k: int, make_class: MakeClass
) -> None:
    """Whatever the missingness: after the rule each kept item has ≥ k answers and responses
    split by the items they answered fall into groups of ≥ k; applying it twice changes nothing."""
    data = _complete(make_class, len(pattern))
    answers = [dict(a) for a in data.answers]
    for row, (accommodation, catering) in zip(answers, pattern, strict=True):
        if not accommodation:
            del row["logistics.accommodation"]
        if not catering:
            del row["logistics.catering"]
    kept = eligible_input(ClassInput(**{**data.__dict__, "answers": answers}), k)
    if len(pattern) < k:
        assert kept.answers == ()
        return
    fields = {f for row in kept.answers for f in row}
    for name in fields:
        assert sum(name in row for row in kept.answers) >= k
    groups = Counter(frozenset(row) & set(OPTIONAL) for row in kept.answers)
    assert min(groups.values()) >= k
    assert eligible_input(kept, k) == kept
    # Nothing but blanking: every kept answer is the original one.
    for before, after in zip(answers, kept.answers, strict=True):
        assert all(before[name] == value for name, value in after.items())
