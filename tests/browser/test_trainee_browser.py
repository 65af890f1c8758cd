"""A trainee on a phone-sized headless Chromium: answer, fail validation, resume, submit."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest

from survey.slips.issue import issue_slips
from survey.timezone import now
from survey.windows import open_class
from tests.browser.conftest import LiveServer, axe_violations
from tests.helpers import add_trainees

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0 Mobile Safari/537.36 MicroMessenger/8.0.50"
    ),
    "locale": "zh-CN",
}


def answer_page(page: Any) -> None:
    """Answer every question on the page: the best scale point, the first option, a text."""
    names = page.eval_on_selector_all(
        "input[type=radio]", "els => [...new Set(els.map(e => e.name))]"
    )
    for name in names:
        page.locator(f'input[type=radio][name="{name}"]').last.check()
    for name in page.eval_on_selector_all(
        "input[type=checkbox]", "els => [...new Set(els.map(e => e.name))]"
    ):
        page.locator(f'input[type=checkbox][name="{name}"]').first.check()
    for area in page.locator("textarea").all():
        area.fill("实践环节安排得很好")


def assert_accessible(page: Any, where: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{where}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']}" for v in violations
    )


@pytest.mark.browser
def test_trainee_answers_on_a_phone(live_server: LiveServer, chromium: Any) -> None:
    db = live_server.settings
    database = live_server.server.config.app.state.db
    class_id, trainees = add_trainees(database, 3, 6)
    open_class(database, class_id, None, now())
    (slip,) = issue_slips(database, db.secret_key(), live_server.url, trainees[:1])
    assert urlparse(slip.link).netloc == urlparse(live_server.url).netloc

    context = chromium.new_context(**PHONE)
    page = context.new_page()
    page.goto(slip.link)
    assert urlparse(page.url).path == "/s"  # the token left the address bar
    assert "谁能看到什么" in page.content()
    assert_accessible(page, "welcome")

    page.get_by_role("link", name="开始填写").click()
    assert urlparse(page.url).path == "/s/p/1"
    assert_accessible(page, "page 1")
    # Submitting an empty page fails validation next to each item.
    page.get_by_role("button", name="下一页").click()
    assert page.locator("fieldset.invalid").count() > 0
    assert page.get_by_role("alert").is_visible()
    assert_accessible(page, "page 1 with errors")
    answer_page(page)
    page.get_by_role("button", name="下一页").click()
    assert urlparse(page.url).path == "/s/p/2"
    answer_page(page)
    page.get_by_role("button", name="下一页").click()
    assert urlparse(page.url).path == "/s/p/3"

    # Leave the tab; another day, in a new one, the same link resumes where the trainee stopped.
    # (The old tab is emptied rather than closed: Chromium's page close has been seen to hang
    # in CI, and closing the context at the end closes it anyway.)
    page.goto("about:blank")
    page = context.new_page()
    page.goto(slip.link)
    resume = page.get_by_role("link", name="继续填写")
    assert resume.is_visible()
    resume.click()
    assert urlparse(page.url).path == "/s/p/3"
    for _ in range(20):
        if urlparse(page.url).path == "/s/review":
            break
        assert_accessible(page, page.url)
        answer_page(page)
        page.locator("button[value=next]").click()
    assert urlparse(page.url).path == "/s/review"
    assert_accessible(page, "review")
    page.get_by_role("button", name="确认提交").click()
    assert urlparse(page.url).path == "/s/done"
    assert "提交成功" in page.content()
    assert_accessible(page, "done")

    # The link now says it was already submitted.
    page.goto(slip.link)
    assert "您已提交" in page.content()
    context.close()


@pytest.mark.browser
def test_touch_targets_are_large_enough(live_server: LiveServer, chromium: Any) -> None:
    database = live_server.server.config.app.state.db
    class_id, trainees = add_trainees(database, 4, 6)
    open_class(database, class_id, None, now())
    (slip,) = issue_slips(
        database, live_server.settings.secret_key(), live_server.url, trainees[:1]
    )
    context = chromium.new_context(**PHONE)
    page = context.new_page()
    page.goto(slip.link)
    page.goto(live_server.url + "/s/p/1")
    small = page.eval_on_selector_all(
        "label, button, a.button",
        "els => els.filter(e => e.offsetParent !== null)"
        ".map(e => e.getBoundingClientRect()).filter(r => r.height < 44 || r.width < 44).length",
    )
    assert small == 0
    context.close()
