"""A base's pages: its classes' response rates, and asking for a reminder.

The ministry may open every one of them; a base only those of its own classes. A base sees
counts only and never a link: credentials are handed out by :mod:`survey.web.staff.links`.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.response import Template

from survey.services.credentials import request_reminder, waiting_request
from survey.staff.access import Principal
from survey.staff.rates import class_rows, province_rows, total
from survey.timezone import format_local, now
from survey.web.staff.auth import staff_dependencies
from survey.web.staff.pages import PathId, current_programme, page, visible_base, visible_class
from survey.web.state import state_db, state_settings


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
            f"{base.name}：回答情况",
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
            requested = waiting_request(session, class_id)
        return page(
            principal,
            "staff/class.html",
            row.label,
            active=principal.home if not principal.is_ministry else "/staff/overview",
            row=row,
            provinces=provinces,
            requested=requested,
            k=settings.report_k,
            checked_at=format_local(now()),
        )

    @post("/classes/{class_id:int}/reminder-request", sync_to_thread=True, status_code=200)
    def reminder_request(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        class_id: PathId,
    ) -> Template:
        """The base asks the ministry (or the provinces) to remind its outstanding trainees."""
        database = state_db(request.app.state)
        with database.read() as session:
            row = visible_class(session, principal, class_id)
        added = request_reminder(database, principal, class_id, now())
        with database.read() as session:
            requested = waiting_request(session, class_id)
        return page(
            principal,
            "staff/reminder_requested.html",
            f"催办请求：{row.name}",
            row=row,
            added=added,
            requested=requested,
        )
