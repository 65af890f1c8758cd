"""JSON, CSV and Excel exports: complete, recomputable, and faithful to the small-cell rules."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import shutil
import statistics
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from openpyxl import load_workbook

from questionnaires.scoring import ScoringRules
from reporting.export_csv import responses_csv, write_responses_csv
from reporting.export_json import report_json, report_to_dict, write_report_json
from reporting.export_xlsx import (
    FULL_PAIR_TABLE_MAX_BASES,
    HIDDEN_TEXT,
    OVERVIEW_BLOCKS,
    OVERVIEW_HEADERS,
    OVERVIEW_SHEET,
    TESTS_SHEET,
    base_sheet_title,
    report_xlsx,
    write_report_xlsx,
)
from reporting.inputs import ClassInput
from reporting.model import Report
from reporting.report import build_report
from tests.helpers import require_command
from tests.reporting.builders import PLAN, teaching_answers

MakeClass = Callable[..., ClassInput]


@pytest.fixture
def programme(make_class: MakeClass) -> tuple[list[ClassInput], Report]:
    classes = [
        make_class(f"c{i:02d}", f"第{i:02d}基地", 40 + i, project=i + 1, seed=i, shift=0.05 * i)
        for i in range(6)
    ]
    classes.append(make_class("small", "第00基地", 3, project=1, seed=50))
    classes.append(make_class("low", "第03基地", 12, project=4, seed=51, invited=40))
    return classes, build_report(classes)


def test_json_is_valid_complete_and_keyed_by_questionnaire_ids(
    programme: tuple[list[ClassInput], Report], satisfaction_rules: ScoringRules
) -> None:
    _, report = programme
    data = json.loads(report_json(report))
    assert data["k"] == 5
    assert data["questionnaire"] == "satisfaction"
    fields = {i.field for d in satisfaction_rules.dimensions for i in d.items}
    assert set(data["items"]) == fields
    content = data["dimensions"]["content"]
    assert content["items"] == [
        "content.needs",
        "content.frontier",
        "content.practice",
        "content.overlap",
    ]
    assert content["reversed"] == ["content.overlap"]
    bases = {b["id"]: b for b in data["programme"]["bases"]}
    assert list(bases) == [f"第{i:02d}基地" for i in range(6)]
    first = bases["第00基地"]
    classes_json = {c["id"]: c for c in first["classes"]}
    small = classes_json["small"]
    assert small["suppressed"] == {"code": "below_k", "reason": "回答人数少于 5，不予显示"}
    assert small["overall_score"]["value"] is None
    assert all(item["mean"] is None for item in small["items"].values())
    assert small["participation"]["responded"] == 3
    # The primary indicator leads every group object; reversed items are marked for readers.
    assert next(iter(k for k in first if k not in ("level", "id", "name", "projects",
                                                  "versions"))) == "primary"  # fmt: skip
    assert first["primary"]["item"] == "overall"
    assert first["primary"]["label"] == "满意率"
    assert data["items"]["content.overlap"]["shown_label"].endswith("（反向题）")
    assert not data["items"]["content.needs"]["shown_label"].endswith("（反向题）")
    # Every measure has its own id: the overall score is not the dimension called "overall".
    assert {"primary", "response_rate", "overall_score", "dimension.overall"} <= set(
        data["measures"]
    )
    measures = [t["measure"] for t in data["comparison"]["tests"]]
    assert len(measures) == len(set(measures))
    assert all(
        t.keys() >= {"kruskal_wallis"} and "pairs" not in t for t in data["comparison"]["tests"]
    )
    comparison = data["comparison"]
    assert comparison["primary_item"] == "overall"
    assert comparison["funnel"]["overdispersion"].keys() >= {"phi", "tau", "tau2", "p", "chi2"}
    assert comparison["response_funnel"]["measure"] == "response_rate"
    assert comparison["prior"]["alpha"] > 0
    assert [b["base"] for b in comparison["bases"]] == list(bases)
    assert all(pair["measure"] == "primary" for pair in comparison["pairs"])
    assert data["score_dimensions"] == [d.id for d in satisfaction_rules.dimensions[:6]]


def test_a_figure_can_be_recomputed_from_the_csv_using_the_json_definitions(
    programme: tuple[list[ClassInput], Report],
) -> None:
    classes, report = programme
    data = report_to_dict(report)
    rows = list(csv.DictReader(io.StringIO(responses_csv(classes, report))))
    # The dimension score of a shown class, from the CSV and the dimension's item list alone.
    dimension = data["dimensions"]["management"]
    class_rows = [r for r in rows if r["class_id"] == "c02"]
    scores = []
    for row in class_rows:
        values = []
        for key in dimension["items"]:
            if row[key]:
                raw = int(row[key])
                info = data["items"][key]
                values.append(
                    info["minimum"] + info["maximum"] - raw if key in dimension["reversed"] else raw
                )
        scores.append(statistics.fmean(values))
    figure = data["programme"]["bases"][2]["classes"][0]["dimensions"]["management"]["score"]
    assert figure["mean"] == pytest.approx(statistics.fmean(scores))
    assert figure["n"] == len(scores)


def test_csv_has_no_free_text_no_hidden_class_and_a_content_order(
    programme: tuple[list[ClassInput], Report], tmp_path: Path
) -> None:
    classes, report = programme
    text = responses_csv(classes, report)
    assert "这段文字绝不能出现在导出文件中" not in text
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    assert header[:3] == ["class_id", "project", "base"]
    by_id = {c.class_id: c for c in classes}
    for row in rows[1:]:
        assert row[1:3] == [str(by_id[row[0]].project), by_id[row[0]].base]
    assert "suggestions" not in header
    assert "gains" not in header
    assert {"recommend", "dissatisfied", "overall"} <= set(header)
    ids = {row[0] for row in rows[1:]}
    # "small" (3 responses) and the class hidden with it are left out.
    hidden = {
        c.id for b in report.programme.children for c in b.children if c.suppression is not None
    }
    assert "small" in hidden
    assert ids.isdisjoint(hidden)
    assert len(rows) - 1 == sum(len(c.answers) for c in classes if c.class_id not in hidden)
    body = rows[1:]
    for class_id in ids:
        part = [r for r in body if r[0] == class_id]
        assert part == sorted(part)
    path = tmp_path / "responses.csv"
    write_responses_csv(classes, report, path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")


def test_csv_blanks_answers_whose_class_figure_is_withheld(make_class: MakeClass) -> None:
    data = make_class("A", "甲基地", 30, seed=5)
    trimmed = [dict(a) for a in data.answers]
    for answers in trimmed[2:]:
        answers.pop("logistics.catering", None)
    classes = [
        ClassInput("A", 1, "甲基地", 50, 30, data.version, trimmed, data.rules),
        make_class("B", "甲基地", 30, seed=6),
        make_class("C", "甲基地", 30, seed=7),
    ]
    report = build_report(classes)
    rows = list(csv.DictReader(io.StringIO(responses_csv(classes, report))))
    catering = [r["logistics.catering"] for r in rows if r["class_id"] == "A"]
    assert catering == [""] * 30
    assert any(r["content.needs"] for r in rows if r["class_id"] == "A")


def _charts(sheet: object) -> list[object]:
    # openpyxl keeps a sheet's charts in a private list; reading them back is the only check.
    charts: list[object] = getattr(sheet, "_charts", [])
    return charts


def _find_row(sheet: Any, column: int, value: str) -> int:
    for row in range(1, sheet.max_row + 1):
        if sheet.cell(row, column).value == value:
            return row
    raise AssertionError(f"{value!r} not found in column {column} of {sheet.title}")


def test_workbook_numbers_match_the_json_report(
    programme: tuple[list[ClassInput], Report], tmp_path: Path
) -> None:
    _, report = programme
    data = report_to_dict(report)
    path = tmp_path / "report.xlsx"
    write_report_xlsx(report, path)
    workbook = load_workbook(path)
    overview = workbook[OVERVIEW_SHEET]
    header = _find_row(overview, 2, "承训基地")
    headers = [overview.cell(header, c).value for c in range(1, overview.max_column + 1)]
    column = {label: i + 1 for i, label in enumerate(headers) if label}
    for base in data["programme"]["bases"]:
        row = _find_row(overview, 2, base["name"])
        participation = base["participation"]
        assert overview.cell(row, column["邀请人数"]).value == participation["invited"]
        assert overview.cell(row, column["回答人数"]).value == participation["responded"]
        assert overview.cell(row, column["回答率"]).value == pytest.approx(participation["rate"])
        assert overview.cell(row, column["回答率"]).number_format == "0.0%"
        overall = base["overall_score"]["value"]
        cell = overview.cell(row, column["总体得分"])
        if base["suppressed"] is None:
            assert cell.value == pytest.approx(overall["mean"])
            assert cell.number_format == "0.00"
            rate = base["primary"]["value"]
            assert rate == base["satisfaction"]["overall"]["value"]
            assert overview.cell(row, column["满意率（主要指标）"]).value == pytest.approx(
                rate["rate"]
            )
            assert overview.cell(row, column["满意率下限"]).value == pytest.approx(rate["low"])
            bounds = base["primary"]["nonresponse_bounds"]
            assert overview.cell(row, column["满意率最坏情形下界"]).value == pytest.approx(
                bounds["low"]
            )
        else:
            assert cell.value == HIDDEN_TEXT
            assert cell.comment is not None
            assert cell.comment.text == base["suppressed"]["reason"]
    # The comparison's shrunken estimates and rank intervals, row by row.
    for entry in data["comparison"]["bases"]:
        row = _find_row(overview, 2, entry["base"])
        shrunken = entry["shrunken"]
        if shrunken is not None:
            assert overview.cell(row, column["收缩估计"]).value == pytest.approx(
                shrunken["estimate"]
            )
            assert overview.cell(row, column["收缩估计上限"]).value == pytest.approx(
                shrunken["high"]
            )
        if entry["rank"] is not None:
            rank = entry["rank"]
            assert overview.cell(row, column["排名"]).value == rank["rank"]
            assert overview.cell(row, column["排名区间"]).value == f"{rank['low']}–{rank['high']}"
        if entry["note"] is not None:
            assert entry["note"] in str(overview.cell(row, column["说明"]).value)
        interval = entry["response_rate"]["interval"]
        assert overview.cell(row, column["回答率下限"]).value == pytest.approx(interval["low"])
    # 第03基地 answered (43 + 12) / 90 = 61 %: no mark on the base; its class "low" (12 of 40)
    # is marked on the base's sheet.
    low = _find_row(overview, 2, "第03基地")
    assert overview.cell(low, column["回答率提示"]).value is None
    base_sheet = workbook["第03基地"]
    assert (
        base_sheet.cell(_find_row(base_sheet, 1, "low"), 8).value == "回答率低于 50%，结果仅供参考"
    )

    tests = workbook[TESTS_SHEET]
    for test in data["comparison"]["tests"]:
        row = _find_row(tests, 1, test["label"])
        kruskal = test["kruskal_wallis"]
        assert tests.cell(row, 3).value == pytest.approx(kruskal["h"])
        assert tests.cell(row, 5).value == pytest.approx(kruskal["p"])
        assert tests.cell(row, 6).value == pytest.approx(kruskal["epsilon_squared"])
    # Pairwise tests for the primary indicator only: one row per pair, nothing else pairwise.
    pair_header = _find_row(tests, 1, "基地甲")
    pair_rows = [r for r in range(pair_header + 1, tests.max_row + 1) if tests.cell(r, 1).value]
    assert len(pair_rows) == len(data["comparison"]["pairs"])
    for r, pair in zip(pair_rows, data["comparison"]["pairs"], strict=True):
        assert (tests.cell(r, 1).value, tests.cell(r, 2).value) == (pair["first"], pair["second"])
        assert tests.cell(r, 5).value == pytest.approx(pair["p_holm"])
    cells = [str(c.value) for line in tests.iter_rows() for c in line if c.value]
    assert not any("Dunn" in c or "Cliff" in c for c in cells)
    # The funnel sheet states φ and τ of both funnels.
    funnel_cells = [
        str(c.value) for line in workbook["漏斗图"].iter_rows() for c in line if c.value
    ]
    dispersion = data["comparison"]["funnel"]["overdispersion"]
    assert any(f"φ = {dispersion['phi']:.2f}" in c for c in funnel_cells)
    assert "回答率漏斗图（Spiegelhalter 2005，考虑过度离散）" in funnel_cells

    taken: set[str] = set(workbook.sheetnames[:7])
    for base in data["programme"]["bases"]:
        sheet = workbook[base_sheet_title(base["name"], taken)]
        for dimension_id, figure in base["dimensions"].items():
            label = data["dimensions"][dimension_id]["label"]
            row = _find_row(sheet, 1, label)
            if figure["score"] is not None:
                assert sheet.cell(row, 3).value == pytest.approx(figure["score"]["mean"])
                if figure["alpha"] is not None:
                    assert sheet.cell(row, 6).value == pytest.approx(figure["alpha"]["alpha"])
            else:
                assert sheet.cell(row, 3).value == HIDDEN_TEXT
    # Native charts are present in the overview, funnel, ranks and base sheets.
    for name in (OVERVIEW_SHEET, "漏斗图", "排名区间", "第01基地"):
        assert _charts(workbook[name]), name
    # The Excel rank chart draws bars only: its caption must not send a reader looking for dots
    # (the web page's chart has them, and its caption says so).
    ranks_text = "".join(str(c.value) for row in workbook["排名区间"].iter_rows() for c in row)
    assert "横条" in ranks_text
    assert "圆点" not in ranks_text


def test_workbook_marks_a_low_response_rate(make_class: MakeClass) -> None:
    report = build_report(
        [make_class("A", "甲基地", 10, invited=40), make_class("B", "乙基地", 30)]
    )
    workbook = load_workbook(io.BytesIO(report_xlsx(report)))
    overview = workbook[OVERVIEW_SHEET]
    row = _find_row(overview, 2, "甲基地")
    header = _find_row(overview, 2, "承训基地")
    headers = [overview.cell(header, c).value for c in range(1, overview.max_column + 1)]
    mark = overview.cell(row, headers.index("回答率提示") + 1).value
    assert mark == "回答率低于 50%，结果仅供参考"


def test_teaching_workbook_and_json(teaching_rules: ScoringRules) -> None:
    rng = np.random.default_rng(4)
    data = ClassInput(
        "T", 1, "甲基地", 30, 30, teaching_rules.version,
        teaching_answers(teaching_rules, 30, rng), teaching_rules, PLAN,
    )  # fmt: skip
    report = build_report([data])
    exported = json.loads(report_json(report))
    klass = exported["programme"]["bases"][0]["classes"][0]
    courses = {c["course"]: c for c in klass["teaching"]["courses"]}
    assert courses["c02"]["teacher"] == "李老师"
    assert "teaching.c02.delivery" in courses["c02"]["items"]
    assert klass["practical"]["share"] == pytest.approx(28 / 42)
    assert exported["items"]["teaching.*.delivery"]["matrix"] is True
    workbook = load_workbook(io.BytesIO(report_xlsx(report)))
    sheet = workbook["甲基地"]
    row = _find_row(sheet, 1, "数控编程实训")
    assert sheet.cell(row, 6).value == pytest.approx(courses["c02"]["score"]["mean"])


def test_base_sheet_titles_are_valid_and_unique() -> None:
    taken: set[str] = set()
    long_name = "某某省某某市职业技术大学（国家级双师型教师培训基地）第二校区"
    first = base_sheet_title(long_name, taken)
    second = base_sheet_title(long_name, taken)
    assert len(first) <= 31
    assert len(second) <= 31
    assert first != second
    assert base_sheet_title("a/b:c*d?[e]", taken) == "a_b_c_d__e_"


def test_write_json_to_a_path(programme: tuple[list[ClassInput], Report], tmp_path: Path) -> None:
    _, report = programme
    path = tmp_path / "report.json"
    write_report_json(report, path)
    assert json.loads(path.read_text(encoding="utf-8")) == report_to_dict(report)
    assert not any(isinstance(v, float) and math.isnan(v) for v in _leaves(report_to_dict(report)))


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _leaves(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in _leaves(v)]
    return [value]


@pytest.mark.serial  # a second soffice on the same profile would hand its work to the first
def test_workbook_opens_in_libreoffice(
    programme: tuple[list[ClassInput], Report], tmp_path: Path
) -> None:
    _soffice_or_skip()
    _, report = programme
    path = tmp_path / "report.xlsx"
    write_report_xlsx(report, path)
    assert _to_pdf(path).startswith(b"%PDF")


def test_large_comparisons_list_only_significant_pairs_in_excel(make_class: MakeClass) -> None:
    classes = [
        make_class(f"c{i}", f"基地{i:02d}", 30, project=i + 1, seed=i, shift=(i % 3) * 0.8 - 0.8)
        for i in range(FULL_PAIR_TABLE_MAX_BASES + 1)
    ]
    report = build_report(classes)
    pairs = report.comparison.pairs
    assert len(pairs) == (FULL_PAIR_TABLE_MAX_BASES + 1) * FULL_PAIR_TABLE_MAX_BASES // 2
    significant = [p for p in pairs if p.p_holm < 0.05]
    assert 0 < len(significant) < len(pairs)
    sheet = load_workbook(io.BytesIO(report_xlsx(report)))[TESTS_SHEET]
    header = _find_row(sheet, 1, "基地甲")
    rows = [
        (sheet.cell(r, 1).value, sheet.cell(r, 2).value)
        for r in range(header + 1, sheet.max_row + 1)
        if sheet.cell(r, 1).value
    ]
    assert rows == [(p.first, p.second) for p in significant]
    assert any(
        "完整的两两比较见 JSON 导出" in str(sheet.cell(r, 1).value) for r in range(1, header)
    )


def _pdf_pages(pdf: bytes) -> int:
    # Page objects, not the /Pages tree nodes: the PDF LibreOffice writes is not compressed
    # at that level, so no PDF library is needed to count them.
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def _to_pdf(path: Path) -> bytes:
    """``path`` printed to PDF by LibreOffice, with a profile of its own beside the file."""
    result = subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(path.parent), str(path)],
        capture_output=True,
        timeout=240,
        check=False,
        env={"HOME": str(path.parent), "PATH": "/usr/bin:/bin:/usr/local/bin"},
    )
    assert result.returncode == 0, result.stderr
    return path.with_suffix(".pdf").read_bytes()


def _soffice_or_skip() -> None:
    require_command(
        "soffice",
        "LibreOffice (soffice) is not installed (apt-get install libreoffice-calc-nogui)",
        "SURVEY_REQUIRE_LIBREOFFICE",
    )


def test_workbook_print_setup_and_chinese_notes(
    programme: tuple[list[ClassInput], Report],
) -> None:
    _, report = programme
    workbook = load_workbook(io.BytesIO(report_xlsx(report)))
    for sheet in workbook.worksheets:
        assert sheet.page_setup.orientation == "landscape", sheet.title
        if sheet.sheet_properties.pageSetUpPr.fitToPage:
            assert sheet.page_setup.fitToWidth == 1, sheet.title
        else:  # a fixed scale: the overview's column blocks, below; the pages of the items
            assert sheet.page_setup.scale >= 70, sheet.title
        # No page break runs through a chart, and a break comes before each one.
        breaks = [b.id for b in sheet.row_breaks.brk]
        for chart in sheet._charts:
            top = chart.anchor._from.row + 1  # 1-based row of the chart's top edge
            bottom = top + math.ceil(chart.height / 0.53)
            assert not [b for b in breaks if top <= b < bottom], sheet.title
            assert [b for b in breaks if b < top], sheet.title
    # The 30 columns of the overview print in three blocks, each a page wide at one legible
    # scale (fitted to one page width they came out at 45 %), 序号 and 承训基地 on every page.
    overview = workbook[OVERVIEW_SHEET]
    assert not overview.sheet_properties.pageSetUpPr.fitToPage
    assert overview.page_setup.scale >= 70
    assert [b.id for b in overview.col_breaks.brk] == [13, 22]
    assert overview.print_title_cols == "$A:$B"
    assert overview.page_setup.pageOrder == "overThenDown"
    # Its charts stand right of the repeated columns, or every block's page would show them.
    assert all(chart.anchor._from.col >= 2 for chart in overview._charts)
    # Chart helper columns are hidden, yet drawn.
    funnel = workbook["漏斗图"]
    assert funnel.column_dimensions["L"].hidden
    assert funnel.column_dimensions["S"].hidden
    assert not funnel.column_dimensions["A"].hidden
    assert workbook["排名区间"].column_dimensions["L"].hidden
    assert workbook[OVERVIEW_SHEET].column_dimensions["AG"].hidden
    # The notes sheet speaks Chinese: no export keys, no English questionnaire id.
    notes = [str(c.value) for row in workbook["说明"].iter_rows() for c in row if c.value]
    text = "\n".join(notes)
    assert "满意度调查" in text
    for key in ("satisfaction", "item_score", "top_two", "funnel", "nonresponse_bounds", "nps"):
        assert key not in text
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text)
    assert "回收率" not in text
    assert "应答人数" not in text
    for term in ("Wilson", "经验贝叶斯", "排名区间", "漏斗图", "Kruskal–Wallis", "Holm", "Manski"):
        assert term in text
    # The tests sheet says in words which pairs differ.
    tests = "\n".join(
        str(c.value) for row in workbook[TESTS_SHEET].iter_rows() for c in row if c.value
    )
    assert "总体得分：" in tests
    assert "明显高于" in tests or "没有哪两个基地" in tests


@pytest.mark.serial  # a second soffice on the same profile would hand its work to the first
def test_workbook_prints_one_block_per_page(make_class: MakeClass, tmp_path: Path) -> None:
    """Printed through LibreOffice, the workbook of 4 bases takes exactly one page per block: a
    block that spilled over or was cut would add a page. Before the print setup it took 45
    portrait pages with tables and charts cut; the bound is 17 + 4 per base (说明 one page;
    three for the dimension scores in blocks of three dimensions and one for α; two each for
    the tests and the pairs, the ranks and their chart; three for the overview's column blocks
    and one for its charts; four for the two funnels and their charts; per base, its tables,
    its chart and its items with their question text wrapped, on two pages). Each page of the
    overview holds one whole block of columns beside every base's name, and each page of a
    base's items its header."""
    _soffice_or_skip()
    names = ["北京师范大学", "陕西科技大学", "天津职业技术师范大学", "浙江工业大学"]
    classes = [
        make_class(f"c{i}", name, 45 + 3 * i, project=i + 1, seed=i, shift=0.3 * i - 0.5,
                   invited=60)
        for i, name in enumerate(names)
    ]  # fmt: skip
    report = build_report(classes)
    path = tmp_path / "report.xlsx"
    write_report_xlsx(report, path)
    workbook = load_workbook(path)
    # A column break adds a page beside the table only: the charts below stand in its first block.
    blocks = sum(
        len(sheet.row_breaks.brk) + 1 + len(sheet.col_breaks.brk) for sheet in workbook.worksheets
    )
    pdf = _to_pdf(path)
    pages = _pdf_pages(pdf)
    assert pages == blocks
    assert pages <= 17 + 4 * len(names)
    if shutil.which("pdftotext") is not None:
        texts = subprocess.run(
            ["pdftotext", "-raw", "-enc", "UTF-8", str(tmp_path / "report.pdf"), "-"],
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout.decode("utf-8")
        # Without white space: a header wraps inside its cell.
        pages_text = [re.sub(r"\s+", "", page) for page in texts.split("\f")]
        overview = [page for page in pages_text if page.startswith(OVERVIEW_SHEET)]
        for page, (first, last) in zip(overview, OVERVIEW_BLOCKS, strict=False):
            assert all(name in page for name in names)
            for column in (first, last):
                assert OVERVIEW_HEADERS[column - 1] in page
        assert len(overview) == len(OVERVIEW_BLOCKS) + 1  # and a page of its two charts
        # Every page with a row of items, the first question's or the last's, has the header.
        item_pages = [page for page in pages_text if "（反向题）" in page or "满意程度如何" in page]
        assert len(item_pages) >= len(names)
        assert all("前两档占比" in page and "选5人数" in page for page in item_pages)
    if shutil.which("pdftoppm") is None:
        return  # the pages as images are a check for the eye; the count above is the rule
    subprocess.run(
        ["pdftoppm", "-r", "30", "-png", str(tmp_path / "report.pdf"), str(tmp_path / "page")],
        check=True,
        timeout=120,
    )
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == pages
    assert all(image.read_bytes().startswith(b"\x89PNG") for image in images)


def _wrapped_lines(text: str, width: float) -> int:
    """Lines of ``text`` in a column ``width`` characters wide, as Excel wraps Chinese: a CJK
    character is two characters wide, and a character's width goes to the cell's padding."""
    units = sum(2 if ch >= "\u2e80" else 1 for ch in text)
    return max(1, -(-units // int(width - 2)))


def test_workbook_shows_questions_not_item_ids_and_fits_wrapped_text(
    programme: tuple[list[ClassInput], Report],
) -> None:
    """A reader sees the question as asked, never an item id like ``content.needs``; headers
    and question texts wrap, and every row is tall enough for its wrapped lines, so nothing
    is cut on paper."""
    _, report = programme
    workbook = load_workbook(io.BytesIO(report_xlsx(report)))
    item_id = re.compile(r"\b[a-z_]+\.[a-z_*]+\b")
    for sheet in workbook.worksheets:
        hidden = {
            letter for letter, dimension in sheet.column_dimensions.items() if dimension.hidden
        }
        for row in sheet.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str) or cell.column_letter in hidden:
                    continue
                assert not item_id.search(cell.value), (sheet.title, cell.coordinate)
                if not cell.alignment.wrap_text or cell.coordinate in sheet.merged_cells:
                    continue
                width = sheet.column_dimensions[cell.column_letter].width
                height = sheet.row_dimensions[cell.row].height
                assert height is not None, (sheet.title, cell.coordinate)
                assert height >= 15 * _wrapped_lines(cell.value, width), (
                    sheet.title,
                    cell.coordinate,
                )
    base = workbook["第01基地"]
    header = _find_row(base, 1, "题目")
    labels = [base.cell(header, c).value for c in range(1, base.max_column + 1)]
    assert "题目编号" not in labels
    assert all(base.cell(header, c).alignment.wrap_text for c in range(1, len(labels) + 1))
    questions = [
        base.cell(r, 1) for r in range(header + 1, base.max_row + 1) if base.cell(r, 1).value
    ]
    assert len(questions) == len(report.items)
    texts = {info.marked_label for info in report.items}
    assert all(cell.value in texts and cell.alignment.wrap_text for cell in questions)
    # The items are the sheet's last block: their header heads each of their pages.
    assert base.print_title_rows in (None, f"${header}:${header}")
    assert all(b.id >= header for b in base.row_breaks.brk[-1:])
    overview = workbook[OVERVIEW_SHEET]
    assert not any(str(c.value) == "NPS" for row in overview.iter_rows() for c in row)
