"""Training plans: a class's courses and teachers, and the parser for the file bases upload.

A plan feeds the teaching-evaluation matrix (one set of questions per course) and the share of
practical hours the notice requires (实践性课程占比原则上不少于50%). The parser is pure: it
turns a CSV or xlsx file into a `TrainingPlan` or a list of findings, and the application
decides what to store.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeAlias

CourseKind: TypeAlias = Literal["theory", "practice"]

#: The share of practical hours the notice asks for (教师司函〔2024〕16号, 四（三）).
PRACTICAL_SHARE_REQUIRED = 0.5
#: Largest file accepted; a class's plan is a few dozen rows.
MAX_FILE_BYTES = 5 * 1024 * 1024
#: Plans with more courses get a warning: the teaching evaluation asks about every course.
MANY_COURSES = 20
_MAX_HOURS = 200.0
_MAX_NAME = 100
_MAX_TEACHER = 50
# The header is looked for in the first rows only; title lines ("XX培训班课程安排") come first.
_HEADER_SEARCH_ROWS = 30


@dataclass(frozen=True)
class Course:
    """One course of a class's training plan."""

    id: str  # "c01", "c02", ... in file order; used in field names ("teaching.c03.delivery")
    name: str  # 课程名称
    teacher: str  # 授课教师
    kind: CourseKind  # 课程类型 理论 / 实践
    hours: float  # 学时


@dataclass(frozen=True)
class TrainingPlan:
    """The courses of one training class, in the order of the plan."""

    courses: tuple[Course, ...] = ()

    def practical_share(self) -> float | None:
        """Practical hours / all hours; None when the plan has no hours at all."""
        total = sum(course.hours for course in self.courses)
        if total <= 0:
            return None
        practical = sum(course.hours for course in self.courses if course.kind == "practice")
        return practical / total

    def course(self, course_id: str) -> Course | None:
        """The course with this id, or None."""
        for course in self.courses:
            if course.id == course_id:
                return course
        return None


@dataclass(frozen=True)
class PlanFinding:
    """A problem found in a plan file, located as Excel shows it (row 5, column D)."""

    row: int | None
    column: str | None  # Excel column letter
    message: str
    header: str | None = None  # the column's label, e.g. "学时"

    def __str__(self) -> str:
        place: list[str] = []
        if self.row is not None:
            place.append(f"第 {self.row} 行")
        if self.column is not None:
            place.append(f"{self.column} 列" + (f"（{self.header}）" if self.header else ""))
        return f"{' '.join(place)}：{self.message}" if place else self.message


