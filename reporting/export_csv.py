"""The released anonymous responses as CSV, one row per response, for researchers.

Columns: ``class_id``, the class's ``project`` number and ``base`` name (readers know a class by
those; both follow from the class, so they add nothing about a trainee), and the questionnaire's
field ids (scored items, the recommendation item,
choice items; multiple choices joined with ``;``). Never free text, never anything else.

The small-cell rule holds here too, or the file would undo it: the rows are exactly what the
report's figures are computed from (:func:`reporting.suppression.eligible_inputs`), so a class
with fewer than k responses has no row, and an answer is blank where its (class, item) cell was
withheld (e.g. an optional item only two trainees answered, or only two left blank).
Rows are sorted by their content within each class, so their order carries nothing
beyond the answers themselves (not even the release order).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from pathlib import Path

from reporting.inert import inert, inert_row
from reporting.inputs import Answer, ClassInput
from reporting.model import Report
from reporting.suppression import eligible_inputs

__all__ = ["responses_csv", "write_responses_csv"]


def _columns(classes: Sequence[ClassInput]) -> list[str]:
    columns: dict[str, None] = {}
    for data in classes:
        rules = data.rules
        for dimension in rules.dimensions:
            columns.update(dict.fromkeys(item.field for item in dimension.items))
        if rules.nps_item is not None:
            columns[rules.nps_item] = None
        columns.update(dict.fromkeys(rules.choice_items))
    return list(columns)


def _cell(value: Answer | None) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        # Option ids come from the questionnaire file, which people write.
        return inert(";".join(value))
    return inert(str(value))


def responses_csv(classes: Sequence[ClassInput], report: Report) -> str:
    """The responses of ``classes`` as CSV text, under the small-cell rule with ``report``'s k.

    ``report`` must be the report built from these classes (it orders the rows); a class missing
    from it raises ``ValueError``.
    """

    columns = _columns(classes)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(inert_row(["class_id", "project", "base", *columns]))
    order = [c.id for base in report.programme.children for c in base.children]
    missing = {data.class_id for data in classes} - set(order)
    if missing:
        raise ValueError(f"classes not in the report: {sorted(missing)}")
    # Exactly the answers every figure is computed from: the report's small-cell rule.
    eligible = {data.class_id: data for data in eligible_inputs(classes, report.k)}
    for class_id in order:
        data = eligible.get(class_id)
        if data is None:
            continue
        rows = [
            [
                class_id,
                str(data.project),
                inert(data.base),
                *(_cell(answers.get(c)) for c in columns),
            ]
            for answers in data.answers
        ]
        writer.writerows(sorted(rows))
    return out.getvalue()


def write_responses_csv(
    classes: Sequence[ClassInput], report: Report, path: str | os.PathLike[str]
) -> None:
    """Write :func:`responses_csv` to ``path`` as UTF-8 with a byte-order mark, which Excel on
    Chinese Windows needs to read UTF-8 instead of GB18030."""
    Path(path).write_text(responses_csv(classes, report), encoding="utf-8-sig", newline="")
