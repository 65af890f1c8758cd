"""Whose address a request counts under: the peer's, unless the peer is a trusted proxy."""

from __future__ import annotations

from ipaddress import ip_network
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from click.testing import CliRunner

from survey.cli import cli
from survey.db.engine import Database
from survey.settings import Settings, SettingsError
from survey.web.clients import forwarded_client

PROXIES = (ip_network("10.0.0.5"), ip_network("192.168.0.0/24"), ip_network("::1"))


@pytest.mark.parametrize(
    ("peer", "headers", "expected"),
    [
        # No trusted proxy in front: the header is the client's own word, and ignored.
        ("203.0.113.9", ["198.51.100.1"], "203.0.113.9"),
        ("testclient", ["198.51.100.1"], "testclient"),
        # A trusted proxy names the client it appended …
        ("10.0.0.5", ["198.51.100.1"], "198.51.100.1"),
        ("::1", ["2001:db8::7"], "2001:db8::7"),
        # … and whatever the client put in front of that is not believed.
        ("10.0.0.5", ["1.2.3.4, 198.51.100.1"], "198.51.100.1"),
        ("10.0.0.5", ["1.2.3.4", "198.51.100.1"], "198.51.100.1"),
        # Chains of trusted proxies are walked from the right.
        ("10.0.0.5", ["1.2.3.4, 198.51.100.1, 192.168.0.20"], "198.51.100.1"),
        ("10.0.0.5", ["192.168.0.3, 192.168.0.20"], "192.168.0.3"),
        ("10.0.0.5", [], "10.0.0.5"),
        ("10.0.0.5", [" , "], "10.0.0.5"),
    ],
)
def test_forwarded_client(peer: str, headers: list[str], expected: str) -> None:
    assert forwarded_client(peer, headers, PROXIES) == expected


def test_trusted_proxies_setting() -> None:
    assert Settings.from_env({}).trusted_proxies == ()
    settings = Settings.from_env({"SURVEY_TRUSTED_PROXIES": "10.0.0.5, 192.168.0.0/24 ::1"})
    assert settings.trusted_proxies == PROXIES
    with pytest.raises(SettingsError, match=r"SURVEY_TRUSTED_PROXIES 中的 'proxy\.local'"):
        Settings.from_env({"SURVEY_TRUSTED_PROXIES": "10.0.0.5,proxy.local"})


@pytest.mark.parametrize(
    ("proxies", "expected"), [("", (False, [])), ("10.0.0.5", (True, ["10.0.0.5/32"]))]
)
def test_serve_gives_uvicorn_the_trusted_proxies(
    db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    proxies: str,
    expected: tuple[bool, list[str]],
) -> None:
    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda *_, **kwargs: seen.update(kwargs))
    env = {
        "SURVEY_DATABASE_URL": db.url,
        "SURVEY_DATA_DIR": str(tmp_path),
        "SURVEY_SECRET_KEY": "s" * 40,
        "SURVEY_TRUSTED_PROXIES": proxies,
    }
    result = CliRunner().invoke(cli, ["serve"], env=env)
    assert result.exit_code == 0, result.output
    assert (seen["proxy_headers"], seen["forwarded_allow_ips"]) == expected
