"""Subkeys: distinct per purpose, deterministic per secret, unrelated across secrets."""

from __future__ import annotations

import dataclasses

import pytest

from anonymity.keys import Keys, derive_key, derive_keys

SECRET = b"k" * 32


def test_every_purpose_gets_its_own_key() -> None:
    keys = derive_keys(SECRET)
    values = [getattr(keys, field.name) for field in dataclasses.fields(Keys)]
    assert len(set(values)) == len(values)
    assert all(len(value) == 32 for value in values)
    assert SECRET not in values


def test_keys_are_deterministic_and_depend_on_the_secret() -> None:
    assert derive_key(SECRET, "csrf") == derive_key(SECRET, "csrf")
    other = derive_keys(b"l" * 32)
    mine = derive_keys(SECRET)
    for field in dataclasses.fields(Keys):
        assert getattr(mine, field.name) != getattr(other, field.name)


def test_short_secret_and_bad_label_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 32"):
        derive_key(b"short", "csrf")
    with pytest.raises(ValueError, match="ASCII"):
        derive_key(SECRET, "")


def test_keys_never_show_in_repr() -> None:
    keys = derive_keys(SECRET)
    assert repr(keys) == "Keys(<redacted>)"
    assert keys.pool_sealing.hex() not in str(keys)
