"""Shared fixtures: a sample definition using every item type, and small training plans."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from questionnaires import Course, Definition, TrainingPlan, load_builtin, parse_definition

# Every item type, both condition forms, a required follow-up, an optional rating, a
# multiple choice with min/max picks, and a paged matrix with a scored and a text sub-item.
SAMPLE_TOML = """
[questionnaire]
key = "sample"
title = "测试问卷"

[[dimensions]]
id = "quality"
label = "质量"

[[dimensions]]
id = "course"
label = "课程"

[[pages]]
title = "第一页"

[[pages.items]]
id = "q.likert"
type = "likert5"
text = "满意度题"
dimension = "quality"

[[pages.items]]
id = "q.agree"
type = "likert5"
labels = "agreement"
text = "反向表述的同意度题"
dimension = "quality"
reverse = true

[[pages.items]]
id = "q.rating"
type = "rating"
text = "七点评分"
scale_min = 1
scale_max = 7
min_label = "很差"
max_label = "很好"
dimension = "quality"
required = false

[[pages.items]]
id = "q.nps"
type = "nps"
text = "推荐的可能性"

[[pages.items]]
id = "q.single"
type = "single"
text = "单选题"
choices = [
    { value = "a", label = "甲" },
    { value = "b", label = "乙" },
    { value = "c", label = "丙" },
]

[[pages.items]]
id = "q.why"
type = "text"
text = "为什么选丙？"
required = true
max_length = 20
show_if = { item = "q.single", in = ["c"] }

[[pages]]
title = "第二页"

[[pages.items]]
id = "q.multi"
type = "multiple"
text = "多选题"
required = false
min_picks = 2
max_picks = 3
choices = [
    { value = "a", label = "甲" },
    { value = "b", label = "乙" },
    { value = "c", label = "丙" },
    { value = "d", label = "丁" },
]

[[pages.items]]
id = "q.low"
type = "single"
text = "低分的原因"
show_if = { item = "q.likert", at_most = 2 }
choices = [
    { value = "x", label = "原因一" },
    { value = "y", label = "原因二" },
]

[[pages.items]]
id = "q.note"
type = "text"
text = "备注"
max_length = 50

[[pages]]
title = "课程"

[[pages.items]]
id = "m"
type = "matrix"
text = "课程评价"
courses_per_page = 2

[[pages.items.items]]
id = "score"
type = "likert5"
text = "总体评价"
dimension = "course"

[[pages.items.items]]
id = "tip"
type = "text"
text = "一句话建议"
max_length = 30
"""


def make_plan(count: int) -> TrainingPlan:
    """A plan of `count` courses alternating theory and practice, 4 hours each."""
    return TrainingPlan(
        tuple(
            Course(
                id=f"c{number:02d}",
                name=f"课程{number}",
                teacher=f"教师{number}",
                kind="theory" if number % 2 else "practice",
                hours=4.0,
            )
            for number in range(1, count + 1)
        )
    )


@pytest.fixture(scope="session")
def sample() -> Definition:
    return parse_definition(SAMPLE_TOML, "sample.toml")


@pytest.fixture(scope="session")
def sample_text() -> str:
    return SAMPLE_TOML


@pytest.fixture(scope="session")
def plan_of() -> Callable[[int], TrainingPlan]:
    """Tests get `make_plan` through this fixture (conftest is not importable)."""
    return make_plan


@pytest.fixture(scope="session")
def plan3() -> TrainingPlan:
    return make_plan(3)


@pytest.fixture(scope="session")
def satisfaction() -> Definition:
    return load_builtin("satisfaction")


@pytest.fixture(scope="session")
def teaching() -> Definition:
    return load_builtin("teaching")
