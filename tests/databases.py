"""Throwaway databases for tests: a SQLite file or a fresh PostgreSQL database per test.

``SURVEY_TEST_DATABASE`` chooses the default backend: unset or ``sqlite`` for SQLite, or the
URL of a PostgreSQL server's maintenance database (``postgresql://postgres@127.0.0.1:5432/postgres``),
on which each test gets a database of its own, dropped afterwards. Tests that must run on both
backends ask for PostgreSQL explicitly; they skip with a reason when no server answers, unless
``SURVEY_REQUIRE_POSTGRES=1`` (CI), where an absent server fails the run.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from survey.db.engine import Database
from survey.db.migrate import upgrade

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def default_backend() -> str:
    """``sqlite`` or ``postgresql``: the backend this run tests by default."""
    value = os.environ.get("SURVEY_TEST_DATABASE", "sqlite")
    return "postgresql" if value.startswith("postgresql") else "sqlite"


def postgres_admin_url() -> str:
    """URL of the PostgreSQL maintenance database used to create throwaway databases."""
    value = os.environ.get("SURVEY_TEST_DATABASE", "")
    url = make_url(value if value.startswith("postgresql") else DEFAULT_POSTGRES)
    return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


_postgres_ok: bool | None = None


def require_postgres() -> None:
    """Skip (or, where PostgreSQL is required, fail) when no PostgreSQL server answers."""
    global _postgres_ok
    if _postgres_ok is None:
        try:
            engine = create_engine(postgres_admin_url(), connect_args={"connect_timeout": 3})
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            engine.dispose()
            _postgres_ok = True
        except Exception:
            _postgres_ok = False
    if not _postgres_ok:
        message = f"PostgreSQL is not reachable at {postgres_admin_url()}"
        if os.environ.get("SURVEY_REQUIRE_POSTGRES") == "1":
            pytest.fail(message + " and SURVEY_REQUIRE_POSTGRES=1")
        pytest.skip(message)


_templates: dict[str, str] = {}


def _sqlite_template(root: Path) -> Path:
    template = root / "template.sqlite3"
    if not template.exists():
        database = Database(f"sqlite:///{template}")
        upgrade(database)
        database.dispose()
    return template


def _postgres_template() -> str:
    if "postgresql" not in _templates:
        name = f"survey_tmpl_{secrets.token_hex(4)}"
        admin = create_engine(postgres_admin_url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = make_url(postgres_admin_url()).set(database=name)
        database = Database(url.render_as_string(hide_password=False))
        upgrade(database)
        database.dispose()
        _templates["postgresql"] = name
    return _templates["postgresql"]


def drop_postgres_templates() -> None:
    """Drop the migrated template database at the end of the run."""
    name = _templates.pop("postgresql", None)
    if name:
        admin = create_engine(postgres_admin_url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def fresh_database(backend: str, tmp_path: Path, template_root: Path) -> Iterator[Database]:
    """A migrated, empty database of ``backend`` that is removed afterwards.

    Copies a template migrated once per run, so each test pays for a file copy or a
    ``CREATE DATABASE … TEMPLATE`` rather than for running every migration.
    """
    if backend == "sqlite":
        path = tmp_path / "survey.sqlite3"
        shutil.copyfile(_sqlite_template(template_root), path)
        database = Database(f"sqlite:///{path}")
        try:
            yield database
        finally:
            database.dispose()
        return
    require_postgres()
    template = _postgres_template()
    name = f"survey_test_{secrets.token_hex(6)}"
    admin = create_engine(postgres_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    url = make_url(postgres_admin_url()).set(database=name)
    database = Database(url.render_as_string(hide_password=False))
    try:
        yield database
    finally:
        database.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def stored_bytes(db: Database) -> bytes:
    """Every byte the database's files hold for its tables: what a copy of the files would show.

    SQLite: the database file and its write-ahead log. PostgreSQL: after a CHECKPOINT, the files
    of every table, TOAST table and index of the database (read with ``pg_read_binary_file``,
    which needs a superuser, as the test server's ``postgres`` is).
    """
    if db.is_sqlite:
        path = Path(db.engine.url.database or "")
        wal = path.with_name(path.name + "-wal")
        return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    with db.engine.connect() as connection:
        autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
        autocommit.exec_driver_sql("CHECKPOINT")
        paths = (
            autocommit.exec_driver_sql(
                "SELECT pg_relation_filepath(c.oid) FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname IN ('public', 'pg_toast') AND c.relkind IN ('r', 't', 'i')"
            )
            .scalars()
            .all()
        )
        return b"".join(
            autocommit.exec_driver_sql(
                "SELECT pg_read_binary_file(%(path)s)", {"path": path}
            ).scalar_one()
            for path in paths
            if path is not None
        )
