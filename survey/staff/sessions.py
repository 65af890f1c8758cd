"""Server-side staff sessions in the database, so every worker behind a load balancer sees them.

The browser holds a random 256-bit id in an HttpOnly cookie; the table holds its keyed digest,
the account, when it was last used and when it ends. A session ends after ``idle`` minutes
without a request, after :data:`MAX_AGE` in any case, at logout, and when its account is
disabled or its password is reset.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from survey.db.engine import Database
from survey.staff.access import Principal
from survey.staff.accounts import principal_of
from survey.staff.models import StaffSession, StaffUser
from survey.staff.secrets import SESSION_PURPOSE, keyed_digest, new_secret
from survey.timezone import as_utc

#: The longest a session lasts, however active.
MAX_AGE = timedelta(hours=12)
#: How stale ``seen_at`` may get before a request refreshes it: one write a minute, not one
#: per page.
TOUCH_EVERY = timedelta(seconds=60)


def start_session(db: Database, secret: bytes, user_id: int, now: datetime) -> str:
    """A new session for ``user_id``; returns the id for the cookie (never stored as such).

    Sessions that have ended are deleted on the way, so the table does not grow.
    """
    session_id = new_secret()
    with db.write() as session:
        session.execute(delete(StaffSession).where(StaffSession.expires_at <= now))
        session.add(
            StaffSession(
                digest=keyed_digest(secret, SESSION_PURPOSE, session_id),
                user_id=user_id,
                created_at=now,
                seen_at=now,
                expires_at=now + MAX_AGE,
            )
        )
    return session_id


def session_principal(
    db: Database, secret: bytes, session_id: str, now: datetime, idle: timedelta
) -> Principal | None:
    """The account of a live session, or None for an unknown, idle, expired or disabled one."""
    if not session_id or len(session_id) > 100:
        return None
    digest = keyed_digest(secret, SESSION_PURPOSE, session_id)
    with db.read() as session:
        row = session.execute(
            select(StaffSession, StaffUser)
            .join(StaffUser, StaffUser.id == StaffSession.user_id)
            .where(StaffSession.digest == digest)
        ).first()
        if row is None:
            return None
        staff_session, user = row
        seen_at = as_utc(staff_session.seen_at)
        alive = user.active and as_utc(staff_session.expires_at) > now and seen_at + idle > now
        principal = principal_of(user) if alive else None
    if principal is None:
        end_session(db, secret, session_id)
        return None
    if now - seen_at >= TOUCH_EVERY:
        with db.write() as session:
            session.execute(
                update(StaffSession).where(StaffSession.digest == digest).values(seen_at=now)
            )
    return principal


def end_session(db: Database, secret: bytes, session_id: str) -> None:
    """Delete the session (logout); nothing happens for an unknown id."""
    digest = keyed_digest(secret, SESSION_PURPOSE, session_id)
    with db.write() as session:
        session.execute(delete(StaffSession).where(StaffSession.digest == digest))
