"""Parsing and checking a programme's reference tables (annex 1 and annex 2 of the notice).

Pure logic: it takes rows of cells (from the shipped TSV files or a ministry workbook) and
returns the projects, the seat allocation as published, and every integrity finding. It never
repairs the table: the published allocation is loaded as it is and marked unverified when the
checks fail, because guessing which cell slipped would put numbers in the ministry's mouth.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from survey.errors import UserError
from survey.programme.names import PROVINCES, normalise, province_spellings

PROJECT_SUFFIX = "领军教师示范培训项目"
_FIELD_PATTERN = re.compile(r"^(?P<field>.+?)领域")


class ReferenceError(UserError):
    """The tables cannot be read at all (missing header, no projects); the message says why."""


@dataclass(frozen=True)
class ProjectRow:
    """One row of annex 1."""

    seq: int
    name: str
    major_class: str
    base: str

    @property
    def field(self) -> str:
        """The field (领域) a project belongs to, from its name ("集成电路领域…" → 集成电路)."""
        match = _FIELD_PATTERN.match(self.name)
        return match.group("field") if match else self.name


@dataclass
class ProgrammeReference:
    """A programme's projects and allocation, with the findings of the integrity check."""

    projects: list[ProjectRow]
    #: seats[(project seq, province short name)] as published (empty cells are absent).
    seats: dict[tuple[int, str], int] = field(default_factory=dict)
    #: Published row totals (总计) by project seq and column subtotals (小计) by province.
    row_totals: dict[int, int] = field(default_factory=dict)
    column_totals: dict[str, int] = field(default_factory=dict)
    grand_total: int | None = None
    findings: list[str] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        """True when every row and column adds up to its published total."""
        return not self.findings


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalise(str(value))


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def parse_annex1(rows: Sequence[Sequence[object]]) -> list[ProjectRow]:
    """Read annex 1 (序号, 项目名称, 重点专业类, 承训基地); the header is found by its labels."""
    projects: list[ProjectRow] = []
    columns: dict[str, int] | None = None
    for raw in rows:
        cells = [_cell(c) for c in raw]
        if columns is None:
            if "序号" in cells and "承训基地" in cells:
                columns = {label: cells.index(label) for label in cells if label}
            continue
        seq = _int(cells[0]) if cells else None
        if seq is None:
            continue
        try:
            projects.append(
                ProjectRow(
                    seq=seq,
                    name=cells[columns["项目名称"]],
                    major_class=cells[columns["重点专业类"]] if "重点专业类" in columns else "",
                    base=cells[columns["承训基地"]],
                )
            )
        except (KeyError, IndexError):
            raise ReferenceError(f"附件1 第 {seq} 项缺少项目名称或承训基地") from None
    if columns is None:
        raise ReferenceError("附件1 找不到表头（需要“序号”“项目名称”“承训基地”）")
    if not projects:
        raise ReferenceError("附件1 没有项目")
    return projects


def parse_annex2(
    rows: Sequence[Sequence[object]],
    projects: Sequence[ProjectRow],
    base_of: dict[str, str],
) -> ProgrammeReference:
    """Read annex 2 as published and check every row and column against its total.

    ``base_of`` maps a normalised base spelling to its canonical name, so that annex 2 may name
    a base differently from annex 1 (深圳职业技术学院 / 深圳职业技术大学) without a finding.
    """
    spellings = province_spellings()
    reference = ProgrammeReference(projects=list(projects))
    by_seq = {p.seq: p for p in projects}
    header: dict[int, str] | None = None
    total_column: int | None = None
    seen: set[int] = set()
    findings = reference.findings

    for raw in rows:
        cells = [_cell(c) for c in raw]
        if not any(cells):
            continue
        if cells[0] == "序号":
            # The header repeats after a page break; every copy must name the same columns.
            columns = {i: spellings[c] for i, c in enumerate(cells) if c in spellings}
            if header is not None and columns != header:
                findings.append("附件2 分页后的表头与首个表头的省份列不一致")
            header = columns
            total_column = cells.index("总计") if "总计" in cells else None
            continue
        if header is None:
            continue
        label = cells[0]
        first = 3 if label != "小计" else 1
        values = {i: c for i, c in enumerate(cells) if i >= first and c}
        bad = [c for c in values.values() if _int(c) is None]
        if bad:
            findings.append(f"附件2 “{label}”行有非数字的单元格：{'、'.join(bad)}")
        numeric = {i: n for i, c in values.items() if (n := _int(c)) is not None}
        # The total is the last number of the row: as extracted, it often sits one cell past
        # the 总计 column, which is harmless; a number in a non-province column before it is not.
        total_at = max(numeric) if numeric else None
        total = numeric.pop(total_at) if total_at is not None else None
        where = _row_name(label, by_seq)
        for i in sorted(i for i in numeric if i not in header):
            column = "“总计”列" if i == total_column else f"第 {i + 1} 列"
            findings.append(f"附件2 {where}：{column}多出数值 {numeric[i]}，不属于任何省份，未载入")
        provinces = {header[i]: n for i, n in numeric.items() if i in header}

        if label == "小计":
            reference.column_totals = provinces
            reference.grand_total = total
            continue
        seq = _int(label)
        if seq is None:
            continue
        if seq not in by_seq:
            findings.append(f"附件2 第 {seq} 项在附件1 中不存在")
            continue
        if seq in seen:
            findings.append(f"附件2 第 {seq} 项出现了两次")
            continue
        seen.add(seq)
        published_base = base_of.get(cells[2], cells[2])
        if published_base != base_of.get(by_seq[seq].base, by_seq[seq].base):
            findings.append(f"附件2 {where}：承训单位“{cells[2]}”与附件1 不一致")
        for province, seats in provinces.items():
            reference.seats[(seq, province)] = seats
        if total is None:
            findings.append(f"附件2 {where}：没有总计")
            continue
        reference.row_totals[seq] = total
        added = sum(provinces.values())
        if added != total:
            findings.append(f"附件2 {where}：各省名额相加为 {added}，与总计 {total} 不符")

    if header is None:
        raise ReferenceError("附件2 找不到表头（需要“序号”和各省份列）")
    for missing in sorted(set(by_seq) - seen):
        findings.append(f"附件2 缺少第 {missing} 项（{by_seq[missing].base}）")
    _check_columns(reference)
    return reference


def _row_name(label: str, by_seq: dict[int, ProjectRow]) -> str:
    seq = _int(label)
    if seq is not None and seq in by_seq:
        return f"第 {seq} 项（{by_seq[seq].base}）"
    return f"“{label}”行"


def _check_columns(reference: ProgrammeReference) -> None:
    findings = reference.findings
    if not reference.column_totals and reference.grand_total is None:
        findings.append("附件2 没有“小计”行，无法核对各省合计")
        return
    for short, _ in PROVINCES:
        added = sum(n for (_, p), n in reference.seats.items() if p == short)
        published = reference.column_totals.get(short, 0)
        if added != published:
            findings.append(f"附件2 {short}：各项目名额相加为 {added}，与小计 {published} 不符")
    if reference.grand_total is not None:
        added = sum(reference.row_totals.values())
        if added != reference.grand_total:
            findings.append(
                f"附件2 总计：各项目总计相加为 {added}，与合计 {reference.grand_total} 不符"
            )
