"""Roster upload through the browser and the quota summary (ministry only).

The upload runs the same import as ``survey roster import`` — every row checked, all or
nothing — and shows its findings in a table, row by row.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Response, Template
from sqlalchemy import select

from survey.errors import UserError
from survey.programme.models import Province
from survey.roster.reading import RosterFile
from survey.roster.summary import roster_summary, write_summary_xlsx
from survey.services.rosters import import_audited
from survey.staff.access import Principal, require_ministry
from survey.staff.audit import audit
from survey.timezone import now
from survey.web.staff.auth import staff_dependencies
from survey.web.staff.downloads import XLSX, attachment
from survey.web.staff.pages import page
from survey.web.state import state_db

#: Files per upload, and bytes per file: a province's list is a few hundred kilobytes.
MAX_FILES = 40
MAX_FILE_BYTES = 5 * 1024 * 1024

Upload = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]


def _provinces(request: Request[Any, Any, Any]) -> list[Province]:
    with state_db(request.app.state).read() as session:
        return list(session.scalars(select(Province).order_by(Province.position)))


def _files(data: dict[str, Any]) -> list[RosterFile]:
    raw = data.get("files")
    uploads = raw if isinstance(raw, list) else [raw] if raw is not None else []
    files: list[RosterFile] = []
    for upload in uploads:
        if not isinstance(upload, UploadFile) or not upload.filename:
            continue
        content = upload.file.read(MAX_FILE_BYTES + 1)
        if len(content) > MAX_FILE_BYTES:
            raise UserError(f"文件“{upload.filename}”太大：每个文件最多 5 MB")
        # The browser's file name only names findings; any folder part is dropped.
        files.append(RosterFile(Path(upload.filename).name[:200], content))
    if not files:
        raise UserError("请选择至少一个名单文件（.xlsx 或 .csv）")
    if len(files) > MAX_FILES:
        raise UserError(f"一次最多上传 {MAX_FILES} 个文件")
    return files


class RosterController(Controller):
    """``/staff/roster`` and ``/staff/roster/summary``."""

    path = "/staff/roster"
    include_in_schema = False
    dependencies = staff_dependencies()

    @get("", sync_to_thread=True)
    def upload_form(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal]
    ) -> Template:
        """The upload form."""
        require_ministry(principal)
        return page(
            principal,
            "staff/roster.html",
            "导入名单",
            active="/staff/roster",
            provinces=_provinces(request),
            result=None,
        )

    @post(
        "", sync_to_thread=True, status_code=200, request_max_body_size=MAX_FILES * MAX_FILE_BYTES
    )
    def upload(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], data: Upload
    ) -> Template:
        """Check (and unless asked not to, import) the uploaded lists; show every finding."""
        require_ministry(principal)
        database = state_db(request.app.state)
        files = _files(data)
        province = str(data.get("province") or "").strip() or None
        dry_run = data.get("dry_run") == "1"
        replace = data.get("replace") == "1"
        result = import_audited(
            database, principal, files, now(), province=province, dry_run=dry_run, replace=replace
        )
        return page(
            principal,
            "staff/roster.html",
            "导入名单：结果",
            active="/staff/roster",
            provinces=_provinces(request),
            result=result,
            status=200 if result.ok else 422,
        )

    @get("/summary", sync_to_thread=True)
    def summary(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal]
    ) -> Template:
        """Enrolled trainees against the allocation, by project and by province."""
        require_ministry(principal)
        summary = roster_summary(state_db(request.app.state))
        return page(
            principal,
            "staff/summary.html",
            "名额汇总",
            active="/staff/roster/summary",
            summary=summary,
        )

    @get("/summary.xlsx", sync_to_thread=True)
    def summary_xlsx(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal]
    ) -> Response[bytes]:
        """The same as an Excel workbook."""
        require_ministry(principal)
        database = state_db(request.app.state)
        summary = roster_summary(database)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "summary.xlsx"
            write_summary_xlsx(summary, path)
            content = path.read_bytes()
        audit(database, principal, "summary_export", f"programme:{summary.year}", "", now())
        return attachment(content, f"名额汇总-{summary.year}.xlsx", XLSX)
