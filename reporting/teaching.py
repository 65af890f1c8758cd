"""The 评教 matrix of one class: figures per course and per teacher, and their small-cell rules.

Courses nest in teachers, teachers in the class; each is a figure of its own, shown when it has
answers left after the small-cell rule (:mod:`reporting.suppression`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from questionnaires.plan import Course, TrainingPlan
from questionnaires.scoring import ScoredItem
from reporting.model import CourseFigures, ItemFigures, TeacherFigures, TeachingFigures
from reporting.scores import ClassScores, row_mean
from reporting.stats.descriptive import Moments, bounded_interval
from reporting.suppression import Cell, Suppression

__all__ = [
    "MatrixLayout",
    "course_suppression",
    "matrix_layout",
    "teaching_cells",
    "teaching_figures",
]


@dataclass(frozen=True)
class MatrixLayout:
    """The matrix items of one class grouped by course (in plan order) and by teacher."""

    courses: tuple[str, ...]
    columns: dict[str, list[int]]
    items: dict[str, tuple[ScoredItem, ...]]
    plan_courses: dict[str, Course]
    teachers: dict[str, tuple[str, ...]]


def matrix_layout(scores: ClassScores, plan: TrainingPlan | None) -> MatrixLayout | None:
    """How the class's matrix items fall into courses and teachers; None without matrix items."""
    columns: dict[str, list[int]] = {}
    items: dict[str, list[ScoredItem]] = {}
    for j, item in enumerate(scores.items):
        if item.course is not None:
            columns.setdefault(item.course, []).append(j)
            items.setdefault(item.course, []).append(item)
    if not columns:
        return None
    plan_courses = {course.id: course for course in plan.courses} if plan else {}
    order = [c.id for c in plan.courses if c.id in columns] if plan else []
    order += [course for course in columns if course not in order]
    teachers: dict[str, list[str]] = {}
    for course in order:
        if course in plan_courses:
            teachers.setdefault(plan_courses[course].teacher, []).append(course)
    return MatrixLayout(
        tuple(order),
        columns,
        {course: tuple(found) for course, found in items.items()},
        plan_courses,
        {teacher: tuple(courses) for teacher, courses in teachers.items()},
    )


def _course_cell(class_cell: str, course: str) -> str:
    return f"{class_cell}\x1fcourse\x1f{course}"


def _teacher_cell(class_cell: str, teacher: str) -> str:
    return f"{class_cell}\x1fteacher\x1f{teacher}"


def _respondents(scores: ClassScores, columns: list[int]) -> int:
    return int((~np.isnan(scores.raw[:, columns])).any(axis=1).sum())


def teaching_cells(scores: ClassScores, layout: MatrixLayout, class_cell: str) -> list[Cell]:
    """Cells for the small-cell rules: the class's matrix, each teacher and each course, counted
    in respondents."""
    all_columns = [j for course in layout.courses for j in layout.columns[course]]
    cells = [Cell(class_cell, _respondents(scores, all_columns))]
    for teacher, courses in layout.teachers.items():
        columns = [j for course in courses for j in layout.columns[course]]
        cells.append(Cell(_teacher_cell(class_cell, teacher), _respondents(scores, columns)))
    cells.extend(
        Cell(_course_cell(class_cell, course), _respondents(scores, layout.columns[course]))
        for course in layout.courses
    )
    return cells


def course_suppression(
    hidden: Mapping[str, Suppression], class_cell: str, course: str
) -> Suppression | None:
    """The suppression of a course cell in the result of :func:`teaching_cells`."""
    return hidden.get(_course_cell(class_cell, course))


def _scale(scores: ClassScores, columns: list[int]) -> tuple[int, int]:
    items = [scores.items[j] for j in columns]
    return min(i.minimum for i in items), max(i.maximum for i in items)


def teaching_figures(
    scores: ClassScores,
    layout: MatrixLayout,
    class_cell: str,
    hidden: Mapping[str, Suppression],
    item_figures: Callable[[ScoredItem], ItemFigures],
    level: float,
) -> TeachingFigures:
    """Per-course and per-teacher figures of a class, with the suppression found in ``hidden``.

    ``item_figures`` gives the figures of one course field (the caller applies the item-level
    rules to them).
    """
    courses = []
    for course in layout.courses:
        suppression = hidden.get(_course_cell(class_cell, course))
        columns = layout.columns[course]
        info = layout.plan_courses.get(course)
        per_response = row_mean(scores.scored[:, columns])
        moments = Moments.of(per_response)
        low, high = _scale(scores, columns)
        courses.append(
            CourseFigures(
                course=course,
                name=info.name if info else course,
                teacher=info.teacher if info else "",
                kind=info.kind if info else None,
                hours=info.hours if info else None,
                respondents=None if suppression else moments.n,
                suppression=suppression,
                score=(
                    None
                    if suppression or moments.n == 0
                    else bounded_interval(moments, low, high, level)
                ),
                items=tuple(item_figures(item) for item in layout.items[course]),
            )
        )
    teachers = []
    for teacher, taught in layout.teachers.items():
        suppression = hidden.get(_teacher_cell(class_cell, teacher))
        columns = [j for course in taught for j in layout.columns[course]]
        moments = Moments.of(row_mean(scores.scored[:, columns]))
        low, high = _scale(scores, columns)
        teachers.append(
            TeacherFigures(
                teacher=teacher,
                courses=taught,
                respondents=None if suppression else moments.n,
                suppression=suppression,
                score=(
                    None
                    if suppression or moments.n == 0
                    else bounded_interval(moments, low, high, level)
                ),
            )
        )
    return TeachingFigures(tuple(courses), tuple(teachers))
