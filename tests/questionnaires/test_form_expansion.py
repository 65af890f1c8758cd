"""Expansion of definitions over training plans into pages and questions."""

from __future__ import annotations

from collections.abc import Callable

from questionnaires import Definition, TrainingPlan, expand, is_shown


def test_fields_in_order(sample: Definition, plan3: TrainingPlan) -> None:
    form = expand(sample, plan3)
    assert form.fields == (
        "q.likert",
        "q.agree",
        "q.rating",
        "q.nps",
        "q.single",
        "q.why",
        "q.multi",
        "q.low",
        "q.note",
        "m.c01.score",
        "m.c01.tip",
        "m.c02.score",
        "m.c02.tip",
        "m.c03.score",
        "m.c03.tip",
    )


def test_matrix_questions_name_course_and_teacher(sample: Definition, plan3: TrainingPlan) -> None:
    form = expand(sample, plan3)
    question = form.question("m.c02.score")
    assert question is not None
    assert question.text == "课程2（教师2）：总体评价"
    assert question.course == plan3.courses[1]
    assert question.matrix is not None
    assert question.matrix.id == "m"
    assert question.item.id == "score"
    assert question.type == "likert5"
    assert question.required


def test_paged_matrix_splits_courses(sample: Definition, plan3: TrainingPlan) -> None:
    form = expand(sample, plan3)
    assert [page.title for page in form.pages] == ["第一页", "第二页", "课程（1/2）", "课程（2/2）"]
    assert [page.index for page in form.pages] == [0, 1, 2, 3]
    assert [c.id for c in form.pages[2].courses] == ["c01", "c02"]
    assert [q.field for q in form.pages[3].questions] == ["m.c03.score", "m.c03.tip"]
    assert all(q.page == page.index for page in form.pages for q in page.questions)


def test_single_matrix_page_keeps_its_title(
    sample: Definition, plan_of: Callable[[int], TrainingPlan]
) -> None:
    form = expand(sample, plan_of(2))
    assert form.pages[-1].title == "课程"


def test_matrix_without_plan_has_no_questions(sample: Definition) -> None:
    for plan in (None, TrainingPlan()):
        form = expand(sample, plan)
        assert [page.title for page in form.pages] == ["第一页", "第二页"]
        assert not any(field.startswith("m.") for field in form.fields)


def test_unpaged_matrix_stays_on_its_page(plan3: TrainingPlan) -> None:
    from questionnaires import parse_definition

    definition = parse_definition(
        """
[questionnaire]
key = "u"
title = "不分页的矩阵"

[[pages]]
title = "评教"

[[pages.items]]
id = "intro"
type = "single"
text = "您参加了几天？"
choices = [{ value = "all", label = "全程" }, { value = "part", label = "部分" }]

[[pages.items]]
id = "t"
type = "matrix"
text = "课程"

[[pages.items.items]]
id = "ok"
type = "single"
text = "是否推荐"
choices = [{ value = "yes", label = "是" }, { value = "no", label = "否" }]
"""
    )
    form = expand(definition, plan3)
    assert len(form.pages) == 1
    assert form.pages[0].courses == plan3.courses
    assert form.fields == ("intro", "t.c01.ok", "t.c02.ok", "t.c03.ok")
    # Without a plan, the page keeps its other items.
    assert expand(definition, None).fields == ("intro",)


def test_options(sample: Definition, plan3: TrainingPlan) -> None:
    form = expand(sample, plan3)

    def options(field: str) -> tuple[tuple[str, str], ...]:
        question = form.question(field)
        assert question is not None
        return question.options

    assert options("q.likert")[0] == ("1", "非常不满意")
    assert options("q.agree")[4] == ("5", "非常同意")
    assert options("q.rating") == (
        ("1", "很差"),
        ("2", "2"),
        ("3", "3"),
        ("4", "4"),
        ("5", "5"),
        ("6", "6"),
        ("7", "很好"),
    )
    assert len(options("q.nps")) == 11
    assert options("q.nps")[0] == ("0", "完全不可能")
    assert options("q.single") == (("a", "甲"), ("b", "乙"), ("c", "丙"))
    assert options("q.note") == ()


def test_question_lookup(sample: Definition, plan3: TrainingPlan) -> None:
    form = expand(sample, plan3)
    assert form.question("nope") is None
    assert form.question("m") is None  # the matrix itself is no field
    why = form.question("q.why")
    assert why is not None
    assert why.show_if is not None
    assert why.help is None


def test_visibility(sample: Definition, plan3: TrainingPlan) -> None:
    form = expand(sample, plan3)
    why = form.question("q.why")
    low = form.question("q.low")
    assert why is not None
    assert low is not None
    assert not is_shown(why, {})
    assert not is_shown(why, {"q.single": "a"})
    assert is_shown(why, {"q.single": "c"})
    assert is_shown(low, {"q.likert": 1})
    assert is_shown(low, {"q.likert": 2})
    assert not is_shown(low, {"q.likert": 3})
    assert not is_shown(low, {"q.likert": True})  # not an integer answer
    assert is_shown(low, {"q.likert": "1"})  # what a form posts counts as the point it names
    assert is_shown(low, {"q.likert": ["2"]})
    assert not is_shown(low, {"q.likert": "01"})  # not a canonical point
    assert not is_shown(low, {"q.likert": ["3"]})
    assert is_shown(why, {"q.single": ["c"]})


def test_page_visibility(satisfaction: Definition) -> None:
    form = expand(satisfaction, None)
    assert form.page_is_visible(0, {})
    assert not form.page_is_visible(99, {})
    assert not form.page_is_visible(-1, {})
