"""The synthetic roster generator: deterministic, plausible, in the ministry's layout."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from survey.db.engine import Database
from survey.programme.models import SeatAllocation
from survey.roster.cells import parse_mobile
from survey.roster.importer import import_rosters
from survey.roster.layout import FOOTER_NOTE, TITLE
from survey.roster.synthetic import (
    MOBILE_PREFIX,
    synthetic_rosters,
    write_demo_rosters,
)
from survey.roster.validation import name_problems


def test_follows_the_allocation(programme_db: Database) -> None:
    rosters = synthetic_rosters(programme_db, seed=1)
    with programme_db.read() as session:
        published = sum(session.scalars(select(SeatAllocation.seats)))
    assert sum(len(r.trainees) for r in rosters) == published == 799
    assert len(rosters) == 32
    shandong = next(r for r in rosters if r.short_name == "山东")
    assert shandong.authority == "山东省教育厅"
    assert len(shandong.trainees) == 61
    per_base = Counter(t.base for t in shandong.trainees)
    assert per_base["广东技术师范大学"] == 8
    assert per_base["深圳职业技术学院"] == 4  # annex 2's spelling of 深圳职业技术大学


def test_deterministic_and_plausible(programme_db: Database) -> None:
    first = synthetic_rosters(programme_db, seed=7, total=800)
    assert first == synthetic_rosters(programme_db, seed=7, total=800)
    assert first != synthetic_rosters(programme_db, seed=8, total=800)
    people = [t for r in first for t in r.trainees]
    assert len(people) == 800
    mobiles = [t.mobile for t in people]
    assert len(set(mobiles)) == 800
    assert all(m.startswith(MOBILE_PREFIX) and parse_mobile(m) == (m, None) for m in mobiles)
    assert all(name_problems(t.name) == [] for t in people)
    assert all(t.employer.endswith(("学院", "大学", "学校")) for t in people)
    assert len({t.name for t in people}) > 600


def test_workbooks_in_the_ministry_layout(programme_db: Database, tmp_path: Path) -> None:
    paths = write_demo_rosters(programme_db, tmp_path / "rosters", seed=3)
    assert len(paths) == 32
    assert paths[0].name == "01-北京.xlsx"
    assert paths[-1].name == "32-兵团.xlsx"
    sheet = load_workbook(tmp_path / "rosters" / "15-山东.xlsx").active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == TITLE.format(year=2024)
    assert str(rows[1][0]).startswith("填表单位：山东省教育厅（公章）    负责部门（处室）：")
    assert rows[2] == (
        "序号",
        "项目名称",
        "承训单位",
        "学员姓名",
        "单位名称",
        "所在部门\n(院系)及职务",
        "任教专业",
        "联系手机",
        "备注",
    )
    assert [r[0] for r in rows[3:-1]] == list(range(1, len(rows) - 3))
    assert rows[-1][:2] == ("备注", FOOTER_NOTE)
    assert {str(r) for r in sheet.merged_cells.ranges} == {
        "A1:I1",
        "A2:I2",
        f"B{len(rows)}:I{len(rows)}",
    }
    assert sheet["H4"].number_format == "@"


def test_demo_rosters_import_cleanly(programme_db: Database, tmp_path: Path) -> None:
    paths = write_demo_rosters(programme_db, tmp_path, seed=0)
    result = import_rosters(programme_db, paths)
    assert result.errors == []
    assert result.imported == 800
    # One pair ends up over its seats (800 trainees, 799 seats), and says so.
    assert [w.message.split("：")[0].endswith("个名额") for w in result.warnings] == [True]
