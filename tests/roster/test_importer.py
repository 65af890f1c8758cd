"""Importing rosters into the database: all or nothing, idempotent, updates, replacement."""

from __future__ import annotations

import logging
import os
from datetime import date

import pytest
from sqlalchemy import select, update

from survey.db.engine import Database
from survey.errors import UsageError
from survey.programme.models import Project, TrainingClass
from survey.roster.errors import RosterUsageError
from survey.roster.importer import ImportResult, import_rosters
from survey.roster.models import Trainee
from survey.roster.reading import RosterFile
from tests.roster.builders import (
    B1,
    B14,
    P1,
    P10,
    P14,
    WriteCsv,
    WriteXlsx,
    annex3,
    mobile,
    people,
    person,
    trainees,
)


def errors(result: ImportResult) -> list[tuple[str, int | None, str | None, str]]:
    return [(f.file, f.row, f.column, f.message) for f in result.errors]


def messages(result: ImportResult) -> str:
    return "\n".join(f.message for f in [*result.errors, *result.warnings])


def set_class(db: Database, seq: int, **values: object) -> None:
    with db.write() as session:
        project_id = select(Project.id).where(Project.seq == seq).scalar_subquery()
        session.execute(
            update(TrainingClass).where(TrainingClass.project_id == project_id).values(**values)
        )


def mobiles(db: Database) -> list[str | None]:
    with db.read() as session:
        return list(session.scalars(select(Trainee.mobile).order_by(Trainee.mobile)))


def mark_responded(db: Database, number: str) -> None:
    with db.write() as session:
        session.execute(update(Trainee).where(Trainee.mobile == number).values(responded=True))


def test_a_province_file_in_the_ministry_layout(
    programme_db: Database, write_xlsx: WriteXlsx
) -> None:
    rows = annex3(
        [
            person(1, "张  三", 15400000001.0, note="骨干教师"),
            person(2, "李四", "154 0000 0002"),
            person(3, "王五", "+86 154-0000-0003", project=P1, base=B1),
        ]
    )
    path = write_xlsx("山东.xlsx", rows, merges=["A1:I1", "A2:I2", "B7:I7"])
    result = import_rosters(programme_db, [path])
    assert result.ok, errors(result)
    assert result.written
    assert (result.imported, result.updated, result.unchanged, result.removed) == (3, 0, 0, 0)
    assert [(p.seq, p.imported, p.enrolled, p.seats) for p in result.projects] == [
        (1, 1, 1, 52),
        (5, 2, 2, 50),
    ]
    with programme_db.read() as session:
        stored = {t.mobile: t for t in session.scalars(select(Trainee))}
        first = stored[mobile(1)]
        assert first.name == "张三"
        assert first.note == "骨干教师"
        assert first.responded is False
        assert first.province.short_name == "山东"
        assert first.training_class.project.seq == 5
        assert stored[mobile(3)].training_class.project.seq == 1
    assert set(stored) == {mobile(1), mobile(2), mobile(3)}


def test_a_gb18030_csv_with_every_quirk(programme_db: Database, write_csv: WriteCsv) -> None:
    rows = annex3(
        [
            person("１", "张\u3000三", "１５４ ００００ ０００１"),
            [],
            person(2, "李四", "15400000002.0"),
            [None] * 9,
            person(3, "王五", "+86-154-0000-0003"),
            person(4, "欧阳娜娜", "0086 15400000004", employer="\u3000山东 工业  职业学院 "),
        ]
    )
    rows[2] = [
        "序 号",
        "项目\n名称",
        "承训单位 ",
        "学员姓名",
        "单位名称",
        "所在部门\n（院系）及职务",
        "任教专业",
        "联系手机",
        "备注",
    ]
    path = write_csv("山东.csv", rows, encoding="gb18030")
    result = import_rosters(programme_db, [path])
    assert result.ok, errors(result)
    assert result.warnings == []
    assert result.imported == 4
    assert mobiles(programme_db) == [mobile(1), mobile(2), mobile(3), mobile(4)]
    with programme_db.read() as session:
        stored = {t.mobile: t for t in session.scalars(select(Trainee))}
    assert stored[mobile(1)].name == "张三"
    assert stored[mobile(4)].employer == "山东 工业 职业学院"


