"""Rate limits kept in the database, so every worker behind a load balancer shares them.

A limit is a counter per (bucket, key) and fixed window. :func:`take` counts one attempt in the
same statement that checks the limit (an upsert that only increments below the limit), so
concurrent requests cannot all pass a check made before any of them counted. Callers count
only failures, or count first and :func:`give_back` on success: real trainees behind one school
Wi-Fi address are never slowed down by each other. Keys are keyed hashes of client addresses and
account names, kept for two windows at most.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import DateTime, Integer, String, delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, mapped_column

from anonymity.retry import retryable
from survey.db.base import Model
from survey.db.engine import Database
from survey.timezone import as_utc


class RateCounter(Model):
    """Attempts of one key in one bucket during one fixed window."""

    __tablename__ = "rate_counter"

    bucket: Mapped[str] = mapped_column(String(30), primary_key=True)
    client: Mapped[str] = mapped_column(String(32), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


@dataclass(frozen=True)
class Limit:
    """At most ``limit`` attempts of ``key`` in ``bucket`` per window of ``seconds``."""

    bucket: str
    key: str
    limit: int
    seconds: int


def client_key(secret: bytes, address: str) -> str:
    """A keyed hash of a client address: stable for counting, useless for finding the client."""
    return hmac.new(secret, address.encode(), hashlib.sha256).hexdigest()[:32]


def _window(now: datetime, seconds: int) -> datetime:
    epoch = int(as_utc(now).timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=as_utc(now).tzinfo)


class _LimitReachedError(Exception):
    """One of the limits is reached: roll back the counts already taken."""


def _take_one(connection: Connection, limit: Limit, now: datetime) -> bool:
    window = _window(now, limit.seconds)
    connection.execute(
        delete(RateCounter).where(
            RateCounter.bucket == limit.bucket,
            RateCounter.window_start < window - timedelta(seconds=limit.seconds),
        )
    )
    insert = sqlite_insert if connection.dialect.name == "sqlite" else postgresql_insert
    new_row = insert(RateCounter).values(
        bucket=limit.bucket, client=limit.key, window_start=window, count=1
    )
    # Count and check in one statement: a row at its limit is left alone and returns nothing.
    statement = new_row.on_conflict_do_update(
        index_elements=["bucket", "client", "window_start"],
        set_={"count": RateCounter.count + 1},
        where=RateCounter.count < limit.limit,
    ).returning(RateCounter.count)
    return connection.execute(statement).first() is not None


def _reached(db: Database, limits: Sequence[Limit], now: datetime) -> bool:
    with db.read_connection() as connection:
        for limit in limits:
            count = connection.execute(
                select(RateCounter.count).where(
                    RateCounter.bucket == limit.bucket,
                    RateCounter.client == limit.key,
                    RateCounter.window_start == _window(now, limit.seconds),
                )
            ).scalar()
            if count is not None and count >= limit.limit:
                return True
    return False


def take(db: Database, limits: Sequence[Limit], now: datetime) -> bool:
    """Count one attempt against every limit of ``limits``, all or none.

    Returns False, counting nothing, when any of them is already reached.
    """
    # A client over its limit is answered from a read: a flood of forged links must not queue
    # for SQLite's one writer ahead of real submits. Below the limit the write decides.
    if _reached(db, limits, now):
        return False
    try:
        with retryable(), db.write_connection() as connection:
            for limit in limits:
                if not _take_one(connection, limit, now):
                    raise _LimitReachedError
    except _LimitReachedError:
        return False
    return True


def give_back(db: Database, limits: Sequence[Limit], now: datetime) -> None:
    """Undo one attempt counted by :func:`take` at ``now`` (an attempt that succeeded)."""
    with retryable(), db.write_connection() as connection:
        for limit in limits:
            connection.execute(
                update(RateCounter)
                .where(
                    RateCounter.bucket == limit.bucket,
                    RateCounter.client == limit.key,
                    RateCounter.window_start == _window(now, limit.seconds),
                    RateCounter.count > 0,
                )
                .values(count=RateCounter.count - 1)
            )
