"""The ministry's Excel workbook (openpyxl): an overview comparing the bases on the primary
indicator (满意率, shrunken estimate, rank interval, funnel zone) and response rate, the tests, the
funnel plots with φ and τ, the rank intervals, and one sheet per base, with native Excel charts.
Readers see questions by their text and dimensions by their label, never an item id.

Withheld figures show "不予显示" on a grey background with the reason as a cell comment, so the
sheet never shows a blank that could be read as zero. Chart data are the shown figures only.

Pairwise tests exist for the primary indicator only. Their table lists every pair while at most
:data:`FULL_PAIR_TABLE_MAX_BASES` bases are compared (the 2024 programme has 16: 120 pairs).
Beyond that a national comparison has tens of thousands of pairs, which no reader scans in Excel
and which would take openpyxl minutes to write; the sheet then lists the pairs that differ after
Holm's adjustment and says that the complete table is in the JSON export.

Every sheet prints on landscape A4, fitted to the page width. Each block (a table, or a chart)
starts on a new page and each chart reserves the rows it covers, so that no chart and no table
that fits on a page is cut across pages; a sheet whose main table runs over pages repeats its
header row. A base sheet's items come last, on pages of their own: print titles repeat a header
on every page from its own on, so no other block may follow it; those pages are broken at a
fixed scale from the rows' heights, which are set from their wrapped text (neither Excel nor
LibreOffice grows a row for text written by openpyxl). The data behind the charts sit in hidden
columns (the charts plot hidden cells).
"""

from __future__ import annotations

import functools
import io
import math
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.chart import BarChart, Reference, ScatterChart, Series
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from reporting.inert import inert
from reporting.model import BaseRow, GroupReport, Report
from reporting.report import PROGRAMME_ONLY_NOTE
from reporting.stats.descriptive import MeanEstimate
from reporting.stats.funnel import Funnel
from reporting.stats.proportions import Proportion
from reporting.suppression import Suppression
from reporting.wording import (
    CHART_CAPTIONS,
    GLOSSARY,
    QUESTIONNAIRE_LABELS,
    ZONE_LABELS,
    dispersion_sentence,
    kruskal_sentence,
    pairs_summary,
)

__all__ = [
    "FULL_PAIR_TABLE_MAX_BASES",
    "OVERVIEW_BLOCKS",
    "OVERVIEW_SHEET",
    "PAGE_ROWS",
    "TESTS_SHEET",
    "base_sheet_title",
    "report_workbook",
    "report_xlsx",
    "write_report_xlsx",
]

OVERVIEW_SHEET = "基地总览"
NOTES_SHEET = "说明"
DIMENSIONS_SHEET = "维度得分"
RELIABILITY_SHEET = "维度信度"
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
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_CENTRE = Alignment(horizontal="center")
# Text left of which a figure stands flush right: without an indent the two run together.
_INDENTED = Alignment(horizontal="left", indent=1)
_WRAP_INDENTED = Alignment(horizontal="left", vertical="center", wrap_text=True, indent=1)

#: The first hidden column of the overview's chart data, right of its 30 columns.
_OVERVIEW_DATA = 33

KIND_LABELS = {"theory": "理论", "practice": "实践"}

Value = str | int | float | None

#: The height of a default row (15 pt) in centimetres, to know how many rows a chart covers.
_ROW_CM = 0.53
#: Table rows that surely fit on a landscape page (15 pt rows, 2 cm margins, scale 1).
PAGE_ROWS = 28
#: Columns a chart caption spans (merged), about the width of a chart.
_CAPTION_COLUMNS = 8


class _Writer:
    """Writes rows into a sheet, tracking the next free row."""

    def __init__(self, sheet: Worksheet) -> None:
        self.sheet = sheet
        self.row = 1

    def title(self, text: str) -> None:
        self.sheet.cell(self.row, 1, inert(text)).font = _TITLE
        self.row += 2

    def note(self, text: str, *, wrap: bool = False) -> None:
        """``text`` in the first column: running on to the right, or wrapped inside it."""
        cell = self.sheet.cell(self.row, 1, inert(text))
        if wrap:
            cell.alignment = _WRAP_TOP
        self.row += 1

    def header(self, labels: Sequence[str], column: int = 1) -> int:
        for offset, label in enumerate(labels):
            cell = self.sheet.cell(self.row, column + offset, inert(label))
            cell.font = _BOLD
            cell.fill = _HEADER_FILL
            cell.alignment = _WRAP
        self.row += 1
        return self.row - 1

    def paragraph(self, text: str, columns: int) -> None:
        """``text`` wrapped across the first ``columns`` columns, which people's text of any
        length needs: running on, it would be cut at the page's edge."""
        self.note(text, wrap=True)
        self.sheet.merge_cells(
            start_row=self.row - 1, start_column=1, end_row=self.row - 1, end_column=columns
        )

    def put(
        self,
        column: int,
        value: Value,
        number_format: str | None = None,
        alignment: Alignment | None = None,
    ) -> None:
        # Names, labels and comments are typed by people: never let one become a formula.
        cell = self.sheet.cell(self.row, column, inert(value))
        if number_format is not None and isinstance(value, int | float):
            cell.number_format = number_format
        if alignment is not None:
            cell.alignment = alignment

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

    def new_page(self) -> None:
        """Start the next block on a new printed page."""
        if self.row > 1:
            self.sheet.row_breaks.append(Break(id=self.row - 1))

    def chart(
        self,
        chart: BarChart | ScatterChart,
        caption: str | None = None,
        *,
        new_page: bool = True,
        column: str = "A",
    ) -> None:
        """``chart`` below its caption, on a new page unless told otherwise, its left edge in
        ``column``, and the rows it covers skipped."""
        if new_page:
            self.new_page()
        if caption is not None:
            cell = self.sheet.cell(self.row, 1, caption)
            cell.alignment = _WRAP_TOP
            self.sheet.merge_cells(
                start_row=self.row, start_column=1, end_row=self.row, end_column=_CAPTION_COLUMNS
            )
            self.row += 1
        elif new_page:
            # A chart whose top edge lies on a page break has that edge drawn at the foot of
            # the page before too, as a stray line under the table.
            self.row += 1
        # Hidden helper columns must still be drawn.
        chart.visible_cells_only = False
        self.sheet.add_chart(chart, f"{column}{self.row}")
        self.row += math.ceil(chart.height / _ROW_CM) + 1


