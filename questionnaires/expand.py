"""Expansion of a definition over a class's training plan into concrete pages and questions.

This is what the trainee pages render and what validation checks: every question has its
form field name, which is also its id in reports. A matrix becomes one question per course
and sub-item, named `<matrix id>.<course id>.<sub-item id>` (e.g. `teaching.c03.delivery`),
with the course name and teacher in the question text. A matrix over an empty or absent plan
yields no questions, and a page left without questions is dropped, so page indices always
refer to the expanded form.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from questionnaires.model import SCALE_TYPES, Condition, Definition, Item, ItemType, PageDef
from questionnaires.plan import Course, TrainingPlan


@dataclass(frozen=True)
class Question:
    """One concrete question: a top-level item, or a matrix sub-item for one course."""

    field: str  # form field name and report id
    item: Item  # the definition item (for matrix questions: the sub-item)
    text: str  # the question as shown; matrix questions name the course and teacher
    page: int  # index of the expanded page it is on
    course: Course | None = None
    matrix: Item | None = None  # the matrix this question belongs to

    @property
    def type(self) -> ItemType:
        """The item type ("likert5", "single", ...)."""
        return self.item.type

    @property
    def required(self) -> bool:
        """Whether an answer is required when the question is shown."""
        return self.item.required

    @property
    def help(self) -> str | None:
        """The optional help text shown under the question."""
        return self.item.help

    @property
    def show_if(self) -> Condition | None:
        """The condition under which the question is shown (its source is a field name)."""
        return self.item.show_if

    @property
    def options(self) -> tuple[tuple[str, str], ...]:
        """The (value, label) pairs to render as radio buttons or check boxes.

        Scale points without a label of their own are labelled with their number.
        Free-text questions have no options.
        """
        if self.item.type in SCALE_TYPES and self.item.scale is not None:
            scale = self.item.scale
            return tuple((str(v), scale.label(v) or str(v)) for v in scale.points())
        return tuple((choice.value, choice.label) for choice in self.item.choices)


@dataclass(frozen=True)
class Page:
    """One page of the expanded form."""

    index: int
    title: str
    questions: tuple[Question, ...]
    intro: str | None = None
    courses: tuple[Course, ...] = ()  # the courses whose matrix questions are on this page


@dataclass(frozen=True)
class Form:
    """A definition expanded over a training plan. Build it with `expand`."""

    definition: Definition
    plan: TrainingPlan
    pages: tuple[Page, ...]
    questions: tuple[Question, ...] = field(init=False)
    _by_field: dict[str, Question] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        questions = tuple(q for page in self.pages for q in page.questions)
        # frozen dataclass: derived attributes are set once here, never changed afterwards.
        object.__setattr__(self, "questions", questions)
        object.__setattr__(self, "_by_field", {q.field: q for q in questions})

    @property
    def fields(self) -> tuple[str, ...]:
        """All field names, in the order the questions are asked."""
        return tuple(q.field for q in self.questions)

    def question(self, field_name: str) -> Question | None:
        """The question with this field name, or None."""
        return self._by_field.get(field_name)

    def page_is_visible(self, index: int, answers: Mapping[str, object]) -> bool:
        """Whether a page has a question to show, given the answers so far.

        A page whose questions are all follow-ups of unmet conditions can be skipped.
        """
        if not 0 <= index < len(self.pages):
            return False
        return any(is_shown(q, answers) for q in self.pages[index].questions)


def is_shown(question: Question, answers: Mapping[str, object]) -> bool:
    """Whether a question is shown, given the (validated) answers to earlier questions."""
    condition = question.show_if
    return condition is None or condition.holds(answers.get(condition.item))


def expand(definition: Definition, plan: TrainingPlan | None) -> Form:
    """Expand `definition` over `plan` into pages of concrete questions.

    Without a plan (or with a plan without courses) a matrix has no questions.
    A matrix with `courses_per_page` is split over as many pages as needed.
    """
    plan = plan if plan is not None else TrainingPlan()
    pages: list[Page] = []
    for page_def in definition.pages:
        matrix = page_def.items[0] if len(page_def.items) == 1 else None
        if matrix is not None and matrix.type == "matrix" and matrix.courses_per_page:
            pages.extend(_paged_matrix(page_def, matrix, plan.courses, len(pages)))
            continue
        index = len(pages)
        questions: list[Question] = []
        courses: list[Course] = []
        for item in page_def.items:
            if item.type == "matrix":
                questions.extend(_matrix_questions(item, plan.courses, index))
                courses.extend(plan.courses)
            else:
                questions.append(Question(item.id, item, item.text, index))
        if questions:
            pages.append(
                Page(index, page_def.title, tuple(questions), page_def.intro, tuple(courses))
            )
    return Form(definition, plan, tuple(pages))


def _paged_matrix(
    page_def: PageDef, matrix: Item, courses: tuple[Course, ...], first_index: int
) -> list[Page]:
    assert matrix.courses_per_page is not None
    size = matrix.courses_per_page
    groups = [courses[start : start + size] for start in range(0, len(courses), size)]
    pages: list[Page] = []
    for number, group in enumerate(groups, start=1):
        index = first_index + len(pages)
        title = (
            page_def.title if len(groups) == 1 else f"{page_def.title}（{number}/{len(groups)}）"
        )
        pages.append(
            Page(
                index,
                title,
                tuple(_matrix_questions(matrix, group, index)),
                page_def.intro if number == 1 else None,
                group,
            )
        )
    return pages


def _matrix_questions(matrix: Item, courses: tuple[Course, ...], page: int) -> list[Question]:
    return [
        Question(
            field=f"{matrix.id}.{course.id}.{sub.id}",
            item=sub,
            text=f"{course.name}（{course.teacher}）：{sub.text}",
            page=page,
            course=course,
            matrix=matrix,
        )
        for course in courses
        for sub in matrix.items
    ]
