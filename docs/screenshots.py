"""Screenshots of every staff page at 375 px (phone) and 1366 px (desktop), and the printed
绩效评价 reports and the Excel workbook as PNG pages, all from the demo data.

Run from the project folder::

    .venv/bin/python docs/screenshots.py                  # skips what a missing tool cannot make
    .venv/bin/python docs/screenshots.py --require-tools  # exit 1 if pdftoppm or soffice is missing

It prepares the demo in a temporary folder, serves it on a free local port and, in headless
Chromium (``/usr/bin/chromium``, or ``SURVEY_CHROMIUM``), opens each page of
``tests/browser/staff_pages.py`` as each account that sees it. ``docs/screenshots/`` is emptied
and refilled with:

* ``staff-<page>-<role>-phone.png``: the visible part of the page at 375 × 760 px;
* ``staff-<page>-<role>-desktop.png``: the whole page at 1366 px wide, cut at 1600 px high;
* ``report-base-<n>.png`` and ``report-all-bases-<n>.png``: the pages of a base's 绩效评价 report
  and of every base's, printed to A4 PDF by Chromium, at 60 dpi (``pdftoppm``, poppler-utils);
* ``workbook-<n>.png``: the pages of ``survey report --format xlsx`` as LibreOffice prints them.

It refuses to start while the app has a staff route the page list neither shows nor explains.
Where ``pngquant`` (Debian's package) is installed, the PNGs are then reduced to 256 colours,
which keeps text sharp and the folder about a third of its size; without it they stay as taken.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import sync_playwright
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
# The page list is shared with the browser tests, which check the same pages.
sys.path.insert(0, str(ROOT))

from survey.db.engine import Database  # noqa: E402
from survey.demo import DEMO_PASSWORD  # noqa: E402
from survey.programme.models import TrainingClass  # noqa: E402
from survey.roster.models import Trainee  # noqa: E402
from survey.settings import Settings  # noqa: E402
from survey.staff.models import StaffUser  # noqa: E402
from survey.web.app import create_app  # noqa: E402
from tests.browser.staff_pages import Cast, log_in, shot_name, unlisted_routes, walk  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("SURVEY_CHROMIUM", "/usr/bin/chromium")
PHONE = {"width": 375, "height": 760}
DESKTOP = {"width": 1366, "height": 760}
#: A desktop shot stops here: long lists repeat themselves, and the files stay small.
DESKTOP_MAX_HEIGHT = 1600


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment(data_dir: str, port: int) -> dict[str, str]:
    env = {
        **os.environ,
        "SURVEY_DATA_DIR": data_dir,
        "SURVEY_PUBLIC_URL": f"http://127.0.0.1:{port}",
    }
    env.pop("SURVEY_DATABASE_URL", None)
    return env


def _serve(data_dir: str, port: int) -> subprocess.Popen[bytes]:
    """``survey demo`` on ``port``, returned once it answers its health check."""
    server = subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
        [str(Path(sys.executable).with_name("survey")), "demo", "--port", str(port)],
        env=_environment(data_dir, port),
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
    raise SystemExit("演示服务没有在 120 秒内启动 / the demo server did not start in 120 s")


def _demo_cast(data_dir: str) -> Cast:
    """The demo's accounts and ids: the first open class whose base has an account and which
    has trainees of the province account's province, and the first closed class with an account."""
    database = Database(Settings.from_env({"SURVEY_DATA_DIR": data_dir}).database_url)
    with database.read() as session:
        users = list(session.scalars(select(StaffUser).order_by(StaffUser.name)))
        province = next(u for u in users if u.role == "province")
        bases = {u.base_id: u.name for u in users if u.role == "base"}
        classes = list(session.scalars(select(TrainingClass).order_by(TrainingClass.id)))

        def in_province(training_class: TrainingClass) -> bool:
            count = session.scalar(
                select(func.count())
                .select_from(Trainee)
                .where(
                    Trainee.class_id == training_class.id,
                    Trainee.province_id == province.province_id,
                )
            )
            return bool(count)

        open_class = next(
            c
            for c in classes
            if c.state == "open" and c.project.base_id in bases and in_province(c)
        )
        closed_class = next(
            c for c in classes if c.state == "closed" and c.project.base_id in bases
        )
        open_base, closed_base = open_class.project.base_id, closed_class.project.base_id
    assert province.province_id is not None
    return Cast(
        accounts={
            "open-base": bases[open_base],
            "closed-base": bases[closed_base],
            "province": province.name,
            "ministry": "ministry",
        },
        password=DEMO_PASSWORD,
        ids={
            "open_class": open_class.id,
            "closed_class": closed_class.id,
            "open_base": open_base,
            "closed_base": closed_base,
            "province": province.province_id,
        },
    )


def _shoot_pages(browser: Any, url: str, cast: Cast) -> None:
    """Every staff page as each account that sees it, at phone and at desktop width."""
    for entry, who, page, status in walk(browser, url, cast, PHONE):
        if status != entry.status:
            raise SystemExit(f"{entry.name}（{who}）返回 {status}，应为 {entry.status}")
        page.screenshot(path=str(OUT / shot_name(entry, who, "phone")))
        page.set_viewport_size(DESKTOP)
        height = min(
            int(page.evaluate("document.documentElement.scrollHeight")), DESKTOP_MAX_HEIGHT
        )
        page.screenshot(
            path=str(OUT / shot_name(entry, who, "desktop")),
            full_page=True,
            clip={"x": 0, "y": 0, "width": DESKTOP["width"], "height": height},
        )
        page.set_viewport_size(PHONE)


