"""Save-and-resume: drafts sealed under a key derived from the token and the device.

A draft belongs to a live token, which is linked to its roster entry; that is why it is sealed
under a key only the token (which the database never stores in the clear), the server secret
and the device that wrote it together can derive. The device secret is random, kept by the trainee's
browser in an HttpOnly cookie and never stored on the server, so another holder of the link (a
second phone, or anyone the link was passed to) cannot read the draft. Such a device may only
start afresh, which discards the draft (:func:`discard_draft`); it cannot overwrite a draft it
cannot open (:func:`save_draft`). Submitting deletes the draft in the same transaction that
spends the token, which ends the sheet on every device.
"""

from __future__ import annotations

import base64
import binascii
import secrets
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
    #: The token has a draft that another device wrote: this device must start afresh first.
    OTHER_DEVICE = "other_device"


#: Random bytes in a device secret.
DEVICE_BYTES = 32


def new_device_secret() -> str:
    """A fresh device secret: 256 random bits, base64url without padding (43 characters)."""
    return _text(secrets.token_bytes(DEVICE_BYTES))


def is_device_secret(text: str) -> bool:
    """Whether ``text`` has the form of a device secret (any other cookie value is ignored)."""
    if len(text) != 43 or not text.isascii():
        return False
    try:
        raw = base64.urlsafe_b64decode(text + "=")
    except (binascii.Error, ValueError):
        return False
    # Only the canonical spelling: the key derivation must see one text per secret.
    return len(raw) == DEVICE_BYTES and _text(raw) == text


def _text(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def save_draft(
    db: Database, secret: bytes, token: str, device: str, answers: Mapping[str, AnswerValue]
) -> DraftResult:
    """Replace the token's draft with ``answers``, sealed under the token's key on ``device``.

    Only a live token of an open class keeps a draft, and a draft another device wrote is
    never overwritten. The answers are the partial answer set collected so far (same shape as
    a submission); ``TypeError`` if the shape is wrong.
    """
    if not is_token(token):
        return DraftResult.UNKNOWN_TOKEN
    keys = derive_keys(secret)
    checked = canonical(answers)
    token_digest = digest(keys.token_digest, token)
    with retryable(), db.write_connection() as connection:
        row = connection.execute(
            select(Token.spent, Token.class_id, Token.draft)
            .where(Token.digest == token_digest)
            .with_for_update()
        ).first()
        if row is None:
            return DraftResult.UNKNOWN_TOKEN
        spent, class_id, sealed = row
        if spent:
            return DraftResult.ALREADY_SUBMITTED
        if class_state(connection, class_id) != "open":
            return DraftResult.NOT_OPEN
        if sealed is not None and open_draft_or_none(keys, token, device, class_id, sealed) is None:
            return DraftResult.OTHER_DEVICE
        # Conditional on still being live: a submit that won a race has already cleared the
        # draft, and must not get one back.
        written = connection.execute(
            update(Token)
            .where(Token.digest == token_digest, Token.spent.is_(False))
            .values(draft=seal_draft(keys, token, device, class_id, checked))
        )
        if written.rowcount != 1:
            return DraftResult.ALREADY_SUBMITTED
    return DraftResult.SAVED


def load_draft(db: Database, secret: bytes, token: str, device: str) -> Answers | None:
    """The token's draft as ``device`` sees it; None without one, or when it does not open.

    A draft does not open on another device than the one that wrote it, after the server
    secret changed, or when someone edited the row.
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
    return None if sealed is None else open_draft_or_none(keys, token, device, class_id, sealed)


def discard_draft(db: Database, secret: bytes, token: str) -> None:
    """Delete the draft of a live token: a device that cannot read it starts afresh.

    Anyone with the link may do this (it is what "start afresh on this phone" means); it
    loses an unfinished sheet and nothing else, and a submitted sheet is out of its reach.
    """
    if not is_token(token):
        return
    token_digest = digest(derive_keys(secret).token_digest, token)
    with retryable(), db.write_connection() as connection:
        connection.execute(
            update(Token)
            .where(Token.digest == token_digest, Token.spent.is_(False))
            .values(draft=None)
        )