def _hide_columns(sheet: Worksheet, first: int, last: int) -> None:
    for column in range(first, last + 1):
        sheet.column_dimensions[get_column_letter(column)].hidden = True


def _printable(
    sheet: Worksheet, header_row: int | None, rows: int = 0, *, one_page: bool = False
) -> None:
    """Landscape A4 fitted to the page width (and height, with ``one_page``), the sheet name and
    page number in the footer, and ``header_row`` repeated on every page when its table of
    ``rows`` rows may run over a page. Print titles head every page of the sheet, the pages of
    the other blocks too, so a short table does without them."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 1 if one_page else 0
    assert sheet.sheet_properties.pageSetUpPr is not None
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if header_row is not None and (header_row == 1 or rows > PAGE_ROWS):
        sheet.print_title_rows = f"{header_row}:{header_row}"
    footer = sheet.oddFooter
    assert footer is not None
    footer.center.text = "&A　第 &P 页，共 &N 页"


#: Points per line of wrapped 11-point text, and the room above and below the lines.
_LINE_PT = 15
_ROW_PAD_PT = 3
#: The width LibreOffice and Excel give a column whose width was never set.
_DEFAULT_WIDTH = 8.43


def _width(sheet: Worksheet, column: int) -> float:
    dimension = sheet.column_dimensions.get(get_column_letter(column))
    return _DEFAULT_WIDTH if dimension is None or dimension.width is None else dimension.width


def _points(sheet: Worksheet, columns: range) -> float:
    """The printed width of ``columns`` at scale 100, in points."""
    # A column n characters wide is 7n + 5 pixels in Calibri, the default font; erring wide,
    # 9n + 5, as LibreOffice draws it where no Calibri-metric font is installed.
    return sum((_width(sheet, c) * 9 + 5) * 0.75 for c in columns)


def _set_scale(sheet: Worksheet, width: float) -> None:
    """Print at the one scale at which ``width`` points fill the page width. A fixed scale,
    not "fit to width", so that the rows a page holds are known when the breaks are set."""
    assert sheet.sheet_properties.pageSetUpPr is not None
    sheet.sheet_properties.pageSetUpPr.fitToPage = False
    sheet.page_setup.scale = min(100, math.floor(_PRINT_WIDTH / width * 100))


def _fit_rows(sheet: Worksheet) -> None:
    """Give every row with wrapped text the height of its longest cell: neither Excel nor
    LibreOffice grows a row for wrapped text written by openpyxl, so the text would be cut.
    Call it once the column widths are set."""
    spans = {
        (merged.min_row, merged.min_col): range(merged.min_col, merged.max_col + 1)
        for merged in sheet.merged_cells.ranges
    }
    # The cells written, by row. Not ``sheet[n]`` nor ``iter_rows``: they measure the sheet
    # again for every row, and fill every blank position up to the hidden chart data with an
    # empty cell that the file then carries (at national scale, 3 s more than the export).
    rows: dict[int, list[Cell | MergedCell]] = {}
    for (number, _), written in sorted(sheet._cells.items()):
        rows.setdefault(number, []).append(written)
    for number, cells in rows.items():
        lines = 0
        for cell in cells:
            if not (isinstance(cell.value, str) and cell.alignment.wrap_text):
                continue
            column = cell.column
            assert isinstance(column, int)
            dimension = sheet.column_dimensions.get(get_column_letter(column))
            if dimension is not None and dimension.hidden:
                continue
            width = sum(_width(sheet, c) for c in spans.get((cell.row, column), (column,)))
            lines = max(lines, _lines(cell.value, width))
        if not lines:
            continue
        sheet.row_dimensions[number].height = _LINE_PT * lines + _ROW_PAD_PT
        if lines > 1:
            # Figures sit at the foot of a cell by default, lines below the text they belong to.
            for cell in cells:
                alignment = cell.alignment
                if cell.value is not None and alignment.vertical is None:
                    cell.alignment = _centred(alignment.horizontal, alignment.indent)


@functools.cache
def _centred(horizontal: str | None, indent: float) -> Alignment:
    """A cell's alignment, centred vertically: one object per kind, not one per cell (tens of
    thousands of cells at national scale, each a new style to hash)."""
    return Alignment(horizontal=horizontal, vertical="center", indent=indent)


def _paginate(sheet: Worksheet, first: int, header_row: int, last: int) -> None:
    """Break a table whose page starts at row ``first`` before any row that would not fit on
    its page, and repeat its header on the pages after the first. Every row from ``first`` to
    ``last`` must have its height set; the sheet must print at a fixed scale. Print titles head
    the pages from the header on, so the table must be the sheet's last block."""
    scale = sheet.page_setup.scale or 100
    room = PAGE_ROWS * 15 * 100 / scale

    def height(row: int) -> float:
        value = sheet.row_dimensions[row].height
        return _LINE_PT if value is None else value

    header = height(header_row)
    used = sum(height(row) for row in range(first, header_row + 1))
    for row in range(header_row + 1, last + 1):
        if used + height(row) > room:
            sheet.row_breaks.append(Break(id=row - 1))
            sheet.print_title_rows = f"{header_row}:{header_row}"
            used = header
        used += height(row)


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
    "满意率（主要指标）",
    "满意率下限",
    "满意率上限",
    "收缩估计",
    "收缩估计下限",
    "收缩估计上限",
    "排名",
    "排名区间",
    "满意率漏斗图位置",
    "说明",
    "邀请人数",
    "回答人数",
    "回答率",
    "回答率下限",
    "回答率上限",
    "回答率提示",
    "回答率漏斗图位置",
    "满意率最坏情形下界",
    "满意率最坏情形上界",
    "有效答卷数",
    "总体得分",
    "总体得分下限",
    "总体得分上限",
    "平均满意率",
    "净推荐值",
    "净推荐值下限",
    "净推荐值上限",
)


