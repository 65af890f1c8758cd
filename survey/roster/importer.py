"""Importing the provinces' rosters: read every file, check every row, then write all or nothing.

Identity: a trainee is their mobile number within a programme. Importing a row whose mobile is
registered updates that trainee (see :mod:`survey.roster.validation` for when it is refused as
"another person"); importing the same file again changes nothing.

Replacement: the provinces of the imported files are the scope. Registered trainees of those
provinces that the import no longer lists are reported; with ``replace=True`` they are deleted
unless they have responded (their spent token is part of the response rate) or their class has
closed. Deleting a trainee deletes a live token of theirs with it (the token's foreign key
cascades), so a slip already handed out stops working.

Moving a trainee to another project replaces their roster entry for the same reason: a live
token belongs to the old class and lapses; a new one is issued for the new class.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey.db.engine import Database
from survey.intake.findings import Finding, error, warning
from survey.programme.lookup import Lookup
from survey.programme.models import (
    AllocationIssue,
    Programme,
    Province,
    SeatAllocation,
    TrainingClass,
)
from survey.programme.names import normalise, strip_authority
from survey.programme.selection import select_programme
from survey.roster.cells import parse_mobile
from survey.roster.errors import ConcurrentChangeError, RosterUsageError
from survey.roster.matching import ProjectMatcher
from survey.roster.models import Trainee
from survey.roster.reading import ReadResult, RosterFile, RosterSheet, read_roster
from survey.roster.validation import (
    Entry,
    Registered,
    check_allocation,
    check_duplicates,
    check_registered,
    check_row,
    check_sequence,
    name_changed,
)

logger = logging.getLogger(__name__)

#: Rows per DELETE … WHERE id IN (…), well below SQLite's bound-parameter limit.
DELETE_CHUNK = 500
# What the 填表单位 line says in the blank template: "XX 省教育厅（公章）".
_PLACEHOLDER = re.compile(r"^[Xx×*?_\-]*(省|市|自治区)?$")
_FIELDS = ("name", "employer", "department", "major", "note")


@dataclass
class ProjectTally:
    """What an import did to one project, and where the project stands afterwards."""

    seq: int
    name: str
    base: str
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    #: Trainees of the project after the import (would be, for a dry run or a refused import).
    enrolled: int = 0
    #: Seats of the project in annex 2 as published (the sum over provinces).
    seats: int = 0

    def as_dict(self) -> dict[str, int | str]:
        """The tally as the JSON output shows it."""
        return {
            "project": self.seq,
            "name": self.name,
            "base": self.base,
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "enrolled": self.enrolled,
            "seats": self.seats,
        }


@dataclass(frozen=True)
class MissingEntry:
    """A registered trainee whom the new version of their province's list no longer names.

    ``name`` is shown to the person importing (it is their own list); it is never logged.
    """

    province: str
    project: int
    name: str | None
    responded: bool
    removed: bool

    def as_dict(self) -> dict[str, str | int | bool | None]:
        """The entry as the JSON output shows it (no mobile)."""
        return {
            "province": self.province,
            "project": self.project,
            "name": self.name,
            "responded": self.responded,
            "removed": self.removed,
        }


@dataclass
class ImportResult:
    """The outcome of an import: per-project tallies, findings, and trainees no longer listed."""

    year: int
    files: list[str]
    dry_run: bool
    replace: bool
    #: Whether anything was written (False for a dry run and for an import with errors).
    written: bool = False
    #: Data rows read from the files.
    rows: int = 0
    projects: list[ProjectTally] = field(default_factory=list)
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    missing: list[MissingEntry] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no error was found."""
        return not self.errors

    @property
    def imported(self) -> int:
        """New trainees."""
        return sum(p.imported for p in self.projects)

    @property
    def updated(self) -> int:
        """Trainees whose entry changed (including a move to another project)."""
        return sum(p.updated for p in self.projects)

    @property
    def unchanged(self) -> int:
        """Trainees listed again exactly as registered."""
        return sum(p.unchanged for p in self.projects)

    @property
    def removed(self) -> int:
        """Trainees deleted because the new lists no longer name them (``replace=True``)."""
        return sum(1 for m in self.missing if m.removed)

    def as_json(self) -> dict[str, Any]:
        """The result as one JSON object: the counts, the findings, and the details."""
        return {
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "errors": [f.as_dict() for f in self.errors],
            "warnings": [f.as_dict() for f in self.warnings],
            "missing": [m.as_dict() for m in self.missing],
            "projects": [p.as_dict() for p in self.projects],
            "year": self.year,
            "rows": self.rows,
            "dry_run": self.dry_run,
            "written": self.written,
        }


