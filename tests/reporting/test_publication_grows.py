"""Publication only grows: close classes one by one, keep every version of every export, subtract
every pair, and find nothing about fewer than k respondents (docs/design.md, threat 4).

The classes are those of the issue that found the attack: 12, 2, 7 and 3 trainees with k = 5,
closing one after another; the class of 12 also has an optional item only two answered and
another only two left blank. Before the small-cell rule moved to the report's input, the
report saved before the class of 2 closed, subtracted from the one after, gave those two
trainees' mean answer on every item.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence

import numpy as np
import pytest

from questionnaires.scoring import ScoringRules
from reporting.export_csv import responses_csv
from reporting.export_json import report_json
from reporting.export_xlsx import report_xlsx
from reporting.inputs import ClassInput, ReportSettings
from reporting.report import build_report
from tests.reporting.builders import satisfaction_answers
from tests.reporting.differencing import (
    check_csv_versions,
    check_json_versions,
    json_numbers,
    numbers_not_in,
    workbook_numbers,
)

K = 5
SETTINGS = ReportSettings(k=K, bootstrap_reps=20)
#: Class id, base, project, respondents.
CLASSES = [
    ("c12", "甲基地", 1, 12),
    ("c2", "甲基地", 1, 2),
    ("c7", "乙基地", 2, 7),
    ("c3", "乙基地", 2, 3),
]


@pytest.fixture
def classes(satisfaction_rules: ScoringRules) -> dict[str, ClassInput]:
    out = {}
    for seed, (class_id, base, project, n) in enumerate(CLASSES):
        answers = satisfaction_answers(satisfaction_rules, n, np.random.default_rng(seed))
        for row in answers:
            # Everyone answers the optional items here, so what follows is what is tested.
            row.setdefault("logistics.accommodation", 4)
            row.setdefault("logistics.catering", 4)
        if class_id == "c12":
            for row in answers[2:]:
                del row["logistics.catering"]  # only two answered
            for row in answers[:2]:
                del row["logistics.accommodation"]  # only two left it blank
        out[class_id] = ClassInput(
            class_id, project, base, n + 1, n, satisfaction_rules.version, answers,
            satisfaction_rules, comments=(f"{class_id} 的意见",),
        )  # fmt: skip
    return out


def _versions(
    classes: dict[str, ClassInput], order: Sequence[str]
) -> tuple[list[dict[str, object]], list[bytes], list[str]]:
    """Every output after each close, in ``order``."""
    json_versions: list[dict[str, object]] = []
    xlsx_versions: list[bytes] = []
    csv_versions: list[str] = []
    for closed in range(1, len(order) + 1):
        inputs = [classes[c] for c in order[:closed]]
        report = build_report(inputs, SETTINGS)
        json_versions.append(json.loads(report_json(report)))
        xlsx_versions.append(report_xlsx(report))
        csv_versions.append(responses_csv(inputs, report))
    return json_versions, xlsx_versions, csv_versions


ORDERS = [
    ["c12", "c2", "c7", "c3"],  # the issue's order
    ["c3", "c7", "c2", "c12"],
    ["c2", "c3", "c12", "c7"],
    random.Random(14).sample([c for c, *_ in CLASSES], 4),
]


@pytest.mark.parametrize("order", ORDERS, ids=["-".join(o) for o in ORDERS])
def test_subtracting_any_two_versions_reveals_no_group_below_k(
    classes: dict[str, ClassInput], order: list[str]
) -> None:
    json_versions, xlsx_versions, csv_versions = _versions(classes, order)
    assert check_json_versions(json_versions, K) == []
    assert check_csv_versions(csv_versions, K) == []
    for data, figures in zip(xlsx_versions, json_versions, strict=True):
        # Every number of the workbook is one of the JSON's, so the checks above cover it.
        assert numbers_not_in(workbook_numbers(data), json_numbers(figures)) == []


def test_the_attack_of_the_issue_is_what_the_checks_catch(
    classes: dict[str, ClassInput],
) -> None:
    """The checks are not vacuous: the old rule's output, which let the class of 2 into the
    programme figures, fails them, and so does a class whose figures change later."""
    json_versions, _, csv_versions = _versions(classes, ORDERS[0])
    leaked = json.loads(json.dumps(json_versions[1]))
    programme = leaked["programme"]
    programme["n"] += 2
    programme["overall_score"]["value"]["n"] += 2
    problems = check_json_versions([json_versions[0], leaked], K)
    assert any("differs by fewer than 5" in p for p in problems)
    changed = json.loads(json.dumps(json_versions[2]))
    changed["programme"]["bases"][0]["classes"][0]["overall_score"]["value"]["mean"] += 0.01
    assert any("changed after" in p for p in check_json_versions([json_versions[1], changed], K))
    same_n = json.loads(json.dumps(json_versions[1]))
    same_n["programme"]["items"]["overall"]["mean"] += 0.01
    assert any(
        "same respondents" in p for p in check_json_versions([*json_versions[:1], same_n], K)
    )
    small_rows = csv_versions[1] + "c9," + "4," * 3 + "\r\n"
    assert check_csv_versions([csv_versions[1], small_rows], K) != []


def test_a_small_class_and_small_cells_enter_no_version(
    classes: dict[str, ClassInput],
) -> None:
    json_versions, _, csv_versions = _versions(classes, ORDERS[0])
    final = json_versions[-1]
    assert final["programme"]["n"] == 12 + 7  # type: ignore[index]
    for text in csv_versions:
        assert "c2," not in text
        assert "c3," not in text
    header = csv_versions[-1].splitlines()[0].split(",")
    rows = [line.split(",") for line in csv_versions[-1].splitlines()[1:]]
    for column in ("logistics.catering", "logistics.accommodation"):
        index = header.index(column)
        assert all(row[index] == "" for row in rows if row[0] == "c12")


CheckVersions = Callable[[list[dict[str, object]], int], list[str]]
