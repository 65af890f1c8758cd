""" "不是我提交的": counted per class with no identity and no time, shown to the ministry."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlparse

from openpyxl import load_workbook
from sqlalchemy import select

from anonymity.submission import SubmitResult, submit
from anonymity.tokens import parse_code
from survey.db.base import Model
from survey.db.engine import Database
from survey.flow import Flow
from survey.instruments.store import class_definitions, class_plan
from survey.programme.models import TrainingClass
from survey.slips.issue import Slip, issue_slips
from survey.timezone import today_local
from survey.windows import close_class
from tests.staff.builders import answers_for
from tests.staff.conftest import StaffWorld

CONTEST = "不是我提交的"
RECORDED = "已收到您的反映"


def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    with db.read() as session:
        return {
            table.name: [
                tuple(row)
                for row in session.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in Model.metadata.sorted_tables
        }


def contested(db: Database, class_id: int) -> int:
    with db.read() as session:
        training_class = session.get(TrainingClass, class_id)
        assert training_class is not None
        return training_class.contested


def submitted_slips(world: StaffWorld, count: int) -> list[Slip]:
    """Slips of class B whose links someone has already used to submit."""
    slips = issue_slips(world.db, world.secret, world.settings.public_url, world.trainees_b)
    with world.db.read() as session:
        flow = Flow(class_definitions(session, world.class_b), class_plan(session, world.class_b))
    for person, slip in enumerate(slips[:count]):
        sheets = [(d.version, a) for d, a in flow.split(answers_for(flow, person))]
        assert submit(world.db, world.secret, parse_code(slip.code), sheets) is (
            SubmitResult.SUBMITTED
        )
    return slips


def test_a_trainee_can_say_it_was_not_them_once_per_browser(world: StaffWorld) -> None:
    slips = submitted_slips(world, 2)
    link = urlparse(slips[0].link).path
    with world.client() as browser:
        browser.get(link)
        already = browser.get("/s").text
        assert "您已提交" in already
        assert CONTEST in already
        before = snapshot(world.db)
        response = browser.post("/s/contest")
        assert response.status_code == 200
        assert RECORDED in response.text
        after = snapshot(world.db)
        # Nothing is written but the class's count: no row, no token mark, no time.
        changed = {name for name in before if before[name] != after[name]}
        assert changed == {"training_class"}
        diff = [
            (old, new)
            for old, new in zip(before["training_class"], after["training_class"], strict=True)
            if old != new
        ]
        assert len(diff) == 1
        assert [a for a, b in zip(*diff[0], strict=True) if a != b] == [0]
        assert contested(world.db, world.class_b) == 1
        # The same browser again: counted once.
        assert RECORDED in browser.post("/s/contest").text
        assert 'action="/s/contest"' not in browser.get("/s").text
        assert contested(world.db, world.class_b) == 1
    # Other browsers count, but never beyond the class's respondents (two here).
    for _ in range(3):
        with world.client() as other:
            other.get(link)
            assert RECORDED in other.post("/s/contest").text
    assert contested(world.db, world.class_b) == 2
    # A live link has nothing to contest.
    with world.client() as live:
        live.get(urlparse(slips[3].link).path)
        assert live.post("/s/contest", follow_redirects=False).headers["location"] == "/s"
    assert contested(world.db, world.class_b) == 2


def test_the_ministry_sees_the_count_beside_the_rate_and_in_the_workbook(
    world: StaffWorld,
) -> None:
    slips = submitted_slips(world, 6)
    for slip in slips[:3]:
        with world.client() as browser:
            browser.get(urlparse(slip.link).path)
            browser.post("/s/contest")
    assert contested(world.db, world.class_b) == 3
    with world.client("ministry") as client:
        overview = client.get("/staff/overview").text
    assert "称非本人提交" in overview
    assert '<td class="num"><span class="tag warn">3</span></td>' in overview
    close_class(world.db, world.secret, world.class_b, today_local(), k=5)
    with world.client("ministry") as client:
        response = client.get("/staff/results/satisfaction/xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    counts: dict[str, int] = {}
    for sheet in workbook.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        for number, row in enumerate(rows):
            if len(row) >= 13 and row[12] == "称非本人提交":
                # The class rows and the base's total follow the header.
                for below in rows[number + 1 :]:
                    if not below[0]:
                        break
                    counts[str(below[0])] = below[12]
    # The class's row and its base's total, on the base's sheet.
    assert counts == {
        "2. 集成电路领域领军教师班（上海电子信息职业技术学院）": 3,
        "基地合计": 3,
    }
    # A base never sees it: the count is the ministry's.
    with world.client("base-b") as client:
        assert "称非本人提交" not in client.get(f"/staff/bases/{world.base_b}").text
