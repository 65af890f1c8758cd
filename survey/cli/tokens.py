"""``survey tokens``: issuing tokens, exporting slips, SMS and reminder lists, replacing one."""

from __future__ import annotations

from pathlib import Path

import click

from survey.cli.classes import classes_of
from survey.cli.context import AppContext
from survey.errors import UserError
from survey.programme.selection import select_programme
from survey.services.credentials import export_links, issue_links, replace_link
from survey.slips.issue import Slip
from survey.slips.render import reminders_csv, slips_csv, slips_html
from survey.staff.audit import cli_actor
from survey.timezone import now

#: ``--format`` choices and what each writes.
FORMATS = {"csv": "短信/微信名单", "html": "可打印纸条", "reminders": "催办名单（含提醒短信）"}


def _target(project: int | None, all_: bool) -> int | None:
    if (project is None) == (not all_):
        raise click.UsageError("请用 --project N 指定项目，或用 --all 表示全部项目（二者选一）")
    return project


@click.group()
def tokens() -> None:
    """问卷链接：发放、导出纸条、短信名单和催办名单、补发。"""


@tokens.command("issue")
@click.option("--project", type=int, help="项目序号（附件1）")
@click.option("--all", "all_", is_flag=True, help="全部项目")
@click.option("--year", type=int, help="年度（默认最新载入的年度）")
@click.pass_obj
def tokens_issue(app: AppContext, project: int | None, all_: bool, year: int | None) -> None:
    """给尚无有效链接且未提交的学员发放链接（已有的保持不变，导出时可见，见 tokens export）。"""
    target = _target(project, all_)
    with app.db.read() as session:
        class_ids = [c.id for c in classes_of(session, target, year) if c.state != "closed"]
    held = issue_links(app.db, app.settings.secret_key(), cli_actor(), class_ids, now())
    click.echo(f"{held} 名未提交的学员持有有效链接；导出时显示的仍是同一链接")


@tokens.command("export")
@click.option("--project", type=int, help="项目序号（附件1）")
@click.option("--all", "all_", is_flag=True, help="全部项目")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    required=True,
    help="csv 用于短信平台/微信通知，html 打印纸条，reminders 催办名单（含提醒短信）",
)
@click.option("--out", type=click.Path(path_type=Path), required=True, help="输出文件")
@click.option("--year", type=int, help="年度（默认最新载入的年度）")
@click.pass_obj
def tokens_export(
    app: AppContext, project: int | None, all_: bool, fmt: str, out: Path, year: int | None
) -> None:
    """导出未提交学员的链接：CSV 名单、可打印的 A4 纸条或催办名单；多次导出的链接相同。"""
    target = _target(project, all_)
    with app.db.read() as session:
        classes = [c for c in classes_of(session, target, year) if c.state != "closed"]
        programme = select_programme(session, year)
        title = f"{programme.name} 问卷纸条" + (f"（第 {target} 项）" if target else "")
        outstanding_classes = [c.id for c in classes]
    secret, actor, url = app.settings.secret_key(), cli_actor(), app.settings.public_url
    slips: list[Slip] = []
    deadlines: set[str] = set()
    for class_id in outstanding_classes:
        try:
            export = export_links(app.db, secret, url, actor, class_id, fmt, now())
        except UserError:
            continue  # a class whose trainees have all responded has nothing to export
        slips.extend(export.slips)
        deadlines.add(export.deadline)
    if not slips:
        raise UserError("没有需要发放的学员：名单为空，问卷已关闭，或学员都已提交")
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        out.write_bytes(slips_csv(slips))
    elif fmt == "reminders":
        out.write_bytes(reminders_csv(slips, deadlines.pop() if len(deadlines) == 1 else "—"))
    else:
        out.write_text(slips_html(slips, title), encoding="utf-8")
    click.echo(f"已写入 {len(slips)} 名学员的{FORMATS[fmt]}到 {out}（与此前发出的链接相同）")


@tokens.command("reissue")
@click.argument("mobile")
@click.option("--year", type=int, help="年度（默认最新载入的年度）")
@click.pass_obj
def tokens_reissue(app: AppContext, mobile: str, year: int | None) -> None:
    """为手机号 MOBILE 的学员补发链接（丢失纸条时用）：旧链接和问卷码随即作废。"""
    with app.db.read() as session:
        programme_id = select_programme(session, year).id
    slip = replace_link(
        app.db,
        app.settings.secret_key(),
        app.settings.public_url,
        cli_actor(),
        mobile,
        now(),
        programme_id=programme_id,
    )
    click.echo(f"{slip.name}：{slip.link}")
    click.echo(f"问卷码：{slip.code}")
    click.echo("旧链接和旧问卷码已作废；如有未提交的草稿，也随旧链接作废")
