"""The spreadsheet intake shared by the roster, training-plan and workbook readers."""

from __future__ import annotations

import codecs

import pytest

from survey.intake.cells import column_letter
from survey.intake.tables import IntakeError, choose_delimiter, decode_text, open_tables

TEXT = "学员姓名,联系手机\n张三,13800138000\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        TEXT.encode("gb18030"),
        TEXT.encode("utf-16"),
    ],
    ids=["utf-8", "utf-8-bom", "gb18030", "utf-16"],
)
def test_csv_in_every_encoding_excel_writes_reads_the_same(data: bytes) -> None:
    assert decode_text(data) == TEXT
    with open_tables("名单.csv", data) as tables:
        assert [list(table.rows) for table in tables] == [
            [(1, ["学员姓名", "联系手机"]), (2, ["张三", "13800138000"])]
        ]


def test_undecodable_bytes_are_refused_with_what_to_do() -> None:
    assert decode_text(b"\xff\xfe\xfd\x80\x81" * 3 + b"\x00\xd8") is None
    with (
        pytest.raises(IntakeError, match="无法识别文件编码"),
        open_tables("x.csv", b"\x81\x20\xff"),
    ):
        pass


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("a,b,c\n1,2,3\n", ","),
        ("a\tb\tc\n1\t2\t3\n", "\t"),
        ("a;b;c\n1;2;3\n", ";"),
        ("a\tb\n1,5\t2\n", "\t"),  # a decimal comma in one cell does not outvote the tabs
        ("", ","),
    ],
)
def test_the_most_frequent_delimiter_wins(text: str, delimiter: str) -> None:
    assert choose_delimiter(text) == delimiter


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("旧.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 60, "旧版 Excel（.xls）"),
        ("坏.xlsx", b"not a zip", "不是有效的 .xlsx 工作簿"),
        ("坏2.xlsx", b"PK\x03\x04 not really a zip", "无法打开工作簿"),
        ("名单.pdf", b"%PDF-1.4", "不支持 .pdf 文件"),
    ],
)
def test_unreadable_files_get_one_message(name: str, data: bytes, message: str) -> None:
    with pytest.raises(IntakeError, match=message), open_tables(name, data):
        pass


@pytest.mark.parametrize(
    ("index", "letter"), [(0, "A"), (25, "Z"), (26, "AA"), (51, "AZ"), (52, "BA"), (16383, "XFD")]
)
def test_column_letters_are_excels(index: int, letter: str) -> None:
    assert column_letter(index) == letter
