"""Survey windows: opening and closing classes, and closing them when their time is up.

Closing a class releases its pool (``anonymity.release.release_class``): from then on its
responses exist, shuffled and unlinkable, and nothing more can be submitted. A questionnaire
fewer than k trainees of the class answered releases nothing: its answers are destroyed unread
and the class shows participation only.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from anonymity.release import ReleaseResult, release_class
from questionnaires.scoring import scoring_rules
from survey.db.engine import Database
from survey.deadlines import due_classes
from survey.errors import UserError
from survey.instruments.store import bind_instruments, class_definitions, class_plan
from survey.programme.models import TrainingClass
from survey.staff.audit import record
from survey.staff.rates import Rate, class_rate
from survey.timezone import as_utc


@dataclass(frozen=True)
class Closed:
    """A class that was closed, with what its release produced."""

    class_id: int
    name: str
    #: People: everyone invited, and those who submitted (the summary counts people).
    rate: Rate
    #: Questionnaire sheets released: a person answering two questionnaires gives two.
    responses: int
    #: Answer sets destroyed unread: their questionnaire had fewer than k of them.
    withheld: int
    comments: int

    def summary(self, k: int) -> str:
        """What closing did, in people, and the warning when too few answered to show anything."""
        text = (
            f"回答 {self.rate.responded} / 邀请 {self.rate.invited} 人，"
            f"发布 {self.comments} 条文字意见"
        )
        if self.rate.responded < k:
            text += f"；回答不足 {k} 人，这个班的任何数字都不会显示"
            if self.withheld:
                text += "，答案未经开启即已销毁"
        elif self.withheld:
            text += f"；有问卷回答不足 {k} 人，其答案未经开启即已销毁"
        return text


def open_class(db: Database, class_id: int, until: datetime | None, now: datetime) -> TrainingClass:
    """Open a pending class (or change the deadline of an open one) in a transaction of its own;
    see :func:`open_class_in`."""
    with db.write() as session:
        return open_class_in(session, class_id, until, now)


def open_class_in(
    session: Session, class_id: int, until: datetime | None, now: datetime
) -> TrainingClass:
    """Open a pending class (or change the deadline of an open one) until ``until``, in the
    caller's transaction.

    The first opening binds the class's questionnaire versions and so freezes them and its plan.
    """
    if until is not None and as_utc(until) <= as_utc(now):
        raise UserError("截止时间必须晚于现在")
    training_class = session.get(TrainingClass, class_id)
    if training_class is None:
        raise UserError(f"培训班 {class_id} 不存在")
    if training_class.state == "closed":
        raise UserError(f"{training_class.name} 已经关闭并发布了结果，不能重新开放")
    bind_instruments(session, class_id)
    if training_class.state == "pending":
        training_class.state = "open"
        training_class.opens_at = now
    training_class.closes_at = until
    return training_class


def close_class(
    db: Database,
    secret: bytes,
    class_id: int,
    today: date,
    *,
    k: int,
    before_commit: Callable[[Session, Closed], None] | None = None,
) -> Closed:
    """Close a class and release its pool, in one transaction (idempotent); a questionnaire
    with fewer than ``k`` answer sets releases nothing.

    ``before_commit`` runs inside that transaction with what was released (an audit entry).
    """
    with db.read() as session:
        training_class = session.get(TrainingClass, class_id)
        if training_class is None:
            raise UserError(f"培训班 {class_id} 不存在")
        name = training_class.name
        plan = class_plan(session, class_id)
        definitions = class_definitions(session, class_id)
    text_fields = {f for d in definitions for f in scoring_rules(d, plan).text_items}
    rates: list[Rate] = []

    def closed(result: ReleaseResult) -> Closed:
        return Closed(class_id, name, rates[0], result.responses, result.withheld, result.comments)

    def hook(session: Session, result: ReleaseResult) -> None:
        # Counted inside the release: the class is locked, so nobody responds in between.
        rates.append(class_rate(session, class_id))
        if before_commit is not None:
            before_commit(session, closed(result))

    result = release_class(
        db, secret, class_id, today, text_fields=text_fields, k=k, before_commit=hook
    )
    if not rates:  # already closed and released: the release wrote nothing
        with db.read() as session:
            rates.append(class_rate(session, class_id))
    return closed(result)


#: The actor the audit log names when a class closes itself at its deadline.
DEADLINE_ACTOR = "系统（截止时间已到）"


def close_expired(
    db: Database, secret: bytes, now: datetime, today: date, *, k: int
) -> list[Closed]:
    """Close every open class whose deadline has passed, each audited in its release."""
    with db.read() as session:
        due = due_classes(session, now)

    def audited(session: Session, closed: Closed) -> None:
        summary = f"{closed.name}：截止时间已到，自动关闭，{closed.summary(k)}"
        record(session, DEADLINE_ACTOR, "class_close", f"class:{closed.class_id}", summary, now)

    return [
        close_class(db, secret, class_id, today, k=k, before_commit=audited) for class_id in due
    ]


class ExpiryWatch:
    """Runs :func:`close_expired` at most every ``interval`` seconds per process.

    Every request could check, but one indexed query per request would cost the submit path;
    a deadline honoured within a few seconds is what people expect.
    """

    def __init__(self, k: int, interval: float = 5.0) -> None:
        self.k = k
        self.interval = interval
        self._next = 0.0
        self._lock = threading.Lock()

    def check(self, db: Database, secret: bytes, now: datetime, today: date) -> None:
        """Close expired classes if the last check is older than the interval."""
        with self._lock:
            if time.monotonic() < self._next:
                return
            self._next = time.monotonic() + self.interval
        close_expired(db, secret, now, today, k=self.k)