def test_bases_and_fields_by_alias(programme_db: Database, write_csv: WriteCsv) -> None:
    rows = annex3(
        [
            person(1, "张三", mobile(1), project=P10, base="深圳职业技术学院"),
            person(2, "李四", mobile(2), project=P14.replace("铁道", "铁路"), base=B14),
            person(3, "王五", mobile(3), project="集成电路领域", base=" 山东理工大学 "),
            person(4, "赵六", mobile(4), project="第1项", base=B1),
            person(5, "孙七", mobile(5), project=f"{P1}（集成电路类）", base=f"{B1}（淄博）"),
        ]
    )
    result = import_rosters(programme_db, [write_csv("别名.csv", rows, encoding="gb18030")])
    assert result.ok, errors(result)
    assert [p.seq for p in result.projects] == [1, 10, 14]


def test_unknown_project_and_base_and_a_base_that_does_not_run_it(
    programme_db: Database, write_xlsx: WriteXlsx
) -> None:
    rows = annex3(
        [
            person(1, "张三", mobile(1), project="区块链领域领军教师示范培训项目"),
            person(2, "李四", mobile(2), base="蓝翔技工学校"),
            person(3, "王五", mobile(3), project=P1),  # 集成电路 is not run by 广东技术师范大学
            person(4, "赵六", mobile(4), project="第 9 项", base=B1),
        ]
    )
    result = import_rosters(programme_db, [write_xlsx("山东.xlsx", rows)])
    assert [(row, column) for _, row, column, _ in errors(result)] == [
        (4, "项目名称"),
        (5, "承训单位"),
        (6, "承训单位"),
        (7, "承训单位"),
    ]
    text = messages(result)
    assert "“区块链领域领军教师示范培训项目”不是本年度的项目" in text
    assert "“蓝翔技工学校”不是本年度的承训基地" in text
    assert (
        "“广东技术师范大学”不承担集成电路领域的项目：该领域的承训基地是“山东理工大学”、“上海电子信息职业技术学院”"
        in text
    )
    assert "第 9 项的承训单位是“广东机电职业技术学院”" in text
    assert not result.written
    assert trainees(programme_db) == []


def test_province_from_the_line_or_the_option(
    programme_db: Database, write_xlsx: WriteXlsx
) -> None:
    template = write_xlsx("模板.xlsx", annex3([person(1, "张三", mobile(1))], "XX 省教育厅"))
    unknown = import_rosters(programme_db, [template], dry_run=True)
    [(_, row, _, message)] = errors(unknown)
    assert row == 2
    assert message.startswith("无法确定省份")

    hebei = import_rosters(programme_db, [template], province="河北省")
    assert hebei.ok
    with programme_db.read() as session:
        [stored] = session.scalars(select(Trainee))
        assert stored.province.short_name == "河北"


def test_unknown_province_option_is_a_usage_error(
    programme_db: Database, write_xlsx: WriteXlsx
) -> None:
    path = write_xlsx("山东.xlsx", annex3([person(1, "张三", mobile(1))]))
    with pytest.raises(RosterUsageError, match="--province “火星”不是省级单位") as caught:
        import_rosters(programme_db, [path], province="火星")
    assert caught.value.exit_code == 2


def test_the_line_and_the_option_disagree(programme_db: Database, write_xlsx: WriteXlsx) -> None:
    path = write_xlsx("山东.xlsx", annex3([person(1, "张三", mobile(1))]))
    result = import_rosters(programme_db, [path], province="兵团")
    [(_, row, _, message)] = errors(result)
    assert row == 2
    assert message.startswith("填表单位写的是山东，与 --province 指定的兵团不一致")
    # The same province in other words is no disagreement.
    assert import_rosters(programme_db, [path], province="山东省", dry_run=True).ok


