"""Reports from released responses: the database side of ``reporting``.

``reporting`` is pure; this module reads what it needs — released responses (class, version,
answers), the class's scoring rules and plan, invited and responded counts, and the comments a
reviewer published — and builds one report per questionnaire over every closed class of the
programme. Pages and the API then show the slice an account may see: a base its own subtree, the
ministry everything. Building over the whole programme keeps the small-cell suppression the
same whoever looks.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from anonymity.models import Response
from questionnaires.scoring import scoring_rules
from reporting import ClassInput, Report, ReportSettings, build_report
from reporting.wording import QUESTIONNAIRE_LABELS
from survey.db.engine import Database
from survey.instruments.store import class_definitions, class_plan
from survey.programme.models import Project, TrainingClass
from survey.programme.names import class_label
from survey.roster.models import Trainee
from survey.staff.models import CommentReview
from survey.staff.rates import NO_ONE, class_rates
from survey.staff.review import published_comments

#: The questionnaires a report can be about, with their Chinese names, in display order.
QUESTIONNAIRES: dict[str, str] = QUESTIONNAIRE_LABELS
#: The mark a class's name carries in every report, workbook and JSON once the ministry let
#: its base hand out the paper slips (the base may then have held live links).
BASE_SLIPS_MARK = "承训基地发放纸条"
#: Reports kept per process: a report costs up to a second, and pages ask for it often.
CACHE_SIZE = 8


def class_inputs(
    session: Session, programme_id: int, questionnaire: str, k: int
) -> list[ClassInput]:
    """One input per closed class of the programme that asked ``questionnaire``."""
    counts = class_rates(session)
    inputs: list[ClassInput] = []
    closed = session.execute(
        select(TrainingClass, Project)
        .join(Project, TrainingClass.project_id == Project.id)
        .where(Project.programme_id == programme_id, TrainingClass.state == "closed")
        .order_by(Project.seq, TrainingClass.id)
    ).all()
    for training_class, project in closed:
        definition = next(
            (d for d in class_definitions(session, training_class.id) if d.key == questionnaire),
            None,
        )
        if definition is None:
            continue
        plan = class_plan(session, training_class.id)
        rules = scoring_rules(definition, plan)
        answers = list(
            session.scalars(
                select(Response.answers).where(
                    Response.class_id == training_class.id,
                    Response.questionnaire_version == definition.version,
                )
            )
        )
        rate = counts.get(training_class.id, NO_ONE)
        comments = published_comments(session, training_class.id, k, definition.version) or []
        inputs.append(
            ClassInput(
                class_id=str(training_class.id),
                project=project.seq,
                base=project.base.name,
                invited=rate.invited,
                responded=rate.responded,
                version=definition.version,
                answers=answers,
                rules=rules,
                plan=plan if plan.courses else None,
                name=class_label(project.seq, project.name, project.base.name, training_class.name)
                + (f"（{BASE_SLIPS_MARK}）" if training_class.base_held_slips else ""),
                comments=tuple(comments),
                contested=training_class.contested,
            )
        )
    return inputs


def _fingerprint(session: Session, programme_id: int) -> Hashable:
    """What a report depends on, cheaply: closed classes (and their contested counts), their
    responses and reviews."""
    closed = tuple(
        session.execute(
            select(TrainingClass.id, TrainingClass.released_on, TrainingClass.contested)
            .join(Project, TrainingClass.project_id == Project.id)
            .where(Project.programme_id == programme_id, TrainingClass.state == "closed")
            .order_by(TrainingClass.id)
        )
    )
    ids = [class_id for class_id, _, _ in closed]
    responses = session.scalar(
        select(func.count()).select_from(Response).where(Response.class_id.in_(ids))
    )
    reviews = tuple(
        session.execute(
            select(CommentReview.class_id, CommentReview.finished_at)
            .where(CommentReview.class_id.in_(ids))
            .order_by(CommentReview.class_id)
        )
    )
    invited = tuple(
        session.execute(
            select(Trainee.class_id, func.count())
            .where(Trainee.class_id.in_(ids))
            .group_by(Trainee.class_id)
            .order_by(Trainee.class_id)
        )
    )
    return (closed, responses, reviews, invited)


class ReportCache:
    """The last few reports built in this process, keyed by what they were built from."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._reports: OrderedDict[Hashable, Report | None] = OrderedDict()
        self._lock = threading.Lock()

    def report(self, db: Database, programme_id: int, questionnaire: str, k: int) -> Report | None:
        """The report of ``questionnaire`` over the programme's closed classes, or None when
        no closed class asked it."""
        if questionnaire not in QUESTIONNAIRES:
            raise ValueError(f"unknown questionnaire {questionnaire!r}")
        with db.read() as session:
            key: tuple[Any, ...] = (
                db.url,
                programme_id,
                questionnaire,
                k,
                _fingerprint(session, programme_id),
            )
            with self._lock:
                if key in self._reports:
                    self._reports.move_to_end(key)
                    return self._reports[key]
            inputs = class_inputs(session, programme_id, questionnaire, k)
        report = build_report(inputs, ReportSettings(k=k)) if inputs else None
        with self._lock:
            self._reports[key] = report
            while len(self._reports) > self.size:
                self._reports.popitem(last=False)
        return report
