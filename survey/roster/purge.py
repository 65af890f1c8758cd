"""Purging a finished project's roster: the personal fields go, the counts stay.

Response rates need only how many trainees a class had and how many answered, so after a
class has closed and its responses are released, names, employers, departments, majors,
mobiles and notes are set to NULL. The rows stay, with their class, province and responded
flag.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.orm import Session

from survey.db.engine import Database
from survey.db.scrub import forget_deleted
from survey.programme.models import Project, TrainingClass
from survey.programme.selection import select_programme
from survey.roster.errors import PurgeRefusedError, RosterUsageError
from survey.roster.models import Trainee

logger = logging.getLogger(__name__)

_STATES = {"pending": "尚未开始调查", "open": "正在调查"}
# Every column that says who a trainee is; class, province and responded stay for the counts.
_PERSONAL = (
    Trainee.name,
    Trainee.employer,
    Trainee.department,
    Trainee.major,
    Trainee.mobile,
    Trainee.note,
)


@dataclass(frozen=True)
class PurgeResult:
    """What a purge did: the project, its trainees, and how many still had personal data."""

    year: int
    project: int
    base: str
    trainees: int
    cleared: int


def _purgeable(session: Session, seq: int, year: int | None) -> tuple[int, Project, list[int]]:
    """The programme year, the project and its class ids; refuse when not every class is done."""
    programme = select_programme(session, year)
    project = session.scalar(
        select(Project).where(Project.programme_id == programme.id, Project.seq == seq)
    )
    if project is None:
        total = session.scalar(
            select(func.count()).select_from(Project).where(Project.programme_id == programme.id)
        )
        raise RosterUsageError(
            f"{programme.year} 年没有第 {seq} 项：PROJECT 是附件1 的序号（1 至 {total}）"
        )
    classes = list(
        session.scalars(
            select(TrainingClass)
            .where(TrainingClass.project_id == project.id)
            .order_by(TrainingClass.id)
        )
    )
    waiting = [c for c in classes if c.state != "closed" or c.released_on is None]
    if waiting:
        states = "、".join(
            f"“{c.name}”{_STATES.get(c.state, '已结束但结果尚未发布')}" for c in waiting
        )
        raise PurgeRefusedError(
            f"第 {seq} 项还不能清除个人信息：{states}；"
            "须等该项目所有培训班结束调查并发布结果后再清除"
        )
    return programme.year, project, [c.id for c in classes]


def _holding_personal_data() -> ColumnElement[bool]:
    return or_(*(column.is_not(None) for column in _PERSONAL))


def purge_preview(db: Database, seq: int, year: int | None = None) -> PurgeResult:
    """What :func:`purge_project` would do, refused in the same cases; changes nothing."""
    with db.read() as session:
        programme_year, project, class_ids = _purgeable(session, seq, year)
        in_classes = Trainee.class_id.in_(class_ids)
        trainees = session.scalar(select(func.count()).select_from(Trainee).where(in_classes))
        holding = session.scalar(
            select(func.count()).select_from(Trainee).where(in_classes, _holding_personal_data())
        )
        return PurgeResult(programme_year, seq, project.base.name, trainees or 0, holding or 0)


def purge_project(db: Database, seq: int, year: int | None = None) -> PurgeResult:
    """Delete the personal fields of project ``seq``'s trainees, keeping the rows for counts.

    Refused (:class:`PurgeRefusedError`) unless every class of the project is closed and its
    responses released. Running it again clears nothing more.
    """
    with db.write() as session:
        programme_year, project, class_ids = _purgeable(session, seq, year)
        in_classes = Trainee.class_id.in_(class_ids)
        trainees = session.scalar(select(func.count()).select_from(Trainee).where(in_classes))
        holding = _holding_personal_data()
        # Counted inside the write transaction, so it is exactly what the UPDATE changes.
        cleared = session.scalar(
            select(func.count()).select_from(Trainee).where(in_classes, holding)
        )
        session.execute(
            update(Trainee)
            .where(in_classes, holding)
            .values(dict.fromkeys(_PERSONAL))
            .execution_options(synchronize_session=False)
        )
        result = PurgeResult(programme_year, seq, project.base.name, trainees or 0, cleared or 0)
    if result.cleared:
        # The old row versions hold the personal fields in plain text: rewrite, not only free.
        forget_deleted(db, (Trainee,), full=True)
    logger.info(
        "roster purge of project %d: %d of %d entries cleared", seq, result.cleared, result.trainees
    )
    return result
