"""Links, codes and slips: who may hold them, and every act on them, audited in its transaction.

Credentials travel only from parties the evaluation does not judge. The ministry exports and
prints the links of every class; a province those of its own trainees. A base (the party being
judged) sees counts and may *ask* for a reminder, which waits on the ministry's and the
province's pages as a ready-to-send export; it never receives a link, a code or a QR image.
The one exception is the ministry's per-class switch "由承训基地发放纸条" for classrooms where
paper is the only way: while it is on, the base may print that class's slips, and the class's
results say for good that the base held them.

A live token is kept sealed (``anonymity.issuing``), so every export of a class carries the
same links and codes; only :func:`replace_link` (补发, a lost slip) kills a link.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from anonymity.issuing import issue_tokens_in
from anonymity.retry import retryable
from survey.db.engine import Database
from survey.errors import UserError
from survey.programme.models import Province, TrainingClass
from survey.roster.cells import parse_mobile
from survey.roster.models import Trainee
from survey.slips.issue import Slip, outstanding, slips_in
from survey.staff.access import AccessDenied, Principal, require_base
from survey.staff.audit import Actor, record, require_ministry_actor
from survey.staff.models import ReminderRequest
from survey.timezone import format_local

#: What an export is for, with the action code its audit entry gets.
EXPORTS = {"html": "slips_print", "csv": "slips_csv", "reminders": "reminder_export"}


class UnknownClassError(UserError):
    """The class does not exist (the web answers 404)."""


class ReplaceRefusedError(UserError):
    """A replacement that cannot be made, with the HTTP status the web page answers with."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Export:
    """The slips of one class for one actor, with what a page or a file names them by."""

    class_id: int
    name: str
    project_seq: int
    #: The class's deadline in Beijing time, or "—".
    deadline: str
    #: The province the slips are limited to (a province's own export), or None for all.
    province: str | None
    slips: list[Slip]


@dataclass(frozen=True)
class PendingRequest:
    """A base's reminder request waiting for the ministry or a province to send it."""

    id: int
    class_id: int
    class_name: str
    project_seq: int
    base: str
    requested_at: datetime
    requested_by: str
    outstanding: int


def may_print(actor: Actor, training_class: TrainingClass) -> bool:
    """Whether ``actor`` may print the class's slips (the ministry, a province for its own
    trainees, the command line, and the class's base only while the paper switch is on)."""
    return may_send(actor) or (
        isinstance(actor, Principal)
        and actor.role == "base"
        and actor.base_id == training_class.project.base_id
        and training_class.base_slips
    )


def may_send(actor: Actor) -> bool:
    """Whether ``actor`` may receive links at all, for sending by SMS (never a base)."""
    return not isinstance(actor, Principal) or actor.role in ("ministry", "province")


def link_scope(session: Session, actor: Actor, class_id: int, *, paper: bool) -> TrainingClass:
    """The class, if ``actor`` may hold its links (for printing, if ``paper``) and it is not
    closed; raises :class:`AccessDenied`, :class:`UnknownClassError` or :class:`UserError`."""
    training_class = session.get(TrainingClass, class_id)
    if training_class is None:
        raise UnknownClassError(f"培训班 {class_id} 不存在")
    allowed = may_print(actor, training_class) if paper else may_send(actor)
    if not allowed:
        raise AccessDenied
    if training_class.state == "closed":
        raise UserError("本班问卷已经关闭，不能再发放问卷链接")
    return training_class


def link_province(actor: Actor) -> int | None:
    """The province an actor's exports are limited to (None: every trainee of the class)."""
    if isinstance(actor, Principal) and actor.role == "province":
        return actor.province_id
    return None


def export_links(
    db: Database,
    secret: bytes,
    public_url: str,
    actor: Actor,
    class_id: int,
    purpose: str,
    now: datetime,
) -> Export:
    """The live links of the class's outstanding trainees, for ``purpose`` (a key of
    :data:`EXPORTS`): the same links every time, new ones only for trainees who had none.

    A ministry reminder export marks the class's waiting reminder requests as handled. The
    tokens issued and the audit entry commit together.
    """
    if purpose not in EXPORTS:
        raise UserError("请选择打印纸条、导出短信名单或导出催办名单")
    province_id = link_province(actor)
    with retryable(), db.write() as session:
        training_class = link_scope(session, actor, class_id, paper=purpose == "html")
        ids = outstanding(session, [class_id], province_id)
        if not ids:
            raise UserError("没有需要发放的学员：名单为空，或学员都已提交")
        slips = slips_in(session, secret, public_url, ids)
        province = session.get(Province, province_id) if province_id is not None else None
        if purpose == "reminders" and province is None:
            for request in session.scalars(_waiting(class_id)):
                request.handled_at = now
                request.handled_by = _actor_name(actor)
        scope = f"（{province.name}学员）" if province is not None else ""
        summary = f"{training_class.name}{scope}：{len(slips)} 人"
        record(session, actor, EXPORTS[purpose], f"class:{class_id}", summary, now)
        return Export(
            class_id=class_id,
            name=training_class.name,
            project_seq=training_class.project.seq,
            deadline=format_local(training_class.closes_at),
            province=province.name if province is not None else None,
            slips=slips,
        )


