"""Answer validation: every item type, conditions, the matrix, pages, messages."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pytest

from questionnaires import (
    FORM_ERROR,
    Definition,
    TrainingPlan,
    ValidationResult,
    answers_to_raw,
    expand,
    validate,
    validate_form,
    validate_form_page,
    validate_page,
)

# A minimal valid answer set for the sample definition over a three-course plan.
VALID: dict[str, list[str]] = {
    "q.likert": ["4"],
    "q.agree": ["2"],
    "q.nps": ["10"],
    "q.single": ["a"],
    "m.c01.score": ["5"],
    "m.c02.score": ["3"],
    "m.c03.score": ["1"],
}


def check(
    definition: Definition,
    plan: TrainingPlan | None,
    changes: Mapping[str, Sequence[str] | None],
) -> ValidationResult:
    """Validate VALID with some fields replaced (or removed, for None)."""
    raw: dict[str, Sequence[str]] = dict(VALID)
    for key, value in changes.items():
        if value is None:
            raw.pop(key, None)
        else:
            raw[key] = value
    return validate(definition, plan, raw)


def error_of(
    definition: Definition, plan: TrainingPlan, changes: Mapping[str, Sequence[str] | None]
) -> dict[str, str]:
    result = check(definition, plan, changes)
    assert not result.ok
    assert result.answers == {}
    return result.errors


def test_valid_answers_are_typed(sample: Definition, plan3: TrainingPlan) -> None:
    result = check(sample, plan3, {})
    assert result.ok
    assert result.errors == {}
    assert result.answers == {
        "q.likert": 4,
        "q.agree": 2,
        "q.nps": 10,
        "q.single": "a",
        "m.c01.score": 5,
        "m.c02.score": 3,
        "m.c03.score": 1,
    }


def test_missing_required_answers(sample: Definition, plan3: TrainingPlan) -> None:
    result = validate(sample, plan3, {})
    assert result.errors == {
        "q.likert": "此题为必答题，请选择",
        "q.agree": "此题为必答题，请选择",
        "q.nps": "此题为必答题，请选择",
        "q.single": "此题为必答题，请选择",
        "m.c01.score": "此题为必答题，请选择",
        "m.c02.score": "此题为必答题，请选择",
        "m.c03.score": "此题为必答题，请选择",
    }


@pytest.mark.parametrize(
    ("field", "values", "message"),
    [
        ("q.likert", ["6"], "答案无效：应为 1 到 5 之间的整数"),
        ("q.likert", ["0"], "答案无效：应为 1 到 5 之间的整数"),
        ("q.likert", ["04"], "答案无效：应为 1 到 5 之间的整数"),
        ("q.likert", [" 4"], "答案无效：应为 1 到 5 之间的整数"),
        ("q.likert", ["４"], "答案无效：应为 1 到 5 之间的整数"),  # full-width digit
        ("q.likert", ["٤"], "答案无效：应为 1 到 5 之间的整数"),  # Arabic-Indic digit
        ("q.likert", ["4.0"], "答案无效：应为 1 到 5 之间的整数"),
        ("q.likert", ["非常满意"], "答案无效：应为 1 到 5 之间的整数"),
        ("q.likert", ["3", "4"], "只能选择一项"),
        ("q.rating", ["8"], "答案无效：应为 1 到 7 之间的整数"),
        ("q.nps", ["11"], "答案无效：应为 0 到 10 之间的整数"),
        ("q.nps", ["-1"], "答案无效：应为 0 到 10 之间的整数"),
        ("q.single", ["z"], "所选内容不是本题的选项"),
        ("q.single", ["A"], "所选内容不是本题的选项"),
        ("q.single", ["甲"], "所选内容不是本题的选项"),  # the label is not the value
        ("q.single", ["a", "b"], "只能选择一项"),
        ("q.multi", ["a"], "请至少选择 2 项"),
        ("q.multi", ["a", "b", "c", "d"], "最多只能选择 3 项"),
        ("q.multi", ["a", "e"], "所选内容包含不属于本题的选项"),
        ("q.multi", ["a", "a"], "同一选项重复提交"),
        ("q.note", ["一", "二"], "只能填写一个答案"),
        ("q.note", ["字" * 51], "最多 50 字，当前 51 字"),
        ("q.note", ["响铃\x07"], "含有不可见的控制字符（U+0007），请删除后重新提交"),
        ("q.note", ["a\x00b"], "含有不可见的控制字符（U+0000），请删除后重新提交"),
        ("q.note", ["制表\t符"], "含有不可见的控制字符（U+0009），请删除后重新提交"),
        ("q.note", ["倒序\u202e文字"], "含有不可见的控制字符（U+202E），请删除后重新提交"),
        ("q.note", ["孤立\udc80代理"], "含有不可见的控制字符（U+DC80），请删除后重新提交"),
        ("m.c02.score", ["9"], "答案无效：应为 1 到 5 之间的整数"),
        ("m.c02.tip", ["字" * 31], "最多 30 字，当前 31 字"),
    ],
)
def test_invalid_values(
    sample: Definition, plan3: TrainingPlan, field: str, values: list[str], message: str
) -> None:
    assert error_of(sample, plan3, {field: values}) == {field: message}


def test_unknown_fields(sample: Definition, plan3: TrainingPlan) -> None:
    errors = error_of(
        sample, plan3, {"q.unknown": ["1"], "m.c04.score": ["3"], "m.c01.delivery": ["3"]}
    )
    assert errors == {
        "q.unknown": "问卷中没有这道题",
        "m.c04.score": "问卷中没有这道题",  # no such course in this plan
        "m.c01.delivery": "问卷中没有这道题",
    }


def test_long_unknown_field_names_are_shortened(sample: Definition, plan3: TrainingPlan) -> None:
    errors = error_of(sample, plan3, {"x" * 500: ["1"]})
    assert list(errors) == ["x" * 80 + "…"]


def test_malformed_values(sample: Definition, plan3: TrainingPlan) -> None:
    raw: dict[object, object] = {}
    raw.update(VALID)
    raw.update({"q.likert": [4], "q.nps": None, 7: ["1"]})
    result = validate(sample, plan3, raw)  # type: ignore[arg-type]
    assert result.errors == {
        "q.likert": "提交内容格式不正确",
        "q.nps": "提交内容格式不正确",
        "7": "问卷中没有这道题",
    }


def test_raw_that_is_not_a_mapping(sample: Definition, plan3: TrainingPlan) -> None:
    result = validate(sample, plan3, [("q.likert", ["4"])])  # type: ignore[arg-type]
    assert result.errors == {FORM_ERROR: "提交内容格式不正确"}


def test_bare_string_is_one_value(sample: Definition, plan3: TrainingPlan) -> None:
    raw: dict[str, Sequence[str]] = {**VALID, "q.nps": "10"}
    result = validate(sample, plan3, raw)
    assert result.ok
    assert result.answers["q.nps"] == 10


def test_empty_strings_mean_not_answered(sample: Definition, plan3: TrainingPlan) -> None:
    result = check(
        sample,
        plan3,
        {"q.rating": [""], "q.multi": ["", " "], "q.note": ["  \n "], "q.nps": ["", "7"]},
    )
    assert result.ok
    assert "q.rating" not in result.answers
    assert "q.multi" not in result.answers
    assert "q.note" not in result.answers
    assert result.answers["q.nps"] == 7
    assert error_of(sample, plan3, {"q.likert": [""]}) == {"q.likert": "此题为必答题，请选择"}


def test_optional_rating_and_multiple(sample: Definition, plan3: TrainingPlan) -> None:
    result = check(sample, plan3, {"q.rating": ["7"], "q.multi": ["c", "a"]})
    assert result.ok
    assert result.answers["q.rating"] == 7
    assert result.answers["q.multi"] == ["a", "c"]  # definition order


def test_free_text_is_normalised(sample: Definition, plan3: TrainingPlan) -> None:
    text = "  第一行\r\n第二行\r第三行\u2028第四行 \u3000"
    result = check(sample, plan3, {"q.note": [text], "m.c01.tip": ["好\U0001f44d\u200d"]})
    assert result.ok
    assert result.answers["q.note"] == "第一行\n第二行\n第三行\n第四行"
    assert result.answers["m.c01.tip"] == "好\U0001f44d\u200d"  # emoji joiners are fine


def test_free_text_is_nfc_normalised(sample: Definition, plan3: TrainingPlan) -> None:
    result = check(sample, plan3, {"q.note": ["Cafe\u0301"]})
    assert result.answers["q.note"] == "Café"


def test_text_cap_counts_characters(sample: Definition, plan3: TrainingPlan) -> None:
    result = check(sample, plan3, {"q.note": ["字" * 50]})
    assert result.ok
    assert result.answers["q.note"] == "字" * 50


def test_condition_on_choice(sample: Definition, plan3: TrainingPlan) -> None:
    # Shown and required when q.single is "c".
    assert error_of(sample, plan3, {"q.single": ["c"]}) == {"q.why": "此题为必答题，请填写"}
    result = check(sample, plan3, {"q.single": ["c"], "q.why": ["原因"]})
    assert result.ok
    assert result.answers["q.why"] == "原因"


def test_hidden_answers_are_dropped(sample: Definition, plan3: TrainingPlan) -> None:
    # The trainee answered the follow-up, then changed q.single: the follow-up is not asked,
    # so its answer is dropped, even when it would be invalid.
    result = check(sample, plan3, {"q.single": ["a"], "q.why": ["字" * 100], "q.low": ["bad"]})
    assert result.ok
    assert "q.why" not in result.answers
    assert "q.low" not in result.answers


def test_condition_on_scale(sample: Definition, plan3: TrainingPlan) -> None:
    assert error_of(sample, plan3, {"q.likert": ["2"]}) == {"q.low": "此题为必答题，请选择"}
    result = check(sample, plan3, {"q.likert": ["1"], "q.low": ["y"]})
    assert result.ok
    assert result.answers["q.low"] == "y"
    assert error_of(sample, plan3, {"q.likert": ["1"], "q.low": ["z"]}) == {
        "q.low": "所选内容不是本题的选项"
    }


def test_invalid_source_hides_its_follow_up(sample: Definition, plan3: TrainingPlan) -> None:
    errors = error_of(sample, plan3, {"q.likert": ["9"], "q.low": ["x"]})
    assert errors == {"q.likert": "答案无效：应为 1 到 5 之间的整数"}


def test_condition_on_multiple_choice(plan3: TrainingPlan) -> None:
    from questionnaires import parse_definition

    definition = parse_definition(
        """
