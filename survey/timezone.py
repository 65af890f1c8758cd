"""Times for people are Asia/Shanghai; times in the database are UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from survey.errors import UserError

SHANGHAI = ZoneInfo("Asia/Shanghai")
LOCAL_FORMAT = "%Y-%m-%d %H:%M"


def now() -> datetime:
    """The current time, timezone-aware (UTC)."""
    return datetime.now(UTC)


def today_local() -> date:
    """Today's date in Beijing time."""
    return now().astimezone(SHANGHAI).date()


def parse_local(text: str) -> datetime:
    """Parse "YYYY-MM-DD HH:MM" as Beijing time and return it in UTC."""
    try:
        local = datetime.strptime(text.strip(), LOCAL_FORMAT)
    except ValueError:
        raise UserError(
            f"时间“{text}”格式不对，请写成 YYYY-MM-DD HH:MM（北京时间），如 2024-08-30 18:00"
        ) from None
    return local.replace(tzinfo=SHANGHAI).astimezone(UTC)


def as_utc(moment: datetime) -> datetime:
    """``moment`` as aware UTC; naive values (SQLite hands them back) are taken as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def format_local(moment: datetime | None) -> str:
    """A stored time as people read it: "2024-08-30 18:00" in Beijing time, or "—"."""
    if moment is None:
        return "—"
    return as_utc(moment).astimezone(SHANGHAI).strftime(LOCAL_FORMAT)
