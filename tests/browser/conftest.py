"""A live server on a free port and headless Chromium, for the real-browser tests."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from survey.db.engine import Database
from survey.settings import Settings
from survey.web.app import create_app
from tests.helpers import require_tool

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__import__("axe_playwright_python").__file__).with_name("axe.min.js")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """The app served by uvicorn in a thread of the test process."""

    def __init__(self, db: Database, data_dir: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.settings = Settings.from_env(
            {"SURVEY_DATA_DIR": str(data_dir), "SURVEY_DEV": "1", "SURVEY_PUBLIC_URL": self.url}
        )
        config = uvicorn.Config(
            create_app(self.settings, db), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.05)
        raise RuntimeError("the live server did not start")

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture
def live_server(programme_db: Database, tmp_path: Path) -> Iterator[LiveServer]:
    """The app on a real port, on the test database with the 2024 programme."""
    with LiveServer(programme_db, tmp_path) as server:
        yield server


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright; skipped with a reason when absent."""
    require_tool(
        Path(CHROMIUM).exists(),
        "Debian's chromium package is not installed (apt-get install chromium)",
        "SURVEY_REQUIRE_BROWSER",
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations on the page as it is now.

    axe is evaluated through the DevTools protocol, which the page's CSP does not govern, so
    the page under test keeps its real policy.
    """
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document)")
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
