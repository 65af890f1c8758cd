"""Result pages built on ``reporting``: a class's and a base's results (the ministry, or the
base after its classes close), the ministry's comparison of bases and the Excel export."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import PathParameter
from litestar.response import Response, Template
from sqlalchemy import select
from sqlalchemy.orm import Session

from reporting import dimension_profile_svg, funnel_svg, rank_intervals_svg, report_xlsx
from reporting.model import Report
from reporting.wording import (
    CHART_CAPTIONS,
    GLOSSARY,
    dispersion_sentence,
    kruskal_sentence,
    pairs_summary,
)
from survey.db.engine import Database
from survey.errors import UserError
from survey.programme.models import TrainingBase
from survey.results import QUESTIONNAIRES, ReportCache
from survey.staff.access import Principal, require_ministry
from survey.staff.audit import audit
from survey.staff.rates import class_rows
from survey.staff.review import published_comments
from survey.timezone import now
from survey.web.staff.auth import staff_dependencies
from survey.web.staff.downloads import XLSX, attachment
from survey.web.staff.pages import PathId, current_programme, page, visible_base, visible_class
from survey.web.staff.report_views import comparison_rows, group_view
from survey.web.state import state_db, state_settings


def _reports(request: Request[Any, Any, Any], programme_id: int) -> dict[str, Report | None]:
    database: Database = state_db(request.app.state)
    cache: ReportCache = request.app.state.reports
    k = state_settings(request.app.state).report_k
    return {key: cache.report(database, programme_id, key, k) for key in QUESTIONNAIRES}


def _report_sheet(
    request: Request[Any, Any, Any], session: Session, programme_id: int, base: TrainingBase
) -> dict[str, Any]:
    """One base's report: per questionnaire its figures, its row of the comparison (funnel
    position, shrunken estimate, rank) and dimension profile; the published comments of its
    closed classes (none below k or before the review ends)."""
    k = state_settings(request.app.state).report_k
    sections = []
    for key, report in _reports(request, programme_id).items():
        group = report.base(base.name) if report else None
        if report is None or group is None:
            continue
        view = group_view(report, group)
        row = next((r for r in comparison_rows(report) if r.name == base.name), None)
        chart = "" if view.withheld else dimension_profile_svg(report, base.name)
        sections.append({"label": QUESTIONNAIRES[key], "view": view, "row": row, "chart": chart})
    classes = [
        row for row in class_rows(session, programme_id, base_id=base.id) if row.state == "closed"
    ]
    comments = [(row, published_comments(session, row.id, k)) for row in classes]
    return {"base": base, "sections": sections, "comments": comments}


def _report_page(
    request: Request[Any, Any, Any],
    principal: Principal,
    title: str,
    active: str,
    sheets: list[dict[str, Any]],
) -> Template:
    """The printable report page of ``sheets`` (one per base)."""
    with state_db(request.app.state).read() as session:
        programme = current_programme(session)
    return page(
        principal,
        "staff/report_print.html",
        title,
        active=active,
        programme=programme,
        sheets=sheets,
        captions=CHART_CAPTIONS,
        k=state_settings(request.app.state).report_k,
    )


class ResultsController(Controller):
    """``/staff/classes/{id}/results``, ``/staff/bases/{id}/results``, ``/staff/results…``."""

    path = "/staff"
    include_in_schema = False
    dependencies = staff_dependencies()

    @get("/classes/{class_id:int}/results", sync_to_thread=True)
    def class_results(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        class_id: PathId,
    ) -> Template:
        """A closed class's results and its reviewed, published comments."""
        database = state_db(request.app.state)
        k = state_settings(request.app.state).report_k
        with database.read() as session:
            row = visible_class(session, principal, class_id)
            if row.state != "closed":
                raise UserError("本班问卷关闭后才能查看结果")
            programme_id = current_programme(session).id
            comments = published_comments(session, class_id, k)
        sections = []
        for key, report in _reports(request, programme_id).items():
            group = report.training_class(str(class_id)) if report else None
            if report is not None and group is not None:
                sections.append((QUESTIONNAIRES[key], group_view(report, group)))
        return page(
            principal,
            "staff/results_class.html",
            f"评价结果：{row.label}",
            row=row,
            sections=sections,
            comments=comments,
            k=k,
        )

    @get("/bases/{base_id:int}/results", sync_to_thread=True)
    def base_results(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        base_id: PathId,
    ) -> Template:
        """A base's results over its closed classes, with its dimension profile."""
        database = state_db(request.app.state)
        with database.read() as session:
            base = visible_base(session, principal, base_id)
            programme_id = current_programme(session).id
        sections = []
        for key, report in _reports(request, programme_id).items():
            group = report.base(base.name) if report else None
            if report is not None and group is not None:
                chart = dimension_profile_svg(report, base.name)
                sections.append((QUESTIONNAIRES[key], group_view(report, group), chart))
        return page(
            principal,
            "staff/results_base.html",
            f"评价结果：{base.name}",
            active=f"/staff/bases/{base_id}" if not principal.is_ministry else "/staff/results",
            base=base,
            sections=sections,
            captions=CHART_CAPTIONS,
            k=state_settings(request.app.state).report_k,
        )

    @get("/bases/{base_id:int}/report", sync_to_thread=True)
    def base_report(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        base_id: PathId,
    ) -> Template:
        """A base's printable 绩效评价 report: one or two A4 pages (print or save as PDF)."""
        with state_db(request.app.state).read() as session:
            base = visible_base(session, principal, base_id)
            programme = current_programme(session)
            sheets = [_report_sheet(request, session, programme.id, base)]
        active = f"/staff/bases/{base_id}" if not principal.is_ministry else "/staff/results"
        return _report_page(request, principal, f"绩效评价报告：{base.name}", active, sheets)

    @get("/results/report", sync_to_thread=True)
    def every_base_report(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal]
    ) -> Template:
        """Every base's 绩效评价 report in one printable document, each base on new pages."""
        require_ministry(principal)
        with state_db(request.app.state).read() as session:
            programme = current_programme(session)
            bases = {row.base_id: row.base for row in class_rows(session, programme.id)}
            sheets = [
                _report_sheet(request, session, programme.id, visible_base(session, principal, b))
                for b in bases
            ]
        title = f"{programme.name}：各基地绩效评价报告"
        return _report_page(request, principal, title, "/staff/results", sheets)

    @get("/results", sync_to_thread=True)
    def comparison(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal]
    ) -> Template:
        """The ministry's comparison of bases: tests, funnel plot, rank intervals."""
        require_ministry(principal)
        with state_db(request.app.state).read() as session:
            programme = current_programme(session)
            base_ids = {b.name: b.id for b in session.scalars(select(TrainingBase))}
        sections = []
        for key, report in _reports(request, programme.id).items():
            if report is None:
                continue
            comparison = report.comparison
            sections.append(
                {
                    "key": key,
                    "label": QUESTIONNAIRES[key],
                    "report": report,
                    "programme": group_view(report, report.programme),
                    "rows": comparison_rows(report),
                    # Inlined by the page, so that each point's <title> shows as a tooltip:
                    # the charts escape every name and carry no script or style (CSP).
                    "funnel": funnel_svg(report),
                    "response_funnel": funnel_svg(report, "response_rate"),
                    "ranks": rank_intervals_svg(report),
                    "dispersion": (
                        dispersion_sentence(comparison.funnel) if comparison.funnel else ""
                    ),
                    "response_dispersion": (
                        dispersion_sentence(comparison.response_funnel)
                        if comparison.response_funnel
                        else ""
                    ),
                    "pairs": pairs_summary(comparison),
                    "tests": [kruskal_sentence(test) for test in comparison.tests],
                }
            )
        return page(
            principal,
            "staff/results_compare.html",
            f"{programme.name}：基地比较",
            active="/staff/results",
            programme=programme,
            sections=sections,
            base_ids=base_ids,
            glossary=GLOSSARY,
            captions=CHART_CAPTIONS,
            k=state_settings(request.app.state).report_k,
        )

    @get("/results/{questionnaire:str}/xlsx", sync_to_thread=True)
    def workbook(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        questionnaire: Annotated[str, PathParameter(max_length=20)],
    ) -> Response[bytes]:
        """The performance evaluation workbook of one questionnaire."""
        require_ministry(principal)
        if questionnaire not in QUESTIONNAIRES:
            raise NotFoundException
        database = state_db(request.app.state)
        with database.read() as session:
            programme = current_programme(session)
        report = _reports(request, programme.id)[questionnaire]
        if report is None:
            raise UserError("还没有已关闭的培训班，暂无结果可导出")
        content = report_xlsx(report)
        audit(
            database,
            principal,
            "report_export",
            f"programme:{programme.year}",
            f"{QUESTIONNAIRES[questionnaire]}（Excel）",
            now(),
        )
        return attachment(
            content, f"绩效评价-{programme.year}-{QUESTIONNAIRES[questionnaire]}.xlsx", XLSX
        )
