"""The JSON API: tokens and sessions, window control, problem details, the OpenAPI document."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from survey.programme.models import TrainingClass
from survey.staff.accounts import set_active
from survey.staff.api_tokens import create_token
from survey.staff.models import AuditEntry
from survey.timezone import now
from tests.staff.builders import csrf_token, submit_for
from tests.staff.conftest import StaffWorld


def bearer(world: StaffWorld, name: str) -> dict[str, str]:
    return {"authorization": f"Bearer {create_token(world.db, world.secret, name, 'test', now())}"}


def test_programme_and_classes_with_rates(world: StaffWorld) -> None:
    submit_for(world.db, world.secret, world.class_a, world.trainees_a[:6])
    with world.client() as client:
        programme = client.get("/api/v1/programme", headers=bearer(world, "ministry")).json()
        assert programme["year"] == 2024
        assert programme["invited"] == 18
        assert programme["responded"] == 6
        assert len(programme["bases"]) == 16
        mine = client.get("/api/v1/programme", headers=bearer(world, "base-a")).json()
        assert [b["id"] for b in mine["bases"]] == [world.base_a]
        assert mine["bases"][0]["classes"][0]["rate"] == 0.5
        classes = client.get("/api/v1/classes", headers=bearer(world, "base-a")).json()
        assert [c["id"] for c in classes] == [world.class_a]
        detail = client.get(f"/api/v1/classes/{world.class_a}", headers=bearer(world, "base-a"))
        provinces = {p["province_id"]: p for p in detail.json()["provinces"]}
        assert provinces[world.province_a]["invited"] == 8
        assert provinces[world.province_a]["responded"] == 6
        assert provinces[world.province_b]["responded"] == 0
        own = client.get(
            f"/api/v1/provinces/{world.province_b}", headers=bearer(world, "province-b")
        ).json()
        assert own["invited"] == 10
        me = client.get("/api/v1/me", headers=bearer(world, "province-b")).json()
        assert me["role"] == "province"


def test_window_control(world: StaffWorld) -> None:
    headers = bearer(world, "ministry")
    with world.client() as client:
        until = (now() + timedelta(days=2)).isoformat()
        response = client.post(
            f"/api/v1/classes/{world.class_a}/open", json={"closes_at": until}, headers=headers
        )
        assert response.status_code == 200, response.text
        assert response.json()["state"] == "open"
        assert "截止时间已改为" in response.json()["message"]
        naive = client.post(
            f"/api/v1/classes/{world.class_a}/open",
            json={"closes_at": "2030-01-01T10:00:00"},
            headers=headers,
        )
        assert naive.status_code == 422
        assert naive.headers["content-type"].startswith("application/problem+json")
        past = client.post(
            f"/api/v1/classes/{world.class_a}/open",
            json={"closes_at": "2001-01-01T10:00:00+08:00"},
            headers=headers,
        )
        assert past.status_code == 422
        closed = client.post(f"/api/v1/classes/{world.class_a}/close", headers=headers)
        assert closed.json()["state"] == "closed"
        again = client.post(f"/api/v1/classes/{world.class_a}/open", json={}, headers=headers)
        assert again.status_code == 200
        assert again.json()["message"] == "已关闭，不能重新开放"
    with world.db.read() as session:
        assert session.get(TrainingClass, world.class_a).state == "closed"  # type: ignore[union-attr]
        actions = [e.action for e in session.scalars(select(AuditEntry))]
    assert "class_extend" in actions
    assert "class_close" in actions


def test_problem_details(world: StaffWorld) -> None:
    with world.client() as client:
        for headers, status in [
            ({}, 401),
            ({"authorization": "Bearer zjgp_not-a-token"}, 401),
            ({"authorization": "Basic bWU6cHc="}, 401),
            (bearer(world, "province-a"), 403),
        ]:
            response = client.get("/api/v1/classes", headers=headers)
            assert response.status_code == status
            assert response.headers["content-type"].startswith("application/problem+json")
            problem = response.json()
            assert problem["status"] == status
            assert problem["type"] == "about:blank"
            assert problem["title"]
            assert problem["detail"]
        invalid = client.get("/api/v1/classes/0", headers=bearer(world, "ministry"))
        assert invalid.status_code == 400
        assert invalid.json()["errors"]
        missing = client.get("/api/v1/classes/99999", headers=bearer(world, "ministry"))
        assert missing.status_code == 404
        assert (
            client.get("/api/v1/nothing-here")
            .headers["content-type"]
            .startswith("application/problem+json")
        )


def test_disabled_account_token_stops_working(world: StaffWorld) -> None:
    headers = bearer(world, "base-a")
    with world.client() as client:
        assert client.get("/api/v1/me", headers=headers).status_code == 200
        set_active(world.db, "base-a", False, now())
        assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_session_writes_need_the_csrf_header(world: StaffWorld) -> None:
    with world.client("ministry") as client:
        url = f"/api/v1/classes/{world.class_a}/open"
        refused = client.post(url, json={})
        assert refused.status_code == 403
        assert "X-CSRFToken" in refused.json()["detail"]
        token = csrf_token(client.get("/staff/overview").text)
        accepted = client.post(url, json={}, headers={"x-csrftoken": token})
        assert accepted.status_code == 200
        # Reads through the session need nothing more.
        assert client.get("/api/v1/classes").status_code == 200


def test_openapi_document_describes_the_api_only(world: StaffWorld) -> None:
    with world.client() as client:
        schema = client.get("/api/v1/schema/openapi.json").json()
    paths = set(schema["paths"])
    assert paths
    assert all(path.startswith("/api/v1/") for path in paths)
    assert "/api/v1/classes/{class_id}/open" in paths
    problem = schema["paths"]["/api/v1/classes"]["get"]["responses"]["403"]["content"]
    assert "application/problem+json" in problem
    assert {"bearer", "session"} <= set(schema["components"]["securitySchemes"])
