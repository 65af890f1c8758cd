"""The ``survey`` command line: one group, one module per subject.

A user's mistake (bad file, missing setting, unknown project) prints one Chinese line on
standard error and exits 1 (2 for wrong usage); only a bug shows a traceback.
"""

from __future__ import annotations

import sys
from typing import Any

import click
from sqlalchemy.exc import OperationalError

from survey.cli.classes import class_
from survey.cli.context import AppContext
from survey.cli.db import db
from survey.cli.programme import programme
from survey.cli.questionnaire import plan, questionnaire
from survey.cli.report import report
from survey.cli.roster import roster
from survey.cli.serve import demo, serve
from survey.cli.tokens import tokens
from survey.cli.users import user
from survey.errors import UserError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def cli(ctx: click.Context) -> None:
    """职教国培匿名评教与满意度调查服务的命令行工具。"""
    ctx.obj = AppContext()


for command in (
    db,
    programme,
    roster,
    questionnaire,
    plan,
    class_,
    tokens,
    report,
    user,
    serve,
    demo,
):
    cli.add_command(command)


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
    except OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else "未知原因"
        click.echo(
            f"错误：数据库操作失败（{reason}），请检查 SURVEY_DATABASE_URL 与数据库状态", err=True
        )
        sys.exit(1)
