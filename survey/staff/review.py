"""The free-text review: a reviewer publishes or hides each released comment of a class, and
may redact names and phone numbers in it, before the class's base sees anything.

The original wording is kept beside the redacted one only while the review runs, so that a
reviewer can compare and change their mind. Finishing the review of a class overwrites every
redacted original with its redacted text, for good, and makes the published comments visible to
the base (when the class has at least k responses).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from anonymity.models import Comment, Response
from survey.db.engine import Database
from survey.db.scrub import forget_deleted
from survey.errors import UserError
from survey.instruments.store import class_definitions
from survey.programme.models import Project, TrainingClass
from survey.roster.models import Trainee
from survey.staff.access import Principal, require_ministry
from survey.staff.audit import record
from survey.staff.models import CommentReview

#: What replaces a redacted name or number.
MASK = "［已隐去］"
#: Longest comment after redaction (a released comment is never longer than its item allows).
MAX_TEXT = 5000
# Mainland mobiles, also written with spaces or hyphens, and landlines with an area code.
_PHONE = re.compile(
    r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?!\d)|(?<!\d)0\d{2,3}-\d{7,8}(?!\d)"
)


@dataclass(frozen=True)
class CommentView:
    """A comment as the reviewer sees it."""

    id: uuid.UUID
    question: str
    text: str
    redacted: str | None
    status: str
    #: The text with phone numbers and the class's trainee names masked, when that differs.
    suggestion: str | None


@dataclass(frozen=True)
class ReviewState:
    """Where the review of one closed class stands."""

    class_id: int
    name: str
    project_seq: int
    base: str
    pending: int
    published: int
    hidden: int
    finished_at: datetime | None
    finished_by: str | None

    @property
    def total(self) -> int:
        """Comments of the class."""
        return self.pending + self.published + self.hidden


def suggest_redaction(text: str, names: Iterable[str]) -> str:
    """``text`` with phone numbers and any of ``names`` (two characters or more) masked."""
    masked = _PHONE.sub(MASK, text)
    for name in sorted({n for n in names if len(n) >= 2}, key=len, reverse=True):
        masked = masked.replace(name, MASK)
    return masked


def _states(
    session: Session, class_ids: Sequence[int] | None, programme_id: int
) -> list[ReviewState]:
    counts = select(Comment.class_id, Comment.status, func.count()).group_by(
        Comment.class_id, Comment.status
    )
    tally: dict[int, dict[str, int]] = {}
    for class_id, status, n in session.execute(counts):
        tally.setdefault(class_id, {})[status] = n
    query = (
        select(TrainingClass, Project, CommentReview)
        .join(Project, TrainingClass.project_id == Project.id)
        .outerjoin(CommentReview, CommentReview.class_id == TrainingClass.id)
        .where(Project.programme_id == programme_id, TrainingClass.state == "closed")
        .order_by(Project.seq, TrainingClass.id)
    )
    if class_ids is not None:
        query = query.where(TrainingClass.id.in_(list(class_ids)))
    states = []
    for training_class, project, review in session.execute(query):
        counts_of = tally.get(training_class.id, {})
        states.append(
            ReviewState(
                class_id=training_class.id,
                name=training_class.name,
                project_seq=project.seq,
                base=project.base.name,
                pending=counts_of.get("pending", 0),
                published=counts_of.get("published", 0),
                hidden=counts_of.get("hidden", 0),
                finished_at=review.finished_at if review else None,
                finished_by=review.user_name if review else None,
            )
        )
    return states


def review_states(session: Session, programme_id: int) -> list[ReviewState]:
    """The review of every closed class of the programme."""
    return _states(session, None, programme_id)


def review_state(session: Session, class_id: int) -> ReviewState | None:
    """The review of one class, or None while the class is not closed."""
    training_class = session.get(TrainingClass, class_id)
    if training_class is None:
        return None
    found = _states(session, [class_id], training_class.project.programme_id)
    return found[0] if found else None


def class_comments(session: Session, class_id: int) -> list[CommentView]:
    """The comments of a class for the reviewer, ordered by question, then text."""
    labels: dict[tuple[str, str], str] = {}
    for definition in class_definitions(session, class_id):
        for item in definition.items():
            labels[(definition.version, item.id)] = f"{definition.title}：{item.text}"
    names = [
        n
        for n in session.scalars(
            select(Trainee.name).where(Trainee.class_id == class_id, Trainee.name.is_not(None))
        )
        if n
    ]
    views = []
    for comment in session.scalars(select(Comment).where(Comment.class_id == class_id)):
        shown = comment.redacted_text if comment.redacted_text is not None else comment.text
        suggestion = suggest_redaction(shown, names)
        views.append(
            CommentView(
                id=comment.id,
                question=labels.get((comment.questionnaire_version, comment.field), comment.field),
                text=comment.text,
                redacted=comment.redacted_text,
                status=comment.status,
                suggestion=suggestion if suggestion != shown else None,
            )
        )
    # Sorted by content, never by storage order: the comments were shuffled at release.
    views.sort(key=lambda v: (v.question, v.text))
    return views


def _open_review(session: Session, class_id: int) -> TrainingClass:
    training_class = session.get(TrainingClass, class_id)
    if training_class is None:
        raise UserError(f"培训班 {class_id} 不存在")
    if training_class.state != "closed":
        raise UserError("问卷关闭后才有文字意见可审核")
    if session.get(CommentReview, class_id) is not None:
        raise UserError(f"{training_class.name} 的文字意见审核已经结束，不能再修改")
    return training_class


def decide(
    db: Database,
    principal: Principal,
    class_id: int,
    comment_id: uuid.UUID,
    status: str,
    redacted: str | None,
    now: datetime,
) -> None:
    """Publish or hide one comment, optionally with a redacted text shown instead of it."""
    require_ministry(principal)
    if status not in ("published", "hidden"):
        raise UserError("请选择“发布”或“隐藏”")
    cleaned = (redacted or "").strip()
    if len(cleaned) > MAX_TEXT:
        raise UserError(f"修改后的文字太长：最多 {MAX_TEXT} 字")
    with db.write() as session:
        training_class = _open_review(session, class_id)
        comment = session.get(Comment, comment_id)
        if comment is None or comment.class_id != class_id:
            raise UserError("没有找到这条文字意见")
        new_text = cleaned if cleaned and cleaned != comment.text.strip() else None
        if status == "published" and redacted is not None and not cleaned:
            raise UserError("修改后的文字不能为空；不想展示这条意见请选择“隐藏”")
        comment.status = status
        comment.redacted_text = new_text
        action = "comment_publish" if status == "published" else "comment_hide"
        note = "（已隐去部分内容）" if new_text is not None else ""
        record(
            session,
            principal,
            action,
            f"class:{class_id}",
            f"{training_class.name}：1 条{note}",
            now,
        )


def finish(db: Database, principal: Principal, class_id: int, now: datetime) -> int:
    """End the review of a class: redactions become final and the originals are overwritten.

    Refused while a comment is still pending. Returns the number of published comments.
    """
    require_ministry(principal)
    with db.write() as session:
        training_class = _open_review(session, class_id)
        pending = session.scalar(
            select(func.count())
            .select_from(Comment)
            .where(Comment.class_id == class_id, Comment.status == "pending")
        )
        if pending:
            raise UserError(f"还有 {pending} 条文字意见没有审核，请逐条选择“发布”或“隐藏”")
        # The redacted wording replaces the original for good; nobody can read it afterwards.
        session.execute(
            update(Comment)
            .where(Comment.class_id == class_id, Comment.redacted_text.is_not(None))
            .values(text=Comment.redacted_text, redacted_text=None)
        )
        published = (
            session.scalar(
                select(func.count())
                .select_from(Comment)
                .where(Comment.class_id == class_id, Comment.status == "published")
            )
            or 0
        )
        session.add(CommentReview(class_id=class_id, finished_at=now, user_name=principal.name))
        record(
            session,
            principal,
            "review_finish",
            f"class:{class_id}",
            f"{training_class.name}：发布 {published} 条",
            now,
        )
    # The originals now live only in old row versions: overwrite those too.
    forget_deleted(db, (Comment,), full=True)
    return published


def respondents(session: Session, class_id: int) -> int:
    """Released responses of a class: the largest count over its questionnaires (every
    respondent answers each questionnaire once)."""
    counts = session.scalars(
        select(func.count())
        .select_from(Response)
        .where(Response.class_id == class_id)
        .group_by(Response.questionnaire_version)
    )
    return max(counts, default=0)


def published_comments(
    session: Session, class_id: int, k: int, version: str | None = None
) -> list[str] | None:
    """The published comments a base may read, or None while it may read none: before the
    review of the class has ended, or when the class has fewer than ``k`` responses."""
    if session.get(CommentReview, class_id) is None:
        return None
    if respondents(session, class_id) < k:
        return None
    query = select(Comment.text).where(Comment.class_id == class_id, Comment.status == "published")
    if version is not None:
        query = query.where(Comment.questionnaire_version == version)
    # Sorted by content: storage order was shuffled at release and must stay meaningless.
    return sorted(session.scalars(query))
