"""``survey class``: survey windows per training class.

``class list`` is the quick look an operator runs most: the services that open, close and
print (the release machinery, credentials, audit) load inside the commands that use them.
"""

from __future__ import annotations

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.cli.context import AppContext
from survey.errors import UserError
from survey.programme.models import Project, TrainingClass
from survey.programme.selection import select_programme
from survey.staff.rates import class_rows
from survey.timezone import format_local, now, parse_local, today_local

STATES = {"pending": "未开放", "open": "开放中", "closed": "已关闭"}


def classes_of(session: Session, project: int | None, year: int | None) -> list[TrainingClass]:
    """The classes of project ``project`` (annex 1 number), or of every project when None."""
    programme = select_programme(session, year)
    query = (
        select(TrainingClass)
        .join(Project)
        .where(Project.programme_id == programme.id)
        .order_by(Project.seq, TrainingClass.id)
    )
    if project is not None:
        query = query.where(Project.seq == project)
    found = list(session.scalars(query))
    if not found:
        raise UserError(f"{programme.year} 年没有第 {project} 项项目（项目序号见附件1，如 1–16）")
    return found


def _target(project: int | None, all_: bool) -> int | None:
    if (project is None) == (not all_):
        raise click.UsageError("请给出项目序号 PROJECT，或用 --all 表示全部项目（二者选一）")
    return project


@click.group(name="class")
def class_() -> None:
    """培训班的问卷开放与关闭。"""


@class_.command("list")
@click.option("--year", type=int, help="年度（默认最新载入的年度）")
@click.pass_obj
def class_list(app: AppContext, year: int | None) -> None:
    """列出各培训班的状态、截止时间和回答情况。"""
    with app.db.read() as session:
        programme = select_programme(session, year)
        rows = class_rows(session, programme.id)
    if not rows:
        raise UserError(f"{programme.year} 年还没有培训班")
    for row in rows:
        rate = f"{row.rate.rate:.0%}" if row.rate.rate is not None else "—"
        paper = "  承训基地发放纸条" if row.base_slips else ""
        click.echo(
            f"{row.label}  {STATES[row.state]}  "
            f"截止 {format_local(row.closes_at)}  "
            f"回答 {row.rate.responded} / 邀请 {row.rate.invited} 人（回答率 {rate}）{paper}"
        )


@class_.command("open")
@click.argument("project", type=int, required=False)
@click.option("--all", "all_", is_flag=True, help="全部项目")
@click.option("--until", help="截止时间（北京时间），格式 YYYY-MM-DD HH:MM")
@click.option("--year", type=int, help="年度（默认最新载入的年度）")
@click.pass_obj
def class_open(
    app: AppContext, project: int | None, all_: bool, until: str | None, year: int | None
) -> None:
    """开放项目 PROJECT（附件1 序号）或全部项目的问卷；已开放的可用 --until 延长。"""
    from survey.services.windows import open_classes
    from survey.staff.audit import cli_actor

    target = _target(project, all_)
    deadline = parse_local(until) if until else None
    with app.db.read() as session:
        ids = [c.id for c in classes_of(session, target, year)]
    changes = open_classes(app.db, cli_actor(), ids, deadline, now())
    for change in changes:
        if change.done:
            click.echo(f"{change.name}：{change.message}")
    refused = [change.name for change in changes if not change.done]
    if refused:
        raise UserError(f"{'、'.join(refused)} 已经关闭并发布了结果，不能重新开放")


@class_.command("close")
@click.argument("project", type=int, required=False)
@click.option("--all", "all_", is_flag=True, help="全部项目")
@click.option("--year", type=int, help="年度（默认最新载入的年度）")
@click.pass_obj
def class_close(app: AppContext, project: int | None, all_: bool, year: int | None) -> None:
    """关闭项目 PROJECT 或全部项目的问卷，并把答卷打乱顺序后发布为匿名结果。"""
    from survey.services.windows import close_classes
    from survey.staff.audit import cli_actor

    target = _target(project, all_)
    with app.db.read() as session:
        ids = [c.id for c in classes_of(session, target, year) if c.state != "closed"]
    if not ids:
        click.echo("没有需要关闭的培训班")
    secret = app.settings.secret_key()
    k = app.settings.report_k
    for change in close_classes(app.db, secret, cli_actor(), ids, now(), today_local(), k=k):
        click.echo(f"{change.name}：{change.message}")


@class_.command("paper")
@click.argument("project", type=int)
@click.option("--off", is_flag=True, help="收回（不再允许承训基地打印纸条）")
@click.option("--year", type=int, help="年度（默认最新载入的年度）")
@click.pass_obj
def class_paper(app: AppContext, project: int, off: bool, year: int | None) -> None:
    """允许（或用 --off 收回）项目 PROJECT 的承训基地打印本班问卷纸条。

    一经允许，本班结果将永久注明“承训基地发放纸条”。
    """
    from survey.services.credentials import set_base_slips
    from survey.staff.audit import cli_actor

    with app.db.read() as session:
        ids = [c.id for c in classes_of(session, project, year)]
    for class_id in ids:
        name = set_base_slips(app.db, cli_actor(), class_id, not off, now())
        verb = "已收回承训基地发放纸条的权限" if off else "已允许承训基地打印纸条（结果将注明）"
        click.echo(f"{name}：{verb}")
