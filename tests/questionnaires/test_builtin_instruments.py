"""The two instruments the notice requires: 满意度调查 and 评教."""

from __future__ import annotations

from collections.abc import Callable

from questionnaires import (
    BUILTIN_NAMES,
    Definition,
    answers_to_raw,
    expand,
    load_builtin,
    scoring_rules,
    validate,
)
from questionnaires.plan import TrainingPlan


def test_both_builtins_load() -> None:
    assert BUILTIN_NAMES == ("satisfaction", "teaching")
    for name in BUILTIN_NAMES:
        definition = load_builtin(name)
        assert definition.key == name
        assert definition.source == f"{name}.toml"
        assert len(definition.version) == 64
    assert load_builtin("satisfaction") is load_builtin("satisfaction")  # cached


def test_satisfaction_dimensions(satisfaction: Definition) -> None:
    labels = [d.label for d in satisfaction.dimensions]
    assert labels == [
        "培训内容",
        "培训方式",
        "师资水平",
        "组织管理",
        "后勤保障",
        "培训效果",
        "总体满意度",
    ]
    rules = scoring_rules(satisfaction, None)
    for dimension in rules.dimensions[:6]:
        assert 3 <= len(dimension.items) <= 4, dimension.label
        assert all(item.minimum == 1 and item.maximum == 5 for item in dimension.items)
    assert sum(item.reverse for d in rules.dimensions for item in d.items) >= 1
    assert rules.overall_item == "overall"
    # The declared primary indicator is the 满意率 of the overall item, on the satisfaction scale.
    assert rules.primary_item == "overall"
    assert rules.item("overall") is not None
    assert rules.item("overall").labels == "satisfaction"  # type: ignore[union-attr]
    overall = satisfaction.item("overall")
    assert overall is not None
    assert overall.scale is not None
    assert overall.scale.preset == "satisfaction"


def test_satisfaction_nps_open_questions_and_follow_up(satisfaction: Definition) -> None:
    rules = scoring_rules(satisfaction, None)
    assert rules.nps_item is not None
    nps = satisfaction.item(rules.nps_item)
    assert nps is not None
    assert "您向同事推荐本项目的可能性" in nps.text
    assert len(rules.text_items) == 2
    texts = [satisfaction.item(field) for field in rules.text_items]
    assert any(t is not None and "最有收获" in t.text for t in texts)
    assert any(t is not None and "意见和建议" in t.text for t in texts)
    assert all(t is not None and not t.required for t in texts)

    follow_ups = [item for item in satisfaction.items() if item.show_if is not None]
    assert len(follow_ups) == 1
    follow_up = follow_ups[0]
    assert follow_up.type == "multiple"
    assert follow_up.show_if is not None
    assert follow_up.show_if.item == "overall"
    assert follow_up.show_if.at_most == 2
    assert "不满意" in follow_up.text


def test_satisfaction_is_short_enough_for_a_phone(satisfaction: Definition) -> None:
    form = expand(satisfaction, None)
    assert len(form.questions) <= 30
    assert all(len(page.questions) <= 8 for page in form.pages)
    closed = [q for q in form.questions if q.type != "text"]
    assert all(len(q.text) <= 40 for q in closed)


def test_satisfaction_accepts_a_complete_answer_set(satisfaction: Definition) -> None:
    form = expand(satisfaction, None)
    answers: dict[str, int | str | list[str]] = {
        q.field: 4 for q in form.questions if q.type == "likert5"
    }
    answers["recommend"] = 9
    answers["gains"] = "企业现场教学收获最大。\n实训安排也很好。"
    result = validate(satisfaction, None, answers_to_raw(answers))
    assert result.ok, result.errors
    assert result.answers == answers


def test_satisfaction_follow_up_for_dissatisfied_trainees(satisfaction: Definition) -> None:
    form = expand(satisfaction, None)
    answers: dict[str, int | str | list[str]] = {
        q.field: 3 for q in form.questions if q.type == "likert5" and q.required
    }
    answers["recommend"] = 2
    answers["overall"] = 2
    result = validate(satisfaction, None, answers_to_raw(answers))
    assert result.errors == {"dissatisfied": "此题为必答题，请选择"}
    answers["dissatisfied"] = ["logistics", "content"]
    result = validate(satisfaction, None, answers_to_raw(answers))
    assert result.ok
    assert result.answers["dissatisfied"] == ["content", "logistics"]


def test_teaching_matrix_over_the_plan(
    teaching: Definition, plan_of: Callable[[int], TrainingPlan]
) -> None:
    plan = plan_of(5)
    form = expand(teaching, plan)
    fields = form.fields
    assert "teaching.c03.delivery" in fields
    per_course = [f for f in fields if f.startswith("teaching.c01.")]
    assert [f.split(".")[-1] for f in per_course] == [
        "content",
        "delivery",
        "practicality",
        "overall",
    ]
    assert len(fields) == 5 * 4 + 1
    question = form.question("teaching.c03.delivery")
    assert question is not None
    assert "课程3" in question.text
    assert "教师3" in question.text
    rules = scoring_rules(teaching, plan)
    assert [d.label for d in rules.dimensions] == [
        "教学内容",
        "讲授与组织",
        "实用性",
        "课程总体评价",
    ]
    assert all(len(d.items) == 5 for d in rules.dimensions)
    assert rules.text_items == ("comments",)


def test_teaching_is_short_enough_for_a_phone(
    teaching: Definition, plan_of: Callable[[int], TrainingPlan]
) -> None:
    form = expand(teaching, plan_of(15))
    assert all(len(page.questions) <= 12 for page in form.pages)
    assert len(form.questions) == 15 * 4 + 1


def test_teaching_without_plan_has_only_the_open_question(teaching: Definition) -> None:
    assert teaching.has_matrix
    form = expand(teaching, TrainingPlan())
    assert form.fields == ("comments",)
    assert validate(teaching, None, {}).ok


def test_builtin_field_names_are_disjoint(
    satisfaction: Definition, teaching: Definition, plan_of: Callable[[int], TrainingPlan]
) -> None:
    # A class answers both instruments, and its pages may share one answer dict.
    plan = plan_of(12)
    assert not set(expand(satisfaction, plan).fields) & set(expand(teaching, plan).fields)
