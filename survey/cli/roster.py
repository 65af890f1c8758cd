"""``survey roster``: the provinces' participant lists (annex 3)."""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import click

from survey.cli.context import AppContext
from survey.intake.findings import Finding
from survey.roster.importer import ImportResult
from survey.roster.purge import purge_preview, purge_project
from survey.roster.summary import RosterSummary, roster_summary, write_summary_xlsx
from survey.services.rosters import import_audited
from survey.staff.audit import cli_actor
from survey.timezone import now

#: Findings of each kind printed before the rest is summed up (all of them are in --json).
SHOWN_FINDINGS = 200


@click.group()
def roster() -> None:
    """参训人员名单（附件3）：导入、报名汇总、清除个人信息。"""


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    fill = " " * max(width - _width(text), 0)
    return fill + text if right else text + fill


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric_from: int) -> None:
    """Print an aligned table; columns from ``numeric_from`` on are right-aligned."""
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        cells = [_pad(cell, widths[i], right=i >= numeric_from) for i, cell in enumerate(row)]
        click.echo("  ".join(cells).rstrip())


def _findings(title: str, findings: list[Finding]) -> None:
    if not findings:
        return
    click.echo(title)
    for finding in findings[:SHOWN_FINDINGS]:
        click.echo(f"  {finding.location()}：{finding.message}")
    if len(findings) > SHOWN_FINDINGS:
        click.echo(f"  ……另有 {len(findings) - SHOWN_FINDINGS} 处未列出，用 --json 查看全部")


def print_import(result: ImportResult) -> None:
    """Print an import's outcome for a person: the table per project, findings, the missing."""
    mode = "（试运行，不写入）" if result.dry_run else ""
    click.echo(f"{result.year} 年：读取 {len(result.files)} 个文件，共 {result.rows} 行{mode}")
    if result.projects:
        rows = [
            [
                str(p.seq),
                p.base,
                str(p.imported),
                str(p.updated),
                str(p.unchanged),
                str(p.removed),
                f"{p.enrolled}/{p.seats}",
            ]
            for p in result.projects
        ]
        rows.append(
            [
                "合计",
                "",
                str(result.imported),
                str(result.updated),
                str(result.unchanged),
                str(result.removed),
                "",
            ]
        )
        _table(["序号", "承训单位", "新增", "更新", "未变", "移除", "报名/名额"], rows, 2)
    _findings(f"错误 {len(result.errors)} 处：", result.errors)
    _findings(f"警告 {len(result.warnings)} 处（不影响导入）：", result.warnings)
    if result.missing:
        click.echo(f"不在新名单中的已登记学员 {len(result.missing)} 名：")
        for missing in result.missing[:SHOWN_FINDINGS]:
            if missing.removed:
                state = "已移除" if result.written else "将移除"
            elif missing.responded:
                state = "已提交评价，保留"
            else:
                state = "保留（加 --replace 可移除）"
            click.echo(
                f"  {missing.province} 第 {missing.project} 项 {missing.name or ''}：{state}"
            )
    if result.errors:
        click.echo(f"发现 {len(result.errors)} 处错误，未写入任何数据：请按提示改正后重新导入")
    elif result.dry_run:
        click.echo("检查通过（试运行，未写入）：去掉 --dry-run 即可导入")
    else:
        click.echo(
            f"已导入：新增 {result.imported} 人，更新 {result.updated} 人，"
            f"未变 {result.unchanged} 人，移除 {result.removed} 人"
        )


