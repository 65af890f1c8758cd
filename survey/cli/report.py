"""``survey report``: the results of closed classes as JSON, Excel or CSV."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from reporting import ReportSettings, build_report
from reporting.export_csv import responses_csv
from reporting.export_json import report_to_dict
from reporting.export_xlsx import report_xlsx
from survey.cli.context import AppContext
from survey.errors import UserError
from survey.programme.selection import select_programme
from survey.results import QUESTIONNAIRES, class_inputs


def _only_project(data: dict[str, Any], project: int) -> dict[str, Any]:
    """The report's figures for one project: its base, with only that project's classes.

    Figures stay as the whole programme's report computed them, so suppression is the same
    whichever slice is shown.
    """
    bases = []
    for base in data["programme"]["bases"]:
        classes = [c for c in base["classes"] if project in c["projects"]]
        if classes:
            bases.append({**base, "classes": classes})
    return {**data, "programme": {**data["programme"], "bases": bases}}


@click.command()
@click.option("--project", type=int, help="只输出该项目（附件1 序号）所在基地与班级（json、csv）")
@click.option(
    "--questionnaire",
    type=click.Choice(list(QUESTIONNAIRES)),
    default="satisfaction",
    show_default=True,
    help="satisfaction 满意度调查，teaching 评教",
)
@click.option(
    "--format", "fmt", type=click.Choice(["json", "xlsx", "csv"]), required=True, help="输出格式"
)
@click.option("--out", type=click.Path(path_type=Path), help="输出文件（json 可省略，输出到屏幕）")
@click.option("--year", type=int, help="年度（默认最新载入的年度）")
@click.pass_obj
def report(
    app: AppContext,
    project: int | None,
    questionnaire: str,
    fmt: str,
    out: Path | None,
    year: int | None,
) -> None:
    """已关闭培训班的统计结果：json（全部数字）、xlsx（教育部绩效评价工作簿）、csv（匿名答卷）。"""
    if out is None and fmt != "json":
        raise click.UsageError(f"--format {fmt} 需要用 --out 指定输出文件")
    k = app.settings.report_k
    with app.db.read() as session:
        programme = select_programme(session, year)
        inputs = class_inputs(session, programme.id, questionnaire, k)
        title = programme.name
    if not inputs:
        raise UserError(
            f"{title}还没有已关闭的培训班，没有可统计的结果（关闭培训班：survey class close）"
        )
    if project is not None and not any(i.project == project for i in inputs):
        raise UserError(f"第 {project} 项项目没有已关闭的培训班")
    built = build_report(inputs, ReportSettings(k=k))
    if fmt == "xlsx":
        assert out is not None
        out.write_bytes(report_xlsx(built))
    elif fmt == "csv":
        assert out is not None
        # The report is the whole programme's, so small-cell rules hold whatever slice is written.
        chosen = [i for i in inputs if project is None or i.project == project]
        out.write_text(responses_csv(chosen, built), encoding="utf-8-sig", newline="")
    else:
        data = {"title": title, "year": programme.year, **report_to_dict(built)}
        if project is not None:
            data = _only_project(data, project)
        text = json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False)
        if out is None:
            sys.stdout.write(text + "\n")
            return
        out.write_text(text + "\n", encoding="utf-8")
    click.echo(f"已写入 {out}（{QUESTIONNAIRES[questionnaire]}，{len(inputs)} 个培训班，k = {k}）")
