"""``survey user``: staff accounts and API tokens."""

from __future__ import annotations

import sys

import click

from survey.cli.context import AppContext
from survey.errors import UserError
from survey.staff.access import ROLE_LABELS
from survey.staff.accounts import create_user, list_users, set_active, set_password
from survey.staff.api_tokens import create_token
from survey.timezone import now


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        # One line, without its line end: what `echo "$PASSWORD" |` or a secrets file gives.
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            raise UserError("标准输入中没有密码（--password-stdin 读取第一行）")
        return password
    first = click.prompt("密码", hide_input=True, err=True)
    second = click.prompt("再次输入密码", hide_input=True, err=True)
    if first != second:
        raise UserError("两次输入的密码不一致，账号未创建")
    return str(first)


@click.group()
def user() -> None:
    """工作人员账号：新建、列出、停用，以及供脚本使用的 API 令牌。"""


@user.command("add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(["ministry", "base", "province"]),
    required=True,
    help="ministry 项目办（全部）、base 承训基地、province 省级单位",
)
@click.option("--base", help="承训基地名称或别名（--role base 时必填）")
@click.option("--province", help="省级单位名称，如“山东”（--role province 时必填）")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取密码（供脚本使用）")
@click.pass_obj
def user_add(
    app: AppContext,
    name: str,
    role: str,
    base: str | None,
    province: str | None,
    password_stdin: bool,
) -> None:
    """新建账号 NAME；密码在提示时输入两次，或用 --password-stdin 从标准输入读取。"""
    # Check the database before asking for a password the person would then type in vain.
    database = app.db
    password = _read_password(password_stdin)
    principal = create_user(database, name, role, password, now(), base=base, province=province)
    scope = f"（{principal.scope_name}）" if role != "ministry" else ""
    click.echo(f"已新建{ROLE_LABELS[role]}账号 {principal.name}{scope}")


@user.command("list")
@click.pass_obj
def user_list(app: AppContext) -> None:
    """列出全部账号：角色、所属基地或省份、状态和有效的 API 令牌数。"""
    lines = list_users(app.db)
    if not lines:
        click.echo("还没有账号：用 survey user add 新建")
    for line in lines:
        state = "启用" if line.active else "已停用"
        click.echo(
            f"{line.name}  {ROLE_LABELS[line.role]}  {line.scope}  {state}  "
            f"API 令牌 {line.tokens} 个"
        )


@user.command("disable")
@click.argument("name")
@click.pass_obj
def user_disable(app: AppContext, name: str) -> None:
    """停用账号 NAME：立即退出其所有登录，并作废其全部 API 令牌。"""
    set_active(app.db, name, False, now())
    click.echo(f"已停用账号 {name}，其登录和 API 令牌均已失效")


@user.command("enable")
@click.argument("name")
@click.pass_obj
def user_enable(app: AppContext, name: str) -> None:
    """重新启用账号 NAME（已作废的 API 令牌不会恢复）。"""
    set_active(app.db, name, True, now())
    click.echo(f"已启用账号 {name}")


@user.command("password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取密码（供脚本使用）")
@click.pass_obj
def user_password(app: AppContext, name: str, password_stdin: bool) -> None:
    """为账号 NAME 设置新密码，并退出其所有登录。"""
    database = app.db
    set_password(database, name, _read_password(password_stdin), now())
    click.echo(f"已为账号 {name} 设置新密码")


@user.command("token")
@click.argument("name")
@click.option("--label", default="脚本", show_default=True, help="令牌的用途说明")
@click.pass_obj
def user_token(app: AppContext, name: str, label: str) -> None:
    """为账号 NAME 创建一个 API 令牌并显示（只显示这一次，请立即保存）。"""
    token = create_token(app.db, app.settings.secret_key(), name, label, now())
    click.echo(token)
    click.echo(
        "这是该令牌唯一一次显示，请立即保存；使用方法：Authorization: Bearer <令牌>", err=True
    )
