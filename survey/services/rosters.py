"""Importing rosters, audited: a written import and its audit entry commit together."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from survey.db.engine import Database
from survey.roster.importer import ImportResult, import_rosters
from survey.roster.reading import RosterFile
from survey.staff.audit import Actor, audit, record, require_ministry_actor


def _summary(files: int, result: ImportResult) -> str:
    return (
        f"{files} 个文件、{result.rows} 行：新增 {result.imported}、"
        f"更新 {result.updated}、删除 {result.removed}、"
        f"错误 {len(result.errors)}、提醒 {len(result.warnings)}"
    )


def import_audited(
    db: Database,
    actor: Actor,
    files: Sequence[Path | RosterFile],
    now: datetime,
    *,
    province: str | None = None,
    dry_run: bool = False,
    replace: bool = False,
    year: int | None = None,
) -> ImportResult:
    """Check and (unless ``dry_run`` or an error) import rosters, with an audit entry.

    A written import is audited in its own transaction; a check that writes nothing gets an
    entry of its own ("检查名单（未导入）").
    """
    require_ministry_actor(actor)

    def audited(session: Session, result: ImportResult) -> None:
        target = f"programme:{result.year}"
        record(session, actor, "roster_import", target, _summary(len(files), result), now)

    result = import_rosters(
        db,
        files,
        province=province,
        dry_run=dry_run,
        replace=replace,
        year=year,
        before_commit=audited,
    )
    if not result.written:
        target = f"programme:{result.year}"
        audit(db, actor, "roster_check", target, _summary(len(files), result), now)
    return result