#: The overview's column blocks as printed, each on a page of its own beside the repeated
#: 序号 and 承训基地: satisfaction and rank (C–M), participation (N–V), other scores (W–AD).
OVERVIEW_BLOCKS = ((3, 13), (14, 22), (23, 30))
#: Landscape A4 less the default side margins (0.75 inch each), in points.
_PRINT_WIDTH = 842 - 2 * 54


def _print_in_blocks(sheet: Worksheet, blocks: Sequence[tuple[int, int]]) -> None:
    """Print a wide table in column ``blocks``, each on its own page headed by the repeated
    columns A and B, at the one scale at which the widest block fits (instead of shrinking
    the whole table onto one page). Pages run across, then down: the blocks of a table one
    page tall come first, then what lies below."""
    sheet.print_title_cols = "A:B"
    for _, last in blocks[:-1]:
        sheet.col_breaks.append(Break(id=last))
    widest = max(
        _points(sheet, range(1, 3)) + _points(sheet, range(first, last + 1))
        for first, last in blocks
    )
    _set_scale(sheet, widest)
    sheet.page_setup.pageOrder = "overThenDown"


def _participation_cells(
    writer: _Writer, group: GroupReport, column: int, threshold: float
) -> None:
    participation = group.participation
    writer.put(column, participation.invited, COUNT)
    writer.put(column + 1, participation.responded, COUNT)
    writer.put(column + 2, participation.rate, RATE)
    if participation.low:
        _mark_low_response(writer, column + 3, threshold)
    writer.put(column + 4, group.n, COUNT)


def _mark_low_response(writer: _Writer, column: int, threshold: float) -> None:
    cell = writer.sheet.cell(writer.row, column, f"回答率低于 {threshold:.0%}，结果仅供参考")
    cell.fill = _LOW_FILL
    cell.alignment = _WRAP


def _comparison_cells(writer: _Writer, row: BaseRow | None, hidden: Suppression | None) -> None:
    """Columns 7–13 of the overview: shrunken estimate, rank, funnel zone and the note."""
    if row is None:
        return
    if row.shrunken is not None:
        writer.put(7, row.shrunken.estimate, RATE)
        writer.put(8, row.shrunken.low, RATE)
        writer.put(9, row.shrunken.high, RATE)
    elif hidden is not None:
        for column in (7, 8, 9):
            writer.hidden(column, hidden)
    if row.rank is not None:
        # Centred: a number flush right beside an interval flush left reads "11–2".
        writer.put(10, row.rank.rank, COUNT, _CENTRE)
        writer.put(11, f"{row.rank.low}–{row.rank.high}", alignment=_CENTRE)
    if row.zone is not None:
        writer.put(12, ZONE_LABELS[row.zone])
    writer.put(
        13, "；".join(note for note in (row.note, row.rank_note) if note) or None, alignment=_WRAP
    )
    if row.response_zone is not None:
        writer.put(20, ZONE_LABELS[row.response_zone])
    if row.bounds is not None:
        writer.put(21, row.bounds.low, RATE)
        writer.put(22, row.bounds.high, RATE)


