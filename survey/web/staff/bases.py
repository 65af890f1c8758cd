"""A base's pages: its classes' response rates, slips, reissues and reminders.

The ministry may open every one of them; a base only those of its own classes.
"""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Response, Template
from sqlalchemy import select

from reporting.inert import inert_row
from survey.errors import UserError
from survey.programme.models import TrainingClass
from survey.roster.cells import parse_mobile
from survey.roster.models import Trainee
from survey.settings import Settings
from survey.slips.issue import Slip, issue_slips, outstanding
from survey.slips.render import qr_svg, slips_csv
from survey.staff.access import Principal
from survey.staff.audit import audit
from survey.staff.rates import ClassRow, class_rows, province_rows, total
from survey.timezone import format_local, now
from survey.web.staff.auth import staff_dependencies
from survey.web.staff.downloads import CSV, attachment
from survey.web.staff.pages import PathId, current_programme, page, visible_base, visible_class
from survey.web.state import state_db, state_secret, state_settings

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
FORMATS = {"html": "打印纸条", "csv": "短信/微信名单（CSV）"}
REMINDER_HEADER = ("学员姓名", "联系手机", "问卷链接", "问卷码", "提醒短信")


def _issuable(row_state: str) -> None:
    if row_state == "closed":
        raise UserError("本班问卷已经关闭，不能再发放问卷链接")


def slip_views(slips: list[Slip]) -> list[tuple[Slip, str]]:
    """Slips with their QR codes as inline SVG (attributes only: no inline style)."""
    return [(slip, qr_svg(slip.link)) for slip in slips]


