"""Staff pages in headless Chromium: a base logs in, watches its response rate change when a
trainee submits and asks for a reminder; the ministry prints slips; and every page of the shared
list (tests/browser/staff_pages.py, the same one docs/screenshots.py photographs) passes axe-core
and keeps the layout rules on a 375 px phone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest

from survey.db.engine import Database
from survey.flow import Flow
from survey.instruments.store import class_definitions, class_plan
from survey.settings import Settings
from survey.slips.issue import issue_slips
from survey.timezone import today_local
from survey.web.app import create_app
from survey.windows import close_class
from tests.browser.conftest import LiveServer, axe_violations
from tests.browser.staff_pages import (
    NOT_PAGES,
    PAGES,
    Cast,
    log_in,
    shot_name,
    unlisted_routes,
    walk,
)
from tests.helpers import answer_through_http, first_choice
from tests.staff.builders import PASSWORD, submit_for
from tests.staff.conftest import StaffWorld, make_world

DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "zh-CN"}


@pytest.fixture
def served(programme_db: Database, tmp_path: Path) -> Iterator[tuple[StaffWorld, LiveServer]]:
    """The staff world behind a live server (both use the same data folder, hence secret)."""
    world = make_world(programme_db, tmp_path)
    with LiveServer(programme_db, tmp_path) as server:
        yield world, server


def assert_accessible(page: Any) -> None:
    violations = axe_violations(page)
    assert not violations, f"{urlparse(page.url).path}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} @ {v['nodes'][0]['target']}" for v in violations
    )


@pytest.mark.browser
def test_a_base_watches_its_rate_and_asks_for_a_reminder(
    served: tuple[StaffWorld, LiveServer],
    chromium: Any,
) -> None:
    world, server = served
    context = chromium.new_context(**DESKTOP)
    page = context.new_page()
    page.goto(server.url + "/staff/login")
    assert_accessible(page)
    log_in(page, server.url, "base-a", PASSWORD)
    assert urlparse(page.url).path == f"/staff/bases/{world.base_a}"
    assert page.locator("#base-rate").inner_text() == "0%"
    assert_accessible(page)

    # A trainee answers through the real trainee pages of the same server.
    (slip,) = issue_slips(world.db, world.secret, server.url, world.trainees_a[:1])
    with world.db.read() as session:
        flow = Flow(class_definitions(session, world.class_a), class_plan(session, world.class_a))
    with httpx.Client(base_url=server.url) as trainee:
        done = answer_through_http(trainee, urlparse(slip.link).path, first_choice, flow)
        assert done.headers["location"] == "/s/done"
    page.reload()
    assert page.locator("#base-rate").inner_text() == "8%"  # 1 of 12

    # Sorting a table by a column needs the small script, and only re-orders rows.
    header = page.locator("table.sortable th button.sort").first
    header.click()
    assert page.locator("table.sortable th[aria-sort]").count() == 1

    page.get_by_role("link", name="1. 集成电路领域领军教师班（山东理工大学）").first.click()
    assert page.locator("#class-rate").inner_text() == "8%"
    assert_accessible(page)
    # A base holds no link: it asks the ministry for a reminder instead.
    assert page.get_by_role("link", name="打印问卷纸条").count() == 0
    page.get_by_role("button", name="请求催办").click()
    assert "已请求催办" in page.locator("#reminder-state").inner_text()
    assert page.get_by_role("button", name="请求催办").count() == 0
    assert_accessible(page)
    context.close()

    # The ministry prints the slips: the links the trainees already hold.
    context = chromium.new_context(**DESKTOP)
    page = context.new_page()
    log_in(page, server.url, "ministry", PASSWORD)
    page.goto(server.url + f"/staff/classes/{world.class_a}")
    page.get_by_role("link", name="打印问卷纸条").click()
    assert_accessible(page)
    page.get_by_role("button", name="生成纸条（11 人）").click()
    assert page.locator(".slip").count() == 11
    assert page.locator(".slip svg").count() == 11
    # On a phone the code needs several lines, and it breaks between groups only.
    page.set_viewport_size({"width": 375, "height": 800})
    lines = page.eval_on_selector_all(
        ".slip .code .group", "els => els.map(e => e.getClientRects().length)"
    )
    assert len(lines) == 11 * 7
    assert set(lines) == {1}
    assert page.locator(".slip .code").first.evaluate("e => e.getClientRects().length") > 1
    page.set_viewport_size(DESKTOP["viewport"])
    assert_accessible(page)
    page.emulate_media(media="print")
    assert not page.locator("header.site").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    context.close()


@pytest.fixture
def staff_site(served: tuple[StaffWorld, LiveServer]) -> tuple[LiveServer, Cast]:
    """The world with class B answered and closed (base B's results) and five of class A's
    trainees answered, as the cast of the shared page list."""
    world, server = served
    submit_for(world.db, world.secret, world.class_b, world.trainees_b)
    submit_for(world.db, world.secret, world.class_a, world.trainees_a[:5])
    close_class(world.db, world.secret, world.class_b, today_local(), k=5)
    cast = Cast(
        accounts={
            "open-base": "base-a",
            "closed-base": "base-b",
            "province": "province-a",
            "ministry": "ministry",
        },
        password=PASSWORD,
        ids={
            "open_class": world.class_a,
            "closed_class": world.class_b,
            "open_base": world.base_a,
            "closed_base": world.base_b,
            "province": world.province_a,
        },
    )
    return server, cast


def test_every_staff_route_has_a_page_in_the_shared_list(tmp_path: Path) -> None:
    """A new staff route fails here until tests/browser/staff_pages.py shows it (and so the
    screenshots and the browser checks cover it) or says why it is no page."""
    app = create_app(Settings.from_env({"SURVEY_DATA_DIR": str(tmp_path), "SURVEY_DEV": "1"}))
    assert not unlisted_routes(app.routes)
    served = {(m, r.path) for r in app.routes for m in r.methods}
    assert set(NOT_PAGES) <= served, f"NOT_PAGES names routes gone: {set(NOT_PAGES) - served}"
    names = [shot_name(page, who, "phone") for page in PAGES for who in page.who]
    assert len(names) == len(set(names))


@pytest.mark.browser
def test_every_staff_page_passes_axe(staff_site: tuple[LiveServer, Cast], chromium: Any) -> None:
    server, cast = staff_site
    for entry, who, page, status in walk(chromium, server.url, cast, DESKTOP["viewport"]):
        assert status == entry.status, f"{entry.name} as {who}: {status}"
        assert_accessible(page)


#: The layout rules on a 375 px phone: the page itself never scrolls sideways; a table scrolls
#: inside itself with its first column pinned; a text cell keeps three characters a line (not
#: school names one character per line); and a staff page has its navigation and logout.
PHONE_CHECK = """() => {
  const width = document.documentElement.clientWidth;
  const size = parseFloat(getComputedStyle(document.body).fontSize);
  const tables = [...document.querySelectorAll('main table')];
  const label = t => (t.caption || t.rows[0] || t).textContent.trim().slice(0, 20);
  const cells = document.querySelectorAll('main table td:not(.num), main table th:not(.num)');
  const squeezed = [...cells]
    .filter(c => c.textContent.trim().length > 3 && c.getBoundingClientRect().width < 3 * size)
    .map(c => c.textContent.trim());
  const unscrolled = tables
    .filter(t => !['auto', 'scroll'].includes(getComputedStyle(t).overflowX)).map(label);
  const unpinned = tables
    .filter(t => [...t.rows].some(r => r.cells.length > 1
      && getComputedStyle(r.cells[0]).position !== 'sticky')).map(label);
  const nav = document.querySelector('nav.staff-nav');
  const logout = nav && [...nav.querySelectorAll('button')].some(b => b.textContent === '退出登录');
  return {page: document.documentElement.scrollWidth - width, squeezed, unscrolled, unpinned,
          nav: Boolean(nav && nav.querySelector('a') && logout)};
}"""


@pytest.mark.browser
def test_staff_pages_fit_a_phone(staff_site: tuple[LiveServer, Cast], chromium: Any) -> None:
    server, cast = staff_site
    for entry, who, page, status in walk(chromium, server.url, cast, {"width": 375, "height": 800}):
        where = f"{entry.name} as {who}"
        assert status == entry.status, f"{where}: {status}"
        found = page.evaluate(PHONE_CHECK)
        assert found["page"] <= 0, f"{where} is {found['page']} px wider than the phone"
        assert not found["squeezed"], f"{where}: squeezed cells {found['squeezed'][:3]}"
        assert not found["unscrolled"], f"{where}: tables that widen the page {found['unscrolled']}"
        assert not found["unpinned"], f"{where}: first column not pinned {found['unpinned']}"
        assert found["nav"] == entry.navigation, f"{where}: navigation and logout"
