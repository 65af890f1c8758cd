"""Staff pages in headless Chromium: a base logs in, watches its response rate change when a
trainee submits and asks for a reminder; the ministry prints slips; axe-core finds no serious
or critical problem on any staff page."""

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
from survey.slips.issue import issue_slips
from survey.timezone import today_local
from survey.windows import close_class
from tests.browser.conftest import LiveServer, axe_violations
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


def log_in(page: Any, server: LiveServer, name: str) -> None:
    page.goto(server.url + "/staff/login")
    page.get_by_label("账号").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


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
    log_in(page, server, "base-a")
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
    log_in(page, server, "ministry")
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


@pytest.mark.browser
def test_every_staff_page_passes_axe(
    served: tuple[StaffWorld, LiveServer],
    chromium: Any,
) -> None:
    world, server = served
    submit_for(world.db, world.secret, world.class_b, world.trainees_b)
    submit_for(world.db, world.secret, world.class_a, world.trainees_a[:5])
    close_class(world.db, world.secret, world.class_b, today_local(), k=5)
    pages = {
        "ministry": [
            "/staff/overview",
            "/staff/windows",
            "/staff/windows/close",
            "/staff/roster",
            "/staff/roster/summary",
            "/staff/review",
            f"/staff/review/{world.class_b}",
            "/staff/results",
            "/staff/audit",
            f"/staff/classes/{world.class_a}",
            f"/staff/classes/{world.class_a}/close",
            f"/staff/classes/{world.class_a}/slips?format=csv",
            f"/staff/classes/{world.class_a}/reissue",
            f"/staff/classes/{world.class_a}/reminders",
            "/staff/reminders",
            f"/staff/bases/{world.base_b}/results",
        ],
        "base-a": [
            f"/staff/classes/{world.class_a}",
            f"/staff/bases/{world.base_b}",  # another base's page: the 403 page
        ],
        "base-b": [
            f"/staff/classes/{world.class_b}",
            f"/staff/classes/{world.class_b}/results",
        ],
        "province-a": [
            f"/staff/provinces/{world.province_a}",
            f"/staff/classes/{world.class_a}/slips?format=html",
            "/staff/reminders",
        ],
    }
    for user, paths in pages.items():
        context = chromium.new_context(**DESKTOP)
        page = context.new_page()
        log_in(page, server, user)
        for path in paths:
            page.goto(server.url + path)
            assert_accessible(page)
        context.close()


#: How a page overflows a 375 px phone: the page itself, and text cells squeezed to under three
#: characters a line (school names one character per line).
PHONE_CHECK = """() => {
  const width = document.documentElement.clientWidth;
  const size = parseFloat(getComputedStyle(document.body).fontSize);
  const cells = document.querySelectorAll('main table td:not(.num), main table th:not(.num)');
  const squeezed = [...cells]
    .filter(c => c.textContent.trim().length > 3 && c.getBoundingClientRect().width < 3 * size)
    .map(c => c.textContent.trim());
  return {page: document.documentElement.scrollWidth - width, squeezed: squeezed};
}"""


@pytest.mark.browser
def test_staff_pages_fit_a_phone(
    served: tuple[StaffWorld, LiveServer],
    chromium: Any,
) -> None:
    world, server = served
    submit_for(world.db, world.secret, world.class_a, world.trainees_a[:5])
    pages = {
        "ministry": [
            "/staff/overview",
            "/staff/windows",
            "/staff/roster/summary",
            "/staff/audit",
            f"/staff/classes/{world.class_a}",
        ],
        "base-a": [f"/staff/bases/{world.base_a}"],
        "province-a": [f"/staff/provinces/{world.province_a}"],
    }
    for user, paths in pages.items():
        context = chromium.new_context(viewport={"width": 375, "height": 800}, locale="zh-CN")
        page = context.new_page()
        log_in(page, server, user)
        for path in paths:
            page.goto(server.url + path)
            found = page.evaluate(PHONE_CHECK)
            assert found["page"] <= 0, f"{path} is {found['page']} px wider than the phone"
            assert not found["squeezed"], f"{path}: squeezed cells {found['squeezed'][:3]}"
        context.close()
