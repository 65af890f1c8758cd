"""Alembic migrations, run from code so the CLI and the tests share one path."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from survey.db.engine import Database

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(db: Database) -> Config:
    """An Alembic configuration that runs on ``db``'s engine."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = db.engine
    return config


def upgrade(db: Database, revision: str = "head") -> None:
    """Migrate ``db`` to ``revision`` (default: the newest)."""
    command.upgrade(alembic_config(db), revision)


def current_revision(db: Database) -> str | None:
    """The revision ``db`` is at, or None for an empty database."""
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(db: Database) -> str | None:
    """The newest revision the code ships."""
    return ScriptDirectory.from_config(alembic_config(db)).get_current_head()
