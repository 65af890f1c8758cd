"""Opening, extending and closing survey windows, audited in the same transaction.

The work itself is :mod:`survey.windows`; this module adds who may do it and the audit entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.db.engine import Database
from survey.errors import UserError
from survey.programme.models import Project, TrainingClass
from survey.staff.audit import Actor, record, require_ministry_actor
from survey.timezone import format_local
from survey.windows import Closed, close_class, open_class_in


@dataclass(frozen=True)
class WindowChange:
    """What happened to one class, in a sentence for the person who asked."""

    class_id: int
    name: str
    message: str
    #: False when the class was left as it was (already closed).
    done: bool = True


def _name_and_state(db: Database, class_id: int) -> tuple[str, str]:
    with db.read() as session:
        training_class = session.get(TrainingClass, class_id)
        if training_class is None:
            raise UserError(f"培训班 {class_id} 不存在")
        return training_class.name, training_class.state


def open_classes(
    db: Database,
    actor: Actor,
    class_ids: Sequence[int],
    until: datetime | None,
    now: datetime,
) -> list[WindowChange]:
    """Open pending classes, or move the deadline of open ones, until ``until`` (None: no
    deadline). Closed classes are skipped with a message; each class is its own transaction,
    with its audit entry."""
    require_ministry_actor(actor)
    changes: list[WindowChange] = []
    for class_id in class_ids:
        name, state = _name_and_state(db, class_id)
        if state == "closed":
            changes.append(WindowChange(class_id, name, "已关闭，不能重新开放", done=False))
            continue
        with db.write() as session:
            opened = open_class_in(session, class_id, until, now)
            deadline = format_local(opened.closes_at) if opened.closes_at else "未设截止时间"
            action = "class_open" if state == "pending" else "class_extend"
            record(session, actor, action, f"class:{class_id}", f"{name}：截止 {deadline}", now)
        verb = "已开放" if state == "pending" else "截止时间已改为"
        message = f"{verb}，截止 {deadline}" if state == "pending" else f"{verb} {deadline}"
        changes.append(WindowChange(class_id, name, message))
    return changes


def close_classes(
    db: Database,
    secret: bytes,
    actor: Actor,
    class_ids: Sequence[int],
    now: datetime,
    today: date,
    *,
    k: int,
) -> list[WindowChange]:
    """Close classes and release their answers as anonymous responses (irreversible); a
    questionnaire with fewer than ``k`` answer sets in a class releases nothing. The audit
    entry commits with the release."""
    require_ministry_actor(actor)
    changes: list[WindowChange] = []
    for class_id in class_ids:
        name, state = _name_and_state(db, class_id)
        if state == "closed":
            changes.append(WindowChange(class_id, name, "早已关闭", done=False))
            continue

        def audited(session: Session, closed: Closed, class_id: int = class_id) -> None:
            summary = f"{closed.name}：{closed.summary(k)}"
            record(session, actor, "class_close", f"class:{class_id}", summary, now)

        closed = close_class(db, secret, class_id, today, k=k, before_commit=audited)
        changes.append(WindowChange(class_id, name, f"已关闭，{closed.summary(k)}"))
    return changes


def classes_in_state(db: Database, programme_id: int, states: Sequence[str]) -> list[int]:
    """Ids of the programme's classes in one of ``states``."""
    with db.read() as session:
        return list(
            session.scalars(
                select(TrainingClass.id)
                .join(Project, TrainingClass.project_id == Project.id)
                .where(Project.programme_id == programme_id, TrainingClass.state.in_(states))
                .order_by(Project.seq, TrainingClass.id)
            )
        )
