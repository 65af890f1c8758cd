"""Cells as spreadsheets deliver them: floats, dates, full-width text, and mobile numbers."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from survey.intake.cells import cell_text
from survey.roster.cells import parse_mobile


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (13800138000.0, "13800138000"),
        (3, "3"),
        (2.5, "2.5"),
        ("  张\u3000 三 ", "张 三"),
        ("所在部门\n(院系)及职务", "所在部门 (院系)及职务"),
        (datetime(2024, 8, 11), "2024-08-11"),
        (date(2024, 8, 11), "2024-08-11"),
        (True, "是"),
    ],
)
def test_cell_text(value: object, text: str) -> None:
    assert cell_text(value) == text


@pytest.mark.parametrize(
    "value",
    [
        13800138000,
        13800138000.0,
        "13800138000",
        "13800138000.0",
        "138 0013 8000",
        "138-0013-8000",
        "138—0013—8000",
        "+86 138 0013 8000",
        "+8613800138000",
        "86-13800138000",
        "0086 13800138000",
        "(+86)138-0013-8000",
        "１３８００１３８０００",
        "＋８６　１３８　００１３　８０００",
        "13,800,138,000",
        "1.3800138000E+10",
        8613800138000.0,
    ],
)
def test_mobiles_as_people_type_them(value: object) -> None:
    assert parse_mobile(value) == ("13800138000", None)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (None, "未填写"),
        ("", "未填写"),
        ("1.38001E+10", "科学计数法"),
        ("010-66096194", "固定电话"),
        ("66096194", "固定电话"),
        ("1380013800", "位数不对（10 位）"),
        ("138001380001", "位数不对（12 位）"),
        ("23800138000", "不是中国大陆手机号"),
        ("12800138000", "不是中国大陆手机号"),
        ("13800138000/13900139000", "多个号码"),
        ("13800138000、13900139000", "多个号码"),
        ("1380013800x", "数字以外的字符"),
        (13800138000.5, "不是完整的号码"),
    ],
)
def test_mobile_problems_say_what_to_fix(value: object, problem: str) -> None:
    number, message = parse_mobile(value)
    assert number is None
    assert message is not None
    assert problem in message
    assert "：" in message  # what is wrong, then what to do
    assert "13800138000" not in message


def test_a_problem_never_repeats_the_number() -> None:
    for value in ("1380013800", "010-66096194", "12800138000", "1380013800x"):
        _, message = parse_mobile(value)
        assert message is not None
        assert value not in message