def test_province_line_variants(programme_db: Database, write_xlsx: WriteXlsx) -> None:
    for authority, short in [
        ("新疆生产建设兵团教育局", "兵团"),
        ("内蒙古自治区教育厅 教师工作处", "内蒙古"),
        ("北京市教育委员会", "北京"),
        ("广西壮族自治区教育厅", "广西"),
    ]:
        path = write_xlsx(f"{short}.xlsx", annex3([person(1, "张三", mobile(1))], authority))
        result = import_rosters(programme_db, [path], dry_run=True)
        assert result.ok, (authority, errors(result))
    city = write_xlsx("青岛.xlsx", annex3([person(1, "张三", mobile(1))], "青岛市教育局"))
    [(_, _, _, message)] = errors(import_rosters(programme_db, [city], dry_run=True))
    assert message.startswith("填表单位“青岛市教育局（公章）”不是省级教育行政部门")
    warned = import_rosters(programme_db, [city], province="山东", dry_run=True)
    assert warned.ok
    assert "按 --province 指定的山东导入" in messages(warned)


def test_one_bad_row_among_a_thousand_imports_nothing(
    programme_db: Database, write_xlsx: WriteXlsx
) -> None:
    rows = people(1000)
    rows[636][7] = "1540000063"  # one digit short; data start on Excel row 4
    result = import_rosters(programme_db, [write_xlsx("山东.xlsx", annex3(rows))])
    assert errors(result) == [
        ("山东.xlsx", 640, "联系手机", "联系手机位数不对（10 位）：中国大陆手机号为 11 位")
    ]
    assert not result.written
    assert result.rows == 1000
    assert trainees(programme_db) == []


def test_importing_the_same_file_again_changes_nothing(
    programme_db: Database, write_xlsx: WriteXlsx
) -> None:
    path = write_xlsx("山东.xlsx", annex3(people(8)))
    first = import_rosters(programme_db, [path])
    assert (first.imported, first.updated, first.unchanged) == (8, 0, 0)
    before = trainees(programme_db)
    again = import_rosters(programme_db, [path])
    assert (again.imported, again.updated, again.unchanged, again.removed) == (0, 0, 8, 0)
    assert again.errors == []
    assert trainees(programme_db) == before


def test_a_corrected_file_updates_what_it_names(
    programme_db: Database, write_xlsx: WriteXlsx
) -> None:
    rows = people(4)
    import_rosters(programme_db, [write_xlsx("v1.xlsx", annex3(rows))])
    rows[1][4] = "山东交通职业学院"  # new employer
    rows[2][3] = f"{rows[2][3]}明"  # corrected name, same employer
    rows[3][7] = " +86 " + str(rows[3][7])  # same number, typed differently
    result = import_rosters(programme_db, [write_xlsx("v2.xlsx", annex3(rows))])
    assert result.ok, errors(result)
    assert (result.imported, result.updated, result.unchanged) == (0, 2, 2)
    [renamed] = result.warnings
    assert (renamed.row, renamed.column) == (6, "学员姓名")
    with programme_db.read() as session:
        stored = {t.mobile: t for t in session.scalars(select(Trainee))}
    assert stored[mobile(1)].employer == "山东交通职业学院"
    assert stored[mobile(2)].name == rows[2][3]


def test_the_same_mobile_twice_across_files(
    programme_db: Database, write_xlsx: WriteXlsx, write_csv: WriteCsv
) -> None:
    shandong = write_xlsx("山东.xlsx", annex3([person(1, "张三", mobile(1))]))
    hebei = write_csv(
        "河北.csv", annex3([person(1, "李四", 15400000001.0)], "河北省教育厅"), encoding="gb18030"
    )
    result = import_rosters(programme_db, [shandong, hebei])
    [(file, row, column, message)] = errors(result)
    assert (file, row, column) == ("河北.csv", 4, "联系手机")
    assert message.startswith("联系手机与山东.xlsx 第 4 行相同")


def test_already_registered_for_another_person(
    programme_db: Database, write_xlsx: WriteXlsx
) -> None:
    import_rosters(programme_db, [write_xlsx("山东.xlsx", annex3([person(1, "张三", mobile(1))]))])
    hebei = write_xlsx("河北.xlsx", annex3([person(1, "张三", mobile(1))], "河北省教育厅"))
    [(_, row, column, message)] = errors(import_rosters(programme_db, [hebei]))
    assert (row, column) == (4, "联系手机")
    assert message.startswith("联系手机已登记在山东名单中的另一名学员名下")
    stranger = write_xlsx(
        "山东2.xlsx", annex3([person(1, "李四", mobile(1), employer="山东交通职业学院")])
    )
    [(_, _, _, message)] = errors(import_rosters(programme_db, [stranger]))
    assert "姓名和单位名称都不同" in message


