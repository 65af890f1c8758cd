"""Loading the 2024 programme: counts, aliases, the integrity report and idempotence."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from survey.db.engine import Database
from survey.programme.loader import (
    bundled_source,
    check_source,
    load_programme,
    workbook_source,
)
from survey.programme.lookup import Lookup
from survey.programme.models import (
    AllocationIssue,
    Field,
    Programme,
    Project,
    Province,
    SeatAllocation,
    TrainingBase,
    TrainingClass,
)
from survey.programme.names import PROVINCES, class_name
from survey.programme.reference import ReferenceError
from survey.staff.rates import class_rows
from tests.helpers import add_trainees

# Every inconsistency of annex 2 as extracted to text, found by adding up its rows and columns
# by hand from ../shared/reference/notice-2024-jiaoshisihan-16.txt.
PUBLISHED_FINDINGS_2024 = [
    "附件2 第 1 项（山东理工大学）：各省名额相加为 52，与总计 50 不符",
    "附件2 第 3 项（广州番禺职业技术学院）：各省名额相加为 46，与总计 50 不符",
    "附件2 第 7 项（北京理工大学）：各省名额相加为 52，与总计 50 不符",
    "附件2 第 12 项（西北农林科技大学）：“总计”列多出数值 1，不属于任何省份，未载入",
    "附件2 第 12 项（西北农林科技大学）：各省名额相加为 53，与总计 50 不符",
    "附件2 第 15 项（郑州电力高等专科学校）：各省名额相加为 48，与总计 50 不符",
    "附件2 第 16 项（广东轻工职业技术学院）：各省名额相加为 48，与总计 50 不符",
    "附件2 内蒙古：各项目名额相加为 12，与小计 15 不符",
    "附件2 上海：各项目名额相加为 8，与小计 10 不符",
    "附件2 江西：各项目名额相加为 31，与小计 29 不符",
    "附件2 广西：各项目名额相加为 25，与小计 27 不符",
    "附件2 海南：各项目名额相加为 9，与小计 5 不符",
    "附件2 云南：各项目名额相加为 20，与小计 22 不符",
    "附件2 西藏：各项目名额相加为 7，与小计 3 不符",
    "附件2 甘肃：各项目名额相加为 12，与小计 14 不符",
    "附件2 青海：各项目名额相加为 8，与小计 6 不符",
    "附件2 新疆：各项目名额相加为 8，与小计 12 不符",
    "附件2 兵团：各项目名额相加为 4，与小计 2 不符",
]


def count(db: Database, model: type) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_loads_the_2024_programme(db: Database) -> None:
    report = load_programme(db, bundled_source(2024))
    assert (report.fields, report.projects, report.bases, report.provinces) == (11, 16, 16, 32)
    assert count(db, Field) == 11
    assert count(db, Project) == 16
    assert count(db, TrainingBase) == 16
    assert count(db, Province) == 32
    assert count(db, TrainingClass) == 16
    with db.read() as session:
        programme = session.scalars(select(Programme)).one()
        assert programme.year == 2024
        assert programme.allocation_verified is False
        project1 = session.scalars(select(Project).where(Project.seq == 1)).one()
        assert project1.base.name == "山东理工大学"
        assert project1.field.name == "集成电路"
        assert project1.major_class == "集成电路类"
        seats = dict(
            session.execute(
                select(Province.short_name, SeatAllocation.seats)
                .join(SeatAllocation)
                .where(SeatAllocation.project_id == project1.id)
            ).all()
        )
    # Row 1 of annex 2 as published: 北京 2, 河北 4, 山西 2, 辽宁 2, 上海 2, 江苏 4 …
    assert seats["北京"] == 2
    assert seats["河北"] == 4
    assert "天津" not in seats
    assert sum(seats.values()) == 52


def test_reports_every_published_inconsistency(db: Database) -> None:
    report = load_programme(db, bundled_source(2024))
    assert report.findings == PUBLISHED_FINDINGS_2024
    with db.read() as session:
        stored = list(session.scalars(select(AllocationIssue.message).order_by(AllocationIssue.id)))
    assert stored == PUBLISHED_FINDINGS_2024


def test_second_load_changes_nothing(db: Database) -> None:
    first = load_programme(db, bundled_source(2024))
    assert first.changes > 0
    again = load_programme(db, bundled_source(2024))
    assert again.changes == 0
    assert count(db, Project) == 16
    assert count(db, AllocationIssue) == len(PUBLISHED_FINDINGS_2024)


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("深圳职业技术学院", "深圳职业技术大学"),
        ("深圳职业技术大学", "深圳职业技术大学"),
        ("  北京师范大学 ", "北京师范大学"),
        ("北京交通大学", "北京交通大学"),
    ],
)
def test_bases_resolve_by_alias(programme_db: Database, spelling: str, canonical: str) -> None:
    with programme_db.read() as session:
        lookup = Lookup.load(session, session.scalars(select(Programme)).one())
        base = lookup.base(spelling)
        assert base is not None
        assert base.name == canonical


@pytest.mark.parametrize(
    ("spelling", "short"),
    [
        ("山东", "山东"),
        ("山东省", "山东"),
        ("山东省教育厅", "山东"),
        ("山东省教育厅（公章）", "山东"),
        ("北京市教育委员会", "北京"),
        ("兵团", "兵团"),
        ("新疆生产建设兵团", "兵团"),
        ("新疆生产建设兵团教育局", "兵团"),
        ("广西壮族自治区教育厅", "广西"),
        ("内蒙古自治区", "内蒙古"),
    ],
)
def test_provinces_resolve_by_any_spelling(
    programme_db: Database, spelling: str, short: str
) -> None:
    with programme_db.read() as session:
        lookup = Lookup.load(session, session.scalars(select(Programme)).one())
        province = lookup.province(spelling)
        assert province is not None
        assert province.short_name == short


def test_fields_and_projects_resolve(programme_db: Database) -> None:
    with programme_db.read() as session:
        lookup = Lookup.load(session, session.scalars(select(Programme)).one())
        for name in ("铁路运输", "铁道运输", "铁道运输领域领军教师示范培训项目"):
            field = lookup.field(name)
            assert field is not None
            assert field.name == "铁道运输"
        project = lookup.project("机器人领域领军教师示范培训项目", "深圳职业技术学院")
        assert project is not None
        assert project.seq == 10
        # 同济大学 runs 机器人, not 集成电路.
        assert lookup.project("集成电路领域领军教师示范培训项目", "同济大学") is None
        assert lookup.field("不存在的领域") is None


def _workbook(path: Path, total_shift: int = 0) -> Path:
    """A ministry workbook in the annex layout, with a consistent two-project allocation."""
    book = Workbook()
    sheet1 = book.active
    assert sheet1 is not None
    sheet1.title = "附件1"
    sheet1.append(["2025年“职教国培”示范项目承训基地名单"])
    sheet1.append(["序号", "项目名称", "重点专业类", "承训基地"])
    sheet1.append([1, "集成电路领域领军教师示范培训项目", "集成电路类", "山东理工大学"])
    sheet1.append([2, "机器人领域领军教师示范培训项目", "自动化类", "深圳职业技术大学"])
    sheet2 = book.create_sheet("附件2")
    sheet2.append(["2025年“职教国培”示范项目地区名额分配表"])
    provinces = [short for short, _ in PROVINCES]
    sheet2.append(["序号", "项目名称", "承训单位", *provinces, "总计"])
    row1 = [30, 20] + [None] * 30
    row2 = [None] * 31 + [10]
    sheet2.append([1, "集成电路领域领军教师示范培训项目", "山东理工大学", *row1, 50])
    sheet2.append([2, "机器人领域领军教师示范培训项目", "深圳职业技术学院", *row2, 10])
    subtotal = [30, 20] + [None] * 29 + [10 + total_shift]
    sheet2.append(["小计", None, None, *subtotal, 60])
    book.save(path)
    return path


def test_workbook_in_the_annex_layout_loads_verified(db: Database, tmp_path: Path) -> None:
    source = workbook_source(_workbook(tmp_path / "2025.xlsx"))
    assert source.year == 2025
    report = load_programme(db, source)
    assert report.findings == []
    assert report.verified
    assert report.projects == 2
    assert load_programme(db, source).changes == 0


def test_workbook_column_mismatch_is_reported(tmp_path: Path) -> None:
    source = workbook_source(_workbook(tmp_path / "2025.xlsx", total_shift=1))
    assert check_source(source).findings == ["附件2 兵团：各项目名额相加为 10，与小计 11 不符"]


def test_workbook_without_annex_tables_is_refused(tmp_path: Path) -> None:
    book = Workbook()
    book.save(tmp_path / "empty.xlsx")
    with pytest.raises(ReferenceError, match="找不到附件1"):
        workbook_source(tmp_path / "empty.xlsx")
    (tmp_path / "not.xlsx").write_text("not a workbook")
    with pytest.raises(ReferenceError, match="不是有效的 \\.xlsx 工作簿"):
        workbook_source(tmp_path / "not.xlsx")


def test_unknown_year_is_refused() -> None:
    with pytest.raises(ReferenceError, match="没有 1999 年的内置数据"):
        bundled_source(1999)


def test_classes_are_named_by_project_and_base(programme_db: Database) -> None:
    # Expected names written out from annex 1 of the notice (project name and base by hand).
    with programme_db.read() as session:
        names = dict(
            session.execute(
                select(Project.seq, TrainingClass.name).join(
                    TrainingClass, TrainingClass.project_id == Project.id
                )
            ).all()
        )
    assert len(names) == 16
    assert names[1] == "集成电路领域领军教师班（山东理工大学）"
    assert names[2] == "集成电路领域领军教师班（上海电子信息职业技术学院）"
    assert names[14] == "铁道运输领域领军教师班（北京交通大学）"
    assert len(set(names.values())) == 16


def test_a_second_cohort_is_shown_with_its_project_and_base(programme_db: Database) -> None:
    add_trainees(programme_db, 1, 3, class_name="第二期")
    with programme_db.read() as session:
        programme_id = session.scalars(select(Programme.id)).one()
        labels = {row.name: row.label for row in class_rows(session, programme_id)}
    assert (
        labels["集成电路领域领军教师班（山东理工大学）"]
        == "1. 集成电路领域领军教师班（山东理工大学）"
    )
    assert labels["第二期"] == "1. 集成电路领域领军教师班（山东理工大学）·第二期"


@pytest.mark.parametrize(
    ("project", "base", "expected"),
    [
        (
            "中职专业带头人能力提升培训项目",
            "北京师范大学",
            "中职专业带头人能力提升班（北京师范大学）",
        ),
        ("双师型教师研修项目", "同济大学", "双师型教师研修班（同济大学）"),
        ("项目", "同济大学", "项目班（同济大学）"),
    ],
)
def test_a_class_name_drops_the_project_ending(project: str, base: str, expected: str) -> None:
    assert class_name(project, base) == expected
