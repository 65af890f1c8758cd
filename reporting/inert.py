"""Spreadsheet cells that stay text: the one guard every CSV and xlsx writer uses.

Excel, WPS and LibreOffice run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a
formula, and tab or carriage return can smuggle one past a first look (OWASP, "CSV Injection").
A roster name such as ``=HYPERLINK("http://…","点此")`` or a comment starting with ``=`` would
otherwise become a live formula in the file the ministry opens. :func:`inert` puts an apostrophe
in front of such text, as OWASP recommends: spreadsheets then show the text as typed.

Only text is changed: numbers stay numbers (a negative figure is not a formula), and text that
does not start with one of the trigger characters is returned unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

__all__ = ["FORMULA_TRIGGERS", "inert", "inert_row", "starts_like_formula"]

#: First characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

T = TypeVar("T")


def starts_like_formula(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula."""
    return text.startswith(FORMULA_TRIGGERS)


def inert(value: T) -> T | str:
    """``value`` made safe for a CSV or xlsx cell: text that starts like a formula gets a
    leading apostrophe; anything else is returned as it is."""
    if isinstance(value, str) and starts_like_formula(value):
        return "'" + value
    return value


def inert_row(values: Iterable[T]) -> list[T | str]:
    """:func:`inert` applied to every cell of a row."""
    return [inert(value) for value in values]