def test_entries_no_longer_listed_are_reported_and_replaced(
    programme_db: Database, write_xlsx: WriteXlsx
) -> None:
    rows = people(5)
    import_rosters(programme_db, [write_xlsx("v1.xlsx", annex3(rows))])
    mark_responded(programme_db, mobile(4))
    shorter = write_xlsx("v2.xlsx", annex3(rows[:3]))

    kept = import_rosters(programme_db, [shorter])
    assert kept.ok
    assert [(m.name, m.removed, m.responded) for m in kept.missing] == [
        (rows[3][3], False, False),
        (rows[4][3], False, True),
    ]
    assert "山东已登记的 2 名学员不在本次名单中，仍保留登记" in messages(kept)
    assert len(trainees(programme_db)) == 5

    replaced = import_rosters(programme_db, [shorter], replace=True)
    assert replaced.removed == 1
    assert [p.removed for p in replaced.projects] == [1]
    assert "按 --replace 移除其中 1 名；另有 1 名已提交评价，不能移除，仍保留" in messages(replaced)
    assert mobiles(programme_db) == [mobile(0), mobile(1), mobile(2), mobile(4)]


def test_replace_stays_inside_the_provinces_of_the_import(
    programme_db: Database, write_xlsx: WriteXlsx
) -> None:
    import_rosters(programme_db, [write_xlsx("山东.xlsx", annex3(people(2)))])
    hebei = write_xlsx("河北.xlsx", annex3(people(2, start=10), "河北省教育厅"))
    result = import_rosters(programme_db, [hebei], replace=True)
    assert result.missing == []
    assert len(trainees(programme_db)) == 4


def test_moving_a_trainee_to_another_project(programme_db: Database, write_xlsx: WriteXlsx) -> None:
    rows = people(2)
    import_rosters(programme_db, [write_xlsx("v1.xlsx", annex3(rows))])
    rows[0][1:3] = [P1, B1]
    rows[1][1:3] = [P1, B1]
    mark_responded(programme_db, mobile(1))
    refused = import_rosters(programme_db, [write_xlsx("v2.xlsx", annex3(rows))])
    [(_, row, column, message)] = errors(refused)
    assert (row, column) == (5, "项目名称")
    assert "已在第 5 项提交了评价，不能改到第 1 项" in message

    moved = import_rosters(programme_db, [write_xlsx("v3.xlsx", annex3(rows[:1]))])
    assert moved.ok
    assert [(p.seq, p.updated, p.enrolled) for p in moved.projects] == [(1, 1, 1)]
    with programme_db.read() as session:
        moved_entry = session.scalar(select(Trainee).where(Trainee.mobile == mobile(0)))
        assert moved_entry is not None
        assert moved_entry.training_class.project.seq == 1


def test_finished_classes(programme_db: Database, write_xlsx: WriteXlsx) -> None:
    rows = people(2)
    import_rosters(programme_db, [write_xlsx("v1.xlsx", annex3(rows[:1]))])
    set_class(programme_db, 5, state="closed", released_on=date(2024, 12, 1))
    rows[0][6] = "大数据技术"
    result = import_rosters(programme_db, [write_xlsx("v2.xlsx", annex3(rows))])
    [(_, row, column, message)] = errors(result)
    assert (row, column) == (5, "项目名称")
    assert message.startswith("第 5 项的培训班已结束，不能再加入学员")
    frozen = import_rosters(programme_db, [write_xlsx("v3.xlsx", annex3(rows[:1]))])
    assert frozen.ok
    assert frozen.unchanged == 1
    assert "名单不再修改，本行的更改未导入" in messages(frozen)


def test_more_trainees_than_seats_is_a_warning(
    programme_db: Database, write_xlsx: WriteXlsx
) -> None:
    # 山东 has 4 seats in project 1 (annex 2 as published).
    rows = people(6, project=P1, base=B1)
    result = import_rosters(programme_db, [write_xlsx("山东.xlsx", annex3(rows))])
    assert result.ok
    assert result.imported == 6
    [warning] = result.warnings
    assert (warning.row, warning.column) == (8, "项目名称")
    assert warning.message.startswith(
        "山东报送第 1 项（山东理工大学）的学员共 6 人，超过附件2 分配的 4 个名额"
    )
    assert "附件2 公布的名额表本身有 18 处不一致" in warning.message


