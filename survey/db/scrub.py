"""Making deleted and overwritten rows unreadable in the database files, not only invisible.

A DELETE or UPDATE leaves the old row behind: in SQLite's write-ahead log until a checkpoint
(``secure_delete`` then zeroes it in the main file), in PostgreSQL's heap as a dead tuple until
VACUUM. A copy of the files would still hold what was promised gone: redacted comment
originals, purged roster fields, the pool of a released class. :func:`forget_deleted` runs after
the commit that deleted them (neither a checkpoint nor VACUUM may run inside a transaction).
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from survey.db.base import Model
from survey.db.engine import Database

__all__ = ["SNAPSHOT_WAIT_SECONDS", "forget_deleted"]

#: How long a scrub on PostgreSQL waits for older transactions that may still see the rows.
SNAPSHOT_WAIT_SECONDS = 10.0


def forget_deleted(db: Database, models: Iterable[type[Model]], *, full: bool = False) -> bool:
    """Scrub the old row versions of ``models``' tables; True when that completed.

    SQLite: checkpoint the whole write-ahead log into the main file and truncate it (with
    ``secure_delete`` on, freed content in the main file is zeroed). PostgreSQL: VACUUM the
    tables; ``full`` rewrites them into new files (VACUUM FULL, an exclusive lock for the
    rewrite), for small tables whose old bytes are plain text, after waiting a little for
    transactions that could still see the old rows. False when a reader kept the checkpoint
    from finishing, such a transaction outlived the wait, or VACUUM failed: the data change
    itself stands.
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
            settled = _wait_for_older_snapshots(autocommit)
            autocommit.exec_driver_sql(f"VACUUM {'FULL ' if full else ''}{names}")
    except DBAPIError:
        return False
    return settled


def _wait_for_older_snapshots(connection: Connection) -> bool:
    """Wait until no transaction on the server that began before now holds a snapshot.

    VACUUM keeps a deleted row as long as some snapshot may still see it; only transactions
    that began before the delete committed can. Those of other databases count too: a
    CREATE DATABASE running elsewhere on the server held rows back in the tests. True when none
    is left; False when one outlived :data:`SNAPSHOT_WAIT_SECONDS` (its rows stay until the
    next VACUUM).
    """
    since = connection.exec_driver_sql("SELECT clock_timestamp()").scalar_one()
    deadline = time.monotonic() + SNAPSHOT_WAIT_SECONDS
    while connection.exec_driver_sql(
        "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
        " AND backend_xmin IS NOT NULL"
        " AND xact_start < %(since)s",
        {"since": since},
    ).scalar_one():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
