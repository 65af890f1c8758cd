"""Binding questionnaires and plans to classes, and reading them back.

A class binds the versions of its questionnaires when it first opens, storing each version's
text; later edits of a definition make new versions for later classes and never change what an
open or closed class asked. The training plan is fixed from the same moment: the matrix field
``teaching.c03.delivery`` must mean the same course for every response of a class.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from questionnaires.expand import expand
from questionnaires.loader import BUILTIN_NAMES, builtin_text, load_builtin, parse_definition
from questionnaires.model import Definition
from questionnaires.plan import Course, TrainingPlan
from questionnaires.timing import answering_minutes
from survey.errors import UserError
from survey.instruments.models import ClassInstrument, PlanCourse, QuestionnaireVersion
from survey.programme.models import TrainingClass


@functools.lru_cache(maxsize=64)
def _parse(version: str, text: str) -> Definition:
    # Keyed by version too: two texts with one version are the same definition.
    return parse_definition(text, f"{version[:12]}.toml")


def builtin_definitions() -> list[tuple[Definition, str]]:
    """The shipped instruments with their texts, in the order trainees answer them."""
    return [(load_builtin(name), builtin_text(name)) for name in BUILTIN_NAMES]


def bind_instruments(
    session: Session, class_id: int, definitions: Sequence[tuple[Definition, str]] | None = None
) -> list[Definition]:
    """Bind ``definitions`` (default: the built-ins) to a class that has none yet.

    Returns the class's definitions, bound now or before.
    """
    bound = class_definitions(session, class_id)
    if bound:
        return bound
    chosen = list(definitions) if definitions is not None else builtin_definitions()
    for definition, text in chosen:
        if session.get(QuestionnaireVersion, definition.version) is None:
            session.add(
                QuestionnaireVersion(
                    version=definition.version,
                    key=definition.key,
                    title=definition.title,
                    text=text,
                )
            )
    session.flush()
    for position, (definition, _) in enumerate(chosen):
        session.add(
            ClassInstrument(class_id=class_id, version=definition.version, position=position)
        )
    session.flush()
    return [d for d, _ in chosen]


def class_definitions(session: Session, class_id: int) -> list[Definition]:
    """The definitions a class asks, in order; empty before the class first opens."""
    rows = session.execute(
        select(QuestionnaireVersion.version, QuestionnaireVersion.text)
        .join(ClassInstrument, ClassInstrument.version == QuestionnaireVersion.version)
        .where(ClassInstrument.class_id == class_id)
        .order_by(ClassInstrument.position)
    ).all()
    return [_parse(version, text) for version, text in rows]


def definitions_for(session: Session, class_id: int) -> list[Definition]:
    """What a class asks: its bound definitions, or the built-ins it would bind on opening."""
    return class_definitions(session, class_id) or [d for d, _ in builtin_definitions()]


def class_minutes(session: Session, class_id: int) -> int:
    """The answering time of a class, as its welcome page, slips and messages quote it."""
    plan = class_plan(session, class_id)
    return answering_minutes([expand(d, plan) for d in definitions_for(session, class_id)])


def class_plan(session: Session, class_id: int) -> TrainingPlan:
    """The training plan of a class (possibly empty)."""
    courses = session.scalars(
        select(PlanCourse).where(PlanCourse.class_id == class_id).order_by(PlanCourse.position)
    )
    return TrainingPlan(
        courses=tuple(
            Course(
                id=c.code,
                name=c.name,
                teacher=c.teacher,
                kind="practice" if c.kind == "practice" else "theory",
                hours=c.hours,
            )
            for c in courses
        )
    )


def replace_plan(session: Session, class_id: int, plan: TrainingPlan) -> int:
    """Store ``plan`` as the class's plan; refused once the class has opened."""
    training_class = session.get(TrainingClass, class_id)
    if training_class is None:
        raise UserError(f"培训班 {class_id} 不存在")
    if training_class.state != "pending":
        raise UserError(
            f"{training_class.name} 的问卷已经开放过，培训方案已冻结，不能再更改"
            "（否则评教题目会与已收到的答卷对不上）"
        )
    session.execute(delete(PlanCourse).where(PlanCourse.class_id == class_id))
    for position, course in enumerate(plan.courses):
        session.add(
            PlanCourse(
                class_id=class_id,
                code=course.id,
                name=course.name,
                teacher=course.teacher,
                kind=course.kind,
                hours=course.hours,
                position=position,
            )
        )
    return len(plan.courses)