def test_a_title_of_another_year_is_an_error(programme_db: Database, write_xlsx: WriteXlsx) -> None:
    rows = annex3([person(1, "张三", mobile(1))])
    rows[0] = ["2023年“职教国培”示范项目参训人员汇总表"]
    [(_, _, _, message)] = errors(import_rosters(programme_db, [write_xlsx("旧.xlsx", rows)]))
    assert message.startswith("文件标题写的是 2023 年，而导入的是 2024 年的项目")


def test_a_dry_run_reports_and_writes_nothing(
    programme_db: Database, write_xlsx: WriteXlsx
) -> None:
    result = import_rosters(
        programme_db, [write_xlsx("山东.xlsx", annex3(people(3)))], dry_run=True
    )
    assert result.ok
    assert result.dry_run
    assert not result.written
    assert result.imported == 3
    assert trainees(programme_db) == []


def test_uploaded_bytes(programme_db: Database, write_xlsx: WriteXlsx) -> None:
    path = write_xlsx("x.xlsx", annex3(people(2)))
    result = import_rosters(programme_db, [RosterFile("山东名单.xlsx", path.read_bytes())])
    assert result.files == ["山东名单.xlsx"]
    assert result.imported == 2


def test_file_level_errors_block_the_import(programme_db: Database, write_xlsx: WriteXlsx) -> None:
    good = write_xlsx("山东.xlsx", annex3(people(2)))
    result = import_rosters(programme_db, [good, RosterFile("旧.xls", b"\xd0\xcf\x11\xe0")])
    assert [(f, r) for f, r, _, _ in errors(result)] == [("旧.xls", None)]
    assert trainees(programme_db) == []


def test_usage_errors(db: Database, programme_db: Database, write_xlsx: WriteXlsx) -> None:
    with pytest.raises(RosterUsageError, match="没有要导入的文件"):
        import_rosters(programme_db, [])
    with pytest.raises(UsageError, match="没有 2019 年的培训项目"):
        import_rosters(programme_db, [write_xlsx("a.xlsx", annex3([]))], year=2019)


def test_no_personal_data_in_the_logs(
    programme_db: Database, write_xlsx: WriteXlsx, caplog: pytest.LogCaptureFixture
) -> None:
    rows = people(3)
    rows[2][7] = "1540000000"  # an error, so the findings path is logged too
    with caplog.at_level(logging.DEBUG):
        import_rosters(programme_db, [write_xlsx("山东.xlsx", annex3(rows))])
        rows[2][7] = mobile(2)
        import_rosters(programme_db, [write_xlsx("山东.xlsx", annex3(rows))])
    assert "roster import" in caplog.text
    for row in rows:
        for personal in (row[3], row[4], row[7]):
            assert str(personal) not in caplog.text
    assert "1540000000" not in caplog.text


def test_removed_and_moved_trainees_take_their_live_tokens_along(
    programme_db: Database, write_xlsx: WriteXlsx
) -> None:
    # The token table belongs to the anonymity package; its foreign key cascades, so a slip
    # handed out for an entry that no longer exists (or now sits in another class) is void.
    from anonymity.models import Token

    rows = people(3)
    import_rosters(programme_db, [write_xlsx("v1.xlsx", annex3(rows))])
    with programme_db.write() as session:
        for trainee in session.scalars(select(Trainee)):
            session.add(
                Token(
                    digest=os.urandom(32),
                    class_id=trainee.class_id,
                    trainee_id=trainee.id,
                    spent=False,
                )
            )
    rows[0][1:3] = [P1, B1]  # moved to project 1
    result = import_rosters(programme_db, [write_xlsx("v2.xlsx", annex3(rows[:2]))], replace=True)
    assert result.ok, errors(result)
    assert (result.updated, result.unchanged, result.removed) == (1, 1, 1)
    with programme_db.read() as session:
        holders = session.scalars(
            select(Trainee.mobile).join(Token, Token.trainee_id == Trainee.id)
        ).all()
    assert holders == [mobile(1)]  # only the untouched trainee still holds a token
