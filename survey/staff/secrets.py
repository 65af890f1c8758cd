"""Random secrets handed to staff (session ids, API tokens) and their keyed digests.

Only the digest is stored: HMAC-SHA256 under a subkey of the server secret with its own label,
so a copy of the database neither logs anyone in nor lets one guess offline without the key.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import lru_cache

from anonymity.keys import derive_key

SESSION_PURPOSE = "staff-session"
API_TOKEN_PURPOSE = "staff-api-token"  # noqa: S105 (an HKDF label, not a secret)
#: Random bytes of a session id or API token (256 bits).
SECRET_BYTES = 32


@lru_cache(maxsize=8)
def _key(secret: bytes, purpose: str) -> bytes:
    return derive_key(secret, purpose)


def new_secret() -> str:
    """A fresh URL-safe random string of 256 bits."""
    return secrets.token_urlsafe(SECRET_BYTES)


def keyed_digest(secret: bytes, purpose: str, value: str) -> bytes:
    """The 32-byte HMAC of ``value`` under the subkey for ``purpose``."""
    return hmac.new(_key(secret, purpose), value.encode(), hashlib.sha256).digest()
