"""The API's routes. Every one takes the caller from :func:`api_principal` and checks it with
:mod:`survey.staff.access` before reading anything."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, JSONBody

from reporting import report_to_dict
from reporting.model import GroupReport
from survey.errors import UserError
from survey.programme.models import TrainingClass
from survey.results import ReportCache
from survey.services.windows import open_classes
from survey.staff.access import AccessDenied, Principal, require_ministry
from survey.staff.rates import by_base, class_rows, province_rows, total
from survey.timezone import as_utc, now
from survey.web.api.auth import api_dependencies
from survey.web.api.problems import ApiProblem, problem_responses
from survey.web.api.schemas import (
    BaseOut,
    ClassDetailOut,
    ClassOut,
    Me,
    OpenIn,
    ProgrammeOut,
    ProvinceOut,
    Questionnaire,
    ReportOut,
    WindowOut,
    class_out,
    province_out,
)
from survey.web.staff.pages import (
    PathId,
    close_now,
    current_programme,
    visible_base,
    visible_class,
    visible_province,
)
from survey.web.state import state_db, state_settings

#: The furthest a deadline may lie ahead: a year covers any training programme.
MAX_DEADLINE = timedelta(days=366)
READ = problem_responses(400, 401, 403, 404)
WRITE = problem_responses(400, 401, 403, 404, 409, 422)


def _report_dict(report_dict: dict[str, Any], group: dict[str, Any]) -> dict[str, Any]:
    """A base's or class's part of a report: the definitions and that group, no comparison of
    other bases."""
    kept = {k: v for k, v in report_dict.items() if k not in ("programme", "comparison")}
    kept["group"] = group
    return kept


def _find(group: dict[str, Any], level: str, group_id: str) -> dict[str, Any] | None:
    if group.get("level") == level and group.get("id") == group_id:
        return group
    for child in [*group.get("bases", []), *group.get("classes", [])]:
        found = _find(child, level, group_id)
        if found is not None:
            return found
    return None


class ApiController(Controller):
    """``/api/v1/…``."""

    path = "/api/v1"
    tags = ("职教国培评教",)
    dependencies = api_dependencies()

    @get("/me", sync_to_thread=False, responses=problem_responses(401))
    def me(self, principal: NamedDependency[Principal]) -> Me:
        """The calling account: name, role and the base or province it speaks for."""
        return Me(
            name=principal.name,
            role=principal.role,
            base_id=principal.base_id,
            province_id=principal.province_id,
            scope=principal.scope_name,
        )

    @get("/programme", sync_to_thread=True, responses=READ)
    def programme(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal]
    ) -> ProgrammeOut:
        """The programme with every base and class and their response rates (a base account:
        its own base only)."""
        if principal.role == "province":
            raise AccessDenied
        k = state_settings(request.app.state).report_k
        with state_db(request.app.state).read() as session:
            programme = current_programme(session)
            rows = class_rows(session, programme.id, base_id=principal.base_id)
        overall = total(rows)
        return ProgrammeOut(
            year=programme.year,
            name=programme.name,
            allocation_verified=programme.allocation_verified,
            report_k=k,
            invited=overall.invited,
            responded=overall.responded,
            rate=overall.rate,
            bases=[
                BaseOut(
                    id=base.id,
                    name=base.name,
                    invited=base.rate.invited,
                    responded=base.rate.responded,
                    rate=base.rate.rate,
                    classes=[class_out(r, k) for r in base.classes],
                )
                for base in by_base(rows)
            ],
        )

    @get("/classes", sync_to_thread=True, responses=READ)
    def classes(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal]
    ) -> list[ClassOut]:
        """Every class the account may see, with its window and response rate."""
        if principal.role == "province":
            raise AccessDenied
        k = state_settings(request.app.state).report_k
        with state_db(request.app.state).read() as session:
            programme = current_programme(session)
            rows = class_rows(session, programme.id, base_id=principal.base_id)
        return [class_out(r, k) for r in rows]

    @get("/classes/{class_id:int}", sync_to_thread=True, responses=READ)
    def training_class(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        class_id: PathId,
    ) -> ClassDetailOut:
        """One class, with its response rate by province."""
        k = state_settings(request.app.state).report_k
        with state_db(request.app.state).read() as session:
            row = visible_class(session, principal, class_id)
            provinces = province_rows(session, [class_id])
        return ClassDetailOut(
            training_class=class_out(row, k), provinces=[province_out(p) for p in provinces]
        )

    @post("/classes/{class_id:int}/open", sync_to_thread=True, status_code=200, responses=WRITE)
    def open_window(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        class_id: PathId,
        data: JSONBody[OpenIn],
    ) -> WindowOut:
        """Open a class until ``closes_at`` (or without a deadline), or move the deadline of an
        open class. Ministry only."""
        require_ministry(principal)
        database = state_db(request.app.state)
        with database.read() as session:
            visible_class(session, principal, class_id)
        moment = now()
        until = data.closes_at
        if until is not None:
            if until.tzinfo is None:
                raise ApiProblem(422, "closes_at 必须带时区，如 2024-08-30T18:00:00+08:00")
            # Checked before any date arithmetic: year 9999 plus an offset would overflow.
            if not moment < as_utc(until) <= moment + MAX_DEADLINE:
                raise ApiProblem(422, "closes_at 必须晚于现在，且在一年之内")
        (change,) = open_classes(database, principal, [class_id], until, moment)
        return self._window(request, class_id, change.message)

    @post("/classes/{class_id:int}/close", sync_to_thread=True, status_code=200, responses=WRITE)
    def close_window(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        class_id: PathId,
    ) -> WindowOut:
        """Close a class and release its answers as anonymous responses (cannot be undone).
        Ministry only."""
        require_ministry(principal)
        database = state_db(request.app.state)
        with database.read() as session:
            visible_class(session, principal, class_id)
        (change,) = close_now(request.app.state, principal, [class_id])
        return self._window(request, class_id, change.message)

    @staticmethod
    def _window(request: Request[Any, Any, Any], class_id: int, message: str) -> WindowOut:
        with state_db(request.app.state).read() as session:
            training_class = session.get(TrainingClass, class_id)
            assert training_class is not None
            return WindowOut(
                class_id=class_id,
                state=training_class.state,  # type: ignore[arg-type]
                closes_at=as_utc(training_class.closes_at) if training_class.closes_at else None,
                message=message,
            )

    @get("/provinces/{province_id:int}", sync_to_thread=True, responses=READ)
    def province(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        province_id: PathId,
    ) -> ProvinceOut:
        """The response rates of one province's trainees, class by class."""
        k = state_settings(request.app.state).report_k
        with state_db(request.app.state).read() as session:
            province = visible_province(session, principal, province_id)
            programme = current_programme(session)
            rows = class_rows(session, programme.id, province_id=province.id)
        overall = total(rows)
        return ProvinceOut(
            province_id=province.id,
            province=province.name,
            invited=overall.invited,
            responded=overall.responded,
            rate=overall.rate,
            classes=[class_out(r, k) for r in rows],
        )

    def _report(
        self, request: Request[Any, Any, Any], questionnaire: FromPath[Questionnaire]
    ) -> Any:
        cache: ReportCache = request.app.state.reports
        with state_db(request.app.state).read() as session:
            programme_id = current_programme(session).id
        report = cache.report(
            state_db(request.app.state),
            programme_id,
            questionnaire.value,
            state_settings(request.app.state).report_k,
        )
        if report is None:
            raise UserError("还没有已关闭的培训班，暂无结果")
        return report

    @get("/reports/{questionnaire:str}", sync_to_thread=True, responses=WRITE)
    def programme_report(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        questionnaire: FromPath[Questionnaire],
    ) -> ReportOut:
        """The report of the whole programme, with the comparison of bases. Ministry only."""
        require_ministry(principal)
        report = self._report(request, questionnaire)
        return ReportOut(questionnaire, "programme", report_to_dict(report))

    @get("/reports/{questionnaire:str}/bases/{base_id:int}", sync_to_thread=True, responses=WRITE)
    def base_report(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        questionnaire: FromPath[Questionnaire],
        base_id: PathId,
    ) -> ReportOut:
        """The report of one base over its closed classes (the ministry, or that base)."""
        with state_db(request.app.state).read() as session:
            base = visible_base(session, principal, base_id)
        report = self._report(request, questionnaire)
        group: GroupReport | None = report.base(base.name)
        if group is None:
            raise UserError("该基地还没有已关闭的培训班，暂无结果")
        full = report_to_dict(report)
        found = _find(full["programme"], "base", base.name)
        if found is None:
            raise NotFoundException
        return ReportOut(questionnaire, "base", _report_dict(full, found))

    @get(
        "/reports/{questionnaire:str}/classes/{class_id:int}",
        sync_to_thread=True,
        responses=WRITE,
    )
    def class_report(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        questionnaire: FromPath[Questionnaire],
        class_id: PathId,
    ) -> ReportOut:
        """The report of one closed class (the ministry, or the class's base)."""
        with state_db(request.app.state).read() as session:
            row = visible_class(session, principal, class_id)
        if row.state != "closed":
            raise UserError("该培训班的问卷尚未关闭，暂无结果")
        report = self._report(request, questionnaire)
        full = report_to_dict(report)
        found = _find(full["programme"], "class", str(class_id))
        if found is None:
            raise UserError("该培训班没有这份问卷的结果")
        return ReportOut(questionnaire, "class", _report_dict(full, found))
