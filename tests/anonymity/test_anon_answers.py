"""Answer sets: shape checks, canonical encoding and the split of free text."""

from __future__ import annotations

import pytest

from anonymity.answers import Answers, FreeText, canonical, decode, encode, split_free_text


def test_encoding_is_canonical() -> None:
    first = {"b": 2, "a": "x", "c": ["q", "p"]}
    second = {"c": ["q", "p"], "a": "x", "b": 2}
    assert encode(first) == encode(second) == b'{"a":"x","b":2,"c":["q","p"]}'
    assert list(canonical(second)) == ["a", "b", "c"]
    assert decode(encode(first)) == canonical(first)


def test_chinese_text_is_encoded_as_utf8() -> None:
    assert encode({"t": "很好"}) == '{"t":"很好"}'.encode()


@pytest.mark.parametrize(
    "answers",
    [{"a": True}, {"a": 1.5}, {"a": None}, {"a": [1]}, {"a": {"b": 1}}, {1: 2}, {"": 1}],
)
def test_wrong_shapes_are_refused(answers: dict[object, object]) -> None:
    with pytest.raises(TypeError):
        canonical(answers)  # type: ignore[arg-type]


@pytest.mark.parametrize("data", [b"\xff", b"[]", b'{"a": true}', b"not json"])
def test_decode_refuses_non_answer_sets(data: bytes) -> None:
    with pytest.raises(ValueError, match="not an encoded answer set"):
        decode(data)


def test_errors_name_fields_never_values() -> None:
    with pytest.raises(TypeError) as caught:
        canonical({"secret.field": 3.25})
    assert "3.25" not in str(caught.value)


def test_split_free_text() -> None:
    answers: Answers = {
        "q1": 4,
        "choice": "b",
        "comment.best": "实训很好",
        "comment.worse": "  ",
        "n": 9,
    }
    kept, texts = split_free_text(answers, {"comment.best", "comment.worse", "n"})
    assert kept == {"choice": "b", "n": 9, "q1": 4}
    assert texts == [FreeText("comment.best", "实训很好")]