def import_rosters(
    db: Database,
    files: Iterable[Path | RosterFile],
    province: str | None = None,
    dry_run: bool = False,
    replace: bool = False,
    year: int | None = None,
    before_commit: Callable[[Session, ImportResult], None] | None = None,
) -> ImportResult:
    """Import annex 3 rosters into the programme of ``year`` (default: the newest loaded).

    ``before_commit`` runs in the import's write transaction once the rows are written (the
    caller's audit entry), so both commit or neither.

    ``province`` names the province of files whose 填表单位 line does not (an error where the
    line names another). Every row is checked before anything is written; any error leaves
    the database untouched and is reported in the result, as is everything with
    ``dry_run=True``. Raises :class:`RosterUsageError` for an unknown ``province`` or ``year``.
    """
    sources = list(files)
    if not sources:
        raise RosterUsageError("没有要导入的文件：请给出至少一个 .xlsx 或 .csv 文件")
    # Parsing needs no database: do it before taking the write lock.
    reads = [read_roster(source) for source in sources]
    transaction = db.read() if dry_run else db.write()
    try:
        with transaction as session:
            plan = _Planner(session, year, province, replace).plan(reads)
            result = plan.result
            result.dry_run = dry_run
            if result.ok and not dry_run:
                _apply(session, plan)
                result.written = True
                if before_commit is not None:
                    before_commit(session, result)
    except IntegrityError:
        # Checked under the write lock on SQLite; on PostgreSQL another import may have
        # registered the same mobile between the check and the insert.
        raise ConcurrentChangeError(
            "导入时名单被同时修改（可能另有导入在进行），本次未写入任何数据：请重新导入"
        ) from None
    logger.info(
        "roster import of %d file(s), %d row(s): imported=%d updated=%d unchanged=%d "
        "removed=%d errors=%d warnings=%d written=%s",
        len(sources),
        result.rows,
        result.imported,
        result.updated,
        result.unchanged,
        result.removed,
        len(result.errors),
        len(result.warnings),
        result.written,
    )
    return result


@dataclass
class _Plan:
    result: ImportResult
    programme_id: int
    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    deletes: list[int] = field(default_factory=list)


