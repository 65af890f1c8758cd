"""Charts as standalone SVG text: the dimension profile of a base, the funnel plot and the rank
intervals.

Self-contained by design: no scripts, no external images, fonts or style sheets, so the pages work
offline and inside WeChat without a CDN. Chinese text uses the reader's installed fonts through a
list of common local CJK families ending in the generic ``sans-serif``. Every chart prints its
numbers as text as well, so it stays readable without the graphics, and carries a ``<title>``
and ``<desc>`` for screen readers.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from typing import Literal
from xml.sax.saxutils import escape, quoteattr

from reporting.model import Report
from reporting.stats.funnel import FunnelLimits
from reporting.wording import dispersion_sentence

__all__ = [
    "FONT_FAMILY",
    "dimension_profile_svg",
    "fit",
    "funnel_svg",
    "nice_ticks",
    "rank_intervals_svg",
    "text_width",
]

#: Local CJK fonts of Windows, macOS, Android and Linux, then the generic family.
FONT_FAMILY = (
    "'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Source Han Sans SC', "
    "'WenQuanYi Micro Hei', sans-serif"
)

INK = "#1f2937"
MUTED = "#6b7280"
GRID = "#e5e7eb"
BAR = "#2563eb"
ACCENT = "#dc2626"
BAND95 = "#f59e0b"
BAND998 = "#dc2626"


def _f(value: float) -> str:
    return f"{value:.1f}"


def _text(
    x: float,
    y: float,
    content: str,
    *,
    size: int = 12,
    anchor: str = "start",
    fill: str = INK,
    weight: str | None = None,
) -> str:
    weight_attr = f' font-weight="{weight}"' if weight else ""
    return (
        f'<text x="{_f(x)}" y="{_f(y)}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{fill}"{weight_attr}>{escape(content)}</text>'
    )


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str, width: float = 1.0) -> str:
    return (
        f'<line x1="{_f(x1)}" y1="{_f(y1)}" x2="{_f(x2)}" y2="{_f(y2)}" '
        f'stroke="{stroke}" stroke-width="{width}"/>'
    )


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2 or 5 × 10ⁿ apart) covering ``low``–``high``."""
    if high <= low:
        return [low]
    raw = (high - low) / max(count, 1)
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1.0, 2.0, 5.0, 10.0) if m * magnitude >= raw)
    first = math.ceil(low / step - 1e-9) * step
    ticks = []
    value = first
    while value <= high + 1e-9:
        ticks.append(round(value, 10))
        value += step
    return ticks


def text_width(content: str, size: float) -> float:
    """The width ``content`` takes at font ``size``, erring wide: a CJK character, and general
    punctuation such as "…" and "–" (full width in CJK faces), is one em, other characters about
    0.6 em in the common sans-serif faces."""
    return sum(size if ord(ch) > 0x2E7F or 0x2000 <= ord(ch) <= 0x206F else 0.6 * size
               for ch in content)  # fmt: skip


def fit(content: str, size: float, room: float) -> str:
    """``content`` cut with "…" so that it fits in ``room`` pixels at font ``size``."""
    if text_width(content, size) <= room:
        return content
    while content and text_width(content + "…", size) > room:
        content = content[:-1]
    return content + "…"


def _svg(width: int, height: int, title: str, description: str, body: Sequence[str]) -> str:
    # Ids derived from the content: several charts inlined in one page must not share ids.
    ident = "c" + hashlib.blake2s(f"{title}\n{description}".encode(), digest_size=5).hexdigest()
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="{ident}t {ident}d" '
            f"font-family={quoteattr(FONT_FAMILY)}>",
            f'<title id="{ident}t">{escape(title)}</title>',
            f'<desc id="{ident}d">{escape(description)}</desc>',
            f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
            *body,
            "</svg>",
        ]
    )


