"""Every answer carries the security headers: pages, errors Litestar gives before a route is
found (404, 405), too large (413), too many (429), a crash (500), static files, API problems;
and HSTS when the public address is HTTPS."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from survey.db.engine import Database
from survey.settings import Settings
from survey.web import trainee
from survey.web.app import FORM_BYTES, create_app
from survey.web.headers import CONTENT_SECURITY_POLICY, HSTS, IMMUTABLE
from survey.web.static import StaticFiles


def settings_for(tmp_path: Path, public_url: str = "http://127.0.0.1:8000") -> Settings:
    return Settings.from_env(
        {"SURVEY_DATA_DIR": str(tmp_path), "SURVEY_DEV": "1", "SURVEY_PUBLIC_URL": public_url}
    )


def assert_secured(response: Any, cache: str = "no-store") -> None:
    headers = response.headers
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY, response.status_code
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-frame-options"] == "DENY"
    assert headers["cache-control"] == cache
    # One copy of each: a handler's own header never survives beside ours.
    assert len(headers.get_list("cache-control")) == 1


def crash(*_: Any) -> Any:
    raise RuntimeError("boom")


def test_every_kind_of_answer_is_secured(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with TestClient(app=create_app(settings_for(tmp_path), db)) as client:
        assert_secured(client.get("/c"))
        not_found = client.get("/no/such/page")
        assert not_found.status_code == 404
        assert_secured(not_found)
        wrong_method = client.delete("/c")
        assert wrong_method.status_code == 405
        assert_secured(wrong_method)
        too_large = client.post(
            "/c",
            content=b"code=" + b"a" * FORM_BYTES,
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        assert too_large.status_code == 413
        assert_secured(too_large)
        for _ in range(trainee.INVALID_LIMIT + 1):
            limited = client.get("/t/forged.sig", follow_redirects=False)
        assert limited.status_code == 429
        assert_secured(limited)
        api = client.get("/api/v1/me")
        assert api.status_code == 401
        assert api.headers["content-type"].startswith("application/problem+json")
        assert_secured(api)
        api_missing = client.get("/api/v1/nothing-here")
        assert api_missing.status_code == 404
        assert_secured(api_missing)
        static = client.get("/static/style.css")
        assert static.status_code == 200
        assert_secured(static, cache="no-cache")
        assert "strict-transport-security" not in static.headers
        old = client.get("/static/style.css?v=000000000000")
        assert_secured(old, cache="no-cache")
        monkeypatch.setattr(trainee, "parse_code", crash)
        failed = client.post("/c", data={"code": "x"})
        assert failed.status_code == 500
        assert_secured(failed)


def test_hsts_is_sent_when_the_public_address_is_https(db: Database, tmp_path: Path) -> None:
    app = create_app(settings_for(tmp_path, "https://survey.example"), db)
    with TestClient(app=app) as client:
        for response in (client.get("/c"), client.get("/nowhere"), client.get("/static/sort.js")):
            assert response.headers["strict-transport-security"] == HSTS


def test_pages_link_static_files_that_a_phone_fetches_once(db: Database, tmp_path: Path) -> None:
    """A page's stylesheet is cached for a year at the address the page links; that address
    changes with the file's content, so an upgrade is fetched by the next page."""
    with TestClient(app=create_app(settings_for(tmp_path), db)) as client:
        page = client.get("/c").text
        (href,) = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
        css = (Path(trainee.__file__).parent / "static" / "style.css").read_bytes()
        assert href == f"/static/style.css?v={hashlib.sha256(css).hexdigest()[:12]}"
        response = client.get(href)
        assert response.content == css
        assert_secured(response, cache=IMMUTABLE)
        # The staff pages' script, at the address the staff layout links.
        assert_secured(client.get(StaticFiles.read().url("sort.js")), cache=IMMUTABLE)
