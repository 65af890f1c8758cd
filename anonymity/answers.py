"""Answer sets as this package handles them: checked, canonically encoded, split at release.

An answer set is ``dict[str, int | str | list[str]]`` keyed by field (see ``docs/interfaces.md``);
``questionnaires`` validates the content, this module only checks the shape. Two answer sets
with the same content always encode to the same bytes and are released with their keys in the
same (sorted) order, so neither a sealed size nor a released row can carry a per-person
fingerprint such as the order in which someone filled the pages or resumed a draft.

Error messages name fields at most, never a value.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import TypeAlias

#: One answer: int for scales, str for single choice and free text, list[str] for multiple choice.
AnswerValue: TypeAlias = int | str | list[str]
#: A validated answer set keyed by field name.
Answers: TypeAlias = dict[str, AnswerValue]

#: Longest field name accepted (questionnaire ids are at most 64 characters, matrix fields
#: combine an item, a course and a sub-item id).
MAX_FIELD_LENGTH = 200


def _checked_value(field: str, value: object) -> AnswerValue:
    # bool is an int subclass; a JSON true would be a different value than the scale point 1.
    if isinstance(value, bool):
        raise TypeError(f"answer to {field!r} is a bool, not an answer value")
    if isinstance(value, int | str):
        return value
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return [item for item in value if isinstance(item, str)]
    raise TypeError(f"answer to {field!r} is not int, str or list[str]")


def canonical(answers: Mapping[str, object]) -> Answers:
    """A checked copy of ``answers`` with its fields in sorted order.

    Raises ``TypeError`` when a field name or a value has the wrong type. List values keep their
    order: ``questionnaires`` already lists multiple choices in the definition's order.
    """
    result: Answers = {}
    for field in sorted(answers):
        if not isinstance(field, str) or not field or len(field) > MAX_FIELD_LENGTH:
            raise TypeError("a field name must be a non-empty string of at most 200 characters")
        result[field] = _checked_value(field, answers[field])
    return result


def encode(answers: Mapping[str, object]) -> bytes:
    """The canonical UTF-8 JSON bytes of an answer set (sorted keys, no spaces)."""
    return json.dumps(
        canonical(answers), ensure_ascii=False, separators=(",", ":"), sort_keys=True
    ).encode("utf-8")


def decode(data: bytes) -> Answers:
    """The answer set encoded by :func:`encode`; ``ValueError`` if the bytes are not one."""
    try:
        loaded = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError("not an encoded answer set") from None
    if not isinstance(loaded, dict):
        raise ValueError("not an encoded answer set")
    try:
        return canonical(loaded)
    except TypeError:
        raise ValueError("not an encoded answer set") from None


@dataclass(frozen=True)
class FreeText:
    """One free-text answer split off an answer set at release."""

    field: str
    text: str


def split_free_text(
    answers: Mapping[str, AnswerValue], text_fields: Collection[str]
) -> tuple[Answers, list[FreeText]]:
    """Split the free-text answers off an answer set.

    Returns the answer set without the fields in ``text_fields`` and the non-blank texts of those
    fields. Only string values are split off, so a field id that happens to be a text item in
    one questionnaire and a scale in another is never misread. Blank texts are dropped: storing
    them would only add rows that say "this person left it empty".
    """
    kept: Answers = {}
    texts: list[FreeText] = []
    for field, value in answers.items():
        if field in text_fields and isinstance(value, str):
            if value.strip():
                texts.append(FreeText(field, value))
        else:
            kept[field] = value
    return canonical(kept), texts
