"""The exceptions the anonymity package raises.

None of them carries a token, digest, cookie, answer or personal field in its message or in its
chained cause, so an error page or a log line built from one cannot leak what this package hides.
"""

from __future__ import annotations


class AnonymityError(Exception):
    """Base class of every error raised by this package."""


class InvalidTokenError(AnonymityError, ValueError):
    """A text is not a well-formed, authentic token; rejected without touching the database."""


class InvalidCodeError(InvalidTokenError):
    """A typed code has the wrong length, a character outside the alphabet or a wrong check."""


class InvalidLinkError(InvalidTokenError):
    """A link's signature or token is wrong: forged, tampered with or truncated."""


class InvalidCookieError(InvalidTokenError):
    """A session cookie's signature or token is wrong."""


class SealError(AnonymityError):
    """A sealed value cannot be opened: wrong key, wrong context or tampered ciphertext."""


class RetryLaterError(AnonymityError):
    """The database was busy, locked, full or unreachable; the transaction was rolled back.

    Nothing was written (a token stays live, no answer is pooled), so the same call may simply
    be repeated. ``reason`` names the database condition for operators (for example
    ``SQLITE_BUSY`` or the PostgreSQL SQLSTATE ``55P03``); it never contains data.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(f"数据库暂时不可用，请稍后重试（{reason}）")
        self.reason = reason


class UnknownClassError(AnonymityError, LookupError):
    """No training class has the given id."""


class UnknownTraineeError(AnonymityError, LookupError):
    """Some of the given roster ids do not exist."""

    def __init__(self, trainee_ids: list[int]) -> None:
        super().__init__(f"roster ids not found: {trainee_ids}")
        self.trainee_ids = trainee_ids