def _png_pages(pdftoppm: str, pdf: Path, stem: str) -> None:
    """``stem-<n>.png`` in the output folder: each page of ``pdf`` at 60 dpi."""
    subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [pdftoppm, "-r", "60", "-png", str(pdf), str(OUT / stem)], check=True
    )


def _printed_reports(browser: Any, url: str, cast: Cast, folder: Path, pdftoppm: str) -> None:
    """A base's 绩效评价 report and every base's, as Chromium prints them on A4."""
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    log_in(page, url, cast.accounts["ministry"], cast.password)
    reports = {
        "report-base": f"/staff/bases/{cast.ids['closed_base']}/report",
        "report-all-bases": "/staff/results/report",
    }
    for stem, path in reports.items():
        page.goto(url + path)
        pdf = folder / f"{stem}.pdf"
        pdf.write_bytes(page.pdf(format="A4"))
        _png_pages(pdftoppm, pdf, stem)
    context.close()


def _workbook(data_dir: str, port: int, folder: Path, soffice: str, pdftoppm: str) -> None:
    """The ministry's Excel workbook, printed by LibreOffice."""
    workbook = folder / "workbook.xlsx"
    subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [
            str(Path(sys.executable).with_name("survey")),
            "report",
            "--format",
            "xlsx",
            "--out",
            str(workbook),
        ],
        env=_environment(data_dir, port),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [
            soffice,
            f"-env:UserInstallation={(folder / 'libreoffice').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(workbook),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _png_pages(pdftoppm, folder / "workbook.pdf", "workbook")


def _reduce(shots: list[Path]) -> None:
    """Reduce ``shots`` to 256 colours in place with pngquant, if it is installed."""
    pngquant = shutil.which("pngquant")
    if pngquant is None or not shots:
        return
    # --skip-if-larger keeps a file whose reduction would not pay (status 98/99: not an error).
    done = subprocess.run(  # noqa: S603 - a tool of the machine, fixed arguments
        [
            pngquant,
            "--force",
            "--ext",
            ".png",
            "--quality",
            "70-95",
            "--skip-if-larger",
            "--strip",
            *map(str, shots),
        ],
        check=False,
    )
    if done.returncode not in (0, 98, 99):
        print(f"pngquant 失败（状态 {done.returncode}），截图未压缩", file=sys.stderr)


def _missing_tools(pdftoppm: str | None, soffice: str | None) -> list[str]:
    """One line per missing tool, in Chinese and English."""
    lines = []
    if pdftoppm is None:
        lines.append(
            "缺少 pdftoppm（poppler-utils），未生成报告和工作簿的页面图 / "
            "pdftoppm (poppler-utils) is missing: no report or workbook pages"
        )
    elif soffice is None:
        lines.append(
            "缺少 soffice（LibreOffice），未生成工作簿的页面图 / "
            "soffice (LibreOffice) is missing: no workbook pages"
        )
    return lines


def main() -> None:
    """Write the screenshots."""
    parser = argparse.ArgumentParser(description="重新生成 docs/screenshots/ 的截图")
    parser.add_argument(
        "--require-tools",
        action="store_true",
        help="缺少 pdftoppm 或 soffice 时以状态 1 退出（默认跳过那一部分）",
    )
    arguments = parser.parse_args()
    pdftoppm, soffice = shutil.which("pdftoppm"), shutil.which("soffice")
    missing = _missing_tools(pdftoppm, soffice)
    for line in missing:
        print(line, file=sys.stderr)
    if missing and arguments.require_tools:
        sys.exit(1)
    OUT.mkdir(exist_ok=True)
    for old in OUT.glob("*.png"):
        old.unlink()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as data_dir:
        server = _serve(data_dir, port)
        try:
            app = create_app(Settings.from_env({"SURVEY_DATA_DIR": data_dir, "SURVEY_DEV": "1"}))
            unlisted = unlisted_routes(app.routes)
            if unlisted:
                raise SystemExit(
                    "tests/browser/staff_pages.py 没有列出这些工作人员页面 / "
                    "staff routes missing from the page list: " + ", ".join(unlisted)
                )
            cast = _demo_cast(data_dir)
            folder = Path(data_dir) / "prints"
            folder.mkdir()
            with sync_playwright() as playwright:
                # Form controls (file and date pickers) speak the browser's language, taken
                # from the environment (Chinese needs Debian's chromium-l10n), not the page's.
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM,
                    env={**os.environ, "LANG": "zh_CN.UTF-8", "LANGUAGE": "zh_CN"},
                )
                _shoot_pages(browser, url, cast)
                if pdftoppm is not None:
                    _printed_reports(browser, url, cast, folder, pdftoppm)
                browser.close()
            if pdftoppm is not None and soffice is not None:
                _workbook(data_dir, port, folder, soffice, pdftoppm)
        finally:
            server.terminate()
            server.wait(10)
    shots = sorted(OUT.glob("*.png"))
    _reduce(shots)
    total = sum(f.stat().st_size for f in shots)
    print(f"{len(shots)} 张截图，共 {total // 1024} KB，在 {OUT}")


if __name__ == "__main__":
    main()
