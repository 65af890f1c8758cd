"""The tables the anonymity package owns.

What each table may hold is the protocol itself, so every column is listed with its reason:

* ``token``: one row per issued token. ``digest`` is the HMAC of the token (the token itself is
  never stored in the clear). While the token is live, ``trainee_id`` links it to its roster
  entry, ``draft`` may hold a sealed draft and ``sealed_token`` holds the token sealed under a
  subkey of the server secret (so that a reminder re-sends the same link); spending sets
  ``trainee_id``, ``draft`` and ``sealed_token`` to NULL and ``spent`` to true in one
  conditional UPDATE. The spent row stays so that a second visit can say "已提交" without any
  link to a person; a database check keeps "live" and "linked" equal.
  No timestamps.
* ``sealed_pool``: the sealed answers of a class during its window. A random id, the class and
  questionnaire version (both released with the response anyway) and the sealed bytes: no
  trainee, digest or time.
* ``response``: a released answer set. A fresh random UUID as primary key (no autoincrement),
  its class, questionnaire version, release date and the answers without free text.
* ``comment``: a released free-text answer, split off its answer set and shuffled separately
  with its own random id, so its wording cannot be joined to its author's ratings. Review state
  (pending / published / hidden) and a redacted text for the reviewer's edits.

On SQLite every table here is ``WITHOUT ROWID``: rows are stored in the order of their random
(or keyed) primary key, and there is no hidden rowid that counts insertions.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    LargeBinary,
    String,
    Text,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from survey.db.base import Model

#: Longest questionnaire version string (a content hash).
VERSION_LENGTH = 100
#: Review states of a comment.
COMMENT_STATES = ("pending", "published", "hidden")


class Token(Model):
    """An issued token, known to the database only by its keyed digest."""

    __tablename__ = "token"
    __table_args__ = (
        CheckConstraint(
            "(spent AND trainee_id IS NULL AND draft IS NULL)"
            " OR (NOT spent AND trainee_id IS NOT NULL)",
            name="live_or_spent",
        ),
        {"sqlite_with_rowid": False},
    )

    #: HMAC-SHA256 of the token under the server's digest key.
    digest: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    class_id: Mapped[int] = mapped_column(
        ForeignKey("training_class.id", ondelete="CASCADE"), index=True
    )
    #: The roster entry while the token is live; NULL once spent. Unique: one live token each.
    trainee_id: Mapped[int | None] = mapped_column(
        ForeignKey("trainee.id", ondelete="CASCADE"), unique=True
    )
    spent: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The draft sealed under a key derived from the token; NULL when there is none.
    draft: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    #: The live token sealed under the server's token-sealing key, so a reminder re-sends the
    #: same link; NULL once spent, and after its class closes.
    sealed_token: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)


class PoolEntry(Model):
    """A sealed submission waiting for its class to close."""

    __tablename__ = "sealed_pool"
    __table_args__ = ({"sqlite_with_rowid": False},)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    class_id: Mapped[int] = mapped_column(
        ForeignKey("training_class.id", ondelete="CASCADE"), index=True
    )
    questionnaire_version: Mapped[str] = mapped_column(String(VERSION_LENGTH))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


class Response(Model):
    """A released answer set: its class, questionnaire version, release date and answers only."""

    __tablename__ = "response"
    __table_args__ = ({"sqlite_with_rowid": False},)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    class_id: Mapped[int] = mapped_column(
        ForeignKey("training_class.id", ondelete="CASCADE"), index=True
    )
    questionnaire_version: Mapped[str] = mapped_column(String(VERSION_LENGTH))
    released_on: Mapped[date] = mapped_column(Date)
    #: ``dict[str, int | str | list[str]]`` without the free-text fields.
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)


class Comment(Model):
    """A released free-text answer, unlinked from the answer set it came from."""

    __tablename__ = "comment"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'published', 'hidden')",
            name="status",
        ),
        {"sqlite_with_rowid": False},
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    class_id: Mapped[int] = mapped_column(
        ForeignKey("training_class.id", ondelete="CASCADE"), index=True
    )
    #: Which questionnaire the field belongs to (a class may answer several).
    questionnaire_version: Mapped[str] = mapped_column(String(VERSION_LENGTH))
    #: The free-text item's field id.
    field: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    #: "pending" until a reviewer publishes or hides it; only "published" is ever shown.
    status: Mapped[str] = mapped_column(String(10), default="pending")
    #: The reviewer's edited text (names, phone numbers removed); shown instead of ``text``.
    redacted_text: Mapped[str | None] = mapped_column(Text, default=None)