@dataclass(frozen=True)
class PlanReadResult:
    """The outcome of reading a plan file: a plan, or errors and no plan.

    Warnings (e.g. practical share below 50%) do not stop a plan from being read.
    """

    plan: TrainingPlan | None
    errors: tuple[PlanFinding, ...] = ()
    warnings: tuple[PlanFinding, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether the file gave a plan."""
        return self.plan is not None


# Accepted header labels per column, compared after `_normalise_header`.
_COLUMNS: dict[str, tuple[str, frozenset[str]]] = {
    "name": (
        "课程名称",
        frozenset({"课程名称", "课程", "课程名", "课程题目", "专题", "专题名称", "培训专题"}),
    ),
    "teacher": (
        "授课教师",
        frozenset(
            {"授课教师", "主讲教师", "授课专家", "主讲专家", "主讲人", "授课人", "教师", "讲师"}
        ),
    ),
    "kind": ("课程类型", frozenset({"课程类型", "类型", "课程类别", "类别", "课型"})),
    "hours": ("学时", frozenset({"学时", "课时", "学时数", "课时数"})),
}
_KINDS: dict[str, CourseKind] = {
    "理论": "theory",
    "理论课": "theory",
    "理论教学": "theory",
    "实践": "practice",
    "实践课": "practice",
    "实践教学": "practice",
    "实训": "practice",
    "实训课": "practice",
    "实操": "practice",
}
_TOTAL_ROWS = frozenset({"合计", "总计", "共计"})
_SUBTOTAL_ROWS = frozenset({"小计"})
_PARENTHESES = re.compile(r"\([^)]*\)")
_HOURS_TEXT = re.compile(r"([0-9]+(?:\.[0-9]+)?)(?:学时|课时|小时|h)?", re.IGNORECASE)

_Row: TypeAlias = tuple[int, Sequence[object]]  # (row number as Excel shows it, cell values)


def read_plan(path: str | os.PathLike[str]) -> PlanReadResult:
    """Read a training plan from a .csv or .xlsx file.

    Columns 课程名称, 授课教师, 课程类型 (理论/实践, also 理论课/实践课/实训), 学时 are found by
    their header labels anywhere in the first rows; other columns (序号, 备注) are ignored.
    Courses get ids c01, c02, ... in file order. CSV may be UTF-8 (with or without BOM),
    GB18030 (what Excel on Chinese Windows writes) or UTF-16. Any error means no plan.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        return PlanReadResult(None, (PlanFinding(None, None, f"无法读取文件：{reason}"),))
    return read_plan_bytes(data, Path(path).name)


def read_plan_bytes(data: bytes, filename: str) -> PlanReadResult:
    """Read a training plan from the bytes of an uploaded file; `filename` gives the type.

    The content decides when it contradicts the name (an xlsx renamed to .csv still reads).
    """
    if len(data) > MAX_FILE_BYTES:
        return _failed(
            f"文件过大（超过 {MAX_FILE_BYTES // (1024 * 1024)} MB），请检查是否选错了文件"
        )
    if not data.strip():
        return _failed("文件是空的")
    suffix = Path(filename).suffix.lower()
    if data.startswith(b"\xd0\xcf\x11\xe0") or suffix in {".xls", ".et", ".wps"}:
        return _failed("不支持旧版 Excel（.xls）或 WPS 格式，请另存为 .xlsx 或 CSV 后再导入")
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if suffix in {".xlsx", ".xlsm"}:
        return _failed("文件不是有效的 .xlsx 文件，请用 Excel 重新保存后再导入")
    return _read_csv(data)


def _failed(message: str) -> PlanReadResult:
    return PlanReadResult(None, (PlanFinding(None, None, message),))


def _read_xlsx(data: bytes) -> PlanReadResult:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), data_only=True)
    except Exception:  # openpyxl raises many different types for damaged files
        return _failed("无法读取 Excel 文件，文件可能已损坏；请用 Excel 重新保存为 .xlsx 后再导入")
    sheets: list[list[_Row]] = []
    for sheet in workbook.worksheets:
        # Rows are numbered from 1 as Excel shows them; iter_rows starts at row 1.
        rows: list[_Row] = [
            (number, [cell.value for cell in cells])
            for number, cells in enumerate(sheet.iter_rows(min_row=1), start=1)
        ]
        sheets.append(rows)
    workbook.close()
    return _read_tables(sheets)


def _decode(data: bytes) -> str | None:
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


def _read_csv(data: bytes) -> PlanReadResult:
    text = _decode(data)
    if text is None:
        return _failed("无法识别文件编码，请另存为“CSV UTF-8”或 GB18030 编码的 CSV")
    # The delimiter is whichever one yields a header: Excel writes commas, "Unicode text"
    # exports use tabs, and some European locales use semicolons.
    tables: list[list[_Row]] = []
    for delimiter in (",", "\t", ";"):
        try:
            records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error as error:
            return _failed(f"CSV 格式错误：{error}")
        tables.append([(number, record) for number, record in enumerate(records, start=1)])
    return _read_tables(tables)


def _normalise_header(value: object) -> str:
    text = unicodedata.normalize("NFKC", _cell_text(value))
    text = _PARENTHESES.sub("", text)  # "学时（h）", "课程（专题）名称"
    return "".join(text.split()).replace("*", "")


