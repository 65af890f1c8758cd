"""Jinja filters of the staff pages: numbers as people read them, bars as CSS classes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from survey.timezone import format_local


def percent(value: float | int | None, digits: int = 0) -> str:
    """0.8432 → "84%"; None → "—"."""
    if value is None:
        return "—"
    return f"{float(value) * 100:.{digits}f}%"


def number(value: float | int | None, digits: int = 2) -> str:
    """A figure with ``digits`` decimals; None → "—"."""
    if value is None:
        return "—"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.{digits}f}"


def bar_class(rate: float | None) -> str:
    """The CSS class of a bar this full (``w0`` … ``w100``): the CSP forbids inline styles."""
    if rate is None:
        return "w0"
    return f"w{max(0, min(100, int(rate * 100)))}"


def local_time(moment: datetime | None) -> str:
    """A stored UTC time in Beijing time, "2024-08-30 18:00"; None → "—"."""
    return format_local(moment)


def local_input(moment: datetime | None) -> str:
    """A stored UTC time as a ``datetime-local`` field's value, "2024-08-30T18:00"; None → "".

    The deadline field shows the deadline in force, so that changing something else on the
    form, or pressing its button by mistake, does not clear it.
    """
    return "" if moment is None else format_local(moment).replace(" ", "T")


STATE_LABELS = {"pending": "未开放", "open": "开放中", "closed": "已关闭"}


def state_label(state: str) -> str:
    """A class state in Chinese."""
    return STATE_LABELS.get(state, state)


def register_filters(engine: Any) -> None:
    """Add the filters to the app's Jinja environment (TemplateConfig's engine callback)."""
    filters = engine.engine.filters
    filters["percent"] = percent
    filters["number"] = number
    filters["bar_class"] = bar_class
    filters["local_time"] = local_time
    filters["local_input"] = local_input
    filters["state_label"] = state_label
