"""``survey report`` end to end: submit known answers, close, and check the exported figures."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import pytest
from openpyxl import load_workbook

from anonymity.issuing import issue_tokens
from anonymity.submission import submit
from survey.db.engine import Database
from survey.flow import Flow
from survey.instruments.store import class_definitions, class_plan
from survey.timezone import now, today_local
from survey.windows import close_class, open_class
from tests.cli import CliRun, run_cli
from tests.helpers import add_trainees

SECRET = "report-test-secret-" + "y" * 32
#: Respondents per project and the overall satisfaction answer (1–5) of each.
OVERALL = {1: [5, 4, 4, 3, 5, 2, 5, 4], 2: [3, 3, 4, 2, 5, 3, 4, 4, 1], 3: [5, 5, 4]}


def respond(db: Database, project: int, overall: list[int]) -> None:
    """Invite two more than respond; each respondent answers ``overall`` and 4 elsewhere."""
    class_id, trainees = add_trainees(db, project, len(overall) + 2)
    open_class(db, class_id, None, now())
    with db.read() as session:
        flow = Flow(class_definitions(session, class_id), class_plan(session, class_id))
    tokens = issue_tokens(db, SECRET.encode(), trainees)
    for trainee_id, value in zip(trainees, overall, strict=False):
        answers: dict[str, int | str | list[str]] = {}
        for page in flow.pages:
            for question in page.page.questions:
                if question.show_if is not None or question.type == "text":
                    continue
                if question.type in ("likert5", "rating"):
                    answers[question.field] = 4
                elif question.type == "nps":
                    answers[question.field] = 9
                else:
                    answers[question.field] = question.options[0][0]
        answers["overall"] = value
        if value <= 2:
            follow_up = next(q for p in flow.pages for q in p.page.questions if q.show_if)
            answers[follow_up.field] = [follow_up.options[0][0]]
        sheets = [(d.version, a) for d, a in flow.split(answers)]
        assert submit(db, SECRET.encode(), tokens[trainee_id], sheets).value == "submitted"
    close_class(db, SECRET.encode(), class_id, today_local(), k=5)


def run(db: Database, tmp_path: Path, *args: str) -> CliRun:
    env = {
        "SURVEY_DATABASE_URL": db.engine.url.render_as_string(hide_password=False),
        "SURVEY_SECRET_KEY": SECRET,
        "SURVEY_DATA_DIR": str(tmp_path),
    }
    return run_cli(["report", *args], env)


def wilson(successes: int, n: int) -> tuple[float, float]:
    """The Wilson score interval, written out from Wilson (1927), as an independent check."""
    z = 1.959963984540054
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


@pytest.fixture
def closed_programme(programme_db: Database) -> Database:
    for project, overall in OVERALL.items():
        respond(programme_db, project, overall)
    return programme_db


def test_json_figures_match_the_answers(closed_programme: Database, tmp_path: Path) -> None:
    result = run(closed_programme, tmp_path, "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["k"] == 5
    programme = data["programme"]
    # Project 3's class has 3 responses, fewer than k = 5: they enter no figure at any level.
    everyone = [v for p, values in OVERALL.items() if p != 3 for v in values]
    assert programme["n"] == len(everyone)
    responded = sum(len(values) for values in OVERALL.values())
    assert programme["participation"]["invited"] == responded + 2 * len(OVERALL)
    assert programme["participation"]["responded"] == responded
    satisfied = sum(v >= 4 for v in everyone)
    overall = programme["satisfaction"]["overall"]["value"]
    assert (overall["successes"], overall["n"]) == (satisfied, len(everyone))
    assert overall["rate"] == pytest.approx(satisfied / len(everyone))
    low, high = wilson(satisfied, len(everyone))
    assert overall["low"] == pytest.approx(low, abs=1e-9)
    assert overall["high"] == pytest.approx(high, abs=1e-9)
    bases = {b["name"]: b for b in programme["bases"]}
    assert len(bases) == 3
    # Its base shows participation only, with the reason; no other base needs hiding.
    small = next(b for b in programme["bases"] if 3 in b["projects"])
    assert small["suppressed"]["code"] == "below_k"
    assert small["satisfaction"]["overall"]["value"] is None
    assert small["participation"]["responded"] == 3
    hidden = [b for b in programme["bases"] if b["suppressed"] is not None]
    assert hidden == [small]


def test_project_filter_xlsx_and_csv(closed_programme: Database, tmp_path: Path) -> None:
    one = run(closed_programme, tmp_path, "--format", "json", "--project", "2")
    data = json.loads(one.stdout)
    assert [b["projects"] for b in data["programme"]["bases"]] == [[2]]

    xlsx = tmp_path / "report.xlsx"
    result = run(closed_programme, tmp_path, "--format", "xlsx", "--out", str(xlsx))
    assert result.returncode == 0, result.stderr
    book = load_workbook(xlsx, read_only=True)
    assert len(book.sheetnames) >= 3

    out = tmp_path / "responses.csv"
    result = run(closed_programme, tmp_path, "--format", "csv", "--out", str(out))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    # Classes whose figures are withheld are left out of the file too (else it would undo the
    # small-cell rule); here project 3's class. No free text in it.
    full = json.loads(run(closed_programme, tmp_path, "--format", "json").stdout)
    shown = [c for b in full["programme"]["bases"] for c in b["classes"] if c["suppressed"] is None]
    assert [c["projects"] for c in shown] == [[1], [2]]
    assert {r["class_id"] for r in rows} == {c["id"] for c in shown}
    assert sorted(int(r["overall"]) for r in rows) == sorted(OVERALL[1] + OVERALL[2])
    assert not any("收获" in value for row in rows for value in row.values())


def test_report_without_closed_classes_is_one_line(programme_db: Database, tmp_path: Path) -> None:
    result = run(programme_db, tmp_path, "--format", "json")
    assert result.returncode == 1
    assert "还没有已关闭的培训班" in result.stderr
    usage = run(programme_db, tmp_path, "--format", "xlsx")
    assert usage.returncode == 2
