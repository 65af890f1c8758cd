"""Scoring rules as data (docs/interfaces.md)."""

from __future__ import annotations

import pytest

from questionnaires import Definition, ScoredItem, TrainingPlan, scoring_rules


def test_sample_rules(sample: Definition, plan3: TrainingPlan) -> None:
    rules = scoring_rules(sample, plan3)
    assert rules.questionnaire == "sample"
    assert rules.version == sample.version
    assert [(d.id, d.label) for d in rules.dimensions] == [("quality", "质量"), ("course", "课程")]
    quality, course = rules.dimensions
    assert [(i.field, i.reverse, i.minimum, i.maximum) for i in quality.items] == [
        ("q.likert", False, 1, 5),
        ("q.agree", True, 1, 5),
        ("q.rating", False, 1, 7),
    ]
    assert all(i.course is None and i.item == i.field for i in quality.items)
    assert [(i.field, i.course, i.item) for i in course.items] == [
        ("m.c01.score", "c01", "score"),
        ("m.c02.score", "c02", "score"),
        ("m.c03.score", "c03", "score"),
    ]
    assert course.items[0].label == "课程1（教师1）：总体评价"
    assert rules.overall_item is None
    assert rules.satisfaction_items == ("q.likert", "m.c01.score", "m.c02.score", "m.c03.score")
    assert rules.nps_item == "q.nps"
    assert rules.text_items == ("q.why", "q.note", "m.c01.tip", "m.c02.tip", "m.c03.tip")
    assert rules.choice_items == ("q.single", "q.multi", "q.low")


def test_item_lookup(sample: Definition, plan3: TrainingPlan) -> None:
    rules = scoring_rules(sample, plan3)
    item = rules.item("m.c02.score")
    assert item is not None
    assert item.dimension == "course"
    assert rules.item("q.nps") is None  # NPS is reported as NPS, not as a dimension score
    assert rules.item("q.single") is None
    assert rules.item("nope") is None


def test_scores_and_top_two_boxes() -> None:
    forward = ScoredItem("a", "题", "d", 1, 5, False, None, "a")
    reverse = ScoredItem("b", "题", "d", 1, 5, True, None, "b")
    rating = ScoredItem("c", "题", "d", 1, 7, False, None, "c")
    assert [forward.score(v) for v in range(1, 6)] == [1, 2, 3, 4, 5]
    assert [reverse.score(v) for v in range(1, 6)] == [5, 4, 3, 2, 1]
    assert [forward.top_two(v) for v in range(1, 6)] == [False, False, False, True, True]
    assert [reverse.top_two(v) for v in range(1, 6)] == [True, True, False, False, False]
    assert [rating.top_two(v) for v in range(1, 8)] == [False] * 5 + [True, True]
    zero_based = ScoredItem("d", "题", "d", 0, 10, True, None, "d")
    assert zero_based.score(0) == 10
    assert zero_based.score(7) == 3


@pytest.mark.parametrize("raw", [0, 6, -1, True])
def test_score_rejects_values_outside_the_range(raw: int) -> None:
    item = ScoredItem("a", "题", "d", 1, 5, False, None, "a")
    with pytest.raises(ValueError, match="超出范围"):
        item.score(raw)


def test_satisfaction_rules(satisfaction: Definition) -> None:
    rules = scoring_rules(satisfaction, None)
    assert rules.questionnaire == "satisfaction"
    assert rules.overall_item == "overall"
    assert rules.nps_item == "recommend"
    assert rules.choice_items == ("dissatisfied",)
    assert rules.text_items == ("gains", "suggestions")
    reversed_fields = {i.field for d in rules.dimensions for i in d.items if i.reverse}
    assert reversed_fields == {"content.overlap", "method.lecture", "management.crowded"}
    # Reversed items and the overall item stay out of the composite satisfaction rate.
    assert not reversed_fields & set(rules.satisfaction_items)
    assert "overall" not in rules.satisfaction_items
    assert len(rules.satisfaction_items) == 21
    overall = rules.item("overall")
    assert overall is not None
    assert overall.dimension == "overall"


def test_teaching_rules_without_plan_have_empty_dimensions(teaching: Definition) -> None:
    rules = scoring_rules(teaching, None)
    assert len(rules.dimensions) == 4
    assert all(d.items == () for d in rules.dimensions)
    assert rules.satisfaction_items == ()
    assert rules.text_items == ("comments",)


def test_satisfaction_rate_can_be_set_explicitly() -> None:
    from questionnaires import parse_definition

    definition = parse_definition(
        """
[questionnaire]
key = "s"
title = "满意率设置"

[[dimensions]]
id = "d"
label = "维度"

[[pages]]
title = "页"

[[pages.items]]
id = "plain"
type = "likert5"
text = "默认计入"
dimension = "d"
satisfaction_rate = false

[[pages.items]]
id = "rated"
type = "rating"
text = "评分题默认不计入"
dimension = "d"
scale_min = 1
scale_max = 10
min_label = "差"
max_label = "好"
satisfaction_rate = true
"""
    )
    assert scoring_rules(definition, None).satisfaction_items == ("rated",)
