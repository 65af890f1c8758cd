"""Tables of questionnaire versions, their binding to classes, and training plans."""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from survey.db.base import Model


class QuestionnaireVersion(Model):
    """A definition's exact text, keyed by its content hash; never changed once stored."""

    __tablename__ = "questionnaire_version"

    version: Mapped[str] = mapped_column(String(100), primary_key=True)
    key: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)


class ClassInstrument(Model):
    """A questionnaire version a class asks, bound when the class first opens."""

    __tablename__ = "class_instrument"

    class_id: Mapped[int] = mapped_column(
        ForeignKey("training_class.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[str] = mapped_column(
        ForeignKey("questionnaire_version.version"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer)


class PlanCourse(Model):
    """One course of a class's training plan (课程名称, 授课教师, 课程类型, 学时)."""

    __tablename__ = "plan_course"
    __table_args__ = (UniqueConstraint("class_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("training_class.id", ondelete="CASCADE"))
    #: The course id used in field names ("c03" in ``teaching.c03.delivery``).
    code: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200))
    teacher: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))  # "theory" | "practice"
    hours: Mapped[float] = mapped_column(Float)
    position: Mapped[int] = mapped_column(Integer)
