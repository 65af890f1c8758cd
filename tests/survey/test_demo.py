"""``survey demo --no-serve``: what ``make demo`` prepares, twice in a row."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from anonymity.models import Response
from survey.db.engine import Database
from survey.programme.models import TrainingClass


def demo(tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SURVEY_")}
    env["SURVEY_DATA_DIR"] = str(tmp_path)
    return subprocess.run(
        [sys.executable, "-m", "survey", "demo", "--no-serve"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_demo_prepares_everything_and_runs_again(tmp_path: Path) -> None:
    first = demo(tmp_path)
    assert first.returncode == 0, first.stderr
    assert "新增 800" in first.stdout
    assert first.stdout.count("已虚构作答") == 4
    assert "/t/" in first.stdout  # trainee links to open
    assert "/staff/login" in first.stdout  # and staff logins
    assert (tmp_path / "secret.key").exists()
    assert (tmp_path / "demo" / "slips-project-1.html").exists()
    database = Database(f"sqlite:///{tmp_path / 'survey.sqlite3'}")
    with database.read() as session:
        states = dict(
            session.execute(
                select(TrainingClass.state, func.count()).group_by(TrainingClass.state)
            ).all()
        )
        responses = session.scalar(select(func.count()).select_from(Response))
    assert states == {"open": 12, "closed": 4}
    assert responses

    again = demo(tmp_path)
    assert again.returncode == 0, again.stderr
    assert "未变 800" in again.stdout
    assert "已虚构作答" not in again.stdout
    with database.read() as session:
        assert session.scalar(select(func.count()).select_from(Response)) == responses
    database.dispose()
