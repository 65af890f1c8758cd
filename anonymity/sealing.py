"""Sealing: authenticated encryption of the pooled answers and of drafts, with padding.

Cipher: AES-256-GCM (``cryptography``), a fresh 96-bit random nonce per seal, a 128-bit tag.
A sealed value is ``format byte || nonce || ciphertext+tag``. The associated data binds a sealed
value to where it belongs (a pool entry to its class and questionnaire version, a draft to its
class), so a row copied to another class or version, or a draft copied into the pool, fails to
open instead of being released under the wrong heading.

Padding: before sealing, the plaintext is prefixed with its length and padded with zeros to a
bucket of 16 KiB, 32 KiB, 64 KiB … (at most 1 MiB). Ciphertext length then reveals only the
bucket. Without padding, a database reader could match a pool row (whose author they know from
the moment it appeared) to a released response by length. Every answer set of the shipped
questionnaires fits the first bucket unless its free texts total more than about 5,000 Chinese
characters, so in practice all pool rows have the same size.

Drafts are sealed under a key derived with HKDF from the token itself, salted with a subkey of
the server secret: a half-finished answer sheet in the database, which is still linked to its
person, cannot be read without the token (which the database never stores in the clear) and the
server.

A live token itself is kept sealed in its row under the token-sealing subkey, bound to the row's
digest, so that a reminder or a second export shows the same link again; spending, replacing or
closing the class deletes it. Without the server secret the sealed token is noise; with it, the
holder could open any live token, as it could already forge drafts and read the pool.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from anonymity import answers as answer_sets
from anonymity.answers import Answers
from anonymity.errors import SealError
from anonymity.keys import Keys
from anonymity.tokens import digest, is_token

#: Smallest padded plaintext, in bytes.
PAD_MIN = 16 * 1024
#: Largest padded plaintext, in bytes; longer answer sets are refused.
PAD_MAX = 1024 * 1024
#: Bytes of the length prefix inside the padded plaintext.
_LENGTH_BYTES = 4
#: First byte of every sealed value; a new scheme would use a new byte.
_FORMAT = b"\x01"
_NONCE_BYTES = 12
_TAG_BYTES = 16
#: Bytes a sealed value adds to its padded plaintext.
OVERHEAD = len(_FORMAT) + _NONCE_BYTES + _TAG_BYTES

_DRAFT_KEY_LABEL = b"zjgp-survey/v1/draft-key"


def padded_size(length: int) -> int:
    """The padded size of a plaintext of ``length`` bytes (the bucket it falls into)."""
    needed = length + _LENGTH_BYTES
    size = PAD_MIN
    while size < needed:
        size *= 2
    if size > PAD_MAX:
        raise ValueError(f"a sealed plaintext is at most {PAD_MAX - _LENGTH_BYTES} bytes")
    return size


def pad(data: bytes) -> bytes:
    """``data`` with a 4-byte length prefix and zeros up to its bucket size."""
    size = padded_size(len(data))
    return len(data).to_bytes(_LENGTH_BYTES, "big") + data + bytes(size - _LENGTH_BYTES - len(data))


def unpad(padded: bytes) -> bytes:
    """The data inside a padded plaintext; :class:`SealError` if the padding is malformed."""
    length = int.from_bytes(padded[:_LENGTH_BYTES], "big")
    end = _LENGTH_BYTES + length
    # count() runs in C: a Python loop over 16 KiB of zeros would cost more than the decryption.
    if (
        len(padded) < _LENGTH_BYTES
        or end > len(padded)
        or padded.count(0, end) != len(padded) - end
    ):
        raise SealError("malformed padding")
    return padded[_LENGTH_BYTES:end]


def context(purpose: str, *parts: str | int) -> bytes:
    """Associated data: a purpose label and parts, each length-prefixed so none can run together."""
    encoded = [purpose.encode("utf-8"), *(str(part).encode("utf-8") for part in parts)]
    return b"".join(len(item).to_bytes(4, "big") + item for item in encoded)


def seal(key: bytes, plaintext: bytes, associated: bytes) -> bytes:
    """Pad and encrypt ``plaintext`` with AES-256-GCM under ``key``, bound to ``associated``."""
    return _encrypt(key, pad(plaintext), associated)


def open_sealed(key: bytes, sealed: bytes, associated: bytes) -> bytes:
    """The plaintext of a value made by :func:`seal`; :class:`SealError` if it does not open.

    It does not open under another key or other associated data, nor after any change to its
    bytes (the GCM tag covers the nonce through the keystream, and the ciphertext and format
    byte directly).
    """
    if len(sealed) < OVERHEAD + PAD_MIN:
        raise SealError("not a sealed value")
    return unpad(_decrypt(key, sealed, associated))


def _encrypt(key: bytes, plaintext: bytes, associated: bytes) -> bytes:
    """AES-256-GCM with a random nonce: format byte, nonce, ciphertext and tag."""
    nonce = secrets.token_bytes(_NONCE_BYTES)
    return _FORMAT + nonce + AESGCM(key).encrypt(nonce, plaintext, _FORMAT + associated)


def _decrypt(key: bytes, sealed: bytes, associated: bytes) -> bytes:
    """The plaintext of a value made by :func:`_encrypt`; :class:`SealError` if it does not open."""
    if len(sealed) <= OVERHEAD or sealed[:1] != _FORMAT:
        raise SealError("not a sealed value")
    nonce = sealed[1 : 1 + _NONCE_BYTES]
    try:
        return AESGCM(key).decrypt(nonce, sealed[1 + _NONCE_BYTES :], _FORMAT + associated)
    except InvalidTag:
        raise SealError("the sealed value does not open with this key and context") from None


def _pool_context(class_id: int, questionnaire_version: str) -> bytes:
    return context("pool", class_id, questionnaire_version)


def seal_submission(
    keys: Keys, class_id: int, questionnaire_version: str, answers: Mapping[str, object]
) -> bytes:
    """Seal a submitted answer set for the pool under the server's pool key."""
    return seal(
        keys.pool_sealing,
        answer_sets.encode(answers),
        _pool_context(class_id, questionnaire_version),
    )


