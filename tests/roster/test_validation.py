"""The row checks on their own: each finding, its place, and a message that says what to fix."""

from __future__ import annotations

import pytest

from survey.intake.cells import cell_text
from survey.intake.findings import Finding
from survey.roster.matching import ProjectMatch
from survey.roster.reading import RawRow
from survey.roster.validation import (
    Entry,
    Registered,
    check_allocation,
    check_duplicates,
    check_registered,
    check_row,
    check_sequence,
    clean_name,
    name_problems,
)

GOOD = {
    "seq": "1",
    "project": "人工智能领域领军教师示范培训项目",
    "base": "广东技术师范大学",
    "name": "张三",
    "employer": "山东工业职业学院",
    "department": "智能制造学院 专任教师",
    "major": "软件技术",
    "mobile": "13800138000",
}


def resolve(project: str, base: str) -> ProjectMatch:
    if base == "不存在的学院":
        return ProjectMatch(None, "承训单位", "“不存在的学院”不是本年度的承训基地：请按附件1 填写")
    return ProjectMatch(5)


def row(number: int = 7, mobile: object = "13800138000", **texts: str) -> RawRow:
    """A raw row as the reader makes it: texts of the cells, the mobile cell as it was."""
    values = {**GOOD, **texts, "mobile": cell_text(mobile)}
    return RawRow(number, {k: v for k, v in values.items() if v}, mobile)


def check(raw: RawRow, province_id: int | None = 15) -> tuple[Entry | None, list[Finding]]:
    return check_row("山东.xlsx", raw, province_id, resolve)


def test_a_good_row() -> None:
    entry, findings = check(row())
    assert findings == []
    assert entry == Entry(
        file="山东.xlsx",
        row=7,
        province_id=15,
        project_id=5,
        name="张三",
        employer="山东工业职业学院",
        department="智能制造学院 专任教师",
        major="软件技术",
        mobile="13800138000",
        note=None,
    )


@pytest.mark.parametrize(
    ("key", "column"),
    [
        ("project", "项目名称"),
        ("base", "承训单位"),
        ("name", "学员姓名"),
        ("employer", "单位名称"),
        ("mobile", "联系手机"),
    ],
)
def test_missing_required_fields(key: str, column: str) -> None:
    blank: dict[str, str] = {key: ""}
    raw = row(7, **blank) if key != "mobile" else row(mobile=None)
    entry, findings = check(raw)
    assert entry is None
    [finding] = findings
    assert (finding.severity, finding.file, finding.row, finding.column) == (
        "error",
        "山东.xlsx",
        7,
        column,
    )
    assert finding.message == f"未填写{column}：请补填"


def test_optional_fields_may_be_empty() -> None:
    entry, findings = check(row(department="", major="", seq=""))
    assert findings == []
    assert entry is not None
    assert entry.department is None
    assert entry.major is None


def test_an_invalid_mobile_names_the_row_not_the_number() -> None:
    entry, [finding] = check(row(mobile=1380013800.0))
    assert entry is None
    assert (finding.row, finding.column) == (7, "联系手机")
    assert finding.message == "联系手机位数不对（10 位）：中国大陆手机号为 11 位"


def test_an_unknown_base_comes_from_the_matcher() -> None:
    entry, [finding] = check(row(base="不存在的学院"))
    assert entry is None
    assert (finding.column, finding.severity) == ("承训单位", "error")


def test_every_problem_of_a_row_is_reported_at_once() -> None:
    _, findings = check(row(name="", base="不存在的学院", mobile="12345"))
    assert sorted(f.column or "" for f in findings) == ["学员姓名", "承训单位", "联系手机"]


def test_a_row_without_province_is_checked_but_not_kept() -> None:
    entry, findings = check(row(), province_id=None)
    assert entry is None
    assert findings == []


def test_too_long_text_is_an_error() -> None:
    entry, [finding] = check(row(employer="某" * 201))
    assert entry is None
    assert finding.message == "单位名称超过 200 个字（现有 201 个）：请精简"


def test_a_split_title_column_joins_the_department() -> None:
    entry, _ = check(row(department="信息工程学院", title="副院长"))
    assert entry is not None
    assert entry.department == "信息工程学院 副院长"


def test_a_numbered_empty_template_row_is_skipped_silently() -> None:
    assert check(RawRow(9, {"seq": "9"}, None)) == (None, [])


def test_a_row_with_only_a_project_is_a_warning() -> None:
    entry, [finding] = check(RawRow(9, {"seq": "9", "project": GOOD["project"]}, None))
    assert entry is None
    assert finding.severity == "warning"
    assert "没有学员信息" in finding.message


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("张  三", "张三"),
        ("张\u3000三", "张三"),
        ("艾力•买买提", "艾力·买买提"),
        ("John  Smith", "John Smith"),
        ("Ｌｉ Ｌｅｉ", "Li Lei"),
    ],
)
def test_clean_name(raw: str, clean: str) -> None:
    assert clean_name(raw) == clean


@pytest.mark.parametrize(
    ("name", "problems"),
    [
        ("张三", []),
        ("欧阳娜娜", []),
        ("艾力·买买提", []),
        ("阿依古丽·阿不都热依木", []),
        ("张三2", ["含有数字"]),
        ("Zhang San", ["含有拉丁字母"]),
        ("张三（副院长）", ["含有括号、标点等符号", "有 5 个字"]),
        ("张", ["只有一个字"]),
        ("张三李四王", ["有 5 个字"]),
    ],
)
def test_unusual_names(name: str, problems: list[str]) -> None:
    assert name_problems(name) == problems


def test_an_unusual_name_is_a_warning_only() -> None:
    entry, [finding] = check(row(name="张三2"))
    assert entry is not None
    assert finding.severity == "warning"
    assert finding.column == "学员姓名"
    assert finding.message.startswith("学员姓名含有数字，不太常见：请核对")


def test_text_that_starts_like_a_formula_is_kept_with_a_warning() -> None:
    entry, findings = check(row(name='=HYPERLINK("http://x.invalid","点此")', note="-无"))
    assert entry is not None  # kept as typed: exports neutralise it
    formula = [f for f in findings if "公式" in f.message]
    assert {f.column for f in formula} == {"学员姓名", "备注"}
    assert all(f.severity == "warning" for f in formula)
    assert "单引号" in formula[0].message


def sequence(*numbers: str) -> list[Finding]:
    return check_sequence("山东.xlsx", [RawRow(i + 4, {"seq": n}) for i, n in enumerate(numbers)])


def test_sequence_in_order_or_restarting_per_project() -> None:
    assert sequence("1", "2", "3", "1", "2", "", "3") == []


def test_sequence_out_of_order() -> None:
    [gap, twice] = sequence("1", "2", "4", "4")
    assert (gap.severity, gap.row, gap.column) == ("warning", 6, "序号")
    assert gap.message == "序号 4 没有接着上一行的 2：请核对是否漏填、重复或顺序错了"
    assert twice.row == 7


def test_sequence_not_a_number() -> None:
    [finding] = sequence("1", "二")
    assert finding.message.startswith("序号不是数字")


def entry(row: int, mobile: str, file: str = "山东.xlsx", **kw: object) -> Entry:
    values: dict[str, object] = {
        "province_id": 15,
        "project_id": 5,
        "name": "张三",
        "employer": "山东工业职业学院",
        "department": None,
        "major": None,
        "note": None,
    }
    values.update(kw)
    return Entry(file=file, row=row, mobile=mobile, **values)  # type: ignore[arg-type]


def test_the_same_mobile_twice_in_one_import() -> None:
    findings = check_duplicates(
        [
            entry(4, "13800138000"),
            entry(5, "13900139000"),
            entry(6, "13800138000"),
            entry(9, "13800138000", file="河北.xlsx"),
        ]
    )
    assert [(f.file, f.row) for f in findings] == [("山东.xlsx", 6), ("河北.xlsx", 9)]
    assert findings[0].message.startswith("联系手机与第 4 行相同")
    assert findings[1].message.startswith("联系手机与山东.xlsx 第 4 行相同")
    assert all("13800138000" not in f.message for f in findings)


def registered(**kw: object) -> Registered:
    values: dict[str, object] = {
        "id": 1,
        "province_id": 15,
        "province": "山东",
        "project_id": 5,
        "project_seq": 5,
        "class_id": 5,
        "class_closed": False,
        "name": "张三",
        "employer": "山东工业职业学院",
        "department": None,
        "major": None,
        "note": None,
        "responded": False,
    }
    values.update(kw)
    return Registered(**values)  # type: ignore[arg-type]


def test_same_person_updates() -> None:
    assert check_registered(entry(4, "13800138000"), registered(), False, 5) is None
    # A corrected name at the same school is the same person.
    assert check_registered(entry(4, "13800138000", name="张叁"), registered(), False, 5) is None
    # So is a new school under the same name.
    assert check_registered(entry(4, "1", employer="别的学院"), registered(), False, 5) is None


def test_another_province_is_another_person() -> None:
    finding = check_registered(entry(4, "1"), registered(province_id=3, province="河北"), False, 5)
    assert finding is not None
    assert (finding.severity, finding.column) == ("error", "联系手机")
    assert finding.message.startswith("联系手机已登记在河北名单中的另一名学员名下")


def test_nothing_in_common_but_the_mobile_is_another_person() -> None:
    other = entry(4, "1", name="李四", employer="别的学院")
    finding = check_registered(other, registered(), False, 5)
    assert finding is not None
    assert "姓名和单位名称都不同" in finding.message


def test_a_respondent_cannot_move_to_another_project() -> None:
    finding = check_registered(entry(4, "1", project_id=9), registered(responded=True), False, 9)
    assert finding is not None
    assert finding.column == "项目名称"
    assert "已在第 5 项提交了评价，不能改到第 9 项" in finding.message
    assert check_registered(entry(4, "1", project_id=9), registered(), False, 9) is None


def test_no_move_into_or_out_of_a_finished_class() -> None:
    out = check_registered(entry(4, "1", project_id=9), registered(class_closed=True), False, 9)
    into = check_registered(entry(4, "1", project_id=9), registered(), True, 9)
    assert out is not None
    assert "第 5 项培训班已结束" in out.message
    assert into is not None
    assert "第 9 项的培训班已结束" in into.message


def test_allocation_points_at_the_first_row_over() -> None:
    rows = [entry(4 + i, str(i)) for i in range(5)]
    findings = check_allocation(
        rows,
        {(5, 15): 6},
        {(5, 15): 4},
        lambda _: "山东",
        lambda _: "第 5 项（广东技术师范大学）",
        "附件2 公布的名额表本身有 18 处不一致，名额以项目办核实的为准",
    )
    [finding] = findings
    # One trainee was registered before; the 4th seat goes to row 6, row 7 is the first over.
    assert (finding.severity, finding.row, finding.column) == ("warning", 7, "项目名称")
    assert finding.message == (
        "山东报送第 5 项（广东技术师范大学）的学员共 6 人，超过附件2 分配的 4 个名额："
        "请与项目办核实是否多报或项目填错"
        "（附件2 公布的名额表本身有 18 处不一致，名额以项目办核实的为准）"
    )


def test_allocation_without_seats_and_within_seats() -> None:
    rows = [entry(4, "1")]
    [none] = check_allocation(rows, {(5, 15): 1}, {}, lambda _: "山东", lambda _: "第 5 项", None)
    assert none.message.startswith("附件2 没有给山东分配第 5 项的名额，现报送 1 人")
    assert none.message.endswith("项目填错")
    assert check_allocation(rows, {(5, 15): 1}, {(5, 15): 1}, str, str, None) == []
