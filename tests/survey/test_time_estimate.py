"""The welcome page, the printed slips and the reminder SMS quote one answering time."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

from litestar.testing import TestClient

from survey.db.engine import Database
from survey.instruments.store import replace_plan
from survey.settings import Settings
from survey.slips.issue import issue_slips
from survey.slips.render import reminders_csv, slips_html
from survey.timezone import now
from survey.web.app import create_app
from survey.windows import open_class
from tests.helpers import add_trainees
from tests.reporting.builders import PLAN


def test_welcome_slips_and_sms_quote_the_same_minutes(
    programme_db: Database, tmp_path: Path
) -> None:
    settings = Settings.from_env({"SURVEY_DATA_DIR": str(tmp_path), "SURVEY_DEV": "1"})
    class_id, ids = add_trainees(programme_db, 2, 6)
    with programme_db.write() as session:
        replace_plan(session, class_id, PLAN)
    # Slips printed before the class opens quote what it will ask.
    early = issue_slips(programme_db, settings.secret_key(), settings.public_url, ids[1:2])
    open_class(programme_db, class_id, None, now())
    slips = issue_slips(programme_db, settings.secret_key(), settings.public_url, ids[:1])
    # satisfaction (249 s) and teaching over PLAN's 4 courses (142 s): 391 s, 7 minutes.
    expected = "7"
    with TestClient(app=create_app(settings, programme_db)) as client:
        client.get(urlparse(slips[0].link).path)
        welcome = client.get("/s").text
    quoted = {
        "welcome": re.findall(r"约需 (\d+) 分钟", welcome),
        "slips": re.findall(r"约需 (\d+) 分钟", slips_html(slips + early, "纸条")),
        "sms": re.findall(r"约 (\d+) 分钟", reminders_csv(slips, "—").decode("utf-8")),
    }
    assert quoted == {"welcome": [expected], "slips": [expected] * 2, "sms": [expected]}
