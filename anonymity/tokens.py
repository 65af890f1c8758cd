"""Tokens: generation, the human-typable code, the keyed digest and signed links and cookies.

A token is 26 random characters of Crockford's base-32 alphabet (130 bits from ``secrets``)
followed by one check character, 27 lowercase characters in all. The alphabet has no ``i``,
``l``, ``o`` or ``u``, so a code read off a slip cannot be confused, and :func:`parse_code` maps
the look-alikes people type anyway (``O`` to ``0``, ``I``/``L`` to ``1``).

The check character is a weighted sum over the finite field GF(32): character ``d_i`` at
position ``i`` contributes ``d_i * a^(i+1)`` where ``a`` generates the field's multiplicative
group (order 31), and the check makes the total zero. Because all 27 weights ``a^0 .. a^26`` are
distinct and non-zero, every single wrong character and every swap of two different characters
(adjacent or not) changes the sum, so such typos are rejected without a database lookup; any
other error passes with probability 1/32 and then fails the digest lookup.

The database only ever sees ``digest(key, token)``, an HMAC-SHA256 under a subkey of the server
secret: someone who reads the database, or who knows a token from a slip, cannot find a token's
row without the server secret.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata

from itsdangerous import BadSignature, Signer
from itsdangerous.signer import HMACAlgorithm

from anonymity.errors import InvalidCodeError, InvalidCookieError, InvalidLinkError

#: Crockford's base-32 alphabet, lowercase: digits and letters without i, l, o, u.
ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
#: Random characters of a token (26 x 5 = 130 bits).
RANDOM_CHARS = 26
#: Characters of a token including the check character.
TOKEN_LENGTH = RANDOM_CHARS + 1
#: Characters per group in the human-readable code.
GROUP = 4

_VALUE = {char: value for value, char in enumerate(ALPHABET)}
# Crockford's decoding rules for the characters people confuse with digits.
_CONFUSABLES = str.maketrans({"o": "0", "i": "1", "l": "1"})
# Separators people type or paste between groups: spaces of every kind are removed separately.
_SEPARATORS = frozenset("-_.·‐‑‒–—―−")

# GF(2^5) with the primitive polynomial x^5 + x^2 + 1; the element 2 (that is, x) generates it.
_FIELD_POLY = 0b100101


def _gf_mul(a: int, b: int) -> int:
    product = 0
    while b:
        if b & 1:
            product ^= a
        b >>= 1
        a <<= 1
        if a & 0b100000:
            a ^= _FIELD_POLY
    return product


def _weights() -> tuple[int, ...]:
    weights = []
    weight = 1
    for _ in range(RANDOM_CHARS):
        weight = _gf_mul(weight, 2)
        weights.append(weight)
    return tuple(weights)


# a^1 .. a^26 for the random characters; the check character has weight a^0 = 1.
_WEIGHTS = _weights()


def _check_char(body: str) -> str:
    total = 0
    for char, weight in zip(body, _WEIGHTS, strict=True):
        total ^= _gf_mul(_VALUE[char], weight)
    return ALPHABET[total]


def new_token() -> str:
    """A fresh token: 26 random Crockford base-32 characters (130 bits) and a check character."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_CHARS))
    return body + _check_char(body)


def is_token(text: str) -> bool:
    """Whether ``text`` is a token in canonical form (lowercase, no separators, right check)."""
    return (
        len(text) == TOKEN_LENGTH
        and all(char in _VALUE for char in text)
        and _check_char(text[:RANDOM_CHARS]) == text[RANDOM_CHARS]
    )


def format_code(token: str) -> str:
    """The token grouped for people, e.g. ``k7mq-3xv9-…-8cz`` (groups of four, dash-separated)."""
    if not is_token(token):
        raise InvalidCodeError("not a token")
    return "-".join(token[start : start + GROUP] for start in range(0, TOKEN_LENGTH, GROUP))


def parse_code(text: str) -> str:
    """The canonical token of a code typed by a person.

    Tolerates upper and lower case, full-width characters from Chinese input methods, spaces,
    dashes and the Crockford look-alikes (``O`` for ``0``, ``I`` or ``L`` for ``1``). Raises
    :class:`InvalidCodeError` when the length, a character or the check character is wrong, so a
    mistyped code never reaches the database.
    """
    normalized = unicodedata.normalize("NFKC", text).lower()
    compact = "".join(char for char in normalized if not char.isspace() and char not in _SEPARATORS)
    candidate = compact.translate(_CONFUSABLES)
    if len(candidate) != TOKEN_LENGTH:
        raise InvalidCodeError(f"a code has {TOKEN_LENGTH} characters")
    if any(char not in _VALUE for char in candidate):
        raise InvalidCodeError("a code has a character outside the alphabet")
    if not is_token(candidate):
        raise InvalidCodeError("the check character does not match")
    return candidate


def digest(key: bytes, token: str) -> bytes:
    """The keyed digest stored in place of the token: HMAC-SHA256 of the canonical token."""
    return hmac.new(key, token.encode("ascii"), hashlib.sha256).digest()


class _TruncatedHMAC(HMACAlgorithm):
    """HMAC-SHA256 truncated to 128 bits (RFC 2104 §5), to keep links short for QR codes."""

    def get_signature(self, key: bytes, value: bytes) -> bytes:
        return super().get_signature(key, value)[:16]


# Links and cookies are signed under different subkeys and different salts, so a signed link
# is never a valid cookie value and vice versa.
_LINK_SALT = b"zjgp-survey/link"
_COOKIE_SALT = b"zjgp-survey/cookie"
# Longest signed text worth checking: a token, the separator and a 22-character signature.
_MAX_SIGNED = 64


def _signer(key: bytes, salt: bytes) -> Signer:
    return Signer(
        key,
        salt=salt,
        sep=".",
        key_derivation="hmac",
        digest_method=hashlib.sha256,
        algorithm=_TruncatedHMAC(hashlib.sha256),
    )


def _unsign(key: bytes, salt: bytes, text: str) -> str | None:
    if len(text) > _MAX_SIGNED or not text.isascii():
        return None
    try:
        value = _signer(key, salt).unsign(text).decode("ascii")
    except (BadSignature, UnicodeDecodeError):
        return None
    return value if is_token(value) else None


def sign_link(key: bytes, token: str) -> str:
    """The token with its signature, ``<token>.<signature>``, for ``/t/<signed>`` links."""
    if not is_token(token):
        raise InvalidLinkError("not a token")
    return _signer(key, _LINK_SALT).sign(token).decode("ascii")


def unsign_link(key: bytes, text: str) -> str:
    """The token of a signed link; :class:`InvalidLinkError` if forged, tampered or truncated."""
    token = _unsign(key, _LINK_SALT, text)
    if token is None:
        raise InvalidLinkError("the link is not valid")
    return token


def sign_cookie(key: bytes, token: str) -> str:
    """The session cookie value that carries the token after the first visit."""
    if not is_token(token):
        raise InvalidCookieError("not a token")
    return _signer(key, _COOKIE_SALT).sign(token).decode("ascii")


def unsign_cookie(key: bytes, value: str) -> str:
    """The token of a session cookie; :class:`InvalidCookieError` if the signature is wrong."""
    token = _unsign(key, _COOKIE_SALT, value)
    if token is None:
        raise InvalidCookieError("the session cookie is not valid")
    return token
