"""A property-based run of the API against its own OpenAPI document (schemathesis): generated
requests, schema-valid and schema-violating, never get a 500, and every response matches the
document (status code, content type, body schema, headers).

Schemathesis's own pytest loader does not run on pytest 9, so its Hypothesis strategies are
driven here directly, one operation at a time.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

from survey.staff.api_tokens import create_token
from survey.timezone import now, today_local
from survey.windows import close_class
from tests.staff.builders import submit_for
from tests.staff.conftest import StaffWorld

#: Generated requests per operation and role, valid and invalid ones mixed.
EXAMPLES = 40


@pytest.fixture
def answered(world: StaffWorld) -> StaffWorld:
    """Both classes answered and closed, so that the report routes have figures to give."""
    submit_for(world.db, world.secret, world.class_b, world.trainees_b)
    submit_for(world.db, world.secret, world.class_a, world.trainees_a[:5])
    close_class(world.db, world.secret, world.class_b, today_local(), k=5)
    close_class(world.db, world.secret, world.class_a, today_local(), k=5)
    return world


def check_operation(operation: Any) -> None:
    """Generated requests to one operation, each response validated against the document."""
    # A deadline must lie in the future, which a JSON schema cannot say: a schema-valid
    # deadline in the past is rightly refused (422), so that one check does not apply.
    excluded = [positive_data_acceptance] if operation.label.endswith("/open") else []

    @given(
        case=st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )
    )
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def call(case: Any) -> None:
        case.call_and_validate(excluded_checks=excluded)

    call()


def run_schema(world: StaffWorld, role: str) -> list[str]:
    """Every operation of the document, called as ``role``; the operations it covered."""
    schema = schemathesis.openapi.from_asgi("/api/v1/schema/openapi.json", world.app)
    token = create_token(world.db, world.secret, role, "schemathesis", now())

    @schema.auth()
    class Bearer:
        """The role's API token: declared as the run's credentials, so that schemathesis also
        probes every operation without them and with wrong ones and expects a 401."""

        def get(self, case: Any, context: Any) -> str:
            return token

        def set(self, case: Any, data: str, context: Any) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    covered = []
    for result in schema.get_all_operations():
        operation = result.ok()
        check_operation(operation)
        covered.append(operation.label)
    return covered


def test_api_conforms_to_its_schema_as_the_ministry(answered: StaffWorld) -> None:
    covered = run_schema(answered, "ministry")
    assert set(covered) == {
        "GET /api/v1/me",
        "GET /api/v1/programme",
        "GET /api/v1/classes",
        "GET /api/v1/classes/{class_id}",
        "POST /api/v1/classes/{class_id}/open",
        "POST /api/v1/classes/{class_id}/close",
        "GET /api/v1/provinces/{province_id}",
        "GET /api/v1/reports/{questionnaire}",
        "GET /api/v1/reports/{questionnaire}/bases/{base_id}",
        "GET /api/v1/reports/{questionnaire}/classes/{class_id}",
    }


def test_api_conforms_to_its_schema_as_a_base(answered: StaffWorld) -> None:
    # A base meets its 403s and 404s: they must be documented problem details too.
    run_schema(answered, "base-a")
