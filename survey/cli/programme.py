"""``survey programme``: the year's reference data."""

from __future__ import annotations

from pathlib import Path

import click

from survey.cli.context import AppContext
from survey.errors import UserError
from survey.programme.loader import (
    LoadReport,
    bundled_source,
    load_programme,
    workbook_source,
)


@click.group()
def programme() -> None:
    """年度培训项目的基础数据（领域、项目、基地、省份、名额）。"""


@programme.command("load")
@click.argument("source")
@click.option("--year", type=int, help="Excel 文件标题中没有年份时指定年份")
@click.pass_obj
def programme_load(app: AppContext, source: str, year: int | None) -> None:
    """载入基础数据：SOURCE 为内置年份（如 2024）或教育部 Excel 文件（附件1、附件2 格式）。"""
    if source.isdigit():
        loaded = bundled_source(int(source))
    else:
        path = Path(source)
        if not path.is_file():
            raise UserError(f"找不到文件 {source}：请给出内置年份（如 2024）或 .xlsx 文件路径")
        loaded = workbook_source(path, year)
    print_report(load_programme(app.db, loaded))


def print_report(report: LoadReport) -> None:
    """Print what a programme load did, with every integrity finding."""
    click.echo(
        f"{report.year} 年：{report.fields} 个领域、{report.projects} 个项目、"
        f"{report.bases} 个承训基地、{report.provinces} 个省级单位、名额合计 {report.seats}"
    )
    click.echo("本次载入无变化" if report.changes == 0 else f"本次载入写入 {report.changes} 处变化")
    if report.verified:
        click.echo("名额分配表核对无误")
        return
    click.echo(
        f"名额分配表核对发现 {len(report.findings)} 处不一致（已按原表载入，标记为未核实）："
    )
    for finding in report.findings:
        click.echo(f"  - {finding}")