def _cell_text(value: object) -> str:
    """A cell as text with runs of whitespace (including Alt+Enter line breaks) as one space."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _find_header(rows: Sequence[_Row]) -> tuple[int, dict[str, int], list[PlanFinding]] | None:
    """The index of the header row and the column of each field, or None if no row matches.

    A row counts as the header if it names all four columns; duplicates are findings.
    """
    from openpyxl.utils import get_column_letter

    for index, (row_number, cells) in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        labels = [_normalise_header(cell) for cell in cells]
        columns: dict[str, int] = {}
        findings: list[PlanFinding] = []
        for role, (label, aliases) in _COLUMNS.items():
            matches = [position for position, text in enumerate(labels) if text in aliases]
            if not matches:
                break
            columns[role] = matches[0]
            if len(matches) > 1:
                letters = "、".join(get_column_letter(m + 1) for m in matches)
                findings.append(
                    PlanFinding(row_number, None, f"表头中“{label}”出现了多次（{letters} 列）")
                )
        else:
            return index, columns, findings
    return None


def _missing_header_message(tables: Sequence[Sequence[_Row]]) -> str:
    """Which columns are missing, judged from the row that looks most like a header."""
    best: tuple[int, int, list[str]] | None = None
    for rows in tables:
        for row_number, cells in rows[:_HEADER_SEARCH_ROWS]:
            labels = {_normalise_header(cell) for cell in cells}
            found = [label for label, aliases in _COLUMNS.values() if labels & aliases]
            if found and (best is None or len(found) > best[1]):
                missing = [label for label, aliases in _COLUMNS.values() if not labels & aliases]
                best = (row_number, len(found), missing)
    required = "、".join(label for label, _ in _COLUMNS.values())
    if best is None:
        return f"未找到表头：需要包含 {required} 四列"
    return f"表头（第 {best[0]} 行）缺少列：{'、'.join(best[2])}（需要 {required} 四列）"


def _read_tables(tables: Sequence[Sequence[_Row]]) -> PlanReadResult:
    """Read the first table (sheet, or CSV read with one delimiter) that has a header."""
    for rows in tables:
        header = _find_header(rows)
        if header is not None:
            index, columns, findings = header
            if findings:
                return PlanReadResult(None, tuple(findings))
            return _read_courses(rows[index + 1 :], columns)
    return _failed(_missing_header_message(tables))


@dataclass(frozen=True)
class _Parsed:
    row: int
    name: str
    teacher: str
    kind: CourseKind
    hours: float


def _read_courses(rows: Sequence[_Row], columns: dict[str, int]) -> PlanReadResult:
    from openpyxl.utils import get_column_letter

    errors: list[PlanFinding] = []
    parsed: list[_Parsed] = []
    first_row: dict[tuple[str, str], int] = {}
    totals: list[tuple[int, float]] = []

    def finding(row: int, role: str, message: str) -> PlanFinding:
        return PlanFinding(row, get_column_letter(columns[role] + 1), message, _COLUMNS[role][0])

    for row_number, cells in rows:
        values = {
            role: cells[position] if position < len(cells) else None
            for role, position in columns.items()
        }
        texts = {role: _cell_text(value) for role, value in values.items()}
        if not any(texts.values()):
            continue  # blank line between sections
        compact_name = "".join(texts["name"].split())
        if compact_name in _TOTAL_ROWS or compact_name in _SUBTOTAL_ROWS:
            hours = _hours(values["hours"])
            if compact_name in _TOTAL_ROWS and isinstance(hours, float):
                totals.append((row_number, hours))
            continue

        row_errors: list[PlanFinding] = []
        name, teacher = texts["name"], texts["teacher"]
        if not name:
            row_errors.append(finding(row_number, "name", "课程名称为空"))
        elif len(name) > _MAX_NAME:
            row_errors.append(finding(row_number, "name", f"课程名称过长（最多 {_MAX_NAME} 字）"))
        if _has_control(name):
            row_errors.append(finding(row_number, "name", "课程名称含有不可见的控制字符"))
        if not teacher:
            row_errors.append(finding(row_number, "teacher", "授课教师为空"))
        elif _has_control(teacher):
            row_errors.append(finding(row_number, "teacher", "授课教师含有不可见的控制字符"))
        elif len(teacher) > _MAX_TEACHER:
            row_errors.append(
                finding(row_number, "teacher", f"授课教师过长（最多 {_MAX_TEACHER} 字）")
            )
        kind = _KINDS.get("".join(unicodedata.normalize("NFKC", texts["kind"]).split()))
        if kind is None:
            shown = f"“{texts['kind']}”" if texts["kind"] else "空"
            row_errors.append(
                finding(
                    row_number,
                    "kind",
                    f"课程类型应为“理论”或“实践”（也可写理论课、实践课、实训），实际为{shown}；"
                    "理实一体的课程请按学时拆成理论、实践两行",
                )
            )
        hours = _hours(values["hours"])
        if isinstance(hours, str):
            row_errors.append(finding(row_number, "hours", hours))

        if name and teacher:
            key = (name, teacher)
            if key in first_row:
                row_errors.append(
                    finding(
                        row_number,
                        "name",
                        f"与第 {first_row[key]} 行的课程名称和授课教师相同；"
                        "同一门课程请合并为一行（学时相加）",
                    )
                )
            else:
                first_row[key] = row_number
        if row_errors:
            errors.extend(row_errors)
            continue
        assert kind is not None
        assert isinstance(hours, float)
        parsed.append(_Parsed(row_number, name, teacher, kind, hours))

    total_hours = sum(course.hours for course in parsed)
    if not errors:
        for row_number, stated in totals:
            if not math.isclose(stated, total_hours, abs_tol=1e-6):
                errors.append(
                    finding(
                        row_number,
                        "hours",
                        f"合计行的学时 {_format_hours(stated)} 与各课程学时之和 "
                        f"{_format_hours(total_hours)} 不符",
                    )
                )
    if not errors and not parsed:
        errors.append(PlanFinding(None, None, "表头下没有任何课程"))
    if errors:
        return PlanReadResult(None, tuple(errors))

    plan = TrainingPlan(
        tuple(
            Course(f"c{number:02d}", course.name, course.teacher, course.kind, course.hours)
            for number, course in enumerate(parsed, start=1)
        )
    )
    return PlanReadResult(plan, (), _plan_warnings(plan))


def _plan_warnings(plan: TrainingPlan) -> tuple[PlanFinding, ...]:
    warnings: list[PlanFinding] = []
    share = plan.practical_share()
    if share is not None and share < PRACTICAL_SHARE_REQUIRED:
        practical = sum(c.hours for c in plan.courses if c.kind == "practice")
        theory = sum(c.hours for c in plan.courses if c.kind == "theory")
        warnings.append(
            PlanFinding(
                None,
                None,
                f"实践课程学时占比 {share:.1%}（理论 {_format_hours(theory)} 学时，实践 "
                f"{_format_hours(practical)} 学时），低于通知要求的 "
                f"{PRACTICAL_SHARE_REQUIRED:.0%}",
            )
        )
    if len(plan.courses) > MANY_COURSES:
        warnings.append(
            PlanFinding(
                None,
                None,
                f"共 {len(plan.courses)} 门课程，评教要对每门课程作答，问卷会较长；"
                "可考虑把同一教师的系列讲座合并为一门课程",
            )
        )
    return tuple(warnings)


def _hours(value: object) -> float | str:
    """The hours of a cell as a positive float, or a Chinese message saying what is wrong."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return "学时为空"
    if isinstance(value, bool):
        return f"学时应为数字，实际为“{value}”"
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = "".join(unicodedata.normalize("NFKC", str(value)).split())
        match = _HOURS_TEXT.fullmatch(text)
        if match is None:
            return f"学时应为数字，实际为“{_cell_text(value)}”"
        number = float(match.group(1))
    if not math.isfinite(number) or number <= 0:
        return f"学时必须大于 0，实际为 {_cell_text(value)}"
    if number > _MAX_HOURS:
        return (
            f"学时 {_format_hours(number)} 过大（单门课程不超过 {_format_hours(_MAX_HOURS)} 学时）"
        )
    return number


def _format_hours(hours: float) -> str:
    hours = float(hours)  # sums of no courses are the int 0
    return str(int(hours)) if hours.is_integer() else f"{hours:g}"


def _has_control(text: str) -> bool:
    """Control characters cannot be shown and PostgreSQL cannot store NUL."""
    return any(unicodedata.category(char) in {"Cc", "Cs"} for char in text)
