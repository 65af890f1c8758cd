"""``survey questionnaire`` and ``survey plan``: what a class asks."""

from __future__ import annotations

from pathlib import Path

import click

from questionnaires.describe import describe
from questionnaires.loader import BUILTIN_NAMES, load_builtin, load_definition
from questionnaires.schema import DefinitionError
from survey.cli.classes import classes_of
from survey.cli.context import AppContext
from survey.errors import UserError
from survey.instruments.plan_file import read_plan
from survey.instruments.store import replace_plan


@click.group()
def questionnaire() -> None:
    """问卷定义（满意度调查、评教）。"""


@questionnaire.command("check")
@click.argument("file")
def questionnaire_check(file: str) -> None:
    """检查问卷定义文件（TOML），列出题目、维度和版本；FILE 也可以是内置问卷名。"""
    try:
        definition = load_builtin(file) if file in BUILTIN_NAMES else load_definition(file)
    except DefinitionError as error:
        raise UserError("；".join(error.problems)) from None
    click.echo(describe(definition))


@click.group()
def plan() -> None:
    """培训班的培训方案（课程、授课教师、课程类型、学时）。"""


@plan.command("import")
@click.argument("project", type=int)
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--year", type=int, help="年度（默认最新载入的年度）")
@click.pass_obj
def plan_import(app: AppContext, project: int, file: Path, year: int | None) -> None:
    """为项目 PROJECT（附件1 序号）的培训班导入培训方案 FILE（.xlsx 或 .csv）。"""
    result = read_plan(file)
    for warning in result.warnings:
        click.echo(f"提示：{file.name} {warning}")
    if result.plan is None or not result.ok:
        for finding in result.errors:
            click.echo(f"错误：{file.name} {finding}", err=True)
        raise UserError(f"{file.name} 有 {len(result.errors)} 处错误，未导入任何内容")
    with app.db.write() as session:
        for training_class in classes_of(session, project, year):
            count = replace_plan(session, training_class.id, result.plan)
            share = result.plan.practical_share()
            share_text = "—" if share is None else f"{share:.0%}"
            click.echo(f"{training_class.name}：导入 {count} 门课程，实践课学时占比 {share_text}")
