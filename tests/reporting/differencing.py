"""The differencing attack on published figures, as a reader who keeps every version would run it.

A reader subtracts two versions of a figure. What they learn is about the respondents whose data
differ between the versions, so the versions are safe when, for every figure, that set is
empty or holds at least k people, and a figure, once shown, is never withdrawn (an earlier
version stays known). The checks here look only at the published outputs:

* :func:`check_json_versions`: every count of a figure (``n``, ``respondents``) differs by 0
  or by at least k between two versions, never shrinks and never disappears; a figure whose
  counts are unchanged is unchanged; a class, once in the report, is identical in every later
  version. Cross-base statistics (tests, funnel, ranks) depend on every base, so only their
  counts are held to the rule.
* :func:`check_csv_versions`: the anonymous responses only grow, by whole classes, and every
  (class, column) cell of what is added holds no answer or at least k.
* :func:`workbook_numbers`: the numbers of the ministry's workbook, all of which must appear in
  the JSON of the same version, so the JSON checks cover them (except the funnel's control-limit
  curve, a function of the programme's rate alone).
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from openpyxl import load_workbook

#: Keys whose value counts the respondents or answers a figure is computed from.
COUNTS = ("n", "respondents")
#: Participation figures: invited, responded, the response-rate funnel and the non-response
#: bounds (which divide by the invited). Public while the survey runs, they say who responded,
#: never what anyone answered, and are not subject to the small-cell rule.
PARTICIPATION = frozenset(
    {"participation", "response_rate", "response_funnel", "nonresponse_bounds"}
)
#: Keys that hold no answers, why a figure is withheld, or lists checked element by element.
NOT_FIGURES = PARTICIPATION | {"projects", "suppressed", "bases", "classes", "comments"}
#: Sections whose values depend on every base: only their counts must follow the rule.
CROSS_GROUP = frozenset({"comparison"})


def _identity(element: Any, index: int) -> Any:
    if isinstance(element, dict):
        for key in ("id", "base", "measure"):
            if key in element:
                return element[key]
        if "first" in element and "second" in element:
            return (element["first"], element["second"])
    return index


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    return bool(a == b)


def _equal_figures(a: Any, b: Any, path: str, problems: list[str]) -> None:
    """``a`` and ``b`` carry the same figures (participation and child lists aside)."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in a.keys() | b.keys():
            if key not in NOT_FIGURES:
                _equal_figures(a.get(key), b.get(key), f"{path}.{key}", problems)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            _equal_figures(x, y, f"{path}[{index}]", problems)
    elif not _same(a, b):
        problems.append(f"{path}: {a!r} → {b!r} with the same respondents")


def _walk(a: Any, b: Any, path: str, k: int, cross: bool, problems: list[str]) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        counted = [key for key in COUNTS if key in a or key in b]
        deltas = []
        for key in counted:
            before, after = _count(a.get(key)), _count(b.get(key))
            if after < before:
                problems.append(f"{path}.{key}: {before} → {after} (a published figure shrank)")
            elif 0 < after - before < k:
                problems.append(f"{path}.{key}: {before} → {after} differs by fewer than {k}")
            deltas.append(after - before)
        if counted and not cross and all(d == 0 for d in deltas):
            _equal_figures(a, b, path, problems)
        for key in a.keys() & b.keys():
            if key not in PARTICIPATION:
                _walk(a[key], b[key], f"{path}.{key}", k, cross or key in CROSS_GROUP, problems)
    elif isinstance(a, list) and isinstance(b, list):
        later = {_identity(e, i): e for i, e in enumerate(b)}
        for index, element in enumerate(a):
            identity = _identity(element, index)
            if identity in later:
                _walk(element, later[identity], f"{path}[{identity}]", k, cross, problems)
            elif isinstance(element, dict) and not cross:
                problems.append(f"{path}[{identity}]: published, then withdrawn")


def _classes(report: dict[str, Any]) -> dict[str, Any]:
    return {c["id"]: c for base in report["programme"]["bases"] for c in base["classes"]}


def check_json_versions(versions: list[dict[str, Any]], k: int) -> list[str]:
    """Problems found by subtracting every earlier JSON version from every later one."""
    problems: list[str] = []
    for i, earlier in enumerate(versions):
        for later in versions[i + 1 :]:
            _walk(earlier, later, f"v{i}", k, False, problems)
            after = _classes(later)
            for class_id, figures in _classes(earlier).items():
                if figures != after.get(class_id):
                    problems.append(f"v{i}: class {class_id} changed after it was published")
    return problems


def csv_rows(text: str) -> list[dict[str, str]]:
    """The rows of a responses CSV."""
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def _by_class(rows: Iterable[dict[str, str]]) -> dict[str, Counter[tuple[tuple[str, str], ...]]]:
    grouped: dict[str, Counter[tuple[tuple[str, str], ...]]] = defaultdict(Counter)
    for row in rows:
        grouped[row["class_id"]][tuple(sorted(row.items()))] += 1
    return grouped


def check_csv_versions(versions: list[str], k: int) -> list[str]:
    """Problems found by subtracting every earlier responses CSV from every later one."""
    problems: list[str] = []
    parsed = [_by_class(csv_rows(text)) for text in versions]
    for i, earlier in enumerate(parsed):
        for later in parsed[i + 1 :]:
            for class_id, rows in earlier.items():
                if later.get(class_id) != rows:
                    problems.append(f"v{i}: rows of class {class_id} changed after publication")
            for class_id, rows in later.items():
                if class_id in earlier:
                    continue
                answered: Counter[str] = Counter()
                patterns: Counter[frozenset[str]] = Counter()
                for row, times in rows.items():
                    filled = frozenset(key for key, value in row if value and key != "class_id")
                    patterns[filled] += times
                    for key in filled:
                        answered[key] += times
                small = {key: n for key, n in answered.items() if n < k}
                if sum(rows.values()) < k or small:
                    problems.append(f"v{i}: class {class_id} added with cells below {k}: {small}")
                if patterns and min(patterns.values()) < k:
                    problems.append(f"v{i}: class {class_id} added with a small answer pattern")
    return problems


#: The funnel sheet's control-limit curve starts at this column (L).
FUNNEL_CURVE = ("漏斗图", 12)


def workbook_numbers(data: bytes) -> list[float]:
    """Every number in the workbook's cells (but the funnel curve); fail on any formula."""
    book = load_workbook(io.BytesIO(data))
    numbers: list[float] = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if sheet.title == FUNNEL_CURVE[0] and (cell.column or 0) >= FUNNEL_CURVE[1]:
                    continue
                if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                    numbers.append(float(cell.value))
    return numbers


def json_numbers(value: Any) -> list[float]:
    """Every number in a JSON value."""
    if isinstance(value, dict):
        return [n for v in value.values() for n in json_numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in json_numbers(v)]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [float(value)]
    return []


def numbers_not_in(numbers: Iterable[float], reference: Iterable[float]) -> list[float]:
    """The numbers that match no reference number (to 12 significant digits)."""
    known = {round(n, 9) for n in reference}
    return [n for n in numbers if round(n, 9) not in known]