def open_submission(
    keys: Keys, class_id: int, questionnaire_version: str, sealed: bytes
) -> Answers:
    """Open a pool entry sealed by :func:`seal_submission`; :class:`SealError` if it fails."""
    plaintext = open_sealed(
        keys.pool_sealing, sealed, _pool_context(class_id, questionnaire_version)
    )
    try:
        return answer_sets.decode(plaintext)
    except ValueError:
        raise SealError("the sealed value is not an answer set") from None


def draft_key(keys: Keys, token: str, device: str) -> bytes:
    """The key of a token's draft on one device: HKDF over the token and the device secret.

    Salted with the server's draft salt, so a draft needs the token, the device that wrote it
    and the server together: another holder of the link cannot read it.
    """
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=keys.draft_salt, info=_DRAFT_KEY_LABEL)
    # A token is base-32 and a device secret base64url: "." cannot occur in either.
    return hkdf.derive(f"{token}.{device}".encode("ascii"))


def seal_draft(
    keys: Keys, token: str, device: str, class_id: int, answers: Mapping[str, object]
) -> bytes:
    """Seal a draft under the key of the token on ``device``."""
    return seal(
        draft_key(keys, token, device), answer_sets.encode(answers), context("draft", class_id)
    )


def open_draft(keys: Keys, token: str, device: str, class_id: int, sealed: bytes) -> Answers:
    """Open a draft sealed by :func:`seal_draft`; :class:`SealError` if it fails."""
    plaintext = open_sealed(draft_key(keys, token, device), sealed, context("draft", class_id))
    try:
        return answer_sets.decode(plaintext)
    except ValueError:
        raise SealError("the sealed value is not an answer set") from None


def open_draft_or_none(
    keys: Keys, token: str, device: str, class_id: int, sealed: bytes
) -> Answers | None:
    """A draft, or None when it does not open.

    It does not open on another device than the one that wrote it, after the server secret
    changed, or when the row was edited; callers tell the trainee, who may start afresh.
    """
    try:
        return open_draft(keys, token, device, class_id, sealed)
    except SealError:
        return None


def _token_context(token_digest: bytes) -> bytes:
    return context("live-token", token_digest.hex())


def seal_token(keys: Keys, token: str, token_digest: bytes) -> bytes:
    """Seal a live token for its own row (bound to its digest), so a reminder can re-send it.

    Not padded: every token has the same length, so the ciphertext's length says nothing.
    """
    return _encrypt(keys.token_sealing, token.encode("ascii"), _token_context(token_digest))


def open_token_seal(keys: Keys, sealed: bytes, token_digest: bytes) -> str | None:
    """The token sealed by :func:`seal_token`, or None when it does not open (another secret,
    another row's value copied in, or altered bytes): the caller then issues a fresh token."""
    try:
        plain = _decrypt(keys.token_sealing, sealed, _token_context(token_digest))
    except SealError:
        return None
    token = plain.decode("ascii", "replace")
    return token if is_token(token) and digest(keys.token_digest, token) == token_digest else None
