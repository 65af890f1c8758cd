"""Training plans: the reader of CSV and xlsx files, and the practical share."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from questionnaires import Course, TrainingPlan
from survey.instruments.plan_file import MAX_FILE_BYTES, read_plan, read_plan_bytes
from survey.intake.findings import error

CSV_TEXT = (
    "2024年“职教国培”机器人领域领军教师示范培训班课程安排,,,,,\n"
    "序号,课程名称,授课教师,课程类型,学时,备注\n"
    "1,工业机器人技术发展前沿,张三,理论,4,\n"
    "2,工业机器人离线编程实训,李四,实训,8,实训室A\n"
    "3,专业群建设与课程改革,王五,理论课,4,\n"
    "4,企业现场教学,赵六（企业导师）,实践课,8,\n"
)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def assert_sample_plan(plan: TrainingPlan | None) -> None:
    assert plan is not None
    assert plan.courses == (
        Course("c01", "工业机器人技术发展前沿", "张三", "theory", 4.0),
        Course("c02", "工业机器人离线编程实训", "李四", "practice", 8.0),
        Course("c03", "专业群建设与课程改革", "王五", "theory", 4.0),
        Course("c04", "企业现场教学", "赵六（企业导师）", "practice", 8.0),
    )


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "gb18030"], ids=["utf8", "utf8-bom", "gb18030"]
)
def test_csv_encodings(tmp_path: Path, encoding: str) -> None:
    result = read_plan(write(tmp_path, "plan.csv", CSV_TEXT.encode(encoding)))
    assert result.ok, [str(e) for e in result.errors]
    assert result.errors == ()
    assert result.warnings == ()
    assert_sample_plan(result.plan)


def test_gb18030_is_really_not_utf8() -> None:
    # The test above only means something if the GB18030 bytes do not decode as UTF-8.
    with pytest.raises(UnicodeDecodeError):
        CSV_TEXT.encode("gb18030").decode("utf-8")


def test_utf16_tab_separated(tmp_path: Path) -> None:
    text = CSV_TEXT.replace(",", "\t")
    result = read_plan(write(tmp_path, "plan.txt", text.encode("utf-16")))
    assert_sample_plan(result.plan)


def test_xlsx_with_title_row_and_total(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["机器人领域培训班课程表"])
    sheet.merge_cells("A1:E1")
    sheet.append(["序号", "课程名称", "主讲教师", "课程类别", "学时（h）"])
    sheet.append([1, "工业机器人技术发展前沿", "张三", "理论", 4])
    sheet.append([2, "工业机器人离线编程实训", "李四", "实训", 8.0])
    sheet.append([None, None, None, None, None])
    sheet.append([3, "专业群建设与课程改革", " 王五 ", "理论课", "4学时"])
    sheet.append([4, "企业现场教学", "赵六（企业导师）", "实践课", "８"])
    sheet.append([None, "合计", None, None, 24])
    path = tmp_path / "plan.xlsx"
    workbook.save(path)
    result = read_plan(path)
    assert result.ok, [str(e) for e in result.errors]
    assert_sample_plan(result.plan)


def test_xlsx_errors_carry_excel_rows_and_columns(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["课程安排"])
    sheet.append(["课程名称", "授课教师", "课程类型", "学时"])
    sheet.append(["课程一", "张三", "理论", 4])
    sheet.append(["课程二", "李四", "理实一体", "四"])
    sheet.append([None, "王五", "实践", 0])
    sheet.append(["课程一", "张三", "实践", 500])
    path = tmp_path / "plan.xlsx"
    workbook.save(path)
    result = read_plan(path)
    assert result.plan is None
    found = {(e.row, e.letter, e.column): e.message for e in result.errors}
    assert "理实一体的课程请按学时拆成理论、实践两行" in found[(4, "C", "课程类型")]
    assert found[(4, "D", "学时")] == "学时应为数字，实际为“四”"
    assert found[(5, "A", "课程名称")] == "课程名称为空"
    assert found[(5, "D", "学时")] == "学时必须大于 0，实际为 0"
    assert "与第 3 行的课程名称和授课教师相同" in found[(6, "A", "课程名称")]
    assert "过大" in found[(6, "D", "学时")]
    assert len(result.errors) == 6
    assert str(result.errors[0]).startswith("第 4 行 C 列（课程类型）：课程类型应为")


def test_header_aliases_and_extra_columns(tmp_path: Path) -> None:
    text = "专题名称,授课专家,备注,类型,课时数\n数字孪生技术,陈七,,实践,6.5\n"
    result = read_plan(write(tmp_path, "plan.csv", text.encode()))
    assert result.plan == TrainingPlan((Course("c01", "数字孪生技术", "陈七", "practice", 6.5),))


def test_semicolon_separated(tmp_path: Path) -> None:
    text = "课程名称;授课教师;课程类型;学时\n课程一;张三;实践;4\n"
    result = read_plan(write(tmp_path, "plan.csv", text.encode()))
    assert result.plan is not None
    assert result.plan.courses[0].name == "课程一"


def test_whitespace_and_line_breaks_in_cells(tmp_path: Path) -> None:
    text = '课程名称,授课教师,课程类型,学时\n"智能制造\n  专题讲座",  张三 ,理 论,4\n'
    result = read_plan(write(tmp_path, "plan.csv", text.encode()))
    assert result.plan == TrainingPlan((Course("c01", "智能制造 专题讲座", "张三", "theory", 4.0),))


def test_course_ids_follow_file_order(tmp_path: Path) -> None:
    rows = "".join(f"课程{n},教师{n},实践,2\n" for n in range(1, 13))
    result = read_plan(
        write(tmp_path, "plan.csv", ("课程名称,授课教师,课程类型,学时\n" + rows).encode())
    )
    assert result.plan is not None
    assert [c.id for c in result.plan.courses][8:] == ["c09", "c10", "c11", "c12"]
    assert result.plan.courses[9].name == "课程10"


def test_missing_column_is_named(tmp_path: Path) -> None:
    text = "标题\n课程名称,授课教师,课程类型\n课程一,张三,理论\n"
    result = read_plan(write(tmp_path, "plan.csv", text.encode()))
    assert result.plan is None
    assert [str(e) for e in result.errors] == [
        "表头（第 2 行）缺少列：学时（需要 课程名称、授课教师、课程类型、学时 四列）"
    ]


def test_no_header_at_all(tmp_path: Path) -> None:
    result = read_plan(write(tmp_path, "plan.csv", b"a,b,c\n1,2,3\n"))
    assert result.plan is None
    assert (
        result.errors[0].message == "未找到表头：需要包含 课程名称、授课教师、课程类型、学时 四列"
    )


def test_duplicate_header_column(tmp_path: Path) -> None:
    text = "课程名称,授课教师,课程类型,学时,课时\n课程一,张三,理论,4,4\n"
    result = read_plan(write(tmp_path, "plan.csv", text.encode()))
    assert result.plan is None
    assert [str(e) for e in result.errors] == ["第 1 行：表头中“学时”出现了多次（D、E 列）"]


def test_header_without_courses(tmp_path: Path) -> None:
    result = read_plan(
        write(tmp_path, "plan.csv", "课程名称,授课教师,课程类型,学时\n,,,\n".encode())
    )
    assert result.plan is None
    assert result.errors[0].message == "表头下没有任何课程"


def test_total_row_must_match(tmp_path: Path) -> None:
    text = (
        "课程名称,授课教师,课程类型,学时\n"
        "课程一,张三,理论,4\n"
        "小计,,,4\n"
        "课程二,李四,实践,4\n"
        "合 计,,,10\n"
    )
    result = read_plan(write(tmp_path, "plan.csv", text.encode()))
    assert result.plan is None
    assert [str(e) for e in result.errors] == [
        "第 5 行 D 列（学时）：合计行的学时 10 与各课程学时之和 8 不符",
    ]
    fixed = read_plan(write(tmp_path, "fixed.csv", text.replace(",10", ",8").encode()))
    assert fixed.plan is not None
    assert len(fixed.plan.courses) == 2


def test_teacher_and_kind_required(tmp_path: Path) -> None:
    text = "课程名称,授课教师,课程类型,学时\n课程一,,,4\n"
    result = read_plan(write(tmp_path, "plan.csv", text.encode()))
    messages = {(e.letter, e.message.split("，")[0]) for e in result.errors}
    assert messages == {
        ("B", "授课教师为空"),
        ("C", "课程类型应为“理论”或“实践”（也可写理论课、实践课、实训）"),
    }
    assert "实际为空" in result.errors[1].message


def test_practical_share_warning(tmp_path: Path) -> None:
    text = "课程名称,授课教师,课程类型,学时\n课程一,张三,理论,6\n课程二,李四,实践,4\n"
    result = read_plan(write(tmp_path, "plan.csv", text.encode()))
    assert result.ok
    assert [w.message for w in result.warnings] == [
        "实践课程学时占比 40.0%（理论 6 学时，实践 4 学时），低于通知要求的 50%"
    ]


def test_many_courses_warning(tmp_path: Path) -> None:
    rows = "".join(f"课程{n},教师{n},实践,2\n" for n in range(1, 23))
    result = read_plan(
        write(tmp_path, "plan.csv", ("课程名称,授课教师,课程类型,学时\n" + rows).encode())
    )
    assert result.ok
    assert len(result.warnings) == 1
    assert "共 22 门课程" in result.warnings[0].message


def test_old_excel_is_refused(tmp_path: Path) -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100
    for name in ("plan.xls", "plan.csv"):
        result = read_plan(write(tmp_path, name, ole))
        assert result.plan is None
        assert "旧版 Excel（.xls）" in result.errors[0].message


def test_xlsx_renamed_to_csv_still_reads(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["课程名称", "授课教师", "课程类型", "学时"])
    sheet.append(["课程一", "张三", "实践", 2])
    path = tmp_path / "plan.xlsx"
    workbook.save(path)
    result = read_plan_bytes(path.read_bytes(), "课程表.csv")
    assert result.plan is not None


def test_header_on_a_later_sheet(tmp_path: Path) -> None:
    workbook = Workbook()
    notes = workbook.active
    assert notes is not None
    notes.append(["填表说明：课程类型填理论或实践"])
    sheet = workbook.create_sheet("课程")
    sheet.append(["课程名称", "授课教师", "课程类型", "学时"])
    sheet.append(["课程一", "张三", "实践", 2])
    path = tmp_path / "plan.xlsx"
    workbook.save(path)
    result = read_plan(path)
    assert result.plan is not None


def test_damaged_files(tmp_path: Path) -> None:
    damaged = read_plan(write(tmp_path, "plan.xlsx", b"PK\x03\x04 not really a zip"))
    assert "无法打开工作簿" in damaged.errors[0].message
    not_xlsx = read_plan(write(tmp_path, "plan2.xlsx", "课程名称\n".encode()))
    assert "不是有效的 .xlsx 工作簿" in not_xlsx.errors[0].message
    undecodable = read_plan(write(tmp_path, "plan.csv", b"\xff\xfe\xfd\x80\x81" * 3))
    assert undecodable.plan is None
    assert undecodable.errors[0].message.startswith("无法识别文件编码")
    empty = read_plan(write(tmp_path, "empty.csv", b"  \n"))
    assert empty.errors[0].message == "文件是空的"
    nul = read_plan(
        write(
            tmp_path,
            "nul.csv",
            "课程名称,授课教师,课程类型,学时\n课\0程,张\x1b三,理论,4\n".encode(),
        )
    )
    assert nul.plan is None
    assert [(e.letter, e.message) for e in nul.errors] == [
        ("A", "课程名称含有不可见的控制字符"),
        ("B", "授课教师含有不可见的控制字符"),
    ]


def test_oversized_file() -> None:
    result = read_plan_bytes(b"x" * (MAX_FILE_BYTES + 1), "plan.csv")
    assert result.plan is None
    assert "文件过大" in result.errors[0].message


def test_missing_file(tmp_path: Path) -> None:
    result = read_plan(tmp_path / "nowhere.csv")
    assert result.plan is None
    assert result.errors[0].message.startswith("无法读取文件")


def test_practical_share() -> None:
    assert TrainingPlan().practical_share() is None
    plan = TrainingPlan(
        (
            Course("c01", "理论课", "甲", "theory", 3.0),
            Course("c02", "实践课", "乙", "practice", 9.0),
        )
    )
    assert plan.practical_share() == pytest.approx(0.75)
    assert plan.course("c02") == plan.courses[1]
    assert plan.course("c03") is None


def test_finding_text() -> None:
    assert str(error("plan.csv", None, None, "文件是空的")) == "文件是空的"
    assert str(error("plan.csv", 3, None, "表头有误")) == "第 3 行：表头有误"
    assert str(error("plan.csv", 7, "学时", "学时为空", "D")) == "第 7 行 D 列（学时）：学时为空"
