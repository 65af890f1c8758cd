"""Choosing the programme (the year of the notice) a command or page works on."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.errors import UsageError, UserError
from survey.programme.models import Programme


def select_programme(session: Session, year: int | None) -> Programme:
    """The programme of ``year``, or the newest one loaded when ``year`` is None."""
    if year is None:
        programme = session.scalar(select(Programme).order_by(Programme.year.desc()).limit(1))
        if programme is None:
            raise UserError("尚未载入培训项目：请先运行 `survey programme load 2024`")
        return programme
    programme = session.scalar(select(Programme).where(Programme.year == year))
    if programme is None:
        loaded = "、".join(str(y) for y in session.scalars(select(Programme.year)))
        raise UsageError(
            f"没有 {year} 年的培训项目（已载入：{loaded or '无'}）："
            f"请先运行 `survey programme load {year}` 或换一个年份"
        )
    return programme
