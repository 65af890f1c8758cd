"""Spreadsheet files as tables of rows: .xlsx workbooks, and CSV as Chinese Excel writes it.

Every reader of a spreadsheet someone hands over (rosters, training plans, the ministry's
workbook) opens it here, so that a file is recognised, decoded and split into rows one way, and
a file that cannot be read at all gets one message saying what to do.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias
from xml.etree import ElementTree

from survey.intake.cells import cell_text

if TYPE_CHECKING:
    # What the stubs call the items of `workbook.worksheets` (read-only sheets among them).
    from openpyxl.workbook.workbook import _WorksheetLike

#: How many non-blank rows may precede a header (title, 填表单位 line, notes).
HEADER_SEARCH_ROWS = 30
#: What reading the rows of a damaged workbook or CSV may raise, sheet by sheet.
BROKEN = (
    zipfile.BadZipFile,
    ElementTree.ParseError,
    OSError,
    KeyError,
    ValueError,
    TypeError,
    csv.Error,
)
_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_CSV_SUFFIXES = (".csv", ".txt", ".tsv", "")

#: A row as Excel numbers it (from 1) and its cell values.
Row: TypeAlias = tuple[int, Sequence[object]]


class IntakeError(Exception):
    """A file that cannot be read at all; the (Chinese) message says what to do."""


@dataclass(frozen=True)
class Table:
    """One sheet of a workbook, or the one table of a CSV file, read row by row."""

    title: str  # the sheet's name; "" for CSV
    visible: bool
    rows: Iterator[Row]


def decode_text(data: bytes) -> str | None:
    """The text of a CSV file, or None when it is in none of the encodings Excel writes.

    UTF-16 with a byte order mark is Excel's "Unicode 文本"; UTF-8 comes with or without a BOM;
    GB18030 (a superset of GBK and GB2312) is what Chinese Excel writes for "CSV (逗号分隔)".
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def choose_delimiter(text: str) -> str:
    """The delimiter of a CSV text: Excel writes commas, "Unicode 文本" exports tabs, and some
    European locales semicolons; the most frequent one wins, commas on a tie."""
    sample = text[:20_000]
    counts = {d: sample.count(d) for d in (",", "\t", ";")}
    return max(counts, key=lambda d: (counts[d], d == ","))


@contextmanager
def open_tables(name: str, data: bytes) -> Iterator[list[Table]]:
    """The tables of an .xlsx or CSV file, recognised by its content first, then by ``name``.

    Rows are read lazily (a roster may have 100,000); a damaged sheet raises one of ``BROKEN``
    while its rows are read. Raises :class:`IntakeError` for a file that cannot be opened.
    """
    suffix = Path(name).suffix.lower()
    if data.startswith(_OLE_MAGIC) or suffix in (".xls", ".et", ".wps"):
        raise IntakeError(
            "这是旧版 Excel（.xls）、WPS 格式或加密的工作簿，无法读取："
            "请在 Excel 中“另存为” .xlsx 格式（不设密码）后再导入"
        )
    if data.startswith(_XLSX_MAGIC):
        from openpyxl import load_workbook
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (InvalidFileException, *BROKEN) as problem:
            raise IntakeError(
                f"无法打开工作簿（{type(problem).__name__}）：请重新导出 .xlsx 后再导入"
            ) from None
        try:
            yield [
                Table(sheet.title, sheet.sheet_state == "visible", _sheet_rows(sheet))
                for sheet in workbook.worksheets
            ]
        finally:
            workbook.close()
        return
    if suffix in (".xlsx", ".xlsm"):
        raise IntakeError("文件不是有效的 .xlsx 工作簿（可能已损坏）：请重新导出后再导入")
    if suffix not in _CSV_SUFFIXES:
        raise IntakeError(f"不支持 {suffix} 文件：请提供 .xlsx 工作簿或 .csv 文件")
    text = decode_text(data)
    if text is None:
        raise IntakeError("无法识别文件编码：请另存为 UTF-8 或 GB18030 编码的 CSV，或 .xlsx")
    # One CSV record is one Excel row, also when a quoted cell spans several lines.
    records = csv.reader(io.StringIO(text, newline=""), delimiter=choose_delimiter(text))
    yield [Table("", True, enumerate(records, start=1))]


def _sheet_rows(sheet: _WorksheetLike) -> Iterator[Row]:
    # Worksheets written by some tools declare a wrong size (e.g. "A1"); forgetting it makes
    # openpyxl read every row and cell that is actually there.
    sheet.reset_dimensions()
    yield from enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1)


def find_header(
    rows: Iterator[Row],
    is_header: Callable[[list[str]], bool],
    skipped: list[tuple[int, list[str]]] | None = None,
) -> tuple[int, list[str]] | None:
    """Advance ``rows`` to the first row whose cell texts ``is_header`` accepts.

    Returns its number and texts, or None when none of the first ``HEADER_SEARCH_ROWS``
    non-blank rows is one. The non-blank rows before it (title, 填表单位 line) go to ``skipped``.
    """
    seen = 0
    for number, row in rows:
        texts = [cell_text(value) for value in row]
        if not any(texts):
            continue
        if is_header(texts):
            return number, texts
        if skipped is not None:
            skipped.append((number, texts))
        seen += 1
        if seen >= HEADER_SEARCH_ROWS:
            return None
    return None
