"""Every act of the command line on rosters, links and survey windows is in the audit log,
under "命令行" and the system user who ran it; exporting twice writes the same links."""

from __future__ import annotations

import getpass
from pathlib import Path

from click.testing import CliRunner, Result
from sqlalchemy import select

from survey.cli import cli
from survey.db.engine import Database
from survey.staff.models import AuditEntry
from tests.roster.builders import WriteXlsx, annex3, mobile, people

SECRET = "cli-audit-secret-" + "y" * 32


def run(db: Database, *args: str) -> Result:
    env = {
        "SURVEY_DATABASE_URL": db.url,
        "SURVEY_SECRET_KEY": SECRET,
        "SURVEY_PUBLIC_URL": "https://pj.example.cn",
    }
    result = CliRunner().invoke(cli, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result


def test_the_audit_log_shows_the_command_lines_actions(
    programme_db: Database, write_xlsx: WriteXlsx, tmp_path: Path
) -> None:
    roster = str(write_xlsx("山东.xlsx", annex3(people(4))))
    run(programme_db, "roster", "import", roster, "--dry-run")
    run(programme_db, "roster", "import", roster)
    run(programme_db, "class", "open", "5", "--until", "2099-08-30 18:00")
    run(programme_db, "tokens", "issue", "--project", "5")
    first, second = tmp_path / "1.csv", tmp_path / "2.csv"
    for out in (first, second):
        run(
            programme_db, "tokens", "export", "--project", "5", "--format", "csv", "--out", str(out)
        )
    assert first.read_bytes() == second.read_bytes()
    reminders = tmp_path / "reminders.csv"
    run(
        programme_db,
        "tokens",
        "export",
        "--project",
        "5",
        "--format",
        "reminders",
        "--out",
        str(reminders),
    )
    assert reminders.read_text(encoding="utf-8-sig").count("https://pj.example.cn/t/") == 8
    run(programme_db, "tokens", "reissue", mobile(1))
    run(programme_db, "class", "paper", "5")
    run(programme_db, "class", "paper", "5", "--off")
    run(programme_db, "class", "close", "5")
    with programme_db.read() as session:
        entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    assert [entry.action for entry in entries] == [
        "roster_check",
        "roster_import",
        "class_open",
        "tokens_issue",
        "slips_csv",
        "slips_csv",
        "reminder_export",
        "slip_reissue",
        "base_slips_on",
        "base_slips_off",
        "class_close",
    ]
    assert {entry.user_name for entry in entries} == {f"命令行（{getpass.getuser()}）"}
    assert all(entry.user_id is None for entry in entries)
    assert all(mobile(1) not in entry.summary for entry in entries)
