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
REMINDER_HEADER = ("学员姓名", "联系手机", "问卷链接", "问卷码", "提醒短信")


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


def reminders_csv(slips: Sequence[Slip], deadline: str) -> bytes:
    """The reminder list for an SMS platform: mobile, link and a ready message per trainee.

    The links are the ones the trainees already hold, so the message says a started sheet
    goes on where it stopped instead of warning that an old link died.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(REMINDER_HEADER)
    for slip in slips:
        message = (
            f"【职教国培】{slip.name}老师您好：{slip.project}的匿名评价问卷"
            f"{'将于 ' + deadline + ' 截止' if deadline != '—' else '正在进行'}，"
            f"请点击 {slip.link} 填写（约 {slip.minutes} 分钟，匿名）。"
            "已填写一部分的，用同一链接可接着填。"
        )
        writer.writerow(inert_row((slip.name, slip.mobile, slip.link, slip.code, message)))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def qr_svg(link: str) -> str:
    """An inline SVG QR code of ``link`` (error correction M: survives a crease in the paper)."""
    return segno.make(link, error="m", micro=False).svg_inline(scale=3, border=2)


def slips_html(slips: Sequence[Slip], title: str) -> str:
    """A self-contained HTML page that prints as cut-out slips on A4 (no external resources)."""
    template = resources.files("survey.slips").joinpath("slips.html").read_text(encoding="utf-8")
    env = Environment(autoescape=select_autoescape(default=True))
    return env.from_string(template).render(title=title, slips=[(s, qr_svg(s.link)) for s in slips])
