"""Fixtures of the reporting tests: the built-in instruments' rules and a class maker."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from questionnaires.loader import load_builtin
from questionnaires.scoring import ScoringRules, scoring_rules
from reporting.inputs import ClassInput
from tests.reporting.builders import PLAN, satisfaction_answers


@pytest.fixture(scope="session")
def satisfaction_rules() -> ScoringRules:
    return scoring_rules(load_builtin("satisfaction"), None)


@pytest.fixture
def make_class(
    satisfaction_rules: ScoringRules,
) -> Callable[..., ClassInput]:
    def make(
        class_id: str,
        base: str,
        n: int,
        *,
        project: int = 1,
        invited: int | None = None,
        seed: int = 0,
        shift: float = 0.0,
        comments: tuple[str, ...] = (),
    ) -> ClassInput:
        rng = np.random.default_rng(seed)
        return ClassInput(
            class_id=class_id,
            project=project,
            base=base,
            invited=50 if invited is None else invited,
            responded=n,
            version=satisfaction_rules.version,
            answers=satisfaction_answers(satisfaction_rules, n, rng, shift),
            rules=satisfaction_rules,
            comments=comments,
        )

    return make


@pytest.fixture(scope="session")
def teaching_rules() -> ScoringRules:
    return scoring_rules(load_builtin("teaching"), PLAN)
