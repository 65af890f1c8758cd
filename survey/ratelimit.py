"""Rate limits kept in the database, so every worker behind a load balancer shares them.

Only failures are counted (a mistyped or forged link, a wrong password): real trainees behind
one school Wi-Fi address are never slowed down by each other. Client addresses are stored as
a keyed hash that lives for two windows at most.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from sqlalchemy import DateTime, Integer, String, delete, select, update
from sqlalchemy.orm import Mapped, mapped_column

from survey.db.base import Model
from survey.db.engine import Database
from survey.timezone import as_utc


class RateCounter(Model):
    """Failures of one client in one bucket during one fixed window."""

    __tablename__ = "rate_counter"

    bucket: Mapped[str] = mapped_column(String(30), primary_key=True)
    client: Mapped[str] = mapped_column(String(32), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


def client_key(secret: bytes, address: str) -> str:
    """A keyed hash of a client address: stable for counting, useless for finding the client."""
    return hmac.new(secret, address.encode(), hashlib.sha256).hexdigest()[:32]


def _window(now: datetime, seconds: int) -> datetime:
    epoch = int(as_utc(now).timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=as_utc(now).tzinfo)


def is_limited(
    db: Database, bucket: str, client: str, limit: int, seconds: int, now: datetime
) -> bool:
    """Whether ``client`` has reached ``limit`` failures in the current window of ``bucket``."""
    with db.read() as session:
        count = session.scalar(
            select(RateCounter.count).where(
                RateCounter.bucket == bucket,
                RateCounter.client == client,
                RateCounter.window_start == _window(now, seconds),
            )
        )
    return (count or 0) >= limit


def record_failure(db: Database, bucket: str, client: str, seconds: int, now: datetime) -> None:
    """Count one failure of ``client`` in ``bucket``, and forget windows that have passed."""
    window = _window(now, seconds)
    with db.write() as session:
        session.execute(
            delete(RateCounter).where(
                RateCounter.window_start < window - timedelta(seconds=seconds)
            )
        )
        bumped = session.execute(
            update(RateCounter)
            .where(
                RateCounter.bucket == bucket,
                RateCounter.client == client,
                RateCounter.window_start == window,
            )
            .values(count=RateCounter.count + 1)
        )
        if bumped.rowcount == 0:  # type: ignore[attr-defined]
            session.add(RateCounter(bucket=bucket, client=client, window_start=window, count=1))
