"""Publication only grows, end to end: real submits, real closes (a class below k destroys its
answers), and every version of the API JSON and of ``survey report`` as JSON, xlsx and CSV kept
by a ministry account and subtracted pair by pair (docs/design.md, threat 4)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from questionnaires.expand import Question
from survey.cli import cli
from survey.timezone import now, today_local
from survey.windows import close_class, open_class
from tests.reporting.differencing import (
    check_csv_versions,
    check_json_versions,
    csv_rows,
    json_numbers,
    numbers_not_in,
    workbook_numbers,
)
from tests.staff.builders import class_of, enrol, submit_for, varied
from tests.staff.conftest import StaffWorld
from tests.staff.test_staff_api import bearer

K = 5


def few_eat_here(question: Question, person: int) -> list[str]:
    """Only the first two of a class answer 餐饮 (optional): a small cell in a big class."""
    if question.field == "logistics.catering" and person >= 2:
        return []
    return varied(question, person)


def _outputs(world: StaffWorld, tmp_path: Path, version: int) -> dict[str, Any]:
    """What a ministry account can save now: the API JSON and the CLI's JSON, xlsx and CSV."""
    with world.client() as client:
        api = client.get("/api/v1/reports/satisfaction", headers=bearer(world, "ministry"))
    assert api.status_code == 200, api.text
    env = {
        "SURVEY_DATABASE_URL": world.db.engine.url.render_as_string(hide_password=False),
        "SURVEY_DATA_DIR": str(tmp_path),
        "SURVEY_DEV": "1",
    }
    runner = CliRunner()
    saved: dict[str, Any] = {"api": api.json()["report"]}
    for fmt in ("json", "xlsx", "csv"):
        out = tmp_path / f"v{version}.{fmt}"
        result = runner.invoke(cli, ["report", "--format", fmt, "--out", str(out)], env=env)
        assert result.exit_code == 0, result.output
        saved[fmt] = out.read_bytes()
    saved["json"] = json.loads(saved["json"])
    saved["csv"] = saved["csv"].decode("utf-8-sig")
    return saved


@pytest.mark.parametrize("order", [(0, 1, 2, 3), (3, 1, 2, 0)], ids=["12-2-7-3", "3-2-7-12"])
def test_every_version_of_every_output_reveals_no_group_below_k(
    world: StaffWorld, tmp_path: Path, order: tuple[int, ...]
) -> None:
    class_c, _ = class_of(world.db, 3)
    class_d, _ = class_of(world.db, 4)
    trainees_c = enrol(world.db, class_c, world.province_a, 8, "1390004")
    trainees_d = enrol(world.db, class_d, world.province_a, 4, "1390005")
    for class_id in (class_c, class_d):
        open_class(world.db, class_id, None, now())
    # The classes: 12, 2, 7 and 3 respondents with k = 5.
    plan = [
        (world.class_a, world.trainees_a[:12]),
        (world.class_b, world.trainees_b[:2]),
        (class_c, trainees_c[:7]),
        (class_d, trainees_d[:3]),
    ]
    for class_id, trainees in plan:
        submit_for(world.db, world.secret, class_id, trainees, few_eat_here)
    versions = []
    for step, index in enumerate(order):
        closed = close_class(world.db, world.secret, plan[index][0], today_local(), k=K)
        small = len(plan[index][1]) < K
        assert (closed.responses == 0, closed.withheld > 0) == (small, small)
        versions.append(_outputs(world, tmp_path, step))

    for kind in ("api", "json"):
        assert check_json_versions([v[kind] for v in versions], K) == [], kind
    assert check_csv_versions([v["csv"] for v in versions], K) == []
    for version in versions:
        assert (
            numbers_not_in(workbook_numbers(version["xlsx"]), json_numbers(version["json"])) == []
        )
    final = versions[-1]["json"]["programme"]
    assert final["n"] == 12 + 7
    assert final["participation"]["responded"] == 12 + 2 + 7 + 3
    # The two who ate at the base: their answers are in no output.
    assert final["items"]["logistics.catering"]["n"] is None
    assert all(not row["logistics.catering"] for row in csv_rows(versions[-1]["csv"]))
