"""Loading a programme's reference data into the database, idempotently.

Sources: the tables shipped with the package (``survey programme load 2024``) or a ministry
workbook in the same layout (``survey programme load FILE.xlsx``). Both become the same
:class:`~survey.programme.reference.ProgrammeReference`, checked the same way.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TypeVar

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from survey.db.engine import Database
from survey.intake.cells import cell_text
from survey.intake.tables import BROKEN, IntakeError, open_tables
from survey.programme.models import (
    Alias,
    AllocationIssue,
    Field,
    Programme,
    Project,
    Province,
    SeatAllocation,
    TrainingBase,
    TrainingClass,
)
from survey.programme.names import PROVINCES, class_name, normalise
from survey.programme.reference import (
    ProgrammeReference,
    ReferenceError,
    parse_annex1,
    parse_annex2,
)

_YEAR = re.compile(r"(20\d\d)\s*年")


@dataclass
class ProgrammeSource:
    """What a programme load needs: its year and name, aliases, and the two annex tables."""

    year: int
    name: str
    annex1: list[list[object]]
    annex2: list[list[object]]
    aliases: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass
class LoadReport:
    """What a load did: counts, how many rows it changed, and the integrity findings."""

    year: int
    fields: int
    projects: int
    bases: int
    provinces: int
    seats: int
    changes: int
    findings: list[str]

    @property
    def verified(self) -> bool:
        """True when the allocation passed every check."""
        return not self.findings


def bundled_years() -> list[int]:
    """Years whose reference data ships with the package."""
    data = resources.files("survey.programme") / "data"
    return sorted(int(p.name) for p in data.iterdir() if p.name.isdigit())


def _tsv(text: str) -> list[list[object]]:
    return [list(line.split("\t")) for line in text.splitlines()]


def bundled_source(year: int) -> ProgrammeSource:
    """The reference data shipped for ``year``."""
    if year not in bundled_years():
        known = "、".join(str(y) for y in bundled_years())
        raise ReferenceError(f"没有 {year} 年的内置数据（内置年份：{known}）；请提供 Excel 文件")
    folder = resources.files("survey.programme") / "data" / str(year)
    meta = tomllib.loads((folder / "programme.toml").read_text(encoding="utf-8"))
    return ProgrammeSource(
        year=int(meta["year"]),
        name=str(meta["name"]),
        annex1=_tsv((folder / "annex1.tsv").read_text(encoding="utf-8")),
        annex2=_tsv((folder / "annex2.tsv").read_text(encoding="utf-8")),
        aliases={kind: dict(table) for kind, table in meta.get("aliases", {}).items()},
    )


def workbook_source(path: Path, year: int | None = None) -> ProgrammeSource:
    """A ministry workbook: one sheet with annex 1, one with annex 2 (found by their headers).

    The year comes from ``year`` or from a title such as "2025年“职教国培”示范项目…".
    """
    try:
        data = path.read_bytes()
    except OSError as problem:
        raise ReferenceError(f"无法读取 {path.name}：{problem.strerror}") from None
    annex1: list[list[object]] | None = None
    annex2: list[list[object]] | None = None
    title_year: int | None = None
    try:
        with open_tables(path.name, data) as tables:
            for table in tables:
                rows: list[list[object]] = [list(row) for _, row in table.rows]
                labels = {
                    normalise(text) for row in rows for value in row if (text := cell_text(value))
                }
                if title_year is None:
                    for text in labels:
                        if match := _YEAR.search(text):
                            title_year = int(match.group(1))
                            break
                if "承训基地" in labels and annex1 is None:
                    annex1 = rows
                elif "北京" in labels and "承训单位" in labels and annex2 is None:
                    annex2 = rows
    except IntakeError as problem:
        raise ReferenceError(f"无法读取 {path.name}：{problem}") from None
    except BROKEN as problem:
        raise ReferenceError(
            f"无法读取 {path.name}：文件已损坏（{type(problem).__name__}），请重新导出 .xlsx"
        ) from None
    if annex1 is None or annex2 is None:
        raise ReferenceError(
            f"{path.name} 中找不到附件1（含“承训基地”列）和附件2（含各省份列）两张表"
        )
    chosen = year or title_year
    if chosen is None:
        raise ReferenceError(f"{path.name} 的标题中没有年份，请用 --year 指定")
    return ProgrammeSource(
        year=chosen,
        name=f"{chosen}年“职教国培”示范项目",
        annex1=annex1,
        annex2=annex2,
        aliases=known_aliases(),
    )


def known_aliases() -> dict[str, dict[str, str]]:
    """The aliases of every bundled year, for workbooks of years that ship no data."""
    merged: dict[str, dict[str, str]] = {}
    for year in bundled_years():
        for kind, table in bundled_source(year).aliases.items():
            merged.setdefault(kind, {}).update(table)
    return merged


def check_source(source: ProgrammeSource) -> ProgrammeReference:
    """Parse and check the annex tables of ``source`` without touching the database."""
    projects = parse_annex1(source.annex1)
    base_of = {normalise(a): normalise(c) for a, c in source.aliases.get("base", {}).items()}
    base_of.update({normalise(p.base): normalise(p.base) for p in projects})
    return parse_annex2(source.annex2, projects, base_of)


class _Upsert:
    """Get-or-create with change counting, so a second load can prove it changed nothing."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.changes = 0

    def add(self, row: object) -> None:
        self.session.add(row)
        self.changes += 1

    def set(self, row: object, **values: object) -> None:
        for name, value in values.items():
            if getattr(row, name) != value:
                setattr(row, name, value)
                self.changes += 1


