"""Alembic migrations, run from code so the CLI and the tests share one path.

Every CLI command first checks that the database is at the newest revision, so that check
must not import Alembic (a tenth of a second, more than the rest of a quick command's own
work): the head is read from the revision files without running them, and the database's
revision from Alembic's version table with SQLAlchemy alone. Alembic loads only to migrate.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import String, column, inspect, select, table

from survey.db.engine import Database

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
#: Alembic's default name, which ``migrations/env.py`` keeps.
VERSION_TABLE = "alembic_version"
#: ``revision = "0005"``, or with an annotation: ``down_revision: str | None = "0004"``.
_FIELD_LINE = re.compile(r"(?P<name>revision|down_revision)\s*(?::[^=]*)?=\s*(?P<value>.+)")


def alembic_config(db: Database) -> Config:
    """An Alembic configuration that runs on ``db``'s engine."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = db.engine
    return config


def upgrade(db: Database, revision: str = "head") -> None:
    """Migrate ``db`` to ``revision`` (default: the newest)."""
    from alembic import command

    command.upgrade(alembic_config(db), revision)


def current_revision(db: Database) -> str | None:
    """The revision ``db`` is at, or None for an empty database."""
    with db.read_connection() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        # One row: the history is linear (head_revision refuses a branched one).
        version = select(column("version_num", String)).select_from(table(VERSION_TABLE))
        return connection.execute(version).scalar_one_or_none()


def head_revision(migrations: Path = MIGRATIONS) -> str:
    """The newest revision in ``migrations``: the one no other revision revises."""
    revised: set[str] = set()
    revisions: list[str] = []
    for revision, down_revisions in _revision_graph(migrations / "versions"):
        revisions.append(revision)
        revised.update(down_revisions)
    heads = [revision for revision in revisions if revision not in revised]
    if len(heads) != 1:
        raise RuntimeError(f"{migrations} should have one head revision, not {heads}")
    return heads[0]


def _revision_graph(versions: Path) -> Iterator[tuple[str, tuple[str, ...]]]:
    """Each revision file's ``revision`` and ``down_revision`` (none, one, or several for a
    merge), read from its module-level assignments without running it."""
    for path in sorted(versions.glob("*.py")):
        fields = _revision_fields(path)
        revision, down = fields["revision"], fields.get("down_revision")
        assert isinstance(revision, str), path
        if isinstance(down, str):
            yield revision, (down,)
        else:
            assert down is None or isinstance(down, tuple | list), path
            yield revision, tuple(down or ())


def _revision_fields(path: Path) -> dict[str, object]:
    """The values ``path`` assigns to ``revision`` and ``down_revision``.

    Alembic's template writes each on a line of its own at module level; reading only those
    lines, not parsing the whole file, keeps the check cheap however many revisions accumulate.
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    found = (_FIELD_LINE.fullmatch(line) for line in lines)
    return {match["name"]: ast.literal_eval(match["value"]) for match in found if match}
