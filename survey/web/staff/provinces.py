"""A province's page: the response rates of its own trainees, class by class, and where to get
their links (the province may send its own trainees' links and reminders)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.response import Template

from survey.services.credentials import pending_requests
from survey.staff.access import Principal
from survey.staff.rates import class_rows, total
from survey.timezone import format_local, now
from survey.web.staff.auth import staff_dependencies
from survey.web.staff.pages import PathId, current_programme, page, visible_province
from survey.web.state import state_db


class ProvinceController(Controller):
    """``/staff/provinces/{id}``."""

    path = "/staff/provinces"
    include_in_schema = False
    dependencies = staff_dependencies()

    @get("/{province_id:int}", sync_to_thread=True)
    def province_home(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        province_id: PathId,
    ) -> Template:
        """The classes with trainees of this province, and their rates among those trainees."""
        database = state_db(request.app.state)
        with database.read() as session:
            province = visible_province(session, principal, province_id)
            programme = current_programme(session)
            rows = class_rows(session, programme.id, province_id=province.id)
            requests = pending_requests(session, province.id)
        return page(
            principal,
            "staff/province.html",
            f"{province.name}学员：回答情况",
            active=f"/staff/provinces/{province_id}",
            province=province,
            programme=programme,
            rows=rows,
            total=total(rows),
            requests=requests,
            checked_at=format_local(now()),
        )
