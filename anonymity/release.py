"""Releasing a class: the pool becomes shuffled, anonymous responses, all in one transaction.

:func:`release_class` is the close of a class as far as anonymity is concerned. In one write
transaction it locks the class row (waiting for submits in flight), opens every sealed entry of
the class's pool, splits the free-text answers off, shuffles the answer sets and, separately,
the texts with ``secrets.SystemRandom``, inserts them under fresh random UUIDs, deletes the pool
rows, clears the drafts of tokens that were never used, and marks the class closed with its
release date. Nothing of it is visible before the commit and all of it is after.

What then cannot link a response to its author, and why:

* ids are fresh ``uuid4`` values, unrelated to the pool's ids or to anything else;
* rows are inserted in shuffled order: PostgreSQL's physical order (``ctid``) follows that
  shuffle, ``xmin`` is the same for the whole class, SQLite stores by the random id (``WITHOUT
  ROWID``), so neither default order nor any hidden column follows the submission order;
* a response carries its class, questionnaire version and the release date, not a time;
* comments are shuffled independently of responses, so position does not join them either;
* the pool rows are deleted in the same transaction and their bytes scrubbed: SQLite overwrites
  deleted content (``secure_delete``, checked here) and PostgreSQL's pool table is vacuumed
  right after the commit (``VACUUM`` cannot run inside a transaction).
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, or_, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from anonymity.answers import split_free_text
from anonymity.errors import AnonymityError
from anonymity.keys import derive_keys
from anonymity.locking import lock_class_for_release
from anonymity.models import Comment, PoolEntry, Response, Token
from anonymity.retry import retryable
from anonymity.sealing import open_submission
from survey.db.engine import Database
from survey.programme.models import TrainingClass


@dataclass(frozen=True)
class ReleaseResult:
    """What a release did: counts only."""

    #: Answer sets released as responses.
    responses: int
    #: Free-text answers released as comments.
    comments: int
    #: Whether the deleted pool rows were scrubbed (SQLite secure_delete, PostgreSQL VACUUM).
    #: False only if VACUUM failed after the commit; the release itself stands.
    scrubbed: bool


def release_class(
    db: Database,
    secret: bytes,
    class_id: int,
    today: date,
    *,
    text_fields: Collection[str],
    before_commit: Callable[[Session, ReleaseResult], None] | None = None,
) -> ReleaseResult:
    """Close the class and release its pool, shuffled, in one transaction.

    ``text_fields`` are the field ids of free-text items of the class's questionnaires (the
    union of ``ScoringRules.text_items``); they are split off into comments. It is required on
    purpose: forgetting it would release texts joined to their author's ratings.

    Sets the class's ``state`` to "closed" and ``released_on`` to ``today``. Idempotent: a
    closed class with an empty pool is left unchanged. ``before_commit`` runs inside the release
    transaction once its counts are known (the caller's audit entry), so both commit or neither.
    Raises ``UnknownClassError``,
    ``RetryLaterError`` (nothing written), or ``SealError`` if a pool entry does not open (then
    nothing is released: an operator must look at the pool).
    """
    if isinstance(today, datetime):
        # A datetime would store the moment of release: a date is all a response may carry.
        raise TypeError("the release date must be a date, not a datetime")
    keys = derive_keys(secret)
    texts = frozenset(text_fields)
    shuffle = secrets.SystemRandom().shuffle
    with retryable(), db.write() as session:
        connection = session.connection()
        if db.is_sqlite:
            _require_secure_delete(connection)
        state = lock_class_for_release(connection, class_id)
        pool = connection.execute(
            select(PoolEntry.id, PoolEntry.questionnaire_version, PoolEntry.sealed).where(
                PoolEntry.class_id == class_id
            )
        ).all()
        if not pool and state == "closed":
            return ReleaseResult(responses=0, comments=0, scrubbed=True)
        responses: list[dict[str, Any]] = []
        comments: list[dict[str, Any]] = []
        for _, version, sealed in pool:
            answers = open_submission(keys, class_id, version, sealed)
            kept, free_texts = split_free_text(answers, texts)
            responses.append(
                {
                    "class_id": class_id,
                    "questionnaire_version": version,
                    "released_on": today,
                    "answers": kept,
                }
            )
            comments.extend(
                {
                    "class_id": class_id,
                    "questionnaire_version": version,
                    "field": free_text.field,
                    "text": free_text.text,
                    "status": "pending",
                    "redacted_text": None,
                }
                for free_text in free_texts
            )
        # Two independent shuffles: a comment's position says nothing about its author's row.
        shuffle(responses)
        shuffle(comments)
        for row in responses:
            row["id"] = uuid.uuid4()
        for row in comments:
            row["id"] = uuid.uuid4()
        if responses:
            connection.execute(insert(Response), responses)
        if comments:
            connection.execute(insert(Comment), comments)
        if pool:
            # Exactly the rows released: the class lock already keeps new ones out, and should
            # it ever fail to, an unreleased answer stays in the pool rather than being lost.
            released = [entry_id for entry_id, _, _ in pool]
            connection.execute(delete(PoolEntry).where(PoolEntry.id.in_(released)))
        # Tokens never used can no longer be submitted: drop their drafts and sealed copies.
        connection.execute(
            update(Token)
            .where(
                Token.class_id == class_id,
                or_(Token.draft.is_not(None), Token.sealed_token.is_not(None)),
            )
            .values(draft=None, sealed_token=None)
        )
        connection.execute(
            update(TrainingClass)
            .where(TrainingClass.id == class_id)
            .values(state="closed", released_on=today)
        )
        if before_commit is not None:
            before_commit(session, ReleaseResult(len(responses), len(comments), scrubbed=True))
    scrubbed = True
    if pool and not db.is_sqlite:
        scrubbed = _vacuum_pool(db)
    return ReleaseResult(responses=len(responses), comments=len(comments), scrubbed=scrubbed)


def _require_secure_delete(connection: Connection) -> None:
    """Make sure SQLite overwrites the pool rows this transaction deletes."""
    if connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1:
        return
    # The engine turns it on for every connection; a connection made some other way gets it
    # here (it is a per-connection setting, allowed inside a transaction).
    if connection.exec_driver_sql("PRAGMA secure_delete=ON").scalar() != 1:
        raise AnonymityError("SQLite secure_delete cannot be enabled; refusing to release")


def _vacuum_pool(db: Database) -> bool:
    """VACUUM the pool table on PostgreSQL, outside any transaction, so dead rows are reclaimed."""
    table = db.engine.dialect.identifier_preparer.quote(PoolEntry.__tablename__)
    try:
        with db.engine.connect() as raw:
            autocommit = raw.execution_options(isolation_level="AUTOCOMMIT")
            autocommit.exec_driver_sql(f"VACUUM {table}")
    except DBAPIError:
        return False
    return True
