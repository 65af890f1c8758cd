"""Purging a finished project's personal data: only when released, counts kept, idempotent."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, update

from survey.db.engine import Database
from survey.programme.models import Project, TrainingClass
from survey.roster.errors import PurgeRefusedError, RosterUsageError
from survey.roster.importer import import_rosters
from survey.roster.models import Trainee
from survey.roster.purge import purge_preview, purge_project
from survey.roster.summary import roster_summary
from tests.roster.builders import B1, P1, WriteXlsx, annex3, people


def set_class(db: Database, seq: int, **values: object) -> None:
    with db.write() as session:
        project_id = select(Project.id).where(Project.seq == seq).scalar_subquery()
        session.execute(
            update(TrainingClass).where(TrainingClass.project_id == project_id).values(**values)
        )


@pytest.fixture
def enrolled(programme_db: Database, write_xlsx: WriteXlsx) -> Database:
    """Three trainees in project 5 and two in project 1, one of them has responded."""
    rows = [*people(3), *people(2, start=3, project=P1, base=B1)]
    assert import_rosters(programme_db, [write_xlsx("山东.xlsx", annex3(rows))]).ok
    with programme_db.write() as session:
        session.execute(
            update(Trainee).where(Trainee.mobile == "15400000000").values(responded=True)
        )
    return programme_db


@pytest.mark.parametrize(
    ("state", "released_on", "message"),
    [
        ("pending", None, "“人工智能领域领军教师班（广东技术师范大学）”尚未开始调查"),
        ("open", None, "“人工智能领域领军教师班（广东技术师范大学）”正在调查"),
        ("closed", None, "“人工智能领域领军教师班（广东技术师范大学）”已结束但结果尚未发布"),
    ],
)
def test_refused_until_closed_and_released(
    enrolled: Database, state: str, released_on: date | None, message: str
) -> None:
    set_class(enrolled, 5, state=state, released_on=released_on)
    with pytest.raises(PurgeRefusedError, match=message) as caught:
        purge_project(enrolled, 5)
    assert caught.value.exit_code == 1
    assert "须等该项目所有培训班结束调查并发布结果后再清除" in str(caught.value)
    with enrolled.read() as session:
        assert session.scalar(select(Trainee.name).where(Trainee.mobile == "15400000001"))


def test_purge_clears_personal_fields_and_keeps_the_counts(enrolled: Database) -> None:
    set_class(enrolled, 5, state="closed", released_on=date(2024, 12, 1))
    assert purge_preview(enrolled, 5).cleared == 3
    result = purge_project(enrolled, 5)
    assert (result.project, result.trainees, result.cleared) == (5, 3, 3)
    with enrolled.read() as session:
        rows = session.execute(select(Trainee, TrainingClass.project_id).join(TrainingClass)).all()
        purged = [t for t, _ in rows if t.training_class.project.seq == 5]
        others = [t for t, _ in rows if t.training_class.project.seq == 1]
        assert len(purged) == 3
        for trainee in purged:
            assert (
                trainee.name,
                trainee.employer,
                trainee.department,
                trainee.major,
                trainee.mobile,
                trainee.note,
            ) == (None,) * 6
            assert trainee.province.short_name == "山东"
        assert sorted(t.responded for t in purged) == [False, False, True]
        assert all(t.name and t.mobile for t in others)
    summary = roster_summary(enrolled)
    assert summary.cells[(5, "山东")] == (3, 8)

    again = purge_project(enrolled, 5)
    assert (again.trainees, again.cleared) == (3, 0)


def test_a_purged_project_takes_no_new_trainees(enrolled: Database, write_xlsx: WriteXlsx) -> None:
    set_class(enrolled, 5, state="closed", released_on=date(2024, 12, 1))
    purge_project(enrolled, 5)
    # The same list again: its people are no longer recognisable, and the class is over.
    result = import_rosters(enrolled, [write_xlsx("again.xlsx", annex3(people(3)))])
    assert {f.message for f in result.errors} == {
        "第 5 项的培训班已结束，不能再加入学员：请核对项目名称"
    }
    # Finished classes are outside any replacement: only project 1's two are "missing".
    assert [m.project for m in result.missing] == [1, 1]


def test_unknown_project(enrolled: Database) -> None:
    with pytest.raises(
        RosterUsageError, match="2024 年没有第 17 项：PROJECT 是附件1 的序号（1 至 16）"
    ):
        purge_project(enrolled, 17)
