"""Save-and-resume: drafts sealed under a key derived from the token.

A draft belongs to a live token, which is linked to its roster entry; that is why it is sealed
under a key only the token (which the database never stores) and the server secret together can
derive. Submitting deletes the draft in the same transaction that spends the token.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from sqlalchemy import select, update

from anonymity.answers import Answers, AnswerValue, canonical
from anonymity.keys import derive_keys
from anonymity.locking import class_state
from anonymity.models import Token
from anonymity.retry import retryable
from anonymity.sealing import open_draft_or_none, seal_draft
from anonymity.tokens import digest, is_token
from survey.db.engine import Database


class DraftResult(StrEnum):
    """The outcome of :func:`save_draft`."""

    SAVED = "saved"
    ALREADY_SUBMITTED = "already_submitted"
    UNKNOWN_TOKEN = "unknown_token"  # noqa: S105 (an outcome, not a secret)
    #: The class is pending or closed: nothing can be answered now.
    NOT_OPEN = "not_open"


def save_draft(
    db: Database, secret: bytes, token: str, answers: Mapping[str, AnswerValue]
) -> DraftResult:
    """Replace the token's draft with ``answers``, sealed under the token's key.

    Only a live token of an open class keeps a draft. The answers are the partial answer set
    collected so far (same shape as a submission); ``TypeError`` if the shape is wrong.
    """
    if not is_token(token):
        return DraftResult.UNKNOWN_TOKEN
    keys = derive_keys(secret)
    checked = canonical(answers)
    token_digest = digest(keys.token_digest, token)
    with retryable(), db.write_connection() as connection:
        row = connection.execute(
            select(Token.spent, Token.class_id).where(Token.digest == token_digest)
        ).first()
        if row is None:
            return DraftResult.UNKNOWN_TOKEN
        spent, class_id = row
        if spent:
            return DraftResult.ALREADY_SUBMITTED
        if class_state(connection, class_id) != "open":
            return DraftResult.NOT_OPEN
        # Conditional on still being live: a submit that won a race has already cleared the
        # draft, and must not get one back.
        written = connection.execute(
            update(Token)
            .where(Token.digest == token_digest, Token.spent.is_(False))
            .values(draft=seal_draft(keys, token, class_id, checked))
        )
        if written.rowcount != 1:
            return DraftResult.ALREADY_SUBMITTED
    return DraftResult.SAVED


def load_draft(db: Database, secret: bytes, token: str) -> Answers | None:
    """The token's draft, or None if it has none, is not live, or the draft cannot be opened.

    A draft that does not open (the server secret changed, or someone edited the row) is
    treated as absent: the trainee starts the sheet again, which is all a draft is for.
    """
    if not is_token(token):
        return None
    keys = derive_keys(secret)
    token_digest = digest(keys.token_digest, token)
    with retryable(), db.read_connection() as connection:
        row = connection.execute(
            select(Token.class_id, Token.draft).where(
                Token.digest == token_digest, Token.spent.is_(False)
            )
        ).first()
    if row is None:
        return None
    class_id, sealed = row
    return None if sealed is None else open_draft_or_none(keys, token, class_id, sealed)
