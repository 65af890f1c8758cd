"""Fixtures writing small roster workbooks and CSV files, as the provinces make them."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook


@pytest.fixture
def write_xlsx(tmp_path: Path) -> Callable[..., Path]:
    """Write rows to a workbook: ``write_xlsx(name, rows, merges=[...], sheets={...})``."""

    def write(
        name: str,
        rows: Sequence[Sequence[object]],
        merges: Sequence[str] = (),
        extra_sheets: dict[str, Sequence[Sequence[object]]] | None = None,
        hidden: Sequence[str] = (),
    ) -> Path:
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = "Sheet1"
        for row in rows:
            sheet.append(list(row))
        for merge in merges:
            sheet.merge_cells(merge)
        for title, more in (extra_sheets or {}).items():
            other = workbook.create_sheet(title)
            for row in more:
                other.append(list(row))
            if title in hidden:
                other.sheet_state = "hidden"
        path = tmp_path / name
        workbook.save(path)
        return path

    return write


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """Write rows to a CSV file: ``write_csv(name, rows, encoding="gb18030", delimiter=",")``."""

    def write(
        name: str,
        rows: Sequence[Sequence[object]],
        encoding: str = "utf-8",
        delimiter: str = ",",
    ) -> Path:
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, delimiter=delimiter)
        for row in rows:
            writer.writerow(["" if value is None else value for value in row])
        path = tmp_path / name
        path.write_bytes(buffer.getvalue().encode(encoding))
        return path

    return write
