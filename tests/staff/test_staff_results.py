"""Result pages and reports built on ``reporting``: a class's and a base's results after the
class closes, the ministry's comparison and its Excel export, the same over the API."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from reporting.wording import CHART_CAPTIONS
from survey.services.credentials import set_base_slips
from survey.staff.models import AuditEntry
from survey.timezone import now, today_local
from survey.windows import close_class
from tests.staff.builders import submit_for
from tests.staff.conftest import StaffWorld


@pytest.fixture
def results_world(world: StaffWorld) -> StaffWorld:
    """Class B: six answers, class A: five, both closed."""
    submit_for(world.db, world.secret, world.class_b, world.trainees_b)
    submit_for(world.db, world.secret, world.class_a, world.trainees_a[:5])
    close_class(world.db, world.secret, world.class_b, today_local(), k=5)
    close_class(world.db, world.secret, world.class_a, today_local(), k=5)
    return world


def test_class_and_base_results_for_the_base(results_world: StaffWorld) -> None:
    world = results_world
    with world.client("base-b") as client:
        page = client.get(f"/staff/classes/{world.class_b}/results").text
        assert "满意度调查" in page
        assert "评教" in page
        assert "总体得分" in page
        assert "各维度" in page
        assert "邀请 6 人，回答 6 人，回答率 100%" in page
        base = client.get(f"/staff/bases/{world.base_b}/results").text
        # The dimension profile is inlined, so that each bar's tooltip shows, and captioned.
        assert "<img" not in base
        assert base.count("<svg") == 2  # one per questionnaire
        tooltips = re.findall(r"<g><title>([^<]+)</title>", base)
        assert tooltips
        assert all("：本基地 " in tip and "，全项目 " in tip for tip in tooltips)
        assert base.count(f"<figcaption>{CHART_CAPTIONS['profile']}</figcaption>") == 2
        assert "style=" not in base
        home = client.get(f"/staff/bases/{world.base_b}").text
        assert "查看本基地评价结果" in home


def test_figures_below_k_are_withheld(world: StaffWorld) -> None:
    submit_for(world.db, world.secret, world.class_a, world.trainees_a[:3])
    close_class(world.db, world.secret, world.class_a, today_local(), k=5)
    with world.client("base-a") as client:
        page = client.get(f"/staff/classes/{world.class_a}/results").text
    assert "邀请 12 人，回答 3 人，回答率 25%" in page
    assert "不予显示" in page or "少于 5" in page
    assert "总体得分（各维度得分的平均" not in page


def test_comparison_and_excel_export_for_the_ministry(results_world: StaffWorld) -> None:
    world = results_world
    with world.client("ministry") as client:
        page = client.get("/staff/results").text
        response = client.get("/staff/results")
        page = response.text
        assert "各承训基地：满意率与回答率" in page
        assert "回收率" not in page
        assert "收缩估计" in page
        assert "排名（95% 区间）" in page
        # Per questionnaire: the 满意率 funnel, the rank intervals and the response-rate funnel,
        # inlined so that the points' tooltips work, under a CSP that still forbids inline style.
        assert page.count('<svg xmlns="http://www.w3.org/2000/svg"') == 6
        assert "<img" not in page
        assert "style=" not in page
        assert "<style" not in page
        assert "<script" not in page.split("</header>", 1)[-1].replace('<script src="/', "")
        assert "style-src 'self';" in response.headers["content-security-policy"]
        assert "unsafe-inline" not in response.headers["content-security-policy"]
        # The two bases' 满意率 in plain words (one pair, no clear difference with 6 and 5
        # answers), the other scores likewise, a caption under each chart and the glossary.
        assert "在全部 1 对基地中，没有哪两个基地的满意率差别明显。" in page
        assert "总体得分：看不出 2 个基地之间有差别（p = " in page
        assert "Kruskal–Wallis 检验" in page
        assert page.count("<figcaption>每") == 6
        assert "术语说明" in page
        assert "<dt>95% 置信区间（Wilson 区间）</dt>" in page
        assert "H</th>" not in page
        assert "Dunn" not in page
        assert "Cliff" not in page
        response = client.get("/staff/results/satisfaction/xlsx")
        assert response.status_code == 200
        assert "attachment" in response.headers["content-disposition"]
        workbook = load_workbook(io.BytesIO(response.content))
        assert len(workbook.sheetnames) > 1
        assert client.get("/staff/results/other/xlsx").status_code == 404
    with world.db.read() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "report_export")
        ).one()
    assert entry.summary == "满意度调查（Excel）"


def test_reports_over_the_api(results_world: StaffWorld) -> None:
    world = results_world
    with world.client("ministry") as client:
        whole = client.get("/api/v1/reports/satisfaction").json()
        assert whole["level"] == "programme"
        assert "comparison" in whole["report"]
        assert client.get("/api/v1/reports/nonsense").status_code == 400
    with world.client("base-b") as client:
        base = client.get(f"/api/v1/reports/satisfaction/bases/{world.base_b}").json()
        assert base["level"] == "base"
        # A base gets its own figures, not the comparison with the other bases.
        assert "comparison" not in base["report"]
        assert "programme" not in base["report"]
        assert base["report"]["group"]["participation"]["invited"] == 6
        one = client.get(f"/api/v1/reports/teaching/classes/{world.class_b}").json()
        assert one["report"]["group"]["level"] == "class"
        assert one["report"]["group"]["id"] == str(world.class_b)


def test_reports_are_cached_until_something_changes(results_world: StaffWorld) -> None:
    world = results_world
    cache = world.app.state.reports
    with world.db.read() as session:
        from survey.programme.selection import select_programme

        programme_id = select_programme(session, None).id
    first = cache.report(world.db, programme_id, "satisfaction", 5)
    assert cache.report(world.db, programme_id, "satisfaction", 5) is first
    from survey.programme.models import TrainingClass

    with world.db.read() as session:
        other = session.scalars(
            select(TrainingClass.id).where(TrainingClass.state == "pending")
        ).first()
    from survey.timezone import now
    from survey.windows import open_class

    assert other is not None
    open_class(world.db, other, None, now())
    close_class(world.db, world.secret, other, today_local(), k=5)
    assert cache.report(world.db, programme_id, "satisfaction", 5) is not first


def test_the_printable_base_report_shows_participation_only_below_k(world: StaffWorld) -> None:
    submit_for(world.db, world.secret, world.class_a, world.trainees_a[:3])
    submit_for(world.db, world.secret, world.class_b, world.trainees_b)
    for class_id in (world.class_a, world.class_b):
        close_class(world.db, world.secret, class_id, today_local(), k=5)
    with world.client("base-a") as client:
        own = client.get(f"/staff/bases/{world.base_a}/report")
        assert own.status_code == 200
        assert "邀请 12 人，回答 3 人" in own.text
        assert "满意率（主要指标）" not in own.text
        assert "与全项目比较" not in own.text
        assert client.get(f"/staff/bases/{world.base_b}/report").status_code == 403
        assert client.get("/staff/results/report").status_code == 403
    with world.client("ministry") as client:
        every = client.get("/staff/results/report").text
    # Every base of the programme gets its sheet, in one document.
    assert every.count('class="report-sheet"') == len(
        set(re.findall(r"绩效评价报告：([^<]+)<", every))
    )
    assert every.count('class="report-sheet"') >= 2


def test_results_say_the_base_held_the_slips(world: StaffWorld) -> None:
    set_base_slips(world.db, "命令行（test）", world.class_b, True, now())
    set_base_slips(world.db, "命令行（test）", world.class_b, False, now())
    submit_for(world.db, world.secret, world.class_b, world.trainees_b)
    submit_for(world.db, world.secret, world.class_a, world.trainees_a[:5])
    close_class(world.db, world.secret, world.class_b, today_local(), k=5)
    close_class(world.db, world.secret, world.class_a, today_local(), k=5)
    with world.client("ministry") as client:
        page = client.get(f"/staff/classes/{world.class_b}/results").text
        other = client.get(f"/staff/classes/{world.class_a}/results").text
        workbook = load_workbook(io.BytesIO(client.get("/staff/results/satisfaction/xlsx").content))
        report = client.get(f"/api/v1/reports/satisfaction/classes/{world.class_b}").json()
        unmarked = client.get(f"/api/v1/reports/satisfaction/classes/{world.class_a}").json()
        classes = {c["id"]: c for c in client.get("/api/v1/classes").json()}
    assert 'id="base-held-slips"' in page
    assert 'id="base-held-slips"' not in other
    cells = [
        str(cell.value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]
    assert sum("（承训基地发放纸条）" in cell for cell in cells) >= 1
    assert report["report"]["group"]["name"].endswith("（承训基地发放纸条）")
    assert "承训基地发放纸条" not in unmarked["report"]["group"]["name"]
    assert classes[world.class_b]["base_held_slips"] is True
    assert classes[world.class_a]["base_held_slips"] is False
