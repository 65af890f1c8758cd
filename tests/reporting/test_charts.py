"""SVG charts: well-formed, self-contained, Chinese labels through local fonts, right content."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest

from reporting.charts import (
    FONT_FAMILY,
    dimension_profile_svg,
    fit,
    funnel_svg,
    nice_ticks,
    rank_intervals_svg,
    text_width,
)
from reporting.inputs import ClassInput
from reporting.model import Report
from reporting.report import build_report

SVG = "{http://www.w3.org/2000/svg}"
MakeClass = Callable[..., ClassInput]


@pytest.fixture
def report(make_class: MakeClass) -> Report:
    classes = [
        make_class(f"c{i}", f"基地{i}", 50, project=i + 1, seed=i, shift=0.06 * (i - 4))
        for i in range(9)
    ]
    classes.append(make_class("low", "问题基地", 50, project=20, seed=77, shift=-1.6))
    classes.append(make_class("tiny", "小基地", 3, project=21, seed=78))
    return build_report(classes)


def _check_self_contained(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("font-family") == FONT_FAMILY
    assert FONT_FAMILY.endswith("sans-serif")
    for element in root.iter():
        tag = element.tag.removeprefix(SVG)
        assert tag not in {"script", "image", "foreignObject", "style", "use"}
        for name, value in element.attrib.items():
            assert "href" not in name
            assert "url(" not in value
    assert "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in svg
    assert "@font-face" not in svg
    assert root.find(f"{SVG}title") is not None
    assert root.find(f"{SVG}desc") is not None
    return root


def _texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def test_funnel_svg_plots_every_shown_base_and_names_those_outside(report: Report) -> None:
    root = _check_self_contained(funnel_svg(report))
    funnel = report.comparison.funnel
    assert funnel is not None
    circles = list(root.iter(f"{SVG}circle"))
    assert len(circles) == len(funnel.points)
    titles = ["".join(c.itertext()) for c in circles]
    assert any("问题基地：" in t for t in titles)
    assert not any("小基地" in t for t in titles)  # hidden base is not drawn
    texts = _texts(root)
    assert "满意率漏斗图" in texts
    assert any(t.startswith("超出 99.8% 控制限（红色）：") and "问题基地" in t for t in texts)
    # Every point is numbered beside it and named, with its rate and n, in the legend.
    for number, point in enumerate(funnel.points, start=1):
        assert str(number) in texts
        assert f"{number}. {point.label} {point.rate:.1%}（{point.n}）" in texts
    # φ, the test and τ are printed with the plot.
    dispersion = funnel.dispersion
    assert dispersion is not None
    assert any(
        f"φ = {dispersion.phi:.2f}" in t and f"p = {dispersion.pvalue:.3g}" in t for t in texts
    )
    assert len(list(root.iter(f"{SVG}polyline"))) == 4


def test_response_rate_funnel_svg_has_every_base(report: Report) -> None:
    root = _check_self_contained(funnel_svg(report, "response_rate"))
    funnel = report.comparison.response_funnel
    assert funnel is not None
    assert len(list(root.iter(f"{SVG}circle"))) == len(funnel.points)
    texts = _texts(root)
    assert "回答率漏斗图" in texts
    assert "回收率漏斗图" not in texts
    assert any("括号内为邀请人数" in t for t in texts)


def test_funnel_point_positions_follow_rate_and_n(report: Report) -> None:
    root = ET.fromstring(funnel_svg(report))
    funnel = report.comparison.funnel
    assert funnel is not None
    positions = {
        "".join(c.itertext()).split("：")[0].split(". ", 1)[1]: (
            float(c.get("cx", 0)),
            float(c.get("cy", 0)),
        )
        for c in root.iter(f"{SVG}circle")
    }
    by_rate = sorted(funnel.points, key=lambda p: p.rate)
    # Higher rates are drawn higher (smaller y).
    ys = [positions[p.label][1] for p in by_rate]
    assert ys == sorted(ys, reverse=True)


def test_rank_svg_lists_bases_best_first_with_their_intervals(report: Report) -> None:
    root = _check_self_contained(rank_intervals_svg(report))
    texts = _texts(root)
    ranks = sorted(
        (row.rank for row in report.comparison.rows if row.rank is not None),
        key=lambda r: (r.rank, r.label),
    )
    assert ranks
    labels = [t for t in texts if t in {r.label for r in ranks}]
    assert labels == [r.label for r in ranks]
    for rank in ranks:
        assert f"第 {rank.rank} 名（{rank.low}–{rank.high}）" in texts


def test_profile_svg_shows_scores_and_marks_a_hidden_base(report: Report) -> None:
    root = _check_self_contained(dimension_profile_svg(report, "基地3"))
    texts = _texts(root)
    base = report.base("基地3")
    assert base is not None
    for info in report.dimensions:
        assert info.label in texts
        figures = base.dimension(info.id)
        assert figures is not None
        assert figures.score is not None
        assert any(t.startswith(f"{figures.score.mean:.2f}") for t in texts)
    # Inlined in a page, each bar tells its dimension, score and the programme's as a tooltip.
    tooltips = [
        g.findtext(f"{SVG}title") or ""
        for g in root.iter(f"{SVG}g")
        if g.find(f"{SVG}title") is not None
    ]
    assert len(tooltips) == len(report.dimensions)
    for info, tooltip in zip(report.dimensions, tooltips, strict=True):
        mine, overall = base.dimension(info.id), report.programme.dimension(info.id)
        assert mine is not None
        assert mine.score is not None
        assert overall is not None
        assert overall.score is not None
        assert tooltip.startswith(f"{info.label}：本基地 {mine.score.mean:.2f}（")
        assert tooltip.endswith(f"，全项目 {overall.score.mean:.2f}")
    hidden = _check_self_contained(dimension_profile_svg(report, "小基地"))
    assert any("不予显示" in t and "回答人数少于 5" in t for t in _texts(hidden))
    assert not list(hidden.iter(f"{SVG}rect"))[1:]  # only the background
    with pytest.raises(ValueError, match="no base"):
        dimension_profile_svg(report, "不存在")


def test_escaping_of_names(make_class: MakeClass) -> None:
    report = build_report([make_class("a", "A&B<基地>", 30), make_class("b", "乙", 30, shift=-2)])
    svg = (
        dimension_profile_svg(report, "A&B<基地>") + funnel_svg(report) + rank_intervals_svg(report)
    )
    for part in re.split(r"(?=<svg )", svg)[1:]:
        ET.fromstring(part)
    assert "A&amp;B&lt;基地&gt;" in svg


def test_nice_ticks() -> None:
    assert nice_ticks(0, 54) == [0, 20, 40]  # step ≥ 54 / 5
    assert nice_ticks(0, 54, 6) == [0, 10, 20, 30, 40, 50]
    assert nice_ticks(0.45, 1.0, 8) == pytest.approx([0.5, 0.6, 0.7, 0.8, 0.9, 1.0])
    assert nice_ticks(3, 3) == [3]


def _extent(text: ET.Element) -> tuple[float, float]:
    x, size = float(text.get("x", 0)), float(text.get("font-size", 12))
    width = text_width("".join(text.itertext()), size)
    anchor = text.get("text-anchor", "start")
    start = x - width if anchor == "end" else x - width / 2 if anchor == "middle" else x
    return start, start + width


def _assert_texts_inside(svg: str) -> None:
    root = ET.fromstring(svg)
    width, height = float(root.get("width", 0)), float(root.get("height", 0))
    for text in root.iter(f"{SVG}text"):
        start, end = _extent(text)
        content = "".join(text.itertext())
        assert start >= 0, content
        assert end <= width, content
        assert float(text.get("font-size", 12)) <= float(text.get("y", 0)) <= height, content


def test_text_width_errs_wide() -> None:
    # A CJK character is one em wide in CJK faces; digits and Latin letters are narrower.
    assert text_width("北京师范大学", 12) == 72
    assert text_width("p = 0.004", 10) == pytest.approx(54)
    assert fit("北京师范大学", 12, 1000) == "北京师范大学"
    assert fit("北京师范大学", 12, 40) == "北京…"
    assert text_width(fit("北京师范大学", 12, 40), 12) <= 40


def test_every_label_stays_inside_the_charts_with_long_names(make_class: MakeClass) -> None:
    long_name = "新疆维吾尔自治区职业技术教育师资培养培训基地（第{}分中心）"
    classes = [
        make_class(f"c{i}", long_name.format(i), 20 + 7 * i, project=i + 1, seed=i,
                   shift=0.08 * (i - 6) - (1.5 if i == 11 else 0))
        for i in range(12)
    ]  # fmt: skip
    report = build_report(classes)
    funnel = report.comparison.funnel
    assert funnel is not None
    assert funnel.outside(998)  # the biggest base, far below: its label sits at the right edge
    charts = [
        funnel_svg(report),
        funnel_svg(report, "response_rate"),
        rank_intervals_svg(report),
        dimension_profile_svg(report, long_name.format(3)),
    ]
    for svg in charts:
        _assert_texts_inside(svg)
    root = ET.fromstring(charts[0])
    # Names cut for room keep the full name in the point's and the entry's tooltip.
    titles = ["".join(t.itertext()) for t in root.iter(f"{SVG}title")]
    for point in funnel.points:
        assert any(point.label in t for t in titles)


def test_charts_inlined_together_have_distinct_ids(report: Report) -> None:
    page = funnel_svg(report) + funnel_svg(report, "response_rate") + rank_intervals_svg(report)
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == 6
    assert len(set(ids)) == 6
