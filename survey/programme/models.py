"""Tables of the reference data and of training classes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.db.base import Model


class Programme(Model):
    """A year's 职教国培 programme."""

    __tablename__ = "programme"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: False while the seat allocation has integrity findings (see AllocationIssue).
    allocation_verified: Mapped[bool] = mapped_column(Boolean, default=False)

    projects: Mapped[list[Project]] = relationship(
        back_populates="programme", order_by="Project.seq"
    )


class Field(Model):
    """One of the programme's fields (领域), e.g. 集成电路."""

    __tablename__ = "field"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)


class TrainingBase(Model):
    """A training base (承训基地 / 承训单位). Named ``TrainingBase`` to keep ``Base`` free."""

    __tablename__ = "training_base"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class Province(Model):
    """A provincial unit (省级单位): 31 provinces and 新疆生产建设兵团."""

    __tablename__ = "province"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Short name as in the annex 2 header (北京, 内蒙古, 兵团).
    short_name: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    #: Column order in annex 2, so summaries list provinces as the ministry does.
    position: Mapped[int] = mapped_column(Integer)


class Alias(Model):
    """Another spelling of a field, base or province name, e.g. 深圳职业技术学院."""

    __tablename__ = "alias"
    __table_args__ = (UniqueConstraint("kind", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "field" | "base" | "province"
    name: Mapped[str] = mapped_column(String(200))
    target_id: Mapped[int] = mapped_column(Integer)


class Project(Model):
    """A field's project at one base, numbered as in annex 1."""

    __tablename__ = "project"
    __table_args__ = (UniqueConstraint("programme_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    major_class: Mapped[str] = mapped_column(String(200))
    field_id: Mapped[int] = mapped_column(ForeignKey("field.id"))
    base_id: Mapped[int] = mapped_column(ForeignKey("training_base.id"))

    programme: Mapped[Programme] = relationship(back_populates="projects")
    field: Mapped[Field] = relationship()
    base: Mapped[TrainingBase] = relationship()
    classes: Mapped[list[TrainingClass]] = relationship(
        back_populates="project", order_by="TrainingClass.id"
    )


class SeatAllocation(Model):
    """Seats (名额) of one province in one project, as published in annex 2."""

    __tablename__ = "seat_allocation"
    __table_args__ = (UniqueConstraint("project_id", "province_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    province_id: Mapped[int] = mapped_column(ForeignKey("province.id"))
    seats: Mapped[int] = mapped_column(Integer)


class AllocationIssue(Model):
    """An integrity finding of the published allocation, kept so pages can show it."""

    __tablename__ = "allocation_issue"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(Text)


class TrainingClass(Model):
    """A cohort (培训班): the unit that trainees, tokens, survey windows and results belong to."""

    __tablename__ = "training_class"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    #: Survey window in UTC (naive datetimes are never stored); None while not scheduled.
    opens_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    closes_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    #: "pending" (never opened), "open", or "closed" (pool released).
    state: Mapped[str] = mapped_column(String(10), default="pending")
    #: Day the responses were released; the only time a response is tied to.
    released_on: Mapped[date | None] = mapped_column(Date, default=None)
    #: The ministry's switch "由承训基地发放纸条": while on, the class's base may print its slips.
    base_slips: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: Set when the switch is first turned on and never cleared: the base may have held live
    #: slips, and the class's results say so.
    base_held_slips: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: How many trainees found their link already used and said "不是我提交的": a count with
    #: no identity and no time (anonymity.contest).
    contested: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    project: Mapped[Project] = relationship(back_populates="classes")
