"""``survey db``: database migrations."""

from __future__ import annotations

import click

from survey.cli.context import AppContext
from survey.db.migrate import current_revision, head_revision, upgrade


@click.group()
def db() -> None:
    """数据库管理（迁移）。"""


@db.command("upgrade")
@click.pass_obj
def db_upgrade(app: AppContext) -> None:
    """把数据库迁移到最新版本（可重复运行）。"""
    database = app.raw_db
    before = current_revision(database)
    upgrade(database)
    after = current_revision(database)
    if before == after:
        click.echo(f"数据库已是最新版本（{after}）")
    else:
        click.echo(f"数据库已从 {before or '空库'} 迁移到 {after}")


@db.command("status")
@click.pass_obj
def db_status(app: AppContext) -> None:
    """显示数据库当前版本与代码中的最新版本。"""
    database = app.raw_db
    current, head = current_revision(database), head_revision()
    state = "最新" if current == head else "需要运行 survey db upgrade"
    click.echo(f"当前版本：{current or '空库'}；最新版本：{head}（{state}）")
