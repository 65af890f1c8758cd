"""Rows and snapshots for the roster tests: valid trainees in the annex 3 columns."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from sqlalchemy import select

from survey.db.engine import Database
from survey.roster.layout import annex3_rows
from survey.roster.models import Trainee

#: ``write_xlsx(name, rows, merges=…, extra_sheets=…, hidden=…)`` and
#: ``write_csv(name, rows, encoding=…, delimiter=…)``, the fixtures of conftest.py.
WriteXlsx = Callable[..., Path]
WriteCsv = Callable[..., Path]

P1 = "集成电路领域领军教师示范培训项目"
B1 = "山东理工大学"
P5 = "人工智能领域领军教师示范培训项目"
B5 = "广东技术师范大学"
P10 = "机器人领域领军教师示范培训项目"
P14 = "铁道运输领域领军教师示范培训项目"
B14 = "北京交通大学"


def person(
    seq: object,
    name: str,
    mobile: object,
    *,
    project: str = P5,
    base: str = B5,
    employer: str = "山东工业职业学院",
    department: str = "智能制造学院 专任教师",
    major: str = "人工智能技术应用",
    note: str | None = None,
) -> list[object]:
    """A data row in the nine annex 3 columns, in the ministry's order."""
    return [seq, project, base, name, employer, department, major, mobile, note]


def mobile(n: int) -> str:
    """The n-th test mobile, from the unassigned 154 prefix."""
    return f"154{n:08d}"


def people(count: int, start: int = 0, **kwargs: object) -> list[list[object]]:
    """``count`` valid rows with distinct mobiles and names."""
    surnames = "赵钱孙李周吴郑王冯陈"
    given = "伟芳娜敏静丽强磊军洋"
    return [
        person(
            i + 1,
            surnames[(start + i) % 10] + given[(start + i) // 10 % 10] + given[(start + i) % 7],
            mobile(start + i),
            **kwargs,  # type: ignore[arg-type]
        )
        for i in range(count)
    ]


def annex3(
    entries: Iterable[Sequence[object]], authority: str = "山东省教育厅"
) -> list[list[object]]:
    """A whole annex 3 table for 2024: title, 填表单位 line, header, entries, 备注 row."""
    return annex3_rows(2024, authority, entries)


def trainees(db: Database) -> list[tuple[object, ...]]:
    """Every roster row with every column, ordered by mobile: a snapshot to compare."""
    with db.read() as session:
        return [
            tuple(getattr(t, c.key) for c in Trainee.__table__.columns)
            for t in session.scalars(select(Trainee).order_by(Trainee.mobile, Trainee.id))
        ]