def replace_link(
    db: Database,
    secret: bytes,
    public_url: str,
    actor: Actor,
    mobile: str,
    now: datetime,
    *,
    class_id: int | None = None,
    programme_id: int | None = None,
) -> Slip:
    """Replace the link of the trainee with ``mobile`` (in one class, or anywhere in one
    programme): the old link and code die, with any draft, and a fresh slip is returned."""
    number, problem = parse_mobile(mobile)
    if number is None:
        raise ReplaceRefusedError(f"手机号{problem}", 400)
    with retryable(), db.write() as session:
        query = select(Trainee).where(Trainee.mobile == number)
        if class_id is not None:
            # Refused before the lookup: whether a mobile is on the roster is not for everyone.
            link_scope(session, actor, class_id, paper=True)
            query = query.where(Trainee.class_id == class_id)
        if programme_id is not None:
            query = query.where(Trainee.programme_id == programme_id)
        province_id = link_province(actor)
        if province_id is not None:
            query = query.where(Trainee.province_id == province_id)
        trainee = session.scalar(query)
        if trainee is None:
            raise ReplaceRefusedError(
                "名单中没有这个手机号，请核对（名单由省级单位报送，需项目办导入）", 404
            )
        training_class = link_scope(session, actor, trainee.class_id, paper=True)
        if trainee.responded:
            raise ReplaceRefusedError("该学员已经提交，不需要补发（补发会让同一人提交两次）", 409)
        (slip,) = slips_in(session, secret, public_url, [trainee.id], replace=True)
        record(
            session,
            actor,
            "slip_reissue",
            f"class:{training_class.id}",
            f"{training_class.name}：1 人，旧链接已作废",
            now,
        )
        return slip


def _waiting(class_id: int) -> Select[ReminderRequest]:
    return select(ReminderRequest).where(
        ReminderRequest.class_id == class_id, ReminderRequest.handled_at.is_(None)
    )


def _actor_name(actor: Actor) -> str:
    return actor.name if isinstance(actor, Principal) else actor


def request_reminder(db: Database, actor: Principal, class_id: int, now: datetime) -> bool:
    """A base asks for its class's outstanding trainees to be reminded.

    Returns False when a request of the class is already waiting (nothing is added, so a
    second click changes nothing). The base receives no link: the ministry, or a province
    for its own trainees, sends the reminder from its own export.
    """
    with db.write() as session:
        training_class = session.get(TrainingClass, class_id)
        if training_class is None:
            raise UnknownClassError(f"培训班 {class_id} 不存在")
        # Only a base asks: the ministry and the provinces send reminders themselves.
        if actor.role != "base":
            raise AccessDenied
        require_base(actor, training_class.project.base_id)
        if training_class.state != "open":
            raise UserError("本班问卷未在开放中，不能催办")
        if session.scalar(_waiting(class_id)) is not None:
            return False
        count = len(outstanding(session, [class_id]))
        if not count:
            raise UserError("没有需要催办的学员：学员都已提交")
        session.add(
            ReminderRequest(
                class_id=class_id,
                requested_at=now,
                requested_by=actor.name,
                outstanding=count,
            )
        )
        record(
            session,
            actor,
            "reminder_request",
            f"class:{class_id}",
            f"{training_class.name}：{count} 人未提交",
            now,
        )
        return True


def waiting_request(session: Session, class_id: int) -> datetime | None:
    """When the class's waiting reminder request was made, or None without one."""
    return session.scalar(
        select(func.min(ReminderRequest.requested_at)).where(
            ReminderRequest.class_id == class_id, ReminderRequest.handled_at.is_(None)
        )
    )


def pending_requests(session: Session, province_id: int | None = None) -> list[PendingRequest]:
    """Reminder requests still waiting, oldest first; with ``province_id`` only those of
    classes that have trainees of that province who have not responded."""
    query = (
        select(ReminderRequest, TrainingClass)
        .join(TrainingClass, ReminderRequest.class_id == TrainingClass.id)
        .where(ReminderRequest.handled_at.is_(None), TrainingClass.state == "open")
        .order_by(ReminderRequest.requested_at, ReminderRequest.id)
    )
    if province_id is not None:
        query = query.where(
            TrainingClass.id.in_(
                select(Trainee.class_id).where(
                    Trainee.province_id == province_id, Trainee.responded.is_(False)
                )
            )
        )
    return [
        PendingRequest(
            id=request.id,
            class_id=training_class.id,
            class_name=training_class.name,
            project_seq=training_class.project.seq,
            base=training_class.project.base.name,
            requested_at=request.requested_at,
            requested_by=request.requested_by,
            outstanding=request.outstanding,
        )
        for request, training_class in session.execute(query)
    ]


def set_base_slips(db: Database, actor: Actor, class_id: int, on: bool, now: datetime) -> str:
    """The ministry switches "由承训基地发放纸条" on or off for one class, audited.

    Switching on marks the class's results for good (the base may have held live slips);
    switching off only stops further printing. Returns the class's name.
    """
    require_ministry_actor(actor)
    with db.write() as session:
        training_class = session.get(TrainingClass, class_id)
        if training_class is None:
            raise UnknownClassError(f"培训班 {class_id} 不存在")
        if on and training_class.state == "closed":
            raise UserError("本班问卷已经关闭，不需要再发放纸条")
        if training_class.base_slips == on:
            return training_class.name
        training_class.base_slips = on
        if on:
            training_class.base_held_slips = True
        action = "base_slips_on" if on else "base_slips_off"
        record(session, actor, action, f"class:{class_id}", training_class.name, now)
        return training_class.name


def issue_links(
    db: Database, secret: bytes, actor: Actor, class_ids: list[int], now: datetime
) -> int:
    """Give a live token to every outstanding trainee of these classes who has none (those
    with one keep it), class by class, audited; returns how many trainees hold one now."""
    require_ministry_actor(actor)
    held = 0
    for class_id in class_ids:
        with retryable(), db.write() as session:
            training_class = link_scope(session, actor, class_id, paper=False)
            ids = outstanding(session, [class_id])
            tokens = issue_tokens_in(session, secret, ids)
            summary = f"{training_class.name}：{len(tokens)} 人持有有效令牌"
            record(session, actor, "tokens_issue", f"class:{class_id}", summary, now)
            held += len(tokens)
    return held