@roster.command("import")
@click.argument(
    "files",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@click.option("--province", help="文件的“填表单位”未写明省份时指定省级单位，如 山东、兵团")
@click.option("--year", type=int, help="导入到哪一年的项目（默认为最近载入的年份）")
@click.option("--dry-run", is_flag=True, help="只检查并报告，不写入")
@click.option("--replace", is_flag=True, help="移除新名单中不再列出的学员（已提交评价的不移除）")
@click.option("--json", "as_json", is_flag=True, help="以一个 JSON 对象输出结果")
@click.pass_obj
def roster_import(
    app: AppContext,
    files: tuple[Path, ...],
    province: str | None,
    year: int | None,
    dry_run: bool,
    replace: bool,
    as_json: bool,
) -> None:
    """导入各省参训人员名单（附件3 格式的 .xlsx 或 .csv），有错误时不写入任何数据。"""
    result = import_audited(
        app.db,
        cli_actor(),
        files,
        now(),
        province=province,
        dry_run=dry_run,
        replace=replace,
        year=year,
    )
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False))
    else:
        print_import(result)
    if result.errors:
        # SystemExit rather than ctx.exit(): it keeps its code through standalone_mode=False.
        sys.exit(1)


def _difference(enrolled: int, seats: int) -> str:
    return f"{enrolled - seats:+d}" if enrolled != seats else "0"


def print_summary(summary: RosterSummary) -> None:
    """Print enrolment per project (with the provinces that differ) and per province."""
    click.echo(
        f"{summary.programme}：已报名 {summary.enrolled} 人，附件2 分配名额合计 {summary.seats} 个"
    )
    if not summary.allocation_verified:
        click.echo(
            f"注意：附件2 公布的名额表本身有 {summary.allocation_issues} 处不一致，"
            "名额按原表统计，以项目办核实的为准"
        )
    rows = [
        [
            str(p.seq),
            p.base,
            p.field,
            str(p.enrolled),
            str(p.seats),
            _difference(p.enrolled, p.seats),
        ]
        for p in summary.projects
    ]
    _table(["序号", "承训单位", "领域", "报名", "名额", "差额"], rows, 3)
    for project in summary.projects:
        off = [
            f"{province} {enrolled}/{seats}"
            for (seq, province), (enrolled, seats) in summary.cells.items()
            if seq == project.seq and enrolled != seats
        ]
        if off and project.enrolled:
            click.echo(f"  第 {project.seq} 项与名额不符（报名/名额）：{'、'.join(off)}")
    click.echo("按省份（报名/名额）：")
    cells = [f"{p.short_name} {p.enrolled}/{p.seats}" for p in summary.provinces]
    for start in range(0, len(cells), 8):
        click.echo("  " + "  ".join(cells[start : start + 8]))


@roster.command("summary")
@click.option("--year", type=int, help="哪一年的项目（默认为最近载入的年份）")
@click.option(
    "--xlsx",
    "xlsx",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="同时写入 Excel 文件（按项目、按项目和省份、按省份三张表）",
)
@click.pass_obj
def roster_summary_command(app: AppContext, year: int | None, xlsx: Path | None) -> None:
    """按项目和省份汇总已报名人数，并与附件2 分配名额对照。"""
    summary = roster_summary(app.db, year)
    print_summary(summary)
    if xlsx is not None:
        write_summary_xlsx(summary, xlsx)
        click.echo(f"已写入 {xlsx}")


@roster.command("purge")
@click.argument("project", type=click.IntRange(min=1))
@click.option("--year", type=int, help="哪一年的项目（默认为最近载入的年份）")
@click.option("--yes", "-y", is_flag=True, help="不再确认，直接清除")
@click.pass_obj
def roster_purge(app: AppContext, project: int, year: int | None, yes: bool) -> None:
    """清除第 PROJECT 项（附件1 序号）学员的个人信息，只保留统计回答率所需的人数。

    仅当该项目的所有培训班都已结束调查并发布结果后才能执行；清除后无法恢复。
    """
    preview = purge_preview(app.db, project, year)
    if preview.cleared == 0:
        click.echo(f"第 {project} 项（{preview.base}）没有待清除的个人信息，无变化")
        return
    if not yes:
        click.confirm(
            f"将清除第 {project} 项（{preview.base}）{preview.cleared} 名学员的姓名、单位、"
            "部门、专业、手机和备注，无法恢复。继续吗？",
            abort=True,
        )
    result = purge_project(app.db, project, year)
    click.echo(
        f"第 {project} 项（{result.base}）：已清除 {result.cleared} 名学员的个人信息，"
        f"保留 {result.trainees} 条记录用于统计回答率"
    )
