"""Handing out links: slips, SMS lists, reminder lists and replacements, for those who may.

The ministry may do all of it for every class, a province for its own trainees; a base only
prints the slips of a class the ministry switched "由承训基地发放纸条" on for. The checks and the
audit are :mod:`survey.services.credentials`; these handlers read the form and render.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromQuery
from litestar.response import Redirect, Response, Template
from sqlalchemy.orm import Session

from survey.errors import UserError
from survey.programme.models import TrainingClass
from survey.services.credentials import (
    Export,
    ReplaceRefusedError,
    UnknownClassError,
    export_links,
    link_province,
    link_scope,
    pending_requests,
    replace_link,
    set_base_slips,
)
from survey.slips.issue import Slip, outstanding
from survey.slips.render import qr_svg, reminders_csv, slips_csv
from survey.staff.access import AccessDenied, Principal, require_ministry
from survey.staff.rates import ClassRow, class_rows
from survey.timezone import now
from survey.web.staff.auth import staff_dependencies
from survey.web.staff.downloads import CSV, attachment
from survey.web.staff.pages import Form, PathId, page
from survey.web.state import state_db, state_secret, state_settings

FORMATS = {"html": "打印纸条", "csv": "短信/微信名单（CSV）"}


def _link_class(
    session: Session, principal: Principal, class_id: int, *, paper: bool
) -> tuple[ClassRow, str]:
    """The class's row if the account may hold its links, and the page to go back to."""
    try:
        training_class: TrainingClass = link_scope(session, principal, class_id, paper=paper)
    except UnknownClassError:
        raise NotFoundException from None
    (row,) = class_rows(session, training_class.project.programme_id, class_ids=[class_id])
    back = principal.home if principal.role == "province" else f"/staff/classes/{class_id}"
    return row, back


def _slips_page(
    principal: Principal,
    heading: str,
    row: ClassRow,
    slips: list[Slip],
    public_url: str,
    back: str,
) -> Template:
    """The printable slips of ``slips``, with the staff navigation (QR codes as inline SVG:
    attributes, no inline style)."""
    return page(
        principal,
        "staff/slips.html",
        f"{heading}：{row.label}",
        row=row,
        slips=[(slip, qr_svg(slip.link)) for slip in slips],
        public_url=public_url,
        back=back,
    )


