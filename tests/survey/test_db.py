"""Database setup: SQLite durability, write locking, and migrations that match the models."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from survey.db.engine import Database
from survey.db.migrate import (
    MIGRATIONS,
    alembic_config,
    current_revision,
    head_revision,
    upgrade,
)
from survey.db.models import Model
from survey.programme.loader import bundled_source, load_programme
from tests.cli import run_cli


def test_sqlite_connections_are_durable_and_strict(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with database.read() as session:
        pragma = {
            name: session.execute(text(f"PRAGMA {name}")).scalar()
            for name in (
                "journal_mode",
                "synchronous",
                "foreign_keys",
                "secure_delete",
                "busy_timeout",
            )
        }
    assert pragma == {
        "journal_mode": "wal",
        "synchronous": 2,  # FULL
        "foreign_keys": 1,
        "secure_delete": 1,
        "busy_timeout": 15000,
    }


def test_sqlite_writers_queue_instead_of_failing(tmp_path: Path) -> None:
    """A write transaction takes the lock at BEGIN, so a second writer waits, then succeeds."""
    database = Database(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with database.write() as session:
        session.execute(text("CREATE TABLE counter (n INTEGER)"))
        session.execute(text("INSERT INTO counter VALUES (0)"))
    order: list[str] = []
    started = threading.Event()

    def slow_writer() -> None:
        with database.write() as session:
            # The session connects, and so takes the write lock, at its first statement.
            value = session.execute(text("SELECT n FROM counter")).scalar_one()
            started.set()
            time.sleep(0.3)
            session.execute(text("UPDATE counter SET n = :n"), {"n": value + 1})
            order.append("slow")

    thread = threading.Thread(target=slow_writer)
    thread.start()
    started.wait()
    with database.write() as session:
        # Read-modify-write: without BEGIN IMMEDIATE this would read the old value and lose
        # the slow writer's update, or fail with "database is locked" on upgrade.
        value = session.execute(text("SELECT n FROM counter")).scalar_one()
        session.execute(text("UPDATE counter SET n = :n"), {"n": value + 1})
        order.append("fast")
    thread.join()
    with database.read() as session:
        assert session.execute(text("SELECT n FROM counter")).scalar_one() == 2
    assert order == ["slow", "fast"]


@pytest.mark.serial  # bounds wall-clock time
def test_reads_do_not_block_on_a_writer(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with database.write() as session:
        session.execute(text("CREATE TABLE t (n INTEGER)"))
    with database.write() as writer:
        writer.execute(text("INSERT INTO t VALUES (1)"))
        started = time.monotonic()
        with database.read() as reader:
            assert reader.execute(text("SELECT count(*) FROM t")).scalar_one() == 0
        assert time.monotonic() - started < 1


def test_migrations_match_the_models(any_db: Database) -> None:
    """`alembic upgrade head` builds exactly the schema the models declare, on both backends."""
    assert current_revision(any_db) == head_revision()
    with any_db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Model.metadata) == []


def test_upgrade_twice_is_harmless(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert current_revision(database) is None
    upgrade(database)
    upgrade(database)
    assert current_revision(database) == head_revision()


def _alembic_head(migrations: Path) -> str | None:
    return ScriptDirectory(str(migrations)).get_current_head()


def test_the_head_read_from_the_files_is_alembics(tmp_path: Path) -> None:
    """The version check reads the revision files without Alembic; it must find Alembic's head,
    also after a new revision (in the annotated style of newer templates) and a merge."""
    assert head_revision() == _alembic_head(MIGRATIONS)
    migrations = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    versions = migrations / "versions"
    parent = head_revision()
    for revision, down in [("a1", parent), ("b1", parent), ("c1", ("a1", "b1")), ("d1", "c1")]:
        (versions / f"{revision}_x.py").write_text(
            f"revision: str = {revision!r}\ndown_revision: str | tuple[str, ...] = {down!r}\n"
            "def upgrade() -> None: ...\n",
            encoding="utf-8",
        )
        if revision == "b1":  # two heads until the merge: both refuse to name one
            with pytest.raises(RuntimeError, match="one head"):
                head_revision(migrations)
        else:
            assert head_revision(migrations) == _alembic_head(migrations) == revision


def test_a_database_behind_the_code_is_refused(any_db: Database) -> None:
    """An older revision reads as Alembic reads it, and commands refuse to run on it."""
    old = "0004"
    with any_db.write_connection() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :old"), {"old": old})
    with any_db.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == old
    assert current_revision(any_db) == old
    env = {"SURVEY_DATABASE_URL": any_db.engine.url.render_as_string(hide_password=False)}
    refused = run_cli(["class", "list"], env)
    assert refused.returncode == 1
    assert refused.stderr.strip() == "错误：数据库尚未迁移到最新版本，请先运行 `survey db upgrade`"
    status = run_cli(["db", "status"], env)
    assert status.stdout.strip() == (
        f"当前版本：{old}；最新版本：{head_revision()}（需要运行 survey db upgrade）"
    )


def test_postgres_urls_use_psycopg3() -> None:
    assert Database("postgresql://postgres@127.0.0.1:1/none").engine.dialect.driver == "psycopg"


def test_a_write_inside_a_write_is_reported_not_hung(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with database.write(), pytest.raises(RuntimeError, match="inside another"), database.write():
        pass
    with database.write() as session:  # the lock was released
        session.execute(text("SELECT 1"))


@pytest.mark.serial  # bounds wall-clock time
def test_writers_of_another_process_are_waited_for(tmp_path: Path) -> None:
    """The file lock is shared with other processes; a held lock delays, then lets us in."""
    path = tmp_path / "x.sqlite3"
    database = Database(f"sqlite:///{path}")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time\n"
            f"fd = os.open({str(path) + '.writelock'!r}, os.O_RDWR | os.O_CREAT)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep(1)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "held"
    started = time.monotonic()
    with database.write() as session:
        session.execute(text("SELECT 1"))
    waited = time.monotonic() - started
    holder.wait(10)
    assert 0.5 < waited < 5


def test_default_class_names_are_renamed_by_project_and_base(tmp_path: Path) -> None:
    """Revision 0006 renames classes still called "第N项目培训班", keeps a chosen name, and
    its downgrade gives the old names back."""
    database = Database(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    upgrade(database, "0005")
    load_programme(database, bundled_source(2024))
    with database.write() as session:
        session.execute(
            text(
                "UPDATE training_class SET name = '第' || "
                "(SELECT seq FROM project WHERE project.id = training_class.project_id) || "
                "'项目培训班'"
            )
        )
        session.execute(
            text(
                "UPDATE training_class SET name = '第二期' WHERE project_id = "
                "(SELECT id FROM project WHERE seq = 2)"
            )
        )

    def names() -> dict[int, str]:
        with database.read() as session:
            return dict(
                session.execute(  # type: ignore[arg-type]
                    text(
                        "SELECT project.seq, training_class.name FROM training_class "
                        "JOIN project ON project.id = training_class.project_id"
                    )
                ).all()
            )

    upgrade(database)
    renamed = names()
    assert renamed[1] == "集成电路领域领军教师班（山东理工大学）"
    assert renamed[16] == "生物医药领域领军教师班（广东轻工职业技术学院）"
    assert renamed[2] == "第二期"
    command.downgrade(alembic_config(database), "0005")
    restored = names()
    assert restored[1] == "第1项目培训班"
    assert restored[16] == "第16项目培训班"
    assert restored[2] == "第二期"
