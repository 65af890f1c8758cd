"""The released anonymous responses as CSV, one row per response, for researchers.

Columns: ``class_id``, the class's ``project`` number and ``base`` name (readers know a class by
those; both follow from the class, so they add nothing about a trainee), and the questionnaire's
field ids (scored items, the recommendation item,
choice items; multiple choices joined with ``;``). Never free text, never anything else.

The small-cell rules hold here too, or the file would undo them: classes whose figures the report
withholds are left out entirely, and within a shown class an answer is left blank where the
report withholds that item's figure for the class (e.g. an optional item only two trainees
answered). Rows are sorted by their content within each class, so their order carries nothing
beyond the answers themselves (not even the release order).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from pathlib import Path

from reporting.inputs import Answer, ClassInput
from reporting.model import GroupReport, Report
from reporting.scores import pooled_key

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


def _shown_fields(data: ClassInput, group: GroupReport) -> set[str]:
    """Fields whose answers may be written for this class."""
    shown: set[str] = set()
    course_items = {
        item.key: item
        for course in (group.teaching.courses if group.teaching else ())
        for item in course.items
    }
    for dimension in data.rules.dimensions:
        for item in dimension.items:
            if item.course is not None:
                figure = course_items.get(item.field)
                if figure is not None and figure.suppression is None:
                    shown.add(item.field)
                continue
            pooled = group.item(pooled_key(item))
            if pooled is not None and pooled.suppression is None:
                shown.add(item.field)
    if data.rules.nps_item is not None and group.nps is not None and group.nps.suppression is None:
        shown.add(data.rules.nps_item)
    for choice in group.choices:
        if choice.suppression is None:
            shown.add(choice.key)
    return shown


def _cell(value: Answer | None) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(value)
    return str(value)


def responses_csv(classes: Sequence[ClassInput], report: Report) -> str:
    """The responses of ``classes`` as CSV text, applying ``report``'s small-cell rules.

    ``report`` must be the report built from these classes (its figures decide what is withheld);
    a class missing from it raises ``ValueError``.
    """
    by_id = {data.class_id: data for data in classes}
    columns = _columns(classes)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["class_id", "project", "base", *columns])
    order = [c.id for base in report.programme.children for c in base.children]
    missing = set(by_id) - set(order)
    if missing:
        raise ValueError(f"classes not in the report: {sorted(missing)}")
    for class_id in order:
        group = report.training_class(class_id)
        data = by_id.get(class_id)
        if group is None or data is None or group.suppression is not None:
            continue
        shown = _shown_fields(data, group)
        rows = [
            [
                class_id,
                str(data.project),
                data.base,
                *(_cell(answers.get(c)) if c in shown else "" for c in columns),
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