class _Planner:
    """Everything an import needs from the database, read once, and the plan built from it."""

    def __init__(
        self, session: Session, year: int | None, province: str | None, replace: bool
    ) -> None:
        self.session = session
        self.replace = replace
        self.programme: Programme = select_programme(session, year)
        self.lookup = Lookup.load(session, self.programme)
        self.matcher = ProjectMatcher(self.lookup)
        self.override = self._province_option(province)
        self.projects = {p.id: p for p in self.lookup.projects}
        self.provinces = {p.id: p for p in session.scalars(select(Province))}
        # Trainees go into their project's first class: the notice runs one cohort per project.
        self.classes: dict[int, TrainingClass] = {}
        for cls in session.scalars(
            select(TrainingClass)
            .where(TrainingClass.project_id.in_(self.projects))
            .order_by(TrainingClass.id)
        ):
            self.classes.setdefault(cls.project_id, cls)
        self.seats = {
            (a.project_id, a.province_id): a.seats
            for a in session.scalars(
                select(SeatAllocation).where(SeatAllocation.project_id.in_(self.projects))
            )
        }
        self.counts = self._counts()
        self.registered = self._registered()

    def _province_option(self, text: str | None) -> Province | None:
        if text is None:
            return None
        found = self.lookup.province(text)
        if found is None:
            raise RosterUsageError(
                f"--province “{text}”不是省级单位：请写如“山东”“山东省”“新疆生产建设兵团”或“兵团”"
            )
        return found

    def _counts(self) -> Counter[tuple[int, int]]:
        # Every trainee counts, purged ones included: they still hold a seat of their class.
        rows = self.session.execute(
            select(TrainingClass.project_id, Trainee.province_id, func.count())
            .join(TrainingClass, Trainee.class_id == TrainingClass.id)
            .where(Trainee.programme_id == self.programme.id)
            .group_by(TrainingClass.project_id, Trainee.province_id)
        )
        return Counter({(project, province): n for project, province, n in rows})

    def _registered(self) -> dict[str, Registered]:
        rows = self.session.execute(
            select(
                Trainee.mobile,
                Trainee.id,
                Trainee.province_id,
                TrainingClass.project_id,
                Trainee.class_id,
                TrainingClass.state,
                Trainee.name,
                Trainee.employer,
                Trainee.department,
                Trainee.major,
                Trainee.note,
                Trainee.responded,
            )
            .join(TrainingClass, Trainee.class_id == TrainingClass.id)
            .where(Trainee.programme_id == self.programme.id, Trainee.mobile.is_not(None))
        )
        registered: dict[str, Registered] = {}
        for row in rows:
            project = self.projects.get(row.project_id)
            registered[row.mobile] = Registered(
                id=row.id,
                province_id=row.province_id,
                province=self.provinces[row.province_id].short_name,
                project_id=row.project_id,
                project_seq=project.seq if project else 0,
                class_id=row.class_id,
                class_closed=row.state == "closed",
                name=row.name,
                employer=row.employer,
                department=row.department,
                major=row.major,
                note=row.note,
                responded=row.responded,
            )
        return registered

    # ----------------------------------------------------------------------------- planning

    def plan(self, reads: Sequence[ReadResult]) -> _Plan:
        result = ImportResult(
            year=self.programme.year,
            files=[r.file for r in reads],
            dry_run=False,
            replace=self.replace,
        )
        plan = _Plan(result=result, programme_id=self.programme.id)
        findings: list[Finding] = []
        entries: list[Entry] = []
        listed: set[str] = set()  # every readable mobile of the import, good rows or not
        scope: dict[int, str] = {}  # provinces whose lists this import brings → first file
        for read in reads:
            findings.extend(read.findings)
            for sheet in read.sheets:
                province = self._sheet_province(sheet, findings)
                if province is not None:
                    scope.setdefault(province.id, sheet.file)
                if sheet.year is not None and sheet.year != self.programme.year:
                    findings.append(
                        error(
                            sheet.file,
                            None,
                            None,
                            f"文件标题写的是 {sheet.year} 年，而导入的是 {self.programme.year} 年"
                            f"的项目：请核对文件，或用 --year {sheet.year} 导入到该年份",
                        )
                    )
                findings.extend(check_sequence(sheet.file, sheet.rows))
                result.rows += len(sheet.rows)
                for raw in sheet.rows:
                    entry, row_findings = check_row(
                        sheet.file, raw, province.id if province else None, self.matcher
                    )
                    findings.extend(row_findings)
                    if entry is not None:
                        entries.append(entry)
                        listed.add(entry.mobile)
                    elif (mobile := parse_mobile(raw.mobile)[0]) is not None:
                        listed.add(mobile)
        duplicates = check_duplicates(entries)
        findings.extend(duplicates)
        twice = {(f.file, f.row) for f in duplicates}
        entries = [e for e in entries if (e.file, e.row) not in twice]

        tallies: dict[int, ProjectTally] = {}
        counts = Counter(self.counts)
        for entry in entries:
            self._plan_entry(entry, plan, tallies, counts, findings)
        self._plan_missing(scope, listed, plan, tallies, counts, findings)
        findings.extend(
            check_allocation(
                entries,
                counts,
                self.seats,
                lambda province_id: self.provinces[province_id].short_name,
                self._project_name,
                self._allocation_note(),
            )
        )
        for project_id, tally in tallies.items():
            tally.enrolled = sum(n for (p, _), n in counts.items() if p == project_id)
            tally.seats = sum(n for (p, _), n in self.seats.items() if p == project_id)
        result.projects = sorted(tallies.values(), key=lambda t: t.seq)
        # Read in the order of the files, and within a file from top to bottom.
        files: dict[str, int] = {}
        for finding in findings:
            files.setdefault(finding.file, len(files))
        findings.sort(key=lambda f: (files[f.file], f.row or 0))
        result.errors = [f for f in findings if f.severity == "error"]
        result.warnings = [f for f in findings if f.severity == "warning"]
        return plan

    def _project_name(self, project_id: int) -> str:
        project = self.projects[project_id]
        return f"第 {project.seq} 项（{project.base.name}）"

    def _allocation_note(self) -> str | None:
        if self.programme.allocation_verified:
            return None
        issues = self.session.scalar(
            select(func.count())
            .select_from(AllocationIssue)
            .where(AllocationIssue.programme_id == self.programme.id)
        )
        return f"附件2 公布的名额表本身有 {issues} 处不一致，名额以项目办核实的为准"

    def _tally(self, tallies: dict[int, ProjectTally], project_id: int) -> ProjectTally:
        tally = tallies.get(project_id)
        if tally is None:
            project = self.projects[project_id]
            tally = tallies[project_id] = ProjectTally(
                seq=project.seq, name=project.name, base=project.base.name
            )
        return tally

    def _sheet_province(self, sheet: RosterSheet, findings: list[Finding]) -> Province | None:
        """The province of a sheet, from its 填表单位 line and the --province option."""
        text = sheet.filler or ""
        row = sheet.filler_row if sheet.filler_row is not None else sheet.header_row
        placeholder = _PLACEHOLDER.match(strip_authority(text)) is not None
        named = None if placeholder else self._province_named(text)
        option = self.override
        if named is not None:
            if option is not None and option.id != named.id:
                findings.append(
                    error(
                        sheet.file,
                        row,
                        None,
                        f"填表单位写的是{named.short_name}，与 --province 指定的"
                        f"{option.short_name}不一致：请核对文件或 --province",
                    )
                )
                return None
            return named
        if option is not None:
            if not placeholder:
                findings.append(
                    warning(
                        sheet.file,
                        row,
                        None,
                        f"填表单位“{text}”不是省级教育行政部门，"
                        f"按 --province 指定的{option.short_name}导入",
                    )
                )
            return option
        if placeholder:
            message = (
                "无法确定省份：请在“填表单位：”后填写省级教育行政部门（如“山东省教育厅”），"
                "或用 --province 指定"
            )
        else:
            message = (
                f"填表单位“{text}”不是省级教育行政部门：请填写如“山东省教育厅”，"
                "或用 --province 指定省份"
            )
        findings.append(error(sheet.file, row, None, message))
        return None

    def _province_named(self, text: str) -> Province | None:
        found = self.lookup.province(text)
        if found is not None:
            return found
        # "山东省教育厅教师工作处": the province is the longest known spelling the line starts with.
        folded = normalise(text)
        starts = [s for s in self.lookup.provinces if folded.startswith(s)]
        return self.lookup.provinces[max(starts, key=len)] if starts else None

    def _plan_entry(
        self,
        entry: Entry,
        plan: _Plan,
        tallies: dict[int, ProjectTally],
        counts: Counter[tuple[int, int]],
        findings: list[Finding],
    ) -> None:
        project = self.projects[entry.project_id]
        target = self.classes.get(entry.project_id)
        if target is None:
            findings.append(
                error(
                    entry.file,
                    entry.row,
                    "项目名称",
                    f"第 {project.seq} 项还没有培训班：请先重新载入项目基础数据",
                )
            )
            return
        target_closed = target.state == "closed"
        registered = self.registered.get(entry.mobile)
        values = {
            "class_id": target.id,
            "province_id": entry.province_id,
            **{name: getattr(entry, name) for name in _FIELDS},
        }
        tally = self._tally(tallies, entry.project_id)
        if registered is None:
            if target_closed:
                findings.append(
                    error(
                        entry.file,
                        entry.row,
                        "项目名称",
                        f"第 {project.seq} 项的培训班已结束，不能再加入学员：请核对项目名称",
                    )
                )
                return
            plan.inserts.append(
                {
                    "programme_id": plan.programme_id,
                    "mobile": entry.mobile,
                    "responded": False,
                    **values,
                }
            )
            counts[(entry.project_id, entry.province_id)] += 1
            tally.imported += 1
            return
        refused = check_registered(entry, registered, target_closed, project.seq)
        if refused is not None:
            findings.append(refused)
            return
        if (renamed := name_changed(entry, registered)) is not None:
            findings.append(renamed)
        if registered.project_id != entry.project_id:
            # A move: a new entry in the new class (see the module docstring).
            plan.deletes.append(registered.id)
            plan.inserts.append(
                {
                    "programme_id": plan.programme_id,
                    "mobile": entry.mobile,
                    "responded": False,
                    **values,
                }
            )
            counts[(registered.project_id, registered.province_id)] -= 1
            counts[(entry.project_id, entry.province_id)] += 1
            tally.updated += 1
            return
        if all(getattr(registered, name) == values[name] for name in _FIELDS):
            tally.unchanged += 1
            return
        if registered.class_closed:
            findings.append(
                warning(
                    entry.file,
                    entry.row,
                    None,
                    f"第 {project.seq} 项的培训班已结束，名单不再修改，本行的更改未导入",
                )
            )
            tally.unchanged += 1
            return
        plan.updates.append({"id": registered.id, **values})
        tally.updated += 1

    def _plan_missing(
        self,
        scope: dict[int, str],
        listed: set[str],
        plan: _Plan,
        tallies: dict[int, ProjectTally],
        counts: Counter[tuple[int, int]],
        findings: list[Finding],
    ) -> None:
        per_province: dict[int, list[MissingEntry]] = {}
        for mobile, registered in self.registered.items():
            if registered.province_id not in scope or mobile in listed or registered.class_closed:
                continue
            removed = self.replace and not registered.responded
            per_province.setdefault(registered.province_id, []).append(
                MissingEntry(
                    province=registered.province,
                    project=registered.project_seq,
                    name=registered.name,
                    responded=registered.responded,
                    removed=removed,
                )
            )
            if removed:
                plan.deletes.append(registered.id)
                counts[(registered.project_id, registered.province_id)] -= 1
                self._tally(tallies, registered.project_id).removed += 1
        for province_id, missing in sorted(
            per_province.items(), key=lambda item: self.provinces[item[0]].position
        ):
            plan.result.missing.extend(sorted(missing, key=lambda m: m.project))
            findings.append(self._missing_warning(scope[province_id], province_id, missing))

    def _missing_warning(self, file: str, province_id: int, missing: list[MissingEntry]) -> Finding:
        short = self.provinces[province_id].short_name
        removed = sum(1 for m in missing if m.removed)
        kept = [m for m in missing if not m.removed]
        message = f"{short}已登记的 {len(missing)} 名学员不在本次名单中"
        if not self.replace:
            message += "，仍保留登记：如确已不参训，请用完整的新名单加 --replace 重新导入"
        else:
            message += f"，按 --replace 移除其中 {removed} 名"
            if kept:
                message += f"；另有 {len(kept)} 名已提交评价，不能移除，仍保留"
        return warning(file, None, None, message)


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _apply(session: Session, plan: _Plan) -> None:
    """Write a checked plan: deletions first, so that a moved trainee's mobile is free again."""
    for chunk in _chunks(plan.deletes, DELETE_CHUNK):
        session.execute(delete(Trainee).where(Trainee.id.in_(chunk)))
    if plan.updates:
        session.execute(update(Trainee), plan.updates)
    if plan.inserts:
        # Core executemany: the ORM's bulk path would only add bookkeeping for plain rows.
        table = Trainee.metadata.tables[Trainee.__tablename__]
        session.execute(insert(table), plan.inserts)
