"""Findings: what reading a file found wrong or unusual, located as the person who typed it sees it.

One type for every spreadsheet the service takes in: rosters, training plans, ministry workbooks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One problem in one place: an error blocks the import, a warning does not.

    ``row`` is the row number Excel shows (None for a problem of the whole file), ``column``
    the label of the column at fault (None when no single column is) and ``letter`` its Excel
    column letter where the reader knows it. The message is Chinese and says what to fix; it
    names rows, never echoes a mobile number.
    """

    severity: Severity
    file: str
    row: int | None
    column: str | None
    message: str
    letter: str | None = None

    def as_dict(self) -> dict[str, str | int | None]:
        """The finding as the JSON output shows it: file, row, column, message."""
        return {"file": self.file, "row": self.row, "column": self.column, "message": self.message}

    def location(self) -> str:
        """Where the finding is, in words: "山东.xlsx 第 12 行［联系手机］"."""
        where = self.file
        if self.row is not None:
            where += f" 第 {self.row} 行"
        if self.column:
            where += f"［{self.column}］"
        return where

    def __str__(self) -> str:
        """The finding without its file; the cell named as in Excel (row, letter, label)."""
        place: list[str] = []
        if self.row is not None:
            place.append(f"第 {self.row} 行")
        if self.letter is not None:
            place.append(f"{self.letter} 列" + (f"（{self.column}）" if self.column else ""))
        return f"{' '.join(place)}：{self.message}" if place else self.message


def error(
    file: str, row: int | None, column: str | None, message: str, letter: str | None = None
) -> Finding:
    """An error finding."""
    return Finding("error", file, row, column, message, letter)


def warning(
    file: str, row: int | None, column: str | None, message: str, letter: str | None = None
) -> Finding:
    """A warning finding."""
    return Finding("warning", file, row, column, message, letter)