def load_programme(db: Database, source: ProgrammeSource) -> LoadReport:
    """Load ``source`` in one transaction; running it again with the same data changes nothing."""
    reference = check_source(source)
    with db.write() as session:
        up = _Upsert(session)
        programme = session.scalar(select(Programme).where(Programme.year == source.year))
        if programme is None:
            programme = Programme(year=source.year, name=source.name)
            up.add(programme)
        up.set(programme, name=source.name, allocation_verified=reference.verified)
        session.flush()

        provinces = _provinces(session, up)
        fields = {
            name: _named(session, up, Field, name)
            for name in dict.fromkeys(p.field for p in reference.projects)
        }
        bases = {
            name: _named(session, up, TrainingBase, name)
            for name in dict.fromkeys(p.base for p in reference.projects)
        }
        session.flush()
        _aliases(session, up, "base", source.aliases.get("base", {}), bases)
        _aliases(session, up, "field", source.aliases.get("field", {}), fields)

        existing = {
            p.seq: p
            for p in session.scalars(select(Project).where(Project.programme_id == programme.id))
        }
        projects: dict[int, Project] = {}
        for row in reference.projects:
            project = existing.get(row.seq)
            values = {
                "name": row.name,
                "major_class": row.major_class,
                "field_id": fields[row.field].id,
                "base_id": bases[row.base].id,
            }
            if project is None:
                project = Project(programme_id=programme.id, seq=row.seq, **values)
                up.add(project)
            else:
                up.set(project, **values)
            projects[row.seq] = project
        session.flush()
        _classes(session, up, [(projects[row.seq], row.base) for row in reference.projects])
        _allocation(session, up, reference, projects, provinces)
        _issues(session, up, programme, reference.findings)

        return LoadReport(
            year=source.year,
            fields=len(fields),
            projects=len(projects),
            bases=len(bases),
            provinces=len(provinces),
            seats=sum(reference.seats.values()),
            changes=up.changes,
            findings=list(reference.findings),
        )


_Named = TypeVar("_Named", Field, TrainingBase)


def _named(session: Session, up: _Upsert, model: type[_Named], name: str) -> _Named:
    row = session.scalar(select(model).where(model.name == name))
    if row is None:
        row = model(name=name)
        up.add(row)
    return row


def _provinces(session: Session, up: _Upsert) -> dict[str, Province]:
    existing = {p.short_name: p for p in session.scalars(select(Province))}
    for position, (short, full) in enumerate(PROVINCES, start=1):
        if short not in existing:
            existing[short] = Province(short_name=short, name=full, position=position)
            up.add(existing[short])
        else:
            up.set(existing[short], name=full, position=position)
    session.flush()
    return existing


def _aliases(
    session: Session,
    up: _Upsert,
    kind: str,
    aliases: dict[str, str],
    targets: dict[str, Field] | dict[str, TrainingBase],
) -> None:
    existing = {a.name: a for a in session.scalars(select(Alias).where(Alias.kind == kind))}
    for alias, canonical in aliases.items():
        target = targets.get(canonical)
        if target is None:
            # Aliases are shared across years; a base that is not in this year's annex 1 has
            # no row to point at.
            continue
        if alias in existing:
            up.set(existing[alias], target_id=target.id)
        else:
            up.add(Alias(kind=kind, name=alias, target_id=target.id))


def _classes(session: Session, up: _Upsert, projects: Iterable[tuple[Project, str]]) -> None:
    # One class per project by default: the notice runs one cohort per project.
    for project, base in projects:
        has_class = session.scalar(
            select(TrainingClass.id).where(TrainingClass.project_id == project.id).limit(1)
        )
        if has_class is None:
            up.add(TrainingClass(project_id=project.id, name=class_name(project.name, base)))


def _allocation(
    session: Session,
    up: _Upsert,
    reference: ProgrammeReference,
    projects: dict[int, Project],
    provinces: dict[str, Province],
) -> None:
    project_ids = [p.id for p in projects.values()]
    existing = {
        (a.project_id, a.province_id): a
        for a in session.scalars(
            select(SeatAllocation).where(SeatAllocation.project_id.in_(project_ids))
        )
    }
    wanted: set[tuple[int, int]] = set()
    for (seq, short), seats in reference.seats.items():
        key = (projects[seq].id, provinces[short].id)
        wanted.add(key)
        if key in existing:
            up.set(existing[key], seats=seats)
        else:
            up.add(SeatAllocation(project_id=key[0], province_id=key[1], seats=seats))
    for key, row in existing.items():
        if key not in wanted:
            session.delete(row)
            up.changes += 1


def _issues(session: Session, up: _Upsert, programme: Programme, findings: list[str]) -> None:
    current = list(
        session.scalars(
            select(AllocationIssue)
            .where(AllocationIssue.programme_id == programme.id)
            .order_by(AllocationIssue.id)
        )
    )
    if [i.message for i in current] == findings:
        return
    session.execute(delete(AllocationIssue).where(AllocationIssue.programme_id == programme.id))
    for message in findings:
        up.add(AllocationIssue(programme_id=programme.id, message=message))