[questionnaire]
key = "m"
title = "多选条件"

[[pages]]
title = "页"

[[pages.items]]
id = "pick"
type = "multiple"
text = "选择"
choices = [
    { value = "a", label = "甲" },
    { value = "b", label = "乙" },
    { value = "c", label = "丙" },
]

[[pages.items]]
id = "why"
type = "text"
text = "为什么选乙或丙？"
required = true
show_if = { item = "pick", in = ["b", "c"] }
"""
    )
    assert validate(definition, plan3, {"pick": ["a"]}).ok
    assert validate(definition, plan3, {"pick": ["a", "c"]}).errors == {
        "why": "此题为必答题，请填写"
    }


def test_skippable_matrix(teaching: Definition, plan_of: Callable[[int], TrainingPlan]) -> None:
    plan = plan_of(2)
    full = {f"teaching.c01.{s}": ["4"] for s in ("content", "delivery", "practicality", "overall")}
    # Course c02 left blank: the trainee did not attend it.
    result = validate(teaching, plan, full)
    assert result.ok
    assert sorted(result.answers) == sorted(full)
    # Nothing at all is also acceptable (every course skipped).
    assert validate(teaching, plan, {}).ok
    # A course started but not finished is an error on its missing questions.
    partial = {**full, "teaching.c02.content": ["5"], "teaching.c02.overall": [""]}
    errors = validate(teaching, plan, partial).errors
    message = "请完成对这门课程的全部评价，或整门课程留空表示不评价"
    assert errors == {
        "teaching.c02.delivery": message,
        "teaching.c02.practicality": message,
        "teaching.c02.overall": message,
    }
    # An invalid answer also counts as started, and keeps its own message.
    errors = validate(teaching, plan, {**full, "teaching.c02.content": ["7"]}).errors
    assert errors["teaching.c02.content"] == "答案无效：应为 1 到 5 之间的整数"
    assert errors["teaching.c02.delivery"] == message


def test_page_validation(sample: Definition, plan3: TrainingPlan) -> None:
    page0 = {k: v for k, v in VALID.items() if not k.startswith("m.")}
    result = validate_page(sample, plan3, 0, page0)
    assert result.ok
    assert result.answers == {"q.likert": 4, "q.agree": 2, "q.nps": 10, "q.single": "a"}
    # The second page has no required question unless q.likert was low.
    assert validate_page(sample, plan3, 1, {}, result.answers).ok
    low = validate_page(sample, plan3, 1, {}, {**result.answers, "q.likert": 1})
    assert low.errors == {"q.low": "此题为必答题，请选择"}
    # Matrix pages hold two and one course.
    page2 = validate_page(sample, plan3, 2, {"m.c01.score": ["5"]})
    assert page2.errors == {"m.c02.score": "此题为必答题，请选择"}
    page3 = validate_page(sample, plan3, 3, {"m.c03.score": ["1"]})
    assert page3.answers == {"m.c03.score": 1}


def test_page_validation_rejects_fields_of_other_pages(
    sample: Definition, plan3: TrainingPlan
) -> None:
    result = validate_page(sample, plan3, 1, {"q.likert": ["4"], "nowhere": ["1"]})
    assert result.errors == {"q.likert": "这道题不在本页", "nowhere": "问卷中没有这道题"}


def test_page_validation_ignores_stale_answers_of_the_same_page(
    sample: Definition, plan3: TrainingPlan
) -> None:
    # Going back to page 0 and clearing q.single: the follow-up on the same page must not
    # stay visible because of the old answer in `earlier`.
    page0 = {"q.likert": ["4"], "q.agree": ["2"], "q.nps": ["10"], "q.why": ["旧的原因"]}
    result = validate_page(sample, plan3, 0, page0, {"q.single": "c"})
    assert result.errors == {"q.single": "此题为必答题，请选择"}


def test_bad_page_index(sample: Definition, plan3: TrainingPlan) -> None:
    for index in (-1, 4, 99):
        assert validate_page(sample, plan3, index, {}).errors == {
            FORM_ERROR: "页码无效：问卷共 4 页"
        }
    assert validate_page(sample, plan3, True, {}).errors == {FORM_ERROR: "页码无效"}


def test_form_level_functions(sample: Definition, plan3: TrainingPlan) -> None:
    form = expand(sample, plan3)
    assert validate_form(form, VALID).ok
    assert validate_form_page(form, 3, {"m.c03.score": ["2"]}).ok


def test_answers_to_raw_round_trip(sample: Definition, plan3: TrainingPlan) -> None:
    answers = check(sample, plan3, {"q.multi": ["a", "b"], "q.note": ["好"]}).answers
    raw = answers_to_raw(answers)
    assert raw["q.multi"] == ["a", "b"]
    assert raw["q.likert"] == ["4"]
    assert validate(sample, plan3, raw).answers == answers
