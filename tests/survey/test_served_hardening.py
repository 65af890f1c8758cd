"""The hardening findings, tried from outside against a real ``survey serve`` (two workers) on
each backend: X-Forwarded-For from an untrusted peer changes nothing, a trusted proxy's does;
a valid link passes an address over its limit; an anonymous upload is refused before its body;
error answers carry the security headers."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

from bench.submit_load import SECRET, free_port, start_server
from survey.programme.loader import bundled_source, load_programme
from survey.slips.issue import issue_slips
from survey.timezone import now
from survey.web.headers import CONTENT_SECURITY_POLICY
from survey.web.trainee import INVALID_LIMIT
from survey.windows import open_class
from tests.databases import fresh_database
from tests.helpers import add_trainees


@contextmanager
def served(
    backend: str, tmp_path: Path, template_root: Path, proxies: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[httpx.Client, list[str]]]:
    """A running server with an open class of three: a client of it, and the trainees' links."""
    with fresh_database(backend, tmp_path, template_root) as db:
        load_programme(db, bundled_source(2024))
        class_id, ids = add_trainees(db, 1, 3)
        open_class(db, class_id, None, now())
        slips = issue_slips(db, SECRET.encode(), "http://127.0.0.1", ids)
        url = db.engine.url.render_as_string(hide_password=False)
        db.dispose()
        monkeypatch.setenv("SURVEY_TRUSTED_PROXIES", proxies)
        port = free_port()
        server: subprocess.Popen[bytes] = start_server(url, tmp_path, port, workers=2)
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
                yield client, [urlparse(s.link).path for s in slips]
        finally:
            server.terminate()
            server.wait(20)
            db.dispose()


def forged(client: httpx.Client, address: str) -> int:
    return client.get("/t/forged.sig", headers={"x-forwarded-for": address}).status_code


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_untrusted_forwarded_for_cannot_reset_the_limit(
    backend: str, tmp_path: Path, template_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with served(backend, tmp_path, template_root, "", monkeypatch) as (client, links):
        statuses = [forged(client, f"198.51.100.{i}") for i in range(INVALID_LIMIT + 1)]
        assert statuses == [400] * INVALID_LIMIT + [429]
        # The address is over its limit; a valid link from it still opens.
        opened = client.get(links[0], headers={"x-forwarded-for": "198.51.100.99"})
        assert opened.status_code == 303
        assert opened.headers["location"] == "/s"
        # Answers Litestar gives before a route is found carry the headers too.
        missing = client.get("/no/such/page")
        assert missing.status_code == 404
        assert missing.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert missing.headers["cache-control"] == "no-store"
        assert missing.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_trusted_proxy_names_the_client(
    backend: str, tmp_path: Path, template_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxies = "127.0.0.0/8, ::1"
    with served(backend, tmp_path, template_root, proxies, monkeypatch) as (client, _):
        # Clients behind the proxy are counted apart …
        assert {forged(client, f"198.51.100.{i}") for i in range(INVALID_LIMIT + 5)} == {400}
        # … and one of them is limited however its requests are spread over the workers; what
        # it puts in front of the proxy's own entry does not help it.
        statuses = [forged(client, f"10.9.{i}.1, 203.0.113.9") for i in range(INVALID_LIMIT + 1)]
        assert statuses == [400] * INVALID_LIMIT + [429]


def test_an_anonymous_upload_is_refused_before_its_body(
    tmp_path: Path, template_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with served("sqlite", tmp_path, template_root, "", monkeypatch) as (client, _):
        host, port = "127.0.0.1", client.base_url.port
        size = 30 * 1024 * 1024
        head = (
            "POST /staff/roster HTTP/1.1\r\n"
            f"Host: {host}\r\n"
            "Content-Type: multipart/form-data; boundary=xyz\r\n"
            f"Content-Length: {size}\r\n\r\n"
        ).encode()
        with socket.create_connection((host, port), timeout=10) as sock:
            # Headers and the first 64 KB only: the answer must come without the other 30 MB.
            sock.sendall(head + b"a" * 65536)
            started = time.monotonic()
            answer = sock.recv(4096).decode("latin-1")
        assert answer.startswith("HTTP/1.1 303"), answer[:200]
        assert "location: /staff/login" in answer.lower()
        assert time.monotonic() - started < 5
