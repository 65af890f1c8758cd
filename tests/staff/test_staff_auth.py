"""Logging in and out: sessions in the database, expiry, the login limit, CSRF on every staff
form (and none on the trainee forms), safe cookies and the audit of logins."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from survey.staff.accounts import set_password
from survey.staff.api_tokens import create_token
from survey.staff.models import AuditEntry, StaffSession, StaffUser
from survey.staff.secrets import SESSION_PURPOSE, keyed_digest
from survey.timezone import now
from tests.staff.builders import PASSWORD, csrf_token, login, post_form
from tests.staff.conftest import StaffWorld


def test_login_sets_a_safe_cookie_and_a_server_side_session(world: StaffWorld) -> None:
    with world.client() as client:
        response = login(client, "base-a")
        assert response.status_code == 303
        assert response.headers["location"] == f"/staff/bases/{world.base_a}"
        cookie = next(
            c for c in response.headers.get_list("set-cookie") if c.startswith("zjgp_staff=")
        )
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie or "SameSite=Lax" in cookie
        session_id = cookie.split(";")[0].split("=", 1)[1]
        assert client.get(f"/staff/bases/{world.base_a}").status_code == 200
    with world.db.read() as session:
        stored = session.scalars(select(StaffSession)).one()
        # The table keeps a keyed digest of the cookie's id, never the id itself.
        assert stored.digest == keyed_digest(world.secret, SESSION_PURPOSE, session_id)
        assert session_id.encode() not in stored.digest


def test_a_session_works_in_another_worker(world: StaffWorld) -> None:
    from survey.web.app import create_app

    other_worker = create_app(world.settings, world.db)
    with world.client("ministry") as client:
        cookie = client.cookies.get("zjgp_staff")
    from litestar.testing import TestClient

    with TestClient(app=other_worker) as other:
        other.cookies.set("zjgp_staff", cookie or "")
        assert other.get("/staff/overview").status_code == 200


def test_wrong_password_unknown_name_and_disabled_account(world: StaffWorld) -> None:
    with world.client() as client:
        for name, password in [("base-a", "wrong-password"), ("nobody", PASSWORD)]:
            response = login(client, name, password)
            assert response.status_code == 401
            assert "账号或密码不正确" in response.text
        with world.db.write() as session:
            session.execute(
                update(StaffUser).where(StaffUser.name == "base-b").values(active=False)
            )
        assert login(client, "base-b").status_code == 401
    with world.db.read() as session:
        failed = list(
            session.scalars(select(AuditEntry).where(AuditEntry.action == "login_failed"))
        )
    # Failures are logged for existing accounts only, and never with the typed password.
    assert sorted(e.user_name for e in failed) == ["base-a", "base-b"]
    assert all("wrong-password" not in e.summary for e in failed)


def test_login_attempts_are_limited_per_account(world: StaffWorld) -> None:
    with world.client() as client:
        for _ in range(10):
            assert login(client, "base-a", "wrong-password").status_code == 401
        # Even the right password is refused until the window has passed.
        response = login(client, "base-a")
        assert response.status_code == 429
        assert "15 分钟" in response.text
        # Another account from the same address is not locked out by this one.
        assert login(client, "base-b").status_code == 303


def test_login_attempts_are_limited_per_client(world: StaffWorld) -> None:
    with world.client() as client:
        for i in range(20):
            assert login(client, f"guess{i}", "wrong-password").status_code == 401
        assert login(client, "ministry").status_code == 429


def test_sessions_expire_when_idle_and_after_twelve_hours(world: StaffWorld) -> None:
    with world.client("ministry") as client:
        assert client.get("/staff/overview").status_code == 200
        with world.db.write() as session:
            session.execute(update(StaffSession).values(seen_at=now() - timedelta(minutes=121)))
        response = client.get("/staff/overview", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/staff/login?next=/staff/overview"
        with world.db.read() as session:
            assert session.scalars(select(StaffSession)).all() == []
    with world.client("ministry") as client:
        with world.db.write() as session:
            session.execute(update(StaffSession).values(expires_at=now() - timedelta(seconds=1)))
        assert client.get("/staff/overview", follow_redirects=False).status_code == 303


def test_logout_ends_the_session_everywhere(world: StaffWorld) -> None:
    with world.client("base-a") as client:
        cookie = client.cookies.get("zjgp_staff")
        response = post_form(client, f"/staff/bases/{world.base_a}", "/staff/logout", {})
        assert response.status_code == 303
        assert response.headers["location"] == "/staff/login"
        client.cookies.set("zjgp_staff", cookie or "")
        assert client.get("/staff/overview", follow_redirects=False).status_code == 303
    with world.db.read() as session:
        assert session.scalars(select(StaffSession)).all() == []
        actions = [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions[-2:] == ["login", "logout"]


def test_next_parameter_only_returns_to_staff_pages(world: StaffWorld) -> None:
    with world.client() as client:
        form = client.get("/staff/login?next=/staff/audit")
        response = client.post(
            "/staff/login",
            data={
                "name": "ministry",
                "password": PASSWORD,
                "next": "/staff/audit",
                "_csrf_token": csrf_token(form.text),
            },
            follow_redirects=False,
        )
        assert response.headers["location"] == "/staff/audit"
    for evil in ["https://evil.example/", "//evil.example/staff", "/t/abc", "/staff\\@evil"]:
        with world.client() as client:
            form = client.get("/staff/login")
            response = client.post(
                "/staff/login",
                data={
                    "name": "ministry",
                    "password": PASSWORD,
                    "next": evil,
                    "_csrf_token": csrf_token(form.text),
                },
                follow_redirects=False,
            )
            assert response.headers["location"] == "/staff/overview", evil


def test_every_staff_form_needs_its_csrf_token(world: StaffWorld) -> None:
    with world.client("ministry") as client:
        for action in [
            "/staff/logout",
            f"/staff/classes/{world.class_a}/slips",
            f"/staff/classes/{world.class_a}/open",
            "/staff/windows/open",
        ]:
            response = client.post(action, data={"format": "html"}, follow_redirects=False)
            assert response.status_code == 403, action
            assert "页面已过期" in response.text
            forged = client.post(
                action, data={"format": "html", "_csrf_token": "0" * 128}, follow_redirects=False
            )
            assert forged.status_code == 403
    with world.client() as client:
        # The login form too: no logging in a victim into the attacker's account.
        response = client.post("/staff/login", data={"name": "ministry", "password": PASSWORD})
        assert response.status_code == 403
    with world.db.read() as session:
        assert not session.scalars(
            select(AuditEntry).where(AuditEntry.action.in_(["slips_print", "class_extend"]))
        ).all()


def test_trainee_forms_need_no_csrf_token_and_get_no_csrf_cookie(world: StaffWorld) -> None:
    with world.client() as client:
        page = client.get("/c")
        assert "zjgp_csrf" not in page.headers.get("set-cookie", "")
        assert "_csrf_token" not in page.text
        response = client.post("/c", data={"code": "not-a-code"})
        assert response.status_code == 400
        assert "问卷码不正确" in response.text


def test_a_changed_password_needs_a_new_login(world: StaffWorld) -> None:
    with world.client("base-a") as client:
        set_password(world.db, "base-a", "another-password-1", now())
        assert client.get(f"/staff/bases/{world.base_a}", follow_redirects=False).status_code == 303
        assert login(client, "base-a").status_code == 401
        assert login(client, "base-a", "another-password-1").status_code == 303


def test_no_password_session_id_or_token_reaches_the_logs(
    world: StaffWorld, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    token = create_token(world.db, world.secret, "ministry", "test", now())
    with world.client() as client:
        login(client, "base-a", "wrong-password")
        login(client, "base-a")
        session_id = client.cookies.get("zjgp_staff") or ""
        csrf = client.cookies.get("zjgp_csrf") or ""
        client.get(f"/staff/bases/{world.base_a}")
        client.get("/api/v1/classes", headers={"authorization": f"Bearer {token}"})
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "/staff/bases/" in logged  # the access log did run
    for secret in (PASSWORD, "wrong-password", session_id, csrf, token):
        assert secret
        assert secret not in logged


def test_logging_in_again_ends_the_earlier_session(world: StaffWorld) -> None:
    with world.client("base-a") as client:
        first = client.cookies.get("zjgp_staff")
        assert login(client, "base-b").status_code == 303
        assert client.cookies.get("zjgp_staff") != first
    with world.db.read() as session:
        assert len(session.scalars(select(StaffSession)).all()) == 1
