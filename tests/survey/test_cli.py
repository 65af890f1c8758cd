"""The CLI: help on every command, one-line errors, the programme load through a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from survey.cli import COMMANDS, cli
from survey.db.engine import Database
from tests.cli import run_cli


def walk(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every command path of the CLI, groups included (lazy ones imported on the way)."""
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        assert command is not None, name
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from walk(command, (*prefix, name))


def all_commands() -> list[tuple[str, ...]]:
    return list(walk(cli))


@pytest.mark.parametrize("path", all_commands(), ids=" ".join)
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    command: click.Command | None = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.get_command(click.Context(command), name)
    assert command is not None
    assert command.help, f"survey {' '.join(path)} has no help text"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_lazy_summary_is_the_commands_own(name: str) -> None:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None
    assert command.name == name
    assert COMMANDS[name][1] == command.get_short_help_str(limit=1000)


# What a quick command must not load: SciPy and openpyxl (reports, spreadsheets), Alembic (the
# version check reads the revision files), and what other `class` commands use: the release
# machinery (loaded by the deadline check only when a class is due) and the credentials.
_HEAVY = ("scipy", "openpyxl", "alembic", "survey.windows", "survey.services.credentials")

# Runs the CLI in a fresh interpreter, prints which of _HEAVY it imported and exits as the CLI
# did (`--help` ends in SystemExit(0)).
_HEAVY_IMPORTS = f"""
import sys
from survey.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
print(sorted(set(sys.modules) & {set(_HEAVY)!r}))
sys.exit(code)
"""


@pytest.mark.parametrize("args", [["--help"], ["class", "list"]], ids=" ".join)
def test_quick_commands_import_only_what_they_need(
    programme_db: Database, tmp_path: Path, args: list[str]
) -> None:
    env = {
        "SURVEY_DATA_DIR": str(tmp_path),
        "SURVEY_DATABASE_URL": programme_db.engine.url.render_as_string(hide_password=False),
        # As in production: with a secret, every command first closes classes past their deadline.
        "SURVEY_SECRET_KEY": "quick-command-secret-" + "x" * 32,
    }
    done = subprocess.run(
        [sys.executable, "-c", _HEAVY_IMPORTS, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
        check=True,
    )
    *output, imported = done.stdout.strip().splitlines()
    assert imported == "[]", done.stdout
    assert args == ["--help"] or output[-1].startswith("16. 生物医药领域领军教师班（")


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "survey", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
        check=False,
    )


def test_programme_load_through_the_cli(tmp_path: Path) -> None:
    env = {
        "SURVEY_DATA_DIR": str(tmp_path),
        "SURVEY_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    not_migrated = run(["programme", "load", "2024"], env)
    assert not_migrated.returncode == 1
    assert (
        not_migrated.stderr.strip()
        == "错误：数据库尚未迁移到最新版本，请先运行 `survey db upgrade`"
    )

    assert run(["db", "upgrade"], env).returncode == 0
    first = run(["programme", "load", "2024"], env)
    assert first.returncode == 0, first.stderr
    assert "11 个领域、16 个项目、16 个承训基地、32 个省级单位" in first.stdout
    assert "18 处不一致" in first.stdout
    second = run(["programme", "load", "2024"], env)
    assert "本次载入无变化" in second.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["programme", "load", "1999"], "没有 1999 年的内置数据"),
        (["programme", "load", "missing.xlsx"], "找不到文件 missing.xlsx"),
    ],
)
def test_user_errors_are_one_line(db: Database, args: list[str], message: str) -> None:
    result = run_cli(args, {"SURVEY_DATABASE_URL": db.url})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    result = run_cli(["programme", "load"], {"SURVEY_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_unreachable_database_is_one_line() -> None:
    env = {"SURVEY_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    result = run_cli(["db", "status"], env)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "数据库" in result.stderr


PLAN_CSV = "课程名称,授课教师,课程类型,学时\n职业教育概论,张老师,理论,4\n实训,李老师,实践,4\n"
#: One call per command group through a real `python -m survey` process; the other CLI tests run
#: in-process (tests/cli.py). (arguments, exit status, text on stdout or stderr)
SMOKE: dict[str, tuple[list[str], int, str]] = {
    "db": (["db", "status"], 0, "（最新）"),
    "class": (["class", "list"], 0, "1. 集成电路领域领军教师班（山东理工大学）  未开放"),
    "tokens": (["tokens", "issue", "--project", "1"], 0, "0 名未提交的学员持有有效链接"),
    "questionnaire": (
        ["questionnaire", "check", "{root}/questionnaires/builtin/teaching.toml"],
        0,
        "学员评教",
    ),
    "plan": (["plan", "import", "1", "{tmp}/plan.csv"], 0, "导入 2 门课程"),
    "report": (["report", "--format", "json"], 1, "还没有已关闭的培训班"),
    "user": (["user", "list"], 0, "还没有账号"),
}
#: Groups whose real-process test lives with their other tests.
SMOKE_ELSEWHERE = {
    "programme": "test_programme_load_through_the_cli",
    "serve": "test_serve_refuses_without_secret",
    "roster": "tests/roster/test_cli.py::test_through_a_real_process",
    "demo": "tests/survey/test_demo.py",
}


def test_every_command_group_runs_in_a_real_process_somewhere() -> None:
    assert set(SMOKE) | set(SMOKE_ELSEWHERE) == set(COMMANDS)


@pytest.mark.parametrize("group", sorted(SMOKE))
def test_each_command_group_through_a_real_process(
    programme_db: Database, tmp_path: Path, group: str
) -> None:
    args, status, text = SMOKE[group]
    (tmp_path / "plan.csv").write_text(PLAN_CSV, encoding="utf-8")
    env = {
        "SURVEY_DATA_DIR": str(tmp_path),
        "SURVEY_DATABASE_URL": programme_db.url,
        "SURVEY_SECRET_KEY": "smoke-test-secret-" + "z" * 32,
    }
    root = Path(__file__).resolve().parents[2]
    done = run([a.replace("{tmp}", str(tmp_path)).replace("{root}", str(root)) for a in args], env)
    assert done.returncode == status, done.stderr
    assert text in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_serve_refuses_without_secret(tmp_path: Path) -> None:
    env = {
        "SURVEY_DATA_DIR": str(tmp_path),
        "SURVEY_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    env.pop("SURVEY_SECRET_KEY", None)
    result = run(["serve"], {**env, "SURVEY_SECRET_KEY": ""})
    assert result.returncode == 1
    assert "SURVEY_SECRET_KEY" in result.stderr
