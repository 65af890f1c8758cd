"""Cells as spreadsheets deliver them, turned into clean text, and Excel's column letters."""

from __future__ import annotations

import re
from datetime import date, datetime, time

_WHITESPACE = re.compile(r"\s+")  # str patterns match U+3000 and U+00A0 as well


def cell_text(value: object) -> str:
    """A cell as trimmed text with white space runs folded to one space.

    Integral floats lose their ".0" (Excel stores every number as a float), dates print as
    ISO dates, and None is the empty string.
    """
    if isinstance(value, str):
        # The common case first: a 100,000-row import passes a million cells through here.
        text = value
    elif value is None:
        return ""
    elif isinstance(value, bool):
        text = "是" if value else "否"
    elif isinstance(value, float):
        text = str(int(value)) if value.is_integer() else repr(value)
    elif isinstance(value, datetime):
        text = value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    elif isinstance(value, date):
        text = value.isoformat()
    else:
        text = str(value)
    return _WHITESPACE.sub(" ", text).strip()


def column_letter(index: int) -> str:
    """The Excel letter of the 0-based column ``index``: 0 → "A", 25 → "Z", 26 → "AA"."""
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters
