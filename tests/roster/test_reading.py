"""Reading annex 3 files as they arrive: header by labels, preamble, blank rows, CSV encodings."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from survey.roster.layout import column_for_label
from survey.roster.reading import RosterFile, read_roster
from tests.roster.builders import P5, WriteCsv, WriteXlsx, annex3, mobile, people, person


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("所在部门\n(院系)及职务", "department"),
        ("所在部门（院系）及职务", "department"),
        ("所在部门 (院系) 及职务", "department"),
        (" 学员 姓名 ", "name"),
        ("学员姓名", "name"),
        ("＊联系手机：", "mobile"),
        ("手机号码", "mobile"),
        ("承训基地", "base"),
        ("序  号", "seq"),
        ("身份证号", None),
    ],
)
def test_header_labels_fold_width_spaces_breaks_and_brackets(label: str, key: str | None) -> None:
    assert column_for_label(label) == key


def test_the_ministry_layout(write_xlsx: WriteXlsx) -> None:
    rows = annex3([person(1, "张三", mobile(1)), person(2, "李四", mobile(2))])
    path = write_xlsx("山东.xlsx", rows, merges=["A1:I1", "A2:I2", "B6:I6"])
    read = read_roster(path)
    assert read.findings == []
    [sheet] = read.sheets
    assert sheet.header_row == 3
    assert sheet.filler is not None
    assert sheet.filler.startswith("山东省教育厅（公章）")
    assert sheet.filler_row == 2
    assert sheet.year == 2024
    assert [r.number for r in sheet.rows] == [4, 5]  # the 备注 row (6) is not a trainee
    assert sheet.rows[0].texts["name"] == "张三"
    assert sheet.rows[0].texts["department"] == "智能制造学院 专任教师"


def test_filler_line_split_over_cells(write_xlsx: WriteXlsx) -> None:
    rows = [
        ["2024年“职教国培”示范项目参训人员汇总表"],
        [
            "填表单位：",
            "河北省教育厅（公章）",
            "负责部门（处室）：",
            "教师处",
            "填表人：",
            "",
            "联系电话：",
        ],
        *annex3([person(1, "张三", mobile(1))])[2:],
    ]
    [sheet] = read_roster(write_xlsx("河北.xlsx", rows)).sheets
    assert sheet.filler == "河北省教育厅（公章）"


def test_columns_in_any_order_with_stray_spaces_and_full_width(write_xlsx: WriteXlsx) -> None:
    header = ["联系手机", " 学员 姓名", "承训单位", "项目名称", "单位名称", "任教专业", "序号"]
    header[4] = "单位名称\u3000"
    data = [mobile(7), "王五", "广东技术师范大学", P5, "河北工业职业学院", "软件技术", 1]
    read = read_roster(write_xlsx("乱序.xlsx", [header, data]))
    assert read.findings == []
    [sheet] = read.sheets
    texts = sheet.rows[0].texts
    assert texts["name"] == "王五"
    assert texts["project"] == P5
    assert texts["seq"] == "1"
    assert sheet.rows[0].mobile == mobile(7)


def test_merged_and_wrapped_header_over_two_rows(write_xlsx: WriteXlsx) -> None:
    # "所在部门(院系)及职务" merged over two columns with 部门 / 职务 below, "联系方式" over 手机.
    rows = [
        [
            "序号",
            "项目名称",
            "承训单位",
            "学员姓名",
            "单位名称",
            "所在部门\n（院系）及职务",
            None,
            "任教\n专业",
            "联系方式",
        ],
        [None, None, None, None, None, "部门", "职务", None, "手机"],
        [
            1,
            P5,
            "广东技术师范大学",
            "赵六",
            "山东工业职业学院",
            "信息工程学院",
            "副院长",
            "软件技术",
            15400000009,
        ],
    ]
    path = write_xlsx("合并表头.xlsx", rows, merges=["F1:G1", "A1:A2", "B1:B2"])
    read = read_roster(path)
    assert read.findings == []
    [sheet] = read.sheets
    [row] = sheet.rows
    assert row.number == 3
    assert row.texts["department"] == "信息工程学院"
    assert row.texts["title"] == "副院长"
    assert row.mobile == 15400000009


def test_extra_columns_are_ignored_with_a_warning(write_xlsx: WriteXlsx) -> None:
    rows = annex3([person(1, "张三", mobile(1))])
    rows[2] = [*rows[2], "身份证号"]
    rows[3] = [*rows[3], "370102199001011234"]
    read = read_roster(write_xlsx("多列.xlsx", rows))
    [finding] = read.findings
    assert finding.severity == "warning"
    assert (finding.row, finding.column) == (3, "身份证号")
    assert "第 J 列" in finding.message
    assert "已忽略" in finding.message
    assert "id_number" not in read.sheets[0].rows[0].texts
    assert all("370102" not in v for v in read.sheets[0].rows[0].texts.values())


def test_data_under_no_header_is_reported(write_xlsx: WriteXlsx) -> None:
    rows = annex3([person(1, "张三", mobile(1)), person(2, "李四", mobile(2))])
    rows[4] = [*rows[4], None, "另一个手机"]
    read = read_roster(write_xlsx("无表头列.xlsx", rows))
    [finding] = read.findings
    assert finding.row == 5
    assert "第 K 列没有表头" in finding.message


def test_a_column_named_twice_is_read_once(write_xlsx: WriteXlsx) -> None:
    rows = annex3([person(1, "张三", mobile(1))])
    rows[2] = [*rows[2], "姓名"]
    rows[3] = [*rows[3], "别的"]
    read = read_roster(write_xlsx("重复列.xlsx", rows))
    [finding] = read.findings
    assert "“学员姓名”列出现了两次（第 D 列和第 J 列）" in finding.message
    assert read.sheets[0].rows[0].texts["name"] == "张三"


def test_missing_required_column_is_an_error(write_xlsx: WriteXlsx) -> None:
    rows = [[c for i, c in enumerate(r) if i != 7] for r in annex3([person(1, "张三", mobile(1))])]
    read = read_roster(write_xlsx("缺列.xlsx", rows))
    assert read.sheets == []
    [finding] = read.findings
    assert finding.severity == "error"
    assert finding.row == 3
    assert "表头缺少“联系手机”列" in finding.message


def test_a_file_without_a_header(write_xlsx: WriteXlsx) -> None:
    read = read_roster(
        write_xlsx("无表头.xlsx", [["张三", "13800138000"], ["李四", "13900139000"]])
    )
    [finding] = read.findings
    assert finding.severity == "error"
    assert finding.row is None
    assert "找不到名单的表头" in finding.message


def test_blank_rows_numbered_rows_and_footers(write_xlsx: WriteXlsx) -> None:
    rows = annex3(
        [
            person(1, "张三", mobile(1)),
            [None] * 9,
            [],
            ["", " ", "\u3000"],
            person(2, "李四", mobile(2)),
        ]
    )
    rows.insert(-1, ["合计", None, None, "2人"])
    rows.append(["填表人：", "某某"])
    [sheet] = read_roster(write_xlsx("空行.xlsx", rows)).sheets
    assert [r.number for r in sheet.rows] == [4, 8]


def test_a_header_repeated_after_a_page_break_is_skipped(write_xlsx: WriteXlsx) -> None:
    rows = annex3(people(3))
    rows.insert(5, list(rows[2]))
    [sheet] = read_roster(write_xlsx("分页.xlsx", rows)).sheets
    assert [r.number for r in sheet.rows] == [4, 5, 7]


def test_a_note_column_first_does_not_swallow_trainees(write_xlsx: WriteXlsx) -> None:
    rows = [
        ["备注", "序号", "项目名称", "承训单位", "学员姓名", "单位名称", "联系手机"],
        ["备注：骨干", 1, P5, "广东技术师范大学", "张三", "某学院", mobile(1)],
    ]
    [sheet] = read_roster(write_xlsx("备注在前.xlsx", rows)).sheets
    assert len(sheet.rows) == 1
    assert sheet.rows[0].texts["note"] == "备注：骨干"


def test_every_visible_sheet_is_read_and_hidden_ones_are_reported(write_xlsx: WriteXlsx) -> None:
    first = annex3([person(1, "张三", mobile(1))])
    second = annex3([person(1, "李四", mobile(2))])
    path = write_xlsx(
        "多表.xlsx",
        first,
        extra_sheets={"说明": [["填表说明"]], "第二批": second, "原表": second},
        hidden=["原表"],
    )
    read = read_roster(path)
    assert [s.file for s in read.sheets] == ["多表.xlsx / Sheet1", "多表.xlsx / 第二批"]
    [finding] = read.findings
    assert finding.severity == "warning"
    assert "隐藏的工作表“原表”" in finding.message


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_csv_encodings(write_csv: WriteCsv, encoding: str) -> None:
    rows = annex3([person(1, "张三", "13800138000"), person(2, "欧阳娜娜", "+86 139 0013 9000")])
    read = read_roster(write_csv(f"山东-{encoding}.csv", rows, encoding=encoding))
    assert read.findings == []
    [sheet] = read.sheets
    assert sheet.filler is not None
    assert sheet.filler.startswith("山东省教育厅")
    assert [r.texts["name"] for r in sheet.rows] == ["张三", "欧阳娜娜"]
    assert [r.number for r in sheet.rows] == [4, 5]


def test_gb18030_is_what_chinese_excel_writes(write_csv: WriteCsv) -> None:
    path = write_csv("gb.csv", annex3([person(1, "𠀀张", mobile(1))]), encoding="gb18030")
    raw = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    [sheet] = read_roster(path).sheets
    assert sheet.rows[0].texts["name"] == "𠀀张"  # outside GBK: only GB18030 has it


def test_csv_with_tabs_and_a_cell_over_two_lines(write_csv: WriteCsv) -> None:
    rows = annex3(
        [person(1, "张三", mobile(1), note="第一行\n第二行"), person(2, "李四", mobile(2))]
    )
    [sheet] = read_roster(write_csv("制表符.txt", rows, delimiter="\t")).sheets
    # A quoted cell over two lines is still one Excel row.
    assert [r.number for r in sheet.rows] == [4, 5]
    assert sheet.rows[0].texts["note"] == "第一行 第二行"


def test_uploaded_bytes_are_read_like_files(write_xlsx: WriteXlsx) -> None:
    path = write_xlsx("上传.xlsx", annex3([person(1, "张三", mobile(1))]))
    read = read_roster(RosterFile("名单.xlsx", path.read_bytes()))
    assert read.file == "名单.xlsx"
    assert len(read.sheets[0].rows) == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("旧.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "旧版 Excel（.xls）"),
        ("坏.xlsx", b"not a zip", "不是有效的 .xlsx"),
        ("断.xlsx", b"PK\x03\x04" + b"\0" * 64, "无法打开工作簿"),
        ("名单.pdf", b"%PDF-1.4", "不支持 .pdf 文件"),
        ("乱码.csv", "序号,姓名".encode() + b"\xff", "无法识别文件编码"),
    ],
)
def test_unreadable_files_are_errors_of_the_file(name: str, content: bytes, message: str) -> None:
    read = read_roster(RosterFile(name, content))
    assert read.sheets == []
    [finding] = read.findings
    assert (finding.severity, finding.file, finding.row) == ("error", name, None)
    assert message in finding.message


def test_a_missing_file(tmp_path: Path) -> None:
    [finding] = read_roster(tmp_path / "没有.xlsx").findings
    assert "无法读取文件" in finding.message


def test_a_damaged_sheet(write_xlsx: WriteXlsx, tmp_path: Path) -> None:
    path = write_xlsx("好.xlsx", annex3([person(1, "张三", mobile(1))]))
    damaged = tmp_path / "坏表.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # cut off in the middle of the rows
            target.writestr(item, data)
    read = read_roster(damaged)
    assert read.sheets == []
    [finding] = read.findings
    assert finding.severity == "error"
    assert "工作表“Sheet1”已损坏" in finding.message
