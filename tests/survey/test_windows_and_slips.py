"""Survey windows, tokens and slips through the CLI, and closing by deadline."""

from __future__ import annotations

import csv
import io
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from anonymity.issuing import TokenStatus, open_token
from anonymity.keys import derive_keys
from anonymity.models import Token
from anonymity.tokens import unsign_link
from survey.db.engine import Database
from survey.programme.models import TrainingClass
from survey.settings import Settings
from survey.staff.models import AuditEntry
from survey.timezone import format_local, now, parse_local, today_local
from survey.windows import DEADLINE_ACTOR, close_expired, open_class
from tests.cli import CliRun, run_cli
from tests.helpers import add_trainees

SECRET = "cli-test-secret-" + "x" * 32


def cli(db: Database, tmp_path: Path, *args: str) -> CliRun:
    env = {
        "SURVEY_DATABASE_URL": db.engine.url.render_as_string(hide_password=False),
        "SURVEY_SECRET_KEY": SECRET,
        "SURVEY_DATA_DIR": str(tmp_path),
        "SURVEY_PUBLIC_URL": "https://pj.example.cn",
    }
    return run_cli(args, env)


def link_status(db: Database, tmp_path: Path, link: str) -> TokenStatus:
    """What the database says of the token in ``link`` (signed under the CLI's secret)."""
    secret = Settings.from_env(
        {"SURVEY_SECRET_KEY": SECRET, "SURVEY_DATA_DIR": str(tmp_path)}
    ).secret_key()
    token = unsign_link(derive_keys(secret).link_signing, link.split("/t/")[1])
    return open_token(db, secret, token).status


def state_of(db: Database, class_id: int) -> TrainingClass:
    with db.read() as session:
        training_class = session.get(TrainingClass, class_id)
        assert training_class is not None
        return training_class


