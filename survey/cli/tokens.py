"""``survey tokens``: issuing tokens and exporting slips."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select

from survey.cli.classes import classes_of
from survey.cli.context import AppContext
from survey.errors import UserError
from survey.programme.selection import select_programme
from survey.roster.cells import parse_mobile
from survey.roster.models import Trainee
from survey.slips.issue import issue_slips, outstanding
from survey.slips.render import slips_csv, slips_html


def _target(project: int | None, all_: bool) -> int | None:
    if (project is None) == (not all_):
        raise click.UsageError("请用 --project N 指定项目，或用 --all 表示全部项目（二者选一）")
    return project


@click.group()
def tokens() -> None:
    """问卷令牌：发放、导出纸条和短信名单、补发。"""


@tokens.command("issue")
@click.option("--project", type=int, help="项目序号（附件1）")
@click.option("--all", "all_", is_flag=True, help="全部项目")
@click.option("--year", type=int, help="年度（默认最新载入的年度）")
@click.pass_obj
def tokens_issue(app: AppContext, project: int | None, all_: bool, year: int | None) -> None:
    """给尚无有效令牌且未提交的学员发放令牌（令牌只在导出时可见，见 tokens export）。"""
    from anonymity.issuing import issue_tokens
    from anonymity.models import Token

    target = _target(project, all_)
    with app.db.read() as session:
        class_ids = [c.id for c in classes_of(session, target, year)]
        live = set(session.scalars(select(Token.trainee_id).where(Token.trainee_id.is_not(None))))
        ids = [i for i in outstanding(session, class_ids) if i not in live]
    issued = issue_tokens(app.db, app.settings.secret_key(), ids)
    click.echo(f"已为 {len(issued)} 名学员发放令牌；导出纸条或短信名单时会重新发放")


@tokens.command("export")
@click.option("--project", type=int, help="项目序号（附件1）")
@click.option("--all", "all_", is_flag=True, help="全部项目")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "html"]),
    required=True,
    help="csv 用于短信/微信通知，html 打印纸条",
)
@click.option("--out", type=click.Path(path_type=Path), required=True, help="输出文件")
@click.option("--year", type=int, help="年度（默认最新载入的年度）")
@click.pass_obj
def tokens_export(
    app: AppContext, project: int | None, all_: bool, fmt: str, out: Path, year: int | None
) -> None:
    """重新发放令牌并导出（旧链接随即失效）：CSV 名单或可打印的 A4 纸条。"""
    target = _target(project, all_)
    with app.db.read() as session:
        class_ids = [c.id for c in classes_of(session, target, year)]
        ids = outstanding(session, class_ids)
        programme = select_programme(session, year)
        title = f"{programme.name} 问卷纸条" + (f"（第 {target} 项）" if target else "")
    if not ids:
        raise UserError("没有需要发放的学员：名单为空，或学员都已提交")
    slips = issue_slips(app.db, app.settings.secret_key(), app.settings.public_url, ids)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        out.write_bytes(slips_csv(slips))
    else:
        out.write_text(slips_html(slips, title), encoding="utf-8")
    click.echo(f"已为 {len(slips)} 名学员重新发放令牌并写入 {out}（此前的链接和问卷码已失效）")


@tokens.command("reissue")
@click.argument("mobile")
@click.option("--year", type=int, help="年度（默认最新载入的年度）")
@click.pass_obj
def tokens_reissue(app: AppContext, mobile: str, year: int | None) -> None:
    """为手机号 MOBILE 的学员补发一张纸条（旧链接随即失效），打印新链接和问卷码。"""
    number, problem = parse_mobile(mobile)
    if number is None:
        raise UserError(f"手机号{problem}")
    with app.db.read() as session:
        programme = select_programme(session, year)
        trainee = session.scalar(
            select(Trainee).where(Trainee.programme_id == programme.id, Trainee.mobile == number)
        )
        if trainee is None:
            raise UserError(f"{programme.year} 年名单中没有手机号为 {mobile} 的学员")
        if trainee.responded:
            raise UserError("该学员已经提交，不能补发（补发会让同一人提交两次）")
        trainee_id = trainee.id
    (slip,) = issue_slips(app.db, app.settings.secret_key(), app.settings.public_url, [trainee_id])
    click.echo(f"{slip.name}：{slip.link}")
    click.echo(f"问卷码：{slip.code}")
