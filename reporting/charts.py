"""Charts as standalone SVG text: the dimension profile of a base, the funnel plot and the rank
intervals.

Self-contained by design: no scripts, no external images, fonts or style sheets, so the pages work
offline and inside WeChat without a CDN. Chinese text uses the reader's installed fonts through a
list of common local CJK families ending in the generic ``sans-serif``. Every chart prints its
numbers as text as well, so it stays readable without the graphics, and carries a ``<title>``
and ``<desc>`` for screen readers.
"""

from __future__ import annotations

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
    "funnel_svg",
    "nice_ticks",
    "rank_intervals_svg",
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


def _svg(width: int, height: int, title: str, description: str, body: Sequence[str]) -> str:
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="t d" '
            f"font-family={quoteattr(FONT_FAMILY)}>",
            f'<title id="t">{escape(title)}</title>',
            f'<desc id="d">{escape(description)}</desc>',
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

    body = [_text(10, 24, f"{group.name}：各维度得分", size=15, weight="bold")]
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
        body.append(_text(label_width - 8, middle + 4, info.label, anchor="end"))
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
        body.append(
            f'<rect x="{_f(x(minimum))}" y="{_f(y + 8)}" width="{_f(x(score.mean) - x(minimum))}"'
            f' height="{row_height - 16}" fill="{BAR}" fill-opacity="0.75"/>'
        )
        if score.low is not None and score.high is not None:
            body.append(_line(x(score.low), middle, x(score.high), middle, INK, 1.5))
            body.append(_line(x(score.low), middle - 5, x(score.low), middle + 5, INK, 1.5))
            body.append(_line(x(score.high), middle - 5, x(score.high), middle + 5, INK, 1.5))
        programme = report.programme.dimension(info.id)
        if programme is not None and programme.score is not None:
            px = x(programme.score.mean)
            body.append(_line(px, y + 4, px, y + row_height - 4, ACCENT, 2))
        interval = (
            f"（{score.low:.2f}–{score.high:.2f}）"
            if score.low is not None and score.high is not None
            else ""
        )
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
    rates (``"response_rate"``), with φ, τ and the overdispersion test, bases beyond the 99.8 %
    limits in force named next to their points."""
    if measure == "primary":
        funnel = report.comparison.funnel
        title, what, axis = "满意率漏斗图", "满意率", "答题人数"
        note = report.comparison.funnel_note
    else:
        funnel = report.comparison.response_funnel
        title, what, axis = "回收率漏斗图", "回收率", "应答人数"
        note = None
    width, height = 640, 460
    left, right, top, bottom = 64, 24, 96, 56
    if funnel is None or not funnel.points:
        note = note or "没有可作漏斗图的数据"
        body = [_text(10, 24, title, size=15, weight="bold"), _text(10, 60, note)]
        return _svg(width, 120, title, note, body)
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
        return top + (y_max - rate) / (y_max - y_min) * (height - top - bottom)

    body = [
        _text(10, 24, title, size=15, weight="bold"),
        _text(10, 44, f"全项目{what} {funnel.target:.1%}；虚线为 95% 控制限，实线为 99.8% 控制限",
              size=11, fill=MUTED),
    ]  # fmt: skip
    # The test and the limits it leads to on two lines: one line is wider than the chart.
    for line, part in enumerate(dispersion_sentence(funnel).split("；")):
        body.append(_text(10, 62 + 16 * line, part, size=11, fill=MUTED))
    for rate in nice_ticks(y_min, y_max, 8):
        body.append(_line(left, y(rate), width - right, y(rate), GRID))
        body.append(_text(left - 6, y(rate) + 4, f"{rate:.0%}", size=11, anchor="end", fill=MUTED))
    for n in nice_ticks(0, x_max):
        body.append(_text(x(n), height - bottom + 18, f"{n:g}", size=11, anchor="middle",
                          fill=MUTED))  # fmt: skip
    body.append(_text((left + width - right) / 2, height - 14, axis, anchor="middle"))
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
    flagged = funnel.outside(998)
    for point in funnel.points:
        outside = point in flagged
        body.append(
            f'<circle cx="{_f(x(point.n))}" cy="{_f(y(point.rate))}" r="5" '
            f'fill="{ACCENT if outside else BAR}" stroke="#ffffff" stroke-width="1">'
            f"<title>{escape(f'{point.label}：{point.rate:.1%}（n = {point.n}）')}</title></circle>"
        )
        if outside:
            # Bases with the same n and rate share a point: stack their names below each other.
            label_x, label_y = x(point.n) + 8, y(point.rate) + 4
            while any(abs(px - label_x) < 60 and abs(py - label_y) < 13 for px, py in placed):
                label_y += 14
            placed.append((label_x, label_y))
            body.append(_text(label_x, label_y, point.label, size=11, fill=ACCENT))
        described.append(f"{point.label} {point.rate:.1%}（n = {point.n}）")
    summary = "超出 99.8% 控制限：" + ("、".join(p.label for p in flagged) if flagged else "无")
    body.append(_text(width - right, 24, summary, size=11, anchor="end", fill=ACCENT))
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
        body.append(_text(label_width - 8, middle + 4, rank.label, anchor="end"))
        body.append(_line(x(rank.low), middle, x(rank.high), middle, BAR, 3))
        body.append(f'<circle cx="{_f(x(rank.rank))}" cy="{_f(middle)}" r="5" fill="{INK}"/>')
        text = f"第 {rank.rank} 名（{rank.low}–{rank.high}）"
        body.append(_text(label_width + plot_width + 10, middle + 4, text, size=11))
        described.append(f"{rank.label} {text}")
    return _svg(width, height, "满意率排名区间", "；".join(described), body)
