"""A 500 can be traced without personal data: the log has the exception's type and its frames
(file:line:function) under an incident id, the person sees the same id, and neither the
exception's message nor what was posted reaches the log."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from survey.db.engine import Database
from survey.settings import Settings
from survey.staff.api_tokens import create_token
from survey.timezone import now
from survey.web import trainee
from survey.web.api import routes
from survey.web.app import create_app
from tests.staff.conftest import make_world

PERSONAL = "张三 13900000001"
INCIDENT = re.compile(r"incident ([0-9a-f]{8}): unhandled error")


class LeakyError(Exception):
    """An error whose message carries what a careless handler put there."""


def leaky(*_: Any, **__: Any) -> Any:
    secret_local = PERSONAL  # a local value: must not be logged either
    raise LeakyError(f"failed for {secret_local}") from KeyError(PERSONAL)


def listen(caplog: pytest.LogCaptureFixture) -> None:
    # The app configures logging at start-up; listen on the root logger after that.
    root = logging.getLogger()
    root.addHandler(caplog.handler)
    caplog.handler.setLevel(logging.DEBUG)


def check_logged(caplog: pytest.LogCaptureFixture, shown: str, frame: str) -> None:
    logged = "\n".join(caplog.handler.format(record) for record in caplog.records)
    found = INCIDENT.findall(logged)
    assert found == [shown]
    assert "test_incidents.LeakyError" in logged
    assert "builtins.KeyError" in logged  # the cause is traced too
    assert re.search(rf"{frame}:\d+:", logged), logged
    assert re.search(r"tests/survey/test_incidents\.py:\d+:leaky", logged)
    assert "13900000001" not in logged
    assert "张三" not in logged
    assert "failed for" not in logged


def test_a_trainee_page_crash_shows_and_logs_one_incident_id(
    db: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings.from_env({"SURVEY_DATA_DIR": str(tmp_path), "SURVEY_DEV": "1"})
    monkeypatch.setattr(trainee, "parse_code", leaky)
    with TestClient(app=create_app(settings, db)) as client:
        listen(caplog)
        response = client.post("/c", data={"code": PERSONAL})
    try:
        assert response.status_code == 500
        assert "服务器出错了" in response.text
        shown = re.search(r"错误编号：<strong>([0-9a-f]{8})</strong>", response.text)
        assert shown is not None
        check_logged(caplog, shown.group(1), "survey/web/trainee.py")
    finally:
        logging.getLogger().removeHandler(caplog.handler)


def test_an_api_crash_is_a_problem_with_the_incident_id(
    programme_db: Database,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = make_world(programme_db, tmp_path)
    token = create_token(world.db, world.secret, "ministry", "incident", now())
    monkeypatch.setattr(routes, "class_rows", leaky)
    with TestClient(app=world.app) as client:
        listen(caplog)
        response = client.get("/api/v1/classes", headers={"Authorization": f"Bearer {token}"})
    try:
        assert response.status_code == 500
        assert response.headers["content-type"].startswith("application/problem+json")
        shown = re.search(r"错误编号 ([0-9a-f]{8})", response.json()["detail"])
        assert shown is not None
        check_logged(caplog, shown.group(1), "survey/web/api/routes.py")
    finally:
        logging.getLogger().removeHandler(caplog.handler)