def _overview(sheet: Worksheet, report: Report) -> None:
    writer = _Writer(sheet)
    writer.title(f"各承训基地结果总览（{len(report.programme.children)} 个基地）")
    # The note is about the first block's figures and stands over them, wrapped: running on
    # from column A it would be cut where the repeated columns A and B end on the other pages.
    first, last = OVERVIEW_BLOCKS[0]
    note = sheet.cell(
        writer.row,
        first,
        "主要指标为满意率（总体满意度题“满意”及以上的比例）。收缩估计为经验贝叶斯估计，"
        "排名按收缩估计并给出 95% 区间；只有超出（按过度离散调整后的）99.8% 控制限的基地才标出。",
    )
    note.alignment = _WRAP_TOP
    sheet.merge_cells(start_row=writer.row, start_column=first, end_row=writer.row, end_column=last)
    writer.row += 2
    header_row = writer.header(OVERVIEW_HEADERS)
    comparison = report.comparison
    groups = [*report.programme.children, report.programme]
    for number, group in enumerate(groups, start=1):
        is_programme = group.level == "programme"
        writer.put(1, None if is_programme else number, alignment=_CENTRE)
        writer.put(2, group.name, alignment=_WRAP)
        if not is_programme:
            writer.put(3, "、".join(str(p) for p in group.projects))
        hidden = group.suppression
        primary = group.primary
        if primary is not None:
            _rate_cells(writer, 4, primary.rate, hidden or primary.suppression)
            if primary.rate is None and not is_programme:
                hidden = hidden or primary.suppression
        if not is_programme:
            _comparison_cells(writer, comparison.row(group.name), hidden)
        elif primary is not None and primary.bounds is not None:
            writer.put(21, primary.bounds.low, RATE)
            writer.put(22, primary.bounds.high, RATE)
        participation = group.participation
        writer.put(14, participation.invited, COUNT)
        writer.put(15, participation.responded, COUNT)
        writer.put(16, participation.rate, RATE)
        if participation.interval is not None:
            writer.put(17, participation.interval.low, RATE)
            writer.put(18, participation.interval.high, RATE)
        if participation.low:
            _mark_low_response(writer, 19, report.low_response_rate)
        writer.put(23, group.n, COUNT)
        hidden = group.suppression
        _mean_cells(writer, 24, group.overall, hidden or group.overall_suppression)
        satisfaction = group.satisfaction
        averaged = satisfaction.averaged
        writer.figure(
            27,
            averaged.mean if averaged else None,
            RATE,
            hidden or satisfaction.averaged_suppression,
        )
        if group.nps is not None:
            nps = group.nps.nps
            if hidden or group.nps.suppression or nps is None:
                for offset in range(3):
                    writer.hidden(28 + offset, hidden or group.nps.suppression)
            else:
                writer.put(28, nps.score, NPS)
                writer.put(29, nps.low, NPS)
                writer.put(30, nps.high, NPS)
        writer.next()
    sheet.freeze_panes = f"C{header_row + 1}"
    _widths(sheet, [5, 26, 8, *[9] * 6, 6, 8, 16, 18, *[8] * 5, 20, 16, *[10] * 10])

    # Chart data: shown bases only (a withheld figure must not be drawn as zero).
    writer.row += 1
    shown = [
        g
        for g in report.programme.children
        if g.suppression is None and g.primary is not None and g.primary.rate is not None
    ]
    _printable(sheet, header_row, len(groups))
    _print_in_blocks(sheet, OVERVIEW_BLOCKS)
    # Chart data in hidden columns beside the table.
    data = _Writer(sheet)
    data.row = header_row
    data_row = data.header(["承训基地（图表数据）", "满意率", "回答率"], column=_OVERVIEW_DATA)
    for group in shown:
        data.put(_OVERVIEW_DATA, group.name)
        rate = group.primary.rate if group.primary is not None else None
        data.put(_OVERVIEW_DATA + 1, rate.rate if rate is not None else None, RATE)
        data.put(_OVERVIEW_DATA + 2, group.participation.rate, RATE)
        data.next()
    _hide_columns(sheet, _OVERVIEW_DATA, _OVERVIEW_DATA + 2)
    if shown:
        last = data_row + len(shown)
        categories = Reference(sheet, min_col=_OVERVIEW_DATA, min_row=data_row + 1, max_row=last)
        for column, title in (
            (_OVERVIEW_DATA + 1, "各基地满意率"),
            (_OVERVIEW_DATA + 2, "各基地回答率"),
        ):
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
            chart.height = min(15.0, max(7.5, 0.5 * len(shown) + 3))
            chart.width = 16
            # Two short charts share a page. They stand right of the columns repeated on
            # every page, or each page of the table would print them again.
            writer.chart(
                chart, new_page=column == _OVERVIEW_DATA + 1 or chart.height > 8, column="C"
            )


#: Dimensions per printed page of the dimension scores, beside the repeated base names.
_DIMENSIONS_PER_PAGE = 3


def _dimension_sheet(sheet: Worksheet, report: Report) -> None:
    writer = _Writer(sheet)
    # Short enough for the repeated columns A and B, which head each page of the blocks.
    writer.title("各基地维度得分")
    writer.note("均值及 95% 置信区间")
    writer.row += 1
    labels = [d.label for d in report.dimensions]
    header = ["承训基地", "有效答卷数"]
    for label in labels:
        header += [label, f"{label}下限", f"{label}上限"]
    _printable(sheet, writer.header(header), len(report.programme.children) + 1)
    for group in [*report.programme.children, report.programme]:
        writer.put(1, group.name, alignment=_WRAP)
        writer.put(2, group.n, COUNT)
        for index, info in enumerate(report.dimensions):
            figures = group.dimension(info.id)
            column = 3 + 3 * index
            if figures is None:
                continue
            _mean_cells(writer, column, figures.score, group.suppression or figures.suppression)
        writer.next()
    _widths(sheet, [26, 9, *[8] * (3 * len(labels))])
    # Fitted to one page width, seven dimensions printed at 46 %: print a few per page.
    step = 3 * _DIMENSIONS_PER_PAGE
    blocks = [
        (first, min(first + step - 1, 2 + 3 * len(labels)))
        for first in range(3, 3 + 3 * len(labels), step)
    ]
    if blocks:
        _print_in_blocks(sheet, blocks)


