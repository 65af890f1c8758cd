"""Builders of the staff tests: a roster in chosen provinces, trainees who submit, logins."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from litestar.testing import TestClient
from sqlalchemy import select

from anonymity.issuing import issue_tokens
from anonymity.submission import SubmitResult, submit
from questionnaires.expand import Question, is_shown
from questionnaires.model import Answers
from survey.db.engine import Database
from survey.flow import Flow
from survey.instruments.store import class_definitions, class_plan
from survey.programme.models import Programme, Project, Province, TrainingClass
from survey.roster.models import Trainee

PASSWORD = "correct-horse-battery"
CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')


def class_of(db: Database, project_seq: int) -> tuple[int, int]:
    """The first class of project ``project_seq`` and the project's base id."""
    with db.read() as session:
        project = session.scalars(select(Project).where(Project.seq == project_seq)).one()
        class_id = session.scalars(
            select(TrainingClass.id).where(TrainingClass.project_id == project.id)
        ).first()
        assert class_id is not None
        return class_id, project.base_id


def provinces(db: Database) -> list[tuple[int, str]]:
    """Ids and names of the provinces in annex 2 order."""
    with db.read() as session:
        rows = session.execute(select(Province.id, Province.name).order_by(Province.position))
        return [(province_id, name) for province_id, name in rows]


def enrol(db: Database, class_id: int, province_id: int, count: int, prefix: str) -> list[int]:
    """Add ``count`` trainees of one province to a class; mobiles start with ``prefix``."""
    with db.write() as session:
        programme_id = session.scalars(select(Programme.id)).one()
        trainees = [
            Trainee(
                programme_id=programme_id,
                class_id=class_id,
                province_id=province_id,
                name=f"学员{prefix[-3:]}{i:02d}",
                employer="某职业技术学院",
                mobile=f"{prefix}{i:0{11 - len(prefix)}d}",
            )
            for i in range(count)
        ]
        session.add_all(trainees)
        session.flush()
        return [t.id for t in trainees]


Chooser = Callable[[Question, int], list[str]]


def varied(question: Question, person: int) -> list[str]:
    """A valid answer that differs between people: top or second scale point, some text."""
    if question.type == "text":
        return [f"第{person}位学员的意见：实践环节很好"]
    options = question.options
    if question.type in ("likert5", "rating", "nps"):
        return [options[-1 - person % 2][0]]
    return [options[0][0]]


def answers_for(flow: Flow, person: int, choose: Chooser = varied) -> Answers:
    """A complete, validated answer set, page by page as a trainee would give it."""
    answers: Answers = {}
    for flow_page in flow.pages:
        raw = {q.field: choose(q, person) for q in flow_page.page.questions if is_shown(q, answers)}
        answers, errors = flow.validate_page(flow_page.number, raw, answers)
        assert not errors, errors
    clean, errors = flow.validate_all(answers)
    assert not errors, errors
    return clean


def submit_for(
    db: Database,
    secret: bytes,
    class_id: int,
    trainee_ids: Sequence[int],
    choose: Chooser = varied,
) -> None:
    """Each of ``trainee_ids`` answers and submits (the class must be open)."""
    with db.read() as session:
        flow = Flow(class_definitions(session, class_id), class_plan(session, class_id))
    tokens = issue_tokens(db, secret, trainee_ids)
    for person, trainee_id in enumerate(trainee_ids):
        parts = [(d.version, a) for d, a in flow.split(answers_for(flow, person, choose))]
        assert submit(db, secret, tokens[trainee_id], parts) is SubmitResult.SUBMITTED


def csrf_token(html: str) -> str:
    """The CSRF token of the first form of a page."""
    found = CSRF_FIELD.search(html)
    assert found, "page has no CSRF field"
    return found.group(1)


def login(client: TestClient[Any], name: str, password: str = PASSWORD) -> Any:
    """Log ``client`` in as ``name``; returns the login response."""
    form = client.get("/staff/login")
    return client.post(
        "/staff/login",
        data={"name": name, "password": password, "_csrf_token": csrf_token(form.text)},
        follow_redirects=False,
    )


def post_form(client: TestClient[Any], page: str, action: str, data: dict[str, Any]) -> Any:
    """Open ``page`` for its CSRF token, then post ``data`` to ``action``."""
    token = csrf_token(client.get(page).text)
    return client.post(action, data={**data, "_csrf_token": token}, follow_redirects=False)
