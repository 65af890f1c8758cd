"""The printable 绩效评价 report, printed to PDF by Chromium and read back page by page with
poppler's ``pdftotext``: at most two A4 pages per base, each base on a page of its own in the
all-bases document, and no table or chart split across pages (its heading and its last row, or
the chart's title and its caption, on one page)."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from survey.timezone import today_local
from survey.windows import close_class
from tests.browser.conftest import LiveServer
from tests.browser.staff_pages import log_in
from tests.browser.test_staff_browser import DESKTOP, assert_accessible, served
from tests.helpers import require_command
from tests.staff.builders import PASSWORD, submit_for
from tests.staff.conftest import StaffWorld

__all__ = ["served"]

#: Each block of the printed report as (what, its first words, its last words), in page order:
#: a table from its section heading to its last row, a chart from the title drawn in it to the
#: end of its caption, a section from its heading to its last line.
BLOCKS = """() => {
  const text = e => e ? e.textContent : '';
  const blocks = [];
  for (const sheet of document.querySelectorAll('.report-sheet')) {
    blocks.push(['sheet', text(sheet.querySelector('h2')), '']);
    for (const section of sheet.querySelectorAll('.report-block')) {
      const heading = text(section.querySelector('h3'));
      blocks.push(['section', heading, text(section.lastElementChild)]);
      for (const table of section.querySelectorAll('table')) {
        blocks.push(['table', heading, text(table.querySelector('tr:last-child'))]);
      }
      for (const figure of section.querySelectorAll('figure')) {
        blocks.push(['chart', text(figure.querySelector('svg text')),
                     text(figure.querySelector('figcaption'))]);
      }
    }
  }
  return blocks;
}"""


def _squeeze(text: str) -> str:
    # pdftotext breaks lines where the page wrapped them; compare text without any white space.
    return re.sub(r"\s+", "", text)


def _pdftotext_or_skip() -> None:
    require_command(
        "pdftotext",
        "poppler's pdftotext is not installed (apt-get install poppler-utils)",
        "SURVEY_REQUIRE_BROWSER",
    )


def pdf_page_texts(pdf: bytes, folder: Path) -> list[str]:
    """The text of each page of ``pdf`` in the order it was drawn (``-raw``: the layout mode
    reorders lines of mixed fonts), without white space; pdftotext ends each page with \\f."""
    path = folder / "report.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
        timeout=60,
    )
    pages = result.stdout.decode("utf-8").split("\f")
    return [_squeeze(page) for page in pages[:-1]]  # the text after the last \f is empty


def split_blocks(pages: Sequence[str], blocks: Sequence[Sequence[str]]) -> list[str]:
    """Blocks whose first and last words fall on different pages, found in page order (so a
    heading that recurs, 总体得分 in each questionnaire, is matched to its own block)."""
    text = "".join(pages)
    starts = [sum(len(page) for page in pages[:number]) for number in range(len(pages))]

    def page_of(offset: int) -> int:
        return max(number for number, start in enumerate(starts) if start <= offset)

    split = []
    position = 0
    for kind, first, last in blocks:
        head = text.find(_squeeze(first), position)
        assert head >= 0, f"{kind} {first!r} is not in the PDF"
        if kind == "sheet":
            position = head
            continue
        # The last words only: a chart's own <title> and <desc> are in its text, not on paper.
        ending = _squeeze(last)[-15:]
        tail = text.find(ending, head)
        assert tail >= 0, f"the end of {kind} {first!r} ({ending!r}) is not in the PDF"
        end = tail + len(ending) - 1
        if page_of(head) != page_of(end):
            split.append(f"{kind} {first!r}: pages {page_of(head) + 1}–{page_of(end) + 1}")
        # A section comes before its tables and charts, which search from its heading again.
        if kind != "section":
            position = head
    return split


def printed(page: Any, folder: Path) -> tuple[list[str], list[list[str]]]:
    """The page's blocks and its PDF's page texts, printed on A4 as the print dialog would."""
    page.emulate_media(media="print")
    blocks = page.evaluate(BLOCKS)
    return pdf_page_texts(page.pdf(format="A4"), folder), blocks


@pytest.mark.browser
def test_the_base_report_prints_whole_blocks_on_at_most_two_a4_pages_per_base(
    served: tuple[StaffWorld, LiveServer],
    chromium: Any,
    tmp_path: Path,
) -> None:
    _pdftotext_or_skip()
    world, server = served
    submit_for(world.db, world.secret, world.class_b, world.trainees_b)
    submit_for(world.db, world.secret, world.class_a, world.trainees_a[:8])
    for class_id in (world.class_a, world.class_b):
        close_class(world.db, world.secret, class_id, today_local(), k=5)
    context = chromium.new_context(**DESKTOP)
    page = context.new_page()
    log_in(page, server.url, "base-b", PASSWORD)
    page.goto(server.url + f"/staff/bases/{world.base_b}/report")
    assert "满意率（主要指标）" in page.content()
    assert "漏斗图位置" in page.content()
    assert_accessible(page)
    pages, blocks = printed(page, tmp_path)
    assert 1 <= len(pages) <= 2
    assert {kind for kind, _, _ in blocks} == {"sheet", "table", "chart", "section"}
    assert split_blocks(pages, blocks) == []
    # A base opens its own report only.
    other = page.goto(server.url + f"/staff/bases/{world.base_a}/report")
    assert other is not None
    assert other.status == 403
    context.close()

    context = chromium.new_context(**DESKTOP)
    page = context.new_page()
    log_in(page, server.url, "ministry", PASSWORD)
    page.goto(server.url + "/staff/results/report")
    pages, blocks = printed(page, tmp_path)
    sheets = [_squeeze(first) for kind, first, _ in blocks if kind == "sheet"]
    assert len(sheets) >= 2
    assert len(pages) <= 2 * len(sheets)
    # Each base starts a page of its own, in order.
    tops = [n for sheet in sheets for n, text in enumerate(pages) if text.startswith(sheet)]
    assert len(tops) == len(sheets), "a base's report does not start a page"
    assert tops == sorted(set(tops))
    assert tops[0] == 0
    assert split_blocks(pages, blocks) == []
    context.close()
