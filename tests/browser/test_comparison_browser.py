"""The ministry's comparison page and a base's results page in headless Chromium, on a desktop
and on a phone: the charts are inline (their points and bars carry tooltips), every label is drawn
inside its chart in the fonts the browser really uses, no chart runs off the screen, and the page
breaks no CSP rule."""

from __future__ import annotations

from typing import Any

import pytest

from survey.timezone import today_local
from survey.windows import close_class
from tests.browser.conftest import LiveServer
from tests.browser.staff_pages import log_in
from tests.browser.test_staff_browser import assert_accessible, served
from tests.staff.builders import PASSWORD, submit_for
from tests.staff.conftest import StaffWorld

__all__ = ["served"]

#: Each text's box against its SVG's viewBox, in the SVG's own units (so a chart scaled down to
#: a phone's width is judged as drawn).
LABELS_OUTSIDE = """
() => [...document.querySelectorAll('figure svg')].flatMap(svg => {
  const view = svg.viewBox.baseVal;
  return [...svg.querySelectorAll('text')].filter(text => {
    const box = text.getBBox();
    return box.x < view.x - 0.5 || box.y < view.y - 0.5
      || box.x + box.width > view.x + view.width + 0.5
      || box.y + box.height > view.y + view.height + 0.5;
  }).map(text => text.textContent);
})
"""


@pytest.mark.browser
@pytest.mark.parametrize("width", [375, 1366])
def test_comparison_charts_inline_labelled_and_inside(
    served: tuple[StaffWorld, LiveServer], chromium: Any, width: int
) -> None:
    world, server = served
    submit_for(world.db, world.secret, world.class_b, world.trainees_b)
    submit_for(world.db, world.secret, world.class_a, world.trainees_a[:5])
    close_class(world.db, world.secret, world.class_b, today_local(), k=5)
    close_class(world.db, world.secret, world.class_a, today_local(), k=5)
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    log_in(page, server.url, "ministry", PASSWORD)
    page.goto(server.url + "/staff/results")
    charts = page.locator("figure svg")
    assert charts.count() == 6
    assert page.locator("figure img").count() == 0
    # Every point's tooltip is an inline <title>, naming its base.
    titles = page.locator("figure svg circle title").all_text_contents()
    assert titles
    assert all("：" in title for title in titles)
    assert page.evaluate(LABELS_OUTSIDE) == []
    for index in range(charts.count()):
        box = charts.nth(index).bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= width
    assert page.get_by_role("heading", name="术语说明").is_visible()
    assert not [m for m in messages if "Content Security Policy" in m]
    assert_accessible(page)
    context.close()


@pytest.mark.browser
def test_the_base_results_chart_is_inline_captioned_and_fits_a_phone(
    served: tuple[StaffWorld, LiveServer], chromium: Any
) -> None:
    world, server = served
    submit_for(world.db, world.secret, world.class_b, world.trainees_b)
    close_class(world.db, world.secret, world.class_b, today_local(), k=5)
    context = chromium.new_context(viewport={"width": 375, "height": 900}, locale="zh-CN")
    page = context.new_page()
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    log_in(page, server.url, "base-b", PASSWORD)
    page.goto(server.url + f"/staff/bases/{world.base_b}/results")
    assert page.locator("figure img").count() == 0
    charts = page.locator("figure svg")
    assert charts.count() == 2  # the satisfaction survey and the teaching evaluation
    # Each bar's tooltip names its dimension, the base's score and the programme's.
    titles = page.locator("figure svg g > title").all_text_contents()
    assert titles
    assert all("本基地" in title and "全项目" in title for title in titles)
    assert page.locator("figcaption").first.inner_text().startswith("每一行是一个维度")
    assert page.evaluate(LABELS_OUTSIDE) == []
    for index in range(charts.count()):
        box = charts.nth(index).bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= 375
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert not [m for m in messages if "Content Security Policy" in m]
    assert_accessible(page)
    context.close()
