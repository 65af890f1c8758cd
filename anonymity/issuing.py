"""Issuing tokens and looking them up.

:func:`issue_tokens` is the only place a token leaves the service: it is returned to the caller
(to print a slip or send a link). The database keeps its keyed digest, and while it is live a
copy sealed under a subkey of the server secret, so the same link can be sent again.
:func:`open_token` looks a token up without changing anything, because link scanners and WeChat
previews open links too and must not use a trainee's one submission.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.orm import Session

from anonymity.answers import Answers
from anonymity.errors import UnknownTraineeError
from anonymity.keys import derive_keys
from anonymity.locking import lock_classes_shared
from anonymity.models import Token
from anonymity.retry import retryable
from anonymity.sealing import open_draft_or_none, open_token_seal, seal_token
from anonymity.tokens import digest, is_token, new_token
from survey.db.engine import Database
from survey.programme.models import TrainingClass
from survey.roster.models import Trainee


class TokenStatus(StrEnum):
    """What a token is, as far as the database knows."""

    #: Issued, not yet used to submit: the trainee may answer.
    LIVE = "live"
    #: Used to submit: a second visit sees "已提交".
    SPENT = "spent"
    #: Never issued, replaced (补发, a lost slip), or its class was deleted.
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class TokenState:
    """The state of a token and of its class, for choosing which page to show."""

    status: TokenStatus
    #: The token's class; None for an unknown token.
    class_id: int | None = None
    #: The class's ``TrainingClass.state`` ("pending", "open", "closed"); None if unknown.
    class_state: str | None = None
    #: The opened draft of a live token on the asking device (None without one, or when it
    #: does not open): read in the same query, because every trainee page needs both.
    draft: Answers | None = None
    #: A draft exists that the asking device cannot open: another device wrote it.
    draft_elsewhere: bool = False

    @property
    def has_draft(self) -> bool:
        """Whether a draft is waiting (only ever for a live token)."""
        return self.draft is not None


_UNKNOWN = TokenState(TokenStatus.UNKNOWN)


def issue_tokens(
    db: Database, secret: bytes, trainee_ids: Iterable[int], *, replace: bool = False
) -> dict[int, str]:
    """The live token of each roster entry that has not responded, in one transaction.

    See :func:`issue_tokens_in`; this opens (and retries) its own write transaction.
    """
    with retryable(), db.write() as session:
        return issue_tokens_in(session, secret, trainee_ids, replace=replace)


def issue_tokens_in(
    session: Session, secret: bytes, trainee_ids: Iterable[int], *, replace: bool = False
) -> dict[int, str]:
    """The live token of each roster entry that has not responded, in the caller's transaction.

    Returns ``{trainee_id: token}``. A roster entry that already has a live token gets that
    same token back (opened from its sealed copy), so a reminder or a second export re-sends
    the link the trainee already holds and their draft survives. A fresh token is issued to an
    entry without one, or whose sealed copy does not open (issued before tokens were kept, or
    under another secret). With ``replace`` (a lost slip) every old live token dies, with its
    draft, and a fresh one takes its place: the only way a link is killed.

    A roster entry that has already responded gets none and is absent from the result: a new
    token would let the same person answer twice. Raises :class:`UnknownTraineeError` if an id
    does not exist.
    """
    keys = derive_keys(secret)
    wanted = sorted(set(trainee_ids))
    if not wanted:
        return {}
    issued: dict[int, str] = {}
    connection = session.connection()
    classes = connection.execute(
        select(Trainee.class_id).where(Trainee.id.in_(wanted)).distinct()
    ).scalars()
    lock_classes_shared(connection, classes)
    # Locking the roster rows orders this transaction after any submit in flight for the
    # same people (submit locks the roster row too), so a trainee whose submit commits
    # meanwhile is seen as responded instead of getting a second, live token.
    rows = connection.execute(
        select(Trainee.id, Trainee.class_id, Trainee.responded)
        .where(Trainee.id.in_(wanted))
        .order_by(Trainee.id)
        .with_for_update()
    ).all()
    found = {row.id for row in rows}
    missing = [trainee_id for trainee_id in wanted if trainee_id not in found]
    if missing:
        raise UnknownTraineeError(missing)
    eligible = [row for row in rows if not row.responded]
    if not eligible:
        return issued
    if not replace:
        kept = connection.execute(
            select(Token.trainee_id, Token.digest, Token.sealed_token).where(
                Token.trainee_id.in_([row.id for row in eligible]),
                Token.sealed_token.is_not(None),
            )
        ).all()
        for trainee_id, token_digest, sealed in kept:
            token = open_token_seal(keys, sealed, token_digest) if sealed is not None else None
            if token is not None and trainee_id is not None:
                issued[trainee_id] = token
    fresh = [row for row in eligible if row.id not in issued]
    if not fresh:
        return issued
    # Only live tokens carry a trainee id, so this deletes exactly the tokens being replaced.
    connection.execute(delete(Token).where(Token.trainee_id.in_([row.id for row in fresh])))
    new_rows = []
    for row in fresh:
        token = new_token()
        issued[row.id] = token
        token_digest = digest(keys.token_digest, token)
        new_rows.append(
            {
                "digest": token_digest,
                "class_id": row.class_id,
                "trainee_id": row.id,
                "spent": False,
                "draft": None,
                "sealed_token": seal_token(keys, token, token_digest),
            }
        )
    connection.execute(insert(Token), new_rows)
    return issued


# Built once: every trainee page runs it.
_OPEN_TOKEN = (
    select(Token.spent, Token.class_id, TrainingClass.state, Token.draft)
    .join(TrainingClass, TrainingClass.id == Token.class_id)
    .where(Token.digest == bindparam("digest"))
)


def open_token(db: Database, secret: bytes, token: str, device: str | None = None) -> TokenState:
    """The state of ``token`` and its class, and its draft as ``device`` sees it; reads only.

    A text that is not a well-formed token is reported unknown without a database lookup.
    Without ``device`` the draft is not opened.
    """
    if not is_token(token):
        return _UNKNOWN
    keys = derive_keys(secret)
    token_digest = digest(keys.token_digest, token)
    with retryable(), db.read_connection() as connection:
        row = connection.execute(_OPEN_TOKEN, {"digest": token_digest}).first()
    if row is None:
        return _UNKNOWN
    spent, class_id, class_state, sealed = row
    draft = None
    if sealed is not None and device is not None:
        draft = open_draft_or_none(keys, token, device, class_id, sealed)
    return TokenState(
        status=TokenStatus.SPENT if spent else TokenStatus.LIVE,
        class_id=class_id,
        class_state=class_state,
        draft=draft,
        draft_elsewhere=sealed is not None and device is not None and draft is None,
    )
