"""Opening, extending and closing survey windows from the staff pages and the API, audited.

The work itself is :mod:`survey.windows` (the same as ``survey class open/close``); this module
adds who may do it and the audit entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from survey.db.engine import Database
from survey.errors import UserError
from survey.programme.models import Project, TrainingClass
from survey.staff.access import Principal, require_ministry
from survey.staff.audit import audit
from survey.timezone import format_local
from survey.windows import close_class, open_class


@dataclass(frozen=True)
class WindowChange:
    """What happened to one class, in a sentence for the person who asked."""

    class_id: int
    name: str
    message: str


def open_classes(
    db: Database,
    principal: Principal,
    class_ids: Sequence[int],
    until: datetime | None,
    now: datetime,
) -> list[WindowChange]:
    """Open pending classes, or move the deadline of open ones, until ``until`` (None: no
    deadline). Closed classes are skipped with a message; nothing is half done per class."""
    require_ministry(principal)
    changes: list[WindowChange] = []
    for class_id in class_ids:
        with db.read() as session:
            training_class = session.get(TrainingClass, class_id)
            if training_class is None:
                raise UserError(f"培训班 {class_id} 不存在")
            name, state = training_class.name, training_class.state
        if state == "closed":
            changes.append(WindowChange(class_id, name, "已关闭，不能重新开放"))
            continue
        opened = open_class(db, class_id, until, now)
        deadline = format_local(opened.closes_at) if opened.closes_at else "未设截止时间"
        action = "class_open" if state == "pending" else "class_extend"
        verb = "已开放" if state == "pending" else "截止时间已改为"
        message = f"{verb}，截止 {deadline}" if state == "pending" else f"{verb} {deadline}"
        audit(db, principal, action, f"class:{class_id}", f"{name}：截止 {deadline}", now)
        changes.append(WindowChange(class_id, name, message))
    return changes


def close_classes(
    db: Database,
    secret: bytes,
    principal: Principal,
    class_ids: Sequence[int],
    now: datetime,
    today: date,
    *,
    k: int,
) -> list[WindowChange]:
    """Close classes and release their answers as anonymous responses (irreversible); a
    questionnaire with fewer than ``k`` answer sets in a class releases nothing."""
    require_ministry(principal)
    changes: list[WindowChange] = []
    for class_id in class_ids:
        with db.read() as session:
            training_class = session.get(TrainingClass, class_id)
            if training_class is None:
                raise UserError(f"培训班 {class_id} 不存在")
            name, state = training_class.name, training_class.state
        if state == "closed":
            changes.append(WindowChange(class_id, name, "早已关闭"))
            continue
        closed = close_class(db, secret, class_id, today, k=k)
        audit(
            db, principal, "class_close", f"class:{class_id}", f"{name}：{closed.summary(k)}", now
        )
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
