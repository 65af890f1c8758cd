"""Every page and API route, walked as each role: what each account may see, and a 403 for
every other base's class and every other province, whatever URL is typed."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from anonymity.models import Comment
from survey.staff.api_tokens import create_token
from survey.staff.models import AuditEntry
from survey.timezone import now, today_local
from survey.windows import close_class
from tests.staff.builders import csrf_token, submit_for
from tests.staff.conftest import StaffWorld

M, B, P = "ministry", "base-a", "province-a"


@dataclass(frozen=True)
class Route:
    """A route with the status each role gets."""

    method: str
    path: str
    expect: dict[str, int]


def routes(w: StaffWorld, comment: uuid.UUID) -> list[Route]:
    """Every route, with class A (base A, open), class B (base B, closed, released)."""
    a, b = w.class_a, w.class_b
    only_ministry = {M: 200, B: 403, P: 403}
    gets = [
        ("/staff/overview", only_ministry),
        ("/staff/windows", only_ministry),
        ("/staff/windows/close", only_ministry),
        ("/staff/roster", only_ministry),
        ("/staff/roster/summary", only_ministry),
        ("/staff/roster/summary.xlsx", only_ministry),
        ("/staff/review", only_ministry),
        (f"/staff/review/{b}", only_ministry),
        ("/staff/results", only_ministry),
        ("/staff/results/satisfaction/xlsx", only_ministry),
        ("/staff/results/teaching/xlsx", only_ministry),
        ("/staff/results/report", only_ministry),
        ("/staff/audit", only_ministry),
        (f"/staff/classes/{a}/close", only_ministry),
        (f"/staff/bases/{w.base_a}", {M: 200, B: 200, P: 403}),
        (f"/staff/bases/{w.base_b}", {M: 200, B: 403, P: 403}),
        (f"/staff/bases/{w.base_a}/results", {M: 200, B: 200, P: 403}),
        (f"/staff/bases/{w.base_b}/results", {M: 200, B: 403, P: 403}),
        (f"/staff/bases/{w.base_a}/report", {M: 200, B: 200, P: 403}),
        (f"/staff/bases/{w.base_b}/report", {M: 200, B: 403, P: 403}),
        (f"/staff/classes/{a}", {M: 200, B: 200, P: 403}),
        (f"/staff/classes/{b}", {M: 200, B: 403, P: 403}),
        # Links travel from the ministry, and from a province for its own trainees; never
        # through a base (unless the ministry lets it print a class's slips, tested apart).
        (f"/staff/classes/{a}/slips?format=html", {M: 200, B: 403, P: 200}),
        (f"/staff/classes/{a}/slips?format=csv", {M: 200, B: 403, P: 200}),
        (f"/staff/classes/{b}/slips", {M: 409, B: 403, P: 409}),
        (f"/staff/classes/{a}/reissue", {M: 200, B: 403, P: 200}),
        (f"/staff/classes/{b}/reissue", {M: 409, B: 403, P: 409}),
        (f"/staff/classes/{a}/reminders", {M: 200, B: 403, P: 200}),
        (f"/staff/classes/{b}/reminders", {M: 409, B: 403, P: 409}),
        ("/staff/reminders", {M: 200, B: 403, P: 200}),
        ("/staff/classes/999999/slips", {M: 404, B: 404, P: 404}),
        (f"/staff/classes/{a}/results", {M: 409, B: 409, P: 403}),
        (f"/staff/classes/{b}/results", {M: 200, B: 403, P: 403}),
        (f"/staff/provinces/{w.province_a}", {M: 200, B: 403, P: 200}),
        (f"/staff/provinces/{w.province_b}", {M: 200, B: 403, P: 403}),
        ("/staff/classes/999999", {M: 404, B: 404, P: 404}),
        ("/staff", {M: 303, B: 303, P: 303}),
        ("/api/v1/me", {M: 200, B: 200, P: 200}),
        ("/api/v1/programme", {M: 200, B: 200, P: 403}),
        ("/api/v1/classes", {M: 200, B: 200, P: 403}),
        (f"/api/v1/classes/{a}", {M: 200, B: 200, P: 403}),
        (f"/api/v1/classes/{b}", {M: 200, B: 403, P: 403}),
        (f"/api/v1/provinces/{w.province_a}", {M: 200, B: 403, P: 200}),
        (f"/api/v1/provinces/{w.province_b}", {M: 200, B: 403, P: 403}),
        ("/api/v1/reports/satisfaction", only_ministry),
        ("/api/v1/reports/teaching", only_ministry),
        (f"/api/v1/reports/satisfaction/bases/{w.base_b}", {M: 200, B: 403, P: 403}),
        (f"/api/v1/reports/satisfaction/bases/{w.base_a}", {M: 409, B: 409, P: 403}),
        (f"/api/v1/reports/teaching/classes/{b}", {M: 200, B: 403, P: 403}),
        (f"/api/v1/reports/satisfaction/classes/{a}", {M: 409, B: 409, P: 403}),
        ("/api/v1/classes/999999", {M: 404, B: 404, P: 404}),
    ]
    not_ministry = {B: 403, P: 403}
    posts = [
        ("/staff/roster", not_ministry),
        ("/staff/windows/open", not_ministry),
        ("/staff/windows/close", not_ministry),
        (f"/staff/classes/{a}/open", not_ministry),
        (f"/staff/classes/{a}/close", not_ministry),
        (f"/staff/classes/{b}/slips", {B: 403, P: 409}),
        (f"/staff/classes/{a}/slips", {B: 403}),
        (f"/staff/classes/{b}/reissue", {B: 403, P: 409}),
        (f"/staff/classes/{a}/reissue", {B: 403}),
        (f"/staff/classes/{b}/reminders", {B: 403, P: 409}),
        (f"/staff/classes/{a}/reminders", {B: 403}),
        (f"/staff/classes/{a}/base-slips", not_ministry),
        (f"/staff/classes/{b}/reminder-request", not_ministry),
        (f"/staff/classes/{a}/reminder-request", {M: 403, P: 403}),
        (f"/staff/review/{b}/comments/{comment}", not_ministry),
        (f"/staff/review/{b}/finish", not_ministry),
        (f"/api/v1/classes/{a}/open", not_ministry),
        (f"/api/v1/classes/{a}/close", not_ministry),
        (f"/api/v1/classes/{b}/open", not_ministry),
    ]
    return [Route("GET", path, expect) for path, expect in gets] + [
        Route("POST", path, expect) for path, expect in posts
    ]


# Routes open to anyone, each tested with its subject: the trainee pages (tests/survey), the
# login and logout (test_staff_auth.py), health, static files and the API's own description.
PUBLIC = frozenset(
    {
        ("GET", "/"),
        ("GET", "/healthz"),
        ("GET", "/c"),
        ("POST", "/c"),
        ("GET", "/t/{link:str}"),
        ("GET", "/s"),
        ("GET", "/s/p/{number:int}"),
        ("POST", "/s/p/{number:int}"),
        ("GET", "/s/review"),
        ("POST", "/s/submit"),
        ("POST", "/s/restart"),
        ("POST", "/s/contest"),
        ("GET", "/s/done"),
        ("GET", "/staff/login"),
        ("POST", "/staff/login"),
        ("POST", "/staff/logout"),
        ("GET", "/static/{file_path:path}"),
        ("GET", "/api/v1/schema"),
        ("GET", "/api/v1/schema/openapi.json"),
        ("GET", "/api/v1/schema/{path:str}"),
    }
)


def test_every_route_is_in_the_matrix_or_public(world: StaffWorld) -> None:
    """A new route fails here until it is added to `routes` (with each role's status) or PUBLIC."""
    listed = [(route.method, route.path.split("?")[0]) for route in routes(world, uuid.uuid4())]
    served: set[tuple[str, str]] = set()
    missing = []
    for app_route in world.app.routes:
        pattern = re.compile(re.sub(r"\{[^}]+\}", "[^/]+", app_route.path))
        for method in sorted(app_route.methods - {"HEAD", "OPTIONS"}):
            served.add((method, app_route.path))
            in_matrix = any(m == method and pattern.fullmatch(path) for m, path in listed)
            if not in_matrix and (method, app_route.path) not in PUBLIC:
                missing.append(f"{method} {app_route.path}")
    assert not missing, "routes missing from the role-access matrix:\n" + "\n".join(missing)
    assert not PUBLIC - served, f"PUBLIC lists routes the app no longer has: {PUBLIC - served}"


@pytest.fixture
def closed_world(world: StaffWorld) -> tuple[StaffWorld, uuid.UUID]:
    """Class B answered by five trainees and closed; one of its comments."""
    submit_for(world.db, world.secret, world.class_b, world.trainees_b[:5])
    close_class(world.db, world.secret, world.class_b, today_local(), k=5)
    with world.db.read() as session:
        comment = session.scalars(select(Comment.id).limit(1)).one()
    return world, comment


def _call(client: Any, route: Route, headers: dict[str, str], token: str) -> int:
    if route.method == "GET":
        return int(client.get(route.path, headers=headers, follow_redirects=False).status_code)
    if route.path.startswith("/api/"):
        return int(client.post(route.path, json={}, headers=headers).status_code)
    data = {"_csrf_token": token, "confirm": "yes", "format": "html", "status": "published"}
    return int(client.post(route.path, data=data, follow_redirects=False).status_code)


@pytest.mark.parametrize("role", [M, B, P])
def test_each_role_gets_what_it_may_and_403_elsewhere(
    closed_world: tuple[StaffWorld, uuid.UUID], role: str
) -> None:
    world, comment = closed_world
    bearer = create_token(world.db, world.secret, role, "test", now())
    with world.client(role) as client:
        token = (
            csrf_token(client.get(f"/staff/provinces/{world.province_a}").text)
            if role == P
            else csrf_token(client.get("/staff").text)
        )
        wrong = []
        for route in routes(world, comment):
            if role not in route.expect:
                continue
            headers = (
                {"authorization": f"Bearer {bearer}"} if route.path.startswith("/api/") else {}
            )
            status = _call(client, route, headers, token)
            if status != route.expect[role]:
                wrong.append(
                    f"{route.method} {route.path}: {status}, expected {route.expect[role]}"
                )
        # The same API routes through the session cookie instead of the token.
        for route in routes(world, comment):
            if role in route.expect and route.path.startswith("/api/") and route.method == "GET":
                status = _call(client, route, {}, token)
                if status != route.expect[role]:
                    wrong.append(f"cookie {route.path}: {status}, expected {route.expect[role]}")
    assert not wrong, "\n".join(wrong)


def test_denied_writes_change_nothing(closed_world: tuple[StaffWorld, uuid.UUID]) -> None:
    world, comment = closed_world
    with world.db.read() as session:
        before = session.scalar(select(func.count()).select_from(AuditEntry))
        status = session.get(Comment, comment).status  # type: ignore[union-attr]
    with world.client(B) as client:
        token = csrf_token(client.get("/staff").text)
        for route in routes(world, comment):
            if route.method == "POST" and route.expect.get(B) == 403:
                _call(client, route, {}, token)
    with world.db.read() as session:
        # Only the login itself was recorded.
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == before + 1
        assert session.get(Comment, comment).status == status  # type: ignore[union-attr]


def test_anonymous_visitors_are_sent_to_login_or_get_401(
    closed_world: tuple[StaffWorld, uuid.UUID],
) -> None:
    world, comment = closed_world
    with world.client() as client:
        for route in routes(world, comment):
            if route.method != "GET":
                continue
            response = client.get(route.path, follow_redirects=False)
            if route.path.startswith("/api/"):
                assert response.status_code == 401, route.path
                assert response.headers["content-type"].startswith("application/problem+json")
                assert response.headers["www-authenticate"].startswith("Bearer")
            else:
                assert response.status_code == 303, route.path
                # The staff home sends to the login alone; every other page asks to come back.
                expected = "/staff/login" if route.path == "/staff" else "/staff/login?next=/staff"
                assert response.headers["location"].startswith(expected), route.path
