"""Follow-ups for every condition form: the hint a trainee reads, and posted answers.

Conditions are read from a posted page (strings) as well as from a draft (typed answers); the
two must agree for every point and option of every source type, or a page drawn again after
an error would differ from the same page drawn from the draft.
"""

from __future__ import annotations

import pytest

from questionnaires import expand, parse_definition
from questionnaires.followups import followup_hint
from questionnaires.validation import validate_form_page

CONDITIONS_TOML = """
[questionnaire]
key = "conditions"
title = "条件题"

[[dimensions]]
id = "d"
label = "维度"

[[pages]]
title = "第一页"

[[pages.items]]
id = "overall"
type = "likert5"
labels = "satisfaction"
text = "总体满意度"
dimension = "d"

[[pages.items]]
id = "low"
type = "text"
text = "哪里不满意？"
show_if = { item = "overall", at_most = 2 }

[[pages.items]]
id = "rec"
type = "nps"
text = "推荐可能性"

[[pages.items]]
id = "detractor"
type = "single"
text = "不推荐的原因"
show_if = { item = "rec", at_most = 6 }
choices = [{ value = "a", label = "甲" }, { value = "b", label = "乙" }]

[[pages.items]]
id = "grade"
type = "rating"
text = "评分"
scale_min = 1
scale_max = 7
min_label = "很差"
max_label = "很好"
dimension = "d"

[[pages.items]]
id = "extreme"
type = "text"
text = "为什么打极端分？"
show_if = { item = "grade", in = [1, 7] }

[[pages.items]]
id = "high"
type = "text"
text = "最好的是什么？"
show_if = { item = "grade", at_least = 6 }

[[pages.items]]
id = "way"
type = "single"
text = "参训方式"
choices = [{ value = "on", label = "线下" }, { value = "off", label = "线上" }]

[[pages.items]]
id = "online"
type = "text"
text = "线上有什么问题？"
show_if = { item = "way", in = ["off"] }

[[pages.items]]
id = "topics"
type = "multiple"
text = "感兴趣的主题"
choices = [
    { value = "x", label = "数字化" },
    { value = "y", label = "思政" },
    { value = "z", label = "实训" },
]

[[pages.items]]
id = "practice"
type = "text"
text = "实训方面的建议"
show_if = { item = "topics", in = ["z", "y"] }

[[pages]]
title = "第二页"

[[pages.items]]
id = "later"
type = "text"
text = "再说说不满意的地方"
show_if = { item = "overall", in = [1] }
"""

FORM = expand(parse_definition(CONDITIONS_TOML, "conditions.toml"), None)

HINTS = {
    "low": "上一题选择“非常不满意”或“不满意”时请回答本题，选择其他答案时请跳过本题。",
    "detractor": "上一题选择“0–6 分”时请回答本题，选择其他答案时请跳过本题。",
    "extreme": "上一题选择“很差”或“很好”时请回答本题，选择其他答案时请跳过本题。",
    "high": "“评分”一题选择“6 分”或“7 分”时请回答本题，选择其他答案时请跳过本题。",
    "online": "上一题选择“线上”时请回答本题，选择其他答案时请跳过本题。",
    "practice": "上一题选择“思政”或“实训”时请回答本题，选择其他答案时请跳过本题。",
    "later": "“总体满意度”一题选择“非常不满意”时请回答本题，选择其他答案时请跳过本题。",
}


def test_every_condition_form_is_worded_with_the_labels_a_trainee_tapped() -> None:
    hints = {q.field: followup_hint(FORM, q) for q in FORM.questions}
    assert {f: h for f, h in hints.items() if h is not None} == HINTS


@pytest.mark.parametrize("name", sorted(HINTS))
def test_posted_and_validated_answers_meet_a_condition_alike(name: str) -> None:
    question = FORM.question(name)
    assert question is not None
    assert question.show_if is not None
    source = FORM.question(question.show_if.item)
    assert source is not None
    page = FORM.pages[source.page]
    for value, _ in source.options:
        posted = {source.field: [value]}
        validated = validate_form_page(FORM, source.page, posted, {}).parsed[source.field]
        condition = question.show_if
        assert condition.holds(value) == condition.holds([value]) == condition.holds(validated)
        # What validation asks of the follow-up follows the same condition.
        if question.page == source.page and question.required:
            errors = validate_form_page(FORM, page.index, posted, {}).errors
            assert (name in errors) == condition.holds(validated)
