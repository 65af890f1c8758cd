"""Sealing: authenticated encryption, context binding, padding and draft keys."""

from __future__ import annotations

import pytest

from anonymity.drafts import new_device_secret
from anonymity.errors import SealError
from anonymity.keys import derive_keys
from anonymity.sealing import (
    OVERHEAD,
    PAD_MAX,
    PAD_MIN,
    context,
    draft_key,
    open_draft,
    open_sealed,
    open_submission,
    pad,
    padded_size,
    seal,
    seal_draft,
    seal_submission,
    unpad,
)
from anonymity.tokens import new_token

KEY = b"\x03" * 32
KEYS = derive_keys(b"s" * 32)
DEVICE = new_device_secret()
ANSWERS = {"content.relevance": 4, "single": "b", "multi": ["a", "c"], "text": "讲得很好"}


def test_seal_round_trip() -> None:
    sealed = seal(KEY, b"hello", b"ctx")
    assert open_sealed(KEY, sealed, b"ctx") == b"hello"
    assert b"hello" not in sealed


def test_wrong_key_fails() -> None:
    sealed = seal(KEY, b"hello", b"ctx")
    with pytest.raises(SealError):
        open_sealed(b"\x04" * 32, sealed, b"ctx")


def test_wrong_context_fails() -> None:
    sealed = seal(KEY, b"hello", b"ctx")
    with pytest.raises(SealError):
        open_sealed(KEY, sealed, b"other")


def test_every_tampered_byte_fails() -> None:
    sealed = seal(KEY, b"hello", b"ctx")
    # Format byte, every nonce byte, and a sample of ciphertext and tag bytes.
    positions = [*range(13), 100, 5000, len(sealed) // 2, len(sealed) - 17, len(sealed) - 1]
    for position in positions:
        tampered = bytearray(sealed)
        tampered[position] ^= 0x01
        with pytest.raises(SealError):
            open_sealed(KEY, bytes(tampered), b"ctx")
    with pytest.raises(SealError):
        open_sealed(KEY, sealed[:-1], b"ctx")
    with pytest.raises(SealError):
        open_sealed(KEY, b"", b"ctx")


def test_nonces_are_fresh() -> None:
    assert seal(KEY, b"same", b"ctx") != seal(KEY, b"same", b"ctx")


def test_padding_hides_length() -> None:
    lengths = {len(seal(KEY, b"x" * size, b"ctx")) for size in [0, 1, 100, 5000, PAD_MIN - 4]}
    assert lengths == {PAD_MIN + OVERHEAD}
    assert len(seal(KEY, b"x" * (PAD_MIN - 3), b"ctx")) == 2 * PAD_MIN + OVERHEAD


def test_padding_buckets_and_limits() -> None:
    assert padded_size(0) == PAD_MIN
    assert padded_size(PAD_MIN) == 2 * PAD_MIN
    assert padded_size(PAD_MAX - 4) == PAD_MAX
    with pytest.raises(ValueError, match="at most"):
        padded_size(PAD_MAX)
    for data in [b"", b"abc", b"\x00\x00", b"y" * 70000]:
        assert unpad(pad(data)) == data


def test_malformed_padding_is_rejected() -> None:
    padded = bytearray(pad(b"abc"))
    padded[-1] = 1
    with pytest.raises(SealError):
        unpad(bytes(padded))
    with pytest.raises(SealError):
        unpad((PAD_MIN).to_bytes(4, "big") + bytes(PAD_MIN - 4))


def test_context_parts_cannot_run_together() -> None:
    assert context("pool", 1, "23") != context("pool", 12, "3")
    assert context("pool", 1, "v") != context("draft", 1, "v")


def test_submission_is_bound_to_class_and_version() -> None:
    sealed = seal_submission(KEYS, 7, "v1", ANSWERS)
    assert open_submission(KEYS, 7, "v1", sealed) == dict(sorted(ANSWERS.items()))
    with pytest.raises(SealError):
        open_submission(KEYS, 8, "v1", sealed)
    with pytest.raises(SealError):
        open_submission(KEYS, 7, "v2", sealed)
    with pytest.raises(SealError):
        open_submission(derive_keys(b"t" * 32), 7, "v1", sealed)


def test_plaintext_never_appears_in_a_sealed_submission() -> None:
    sealed = seal_submission(KEYS, 7, "v1", ANSWERS)
    for fragment in ["讲得很好".encode(), b"content.relevance", b"multi"]:
        assert fragment not in sealed


def test_sealed_submissions_have_one_size_whatever_the_answers() -> None:
    short = seal_submission(KEYS, 1, "v1", {"q": 1})
    long = seal_submission(
        KEYS, 1, "v1", {f"q{index}": 5 for index in range(300)} | {"t": "字" * 3000}
    )
    assert len(short) == len(long)


def test_draft_needs_the_token() -> None:
    token, other = new_token(), new_token()
    sealed = seal_draft(KEYS, token, DEVICE, 3, ANSWERS)
    assert open_draft(KEYS, token, DEVICE, 3, sealed)["text"] == "讲得很好"
    with pytest.raises(SealError):
        open_draft(KEYS, other, DEVICE, 3, sealed)
    with pytest.raises(SealError):
        open_draft(derive_keys(b"t" * 32), token, DEVICE, 3, sealed)
    with pytest.raises(SealError):
        open_draft(KEYS, token, DEVICE, 4, sealed)
    # A draft is not a pool entry, even under the same class.
    with pytest.raises(SealError):
        open_submission(KEYS, 3, "v1", sealed)


def test_draft_keys_differ_per_token_and_from_server_keys() -> None:
    token = new_token()
    key = draft_key(KEYS, token, DEVICE)
    assert key != draft_key(KEYS, new_token(), DEVICE)
    assert key not in {KEYS.pool_sealing, KEYS.draft_salt, KEYS.token_digest}
