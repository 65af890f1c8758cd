"""The roster table: one entry per trainee of a programme."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.db.base import Model
from survey.programme.models import Province, TrainingClass


class Trainee(Model):
    """A roster entry (学员). Personal fields are None after ``survey roster purge``.

    ``responded`` is a flag without a time on purpose: a timestamp here would order the
    respondents and could be matched against anything else that carries time.
    """

    __tablename__ = "trainee"
    __table_args__ = (UniqueConstraint("programme_id", "mobile"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    class_id: Mapped[int] = mapped_column(ForeignKey("training_class.id", ondelete="CASCADE"))
    province_id: Mapped[int] = mapped_column(ForeignKey("province.id"))
    name: Mapped[str | None] = mapped_column(String(100))
    employer: Mapped[str | None] = mapped_column(String(200))
    department: Mapped[str | None] = mapped_column(String(200))
    major: Mapped[str | None] = mapped_column(String(200))
    mobile: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(String(500))
    responded: Mapped[bool] = mapped_column(Boolean, default=False)

    training_class: Mapped[TrainingClass] = relationship()
    province: Mapped[Province] = relationship()
