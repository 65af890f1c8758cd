"""Turning transient database failures into one retryable exception.

Every transaction of this package runs inside :func:`retryable`. A busy or locked SQLite file, a
full disk, a PostgreSQL lock timeout, serialization failure, deadlock, resource shortage or lost
connection becomes :class:`~anonymity.errors.RetryLaterError`, raised after the transaction has been
rolled back, so the web app can show "please retry" knowing nothing was written. Any other
database error (a bug) propagates unchanged.

The original exception is deliberately not chained: SQLAlchemy puts statement parameters (token
digests, sealed bytes) into its messages, and a chained cause would carry them into tracebacks
and logs. ``RetryLaterError.reason`` keeps the error code for operators.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from anonymity.errors import RetryLaterError

# SQLite primary result codes after which the same transaction may succeed later.
_SQLITE_TRANSIENT = (
    "SQLITE_BUSY",
    "SQLITE_LOCKED",
    "SQLITE_FULL",
    "SQLITE_IOERR",
    "SQLITE_PROTOCOL",
)
# PostgreSQL SQLSTATE classes: 08 connection exception, 40 transaction rollback (serialization
# failure, deadlock), 53 insufficient resources (disk full, out of memory, too many
# connections), 57 operator intervention (query canceled, shutdown), 58 system error (I/O).
_POSTGRES_TRANSIENT_CLASSES = ("08", "40", "53", "57", "58")
# Single PostgreSQL states outside those classes: lock_not_available (lock_timeout, NOWAIT).
_POSTGRES_TRANSIENT_STATES = ("55P03",)


def transient_reason(error: BaseException) -> str | None:
    """The error code if ``error`` is a transient database failure, else None."""
    if isinstance(error, PoolTimeoutError):
        return "connection pool exhausted"
    if not isinstance(error, DBAPIError):
        return None
    original = error.orig
    sqlite_name = getattr(original, "sqlite_errorname", None)
    if isinstance(sqlite_name, str):
        return sqlite_name if sqlite_name.startswith(_SQLITE_TRANSIENT) else None
    sqlstate = getattr(original, "sqlstate", None)
    if isinstance(sqlstate, str):
        transient = sqlstate[:2] in _POSTGRES_TRANSIENT_CLASSES
        return sqlstate if transient or sqlstate in _POSTGRES_TRANSIENT_STATES else None
    if error.connection_invalidated:
        return "connection lost"
    # A driver-level OperationalError without a code: the server could not be reached.
    if isinstance(error, OperationalError):
        return type(original).__name__ if original is not None else "operational error"
    return None


@contextmanager
def retryable() -> Iterator[None]:
    """Re-raise transient database failures inside the block as :class:`RetryLaterError`."""
    try:
        yield
    except (DBAPIError, PoolTimeoutError) as error:
        reason = transient_reason(error)
        if reason is None:
            raise
        raise RetryLaterError(reason) from None
