"""Findings: what an import found wrong or unusual, located as the person who typed it sees it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One problem in one place: an error blocks the import, a warning does not.

    ``row`` is the row number Excel shows (None for a problem of the whole file) and ``column``
    the annex 3 label of the column (None when no single column is at fault). The message is
    Chinese and says what to fix; it names rows, never echoes a mobile number.
    """

    severity: Severity
    file: str
    row: int | None
    column: str | None
    message: str

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


def error(file: str, row: int | None, column: str | None, message: str) -> Finding:
    """An error finding."""
    return Finding("error", file, row, column, message)


def warning(file: str, row: int | None, column: str | None, message: str) -> Finding:
    """A warning finding."""
    return Finding("warning", file, row, column, message)