def test_open_extend_close_through_the_cli(programme_db: Database, tmp_path: Path) -> None:
    class_id, _ = add_trainees(programme_db, 5, 3)
    opened = cli(programme_db, tmp_path, "class", "open", "5", "--until", "2099-08-30 18:00")
    assert opened.returncode == 0, opened.stderr
    assert "已开放，截止 2099-08-30 18:00" in opened.stdout
    training_class = state_of(programme_db, class_id)
    assert training_class.state == "open"
    assert format_local(training_class.closes_at) == "2099-08-30 18:00"
    # Stored in UTC: 18:00 in Beijing is 10:00 UTC.
    assert training_class.closes_at is not None
    assert training_class.closes_at.hour == 10

    extended = cli(programme_db, tmp_path, "class", "open", "5", "--until", "2099-09-01 12:00")
    assert "截止时间已改为 2099-09-01 12:00" in extended.stdout
    listing = cli(programme_db, tmp_path, "class", "list")
    assert "开放中" in listing.stdout
    assert "回答 0 / 邀请 3 人（回答率 0%）" in listing.stdout

    closed = cli(programme_db, tmp_path, "class", "close", "5")
    assert closed.returncode == 0, closed.stderr
    assert "已关闭，回答 0 / 邀请 3 人，发布 0 条文字意见；回答不足 5 人" in closed.stdout
    assert state_of(programme_db, class_id).state == "closed"
    again = cli(programme_db, tmp_path, "class", "open", "5")
    assert again.returncode == 1
    assert "不能重新开放" in again.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["class", "open"], 2, "--all"),
        (["class", "open", "5", "--all"], 2, "二者选一"),
        (["class", "open", "99"], 1, "没有第 99 项项目"),
        (["class", "open", "5", "--until", "明天"], 1, "格式不对"),
        (["class", "open", "5", "--until", "2001-01-01 08:00"], 1, "晚于现在"),
        (["tokens", "export", "--all", "--format", "pdf", "--out", "x"], 2, "pdf"),
        (["tokens", "reissue", "12345"], 1, "手机号"),
    ],
)
def test_cli_mistakes_are_one_line(
    programme_db: Database, tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    result = cli(programme_db, tmp_path, *args)
    assert result.returncode == code
    assert "Traceback" not in result.stderr
    assert message in result.stderr


def test_tokens_export_csv_and_html_reissue(programme_db: Database, tmp_path: Path) -> None:
    _, trainee_ids = add_trainees(programme_db, 6, 4)
    out = tmp_path / "sms.csv"
    result = cli(
        programme_db,
        tmp_path,
        "tokens",
        "export",
        "--project",
        "6",
        "--format",
        "csv",
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0] == [
        "项目序号",
        "项目名称",
        "承训基地",
        "学员姓名",
        "联系手机",
        "问卷链接",
        "问卷码",
    ]
    assert len(rows) == 5
    assert all(r[5].startswith("https://pj.example.cn/t/") for r in rows[1:])
    first_links = {r[5] for r in rows[1:]}

    html = tmp_path / "slips.html"
    result = cli(
        programme_db,
        tmp_path,
        "tokens",
        "export",
        "--project",
        "6",
        "--format",
        "html",
        "--out",
        str(html),
    )
    assert result.returncode == 0, result.stderr
    page = html.read_text(encoding="utf-8")
    assert page.count("<svg") == 4
    assert "http://" not in page.replace("http://www.w3.org", "")
    # Exporting again shows the same links: the trainees' links stay valid.
    assert all(link in page for link in first_links)
    with programme_db.read() as session:
        live = list(session.scalars(select(Token).where(Token.spent.is_(False))))
    assert len(live) == 4  # one live token per trainee
    for link in first_links:
        assert link_status(programme_db, tmp_path, link) is TokenStatus.LIVE

    mobile = rows[1][4]
    reissued = cli(programme_db, tmp_path, "tokens", "reissue", mobile)
    assert reissued.returncode == 0, reissued.stderr
    assert "问卷码：" in reissued.stdout
    assert "旧链接和旧问卷码已作废" in reissued.stdout
    # Only the replaced link died.
    assert link_status(programme_db, tmp_path, rows[1][5]) is TokenStatus.UNKNOWN
    assert link_status(programme_db, tmp_path, rows[2][5]) is TokenStatus.LIVE
    assert len(trainee_ids) == 4


def test_tokens_issue_leaves_live_tokens_alone(programme_db: Database, tmp_path: Path) -> None:
    add_trainees(programme_db, 7, 3)
    first = cli(programme_db, tmp_path, "tokens", "issue", "--project", "7")
    assert "3 名未提交的学员持有有效链接" in first.stdout
    with programme_db.read() as session:
        digests = set(session.scalars(select(Token.digest)))
    second = cli(programme_db, tmp_path, "tokens", "issue", "--project", "7")
    assert "3 名未提交的学员持有有效链接" in second.stdout
    with programme_db.read() as session:
        assert set(session.scalars(select(Token.digest))) == digests


def test_plan_import_and_freeze(programme_db: Database, tmp_path: Path) -> None:
    add_trainees(programme_db, 8, 2)
    plan = tmp_path / "plan.csv"
    plan.write_text(
        "课程名称,授课教师,课程类型,学时\n数控编程,张老师,理论,8\n五轴加工实训,李老师,实践,16\n",
        encoding="utf-8",
    )
    result = cli(programme_db, tmp_path, "plan", "import", "8", str(plan))
    assert result.returncode == 0, result.stderr
    assert "导入 2 门课程，实践课学时占比 67%" in result.stdout
    cli(programme_db, tmp_path, "class", "open", "8")
    frozen = cli(programme_db, tmp_path, "plan", "import", "8", str(plan))
    assert frozen.returncode == 1
    assert "培训方案已冻结" in frozen.stderr


def test_questionnaire_check(programme_db: Database, tmp_path: Path) -> None:
    result = cli(programme_db, tmp_path, "questionnaire", "check", "teaching")
    assert result.returncode == 0
    assert "版本：" in result.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text('key = "x"\n', encoding="utf-8")
    failed = cli(programme_db, tmp_path, "questionnaire", "check", str(bad))
    assert failed.returncode == 1
    assert "bad.toml" in failed.stderr
    assert len(failed.stderr.strip().splitlines()) == 1


def test_a_class_closes_itself_when_its_deadline_passes(programme_db: Database) -> None:
    class_id, _ = add_trainees(programme_db, 9, 2)
    start = now()
    open_class(programme_db, class_id, start + timedelta(minutes=5), start)
    assert close_expired(programme_db, SECRET.encode(), start, today_local(), k=5) == []
    closed = close_expired(
        programme_db, SECRET.encode(), start + timedelta(minutes=6), today_local(), k=5
    )
    assert [c.class_id for c in closed] == [class_id]
    assert state_of(programme_db, class_id).state == "closed"
    # Audited with the release, once, though a second check comes along.
    close_expired(programme_db, SECRET.encode(), start + timedelta(minutes=7), today_local(), k=5)
    with programme_db.read() as session:
        entries = list(session.scalars(select(AuditEntry)))
    assert [(e.action, e.user_name, e.target) for e in entries] == [
        ("class_close", DEADLINE_ACTOR, f"class:{class_id}")
    ]


def test_any_cli_call_closes_a_class_past_its_deadline(
    programme_db: Database, tmp_path: Path
) -> None:
    class_id, _ = add_trainees(programme_db, 10, 2)
    open_class(programme_db, class_id, now() + timedelta(seconds=1), now())
    time.sleep(1.5)
    result = cli(programme_db, tmp_path, "roster", "summary")
    assert result.returncode == 0, result.stderr
    assert "已到截止时间，已自动关闭" in result.stdout
    assert state_of(programme_db, class_id).state == "closed"


def test_local_times_are_beijing_time() -> None:
    moment = parse_local("2024-08-30 18:00")
    assert moment.utcoffset() == timedelta(0)
    assert (moment.hour, moment.minute) == (10, 0)
    assert format_local(moment) == "2024-08-30 18:00"
