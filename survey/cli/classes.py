"""``survey class``: survey windows per training class."""

from __future__ import annotations

import click
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.cli.context import AppContext
from survey.errors import UserError
from survey.programme.models import Project, TrainingClass
from survey.programme.selection import select_programme
from survey.roster.models import Trainee
from survey.timezone import format_local, now, parse_local, today_local
from survey.windows import close_class, open_class

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
    """列出各培训班的状态、截止时间和回收情况。"""
    with app.db.read() as session:
        for training_class in classes_of(session, None, year):
            invited = (
                session.scalar(select(func.count()).where(Trainee.class_id == training_class.id))
                or 0
            )
            responded = (
                session.scalar(
                    select(func.count()).where(
                        Trainee.class_id == training_class.id, Trainee.responded.is_(True)
                    )
                )
                or 0
            )
            rate = f"{responded / invited:.0%}" if invited else "—"
            click.echo(
                f"{training_class.project.seq:>2}  {training_class.name}  "
                f"{STATES[training_class.state]}  截止 {format_local(training_class.closes_at)}  "
                f"已提交 {responded}/{invited}（{rate}）"
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
    target = _target(project, all_)
    deadline = parse_local(until) if until else None
    with app.db.read() as session:
        ids = [c.id for c in classes_of(session, target, year)]
    for class_id in ids:
        opened = open_class(app.db, class_id, deadline, now())
        click.echo(f"{opened.name}：已开放，截止 {format_local(opened.closes_at)}")


@class_.command("close")
@click.argument("project", type=int, required=False)
@click.option("--all", "all_", is_flag=True, help="全部项目")
@click.option("--year", type=int, help="年度（默认最新载入的年度）")
@click.pass_obj
def class_close(app: AppContext, project: int | None, all_: bool, year: int | None) -> None:
    """关闭项目 PROJECT 或全部项目的问卷，并把答卷打乱顺序后发布为匿名结果。"""
    target = _target(project, all_)
    with app.db.read() as session:
        ids = [c.id for c in classes_of(session, target, year) if c.state != "closed"]
    if not ids:
        click.echo("没有需要关闭的培训班")
    for class_id in ids:
        k = app.settings.report_k
        closed = close_class(app.db, app.settings.secret_key(), class_id, today_local(), k=k)
        click.echo(f"{closed.name}：已关闭，{closed.summary(k)}")
