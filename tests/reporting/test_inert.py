"""No export holds a live formula: text people typed that starts like one is made inert (OWASP),
in every CSV and xlsx writer of the project."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reporting.export_csv import responses_csv
from reporting.export_xlsx import report_xlsx
from reporting.inert import inert, inert_row, starts_like_formula
from reporting.inputs import ClassInput
from reporting.report import build_report
from survey.roster.summary import ProjectLine, ProvinceLine, RosterSummary, write_summary_xlsx
from survey.slips.issue import Slip
from survey.slips.render import reminders_csv, slips_csv

HOSTILE_NAME = '=HYPERLINK("http://example.invalid/x","点此领取")'
HOSTILE_COMMENT = "=1+1 实训环节安排得很好"
TRIGGERS = ["=A1", "+1", "-1+1", "@SUM(A1)", "\tx", "\rx"]
MakeClass = Callable[..., ClassInput]


@pytest.mark.parametrize("text", TRIGGERS)
def test_text_that_starts_like_a_formula_gets_an_apostrophe(text: str) -> None:
    assert starts_like_formula(text)
    assert inert(text) == "'" + text


@pytest.mark.parametrize("value", ["张三", "", "a=b", "'=already", 3, -2.5, None])
def test_everything_else_is_left_alone(value: object) -> None:
    assert inert(value) == value
    assert inert_row([value, "=x"]) == [value, "'=x"]


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row]


def _assert_inert(cells: list[str]) -> None:
    live = [c for c in cells if starts_like_formula(c)]
    assert live == [], live


SLIP = Slip(1, "项目", "基地", HOSTILE_NAME, "13900010001", "https://x.example/t/abc", "ABCD", 5)


def test_slips_and_reminder_csv_neutralise_a_roster_name() -> None:
    for data in (slips_csv([SLIP]), reminders_csv([SLIP], "2024-07-01 18:00")):
        cells = _cells(data.decode("utf-8"))
        _assert_inert(cells)
        assert "'" + HOSTILE_NAME in cells


def test_roster_summary_workbook_writes_strings_not_formulas(tmp_path: Path) -> None:
    summary = RosterSummary(
        2024,
        "2024 职教国培示范项目",
        True,
        0,
        [ProjectLine(1, "=项目", "-领域", HOSTILE_NAME, 3, 50)],
        [ProvinceLine("@省", "+全称", 3, 50)],
        {(1, "@省"): (3, 50)},
    )
    path = tmp_path / "summary.xlsx"
    write_summary_xlsx(summary, path)
    texts = _workbook_strings(path.read_bytes())
    assert "'" + HOSTILE_NAME in texts
    _assert_inert(texts)


def _workbook_strings(data: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(data))
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    return texts


def test_a_published_comment_and_a_class_name_stay_text_in_the_report(
    make_class: MakeClass,
) -> None:
    data = make_class("A", "=基地", 12, comments=(HOSTILE_COMMENT,))
    data = ClassInput(**{**data.__dict__, "name": HOSTILE_NAME})
    report = build_report([data])
    texts = _workbook_strings(report_xlsx(report))
    assert "'" + HOSTILE_COMMENT in texts
    assert "'" + HOSTILE_NAME in texts
    _assert_inert(texts)
    _assert_inert(_cells(responses_csv([data], report)))
