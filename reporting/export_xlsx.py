"""The ministry's Excel workbook (openpyxl): an overview comparing the bases, the test results,
the funnel plot and rank intervals, and one sheet per base, with native Excel charts.

Withheld figures show "不予显示" on a grey background with the reason as a cell comment, so the
sheet never shows a blank that could be read as zero. Chart data are the shown figures only.

The pairwise table lists every pair of every test while at most
:data:`FULL_PAIR_TABLE_MAX_BASES` bases are compared (the 2024 programme has 16: 120 pairs per
test). Beyond that a national comparison has tens of thousands of pairs per test, which no reader
scans in Excel and which would take openpyxl minutes to write; the sheet then lists the pairs
that differ after Holm's adjustment on the overall score and says that the complete table is in
the JSON export.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference, ScatterChart, Series
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reporting.export_json import DEFINITIONS
from reporting.model import GroupReport, Report
from reporting.stats.descriptive import MeanEstimate
from reporting.stats.proportions import Proportion
from reporting.suppression import Suppression

__all__ = [
    "FULL_PAIR_TABLE_MAX_BASES",
    "OVERVIEW_SHEET",
    "TESTS_SHEET",
    "base_sheet_title",
    "report_workbook",
    "report_xlsx",
    "write_report_xlsx",
]

OVERVIEW_SHEET = "基地总览"
NOTES_SHEET = "说明"
DIMENSIONS_SHEET = "维度得分"
TESTS_SHEET = "差异检验"
FUNNEL_SHEET = "漏斗图"
RANKS_SHEET = "排名区间"
HIDDEN_TEXT = "不予显示"
FULL_PAIR_TABLE_MAX_BASES = 40

MEAN = "0.00"
RATE = "0.0%"
COEFFICIENT = "0.000"
COUNT = "0"
NPS = "0.0"

_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_HIDDEN_FILL = PatternFill("solid", fgColor="E7E6E6")
_LOW_FILL = PatternFill("solid", fgColor="FCE4D6")
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_HIDDEN_FONT = Font(italic=True, color="7F7F7F")
_WRAP = Alignment(wrap_text=True, vertical="center")

ZONE_LABELS = {
    "above_998": "高于 99.8% 上限",
    "above_95": "高于 95% 上限",
    "within": "在控制限内",
    "below_95": "低于 95% 下限",
    "below_998": "低于 99.8% 下限",
}
MAGNITUDE_LABELS = {"negligible": "可忽略", "small": "小", "medium": "中", "large": "大"}
KIND_LABELS = {"theory": "理论", "practice": "实践"}

Value = str | int | float | None


class _Writer:
    """Writes rows into a sheet, tracking the next free row."""

    def __init__(self, sheet: Worksheet) -> None:
        self.sheet = sheet
        self.row = 1

    def title(self, text: str) -> None:
        self.sheet.cell(self.row, 1, text).font = _TITLE
        self.row += 2

    def note(self, text: str) -> None:
        self.sheet.cell(self.row, 1, text)
        self.row += 1

    def header(self, labels: Sequence[str], column: int = 1) -> int:
        for offset, label in enumerate(labels):
            cell = self.sheet.cell(self.row, column + offset, label)
            cell.font = _BOLD
            cell.fill = _HEADER_FILL
            cell.alignment = _WRAP
        self.row += 1
        return self.row - 1

    def put(self, column: int, value: Value, number_format: str | None = None) -> None:
        cell = self.sheet.cell(self.row, column, value)
        if number_format is not None and isinstance(value, int | float):
            cell.number_format = number_format

    def hidden(self, column: int, suppression: Suppression | None) -> None:
        cell = self.sheet.cell(self.row, column, HIDDEN_TEXT)
        cell.fill = _HIDDEN_FILL
        cell.font = _HIDDEN_FONT
        if suppression is not None:
            cell.comment = Comment(suppression.reason, "职教国培评教系统")

    def figure(
        self,
        column: int,
        value: float | None,
        number_format: str,
        suppression: Suppression | None,
    ) -> None:
        """A figure, or the withheld mark when ``suppression`` is set."""
        if suppression is not None:
            self.hidden(column, suppression)
        else:
            self.put(column, value, number_format)

    def next(self) -> None:
        self.row += 1


def _show_axes(chart: BarChart | ScatterChart) -> None:
    # openpyxl ≥ 3.1 writes axes as deleted unless told otherwise; Excel then draws no axis.
    chart.x_axis.delete = False
    chart.y_axis.delete = False


def _p_format(p: float) -> str:
    return "0.00E+00" if 0 < p < 0.0001 else "0.0000"


def _widths(sheet: Worksheet, widths: Sequence[float]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def base_sheet_title(name: str, taken: set[str]) -> str:
    """A unique sheet title for a base: Excel forbids []:*?/\\ and allows 31 characters."""
    clean = re.sub(r"[\[\]:*?/\\]", "_", name).strip("'") or "基地"
    title = clean[:31]
    number = 2
    while title in taken:
        suffix = f"({number})"
        title = clean[: 31 - len(suffix)] + suffix
        number += 1
    taken.add(title)
    return title


def _mean_cells(
    writer: _Writer,
    column: int,
    estimate: MeanEstimate | None,
    suppression: Suppression | None,
    number_format: str = MEAN,
) -> None:
    """Mean, lower and upper bound in three cells."""
    if suppression is not None or estimate is None:
        for offset in range(3):
            writer.hidden(column + offset, suppression)
        return
    writer.put(column, estimate.mean, number_format)
    writer.put(column + 1, estimate.low, number_format)
    writer.put(column + 2, estimate.high, number_format)


def _rate_cells(
    writer: _Writer, column: int, rate: Proportion | None, suppression: Suppression | None
) -> None:
    if suppression is not None or rate is None:
        for offset in range(3):
            writer.hidden(column + offset, suppression)
        return
    writer.put(column, rate.rate, RATE)
    writer.put(column + 1, rate.low, RATE)
    writer.put(column + 2, rate.high, RATE)


OVERVIEW_HEADERS = (
    "序号",
    "承训基地",
    "项目编号",
    "邀请人数",
    "回答人数",
    "回答率",
    "回答率提示",
    "有效答卷数",
    "总体得分",
    "总体得分下限",
    "总体得分上限",
    "总体满意率",
    "满意率下限",
    "满意率上限",
    "平均满意率",
    "NPS",
    "NPS下限",
    "NPS上限",
    "漏斗图位置",
    "排名",
    "排名区间",
)


def _participation_cells(
    writer: _Writer, group: GroupReport, column: int, threshold: float
) -> None:
    participation = group.participation
    writer.put(column, participation.invited, COUNT)
    writer.put(column + 1, participation.responded, COUNT)
    writer.put(column + 2, participation.rate, RATE)
    if participation.low:
        cell = writer.sheet.cell(
            writer.row, column + 3, f"回答率低于 {threshold:.0%}，结果仅供参考"
        )
        cell.fill = _LOW_FILL
    writer.put(column + 4, group.n, COUNT)


def _overview(sheet: Worksheet, report: Report) -> None:
    writer = _Writer(sheet)
    writer.title(f"各承训基地结果总览（{len(report.programme.children)} 个基地）")
    header_row = writer.header(OVERVIEW_HEADERS)
    zones = (
        {p.label: p.zone for p in report.comparison.funnel.points}
        if report.comparison.funnel
        else {}
    )
    ranks = {r.label: r for r in report.comparison.ranks}
    groups = [*report.programme.children, report.programme]
    for number, group in enumerate(groups, start=1):
        is_programme = group.level == "programme"
        writer.put(1, None if is_programme else number)
        writer.put(2, group.name)
        if not is_programme:
            writer.put(3, "、".join(str(p) for p in group.projects))
        _participation_cells(writer, group, 4, report.low_response_rate)
        hidden = group.suppression
        _mean_cells(writer, 9, group.overall, hidden or group.overall_suppression)
        satisfaction = group.satisfaction
        _rate_cells(writer, 12, satisfaction.overall, hidden or satisfaction.overall_suppression)
        averaged = satisfaction.averaged
        writer.figure(
            15,
            averaged.mean if averaged else None,
            RATE,
            hidden or satisfaction.averaged_suppression,
        )
        if group.nps is not None:
            nps = group.nps.nps
            if hidden or group.nps.suppression or nps is None:
                for offset in range(3):
                    writer.hidden(16 + offset, hidden or group.nps.suppression)
            else:
                writer.put(16, nps.score, NPS)
                writer.put(17, nps.low, NPS)
                writer.put(18, nps.high, NPS)
        if not is_programme:
            if group.name in zones:
                writer.put(19, ZONE_LABELS[zones[group.name]])
            elif hidden:
                writer.hidden(19, hidden)
            rank = ranks.get(group.name)
            if rank is not None:
                writer.put(20, rank.rank, COUNT)
                writer.put(21, f"{rank.low}–{rank.high}")
            elif hidden:
                writer.hidden(20, hidden)
                writer.hidden(21, hidden)
        writer.next()
    sheet.freeze_panes = f"C{header_row + 1}"
    _widths(sheet, [5, 26, 8, 8, 8, 8, 22, 9, *[9] * 10, 14, 6, 9])

    # Chart data: shown bases only (a withheld figure must not be drawn as zero).
    shown = [
        g
        for g in report.programme.children
        if g.suppression is None and g.satisfaction.overall is not None
    ]
    writer.row += 2
    data_row = writer.header(["承训基地（图表数据）", "总体满意率", "回答率"], column=2)
    for group in shown:
        writer.put(2, group.name)
        assert group.satisfaction.overall is not None
        writer.put(3, group.satisfaction.overall.rate, RATE)
        writer.put(4, group.participation.rate, RATE)
        writer.next()
    if shown:
        last = data_row + len(shown)
        categories = Reference(sheet, min_col=2, min_row=data_row + 1, max_row=last)
        for column, title, anchor_row in ((3, "各基地总体满意率", 1), (4, "各基地回答率", 20)):
            chart = BarChart()
            chart.type = "bar"
            chart.title = title
            chart.y_axis.title = title[3:]
            chart.y_axis.number_format = "0%"
            chart.y_axis.scaling.min = 0.0
            chart.y_axis.scaling.max = 1.0
            _show_axes(chart)
            chart.add_data(
                Reference(sheet, min_col=column, min_row=data_row, max_row=last),
                titles_from_data=True,
            )
            chart.set_categories(categories)
            chart.legend = None
            chart.height = max(7.5, 0.5 * len(shown) + 3)
            chart.width = 16
            sheet.add_chart(chart, f"W{anchor_row}")


def _dimension_sheet(sheet: Worksheet, report: Report) -> None:
    writer = _Writer(sheet)
    writer.title("各基地维度得分（均值及 95% 置信区间）")
    labels = [d.label for d in report.dimensions]
    header = ["承训基地", "有效答卷数"]
    for label in labels:
        header += [label, f"{label}下限", f"{label}上限"]
    writer.header(header)
    for group in [*report.programme.children, report.programme]:
        writer.put(1, group.name)
        writer.put(2, group.n, COUNT)
        for index, info in enumerate(report.dimensions):
            figures = group.dimension(info.id)
            column = 3 + 3 * index
            if figures is None:
                continue
            _mean_cells(writer, column, figures.score, group.suppression or figures.suppression)
        writer.next()
    _widths(sheet, [26, 9, *[9] * (3 * len(labels))])


def _tests_sheet(sheet: Worksheet, report: Report) -> None:
    writer = _Writer(sheet)
    writer.title("基地间差异检验")
    writer.note("Kruskal–Wallis 检验：各基地的得分分布是否相同；ε² 为效应量（0–1）。")
    writer.row += 1
    writer.header(["指标", "参与基地数", "H", "自由度", "p 值", "ε²", "答卷数"])
    for test in report.comparison.tests:
        writer.put(1, test.label)
        writer.put(2, len(test.bases), COUNT)
        if test.kruskal is None:
            writer.put(3, "基地不足两个，不作检验")
        else:
            writer.put(3, test.kruskal.statistic, "0.000")
            writer.put(4, test.kruskal.df, COUNT)
            writer.put(5, test.kruskal.pvalue, _p_format(test.kruskal.pvalue))
            writer.put(6, test.kruskal.epsilon_squared, COEFFICIENT)
            writer.put(7, test.kruskal.n, COUNT)
        writer.next()
    if report.comparison.excluded:
        writer.row += 1
        writer.note("未参与比较的基地：")
        for base, reason in report.comparison.excluded:
            writer.put(1, base)
            writer.put(2, reason)
            writer.next()
    writer.row += 1
    writer.note(
        "两两比较：Dunn 检验（结校正，Holm 多重比较校正）；Cliff δ > 0 表示基地甲得分较高；"
        "|δ| < 0.147 可忽略，< 0.33 小，< 0.474 中，其余为大（Romano 等 2006）。"
    )
    writer.row += 1
    tests = report.comparison.tests
    if max((len(test.bases) for test in tests), default=0) > FULL_PAIR_TABLE_MAX_BASES:
        writer.note(
            f"参与比较的基地超过 {FULL_PAIR_TABLE_MAX_BASES} 个，下表只列出总体得分上经 Holm 校正后"
            "差异显著（p < 0.05）的基地对；完整的两两比较见 JSON 导出。"
        )
        tests = tests[:1]
        significant_only = True
    else:
        significant_only = False
    writer.header(
        ["指标", "基地甲", "基地乙", "z", "p 值", "Holm 校正 p 值", "Cliff δ", "效应量", "显著"]
    )
    for test in tests:
        for pair in test.pairs:
            if significant_only and pair.p_holm >= 0.05:
                continue
            writer.put(1, test.label)
            writer.put(2, pair.first)
            writer.put(3, pair.second)
            writer.put(4, pair.z, "0.000")
            writer.put(5, pair.pvalue, _p_format(pair.pvalue))
            writer.put(6, pair.p_holm, _p_format(pair.p_holm))
            writer.put(7, pair.delta, COEFFICIENT)
            writer.put(8, MAGNITUDE_LABELS[pair.magnitude])
            writer.put(9, "是" if pair.p_holm < 0.05 else "否")
            writer.next()
    _widths(sheet, [14, 24, 24, 9, 11, 14, 9, 8, 6])


def _funnel_sheet(sheet: Worksheet, report: Report) -> None:
    writer = _Writer(sheet)
    writer.title("总体满意率漏斗图（Spiegelhalter 2005）")
    funnel = report.comparison.funnel
    if funnel is None:
        writer.note(report.comparison.funnel_note or "不作漏斗图")
        return
    writer.note(f"全项目总体满意率 {funnel.target:.1%}；控制限为精确二项分布 95% 与 99.8% 限。")
    outside95 = [p.label for p in funnel.outside(95)]
    outside998 = [p.label for p in funnel.outside(998)]
    writer.note("超出 95% 控制限的基地：" + ("、".join(outside95) if outside95 else "无"))
    writer.note("超出 99.8% 控制限的基地：" + ("、".join(outside998) if outside998 else "无"))
    writer.row += 1
    first = writer.header(
        ["承训基地", "答题人数", "满意人数", "满意率", "95%下限", "95%上限", "99.8%下限",
         "99.8%上限", "位置"]
    )  # fmt: skip
    for point in funnel.points:
        writer.put(1, point.label)
        writer.put(2, point.n, COUNT)
        writer.put(3, point.successes, COUNT)
        writer.put(4, point.rate, RATE)
        writer.put(5, point.limits.lower95, RATE)
        writer.put(6, point.limits.upper95, RATE)
        writer.put(7, point.limits.lower998, RATE)
        writer.put(8, point.limits.upper998, RATE)
        writer.put(9, ZONE_LABELS[point.zone])
        writer.next()
    last_point = writer.row - 1
    _widths(sheet, [24, 9, 9, 9, 9, 9, 10, 10, 16])

    # Control-limit curves beside the table (column L onwards), thinned to at most ~200 rows.
    # The curves start at half the smallest base, as in the SVG: limits for n = 1, 2, … swing
    # over the whole axis and squash the part where the bases are.
    smallest = min(point.n for point in funnel.points)
    curve = tuple(c for c in funnel.curve if c.n >= max(1, smallest // 2))
    step = max(1, len(curve) // 200)
    rows = [*curve[::step], curve[-1]] if curve[-1] not in curve[::step] else list(curve[::step])
    curve_writer = _Writer(sheet)
    curve_writer.row = first
    curve_writer.header(["n", "目标", "95%下限", "95%上限", "99.8%下限", "99.8%上限"], column=12)
    for limits in rows:
        curve_writer.put(12, limits.n, COUNT)
        curve_writer.put(13, funnel.target, RATE)
        curve_writer.put(14, limits.lower95, RATE)
        curve_writer.put(15, limits.upper95, RATE)
        curve_writer.put(16, limits.lower998, RATE)
        curve_writer.put(17, limits.upper998, RATE)
        curve_writer.next()
    last_curve = curve_writer.row - 1

    chart = ScatterChart()
    chart.title = "总体满意率漏斗图"
    chart.x_axis.title = "答题人数"
    chart.y_axis.title = "总体满意率"
    chart.y_axis.number_format = "0%"
    lowest = min([c.lower998 for c in curve] + [p.rate for p in funnel.points])
    chart.y_axis.scaling.min = max(0.0, int(lowest * 10) / 10)
    chart.y_axis.scaling.max = 1.0
    chart.x_axis.scaling.min = 0.0
    _show_axes(chart)
    curve_x = Reference(sheet, min_col=12, min_row=first + 1, max_row=last_curve)
    # Target black, 95 % limits orange dashed, 99.8 % limits red: as in the SVG funnel.
    styles = [("000000", None), ("F59E0B", "dash"), ("F59E0B", "dash"), ("DC2626", None),
              ("DC2626", None)]  # fmt: skip
    for column, (colour, dash) in zip(range(13, 18), styles, strict=True):
        series = Series(
            Reference(sheet, min_col=column, min_row=first, max_row=last_curve),
            curve_x,
            title_from_data=True,
        )
        series.marker.symbol = "none"
        series.smooth = False
        series.graphicalProperties.line.solidFill = colour
        series.graphicalProperties.line.width = 19050  # 1.5 pt in EMU
        if dash:
            series.graphicalProperties.line.dashStyle = dash
        chart.series.append(series)
    points = Series(
        Reference(sheet, min_col=4, min_row=first + 1, max_row=last_point),
        Reference(sheet, min_col=2, min_row=first + 1, max_row=last_point),
        title="各基地",
    )
    points.marker.symbol = "circle"
    points.marker.size = 7
    points.marker.graphicalProperties = GraphicalProperties(solidFill="2563EB")
    points.marker.graphicalProperties.line.solidFill = "FFFFFF"
    points.graphicalProperties.line.noFill = True
    chart.series.append(points)
    chart.height = 10
    chart.width = 18
    sheet.add_chart(chart, f"A{last_point + 3}")


def _ranks_sheet(sheet: Worksheet, report: Report) -> None:
    writer = _Writer(sheet)
    writer.title("总体得分排名及其 95% 区间")
    writer.note(
        f"排名区间来自各基地内有放回自助抽样 {report.bootstrap_reps} 次（随机种子 {report.seed}），"
        "区间重叠的基地之间不宜区分名次。"
    )
    writer.row += 1
    first = writer.header(
        ["承训基地", "答卷数", "总体得分", "排名", "排名下限", "排名上限", "区间宽度"]
    )
    ordered = sorted(report.comparison.ranks, key=lambda r: (r.rank, r.label))
    for rank in ordered:
        writer.put(1, rank.label)
        writer.put(2, rank.n, COUNT)
        writer.put(3, rank.estimate, MEAN)
        writer.put(4, rank.rank, COUNT)
        writer.put(5, rank.low, COUNT)
        writer.put(6, rank.high, COUNT)
        writer.put(7, rank.high - rank.low + 1, COUNT)
        writer.next()
    _widths(sheet, [24, 8, 9, 6, 9, 9, 9])
    if not ordered:
        return
    # Stacked horizontal bars: an invisible bar up to the lower rank, a visible one spanning
    # the interval.
    last = first + len(ordered)
    helper = _Writer(sheet)
    helper.row = first
    helper.header(["（图表）起点", "（图表）区间"], column=9)
    for rank in ordered:
        helper.put(9, rank.low - 0.5)
        helper.put(10, rank.high - rank.low + 1)
        helper.next()
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = "排名区间（1 为最好）"
    chart.add_data(
        Reference(sheet, min_col=9, max_col=10, min_row=first, max_row=last), titles_from_data=True
    )
    chart.set_categories(Reference(sheet, min_col=1, min_row=first + 1, max_row=last))
    chart.series[0].graphicalProperties.noFill = True
    chart.series[0].graphicalProperties.line.noFill = True
    chart.x_axis.scaling.orientation = "maxMin"
    _show_axes(chart)
    chart.legend = None
    chart.height = max(7.5, 0.5 * len(ordered) + 3)
    chart.width = 16
    sheet.add_chart(chart, f"L{first}")


def _base_sheet(sheet: Worksheet, report: Report, base: GroupReport) -> None:
    writer = _Writer(sheet)
    writer.title(f"{base.name}（项目 {'、'.join(str(p) for p in base.projects)}）")
    if base.suppression is not None:
        writer.note(f"本基地的结果不予显示：{base.suppression.reason}")
        writer.row += 1

    writer.header(["班级", "邀请人数", "回答人数", "回答率", "回答率提示", "有效答卷数",
                   "总体得分", "下限", "上限", "总体满意率", "下限", "上限"])  # fmt: skip
    for group in [*base.children, base]:
        writer.put(1, group.name if group.level == "class" else "基地合计")
        _participation_cells(writer, group, 2, report.low_response_rate)
        _mean_cells(writer, 7, group.overall, group.suppression or group.overall_suppression)
        _rate_cells(
            writer,
            10,
            group.satisfaction.overall,
            group.suppression or group.satisfaction.overall_suppression,
        )
        writer.next()
    writer.row += 1

    writer.header(["维度", "答卷数", "维度得分", "下限", "上限", "α", "α下限", "α上限", "说明",
                   "全项目得分"])  # fmt: skip
    profile_first = writer.row
    for dimension_info in report.dimensions:
        figures = base.dimension(dimension_info.id)
        if figures is None:
            continue
        writer.put(1, dimension_info.label)
        hidden = base.suppression or figures.suppression
        writer.figure(2, figures.respondents, COUNT, hidden)
        _mean_cells(writer, 3, figures.score, hidden)
        if hidden is not None:
            for column in (6, 7, 8):
                writer.hidden(column, hidden)
        elif figures.reliability is not None:
            writer.put(6, figures.reliability.alpha, COEFFICIENT)
            writer.put(7, figures.reliability.low, COEFFICIENT)
            writer.put(8, figures.reliability.high, COEFFICIENT)
        else:
            writer.put(9, figures.reliability_note)
        programme = report.programme.dimension(dimension_info.id)
        if programme is not None and programme.score is not None:
            writer.put(10, programme.score.mean, MEAN)
        writer.next()
    profile_last = writer.row - 1
    writer.row += 1

    scale = max((info.maximum - info.minimum + 1 for info in report.items), default=5)
    minimum = min((info.minimum for info in report.items), default=1)
    headers = ["题目编号", "题目", "维度", "反向计分", "答题数", "均值", "标准差"]
    headers += [f"选 {minimum + i} 的人数" for i in range(scale)]
    headers += ["满意率（前两档）", "满意率下限", "满意率上限"]
    writer.header(headers)
    infos = {info.key: info for info in report.items}
    dimension_labels = {d.id: d.label for d in report.dimensions}
    for item in base.items:
        info = infos[item.key]
        writer.put(1, item.key)
        writer.put(2, info.label)
        writer.put(3, dimension_labels.get(info.dimension, info.dimension))
        writer.put(4, "是" if info.reverse else "否")
        hidden = base.suppression or item.suppression
        if hidden is not None:
            for column in range(5, 8 + scale + 3):
                writer.hidden(column, hidden)
        else:
            writer.put(5, item.n, COUNT)
            writer.put(6, item.mean, MEAN)
            writer.put(7, item.sd, MEAN)
            for offset, count in enumerate((item.distribution or {}).values()):
                writer.put(8 + offset, count, COUNT)
            column = 8 + scale
            if item.top_two is not None:
                writer.put(column, item.top_two.rate, RATE)
                writer.put(column + 1, item.top_two.low, RATE)
                writer.put(column + 2, item.top_two.high, RATE)
            else:
                writer.put(column, item.top_two_rate, RATE)
        writer.next()
    writer.row += 1

    if base.practical is not None:
        practical = base.practical
        writer.note(
            f"培训计划实践课程学时占比：{practical.share:.1%}（实践 "
            f"{practical.practical_hours:g} / 共 {practical.total_hours:g} 学时），"
            f"通知要求不少于 {practical.required:.0%}：" + ("达到" if practical.meets else "未达到")
            if practical.share is not None
            else "培训计划没有学时数据"
        )
        writer.row += 1
    for group in base.children:
        if group.teaching is None:
            continue
        writer.note(f"{group.name}：评教（各课程与授课教师）")
        writer.header(["课程", "授课教师", "类型", "学时", "评价人数", "课程得分", "下限", "上限"])
        for course in group.teaching.courses:
            writer.put(1, course.name)
            writer.put(2, course.teacher)
            writer.put(3, KIND_LABELS.get(course.kind or "", ""))
            writer.put(4, course.hours)
            writer.figure(5, course.respondents, COUNT, course.suppression)
            _mean_cells(writer, 6, course.score, course.suppression)
            writer.next()
        writer.header(["授课教师", "课程数", "评价人数", "教师得分", "下限", "上限"])
        for teacher in group.teaching.teachers:
            writer.put(1, teacher.teacher)
            writer.put(2, len(teacher.courses), COUNT)
            writer.figure(3, teacher.respondents, COUNT, teacher.suppression)
            _mean_cells(writer, 4, teacher.score, teacher.suppression)
            writer.next()
        writer.row += 1
    if base.suppression is None:
        comments = [c for g in base.children for c in g.comments]
        if comments:
            writer.note("学员意见（已审核发布）")
            for comment in comments:
                writer.note(comment)
    _widths(sheet, [22, 34, 12, 9, 9, 9, 9, *[9] * (scale + 3)])

    shown = base.suppression is None and any(
        (d := base.dimension(info.id)) is not None and d.score is not None
        for info in report.dimensions
    )
    if shown and profile_last >= profile_first:
        chart = BarChart()
        chart.title = "维度得分：本基地与全项目"
        chart.y_axis.title = "得分"
        chart.y_axis.scaling.min = float(minimum)
        chart.y_axis.scaling.max = float(minimum + scale - 1)
        _show_axes(chart)
        chart.add_data(
            Reference(sheet, min_col=3, min_row=profile_first - 1, max_row=profile_last),
            titles_from_data=True,
        )
        chart.add_data(
            Reference(sheet, min_col=10, min_row=profile_first - 1, max_row=profile_last),
            titles_from_data=True,
        )
        chart.set_categories(
            Reference(sheet, min_col=1, min_row=profile_first, max_row=profile_last)
        )
        chart.height = 8
        chart.width = 16
        sheet.add_chart(chart, f"{get_column_letter(12 + scale)}2")


def _notes(sheet: Worksheet, report: Report) -> None:
    writer = _Writer(sheet)
    writer.title("“职教国培”示范项目评价结果")
    rows = [
        ("问卷", report.questionnaire),
        ("最小显示人数 k", str(report.k)),
        ("置信水平", f"{report.level:.0%}"),
        ("回答率提示阈值", f"{report.low_response_rate:.0%}"),
        ("排名区间", f"自助抽样 {report.bootstrap_reps} 次，随机种子 {report.seed}"),
    ]
    for label, value in rows:
        writer.put(1, label)
        writer.put(2, value)
        writer.next()
    writer.row += 1
    writer.note("计算方法")
    for key, text in DEFINITIONS.items():
        writer.put(1, key)
        writer.put(2, text)
        writer.next()
    writer.row += 1
    cell = sheet.cell(writer.row, 1, HIDDEN_TEXT)
    cell.fill = _HIDDEN_FILL
    cell.font = _HIDDEN_FONT
    sheet.cell(writer.row, 2, "该数字按小样本保护规则不予显示，原因见单元格批注")
    _widths(sheet, [24, 90])


def report_workbook(report: Report) -> Workbook:
    """The workbook of ``report`` (see the module docstring for its sheets)."""
    workbook = Workbook()
    notes = workbook.active
    assert notes is not None
    notes.title = NOTES_SHEET
    _notes(notes, report)
    _overview(workbook.create_sheet(OVERVIEW_SHEET), report)
    _dimension_sheet(workbook.create_sheet(DIMENSIONS_SHEET), report)
    _tests_sheet(workbook.create_sheet(TESTS_SHEET), report)
    _funnel_sheet(workbook.create_sheet(FUNNEL_SHEET), report)
    _ranks_sheet(workbook.create_sheet(RANKS_SHEET), report)
    taken = {NOTES_SHEET, OVERVIEW_SHEET, DIMENSIONS_SHEET, TESTS_SHEET, FUNNEL_SHEET, RANKS_SHEET}
    for base in report.programme.children:
        _base_sheet(workbook.create_sheet(base_sheet_title(base.name, taken)), report, base)
    workbook.active = 1
    return workbook


def report_xlsx(report: Report) -> bytes:
    """The workbook of ``report`` as the bytes of an .xlsx file."""
    buffer = io.BytesIO()
    report_workbook(report).save(buffer)
    return buffer.getvalue()


def write_report_xlsx(report: Report, path: str | os.PathLike[str]) -> None:
    """Write the workbook of ``report`` to ``path``."""
    Path(path).write_bytes(report_xlsx(report))
