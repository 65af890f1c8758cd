"""The ministry's pages: the programme overview, survey windows and the audit log."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter
from litestar.response import Template

from survey.errors import UserError
from survey.services.credentials import pending_requests
from survey.services.windows import classes_in_state, open_classes
from survey.staff.access import Principal, require_ministry
from survey.staff.audit import ACTIONS, entries
from survey.staff.rates import by_base, class_rows, lagging, total
from survey.timezone import format_local, now, parse_local
from survey.web.staff.auth import staff_dependencies
from survey.web.staff.pages import Form, PathId, close_now, current_programme, page, visible_class
from survey.web.state import state_db, state_settings

AUDIT_PAGE = 100


def deadline(data: dict[str, Any]) -> Any:
    """The deadline a form asks for (a ``datetime-local`` value in Beijing time), or None for
    "no deadline"; a malformed one is a :class:`UserError`."""
    text = str(data.get("until", "")).strip().replace("T", " ")
    if not text:
        return None
    return parse_local(text[:16])


class MinistryController(Controller):
    """``/staff/overview``, ``/staff/windows…``, ``/staff/classes/{id}/open|close``,
    ``/staff/audit``."""

    path = "/staff"
    include_in_schema = False
    dependencies = staff_dependencies()

    @get("/overview", sync_to_thread=True)
    def overview(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal]
    ) -> Template:
        """Every base and class at a glance: rate bars, windows, states, small-class warnings."""
        require_ministry(principal)
        database = state_db(request.app.state)
        settings = state_settings(request.app.state)
        with database.read() as session:
            programme = current_programme(session)
            rows = class_rows(session, programme.id)
            requests = pending_requests(session)
        states = {
            state: sum(1 for r in rows if r.state == state)
            for state in ("pending", "open", "closed")
        }
        return page(
            principal,
            "staff/overview.html",
            f"{programme.name}：总览",
            active="/staff/overview",
            programme=programme,
            bases=by_base(rows),
            total=total(rows),
            contested=sum(r.contested for r in rows),
            states=states,
            small=[r for r in rows if r.rate.invited < settings.report_k],
            requests=requests,
            k=settings.report_k,
            lagging=lagging(rows, settings.lagging_rate, settings.lagging_days, now()),
            lagging_rate=settings.lagging_rate,
            lagging_days=settings.lagging_days,
            checked_at=format_local(now()),
        )

    @get("/windows", sync_to_thread=True)
    def windows(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal]
    ) -> Template:
        """Open, extend or close every class at once."""
        require_ministry(principal)
        database = state_db(request.app.state)
        with database.read() as session:
            programme = current_programme(session)
            rows = class_rows(session, programme.id)
        return page(
            principal,
            "staff/windows.html",
            "开关问卷",
            active="/staff/windows",
            rows=rows,
            pending=sum(1 for r in rows if r.state == "pending"),
            open=sum(1 for r in rows if r.state == "open"),
        )

    @post("/windows/open", sync_to_thread=True, status_code=200)
    def open_all(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], data: Form
    ) -> Template:
        """Open every pending class and set every open class's deadline."""
        require_ministry(principal)
        database = state_db(request.app.state)
        until = deadline(data)
        with database.read() as session:
            programme_id = current_programme(session).id
        ids = classes_in_state(database, programme_id, ("pending", "open"))
        changes = open_classes(database, principal, ids, until, now())
        return page(principal, "staff/changes.html", "问卷已开放", changes=changes)

    @get("/windows/close", sync_to_thread=True)
    def close_all_confirm(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal]
    ) -> Template:
        """Ask before closing every open class: closing publishes and cannot be undone."""
        require_ministry(principal)
        database = state_db(request.app.state)
        with database.read() as session:
            programme = current_programme(session)
            rows = [r for r in class_rows(session, programme.id) if r.state == "open"]
        return page(
            principal,
            "staff/close_confirm.html",
            "关闭全部开放中的问卷",
            rows=rows,
            k=state_settings(request.app.state).report_k,
            action="/staff/windows/close",
        )

    @post("/windows/close", sync_to_thread=True, status_code=200)
    def close_all(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], data: Form
    ) -> Template:
        """Close every open class and release its answers."""
        require_ministry(principal)
        if data.get("confirm") != "yes":
            raise UserError("请在确认页勾选“我已了解关闭后不能重新开放”")
        database = state_db(request.app.state)
        with database.read() as session:
            programme_id = current_programme(session).id
        ids = classes_in_state(database, programme_id, ("open",))
        changes = close_now(request.app.state, principal, ids)
        return page(principal, "staff/changes.html", "问卷已关闭", changes=changes)

    @post("/classes/{class_id:int}/open", sync_to_thread=True, status_code=200)
    def open_one(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        class_id: PathId,
        data: Form,
    ) -> Template:
        """Open one class or change its deadline."""
        require_ministry(principal)
        database = state_db(request.app.state)
        with database.read() as session:
            visible_class(session, principal, class_id)
        changes = open_classes(database, principal, [class_id], deadline(data), now())
        return page(principal, "staff/changes.html", "问卷时间已更新", changes=changes)

    @get("/classes/{class_id:int}/close", sync_to_thread=True)
    def close_one_confirm(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        class_id: PathId,
    ) -> Template:
        """Ask before closing one class."""
        require_ministry(principal)
        database = state_db(request.app.state)
        with database.read() as session:
            row = visible_class(session, principal, class_id)
        return page(
            principal,
            "staff/close_confirm.html",
            f"关闭问卷：{row.name}",
            rows=[row],
            k=state_settings(request.app.state).report_k,
            action=f"/staff/classes/{class_id}/close",
        )

    @post("/classes/{class_id:int}/close", sync_to_thread=True, status_code=200)
    def close_one(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        class_id: PathId,
        data: Form,
    ) -> Template:
        """Close one class and release its answers."""
        require_ministry(principal)
        if data.get("confirm") != "yes":
            raise UserError("请在确认页勾选“我已了解关闭后不能重新开放”")
        database = state_db(request.app.state)
        with database.read() as session:
            visible_class(session, principal, class_id)
        changes = close_now(request.app.state, principal, [class_id])
        return page(principal, "staff/changes.html", "问卷已关闭", changes=changes)

    @get("/audit", sync_to_thread=True)
    def audit_log(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        page_number: Annotated[int, QueryParameter(name="page", ge=1, le=10**6)] = 1,
        action: FromQuery[str | None] = None,
    ) -> Template:
        """The audit log, newest first, a hundred entries a page."""
        require_ministry(principal)
        lines, count = entries(
            state_db(request.app.state),
            page_number,
            AUDIT_PAGE,
            action if action in ACTIONS else None,
        )
        return page(
            principal,
            "staff/audit.html",
            "操作日志",
            active="/staff/audit",
            lines=lines,
            count=count,
            page_number=page_number,
            pages=max(1, -(-count // AUDIT_PAGE)),
            actions=ACTIONS,
            action=action if action in ACTIONS else "",
        )
