"""``survey user``: accounts from the command line, passwords, API tokens, one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from survey.cli import cli, main
from survey.db.engine import Database
from survey.staff.models import ApiToken, AuditEntry, StaffSession, StaffUser
from survey.staff.passwords import hash_password, needs_rehash, verify_password
from survey.staff.secrets import API_TOKEN_PURPOSE, keyed_digest
from tests.staff.builders import PASSWORD


@pytest.fixture
def env(programme_db: Database, tmp_path: Path) -> dict[str, str]:
    """The environment the CLI runs in: the test database, development mode."""
    return {
        "SURVEY_DATABASE_URL": programme_db.url,
        "SURVEY_DATA_DIR": str(tmp_path),
        "SURVEY_DEV": "1",
    }


def run(env: dict[str, str], *args: str, stdin: str = "") -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin, env=env)
    code = result.exit_code
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        # What main() turns into one line on standard error.
        from survey.errors import UserError

        assert isinstance(result.exception, UserError), repr(result.exception)
        return 1, result.stdout, f"错误：{result.exception}"
    return code, result.stdout, result.stderr


def test_add_every_role_by_any_name_and_list(env: dict[str, str], programme_db: Database) -> None:
    assert (
        run(
            env,
            "user",
            "add",
            "xmb",
            "--role",
            "ministry",
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )[0]
        == 0
    )
    # A base by its alias (annex 2 spelling), a province by its long name.
    code, out, _ = run(
        env, "user", "add", "szpt", "--role", "base", "--base", "深圳职业技术学院",
        "--password-stdin", stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert code == 0
    assert "深圳职业技术大学" in out
    code, out, _ = run(
        env, "user", "add", "sd", "--role", "province", "--province", "山东省",
        "--password-stdin", stdin=PASSWORD,
    )  # fmt: skip
    assert code == 0
    code, out, _ = run(env, "user", "list")
    assert code == 0
    assert "szpt  承训基地  深圳职业技术大学  启用" in out
    assert "sd  省级单位  山东省  启用" in out or "sd  省级单位  山东" in out
    with programme_db.read() as session:
        users = {u.name: u for u in session.scalars(select(StaffUser))}
        # Only an Argon2id hash is stored.
        assert users["xmb"].password_hash.startswith("$argon2id$")
        assert PASSWORD not in users["xmb"].password_hash
        actions = [e.action for e in session.scalars(select(AuditEntry))]
    assert actions.count("user_add") == 3


def test_password_prompt_asks_twice(env: dict[str, str], programme_db: Database) -> None:
    code, _, err = run(
        env, "user", "add", "a1", "--role", "ministry", stdin=f"{PASSWORD}\nother-password\n"
    )
    assert code == 1
    assert "两次输入的密码不一致" in err
    code, _, _ = run(
        env, "user", "add", "a1", "--role", "ministry", stdin=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert code == 0
    with programme_db.read() as session:
        assert session.scalar(select(StaffUser.name)) == "a1"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "base"], "需要用 --base"),
        (["--role", "base", "--base", "不存在大学"], "没有名为“不存在大学”的承训基地"),
        (["--role", "province", "--province", "火星"], "没有名为“火星”的省级单位"),
        (["--role", "province"], "需要用 --province"),
        (["--role", "ministry", "--base", "同济大学"], "不能指定 --base"),
    ],
)
def test_wrong_scope_is_one_chinese_line(
    env: dict[str, str], args: list[str], message: str
) -> None:
    code, _, err = run(env, "user", "add", "someone", *args, "--password-stdin", stdin=PASSWORD)
    assert code == 1
    assert message in err
    assert "\n" not in err.strip()


def test_short_password_and_duplicate_name_are_refused(env: dict[str, str]) -> None:
    code, _, err = run(
        env, "user", "add", "x1", "--role", "ministry", "--password-stdin", stdin="short"
    )
    assert code == 1
    assert "密码太短" in err
    assert (
        run(env, "user", "add", "x1", "--role", "ministry", "--password-stdin", stdin=PASSWORD)[0]
        == 0
    )
    code, _, err = run(
        env, "user", "add", "x1", "--role", "ministry", "--password-stdin", stdin=PASSWORD
    )
    assert code == 1
    assert "已经存在" in err


def test_disable_ends_sessions_and_tokens_enable_and_password(
    env: dict[str, str], programme_db: Database
) -> None:
    run(env, "user", "add", "x1", "--role", "ministry", "--password-stdin", stdin=PASSWORD)
    code, out, err = run(env, "user", "token", "x1", "--label", "统计脚本")
    assert code == 0
    token = out.strip()
    assert token.startswith("zjgp_")
    assert "唯一一次显示" in err
    secret = (Path(env["SURVEY_DATA_DIR"]) / "secret.key").read_text().strip().encode()
    with programme_db.read() as session:
        stored = session.scalars(select(ApiToken)).one()
        # Only the keyed digest of the token is stored, never the token.
        assert stored.digest == keyed_digest(secret, API_TOKEN_PURPOSE, token)
        assert token.encode() not in stored.digest
    assert run(env, "user", "disable", "x1")[0] == 0
    with programme_db.read() as session:
        assert session.scalars(select(ApiToken)).one().revoked
        assert not session.scalars(select(StaffUser)).one().active
        assert session.scalars(select(StaffSession)).all() == []
    code, _, err = run(env, "user", "token", "x1")
    assert code == 1
    assert "已停用" in err
    assert run(env, "user", "enable", "x1")[0] == 0
    assert run(env, "user", "password", "x1", "--password-stdin", stdin="new-password-123")[0] == 0
    with programme_db.read() as session:
        user = session.scalars(select(StaffUser)).one()
        assert user.active
        assert verify_password(user.password_hash, "new-password-123")
    code, _, err = run(env, "user", "disable", "nobody")
    assert code == 1
    assert "不存在" in err


def test_main_prints_one_line(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(SystemExit) as exit_info:
        main(["user", "disable", "nobody"])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("错误：账号“nobody”不存在")
    assert err.count("\n") == 1


def test_production_hash_parameters() -> None:
    # The real hasher (the suite patches a cheap one for speed): Argon2id, 64 MiB, 3 passes.
    from argon2 import PasswordHasher

    real = PasswordHasher()
    hashed = real.hash(PASSWORD)
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert real.verify(hashed, PASSWORD)
    assert not verify_password(hash_password("a-different-password"), PASSWORD)
    assert not verify_password("not a hash", PASSWORD)
    # A hash made with other parameters than the hasher's is redone at the next login.
    assert needs_rehash(real.hash(PASSWORD))
    assert not needs_rehash(hash_password(PASSWORD))


def test_demo_accounts_only_in_development_mode(programme_db: Database, tmp_path: Path) -> None:
    from survey.demo import DEMO_PASSWORD, demo_accounts
    from survey.settings import Settings
    from survey.staff.accounts import authenticate

    production = Settings.from_env({"SURVEY_DATA_DIR": str(tmp_path), "SURVEY_DEV": "0"})
    assert list(demo_accounts(programme_db, production)) == []
    dev = Settings.from_env({"SURVEY_DATA_DIR": str(tmp_path), "SURVEY_DEV": "1"})
    lines = list(demo_accounts(programme_db, dev))
    assert DEMO_PASSWORD in lines[0]
    assert "/staff/login" in lines[0]
    assert any(line.strip().startswith("ministry：") for line in lines)
    assert sum(line.strip().startswith("base") for line in lines) == 16
    # Running the demo again changes nothing.
    assert list(demo_accounts(programme_db, dev)) == lines
    with programme_db.read() as session:
        users = list(session.scalars(select(StaffUser)))
    assert len(users) == 18
    assert {u.role for u in users} == {"ministry", "base", "province"}
    assert authenticate(programme_db, "base10", DEMO_PASSWORD) is not None
