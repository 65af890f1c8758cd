"""Builders shared by the reporting tests: seeded answers for the built-in instruments."""

from __future__ import annotations

import numpy as np

from questionnaires.plan import Course, TrainingPlan
from questionnaires.scoring import ScoringRules
from reporting.inputs import Answer

AnswerSet = dict[str, Answer]


def satisfaction_answers(
    rules: ScoringRules, n: int, rng: np.random.Generator, shift: float = 0.0
) -> list[AnswerSet]:
    """``n`` plausible answer sets: a trainee-level tendency plus item noise, so that items of a
    dimension correlate; optional items sometimes skipped; reversed items answered in reverse."""
    items = [item for dimension in rules.dimensions for item in dimension.items]
    out: list[AnswerSet] = []
    for _ in range(n):
        tendency = rng.normal(4.1 + shift, 0.6)
        answers: AnswerSet = {}
        for item in items:
            if (
                item.field in {"logistics.accommodation", "logistics.catering"}
                and rng.random() < 0.2
            ):
                continue
            value = int(np.clip(np.rint(tendency + rng.normal(0, 0.6)), 1, 5))
            answers[item.field] = 6 - value if item.reverse else value
        answers["recommend"] = int(np.clip(np.rint(tendency * 2 + rng.normal(0, 1.2)), 0, 10))
        overall = answers["overall"]
        if isinstance(overall, int) and overall <= 2:
            answers["dissatisfied"] = ["content", "faculty"][: int(rng.integers(1, 3))]
        answers["suggestions"] = "这段文字绝不能出现在导出文件中"
        out.append(answers)
    return out


PLAN = TrainingPlan(
    (
        Course("c01", "智能制造导论", "王老师", "theory", 8.0),
        Course("c02", "数控编程实训", "李老师", "practice", 16.0),
        Course("c03", "产线调试实训", "李老师", "practice", 12.0),
        Course("c04", "课程思政设计", "赵老师", "theory", 6.0),
    )
)


def teaching_answers(
    rules: ScoringRules, n: int, rng: np.random.Generator, skip: dict[str, int] | None = None
) -> list[AnswerSet]:
    """Matrix answers; ``skip`` maps a course id to how many trainees skipped it entirely."""
    skip = skip or {}
    out: list[AnswerSet] = []
    for row in range(n):
        answers: AnswerSet = {}
        tendency = rng.normal(4.2, 0.5)
        for dimension in rules.dimensions:
            for item in dimension.items:
                if item.course is not None and row < skip.get(item.course, 0):
                    continue
                answers[item.field] = int(np.clip(np.rint(tendency + rng.normal(0, 0.5)), 1, 5))
        out.append(answers)
    return out
