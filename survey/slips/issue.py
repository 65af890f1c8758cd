"""Turning the live tokens of a set of roster entries into slips.

A live token is kept sealed (``anonymity.issuing``), so a slip, an SMS list or a reminder made
twice carries the same link and code: only a replacement (补发) gives a trainee a new one.
Who may receive slips is decided in :mod:`survey.services.credentials`, never here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from anonymity.issuing import issue_tokens_in
from anonymity.keys import derive_keys
from anonymity.retry import retryable
from anonymity.tokens import format_code, sign_link
from survey.db.engine import Database
from survey.instruments.store import class_minutes
from survey.programme.models import Project, TrainingClass
from survey.roster.models import Trainee


@dataclass(frozen=True)
class Slip:
    """One trainee's way in: who it is for, the link and the code."""

    project_seq: int
    project: str
    base: str
    name: str
    mobile: str
    link: str
    code: str
    minutes: int  # the answering time the slip and messages quote (questionnaires.timing)


def outstanding(
    session: Session, class_ids: Sequence[int], province_id: int | None = None
) -> list[int]:
    """Roster entries of these classes (of one province, if given) that have not responded
    (and still have a name)."""
    query = (
        select(Trainee.id)
        .where(
            Trainee.class_id.in_(class_ids),
            Trainee.responded.is_(False),
            Trainee.name.is_not(None),
        )
        .order_by(Trainee.id)
    )
    if province_id is not None:
        query = query.where(Trainee.province_id == province_id)
    return list(session.scalars(query))


def link_for(public_url: str, secret: bytes, token: str) -> str:
    """The signed link a trainee opens."""
    return f"{public_url}/t/{sign_link(derive_keys(secret).link_signing, token)}"


def slips_in(
    session: Session,
    secret: bytes,
    public_url: str,
    trainee_ids: Sequence[int],
    *,
    replace: bool = False,
) -> list[Slip]:
    """The slips of ``trainee_ids`` in the caller's transaction: their live links (issued now
    for those without one), or with ``replace`` fresh links that kill the old ones."""
    tokens = issue_tokens_in(session, secret, trainee_ids, replace=replace)
    rows = session.execute(
        select(Trainee, Project)
        .join(TrainingClass, Trainee.class_id == TrainingClass.id)
        .join(Project, TrainingClass.project_id == Project.id)
        .where(Trainee.id.in_(list(tokens)))
        .order_by(Project.seq, Trainee.id)
    ).all()
    minutes = {c: class_minutes(session, c) for c in {t.class_id for t, _ in rows}}
    return [
        Slip(
            project_seq=project.seq,
            project=project.name,
            base=project.base.name,
            name=trainee.name or "",
            mobile=trainee.mobile or "",
            link=link_for(public_url, secret, tokens[trainee.id]),
            code=format_code(tokens[trainee.id]),
            minutes=minutes[trainee.class_id],
        )
        for trainee, project in rows
    ]


def issue_slips(
    db: Database,
    secret: bytes,
    public_url: str,
    trainee_ids: Sequence[int],
    *,
    replace: bool = False,
) -> list[Slip]:
    """:func:`slips_in` in a write transaction of its own, unaudited: for the demo and tests.
    Staff actions go through :mod:`survey.services.credentials`, which audits them."""
    with retryable(), db.write() as session:
        return slips_in(session, secret, public_url, trainee_ids, replace=replace)
