"""Reading the training plan a base hands over (.xlsx or CSV) into a `TrainingPlan`.

The file is opened through :mod:`survey.intake`; this module knows the plan's columns (课程名称,
授课教师, 课程类型, 学时), what each cell may hold and the notice's rules on hours, and turns a
file into a plan or into findings. The caller decides what to store.
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from questionnaires.plan import PRACTICAL_SHARE_REQUIRED, Course, CourseKind, TrainingPlan
from survey.intake.cells import cell_text, column_letter
from survey.intake.findings import Finding, error, warning
from survey.intake.tables import (
    BROKEN,
    HEADER_SEARCH_ROWS,
    IntakeError,
    Row,
    find_header,
    open_tables,
)

#: Largest file accepted; a class's plan is a few dozen rows.
MAX_FILE_BYTES = 5 * 1024 * 1024
#: Plans with more courses get a warning: the teaching evaluation asks about every course.
MANY_COURSES = 20
_MAX_HOURS = 200.0
_MAX_NAME = 100
_MAX_TEACHER = 50


@dataclass(frozen=True)
class PlanReadResult:
    """The outcome of reading a plan file: a plan, or errors and no plan.

    Warnings (e.g. practical share below 50%) do not stop a plan from being read.
    """

    plan: TrainingPlan | None
    errors: tuple[Finding, ...] = ()
    warnings: tuple[Finding, ...] = ()

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


def read_plan(path: str | os.PathLike[str]) -> PlanReadResult:
    """Read a training plan from a .csv or .xlsx file.

    Columns 课程名称, 授课教师, 课程类型 (理论/实践, also 理论课/实践课/实训), 学时 are found by
    their header labels anywhere in the first rows; other columns (序号, 备注) are ignored.
    Courses get ids c01, c02, ... in file order. CSV may be UTF-8 (with or without BOM),
    GB18030 (what Excel on Chinese Windows writes) or UTF-16. Any error means no plan.
    """
    name = Path(path).name
    try:
        data = Path(path).read_bytes()
    except OSError as problem:
        return _failed(name, f"无法读取文件：{problem.strerror or type(problem).__name__}")
    return read_plan_bytes(data, name)


def read_plan_bytes(data: bytes, filename: str) -> PlanReadResult:
    """Read a training plan from the bytes of an uploaded file; `filename` gives the type.

    The content decides when it contradicts the name (an xlsx renamed to .csv still reads).
    """
    if len(data) > MAX_FILE_BYTES:
        return _failed(
            filename,
            f"文件过大（超过 {MAX_FILE_BYTES // (1024 * 1024)} MB），请检查是否选错了文件",
        )
    if not data.strip():
        return _failed(filename, "文件是空的")
    try:
        with open_tables(filename, data) as tables:
            # A plan is a few dozen rows: every visible sheet is read whole.
            sheets = [list(table.rows) for table in tables if table.visible]
    except IntakeError as problem:
        return _failed(filename, str(problem))
    except BROKEN as problem:
        return _failed(
            filename,
            f"文件已损坏，无法读取（{type(problem).__name__}）："
            "请用 Excel 重新保存为 .xlsx 后再导入",
        )
    return _read_tables(filename, sheets)


def _failed(file: str, message: str) -> PlanReadResult:
    return PlanReadResult(None, (error(file, None, None, message),))


def _normalise_header(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _PARENTHESES.sub("", text)  # "学时（h）", "课程（专题）名称"
    return "".join(text.split()).replace("*", "")


def _roles(texts: Sequence[str]) -> dict[str, list[int]]:
    """For each field, the columns whose header label names it."""
    labels = [_normalise_header(text) for text in texts]
    return {
        role: [position for position, label in enumerate(labels) if label in aliases]
        for role, (_, aliases) in _COLUMNS.items()
    }


def _is_header(texts: list[str]) -> bool:
    """A row counts as the header if it names all four columns."""
    return all(_roles(texts).values())


def _missing_header_message(tables: Sequence[Sequence[Row]]) -> str:
    """Which columns are missing, judged from the row that looks most like a header."""
    best: tuple[int, int, list[str]] | None = None
    for rows in tables:
        for row_number, cells in rows[:HEADER_SEARCH_ROWS]:
            labels = {_normalise_header(cell_text(cell)) for cell in cells}
            found = [label for label, aliases in _COLUMNS.values() if labels & aliases]
            if found and (best is None or len(found) > best[1]):
                missing = [label for label, aliases in _COLUMNS.values() if not labels & aliases]
                best = (row_number, len(found), missing)
    required = "、".join(label for label, _ in _COLUMNS.values())
    if best is None:
        return f"未找到表头：需要包含 {required} 四列"
    return f"表头（第 {best[0]} 行）缺少列：{'、'.join(best[2])}（需要 {required} 四列）"


def _letters(columns: list[int]) -> str:
    return "、".join(column_letter(column) for column in columns)


def _read_tables(file: str, tables: Sequence[Sequence[Row]]) -> PlanReadResult:
    """Read the first table (sheet, or the CSV) that has a header."""
    for rows in tables:
        remaining = iter(rows)
        header = find_header(remaining, _is_header)
        if header is None:
            continue
        row_number, texts = header
        roles = _roles(texts)
        duplicates = tuple(
            error(
                file, row_number, None, f"表头中“{label}”出现了多次（{_letters(roles[role])} 列）"
            )
            for role, (label, _) in _COLUMNS.items()
            if len(roles[role]) > 1
        )
        if duplicates:
            return PlanReadResult(None, duplicates)
        columns = {role: matches[0] for role, matches in roles.items()}
        return _read_courses(file, list(remaining), columns)
    return _failed(file, _missing_header_message(tables))


@dataclass(frozen=True)
class _Parsed:
    row: int
    name: str
    teacher: str
    kind: CourseKind
    hours: float


def _read_courses(file: str, rows: Sequence[Row], columns: dict[str, int]) -> PlanReadResult:
    errors: list[Finding] = []
    parsed: list[_Parsed] = []
    first_row: dict[tuple[str, str], int] = {}
    totals: list[tuple[int, float]] = []

    def finding(row: int, role: str, message: str) -> Finding:
        return error(file, row, _COLUMNS[role][0], message, column_letter(columns[role]))

    for row_number, cells in rows:
        values = {
            role: cells[position] if position < len(cells) else None
            for role, position in columns.items()
        }
        texts = {role: cell_text(value) for role, value in values.items()}
        if not any(texts.values()):
            continue  # blank line between sections
        compact_name = "".join(texts["name"].split())
        if compact_name in _TOTAL_ROWS or compact_name in _SUBTOTAL_ROWS:
            hours = _hours(values["hours"])
            if compact_name in _TOTAL_ROWS and isinstance(hours, float):
                totals.append((row_number, hours))
            continue

        row_errors: list[Finding] = []
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
        errors.append(error(file, None, None, "表头下没有任何课程"))
    if errors:
        return PlanReadResult(None, tuple(errors))

    plan = TrainingPlan(
        tuple(
            Course(f"c{number:02d}", course.name, course.teacher, course.kind, course.hours)
            for number, course in enumerate(parsed, start=1)
        )
    )
    return PlanReadResult(plan, (), _plan_warnings(file, plan))


def _plan_warnings(file: str, plan: TrainingPlan) -> tuple[Finding, ...]:
    warnings: list[Finding] = []
    share = plan.practical_share()
    if share is not None and share < PRACTICAL_SHARE_REQUIRED:
        practical = sum(c.hours for c in plan.courses if c.kind == "practice")
        theory = sum(c.hours for c in plan.courses if c.kind == "theory")
        warnings.append(
            warning(
                file,
                None,
                None,
                f"实践课程学时占比 {share:.1%}（理论 {_format_hours(theory)} 学时，实践 "
                f"{_format_hours(practical)} 学时），低于通知要求的 "
                f"{PRACTICAL_SHARE_REQUIRED:.0%}",
            )
        )
    if len(plan.courses) > MANY_COURSES:
        warnings.append(
            warning(
                file,
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
            return f"学时应为数字，实际为“{cell_text(value)}”"
        number = float(match.group(1))
    if not math.isfinite(number) or number <= 0:
        return f"学时必须大于 0，实际为 {cell_text(value)}"
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
