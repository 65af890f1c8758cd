"""Which database errors are transient (retry) and which are bugs (propagate)."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from anonymity.errors import RetryLaterError
from anonymity.retry import retryable, transient_reason


class _PostgresError(Exception):
    def __init__(self, sqlstate: str | None) -> None:
        super().__init__("driver message")
        self.sqlstate = sqlstate


def _sqlite_error(name: str) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError("driver message")
    error.sqlite_errorname = name
    return error


@pytest.mark.parametrize(
    ("original", "reason"),
    [
        (_sqlite_error("SQLITE_BUSY"), "SQLITE_BUSY"),
        (_sqlite_error("SQLITE_BUSY_SNAPSHOT"), "SQLITE_BUSY_SNAPSHOT"),
        (_sqlite_error("SQLITE_FULL"), "SQLITE_FULL"),
        (_sqlite_error("SQLITE_IOERR_FSYNC"), "SQLITE_IOERR_FSYNC"),
        (_sqlite_error("SQLITE_ERROR"), None),  # e.g. "no such table": a bug, not a retry
        (_PostgresError("40001"), "40001"),  # serialization failure
        (_PostgresError("40P01"), "40P01"),  # deadlock
        (_PostgresError("55P03"), "55P03"),  # lock_timeout
        (_PostgresError("53100"), "53100"),  # disk full
        (_PostgresError("57014"), "57014"),  # statement_timeout
        (_PostgresError("08006"), "08006"),  # connection failure
        (_PostgresError("42P01"), None),  # undefined table
        (_PostgresError(None), "_PostgresError"),  # no server answer at all
    ],
)
def test_operational_errors(original: Exception, reason: str | None) -> None:
    assert transient_reason(OperationalError("SQL", {"digest": b"x"}, original)) == reason


def test_constraint_violations_and_programming_errors_are_bugs() -> None:
    assert transient_reason(IntegrityError("SQL", {}, _PostgresError("23505"))) is None
    assert transient_reason(ProgrammingError("SQL", {}, _PostgresError(None))) is None
    assert transient_reason(ValueError("x")) is None


def test_pool_timeout_is_transient() -> None:
    assert transient_reason(PoolTimeoutError("pool exhausted")) == "connection pool exhausted"


def test_retryable_hides_the_statement_and_its_parameters() -> None:
    with pytest.raises(RetryLaterError) as caught, retryable():
        raise OperationalError(
            "UPDATE token", {"digest": b"secret-digest"}, _PostgresError("55P03")
        )
    assert caught.value.reason == "55P03"
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__
    assert "secret-digest" not in str(caught.value)


def test_retryable_lets_bugs_through() -> None:
    with pytest.raises(IntegrityError), retryable():
        raise IntegrityError("INSERT", {}, _PostgresError("23505"))
