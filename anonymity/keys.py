"""Independent subkeys derived from the one server secret.

Every use of the server secret goes through its own subkey, derived with HKDF-SHA256 (RFC 5869)
under a distinct ``info`` label. A key that leaks or is misused in one place (say a session
cookie signature) therefore tells nothing about the others (the token digests or the pool
sealing key), and no two purposes can ever be confused, because the same input under two labels
gives unrelated keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

#: Prefix of every HKDF label; the version lets a future scheme derive fresh keys.
LABEL_PREFIX = "zjgp-survey/v1/"
#: Fixed, public HKDF salt (RFC 5869 §3.1: a non-secret salt still strengthens extraction).
HKDF_SALT = b"zjgp-survey/hkdf-salt/v1"
#: Length of every subkey in bytes (256 bits).
KEY_BYTES = 32
#: The shortest server secret accepted, in bytes (settings ask for at least 32 characters).
MIN_SECRET_BYTES = 32

TOKEN_DIGEST = "token-digest"  # noqa: S105 (an HKDF label, not a secret)
LINK_SIGNING = "link-signing"
COOKIE_SIGNING = "cookie-signing"
POOL_SEALING = "pool-sealing"
DRAFT_SALT = "draft-salt"
TOKEN_SEALING = "token-sealing"  # noqa: S105 (an HKDF label, not a secret)


def derive_key(secret: bytes, purpose: str) -> bytes:
    """Derive the 32-byte subkey for ``purpose`` from the server secret.

    ``purpose`` is a short ASCII label; callers outside this package may derive keys for their
    own purposes (e.g. ``"csrf"``) as long as the label differs from the ones defined here.
    """
    if len(secret) < MIN_SECRET_BYTES:
        raise ValueError(f"the server secret must be at least {MIN_SECRET_BYTES} bytes")
    if not purpose or not purpose.isascii():
        raise ValueError("a key purpose must be a non-empty ASCII label")
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=KEY_BYTES,
        salt=HKDF_SALT,
        info=(LABEL_PREFIX + purpose).encode("ascii"),
    )
    return hkdf.derive(secret)


@dataclass(frozen=True, repr=False)
class Keys:
    """The subkeys this package uses, all derived from one server secret."""

    #: HMAC key of the token digests stored in the database.
    token_digest: bytes
    #: itsdangerous key of the signed trainee links.
    link_signing: bytes
    #: itsdangerous key of the session cookie that carries the token after the first visit.
    cookie_signing: bytes
    #: AES-256-GCM key of the sealed pool of submitted answers.
    pool_sealing: bytes
    #: HKDF salt mixed into each per-token draft key, so a draft needs the token AND the server.
    draft_salt: bytes
    #: AES-256-GCM key of the live tokens kept sealed so that a reminder re-sends the same link.
    token_sealing: bytes

    def __repr__(self) -> str:
        # Keys must never reach a log line or a traceback's locals dump.
        return "Keys(<redacted>)"


@lru_cache(maxsize=8)
def derive_keys(secret: bytes) -> Keys:
    """All subkeys of ``secret`` (cached: the web app passes the same secret on every request)."""
    return Keys(
        token_digest=derive_key(secret, TOKEN_DIGEST),
        link_signing=derive_key(secret, LINK_SIGNING),
        cookie_signing=derive_key(secret, COOKIE_SIGNING),
        pool_sealing=derive_key(secret, POOL_SEALING),
        draft_salt=derive_key(secret, DRAFT_SALT),
        token_sealing=derive_key(secret, TOKEN_SEALING),
    )