def reminders_csv(slips: list[Slip], deadline: str) -> bytes:
    """The reminder list: mobile, fresh link and a ready SMS text per outstanding trainee."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(REMINDER_HEADER)
    for slip in slips:
        message = (
            f"【职教国培】{slip.name}老师您好：{slip.project}的匿名评价问卷"
            f"{'将于 ' + deadline + ' 截止' if deadline != '—' else '正在进行'}，"
            f"请点击 {slip.link} 填写（约 {slip.minutes} 分钟，匿名）。此前的链接已失效。"
        )
        writer.writerow(inert_row((slip.name, slip.mobile, slip.link, slip.code, message)))
    # A BOM so that Excel on a Chinese Windows opens the file without mojibake.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _slips_page(
    heading: str, row: ClassRow, slips: list[Slip], settings: Settings, class_id: int
) -> Template:
    """The printable slips of ``slips`` for the class ``row``."""
    return Template(
        template_name="staff/slips.html",
        context={
            "title": f"{heading}：{row.project_seq}. {row.name}",
            "row": row,
            "slips": slip_views(slips),
            "public_url": settings.public_url,
            "back": f"/staff/classes/{class_id}",
        },
    )


class BaseController(Controller):
    """``/staff/bases/{id}`` and ``/staff/classes/{id}…``."""

    path = "/staff"
    include_in_schema = False
    dependencies = staff_dependencies()

    @get("/bases/{base_id:int}", sync_to_thread=True)
    def base_home(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        base_id: PathId,
    ) -> Template:
        """The base's classes with invited, responded and rate, and the same by province."""
        database = state_db(request.app.state)
        settings = state_settings(request.app.state)
        with database.read() as session:
            base = visible_base(session, principal, base_id)
            programme = current_programme(session)
            rows = class_rows(session, programme.id, base_id=base.id)
            provinces = {row.id: province_rows(session, [row.id]) for row in rows}
        return page(
            principal,
            "staff/base_home.html",
            f"{base.name}：回收情况",
            active=f"/staff/bases/{base_id}",
            base=base,
            programme=programme,
            rows=rows,
            provinces=provinces,
            total=total(rows),
            k=settings.report_k,
            checked_at=format_local(now()),
        )

    @get("/classes/{class_id:int}", sync_to_thread=True)
    def class_home(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        class_id: PathId,
    ) -> Template:
        """One class: its rate, by province, its window, and what can be done with it."""
        database = state_db(request.app.state)
        settings = state_settings(request.app.state)
        with database.read() as session:
            row = visible_class(session, principal, class_id)
            provinces = province_rows(session, [class_id])
        return page(
            principal,
            "staff/class.html",
            f"{row.project_seq}. {row.name}",
            active=principal.home if not principal.is_ministry else "/staff/overview",
            row=row,
            provinces=provinces,
            k=settings.report_k,
            checked_at=format_local(now()),
        )

    @get("/classes/{class_id:int}/slips", sync_to_thread=True)
    def slips_confirm(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        class_id: PathId,
        format: FromQuery[str] = "html",
    ) -> Template:
        """Ask before re-issuing: every earlier link and code of the class stops working."""
        database = state_db(request.app.state)
        with database.read() as session:
            row = visible_class(session, principal, class_id)
            _issuable(row.state)
            count = len(outstanding(session, [class_id]))
        return page(
            principal,
            "staff/slips_confirm.html",
            f"{FORMATS.get(format, FORMATS['html'])}：{row.name}",
            row=row,
            format=format if format in FORMATS else "html",
            format_label=FORMATS.get(format, FORMATS["html"]),
            count=count,
        )

    @post("/classes/{class_id:int}/slips", sync_to_thread=True, status_code=200)
    def slips_issue(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        class_id: PathId,
        data: Form,
    ) -> Template | Response[bytes]:
        """Re-issue tokens to everyone who has not responded and hand out the slips."""
        database, secret = state_db(request.app.state), state_secret(request.app.state)
        settings: Settings = state_settings(request.app.state)
        fmt = str(data.get("format", "html"))
        if fmt not in FORMATS:
            raise UserError("请选择打印纸条或导出名单")
        with database.read() as session:
            row = visible_class(session, principal, class_id)
            _issuable(row.state)
            ids = outstanding(session, [class_id])
        if not ids:
            raise UserError("没有需要发放的学员：名单为空，或学员都已提交")
        slips = issue_slips(database, secret, settings.public_url, ids)
        action = "slips_print" if fmt == "html" else "slips_csv"
        audit(
            database,
            principal,
            action,
            f"class:{class_id}",
            f"{row.name}：{len(slips)} 人",
            now(),
        )
        if fmt == "csv":
            return attachment(slips_csv(slips), f"短信名单-第{row.project_seq}项.csv", CSV)
        return _slips_page("问卷纸条", row, slips, settings, class_id)

    @get("/classes/{class_id:int}/reissue", sync_to_thread=True)
    def reissue_form(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        class_id: PathId,
    ) -> Template:
        """Ask for the mobile number of the trainee who lost their slip."""
        database = state_db(request.app.state)
        with database.read() as session:
            row = visible_class(session, principal, class_id)
            _issuable(row.state)
        return page(principal, "staff/reissue.html", f"补发纸条：{row.name}", row=row)

    @post("/classes/{class_id:int}/reissue", sync_to_thread=True, status_code=200)
    def reissue(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        class_id: PathId,
        data: Form,
    ) -> Template:
        """Replace one trainee's slip (their old link and code stop working)."""
        database, secret = state_db(request.app.state), state_secret(request.app.state)
        settings = state_settings(request.app.state)
        number, problem = parse_mobile(str(data.get("mobile", "")))
        with database.read() as session:
            row = visible_class(session, principal, class_id)
            _issuable(row.state)

            def refused(error: str, status: int) -> Template:
                return page(
                    principal,
                    "staff/reissue.html",
                    f"补发纸条：{row.name}",
                    row=row,
                    error=error,
                    status=status,
                )

            if number is None:
                return refused(f"手机号{problem}", 400)
            trainee = session.scalar(
                select(Trainee).where(Trainee.class_id == class_id, Trainee.mobile == number)
            )
            if trainee is None:
                return refused(
                    "本班名单中没有这个手机号，请核对（名单由省级单位报送，需项目办导入）", 404
                )
            if trainee.responded:
                return refused("该学员已经提交，不需要补发（补发会让同一人提交两次）", 409)
            trainee_id = trainee.id
        slips = issue_slips(database, secret, settings.public_url, [trainee_id])
        audit(database, principal, "slip_reissue", f"class:{class_id}", f"{row.name}：1 人", now())
        return _slips_page("补发的问卷纸条", row, slips, settings, class_id)

    @get("/classes/{class_id:int}/reminders", sync_to_thread=True)
    def reminders_confirm(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        class_id: PathId,
    ) -> Template:
        """Ask before re-issuing the outstanding trainees' links for a reminder."""
        database = state_db(request.app.state)
        with database.read() as session:
            row = visible_class(session, principal, class_id)
            _issuable(row.state)
            count = len(outstanding(session, [class_id]))
        return page(
            principal, "staff/reminders_confirm.html", f"催办名单：{row.name}", row=row, count=count
        )

    @post("/classes/{class_id:int}/reminders", sync_to_thread=True, status_code=200)
    def reminders(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        class_id: PathId,
    ) -> Response[bytes]:
        """Mobiles, fresh links and a ready message for everyone who has not responded."""
        database, secret = state_db(request.app.state), state_secret(request.app.state)
        settings = state_settings(request.app.state)
        with database.read() as session:
            row = visible_class(session, principal, class_id)
            _issuable(row.state)
            ids = outstanding(session, [class_id])
            closes_at = session.scalar(
                select(TrainingClass.closes_at).where(TrainingClass.id == class_id)
            )
        if not ids:
            raise UserError("没有需要催办的学员：学员都已提交")
        slips = issue_slips(database, secret, settings.public_url, ids)
        audit(
            database,
            principal,
            "reminder_export",
            f"class:{class_id}",
            f"{row.name}：{len(slips)} 人",
            now(),
        )
        return attachment(
            reminders_csv(slips, format_local(closes_at)),
            f"催办名单-第{row.project_seq}项.csv",
            CSV,
        )
