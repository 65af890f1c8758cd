"""The ``survey`` command line: one group, one module per subject.

A user's mistake (bad file, missing setting, unknown project) prints one Chinese line on
standard error and exits 1 (2 for wrong usage); only a bug shows a traceback.

Subcommands load on first use: ``survey --help`` and a quick query must not pay for SciPy,
openpyxl and the web stack that other commands need.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from survey.errors import UserError

# name → (module:attribute, one-line summary). The summary is what `survey --help` lists, so
# listing the commands imports none of them; tests/survey/test_cli.py checks it matches the
# command's own help.
COMMANDS: dict[str, tuple[str, str]] = {
    "db": ("survey.cli.db:db", "数据库管理（迁移）。"),
    "programme": (
        "survey.cli.programme:programme",
        "年度培训项目的基础数据（领域、项目、基地、省份、名额）。",
    ),
    "roster": (
        "survey.cli.roster:roster",
        "参训人员名单（附件3）：导入、报名汇总、清除个人信息。",
    ),
    "questionnaire": ("survey.cli.questionnaire:questionnaire", "问卷定义（满意度调查、评教）。"),
    "plan": (
        "survey.cli.questionnaire:plan",
        "培训班的培训方案（课程、授课教师、课程类型、学时）。",
    ),
    "class": ("survey.cli.classes:class_", "培训班的问卷开放与关闭。"),
    "tokens": ("survey.cli.tokens:tokens", "问卷链接：发放、导出纸条、短信名单和催办名单、补发。"),
    "report": (
        "survey.cli.report:report",
        "已关闭培训班的统计结果：json（全部数字）、xlsx（教育部绩效评价工作簿）、csv（匿名答卷）。",
    ),
    "user": (
        "survey.cli.users:user",
        "工作人员账号：新建、列出、停用，以及供脚本使用的 API 令牌。",
    ),
    "serve": ("survey.cli.serve:serve", "启动网页服务。"),
    "demo": (
        "survey.cli.serve:demo",
        "准备演示数据（迁移、载入 2024 年项目与虚构名单）并以开发模式启动服务。",
    ),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported only when one of them runs or shows its help."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every subcommand name, without importing any of them."""
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The subcommand called ``cmd_name``, imported now."""
        if cmd_name not in COMMANDS:
            return None
        module_name, attribute = COMMANDS[cmd_name][0].split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the subcommands from their summaries, so ``--help`` imports none of them."""
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def cli(ctx: click.Context) -> None:
    """职教国培匿名评教与满意度调查服务的命令行工具。"""
    # Imported here, not at the top: `survey --help` never runs this and never needs the database.
    from survey.cli.context import AppContext

    ctx.obj = AppContext()


def main(argv: list[str] | None = None) -> Any:
    """Run the CLI, turning user errors into one line and an exit code."""
    try:
        return cli.main(args=argv, prog_name="survey", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("已取消", err=True)
        sys.exit(1)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except UserError as error:
        click.echo(f"错误：{error}", err=True)
        sys.exit(error.exit_code)
    except Exception as error:
        # Imported here: SQLAlchemy costs a tenth of a second that `survey --help` should not pay.
        from sqlalchemy.exc import OperationalError

        if not isinstance(error, OperationalError):
            raise
        reason = str(error.orig).strip().splitlines()[0] if error.orig else "未知原因"
        click.echo(
            f"错误：数据库操作失败（{reason}），请检查 SURVEY_DATABASE_URL 与数据库状态", err=True
        )
        sys.exit(1)
