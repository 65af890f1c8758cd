"""Which open classes have passed their deadline: the question asked before every CLI command.

Kept apart from :mod:`survey.windows`, which closes them: asking needs only the class table,
while closing loads the release machinery (cryptography, questionnaire definitions), a tenth
of a second that a quick command should pay only when a class is actually due.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.programme.models import TrainingClass


def due_classes(session: Session, now: datetime) -> list[int]:
    """The ids of the open classes whose deadline is ``now`` or earlier."""
    return list(
        session.scalars(
            select(TrainingClass.id).where(
                TrainingClass.state == "open",
                TrainingClass.closes_at.is_not(None),
                TrainingClass.closes_at <= now,
            )
        )
    )
