"""Tables of the staff side: accounts, sessions, API tokens, the audit log, finished reviews.

Nothing here refers to a trainee or to an answer. Sessions and API tokens are stored as keyed
digests (HMAC under a subkey of the server secret), like trainee tokens: someone who reads the
database cannot log in with what they read.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.db.base import Model
from survey.programme.models import Province, TrainingBase

#: The roles an account can have.
ROLES = ("ministry", "base", "province")
#: Length of an account name.
NAME_LENGTH = 100


class StaffUser(Model):
    """A staff account: the ministry, one base, or one province."""

    __tablename__ = "staff_user"
    __table_args__ = (
        CheckConstraint(
            "(role = 'ministry' AND base_id IS NULL AND province_id IS NULL)"
            " OR (role = 'base' AND base_id IS NOT NULL AND province_id IS NULL)"
            " OR (role = 'province' AND province_id IS NOT NULL AND base_id IS NULL)",
            name="role_scope",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)
    role: Mapped[str] = mapped_column(String(10))
    base_id: Mapped[int | None] = mapped_column(ForeignKey("training_base.id"), default=None)
    province_id: Mapped[int | None] = mapped_column(ForeignKey("province.id"), default=None)
    #: Argon2id hash in PHC string format (algorithm, parameters and salt included).
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    base: Mapped[TrainingBase | None] = relationship()
    province: Mapped[Province | None] = relationship()


class StaffSession(Model):
    """A logged-in browser. The cookie holds a random id; the table only its keyed digest."""

    __tablename__ = "staff_session"

    digest: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: Last request, refreshed at most once a minute; the idle timeout counts from here.
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: The absolute end of the session, however active it is.
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class ApiToken(Model):
    """A bearer token for scripts, shown once when created; only its keyed digest is kept."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    digest: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    label: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class AuditEntry(Model):
    """One staff action: who, what, on which object, when.

    ``summary`` is Chinese text written by the application from counts and names of staff
    objects (classes, bases, accounts); it never holds a trainee's name, mobile or answer.
    """

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    #: The account, kept as a name too so that the log outlives a renamed or deleted account.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), default=None
    )
    user_name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    action: Mapped[str] = mapped_column(String(40), index=True)
    #: The object acted on, as "kind:id" ("class:3", "programme:2024", "user:7"), or "".
    target: Mapped[str] = mapped_column(String(100), default="")
    summary: Mapped[str] = mapped_column(Text, default="")


class ReminderRequest(Model):
    """A base's request that its class's outstanding trainees be reminded.

    The base never receives a link: the ministry (or a province, for its own trainees) sends
    the reminder from its export. Counts and staff names only.
    """

    __tablename__ = "reminder_request"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_id: Mapped[int] = mapped_column(
        ForeignKey("training_class.id", ondelete="CASCADE"), index=True
    )
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    requested_by: Mapped[str] = mapped_column(String(NAME_LENGTH))
    #: Outstanding trainees when the base asked (a count, for the ministry's page).
    outstanding: Mapped[int] = mapped_column(Integer)
    #: When and by whom the reminder list was exported; NULL while the request waits.
    handled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    handled_by: Mapped[str | None] = mapped_column(String(NAME_LENGTH), default=None)


class CommentReview(Model):
    """The end of a class's free-text review: after it, originals of redacted comments are gone
    and the class's published comments may be shown to its base."""

    __tablename__ = "comment_review"

    class_id: Mapped[int] = mapped_column(
        ForeignKey("training_class.id", ondelete="CASCADE"), primary_key=True
    )
    finished_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    user_name: Mapped[str] = mapped_column(String(NAME_LENGTH))
