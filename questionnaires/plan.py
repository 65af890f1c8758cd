"""Training plans: a class's courses and teachers.

A plan feeds the teaching-evaluation matrix (one set of questions per course) and the share of
practical hours the notice requires (实践性课程占比原则上不少于50%). The file a base hands over
is read by :mod:`survey.instruments.plan_file`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

CourseKind: TypeAlias = Literal["theory", "practice"]

#: The share of practical hours the notice asks for (教师司函〔2024〕16号, 四（三）).
PRACTICAL_SHARE_REQUIRED = 0.5


@dataclass(frozen=True)
class Course:
    """One course of a class's training plan."""

    id: str  # "c01", "c02", ... in file order; used in field names ("teaching.c03.delivery")
    name: str  # 课程名称
    teacher: str  # 授课教师
    kind: CourseKind  # 课程类型 理论 / 实践
    hours: float  # 学时


@dataclass(frozen=True)
class TrainingPlan:
    """The courses of one training class, in the order of the plan."""

    courses: tuple[Course, ...] = ()

    def practical_share(self) -> float | None:
        """Practical hours / all hours; None when the plan has no hours at all."""
        total = sum(course.hours for course in self.courses)
        if total <= 0:
            return None
        practical = sum(course.hours for course in self.courses if course.kind == "practice")
        return practical / total

    def course(self, course_id: str) -> Course | None:
        """The course with this id, or None."""
        for course in self.courses:
            if course.id == course_id:
                return course
        return None