def dimension_profile_svg(report: Report, base: str) -> str:
    """Horizontal bars of a base's dimension scores with 95 % intervals, the programme's score
    marked on each. Withheld figures are written out as "不予显示" with the reason."""
    group = report.base(base)
    if group is None:
        raise ValueError(f"no base named {base!r} in the report")
    minimum = min((i.minimum for i in report.items), default=1)
    maximum = max((i.maximum for i in report.items), default=5)
    label_width, plot_width, number_width = 120, 360, 150
    row_height, top = 34, 56
    width = label_width + plot_width + number_width + 20
    height = top + row_height * len(report.dimensions) + 40

    def x(value: float) -> float:
        return label_width + (value - minimum) / (maximum - minimum) * plot_width

    heading = fit(f"{group.name}：各维度得分", 15, width - 20)
    body = [_text(10, 24, heading, size=15, weight="bold")]
    body.append(_text(10, 44, "条形为本基地均值，细线为 95% 置信区间，红色竖线为全项目均值",
                      size=11, fill=MUTED))  # fmt: skip
    if group.suppression is not None:
        message = f"本基地的结果不予显示：{group.suppression.reason}"
        body.append(_text(10, top + 20, message))
        return _svg(width, top + 50, f"{group.name}各维度得分", message, body)
    axis_y = top + row_height * len(report.dimensions)
    for tick in range(minimum, maximum + 1):
        body.append(_text(x(tick), axis_y + 16, str(tick), size=11, anchor="middle", fill=MUTED))
    described = []
    for row, info in enumerate(report.dimensions):
        y = top + row * row_height
        middle = y + row_height / 2
        body.append(_text(label_width - 8, middle + 4, fit(info.label, 12, label_width - 12),
                          anchor="end"))  # fmt: skip
        figures = group.dimension(info.id)
        hidden = figures.suppression if figures else None
        if figures is None or hidden is not None or figures.score is None:
            reason = hidden.reason if hidden else "无数据"
            body.append(_text(x(minimum) + 6, middle + 4, f"不予显示（{reason}）", fill=MUTED))
            described.append(f"{info.label}：不予显示")
            continue
        score = figures.score
        for tick in range(minimum, maximum + 1):
            body.append(_line(x(tick), y, x(tick), y + row_height, GRID))
        interval = (
            f"（{score.low:.2f}–{score.high:.2f}）"
            if score.low is not None and score.high is not None
            else ""
        )
        programme = report.programme.dimension(info.id)
        overall = programme.score if programme is not None else None
        # The bar, its interval and the programme's mark share one tooltip (when inlined).
        tooltip = f"{info.label}：本基地 {score.mean:.2f}{interval}" + (
            f"，全项目 {overall.mean:.2f}" if overall is not None else ""
        )
        body.append(f"<g><title>{escape(tooltip)}</title>")
        body.append(
            f'<rect x="{_f(x(minimum))}" y="{_f(y + 8)}" width="{_f(x(score.mean) - x(minimum))}"'
            f' height="{row_height - 16}" fill="{BAR}" fill-opacity="0.75"/>'
        )
        if score.low is not None and score.high is not None:
            body.append(_line(x(score.low), middle, x(score.high), middle, INK, 1.5))
            body.append(_line(x(score.low), middle - 5, x(score.low), middle + 5, INK, 1.5))
            body.append(_line(x(score.high), middle - 5, x(score.high), middle + 5, INK, 1.5))
        if overall is not None:
            px = x(overall.mean)
            body.append(_line(px, y + 4, px, y + row_height - 4, ACCENT, 2))
        body.append("</g>")
        body.append(_text(label_width + plot_width + 10, middle + 4, f"{score.mean:.2f}{interval}"))
        described.append(f"{info.label} {score.mean:.2f}{interval}")
    return _svg(width, height, f"{group.name}各维度得分", "；".join(described), body)


def _polyline(points: Sequence[tuple[float, float]], stroke: str, dash: str | None) -> str:
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    coordinates = " ".join(f"{_f(a)},{_f(b)}" for a, b in points)
    return (
        f'<polyline points="{coordinates}" fill="none" stroke="{stroke}" '
        f'stroke-width="1.5"{dash_attr}/>'
    )


