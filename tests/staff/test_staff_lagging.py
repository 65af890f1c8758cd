"""The ministry overview flags lagging classes: open, answering under a set rate, and close to
their deadline; both numbers come from the settings."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from survey.db.engine import Database
from survey.settings import Settings, SettingsError
from survey.timezone import now
from survey.web.app import create_app
from survey.windows import open_class
from tests.staff.builders import submit_for
from tests.staff.conftest import make_world


def test_a_class_under_the_rate_near_its_deadline_is_flagged(
    programme_db: Database, tmp_path: Path
) -> None:
    world = make_world(programme_db, tmp_path)
    # Class A: 5 of 12 answered (42 %), two days left. Class B: 4 of 6 (67 %), two days left.
    submit_for(world.db, world.secret, world.class_a, world.trainees_a[:5])
    submit_for(world.db, world.secret, world.class_b, world.trainees_b[:4])
    for class_id in (world.class_a, world.class_b):
        open_class(world.db, class_id, now() + timedelta(days=2), now())
    with world.client("ministry") as client:
        page = client.get("/staff/overview").text
    assert "1 个培训班进度落后</strong>：回答率低于 50%，且离截止不到 3 天" in page
    assert "回答 5 / 邀请 12 人（42%）" in page
    assert "回答 4 / 邀请 6 人" not in page
    assert page.count('class="lagging"') == 1

    # A stricter threshold flags both; a deadline further away than the window flags none.
    settings = Settings.from_env(
        {"SURVEY_DATA_DIR": str(tmp_path), "SURVEY_DEV": "1", "SURVEY_LAGGING_RATE": "70"}
    )
    strict = replace(world, settings=settings, app=create_app(settings, world.db))
    with strict.client("ministry") as client:
        assert "2 个培训班进度落后" in client.get("/staff/overview").text
    open_class(world.db, world.class_a, now() + timedelta(days=4), now())
    with world.client("ministry") as client:
        assert "进度落后" not in client.get("/staff/overview").text


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SURVEY_LAGGING_RATE", "101"),
        ("SURVEY_LAGGING_RATE", "半数"),
        ("SURVEY_LAGGING_DAYS", "-1"),
    ],
)
def test_lagging_settings_out_of_range_are_refused(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=f"{name} 必须是"):
        Settings.from_env({name: value})