class LinksController(Controller):
    """``/staff/classes/{id}/slips|reissue|reminders|base-slips`` and ``/staff/reminders``."""

    path = "/staff"
    include_in_schema = False
    dependencies = staff_dependencies()

    @get("/classes/{class_id:int}/slips", sync_to_thread=True)
    def slips_confirm(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        class_id: PathId,
        format: FromQuery[str] = "html",
    ) -> Template:
        """What the export will hold, before it is made."""
        fmt = format if format in FORMATS else "html"
        with state_db(request.app.state).read() as session:
            row, back = _link_class(session, principal, class_id, paper=fmt == "html")
            count = len(outstanding(session, [class_id], link_province(principal)))
        return page(
            principal,
            "staff/slips_confirm.html",
            f"{FORMATS[fmt]}：{row.name}",
            row=row,
            back=back,
            format=fmt,
            format_label=FORMATS[fmt],
            count=count,
        )

    @post("/classes/{class_id:int}/slips", sync_to_thread=True, status_code=200)
    def slips_export(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        class_id: PathId,
        data: Form,
    ) -> Template | Response[bytes]:
        """The slips or the SMS list of the class's outstanding trainees (the same links each
        time; new ones only for trainees who had none)."""
        fmt = str(data.get("format", "html"))
        if fmt not in FORMATS:
            raise UserError("请选择打印纸条或导出名单")
        settings = state_settings(request.app.state)
        export = self._export(request, principal, class_id, fmt)
        if fmt == "csv":
            return attachment(slips_csv(export.slips), _filename("短信名单", export), CSV)
        with state_db(request.app.state).read() as session:
            row, back = _link_class(session, principal, class_id, paper=True)
        return _slips_page(principal, "问卷纸条", row, export.slips, settings.public_url, back)

    @staticmethod
    def _export(
        request: Request[Any, Any, Any], principal: Principal, class_id: int, purpose: str
    ) -> Export:
        database = state_db(request.app.state)
        with database.read() as session:
            _link_class(session, principal, class_id, paper=purpose == "html")
        return export_links(
            database,
            state_secret(request.app.state),
            state_settings(request.app.state).public_url,
            principal,
            class_id,
            purpose,
            now(),
        )

    @get("/classes/{class_id:int}/reissue", sync_to_thread=True)
    def reissue_form(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        class_id: PathId,
    ) -> Template:
        """Ask for the mobile number of the trainee who lost their slip."""
        with state_db(request.app.state).read() as session:
            row, back = _link_class(session, principal, class_id, paper=True)
        return page(principal, "staff/reissue.html", f"补发：{row.name}", row=row, back=back)

    @post("/classes/{class_id:int}/reissue", sync_to_thread=True, status_code=200)
    def reissue(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        class_id: PathId,
        data: Form,
    ) -> Template:
        """Replace one trainee's link: the old link and code die, the page says so."""
        database = state_db(request.app.state)
        settings = state_settings(request.app.state)
        with database.read() as session:
            row, back = _link_class(session, principal, class_id, paper=True)
        try:
            slip = replace_link(
                database,
                state_secret(request.app.state),
                settings.public_url,
                principal,
                str(data.get("mobile", "")),
                now(),
                class_id=class_id,
            )
        except ReplaceRefusedError as refused:
            return page(
                principal,
                "staff/reissue.html",
                f"补发：{row.name}",
                row=row,
                back=back,
                error=str(refused),
                status=refused.status,
            )
        return _slips_page(
            principal, "补发的问卷纸条（旧链接已作废）", row, [slip], settings.public_url, back
        )

    @get("/classes/{class_id:int}/reminders", sync_to_thread=True)
    def reminders_confirm(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        class_id: PathId,
    ) -> Template:
        """What the reminder list will hold, before it is made."""
        with state_db(request.app.state).read() as session:
            row, back = _link_class(session, principal, class_id, paper=False)
            count = len(outstanding(session, [class_id], link_province(principal)))
        return page(
            principal,
            "staff/reminders_confirm.html",
            f"催办名单：{row.name}",
            row=row,
            back=back,
            count=count,
        )

    @post("/classes/{class_id:int}/reminders", sync_to_thread=True, status_code=200)
    def reminders(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        class_id: PathId,
    ) -> Response[bytes]:
        """Mobiles, the trainees' own links and a ready message, for an SMS platform."""
        export = self._export(request, principal, class_id, "reminders")
        return attachment(
            reminders_csv(export.slips, export.deadline), _filename("催办名单", export), CSV
        )

    @get("/reminders", sync_to_thread=True)
    def reminder_requests(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal]
    ) -> Template:
        """The bases' reminder requests still waiting (a province sees those with its trainees)."""
        if principal.role == "base":
            raise AccessDenied
        with state_db(request.app.state).read() as session:
            requests = pending_requests(session, link_province(principal))
        return page(
            principal,
            "staff/reminder_requests.html",
            "催办请求",
            active="/staff/reminders",
            requests=requests,
        )

    @post("/classes/{class_id:int}/base-slips", sync_to_thread=True, status_code=303)
    def base_slips(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        class_id: PathId,
        data: Form,
    ) -> Redirect:
        """The ministry switches "由承训基地发放纸条" on or off for the class."""
        require_ministry(principal)
        try:
            set_base_slips(
                state_db(request.app.state), principal, class_id, data.get("on") == "1", now()
            )
        except UnknownClassError:
            raise NotFoundException from None
        return Redirect(f"/staff/classes/{class_id}", status_code=303)


def _filename(kind: str, export: Export) -> str:
    scope = f"-{export.province}" if export.province else ""
    return f"{kind}-第{export.project_seq}项{scope}.csv"
