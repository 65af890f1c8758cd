"""The login limiter: atomic under concurrent guesses, and never a way to lock the owner out.

The test client always has one address; a thin wrapper around the app's ASGI handler sets the
peer address of each request from a test header, and the limiter sees it as a real peer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from litestar.types import ASGIApp, Receive, Scope, Send

from survey.db.engine import Database
from survey.programme.loader import bundled_source, load_programme
from survey.web.staff import auth
from tests.staff.builders import PASSWORD, csrf_token
from tests.staff.conftest import StaffWorld, make_world


def with_peer(app: ASGIApp) -> ASGIApp:
    """``app`` seen from the address in the request's ``x-test-peer`` header."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            peer = dict(scope["headers"]).get(b"x-test-peer")
            if peer:
                scope["client"] = (peer.decode(), 40000)
        await app(scope, receive, send)

    return wrapped


@contextmanager
def client_at(world: StaffWorld, address: str) -> Iterator[TestClient[Any]]:
    """A browser at ``address``."""
    with TestClient(app=world.app) as client:
        client.headers["x-test-peer"] = address
        yield client


def attempt(client: TestClient[Any], name: str, password: str) -> int:
    form = client.get("/staff/login")
    response = client.post(
        "/staff/login",
        data={"name": name, "password": password, "_csrf_token": csrf_token(form.text)},
        follow_redirects=False,
    )
    return response.status_code


@pytest.fixture
def any_world(any_db: Database, tmp_path: Path) -> StaffWorld:
    load_programme(any_db, bundled_source(2024))
    world = make_world(any_db, tmp_path)
    world.app.asgi_handler = with_peer(world.app.asgi_handler)
    return world


def test_concurrent_guesses_get_at_most_the_limit_of_checks(
    any_world: StaffWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks = 0
    lock = threading.Lock()
    real = auth.authenticate

    def slow_authenticate(*args: Any) -> int | None:
        nonlocal checks
        with lock:
            checks += 1
        # Argon2 takes this long at its real cost: the window in which guesses overlap.
        time.sleep(0.05)
        return real(*args)

    monkeypatch.setattr(auth, "authenticate", slow_authenticate)
    with client_at(any_world, "203.0.113.7") as client:
        token = csrf_token(client.get("/staff/login").text)

        def guess(i: int) -> int:
            data = {"name": "base-a", "password": f"wrong-{i}", "_csrf_token": token}
            return client.post("/staff/login", data=data, follow_redirects=False).status_code

        with ThreadPoolExecutor(max_workers=30) as pool:
            statuses = list(pool.map(guess, range(30)))
    assert checks <= auth.PAIR_LIMIT
    assert statuses.count(401) == checks
    assert statuses.count(429) == 30 - checks


def test_guesses_from_elsewhere_do_not_lock_the_owner_out(any_world: StaffWorld) -> None:
    with client_at(any_world, "198.51.100.1") as owner:
        assert attempt(owner, "base-a", PASSWORD) == 303
    with client_at(any_world, "203.0.113.7") as attacker:
        for _ in range(auth.PAIR_LIMIT):
            assert attempt(attacker, "base-a", "wrong-password") == 401
        # Locked out, from this address, for this account, even with the right password.
        assert attempt(attacker, "base-a", PASSWORD) == 429
    # The owner, at another address, is not.
    with client_at(any_world, "198.51.100.2") as owner_elsewhere:
        assert attempt(owner_elsewhere, "base-a", PASSWORD) == 303


def test_the_account_backstop_spares_a_browser_that_logged_in_before(
    any_world: StaffWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(auth, "ACCOUNT_LIMIT", 6)
    with client_at(any_world, "198.51.100.1") as owner:
        assert attempt(owner, "base-a", PASSWORD) == 303
        # Guesses spread over many addresses reach the per-account backstop …
        for i in range(auth.ACCOUNT_LIMIT):
            with client_at(any_world, f"203.0.113.{i + 10}") as attacker:
                assert attempt(attacker, "base-a", "wrong-password") == 401
        with client_at(any_world, "203.0.113.200") as attacker:
            assert attempt(attacker, "base-a", PASSWORD) == 429
        # … which stops a new browser, but not the owner's own.
        assert attempt(owner, "base-a", PASSWORD) == 303


def test_successful_logins_are_not_counted(any_world: StaffWorld) -> None:
    with client_at(any_world, "198.51.100.1") as client:
        for _ in range(auth.PAIR_LIMIT + 2):
            assert attempt(client, "base-a", PASSWORD) == 303
        assert attempt(client, "base-a", "wrong-password") == 401
