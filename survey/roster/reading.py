"""Reading annex 3 rosters from .xlsx and .csv files into raw rows with their Excel row numbers.

Files arrive as people make them: a title row, the 填表单位 line, a header found by its labels
(merged, wrapped, with stray or full-width spaces, in any column order, sometimes continued on
a second row), blank rows in the middle, a trailing 备注 row. This module only locates things;
what a value means is checked in :mod:`survey.roster.validation`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from survey.intake.cells import cell_text, column_letter
from survey.intake.findings import Finding, error, warning
from survey.intake.tables import BROKEN, IntakeError, Row, Table, find_header, open_tables
from survey.programme.names import normalise
from survey.roster.layout import COLUMN_BY_KEY, REQUIRED_KEYS, column_for_label

#: A header row names at least this many annex 3 columns.
HEADER_MIN_LABELS = 3
# A row whose first text starts with one of these closes the table or annotates it.
_FOOTER_WORDS = (
    "备注",
    "注:",
    "注：",
    "说明",
    "填表说明",
    "填表人",
    "审核人",
    "负责人",
    "联系人",
    "合计",
    "小计",
    "总计",
)
_FILLER = re.compile(r"填表单位[:：]?(?P<unit>.*?)(?=负责部门|填表人|联系电话|联系人|$)")
_YEAR = re.compile(r"(20[0-9]{2})\s*年")


@dataclass(frozen=True)
class RosterFile:
    """A roster handed over as bytes with its file name, as a web upload delivers it."""

    name: str
    content: bytes


Source = Path | RosterFile


@dataclass(frozen=True)
class RawRow:
    """A data row: its Excel row number, its cells as text by column key, the raw mobile cell.

    The mobile stays as the spreadsheet delivered it (an int, a float, a text), because what
    Excel did to the number is part of reading it back.
    """

    number: int
    texts: dict[str, str]
    mobile: object = None


@dataclass
class RosterSheet:
    """One roster table: where it came from, what its preamble says, and its data rows."""

    file: str
    header_row: int
    #: Column key → 0-based column index.
    columns: dict[str, int]
    #: The text after 填表单位 ("山东省教育厅（公章）"), and the row it sits on.
    filler: str | None = None
    filler_row: int | None = None
    #: The year a title such as "2024年“职教国培”示范项目…" names.
    year: int | None = None
    rows: list[RawRow] = field(default_factory=list)


@dataclass
class ReadResult:
    """The roster tables of one file and what reading them found."""

    file: str
    sheets: list[RosterSheet] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def source_name(source: Source) -> str:
    """The file name findings refer to."""
    return source.name


def read_roster(source: Source) -> ReadResult:
    """Read the roster tables of an .xlsx or .csv file (recognised by content, then by name)."""
    name = source_name(source)
    result = ReadResult(file=name)
    try:
        data = source.content if isinstance(source, RosterFile) else source.read_bytes()
    except OSError as problem:
        result.findings.append(error(name, None, None, f"无法读取文件：{problem.strerror}"))
        return result
    try:
        with open_tables(name, data) as tables:
            _read_tables(name, tables, result)
    except IntakeError as problem:
        result.findings.append(error(name, None, None, str(problem)))
        return result
    if not result.sheets and not any(f.severity == "error" for f in result.findings):
        result.findings.append(_no_header(name))
    return result


def _read_tables(name: str, tables: list[Table], result: ReadResult) -> None:
    visible = [table for table in tables if table.visible]
    for table in tables:
        label = f"{name} / {table.title}" if len(visible) > 1 else name
        if not table.visible:
            if find_header(table.rows, _is_header) is not None:
                result.findings.append(
                    warning(
                        name,
                        None,
                        None,
                        f"隐藏的工作表“{table.title}”也像名单，未读取："
                        "如需导入，请取消隐藏后重新导入",
                    )
                )
            continue
        try:
            sheet = _parse_table(label, table.rows, result.findings)
        except BROKEN as problem:
            what = f"工作表“{table.title}”" if table.title else "文件"
            result.findings.append(
                error(
                    name,
                    None,
                    None,
                    f"{what}已损坏，无法读取（{type(problem).__name__}）："
                    "请在 Excel 中打开并另存为 .xlsx 后再导入",
                )
            )
            continue
        if sheet is not None:
            result.sheets.append(sheet)


def _no_header(name: str) -> Finding:
    return error(
        name,
        None,
        None,
        "找不到名单的表头：表头行应包含“学员姓名”“联系手机”等附件3 的列名，请按附件3 格式填写",
    )


def _texts(row: Sequence[object]) -> list[str]:
    return [cell_text(value) for value in row]


def _labels(texts: Sequence[str]) -> dict[int, str]:
    return {i: key for i, text in enumerate(texts) if text and (key := column_for_label(text))}


@dataclass
class _Preamble:
    filler: str | None = None
    filler_row: int | None = None
    year: int | None = None


def _is_header(texts: list[str]) -> bool:
    keys = set(_labels(texts).values())
    return len(keys) >= HEADER_MIN_LABELS and ("name" in keys or "mobile" in keys)


def _preamble(rows: Iterable[tuple[int, list[str]]]) -> _Preamble:
    found = _Preamble()
    for number, texts in rows:
        line = " ".join(t for t in texts if t)
        if found.filler is None and "填表单位" in normalise(line):
            match = _FILLER.search(line.replace("\n", " "))
            unit = match.group("unit").strip() if match else ""
            found.filler, found.filler_row = unit, number
        if found.year is None and (year := _YEAR.search(line)):
            found.year = int(year.group(1))
    return found


def _parse_table(file: str, rows: Iterator[Row], findings: list[Finding]) -> RosterSheet | None:
    preamble_rows: list[tuple[int, list[str]]] = []
    header = find_header(rows, _is_header, preamble_rows)
    if header is None:
        return None
    header_row, header_texts = header
    # The first non-blank row after the header may be its second line (sub-labels under a
    # merged group label); otherwise it is the first data row and is put back in front.
    first: Row | None = next(((n, r) for n, r in rows if any(_texts(r))), None)
    sub_texts: list[str] | None = None
    if first is not None and _continues_header(_texts(first[1])):
        sub_texts = _texts(first[1])
        first = None
    columns = _columns(file, header_row, header_texts, sub_texts, findings)
    missing = [key for key in REQUIRED_KEYS if key not in columns]
    if missing:
        names = "、".join(f"“{COLUMN_BY_KEY[key].label}”" for key in missing)
        findings.append(
            error(file, header_row, None, f"表头缺少{names}列：请按附件3 格式补上后再导入")
        )
        return None
    preamble = _preamble(preamble_rows)
    sheet = RosterSheet(
        file=file,
        header_row=header_row,
        columns=columns,
        filler=preamble.filler,
        filler_row=preamble.filler_row,
        year=preamble.year,
    )
    width = max(len(header_texts), len(sub_texts or ()))
    name_column = columns["name"]
    mobile_column = columns["mobile"]
    unlabelled: dict[int, int] = {}  # column index → first row with data under no header
    for number, row in itertools.chain([first] if first else [], rows):
        texts = _texts(row)
        if not any(texts):
            continue
        if _is_footer(texts, columns):
            # The trailing 备注 row, signature lines, totals.
            continue
        if (
            name_column < len(texts)
            and column_for_label(texts[name_column]) == "name"
            and len(set(_labels(texts).values())) >= HEADER_MIN_LABELS
        ):
            # The header repeated after a page break.
            continue
        for i in range(width, len(texts)):
            if texts[i]:
                unlabelled.setdefault(i, number)
        sheet.rows.append(
            RawRow(
                number,
                {key: texts[i] for key, i in columns.items() if i < len(texts) and texts[i]},
                row[mobile_column] if mobile_column < len(row) else None,
            )
        )
    for i, number in sorted(unlabelled.items()):
        findings.append(
            warning(
                file,
                number,
                None,
                f"第 {column_letter(i)} 列没有表头，其中的内容已忽略："
                "如是学员信息，请放入附件3 对应的列",
            )
        )
    return sheet


def _columns(
    file: str,
    header_row: int,
    texts: Sequence[str],
    sub_texts: Sequence[str] | None,
    findings: list[Finding],
) -> dict[str, int]:
    """Map column keys to indexes; a sub-label names a column its group label does not."""
    columns: dict[str, int] = {}
    sub = list(sub_texts or ())
    for i in range(max(len(texts), len(sub))):
        text = texts[i] if i < len(texts) else ""
        below = sub[i] if i < len(sub) else ""
        key = (column_for_label(text) if text else None) or (
            column_for_label(below) if below else None
        )
        label = below or text
        if not label:
            continue
        letter = column_letter(i)
        if key is None:
            findings.append(
                warning(
                    file,
                    header_row,
                    label,
                    f"第 {letter} 列“{label}”不是附件3 的列，已忽略（其内容不会保存）",
                )
            )
        elif key in columns:
            first = column_letter(columns[key])
            findings.append(
                warning(
                    file,
                    header_row,
                    COLUMN_BY_KEY[key].label,
                    f"“{COLUMN_BY_KEY[key].label}”列出现了两次（第 {first} 列和第 {letter} 列），"
                    f"只读取第 {first} 列：请删去多余的一列",
                )
            )
        else:
            columns[key] = i
    return columns


def _continues_header(texts: Sequence[str]) -> bool:
    """Whether the row after the header is a second header line rather than a trainee.

    It names at least one annex 3 column and holds only short texts without digits, where a
    trainee's row has a mobile number.
    """
    if not _labels(texts):
        return False
    return all(len(text) <= 12 and not any(c.isdigit() for c in text) for text in texts)


def _is_footer(texts: Sequence[str], columns: dict[str, int]) -> bool:
    first = next(i for i, text in enumerate(texts) if text)
    if not normalise(texts[first]).startswith(_FOOTER_WORDS):
        return False
    mobile = columns.get("mobile")
    # A 备注 column placed first must not turn a trainee into a footer: such a row has a mobile.
    return mobile is None or mobile == first or mobile >= len(texts) or not texts[mobile]
