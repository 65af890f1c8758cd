"""Password hashing with Argon2id (argon2-cffi's defaults: RFC 9106's second recommendation)."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from survey.errors import UserError

#: The shortest password accepted; long passphrases are welcome, short ones are guessable.
MIN_LENGTH = 10
MAX_LENGTH = 256


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher()


def check_password_rules(password: str) -> None:
    """Refuse passwords that are too short or too long (UserError with the reason)."""
    if len(password) < MIN_LENGTH:
        raise UserError(f"密码太短：至少需要 {MIN_LENGTH} 个字符")
    if len(password) > MAX_LENGTH:
        raise UserError(f"密码太长：最多 {MAX_LENGTH} 个字符")
    if password.strip() != password:
        raise UserError("密码首尾不能是空格")


def hash_password(password: str) -> str:
    """The Argon2id hash of ``password`` (PHC string with its own random salt)."""
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``; False for a damaged hash too."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's and should be redone."""
    return _hasher().check_needs_rehash(password_hash)


@lru_cache(maxsize=1)
def dummy_hash() -> str:
    """A hash to verify against when an account does not exist, so that the answer takes as
    long as for a real account and timing does not tell which names exist."""
    return hash_password("not-a-real-password-of-anyone")