def _reliability_sheet(sheet: Worksheet, report: Report) -> None:
    writer = _Writer(sheet)
    writer.title("全项目各维度的信度（Cronbach α）")
    writer.note(f"{PROGRAMME_ONLY_NOTE}。")
    writer.row += 1
    _printable(sheet, writer.header(["维度", "完整作答数", "α", "α下限", "α上限", "说明"]))
    for info in report.dimensions:
        figures = report.programme.dimension(info.id)
        if figures is None:
            continue
        writer.put(1, info.label, alignment=_WRAP)
        reliability = figures.reliability
        if figures.suppression is not None:
            writer.hidden(3, figures.suppression)
        elif reliability is not None:
            writer.put(2, reliability.n, COUNT)
            writer.put(3, reliability.alpha, COEFFICIENT)
            writer.put(4, reliability.low, COEFFICIENT)
            writer.put(5, reliability.high, COEFFICIENT)
        writer.put(6, figures.reliability_note, alignment=_WRAP_INDENTED)
        writer.next()
    _widths(sheet, [20, 10, 8, 8, 8, 80])


def _tests_sheet(sheet: Worksheet, report: Report) -> None:
    writer = _Writer(sheet)
    writer.title("基地间差异检验")
    comparison = report.comparison
    writer.note(
        "两两比较只针对主要指标（满意率）：Fisher 精确检验，对全部基地对一并作 Holm 校正。"
        "其他得分只作 Kruskal–Wallis 检验：各基地的得分分布是否相同；ε² 为效应量（0–1）。"
    )
    for test in comparison.tests:
        writer.note(kruskal_sentence(test))
    writer.row += 1
    _printable(sheet, writer.header(["指标", "参与基地数", "H", "自由度", "p 值", "ε²", "答卷数"]),
               len(comparison.tests))  # fmt: skip
    for test in comparison.tests:
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
    insufficient = [row.base for row in comparison.rows if row.note]
    if insufficient:
        writer.row += 1
        writer.note("回答不足、不参加检验的基地：" + "、".join(insufficient))
    if comparison.primary_item is None:
        return
    writer.row += 1
    writer.new_page()
    writer.note(f"{comparison.primary_label}两两比较（Fisher 精确检验，Holm 校正）")
    for sentence in pairs_summary(comparison):
        writer.note(sentence)
    writer.row += 1
    pairs = comparison.pairs
    compared = sum(1 for row in comparison.rows if row.primary is not None)
    if compared > FULL_PAIR_TABLE_MAX_BASES:
        writer.note(
            f"参与比较的基地超过 {FULL_PAIR_TABLE_MAX_BASES} 个，下表只列出经 Holm 校正后差异显著"
            "（p < 0.05）的基地对；完整的两两比较见 JSON 导出。"
        )
        pairs = tuple(pair for pair in pairs if pair.p_holm < 0.05)
    writer.header(["基地甲", "基地乙", "满意率之差（甲 − 乙）", "p 值", "Holm 校正 p 值", "显著"])
    for pair in pairs:
        writer.put(1, pair.first)
        writer.put(2, pair.second)
        writer.put(3, pair.difference, RATE)
        writer.put(4, pair.pvalue, _p_format(pair.pvalue))
        writer.put(5, pair.p_holm, _p_format(pair.p_holm))
        writer.put(6, "是" if pair.p_holm < 0.05 else "否", alignment=_CENTRE)
        writer.next()
    _widths(sheet, [24, 24, 14, 11, 14, 8, 9])


def _funnel_sheet(sheet: Worksheet, report: Report) -> None:
    comparison = report.comparison
    writer = _Writer(sheet)
    writer.title("满意率漏斗图（Spiegelhalter 2005，考虑过度离散）")
    if comparison.funnel is None:
        writer.note(comparison.funnel_note or "不作漏斗图")
    else:
        _funnel_block(writer, comparison.funnel, "满意率", "答题人数", "满意人数", 12)
    writer.row += 1
    writer.new_page()
    writer.title("回答率漏斗图（Spiegelhalter 2005，考虑过度离散）")
    if comparison.response_funnel is None:
        writer.note("没有邀请人数，不作回答率漏斗图")
    else:
        _funnel_block(writer, comparison.response_funnel, "回答率", "邀请人数", "回答人数", 19)
    _printable(sheet, None)


