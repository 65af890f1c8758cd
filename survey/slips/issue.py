"""Issuing tokens for a set of roster entries and turning them into slips.

The service never stores a token, so it cannot show one again: every export issues fresh
tokens, and the old ones die. Slips exist only in the file the caller writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from anonymity.issuing import issue_tokens
from anonymity.keys import derive_keys
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


def outstanding(session: Session, class_ids: Sequence[int]) -> list[int]:
    """Roster entries of these classes that have not responded (and still have a name)."""
    return list(
        session.scalars(
            select(Trainee.id)
            .where(
                Trainee.class_id.in_(class_ids),
                Trainee.responded.is_(False),
                Trainee.name.is_not(None),
            )
            .order_by(Trainee.id)
        )
    )


def link_for(public_url: str, secret: bytes, token: str) -> str:
    """The signed link a trainee opens."""
    return f"{public_url}/t/{sign_link(derive_keys(secret).link_signing, token)}"


def issue_slips(
    db: Database, secret: bytes, public_url: str, trainee_ids: Sequence[int]
) -> list[Slip]:
    """Issue fresh tokens to ``trainee_ids`` (old ones die) and return their slips."""
    tokens = issue_tokens(db, secret, trainee_ids)
    with db.read() as session:
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
