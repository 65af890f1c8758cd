"""Slips as files: a CSV for SMS gateways and WeChat notices, and A4 cut-out slips in HTML."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from importlib import resources

import segno
from jinja2 import Environment, select_autoescape

from reporting.inert import inert_row
from survey.slips.issue import Slip

CSV_HEADER = ("项目序号", "项目名称", "承训基地", "学员姓名", "联系手机", "问卷链接", "问卷码")


def slips_csv(slips: Sequence[Slip]) -> bytes:
    """UTF-8 with BOM, so that Excel on a Chinese Windows opens it without mojibake."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    for s in slips:
        writer.writerow(
            inert_row((s.project_seq, s.project, s.base, s.name, s.mobile, s.link, s.code))
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def qr_svg(link: str) -> str:
    """An inline SVG QR code of ``link`` (error correction M: survives a crease in the paper)."""
    return segno.make(link, error="m", micro=False).svg_inline(scale=3, border=2)


def slips_html(slips: Sequence[Slip], title: str) -> str:
    """A self-contained HTML page that prints as cut-out slips on A4 (no external resources)."""
    template = resources.files("survey.slips").joinpath("slips.html").read_text(encoding="utf-8")
    env = Environment(autoescape=select_autoescape(default=True))
    return env.from_string(template).render(title=title, slips=[(s, qr_svg(s.link)) for s in slips])
