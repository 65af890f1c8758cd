"""Enrolment against the allocation: trainees per project and province, and its Excel export."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from reporting.inert import inert_row
from survey.db.engine import Database
from survey.programme.models import (
    AllocationIssue,
    Project,
    Province,
    SeatAllocation,
    TrainingClass,
)
from survey.programme.selection import select_programme
from survey.roster.models import Trainee


@dataclass(frozen=True)
class ProjectLine:
    """A project's enrolment: trainees registered and seats published."""

    seq: int
    name: str
    field: str
    base: str
    enrolled: int
    seats: int


@dataclass(frozen=True)
class ProvinceLine:
    """A province's enrolment over all projects."""

    short_name: str
    name: str
    enrolled: int
    seats: int


@dataclass
class RosterSummary:
    """Enrolment of a programme by project, by province, and by both."""

    year: int
    programme: str
    allocation_verified: bool
    allocation_issues: int
    projects: list[ProjectLine] = field(default_factory=list)
    provinces: list[ProvinceLine] = field(default_factory=list)
    #: (project seq, province short name) → (enrolled, seats), for every pair with either.
    cells: dict[tuple[int, str], tuple[int, int]] = field(default_factory=dict)

    @property
    def enrolled(self) -> int:
        """Trainees of the programme."""
        return sum(p.enrolled for p in self.projects)

    @property
    def seats(self) -> int:
        """Seats of the programme as published."""
        return sum(p.seats for p in self.projects)


def roster_summary(db: Database, year: int | None = None) -> RosterSummary:
    """Count trainees per project and province (purged entries included) against annex 2."""
    with db.read() as session:
        programme = select_programme(session, year)
        projects = list(
            session.scalars(
                select(Project).where(Project.programme_id == programme.id).order_by(Project.seq)
            )
        )
        by_id = {p.id: p for p in projects}
        provinces = list(session.scalars(select(Province).order_by(Province.position)))
        short = {p.id: p.short_name for p in provinces}
        enrolled: dict[tuple[int, str], int] = {}
        for project_id, province_id, n in session.execute(
            select(TrainingClass.project_id, Trainee.province_id, func.count())
            .join(TrainingClass, Trainee.class_id == TrainingClass.id)
            .where(Trainee.programme_id == programme.id)
            .group_by(TrainingClass.project_id, Trainee.province_id)
        ):
            enrolled[(by_id[project_id].seq, short[province_id])] = n
        seats = {
            (by_id[a.project_id].seq, short[a.province_id]): a.seats
            for a in session.scalars(
                select(SeatAllocation).where(SeatAllocation.project_id.in_(by_id))
            )
        }
        issues = session.scalar(
            select(func.count())
            .select_from(AllocationIssue)
            .where(AllocationIssue.programme_id == programme.id)
        )
        summary = RosterSummary(
            year=programme.year,
            programme=programme.name,
            allocation_verified=programme.allocation_verified,
            allocation_issues=issues or 0,
        )
        position = {p.short_name: p.position for p in provinces}
        for key in sorted(set(enrolled) | set(seats), key=lambda k: (k[0], position[k[1]])):
            summary.cells[key] = (enrolled.get(key, 0), seats.get(key, 0))
        for project in projects:
            pairs = [v for (seq, _), v in summary.cells.items() if seq == project.seq]
            summary.projects.append(
                ProjectLine(
                    seq=project.seq,
                    name=project.name,
                    field=project.field.name,
                    base=project.base.name,
                    enrolled=sum(e for e, _ in pairs),
                    seats=sum(s for _, s in pairs),
                )
            )
        for province in provinces:
            pairs = [v for (_, p), v in summary.cells.items() if p == province.short_name]
            summary.provinces.append(
                ProvinceLine(
                    short_name=province.short_name,
                    name=province.name,
                    enrolled=sum(e for e, _ in pairs),
                    seats=sum(s for _, s in pairs),
                )
            )
    return summary


def write_summary_xlsx(summary: RosterSummary, path: Path) -> None:
    """Write the summary as a workbook with Chinese headers: by project, by pair, by province."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    bold = Font(bold=True)

    def sheet(title: str, header: list[str], rows: list[list[object]]) -> None:
        ws = workbook.create_sheet(title)
        ws.append(header)
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            # Project, base and province names come from files people typed.
            ws.append(inert_row(row))
        ws.freeze_panes = "A2"

    sheet(
        "按项目",
        ["序号", "项目名称", "领域", "承训单位", "已报名人数", "分配名额", "差额"],
        [
            [p.seq, p.name, p.field, p.base, p.enrolled, p.seats, p.enrolled - p.seats]
            for p in summary.projects
        ],
    )
    names = {p.seq: p for p in summary.projects}
    sheet(
        "按项目和省份",
        ["序号", "承训单位", "省级单位", "已报名人数", "分配名额", "差额"],
        [
            [seq, names[seq].base, province, enrolled, seats, enrolled - seats]
            for (seq, province), (enrolled, seats) in summary.cells.items()
        ],
    )
    sheet(
        "按省份",
        ["省级单位", "全称", "已报名人数", "分配名额", "差额"],
        [
            [p.short_name, p.name, p.enrolled, p.seats, p.enrolled - p.seats]
            for p in summary.provinces
        ],
    )
    notes = workbook.active
    assert notes is not None
    notes.title = "说明"
    notes.append([f"{summary.programme}参训人员报名情况"])
    notes["A1"].font = bold
    notes.append([f"已报名 {summary.enrolled} 人，附件2 分配名额合计 {summary.seats} 个"])
    if not summary.allocation_verified:
        notes.append(
            [
                f"附件2 公布的名额表本身有 {summary.allocation_issues} 处不一致"
                "（见 survey programme load），名额按原表统计，以项目办核实的为准"
            ]
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
