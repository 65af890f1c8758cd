"""What the API returns and accepts, as dataclasses (Litestar derives the OpenAPI schema)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal

from survey.staff.rates import ClassRow, ProvinceRow, Rate
from survey.timezone import as_utc

State = Literal["pending", "open", "closed"]


class Questionnaire(StrEnum):
    """The questionnaires a report can be about."""

    satisfaction = "satisfaction"
    teaching = "teaching"


@dataclass(frozen=True)
class Me:
    """The calling account."""

    name: str
    role: Literal["ministry", "base", "province"]
    base_id: int | None
    province_id: int | None
    scope: str


@dataclass(frozen=True)
class ClassOut:
    """A training class with its window and response rate (``rate`` is null when nobody was
    invited); ``small`` marks a class with fewer invited trainees than the report threshold."""

    id: int
    name: str
    project: int
    project_name: str
    field: str
    base_id: int
    base: str
    state: State
    opens_at: datetime | None
    closes_at: datetime | None
    released_on: date | None
    invited: int
    responded: int
    rate: float | None
    small: bool
    #: The ministry let the base hand out this class's paper slips ("承训基地发放纸条"): the
    #: base may have held live links, and the class's results say so.
    base_held_slips: bool


@dataclass(frozen=True)
class ProvinceRateOut:
    """Invited and responded trainees of one province."""

    province_id: int
    province: str
    short_name: str
    invited: int
    responded: int
    rate: float | None


@dataclass(frozen=True)
class ClassDetailOut:
    """A class, and its rate by province."""

    training_class: ClassOut
    provinces: list[ProvinceRateOut]


@dataclass(frozen=True)
class BaseOut:
    """A base with its classes."""

    id: int
    name: str
    invited: int
    responded: int
    rate: float | None
    classes: list[ClassOut]


@dataclass(frozen=True)
class ProgrammeOut:
    """The programme as far as the account may see it."""

    year: int
    name: str
    allocation_verified: bool
    report_k: int
    invited: int
    responded: int
    rate: float | None
    bases: list[BaseOut]


@dataclass(frozen=True)
class ProvinceOut:
    """A province's trainees: their rate in every class they belong to."""

    province_id: int
    province: str
    invited: int
    responded: int
    rate: float | None
    classes: list[ClassOut]


@dataclass(frozen=True)
class OpenIn:
    """Open a class, or move its deadline: ``closes_at`` with a time zone, or null for none."""

    closes_at: datetime | None = None


@dataclass(frozen=True)
class WindowOut:
    """A class's window after a change, and what happened in words."""

    class_id: int
    state: State
    closes_at: datetime | None
    message: str


@dataclass(frozen=True)
class ReportOut:
    """A report in the format of ``reporting.export_json`` (``group`` is the programme, base
    or class the request asked for)."""

    questionnaire: Questionnaire
    level: Literal["programme", "base", "class"]
    report: dict[str, Any]


def _utc(moment: datetime | None) -> datetime | None:
    return as_utc(moment) if moment is not None else None


def class_out(row: ClassRow, k: int) -> ClassOut:
    """A class row as the API shows it."""
    return ClassOut(
        id=row.id,
        name=row.name,
        project=row.project_seq,
        project_name=row.project,
        field=row.field,
        base_id=row.base_id,
        base=row.base,
        state=row.state,  # type: ignore[arg-type]
        opens_at=_utc(row.opens_at),
        closes_at=_utc(row.closes_at),
        released_on=row.released_on,
        invited=row.rate.invited,
        responded=row.rate.responded,
        rate=row.rate.rate,
        small=row.rate.invited < k,
        base_held_slips=row.base_held_slips,
    )


def province_out(row: ProvinceRow) -> ProvinceRateOut:
    """A province's rate as the API shows it."""
    return ProvinceRateOut(
        province_id=row.id,
        province=row.name,
        short_name=row.short_name,
        invited=row.rate.invited,
        responded=row.rate.responded,
        rate=row.rate.rate,
    )


def rate_fields(rate: Rate) -> dict[str, Any]:
    """``invited``, ``responded`` and ``rate`` of a rate."""
    return {"invited": rate.invited, "responded": rate.responded, "rate": rate.rate}
