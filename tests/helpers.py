"""Reusable helpers: a roster in a class, and a trainee who answers through HTTP."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import select

from questionnaires.expand import Question
from survey.db.engine import Database
from survey.programme.models import Programme, Project, Province, TrainingClass
from survey.roster.models import Trainee


def add_trainees(
    db: Database, project_seq: int, count: int, start: int = 0, class_name: str | None = None
) -> tuple[int, list[int]]:
    """Add ``count`` trainees to the first class of project ``project_seq``, or to a new class
    of that project named ``class_name``."""
    with db.write() as session:
        programme = session.scalars(select(Programme)).one()
        project = session.scalars(
            select(Project).where(Project.programme_id == programme.id, Project.seq == project_seq)
        ).one()
        training_class = session.scalars(
            select(TrainingClass).where(TrainingClass.project_id == project.id)
        ).first()
        if class_name is not None:
            training_class = TrainingClass(project_id=project.id, name=class_name)
            session.add(training_class)
            session.flush()
        assert training_class is not None
        province = session.scalars(select(Province).order_by(Province.position)).first()
        assert province is not None
        trainees = [
            Trainee(
                programme_id=programme.id,
                class_id=training_class.id,
                province_id=province.id,
                name=f"学员{project_seq:02d}{i:03d}",
                employer="某职业技术学院",
                mobile=f"199{project_seq:02d}{i:06d}",
            )
            for i in range(start, start + count)
        ]
        session.add_all(trainees)
        session.flush()
        return training_class.id, [t.id for t in trainees]


Chooser = Callable[[Question], list[str]]


def first_choice(question: Question) -> list[str]:
    """A valid answer: the top of a scale, the first option, a short text."""
    if question.type == "text":
        return ["收获很大"]
    options = question.options
    if question.type in ("likert5", "rating", "nps"):
        return [options[-1][0]]
    return [options[0][0]]


def answer_through_http(client: TestClient[Any], link_path: str, choose: Chooser, flow: Any) -> Any:
    """Open ``link_path``, answer every visible page with ``choose`` and submit.

    Returns the final response. ``flow`` is the class's ``survey.flow.Flow``, used to know which
    questions each page shows.
    """
    response = client.get(link_path, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/s"
    page = client.get("/s")
    assert page.status_code == 200
    number: int | None = 1
    while number is not None:
        html = client.get(f"/s/p/{number}").text
        shown = set(re.findall(r'name="([a-z0-9_.]+)"', html))
        flow_page = flow.page(number)
        data: dict[str, list[str]] = {"go": ["next"]}
        for question in flow_page.page.questions:
            if question.field in shown:
                data[question.field] = choose(question)
        response = client.post(f"/s/p/{number}", data=data, follow_redirects=False)
        assert response.status_code == 303, response.text
        location = response.headers["location"]
        number = int(location.rsplit("/", 1)[1]) if location.startswith("/s/p/") else None
    assert client.get("/s/review").status_code == 200
    return client.post("/s/submit", follow_redirects=False)


def require_tool(present: bool, missing: str, required_by: str) -> None:
    """Skip the calling test when a tool of the machine is absent (``missing`` says which and
    how to install it); fail instead where the environment variable ``required_by`` is "1", as
    in CI, so that CI never passes by skipping."""
    if present:
        return
    if os.environ.get(required_by) == "1":
        pytest.fail(f"{missing} and {required_by}=1")
    pytest.skip(missing)


def require_command(command: str, missing: str, required_by: str) -> None:
    """:func:`require_tool` for a command on the PATH."""
    require_tool(shutil.which(command) is not None, missing, required_by)
