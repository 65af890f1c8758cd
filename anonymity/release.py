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
  deleted content (``secure_delete``, checked here) and checkpoints its write-ahead log with
  TRUNCATE, PostgreSQL rewrites the pool and token tables (VACUUM FULL) right after the commit
  (neither can run inside a transaction).

A questionnaire that fewer than ``k`` trainees of the class answered releases nothing: its sealed
answer sets are deleted unread, free text included. Everyone can see who responded (the
roster's flag, the reminder list), so released rows of a class of one or two would be their
answers by name; destroyed, the class shows participation only.
"""

from __future__ import annotations

import secrets
import uuid
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from anonymity.answers import split_free_text
from anonymity.errors import AnonymityError
from anonymity.keys import derive_keys
from anonymity.locking import lock_class_for_release
from anonymity.models import Comment, PoolEntry, Response, Token
from anonymity.retry import retryable
from anonymity.sealing import open_submission
from survey.db.engine import Database
from survey.db.scrub import forget_deleted
from survey.programme.models import TrainingClass


@dataclass(frozen=True)
class ReleaseResult:
    """What a release did: counts only."""

    #: Answer sets released as responses.
    responses: int
    #: Answer sets deleted unread because their questionnaire had fewer than k of them.
    withheld: int
    #: Free-text answers released as comments.
    comments: int
    #: Whether the deleted pool rows were scrubbed from the files (SQLite: secure_delete and a
    #: TRUNCATE checkpoint; PostgreSQL: VACUUM FULL). False only if that failed after the
    #: commit (a reader held the checkpoint back, a lock timed out); the release itself stands.
    scrubbed: bool


def release_class(
    db: Database,
    secret: bytes,
    class_id: int,
    today: date,
    *,
    text_fields: Collection[str],
    k: int,
    before_commit: Callable[[Session, ReleaseResult], None] | None = None,
) -> ReleaseResult:
    """Close the class and release its pool, shuffled, in one transaction.

    ``text_fields`` are the field ids of free-text items of the class's questionnaires (the
    union of ``ScoringRules.text_items``); they are split off into comments. It is required on
    purpose: forgetting it would release texts joined to their author's ratings. ``k`` is the
    smallest number of answer sets of one questionnaire that is released (the report's k);
    required for the same reason.

    Sets the class's ``state`` to "closed" and ``released_on`` to ``today``. Idempotent: a
    closed class with an empty pool is left unchanged. ``before_commit`` runs inside the release
    transaction once its counts are known (the caller's audit entry), so both commit or neither.
    Raises ``UnknownClassError``, ``RetryLaterError`` (nothing written), or ``SealError`` if a
    pool entry does not open (then nothing is released: an operator must look at the pool).
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
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
            return ReleaseResult(responses=0, withheld=0, comments=0, scrubbed=True)
        sizes = Counter(version for _, version, _ in pool)
        responses: list[dict[str, Any]] = []
        comments: list[dict[str, Any]] = []
        for _, version, sealed in pool:
            if sizes[version] < k:
                continue  # never opened: deleted below with the rest of the pool
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
        result = ReleaseResult(
            responses=len(responses),
            withheld=len(pool) - len(responses),
            comments=len(comments),
            scrubbed=True,
        )
        if before_commit is not None:
            before_commit(session, result)
    if pool:
        result = replace(result, scrubbed=forget_deleted(db, (PoolEntry, Token), full=True))
    return result


def _require_secure_delete(connection: Connection) -> None:
    """Make sure SQLite overwrites the pool rows this transaction deletes."""
    if connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1:
        return
    # The engine turns it on for every connection; a connection made some other way gets it
    # here (it is a per-connection setting, allowed inside a transaction).
    if connection.exec_driver_sql("PRAGMA secure_delete=ON").scalar() != 1:
        raise AnonymityError("SQLite secure_delete cannot be enabled; refusing to release")
