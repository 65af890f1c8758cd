"""Reports as the result pages show them: rows of labelled, formatted figures.

Nothing is computed here beyond formatting; every figure, interval and suppression comes from
``reporting``. A withheld figure becomes its Chinese reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from reporting.model import BaseRow, GroupReport, Report
from reporting.stats.descriptive import MeanEstimate
from reporting.stats.proportions import Proportion
from reporting.suppression import Suppression
from reporting.wording import ZONE_LABELS


@dataclass(frozen=True)
class Figure:
    """One shown or withheld figure: its value and interval as text, or why it is withheld;
    ``note`` explains a figure that does not apply ("本问卷没有推荐度题")."""

    value: str
    interval: str
    withheld: str | None
    note: str | None = None

    @property
    def shown(self) -> bool:
        """Whether the figure is shown."""
        return self.withheld is None


@dataclass(frozen=True)
class Line:
    """A labelled row of figures."""

    label: str
    respondents: str
    figures: tuple[Figure, ...]


def _hidden(suppression: Suppression | None, fallback: str = "数据不足") -> Figure:
    return Figure("—", "", suppression.reason if suppression else fallback)


def not_applicable(note: str) -> Figure:
    """A figure that the questionnaire or the data do not allow, with why."""
    return Figure("不适用", "", None, note)


def mean_figure(estimate: MeanEstimate | None, suppression: Suppression | None) -> Figure:
    """A mean with its interval."""
    if estimate is None:
        return _hidden(suppression)
    interval = (
        f"{estimate.low:.2f}–{estimate.high:.2f}"
        if estimate.low is not None and estimate.high is not None
        else ""
    )
    return Figure(f"{estimate.mean:.2f}", interval, None)


def share_figure(estimate: MeanEstimate | None, suppression: Suppression | None) -> Figure:
    """A mean of shares (0–1) in percent with its interval."""
    if estimate is None:
        return _hidden(suppression)
    interval = (
        f"{estimate.low * 100:.1f}%–{estimate.high * 100:.1f}%"
        if estimate.low is not None and estimate.high is not None
        else ""
    )
    return Figure(f"{estimate.mean * 100:.1f}%", interval, None)


def rate_figure(proportion: Proportion | None, suppression: Suppression | None) -> Figure:
    """A proportion in percent with its Wilson interval."""
    if proportion is None:
        return _hidden(suppression)
    return Figure(
        f"{proportion.rate * 100:.1f}%",
        f"{proportion.low * 100:.1f}%–{proportion.high * 100:.1f}%",
        None,
    )


def _percent_range(low: float, high: float) -> str:
    return f"{low * 100:.1f}%–{high * 100:.1f}%"


def _count(value: int | None) -> str:
    return "—" if value is None else str(value)


@dataclass(frozen=True)
class GroupView:
    """A class or base report laid out for a page."""

    name: str
    invited: int
    responded: int
    rate: float | None
    low_rate: bool
    withheld: str | None
    primary: Figure
    bounds: str | None
    response: Figure
    overall: Figure
    satisfaction_averaged: Figure
    nps: Figure
    dimensions: tuple[Line, ...]
    items: tuple[Line, ...]
    courses: tuple[Line, ...]
    teachers: tuple[Line, ...]
    practical: str | None
    comments: tuple[str, ...]


def group_view(report: Report, group: GroupReport) -> GroupView:
    """The figures of ``group`` with the labels of ``report``."""
    labels = {info.key: info.marked_label for info in report.items}
    dimension_labels = {info.id: info.label for info in report.dimensions}
    satisfaction = group.satisfaction
    nps = group.nps
    if nps is not None and nps.nps is not None:
        nps_figure = Figure(
            f"{nps.nps.score:+.0f}", f"{nps.nps.low:+.0f}–{nps.nps.high:+.0f}", None
        )
    elif nps is not None:
        nps_figure = _hidden(nps.suppression)
    else:
        nps_figure = not_applicable("本问卷没有推荐度题")
    dimensions = tuple(
        Line(
            dimension_labels.get(d.id, d.id),
            _count(d.respondents),
            (mean_figure(d.score, d.suppression),),
        )
        for d in group.dimensions
    )
    items = tuple(
        Line(
            labels.get(item.key, item.key),
            _count(item.respondents),
            (
                Figure(
                    f"{item.mean:.2f}", f"标准差 {item.sd:.2f}" if item.sd is not None else "", None
                )
                if item.mean is not None
                else _hidden(item.suppression),
                Figure(f"{item.top_two_rate * 100:.1f}%", "", None)
                if item.top_two_rate is not None
                else _hidden(item.suppression, "—"),
            ),
        )
        for item in group.items
    )
    courses: tuple[Line, ...] = ()
    teachers: tuple[Line, ...] = ()
    if group.teaching is not None:
        courses = tuple(
            Line(
                f"{c.name}（{c.teacher}）",
                _count(c.respondents),
                (mean_figure(c.score, c.suppression),),
            )
            for c in group.teaching.courses
        )
        teachers = tuple(
            Line(t.teacher, _count(t.respondents), (mean_figure(t.score, t.suppression),))
            for t in group.teaching.teachers
        )
    practical = None
    if group.practical is not None and group.practical.share is not None:
        meets = "达到" if group.practical.meets else "未达到"
        practical = (
            f"实践课时 {group.practical.practical_hours:g} / 总课时 {group.practical.total_hours:g}"
            f"（{group.practical.share * 100:.0f}%，{meets}不少于 "
            f"{group.practical.required * 100:.0f}% 的要求）"
        )
    participation = group.participation
    primary = group.primary
    if primary is None:
        primary_figure = not_applicable("本问卷没有声明主要指标")
    else:
        primary_figure = rate_figure(primary.rate, primary.suppression)
    bounds = primary.bounds if primary is not None else None
    return GroupView(
        name=group.name,
        invited=participation.invited,
        responded=participation.responded,
        rate=participation.rate,
        low_rate=participation.low,
        withheld=group.suppression.reason if group.suppression else None,
        primary=primary_figure,
        bounds=_percent_range(bounds.low, bounds.high) if bounds is not None else None,
        response=(
            rate_figure(participation.interval, None)
            if participation.interval is not None
            else not_applicable("没有邀请的学员")
        ),
        overall=mean_figure(group.overall, group.overall_suppression),
        satisfaction_averaged=share_figure(
            satisfaction.averaged, satisfaction.averaged_suppression
        ),
        nps=nps_figure,
        dimensions=dimensions,
        items=items,
        courses=courses,
        teachers=teachers,
        practical=practical,
        comments=group.comments,
    )


@dataclass(frozen=True)
class ComparisonRowView:
    """One base of the ministry's comparison, formatted: 满意率, its shrunken estimate, rank
    interval and funnel zone, response rate with its interval and zone, and the non-response
    bounds; ``note`` says "回答不足" or why there is no rank."""

    name: str
    primary: Figure
    shrunken: Figure
    rank: str
    zone: str
    response: Figure
    response_zone: str
    bounds: str
    note: str


def comparison_rows(report: Report) -> tuple[ComparisonRowView, ...]:
    """The comparison's rows, one per base, in the report's order."""
    return tuple(_row_view(row) for row in report.comparison.rows)


def _row_view(row: BaseRow) -> ComparisonRowView:
    shrunken = row.shrunken
    participation = row.participation
    return ComparisonRowView(
        name=row.base,
        primary=rate_figure(row.primary, None)
        if row.primary is not None
        else _hidden(None, "回答不足"),
        shrunken=(
            Figure(
                f"{shrunken.estimate * 100:.1f}%", _percent_range(shrunken.low, shrunken.high), None
            )
            if shrunken is not None
            else Figure("—", "", None)
        ),
        rank=(
            f"{row.rank.rank}（{row.rank.low}–{row.rank.high}）" if row.rank is not None else "—"
        ),
        zone=ZONE_LABELS[row.zone] if row.zone is not None else "—",
        response=(
            rate_figure(participation.interval, None)
            if participation.interval is not None
            else not_applicable("没有邀请的学员")
        ),
        response_zone=ZONE_LABELS[row.response_zone] if row.response_zone is not None else "—",
        bounds=_percent_range(row.bounds.low, row.bounds.high) if row.bounds is not None else "—",
        note="；".join(note for note in (row.note, row.rank_note) if note),
    )
