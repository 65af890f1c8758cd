"""The health page answers through real HTTP and checks the database."""

from __future__ import annotations

from pathlib import Path

from litestar.testing import TestClient

from survey.db.engine import Database
from survey.settings import Settings
from survey.web.app import create_app


def test_health(db: Database, tmp_path: Path) -> None:
    settings = Settings.from_env({"SURVEY_DATA_DIR": str(tmp_path), "SURVEY_DEV": "1"})
    with TestClient(app=create_app(settings, db)) as client:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.text == "ok"