def _funnel_block(
    writer: _Writer, funnel: Funnel, what: str, size: str, count: str, data_column: int
) -> None:
    """The table of ``funnel``'s bases, then its chart on the next page; the control-limit
    curves go to hidden columns from ``data_column`` on."""
    sheet = writer.sheet
    writer.note(f"全项目{what} {funnel.target:.1%}。")
    writer.note(dispersion_sentence(funnel) + "。")
    outside95 = [p.label for p in funnel.outside(95)]
    outside998 = [p.label for p in funnel.outside(998)]
    writer.note("超出 95% 控制限的基地：" + ("、".join(outside95) if outside95 else "无"))
    writer.note(
        "超出 99.8% 控制限、予以标出的基地：" + ("、".join(outside998) if outside998 else "无")
    )
    writer.row += 1
    first = writer.header(
        ["承训基地", size, count, what, "95%下限", "95%上限", "99.8%下限", "99.8%上限", "位置"]
    )
    for point in funnel.points:
        writer.put(1, point.label)
        writer.put(2, point.n, COUNT)
        writer.put(3, point.successes, COUNT)
        writer.put(4, point.rate, RATE)
        writer.put(5, point.limits.lower95, RATE)
        writer.put(6, point.limits.upper95, RATE)
        writer.put(7, point.limits.lower998, RATE)
        writer.put(8, point.limits.upper998, RATE)
        writer.put(9, ZONE_LABELS[point.zone], alignment=_INDENTED)
        writer.next()
    last_point = writer.row - 1
    _widths(sheet, [24, 9, 9, 9, 9, 9, 10, 10, 16])

    # Control-limit curves in hidden columns beside the table, thinned to at most ~200 rows.
    # The curves start at half the smallest base, as in the SVG: limits for n = 1, 2, … swing
    # over the whole axis and squash the part where the bases are.
    smallest = min(point.n for point in funnel.points)
    curve = tuple(c for c in funnel.curve if c.n >= max(1, smallest // 2))
    step = max(1, len(curve) // 200)
    rows = [*curve[::step], curve[-1]] if curve[-1] not in curve[::step] else list(curve[::step])
    curve_writer = _Writer(sheet)
    curve_writer.row = first
    curve_writer.header(
        ["n", "目标", "95%下限", "95%上限", "99.8%下限", "99.8%上限"], column=data_column
    )
    for limits in rows:
        values = (limits.lower95, limits.upper95, limits.lower998, limits.upper998)
        curve_writer.put(data_column, limits.n, COUNT)
        for offset, value in enumerate((funnel.target, *values), start=1):
            curve_writer.put(data_column + offset, value, RATE)
        curve_writer.next()
    last_curve = curve_writer.row - 1
    _hide_columns(sheet, data_column, data_column + 5)

    chart = ScatterChart()
    chart.title = f"{what}漏斗图"
    chart.x_axis.title = size
    chart.y_axis.title = what
    chart.y_axis.number_format = "0%"
    lowest = min([c.lower998 for c in curve] + [p.rate for p in funnel.points])
    chart.y_axis.scaling.min = max(0.0, int(lowest * 10) / 10)
    chart.y_axis.scaling.max = 1.0
    chart.x_axis.scaling.min = 0.0
    _show_axes(chart)
    curve_x = Reference(sheet, min_col=data_column, min_row=first + 1, max_row=last_curve)
    # Target black, 95 % limits orange dashed, 99.8 % limits red: as in the SVG funnel.
    styles = [("000000", None), ("F59E0B", "dash"), ("F59E0B", "dash"), ("DC2626", None),
              ("DC2626", None)]  # fmt: skip
    columns = range(data_column + 1, data_column + 6)
    for column, (colour, dash) in zip(columns, styles, strict=True):
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
    writer.row += 1
    writer.chart(chart, CHART_CAPTIONS["funnel_workbook"])


def _ranks_sheet(sheet: Worksheet, report: Report) -> None:
    writer = _Writer(sheet)
    comparison = report.comparison
    writer.title(f"{comparison.primary_label}的收缩估计与排名区间")
    prior = comparison.prior
    if prior is None:
        writer.note(comparison.shrinkage_note or "问卷没有主要指标，不作收缩估计和排名")
        return
    writer.note(
        "经验贝叶斯（beta-二项）：各基地满意率的先验为 "
        f"Beta({prior.alpha:.3f}, {prior.beta:.3f})，均值 {prior.mean:.1%}，"
        f"相当于 {prior.size:.1f} 份答卷；估计为后验均值，区间为后验 95% 区间。"
    )
    writer.note(
        f"排名区间：从各基地后验分布抽样 {report.bootstrap_reps} 次"
        f"（随机种子 {report.seed}）排序所得的 95% 区间；"
        f"答题人数少于 {comparison.min_ranked} 的基地不排名。区间重叠的基地之间不宜区分名次。"
    )
    writer.row += 1
    header_row = writer.header(
        ["承训基地", "答题人数", "满意率", "收缩估计", "下限", "上限", "排名", "排名下限",
         "排名上限", "说明"]
    )  # fmt: skip
    _printable(sheet, header_row, len(comparison.rows))
    for row in comparison.rows:
        writer.put(1, row.base)
        if row.shrunken is not None:
            writer.put(2, row.shrunken.n, COUNT)
            writer.put(3, row.shrunken.rate, RATE)
            writer.put(4, row.shrunken.estimate, RATE)
            writer.put(5, row.shrunken.low, RATE)
            writer.put(6, row.shrunken.high, RATE)
        if row.rank is not None:
            writer.put(7, row.rank.rank, COUNT)
            writer.put(8, row.rank.low, COUNT)
            writer.put(9, row.rank.high, COUNT)
        writer.put(10, "；".join(note for note in (row.note, row.rank_note) if note) or None)
        writer.next()
    _widths(sheet, [24, 8, 9, 9, 9, 9, 6, 8, 8, 24])
    ordered = sorted(
        (row.rank for row in comparison.rows if row.rank is not None),
        key=lambda r: (r.rank, r.label),
    )
    if not ordered:
        return
    # Stacked horizontal bars from hidden columns beside the table: an invisible bar up to the
    # lower rank, a visible one spanning the interval.
    helper = _Writer(sheet)
    helper.row = header_row
    first = helper.header(["承训基地（图表）", "（图表）起点", "（图表）区间"], column=12)
    for rank in ordered:
        helper.put(12, rank.label)
        helper.put(13, rank.low - 0.5)
        helper.put(14, rank.high - rank.low + 1)
        helper.next()
    last = first + len(ordered)
    _hide_columns(sheet, 12, 14)
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = "排名区间（1 为最好）"
    chart.add_data(
        Reference(sheet, min_col=13, max_col=14, min_row=first, max_row=last), titles_from_data=True
    )
    chart.set_categories(Reference(sheet, min_col=12, min_row=first + 1, max_row=last))
    chart.series[0].graphicalProperties.noFill = True
    chart.series[0].graphicalProperties.line.noFill = True
    chart.x_axis.scaling.orientation = "maxMin"
    _show_axes(chart)
    chart.legend = None
    chart.height = min(15.0, max(7.5, 0.5 * len(ordered) + 3))
    chart.width = 16
    writer.row += 1
    writer.chart(chart, CHART_CAPTIONS["ranks_workbook"])


#: The base sheet's first column: the question text, and the names of classes and courses.
_BASE_TEXT_WIDTH = 38


def _base_sheet(sheet: Worksheet, report: Report, base: GroupReport) -> None:
    """A base's classes, dimension profile, teaching, comments and chart, then its items: the
    items come last, on pages of their own, because their header repeats on every page after
    it and the other blocks must not carry it."""
    writer = _Writer(sheet)
    writer.title(f"{base.name}（项目 {'、'.join(str(p) for p in base.projects)}）")
    if base.suppression is not None:
        writer.note(f"本基地的结果不予显示：{base.suppression.reason}")
        writer.row += 1
    scale = max((info.maximum - info.minimum + 1 for info in report.items), default=5)
    minimum = min((info.minimum for info in report.items), default=1)
    columns = 6 + scale + 3
    _widths(sheet, [_BASE_TEXT_WIDTH, 9, 6, *[6] * (3 + scale), 7, 7, 7])

    writer.header(["班级", "满意率（主要指标）", "下限", "上限", "邀请人数", "回答人数", "回答率",
                   "回答率提示", "有效答卷数", "总体得分", "下限", "上限",
                   "称非本人提交"])  # fmt: skip
    for group in [*base.children, base]:
        writer.put(1, group.name if group.level == "class" else "基地合计", alignment=_WRAP)
        if group.primary is not None:
            _rate_cells(
                writer, 2, group.primary.rate, group.suppression or group.primary.suppression
            )
        _participation_cells(writer, group, 5, report.low_response_rate)
        _mean_cells(writer, 10, group.overall, group.suppression or group.overall_suppression)
        writer.put(13, group.participation.contested, COUNT)
        writer.next()
    writer.row += 1
    profile_first, profile_last = _profile_table(writer, report, base)
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
            writer.put(1, course.name, alignment=_WRAP)
            writer.put(2, course.teacher, alignment=_WRAP)
            writer.put(3, KIND_LABELS.get(course.kind or "", ""))
            writer.put(4, course.hours)
            writer.figure(5, course.respondents, COUNT, course.suppression)
            _mean_cells(writer, 6, course.score, course.suppression)
            writer.next()
        writer.header(["授课教师", "课程数", "评价人数", "教师得分", "下限", "上限"])
        for teacher in group.teaching.teachers:
            writer.put(1, teacher.teacher, alignment=_WRAP)
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
                writer.paragraph(comment, columns)

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
        for column in (3, 6):
            chart.add_data(
                Reference(sheet, min_col=column, min_row=profile_first - 1, max_row=profile_last),
                titles_from_data=True,
            )
        chart.set_categories(
            Reference(sheet, min_col=1, min_row=profile_first, max_row=profile_last)
        )
        chart.height = 8
        chart.width = 16
        writer.row += 1
        writer.chart(chart, CHART_CAPTIONS["profile_workbook"])

    writer.row += 1
    writer.new_page()
    items_first = writer.row
    writer.note("各题目：均值为原始答案的平均；前两档占比按计分后的答案，反向题已反向计分")
    header_row = _item_table(writer, report, base, scale, minimum)
    _printable(sheet, None)
    _fit_rows(sheet)
    _set_scale(sheet, _points(sheet, range(1, columns + 1)))
    _paginate(sheet, items_first, header_row, writer.row - 1)


def _profile_table(writer: _Writer, report: Report, base: GroupReport) -> tuple[int, int]:
    """The base's dimension scores beside the programme's; returns the first and last row."""
    writer.header(["维度", "答卷数", "维度得分", "下限", "上限", "全项目得分"])
    first = writer.row
    notes: list[str] = []
    for dimension_info in report.dimensions:
        figures = base.dimension(dimension_info.id)
        if figures is None:
            continue
        writer.put(1, dimension_info.label)
        hidden = base.suppression or figures.suppression
        writer.figure(2, figures.respondents, COUNT, hidden)
        _mean_cells(writer, 3, figures.score, hidden)
        # α is reported for the whole programme only: one note under the table, not one
        # empty α column and the same note on every row.
        if figures.reliability_note and figures.reliability_note not in notes:
            notes.append(figures.reliability_note)
        programme = report.programme.dimension(dimension_info.id)
        if programme is not None and programme.score is not None:
            writer.put(6, programme.score.mean, MEAN)
        writer.next()
    last = writer.row - 1
    for note in notes:
        writer.note(f"{note}（见“{RELIABILITY_SHEET}”表）")
    return first, last


def _item_table(
    writer: _Writer, report: Report, base: GroupReport, scale: int, minimum: int
) -> int:
    """One row per item, the question as the trainee read it; returns the header row."""
    headers = ["题目", "维度", "反向计分", "答题数", "均值", "标准差"]
    headers += [f"选 {minimum + i} 人数" for i in range(scale)]
    headers += ["前两档占比", "下限", "上限"]
    header_row = writer.header(headers)
    infos = {info.key: info for info in report.items}
    dimension_labels = {d.id: d.label for d in report.dimensions}
    for item in base.items:
        info = infos[item.key]
        writer.put(1, info.marked_label, alignment=_WRAP)
        writer.put(2, dimension_labels.get(info.dimension, info.dimension), alignment=_WRAP)
        writer.put(3, "是" if info.reverse else "否")
        hidden = base.suppression or item.suppression
        if hidden is not None:
            for column in range(4, 7 + scale + 3):
                writer.hidden(column, hidden)
        else:
            writer.put(4, item.n, COUNT)
            writer.put(5, item.mean, MEAN)
            writer.put(6, item.sd, MEAN)
            for offset, count in enumerate((item.distribution or {}).values()):
                writer.put(7 + offset, count, COUNT)
            column = 7 + scale
            if item.top_two is not None:
                writer.put(column, item.top_two.rate, RATE)
                writer.put(column + 1, item.top_two.low, RATE)
                writer.put(column + 2, item.top_two.high, RATE)
            else:
                writer.put(column, item.top_two_rate, RATE)
        writer.next()
    return header_row


_NOTES_WIDTHS = (26.0, 100.0)


def _lines(text: str, width: float) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide: a CJK character
    takes two character widths, others one."""
    units = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
    return max(1, math.ceil(units / (width - 2)))


def _notes(sheet: Worksheet, report: Report) -> None:
    writer = _Writer(sheet)
    writer.title("“职教国培”示范项目评价结果")
    labels = {d.id: d.label for d in report.dimensions}
    rows = [
        ("问卷", QUESTIONNAIRE_LABELS.get(report.questionnaire, "自定义问卷")),
        ("最小显示人数 k", str(report.k)),
        ("置信水平", f"{report.level:.0%}"),
        ("回答率提示阈值", f"{report.low_response_rate:.0%}"),
        ("排名区间", f"后验抽样 {report.bootstrap_reps} 次，随机种子 {report.seed}"),
        ("最少排名人数", f"主要指标答题人数少于 {report.comparison.min_ranked} 的基地不排名"),
        (
            "总体得分所用维度",
            "、".join(labels.get(d, d) for d in report.score_dimensions) or "无",
        ),
    ]
    for label, value in rows:
        writer.put(1, label)
        writer.put(2, value)
        writer.next()
    writer.row += 1
    writer.note("术语说明")
    for _, term, text in GLOSSARY:
        writer.put(1, term, alignment=_WRAP)
        writer.put(2, text, alignment=_WRAP)
        writer.next()
    writer.row += 1
    cell = sheet.cell(writer.row, 1, HIDDEN_TEXT)
    cell.fill = _HIDDEN_FILL
    cell.font = _HIDDEN_FONT
    sheet.cell(writer.row, 2, "该数字按小样本保护规则不予显示，原因见单元格批注")
    _widths(sheet, _NOTES_WIDTHS)
    # The settings and the glossary are read together: one page, shrunk if need be.
    _printable(sheet, None, one_page=True)


#: The sheets before the bases', in order, with what writes each.
_FIXED_SHEETS: tuple[tuple[str, Callable[[Worksheet, Report], None]], ...] = (
    (NOTES_SHEET, _notes),
    (OVERVIEW_SHEET, _overview),
    (DIMENSIONS_SHEET, _dimension_sheet),
    (RELIABILITY_SHEET, _reliability_sheet),
    (TESTS_SHEET, _tests_sheet),
    (FUNNEL_SHEET, _funnel_sheet),
    (RANKS_SHEET, _ranks_sheet),
)


def report_workbook(report: Report) -> Workbook:
    """The workbook of ``report`` (see the module docstring for its sheets)."""
    workbook = Workbook()
    default = workbook.active
    assert default is not None
    workbook.remove(default)
    for title, write in _FIXED_SHEETS:
        sheet = workbook.create_sheet(title)
        write(sheet, report)
        _fit_rows(sheet)
    # A base sheet fits its own rows: its page breaks are set from their heights.
    taken = {title for title, _ in _FIXED_SHEETS}
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