def funnel_svg(report: Report, measure: Literal["primary", "response_rate"] = "primary") -> str:
    """The funnel plot (Spiegelhalter 2005) of the bases' 满意率 (``"primary"``) or response
    rates (``"response_rate"``), with φ, τ and the overdispersion test.

    Every base is numbered at its point and named in a legend below the plot, with its rate and
    size; bases beyond the 99.8 % limits in force are drawn in red. Each point carries a
    ``<title>`` tooltip when the SVG is inlined in a page. Every label is kept inside the chart:
    numbers that would cross the right edge go to the left of their point, and names too long
    for their legend column are cut with "…" (the full name stays in the tooltip and the
    description).
    """
    if measure == "primary":
        funnel = report.comparison.funnel
        title, what, axis = "满意率漏斗图", "满意率", "答题人数"
        note = report.comparison.funnel_note
    else:
        funnel = report.comparison.response_funnel
        title, what, axis = "回答率漏斗图", "回答率", "邀请人数"
        note = None
    width = 640
    left, right, top, plot_height = 64, 24, 112, 300
    if funnel is None or not funnel.points:
        note = note or "没有可作漏斗图的数据"
        body = [_text(10, 24, title, size=15, weight="bold"), _text(10, 60, fit(note, 12, 620))]
        return _svg(width, 120, title, note, body)
    columns = 2
    column_width = (width - 20) / columns
    legend_rows = math.ceil(len(funnel.points) / columns)
    bottom_of_plot = top + plot_height
    legend_top = bottom_of_plot + 78
    height = legend_top + 18 * legend_rows + 10
    max_n = max(p.n for p in funnel.points)
    x_max = max_n * 1.08
    first_n = max(1, min(p.n for p in funnel.points) // 2)
    shown_curve: list[FunnelLimits] = [c for c in funnel.curve if c.n >= first_n]
    lows = [c.lower998 for c in shown_curve] + [p.rate for p in funnel.points]
    y_min = max(0.0, math.floor((min(lows) - 0.02) * 20) / 20)
    y_max = 1.0

    def x(n: float) -> float:
        return left + n / x_max * (width - left - right)

    def y(rate: float) -> float:
        return top + (y_max - rate) / (y_max - y_min) * plot_height

    flagged = funnel.outside(998)
    summary = "超出 99.8% 控制限（红色）：" + ("、".join(p.label for p in flagged) or "无")
    body = [
        _text(10, 24, title, size=15, weight="bold"),
        _text(10, 44, f"全项目{what} {funnel.target:.1%}；虚线为 95% 控制限，实线为 99.8% 控制限",
              size=11, fill=MUTED),
    ]  # fmt: skip
    # The test and the limits it leads to on two lines: one line is wider than the chart.
    for line, part in enumerate(dispersion_sentence(funnel).split("；")):
        body.append(_text(10, 62 + 16 * line, fit(part, 11, width - 20), size=11, fill=MUTED))
    body.append(_text(10, 96, fit(summary, 11, width - 20), size=11, fill=ACCENT))
    for rate in nice_ticks(y_min, y_max, 8):
        body.append(_line(left, y(rate), width - right, y(rate), GRID))
        body.append(_text(left - 6, y(rate) + 4, f"{rate:.0%}", size=11, anchor="end", fill=MUTED))
    for n in nice_ticks(0, x_max):
        body.append(_text(x(n), bottom_of_plot + 18, f"{n:g}", size=11, anchor="middle",
                          fill=MUTED))  # fmt: skip
    body.append(_text((left + width - right) / 2, bottom_of_plot + 38, axis, anchor="middle"))
    body.append(_line(left, y(funnel.target), width - right, y(funnel.target), INK, 1))
    step = max(1, len(shown_curve) // 150)
    sampled = shown_curve[::step]
    for attribute, colour, dash in (
        ("lower95", BAND95, "5,4"),
        ("upper95", BAND95, "5,4"),
        ("lower998", BAND998, None),
        ("upper998", BAND998, None),
    ):
        body.append(_polyline([(x(c.n), y(getattr(c, attribute))) for c in sampled], colour, dash))
    described = []
    placed: list[tuple[float, float]] = []
    for number, point in enumerate(funnel.points, start=1):
        outside = point in flagged
        colour = ACCENT if outside else BAR
        tooltip = f"{number}. {point.label}：{what} {point.rate:.1%}（{axis} {point.n}）"
        cx, cy = x(point.n), y(point.rate)
        body.append(
            f'<circle cx="{_f(cx)}" cy="{_f(cy)}" r="5" fill="{colour}" stroke="#ffffff" '
            f'stroke-width="1"><title>{escape(tooltip)}</title></circle>'
        )
        # Numbers of bases at the same spot stack downwards; near the right edge they go left.
        label = str(number)
        label_width = text_width(label, 10)
        label_x = cx + 7 if cx + 7 + label_width <= width - 2 else cx - 7 - label_width
        label_y = cy + 4
        while any(abs(px - label_x) < 14 and abs(py - label_y) < 11 for px, py in placed):
            label_y += 11
        label_y = min(label_y, bottom_of_plot - 2)
        placed.append((label_x, label_y))
        body.append(_text(label_x, label_y, label, size=10, fill=colour))
        # The legend reads down the first column, then down the second.
        column, row = divmod(number - 1, legend_rows)
        entry = f"{number}. {point.label} {point.rate:.1%}（{point.n}）"
        body.append(
            f'<g><title>{escape(tooltip)}</title>'
            + _text(10 + column * column_width, legend_top + 18 * row,
                    fit(entry, 12, column_width - 10), fill=colour)
            + "</g>"
        )  # fmt: skip
        described.append(tooltip)
    body.append(_text(10, legend_top - 18, f"各基地（编号对应图中的点，括号内为{axis}）",
                      size=11, fill=MUTED))  # fmt: skip
    return _svg(
        width,
        height,
        title,
        "；".join([summary, dispersion_sentence(funnel), *described]),
        body,
    )


def rank_intervals_svg(report: Report) -> str:
    """Each ranked base's rank on the primary indicator's empirical-Bayes estimate (dot) with
    its 95 % interval simulated from the posteriors (line), best first; overlapping intervals
    mean the ranks cannot be told apart."""
    ranks = sorted(
        (row.rank for row in report.comparison.rows if row.rank is not None),
        key=lambda r: (r.rank, r.label),
    )
    count = len(ranks)
    label_width, plot_width, number_width = 200, 360, 110
    row_height, top = 26, 60
    width = label_width + plot_width + number_width + 20
    height = top + row_height * max(count, 1) + 40
    body = [
        _text(10, 24, "满意率排名及 95% 区间", size=15, weight="bold"),
        _text(10, 44, "圆点为按收缩估计的排名（1 为最好），横线为后验抽样的排名区间；"
              "区间重叠的基地名次不宜区分", size=11, fill=MUTED),
    ]  # fmt: skip
    if not ranks:
        body.append(_text(10, top + 16, "没有可排名的基地"))
        return _svg(width, height, "排名区间", "没有可排名的基地", body)

    def x(rank: float) -> float:
        return label_width + (rank - 0.5) / count * plot_width

    axis_y = top + row_height * count
    for tick in range(1, count + 1):
        body.append(_line(x(tick), top - 4, x(tick), axis_y, GRID))
        body.append(_text(x(tick), axis_y + 16, str(tick), size=10, anchor="middle", fill=MUTED))
    described = []
    for row, rank in enumerate(ranks):
        middle = top + row * row_height + row_height / 2
        body.append(_text(label_width - 8, middle + 4, fit(rank.label, 12, label_width - 12),
                          anchor="end"))  # fmt: skip
        body.append(_line(x(rank.low), middle, x(rank.high), middle, BAR, 3))
        body.append(f'<circle cx="{_f(x(rank.rank))}" cy="{_f(middle)}" r="5" fill="{INK}"/>')
        text = f"第 {rank.rank} 名（{rank.low}–{rank.high}）"
        body.append(_text(label_width + plot_width + 10, middle + 4, text, size=11))
        described.append(f"{rank.label} {text}")
    return _svg(width, height, "满意率排名区间", "；".join(described), body)
