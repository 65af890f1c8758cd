"""Tokens: randomness, the typable code, the check character, digests and signed links."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from anonymity.errors import InvalidCodeError, InvalidCookieError, InvalidLinkError
from anonymity.tokens import (
    ALPHABET,
    TOKEN_LENGTH,
    digest,
    format_code,
    is_token,
    new_token,
    parse_code,
    sign_cookie,
    sign_link,
    unsign_cookie,
    unsign_link,
)

KEY = b"\x01" * 32
OTHER_KEY = b"\x02" * 32


def test_new_token_shape_and_uniqueness() -> None:
    tokens = {new_token() for _ in range(2000)}
    assert len(tokens) == 2000
    for token in tokens:
        assert len(token) == TOKEN_LENGTH == 27
        assert set(token) <= set(ALPHABET)
        assert is_token(token)
    # 26 random characters of 32 symbols: every symbol shows up at every position over many
    # tokens; a biased or constant generator would not.
    for position in range(26):
        assert len({token[position] for token in tokens}) == 32


def test_alphabet_has_no_confusable_letters() -> None:
    assert len(ALPHABET) == 32
    assert not set("ilou") & set(ALPHABET)


def test_format_and_parse_round_trip() -> None:
    token = new_token()
    code = format_code(token)
    assert code.replace("-", "") == token
    assert all(len(group) == 4 for group in code.split("-")[:-1])
    assert parse_code(code) == token
    assert parse_code(code.upper()) == token
    assert parse_code(" ".join(code.split("-"))) == token
    assert parse_code(f"  {token.upper()}\n") == token


def test_parse_accepts_confusables_and_full_width_input() -> None:
    token = "0" * 10 + "1" * 10 + "abcdef"
    from anonymity.tokens import _check_char  # the check of a chosen body, for a fixed example

    token += _check_char(token)
    typed = token.replace("0", "O", 5).replace("1", "l", 3).replace("1", "I", 3)
    assert parse_code(typed) == token
    full_width = "".join(chr(ord(char) + 0xFEE0) for char in token.upper())
    assert parse_code(full_width) == token
    assert parse_code("－".join([token[:9], token[9:18], token[18:]])) == token


@pytest.mark.parametrize(
    "text",
    ["", "abc", "u" * 27, "!" * 27, "k7mq-3xv9", "x" * 28],
)
def test_parse_rejects_malformed_codes(text: str) -> None:
    with pytest.raises(InvalidCodeError):
        parse_code(text)


def test_check_character_catches_every_single_character_error() -> None:
    for _ in range(20):
        token = new_token()
        for position in range(TOKEN_LENGTH):
            for char in ALPHABET:
                if char == token[position]:
                    continue
                typo = token[:position] + char + token[position + 1 :]
                assert not is_token(typo)
                with pytest.raises(InvalidCodeError):
                    parse_code(typo)


def test_check_character_catches_every_transposition() -> None:
    for _ in range(20):
        token = new_token()
        for first in range(TOKEN_LENGTH):
            for second in range(first + 1, TOKEN_LENGTH):
                if token[first] == token[second]:
                    continue
                chars = list(token)
                chars[first], chars[second] = chars[second], chars[first]
                assert not is_token("".join(chars))


def test_dropped_or_doubled_character_is_rejected() -> None:
    token = new_token()
    with pytest.raises(InvalidCodeError):
        parse_code(token[:-1])
    with pytest.raises(InvalidCodeError):
        parse_code(token + token[-1])


def test_digest_is_keyed_hmac_sha256() -> None:
    token = new_token()
    value = digest(KEY, token)
    assert value == hmac.new(KEY, token.encode(), hashlib.sha256).digest()
    assert value != digest(OTHER_KEY, token)
    assert value != hashlib.sha256(token.encode()).digest()
    assert len(value) == 32


def test_signed_link_round_trip_and_length() -> None:
    token = new_token()
    signed = sign_link(KEY, token)
    assert signed.startswith(token + ".")
    assert len(signed) == 27 + 1 + 22
    assert unsign_link(KEY, signed) == token


def test_tampered_links_are_rejected() -> None:
    token = new_token()
    signed = sign_link(KEY, token)
    body, signature = signed.split(".")
    other = new_token()
    forged_signature = ("A" if signature[0] != "A" else "B") + signature[1:]
    for text in [
        f"{other}.{signature}",  # another (well-formed) token under this signature
        f"{body}.{forged_signature}",
        signed[:-1],
        body,
        signed + "x",
        "",
        "x" * 1000,
        sign_link(OTHER_KEY, token),
        sign_cookie(KEY, token),  # a cookie value is not a link
        "令牌." + signature,
    ]:
        with pytest.raises(InvalidLinkError):
            unsign_link(KEY, text)


def test_cookie_round_trip_and_separation_from_links() -> None:
    token = new_token()
    cookie = sign_cookie(KEY, token)
    assert unsign_cookie(KEY, cookie) == token
    with pytest.raises(InvalidCookieError):
        unsign_cookie(KEY, sign_link(KEY, token))
    with pytest.raises(InvalidCookieError):
        unsign_cookie(OTHER_KEY, cookie)


def test_non_tokens_cannot_be_signed_or_formatted() -> None:
    with pytest.raises(InvalidLinkError):
        sign_link(KEY, "not-a-token")
    with pytest.raises(InvalidCookieError):
        sign_cookie(KEY, "not-a-token")
    with pytest.raises(InvalidCodeError):
        format_code("not-a-token")
