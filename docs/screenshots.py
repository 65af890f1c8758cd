"""Screenshots of the key staff pages at 375 px (phone) and 1366 px (desktop), and of a base's
printed 绩效评价 report, from the demo data.

Run from the project folder: ``.venv/bin/python docs/screenshots.py``. It prepares the demo in a
temporary folder, serves it on a free local port, logs in as the demo accounts in headless
Chromium (``/usr/bin/chromium``, or ``SURVEY_CHROMIUM``) and writes ``docs/screenshots/*.png``.
Only the visible part of each page is taken (not the whole scroll height), so the files stay small.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import sync_playwright

from survey.demo import DEMO_PASSWORD

OUT = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = os.environ.get("SURVEY_CHROMIUM", "/usr/bin/chromium")
WIDTHS = {"phone": (375, 760), "desktop": (1366, 760)}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(data_dir: str, port: int) -> subprocess.Popen[bytes]:
    """``survey demo`` on ``port``, returned once it answers its health check."""
    env = {
        **os.environ,
        "SURVEY_DATA_DIR": data_dir,
        "SURVEY_PUBLIC_URL": f"http://127.0.0.1:{port}",
    }
    env.pop("SURVEY_DATABASE_URL", None)
    survey = Path(sys.executable).with_name("survey")
    server = subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
        [str(survey), "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    server.kill()
    raise SystemExit("演示服务没有在 120 秒内启动")


def _log_in(page: Any, url: str, name: str) -> None:
    page.goto(url + "/staff/login")
    page.get_by_label("账号").fill(name)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()


def _shoot(browser: Any, url: str, user: str, pages: dict[str, str]) -> None:
    for kind, (width, height) in WIDTHS.items():
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        page = context.new_page()
        _log_in(page, url, user)
        for name, path in pages.items():
            page.goto(url + path)
            page.screenshot(path=str(OUT / f"{name}-{kind}.png"))
        context.close()


def _printed_report(browser: Any, url: str, path: str) -> None:
    """The base's 绩效评价 report as printed: print media, at the width of an A4 page."""
    context = browser.new_context(viewport={"width": 794, "height": 1123}, locale="zh-CN")
    page = context.new_page()
    _log_in(page, url, "ministry")
    page.goto(url + path)
    page.emulate_media(media="print")
    page.screenshot(path=str(OUT / "report-base-print.png"), full_page=True)
    context.close()


def main() -> None:
    """Write the screenshots."""
    OUT.mkdir(exist_ok=True)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as data_dir:
        server = _serve(data_dir, port)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM)
                probe = browser.new_page()
                _log_in(probe, url, "ministry")
                probe.goto(url + "/staff/overview")
                class_path = probe.locator("table.overview a[href^='/staff/classes/']").first
                class_href = str(class_path.get_attribute("href"))
                base_href = str(
                    probe.locator("table.overview a[href^='/staff/bases/']").first.get_attribute(
                        "href"
                    )
                )
                closed = probe.locator(
                    "table.overview tbody tr", has=probe.locator(".state-closed")
                )
                closed_base = str(
                    closed.first.locator("a[href^='/staff/bases/']").get_attribute("href")
                )
                probe.close()
                _shoot(
                    browser,
                    url,
                    "ministry",
                    {
                        "staff-overview": "/staff/overview",
                        "staff-class": class_href,
                        "staff-close": class_href + "/close",
                    },
                )
                _shoot(browser, url, "base01", {"staff-base": base_href})
                _printed_report(browser, url, closed_base + "/report")
                browser.close()
        finally:
            server.terminate()
            server.wait(10)
    total = sum(f.stat().st_size for f in OUT.glob("*.png"))
    print(f"{len(list(OUT.glob('*.png')))} 张截图，共 {total // 1024} KB，在 {OUT}")


if __name__ == "__main__":
    main()
