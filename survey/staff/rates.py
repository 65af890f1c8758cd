"""Invited, responded and response rates: per class, per province, per base. Counts only.

Counts come from the roster's ``responded`` flag, which says that someone responded and not
what, nor when; no function here returns which trainee responded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Label, Subquery, case, func, select
from sqlalchemy.orm import Session

from survey.programme.models import Field, Project, Province, TrainingBase, TrainingClass
from survey.programme.names import class_label
from survey.roster.models import Trainee
from survey.timezone import as_utc


@dataclass(frozen=True)
class Rate:
    """Invited and responded trainees of some group."""

    invited: int
    responded: int

    @property
    def rate(self) -> float | None:
        """The response rate, or None for a group nobody was invited to."""
        return self.responded / self.invited if self.invited else None

    @property
    def percent(self) -> int | None:
        """The response rate in whole percent (rounded down, so 100 means everyone)."""
        return None if not self.invited else self.responded * 100 // self.invited

    def __add__(self, other: Rate) -> Rate:
        return Rate(self.invited + other.invited, self.responded + other.responded)


NO_ONE = Rate(0, 0)


@dataclass(frozen=True)
class ClassRow:
    """A training class with its project, base, window and rate."""

    id: int
    name: str
    project_seq: int
    project: str
    field: str
    base_id: int
    base: str
    state: str
    opens_at: datetime | None
    closes_at: datetime | None
    released_on: date | None
    rate: Rate
    #: The ministry's switch "由承训基地发放纸条" is on: the base may print the class's slips.
    base_slips: bool = False
    #: The switch was ever on: the class's results carry the mark that the base held slips.
    base_held_slips: bool = False
    #: Trainees who said "不是我提交的" (anonymity.contest): a count, never who.
    contested: int = 0

    @property
    def label(self) -> str:
        """The class as pages and commands show it (:func:`class_label`)."""
        return class_label(self.project_seq, self.project, self.base, self.name)


@dataclass
class BaseRow:
    """A base with its classes and their combined rate."""

    id: int
    name: str
    classes: list[ClassRow] = field(default_factory=list)

    @property
    def rate(self) -> Rate:
        """The base's rate over all its classes."""
        total = NO_ONE
        for row in self.classes:
            total += row.rate
        return total


@dataclass(frozen=True)
class ProvinceRow:
    """Invited and responded trainees of one province in some group."""

    id: int
    short_name: str
    name: str
    rate: Rate


def rate_columns() -> tuple[Label[int], Label[int]]:
    """``invited`` and ``responded`` over the roster rows of a query's group: the one
    definition of both counts, used by every page, export, report and the CLI."""
    return (
        func.count(Trainee.id).label("invited"),
        func.coalesce(func.sum(case((Trainee.responded.is_(True), 1), else_=0)), 0).label(
            "responded"
        ),
    )


def _counts(province_id: int | None = None) -> Subquery:
    query = select(Trainee.class_id.label("class_id"), *rate_columns()).group_by(Trainee.class_id)
    if province_id is not None:
        query = query.where(Trainee.province_id == province_id)
    return query.subquery()


def class_rate(session: Session, class_id: int) -> Rate:
    """Invited and responded trainees of one class."""
    invited, responded = session.execute(
        select(*rate_columns()).where(Trainee.class_id == class_id)
    ).one()
    return Rate(int(invited), int(responded))


def class_rates(session: Session) -> dict[int, Rate]:
    """Invited and responded trainees of every class that has a roster."""
    return {
        class_id: Rate(int(invited), int(responded))
        for class_id, invited, responded in session.execute(
            select(Trainee.class_id, *rate_columns()).group_by(Trainee.class_id)
        )
    }


def class_rows(
    session: Session,
    programme_id: int,
    *,
    base_id: int | None = None,
    class_ids: Sequence[int] | None = None,
    province_id: int | None = None,
) -> list[ClassRow]:
    """Classes of the programme in annex 1 order, optionally of one base or of some ids.

    With ``province_id`` the rates count only that province's trainees, and classes without
    any of them are left out.
    """
    counts = _counts(province_id)
    invited = func.coalesce(counts.c.invited, 0)
    responded = func.coalesce(counts.c.responded, 0)
    query = (
        select(TrainingClass, Project, TrainingBase, Field.name, invited, responded)
        .join(Project, TrainingClass.project_id == Project.id)
        .join(TrainingBase, Project.base_id == TrainingBase.id)
        .join(Field, Project.field_id == Field.id)
        .outerjoin(counts, counts.c.class_id == TrainingClass.id)
        .where(Project.programme_id == programme_id)
        .order_by(Project.seq, TrainingClass.id)
    )
    if base_id is not None:
        query = query.where(Project.base_id == base_id)
    if class_ids is not None:
        query = query.where(TrainingClass.id.in_(list(class_ids)))
    if province_id is not None:
        query = query.where(counts.c.invited > 0)
    return [
        ClassRow(
            id=training_class.id,
            name=training_class.name,
            project_seq=project.seq,
            project=project.name,
            field=field_name,
            base_id=base.id,
            base=base.name,
            state=training_class.state,
            opens_at=training_class.opens_at,
            closes_at=training_class.closes_at,
            released_on=training_class.released_on,
            rate=Rate(int(n_invited), int(n_responded)),
            base_slips=training_class.base_slips,
            base_held_slips=training_class.base_held_slips,
            contested=training_class.contested,
        )
        for training_class, project, base, field_name, n_invited, n_responded in session.execute(
            query
        )
    ]


def by_base(rows: Sequence[ClassRow]) -> list[BaseRow]:
    """Classes grouped by base, bases in the order of their first project."""
    bases: dict[int, BaseRow] = {}
    for row in rows:
        bases.setdefault(row.base_id, BaseRow(row.base_id, row.base)).classes.append(row)
    return list(bases.values())


def total(rows: Sequence[ClassRow]) -> Rate:
    """The combined rate of some classes."""
    result = NO_ONE
    for row in rows:
        result += row.rate
    return result


def lagging(
    rows: Sequence[ClassRow], rate_percent: int, days: int, moment: datetime
) -> list[ClassRow]:
    """Open classes answering below ``rate_percent`` whose deadline is at most ``days`` days after
    ``moment``, soonest deadline first: the ones a reminder can still help."""
    horizon = moment + timedelta(days=days)
    late = [
        row
        for row in rows
        if row.state == "open"
        and row.closes_at is not None
        and moment <= as_utc(row.closes_at) <= horizon
        and row.rate.responded * 100 < rate_percent * row.rate.invited
    ]
    return sorted(late, key=lambda row: (as_utc(row.closes_at or moment), row.project_seq))


def province_rows(session: Session, class_ids: Sequence[int]) -> list[ProvinceRow]:
    """Invited and responded trainees of these classes by province (provinces with trainees)."""
    query = (
        select(Province.id, Province.short_name, Province.name, *rate_columns())
        .join(Trainee, Trainee.province_id == Province.id)
        .where(Trainee.class_id.in_(list(class_ids)))
        .group_by(Province.id, Province.short_name, Province.name, Province.position)
        .order_by(Province.position)
    )
    return [
        ProvinceRow(pid, short, name, Rate(int(n), int(r)))
        for pid, short, name, n, r in session.execute(query)
    ]
