"""Making deleted and overwritten rows unreadable in the database files, not only invisible.

A DELETE or UPDATE leaves the old row behind: in SQLite's write-ahead log until a checkpoint
(``secure_delete`` then zeroes it in the main file), in PostgreSQL's heap as a dead tuple until
VACUUM. A copy of the files would still hold what was promised gone: redacted comment
originals, purged roster fields, the pool of a released class. :func:`forget_deleted` runs after
the commit that deleted them (neither a checkpoint nor VACUUM may run inside a transaction).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.exc import DBAPIError

from survey.db.base import Model
from survey.db.engine import Database

__all__ = ["forget_deleted"]


def forget_deleted(db: Database, models: Iterable[type[Model]], *, full: bool = False) -> bool:
    """Scrub the old row versions of ``models``' tables; True when that completed.

    SQLite: checkpoint the whole write-ahead log into the main file and truncate it (with
    ``secure_delete`` on, freed content in the main file is zeroed). PostgreSQL: VACUUM the
    tables; ``full`` rewrites them into new files (VACUUM FULL, an exclusive lock for the
    rewrite), for small tables whose old bytes are plain text. False when a reader kept the
    checkpoint from finishing or VACUUM failed: the data change itself stands.
    """
    if db.is_sqlite:
        raw = db.engine.raw_connection()
        try:
            # The connection is in autocommit (no implicit BEGIN), which a checkpoint needs.
            cursor = raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]
            busy, _, _ = cursor.fetchone()
        finally:
            raw.close()
        return bool(busy == 0)
    preparer = db.engine.dialect.identifier_preparer
    names = ", ".join(preparer.quote(model.__tablename__) for model in models)
    try:
        with db.engine.connect() as connection:
            autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
            autocommit.exec_driver_sql(f"VACUUM {'FULL ' if full else ''}{names}")
    except DBAPIError:
        return False
    return True
