"""Turning one class's answer dicts into score arrays, as the scoring rules say.

Definitions used throughout the reports (and in the JSON, so anyone can recompute them):

- **item score**: the raw answer, reverse-scored where the rules mark the item reversed
  (``minimum + maximum − raw``);
- **dimension score** of a response: the mean of its item scores in that dimension, over the
  items it answered (optional items left blank do not count as zero);
- **overall score** of a response: the mean of its dimension scores over the *score dimensions*
  it answered (:func:`score_dimensions`): every dimension counts once, however many items it has;
  reversed items enter reversed; the dimension of the overall or primary item (a global rating,
  an outcome rather than a part) and dimensions on another kind of scale (agreement vs.
  satisfaction labels) are left out, so the two kinds of scale are never averaged together;
- **satisfaction share** of a response: the fraction of the satisfaction items it answered that
  fall in the top two boxes after reverse scoring;
- **pooled matrix item** (评教): a matrix sub-item across all courses, keyed as the field with
  the course replaced by ``*`` (``teaching.*.delivery``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain

import numpy as np
import numpy.typing as npt

from questionnaires.scoring import ScoredItem, ScoringRules
from reporting.inputs import ClassInput

__all__ = ["ClassScores", "pooled_key", "row_mean", "score_class", "score_dimensions"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def pooled_key(item: ScoredItem) -> str:
    """The report key of an item: its field, or for a matrix item the field with the course
    segment replaced by ``*`` (``teaching.c03.delivery`` → ``teaching.*.delivery``)."""
    if item.course is None:
        return item.field
    return item.field.replace(f".{item.course}.", ".*.", 1)


def _scale_kind(item: ScoredItem) -> tuple[str | None, int, int]:
    return (item.labels, item.minimum, item.maximum)


def score_dimensions(rules: ScoringRules) -> tuple[str, ...]:
    """The dimensions whose mean is the overall score: every dimension with items except the one
    holding the overall or primary item, and of those only the dimensions whose items all share
    the scale kind (label preset and range) that most of their items use."""
    global_items = {rules.overall_item, rules.primary_item} - {None}
    candidates = [
        d
        for d in rules.dimensions
        if d.items and not any(item.field in global_items for item in d.items)
    ]
    counts: dict[tuple[str | None, int, int], int] = {}
    for dimension in candidates:
        for item in dimension.items:
            counts[_scale_kind(item)] = counts.get(_scale_kind(item), 0) + 1
    if not counts:
        return ()
    # Ties go to the kind met first, so the choice does not depend on dict order elsewhere.
    kind = max(counts, key=lambda k: (counts[k], -list(counts).index(k)))
    return tuple(d.id for d in candidates if all(_scale_kind(item) == kind for item in d.items))


def row_mean(values: FloatArray) -> FloatArray:
    """Mean of each row over its non-missing values; NaN for a row with none."""
    present = ~np.isnan(values)
    counts = present.sum(axis=1)
    totals = np.where(present, values, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        means: FloatArray = np.where(counts > 0, totals / np.maximum(counts, 1), np.nan)
    return means


@dataclass(frozen=True, eq=False)
class ClassScores:
    """Per-response scores of one class (rows: responses; NaN: not answered)."""

    class_id: str
    n: int
    items: tuple[ScoredItem, ...]
    raw: FloatArray
    scored: FloatArray
    dimension_scores: dict[str, FloatArray]
    overall: FloatArray
    satisfaction_share: FloatArray
    top_two: FloatArray
    nps: FloatArray
    choices: dict[str, list[list[str]]]
    index: dict[str, int] = field(default_factory=dict)

    def columns(self, fields: tuple[str, ...]) -> list[int]:
        """Column indices of ``fields`` in :attr:`raw`."""
        return [self.index[name] for name in fields]


def score_class(data: ClassInput) -> ClassScores:
    """Score every response of ``data``.

    Raises ``ValueError`` when an answer does not fit the rules (a non-integer or out-of-range
    value for a scored item): released answers are validated, so this means the wrong rules.
    """
    rules = data.rules
    items = tuple(item for dimension in rules.dimensions for item in dimension.items)
    index = {item.field: j for j, item in enumerate(items)}
    fields = [item.field for item in items]
    n = len(data.answers)
    # One list per response, converted in one go (None becomes NaN): a Python loop assigning
    # into the array value by value costs ten times as much for 100,000 responses.
    rows = [[answers.get(name) for name in fields] for answers in data.answers]
    if not {type(value) for value in chain.from_iterable(rows)} <= {int, type(None)}:
        _reject_non_integers(data.class_id, fields, rows)
    raw = np.array(rows, dtype=np.float64).reshape(n, len(items))
    nps = np.full(n, np.nan)
    if rules.nps_item is not None:
        for row, answers in enumerate(data.answers):
            value = answers.get(rules.nps_item)
            if value is not None:
                nps[row] = _integer(data.class_id, rules.nps_item, value)
    choices: dict[str, list[list[str]]] = {name: [] for name in rules.choice_items}
    for name in rules.choice_items:
        for answers in data.answers:
            value = answers.get(name)
            if value is None:
                continue
            if isinstance(value, str):
                choices[name].append([value])
            elif isinstance(value, list):
                choices[name].append([str(v) for v in value])
            else:
                raise ValueError(f"{data.class_id}: {name} should be a choice, got {value!r}")
    minimum = np.array([item.minimum for item in items], dtype=np.float64)
    maximum = np.array([item.maximum for item in items], dtype=np.float64)
    outside = (raw < minimum) | (raw > maximum)
    if outside.any():
        row, column = (int(v[0]) for v in np.nonzero(outside))
        raise ValueError(
            f"{data.class_id}: {items[column].field} = {raw[row, column]:g} outside "
            f"{items[column].minimum}–{items[column].maximum}"
        )
    if ((nps < 0) | (nps > 10)).any():
        raise ValueError(f"{data.class_id}: {rules.nps_item} outside 0–10")
    reverse = np.array([item.reverse for item in items], dtype=bool)
    scored = np.where(reverse, minimum + maximum - raw, raw)
    top_two = np.where(np.isnan(scored), np.nan, (scored >= maximum - 1).astype(np.float64))
    dimension_scores: dict[str, FloatArray] = {}
    for dimension in rules.dimensions:
        columns = [index[item.field] for item in dimension.items]
        dimension_scores[dimension.id] = (
            row_mean(scored[:, columns]) if columns else np.full(n, np.nan)
        )
    satisfaction_columns = [index[f] for f in rules.satisfaction_items if f in index]
    satisfaction_share = (
        row_mean(top_two[:, satisfaction_columns]) if satisfaction_columns else np.full(n, np.nan)
    )
    used = score_dimensions(rules)
    overall = (
        row_mean(np.column_stack([dimension_scores[d] for d in used]))
        if used
        else np.full(n, np.nan)
    )
    return ClassScores(
        data.class_id,
        n,
        items,
        raw,
        scored,
        dimension_scores,
        overall,
        satisfaction_share,
        top_two,
        nps,
        choices,
        index,
    )


def _reject_non_integers(
    class_id: str, fields: list[str], rows: Sequence[Sequence[object]]
) -> None:
    for row in rows:
        for name, value in zip(fields, row, strict=True):
            if value is not None:
                _integer(class_id, name, value)


def _integer(class_id: str, field: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{class_id}: {field} should be an integer answer, got {value!r}")
    return value
