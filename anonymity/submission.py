"""Submitting: spending a token and pooling its sealed answers in one transaction.

Everything happens in one short write transaction, so after any crash or error either all of it
happened or none of it did:

1. the token is spent by a conditional UPDATE (``WHERE spent IS false``); its row count proves
   the token was live, so of two concurrent submits exactly one succeeds and the other sees
   "already submitted";
2. the same UPDATE unlinks the token from its roster entry and deletes its draft;
3. the roster entry is marked responded, without a time;
4. each answer sheet goes into the class's pool, sealed under the server's pool key, in a row
   with a random id and no trainee, digest or time.

The database then knows who has responded, but not what they answered.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from enum import StrEnum

from sqlalchemy import Connection, bindparam, insert, select, update

from anonymity.answers import Answers, AnswerValue, canonical
from anonymity.keys import Keys, derive_keys
from anonymity.locking import class_state
from anonymity.models import VERSION_LENGTH, PoolEntry, Token
from anonymity.retry import retryable
from anonymity.sealing import seal_submission
from anonymity.tokens import digest, is_token
from survey.db.engine import Database
from survey.roster.models import Trainee


class SubmitResult(StrEnum):
    """The outcome of :func:`submit`."""

    #: Committed: the token is spent and the sealed answers are in the pool.
    SUBMITTED = "submitted"
    #: The token was spent before (or by a concurrent submit that won); nothing written.
    ALREADY_SUBMITTED = "already_submitted"
    #: No such token (never issued, re-issued, or malformed); nothing written.
    UNKNOWN_TOKEN = "unknown_token"  # noqa: S105 (an outcome, not a secret)
    #: The class is pending or closed; nothing written, the token stays live.
    NOT_OPEN = "not_open"


Sheets = Sequence[tuple[str, Mapping[str, AnswerValue]]]


def submit(db: Database, secret: bytes, token: str, sheets: Sheets) -> SubmitResult:
    """Spend ``token`` and pool its validated answer sheets, all in one transaction.

    ``sheets`` holds one ``(questionnaire_version, answers)`` pair per questionnaire the trainee
    answered in this session (the satisfaction survey and the teaching evaluation, say). Each
    sheet becomes its own sealed pool entry and, at release, its own response, so two sheets of
    one person are no more linkable than any two responses of the class.

    ``answers`` must already be validated by ``questionnaires``; this only checks the shape
    (``TypeError``) and the versions (``ValueError``: none, empty, too long or repeated).
    Raises :class:`~anonymity.errors.RetryLaterError` when the database is busy, locked or
    full: then nothing was written and the token is still live. Returns only after the commit,
    so a SUBMITTED answer is durable when the trainee is told so.
    """
    return submit_many(db, secret, [(token, sheets)])[0]


def submit_many(
    db: Database, secret: bytes, submissions: Sequence[tuple[str, Sheets]]
) -> list[SubmitResult]:
    """:func:`submit` for several tokens in one transaction: one commit, one fsync, for all.

    Each submission is still all-or-nothing on its own: its token is spent if and only if its
    sheets are pooled, and one that fails its checks (spent, unknown, class not open) writes
    nothing and does not disturb the others. A database error rolls back all of them and raises
    :class:`~anonymity.errors.RetryLaterError`: then no token of the batch was spent.
    """
    # Check the shapes before the transaction: keep the write lock for the shortest time.
    return submit_checked(
        db,
        secret,
        [
            (token, check_sheets(sheets) if is_token(token) else None)
            for token, sheets in submissions
        ],
    )


#: A token with its sheets as :func:`check_sheets` returned them (None: not a token at all).
Checked = tuple[str, list[tuple[str, Answers]] | None]


def submit_checked(db: Database, secret: bytes, prepared: Sequence[Checked]) -> list[SubmitResult]:
    """:func:`submit_many` for submissions whose sheets :func:`check_sheets` has checked."""
    keys = derive_keys(secret)
    with retryable(), db.write() as session:
        connection = session.connection()
        return [
            _spend(connection, keys, token, checked)
            if checked is not None
            else SubmitResult.UNKNOWN_TOKEN
            for token, checked in prepared
        ]


# Built once: the submit path runs these for every trainee, and building a statement costs
# more than executing it.
_READ_TOKEN = select(Token.class_id, Token.trainee_id, Token.spent).where(
    Token.digest == bindparam("token_digest")
)
_LOCK_TRAINEE = select(Trainee.id).where(Trainee.id == bindparam("trainee_id")).with_for_update()
_SPEND = (
    update(Token)
    .where(
        Token.digest == bindparam("token_digest"),
        Token.spent.is_(False),
        Token.trainee_id == bindparam("trainee"),
    )
    .values(spent=True, trainee_id=None, draft=None)
)
_IS_SPENT = select(Token.spent).where(Token.digest == bindparam("token_digest"))
_MARK_RESPONDED = update(Trainee).where(Trainee.id == bindparam("trainee")).values(responded=True)
_POOL = insert(PoolEntry)


def _spend(
    connection: Connection, keys: Keys, token: str, checked: list[tuple[str, Answers]]
) -> SubmitResult:
    token_digest = digest(keys.token_digest, token)
    row = connection.execute(_READ_TOKEN, {"token_digest": token_digest}).first()
    if row is None:
        return SubmitResult.UNKNOWN_TOKEN
    class_id, trainee_id, spent = row
    if spent:
        return SubmitResult.ALREADY_SUBMITTED
    if class_state(connection, class_id) != "open":
        return SubmitResult.NOT_OPEN
    sealed = [
        (version, seal_submission(keys, class_id, version, answers)) for version, answers in checked
    ]
    # Roster row before token row: the lock order issue_tokens uses too.
    connection.execute(_LOCK_TRAINEE, {"trainee_id": trainee_id})
    spend = connection.execute(_SPEND, {"token_digest": token_digest, "trainee": trainee_id})
    if spend.rowcount != 1:
        # Another transaction spent or replaced the token after our first read.
        now_spent = connection.execute(
            _IS_SPENT, {"token_digest": token_digest}
        ).scalar_one_or_none()
        return SubmitResult.ALREADY_SUBMITTED if now_spent else SubmitResult.UNKNOWN_TOKEN
    connection.execute(_MARK_RESPONDED, {"trainee": trainee_id})
    connection.execute(
        _POOL,
        [
            {
                "id": uuid.uuid4(),
                "class_id": class_id,
                "questionnaire_version": version,
                "sealed": value,
            }
            for version, value in sealed
        ],
    )
    return SubmitResult.SUBMITTED


def check_sheets(sheets: Sheets) -> list[tuple[str, Answers]]:
    """The sheets in canonical form; ``ValueError``/``TypeError`` when malformed."""
    if not sheets:
        raise ValueError("a submission has at least one answer sheet")
    checked = []
    for version, answers in sheets:
        if not isinstance(version, str) or not 0 < len(version) <= VERSION_LENGTH:
            raise ValueError(f"a questionnaire version has 1 to {VERSION_LENGTH} characters")
        checked.append((version, canonical(answers)))
    if len({version for version, _ in checked}) != len(checked):
        raise ValueError("each questionnaire version can be answered once per submission")
    return checked
