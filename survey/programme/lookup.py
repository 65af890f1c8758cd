"""Finding a base, field, province or project by any of its spellings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.programme.models import Alias, Field, Programme, Project, Province, TrainingBase
from survey.programme.names import normalise, province_spellings, strip_authority
from survey.programme.reference import PROJECT_SUFFIX


@dataclass
class Lookup:
    """Name resolution for one programme, read once from the database.

    Built per import or request; every lookup after that is a dictionary access.
    """

    programme: Programme
    bases: dict[str, TrainingBase]
    fields: dict[str, Field]
    provinces: dict[str, Province]
    projects: list[Project]

    @classmethod
    def load(cls, session: Session, programme: Programme) -> Lookup:
        """Read the names of ``programme`` from ``session``."""
        bases = {normalise(b.name): b for b in session.scalars(select(TrainingBase))}
        fields = {normalise(f.name): f for f in session.scalars(select(Field))}
        by_id_base = {b.id: b for b in bases.values()}
        by_id_field = {f.id: f for f in fields.values()}
        for alias in session.scalars(select(Alias)):
            if alias.kind == "base" and alias.target_id in by_id_base:
                bases.setdefault(normalise(alias.name), by_id_base[alias.target_id])
            elif alias.kind == "field" and alias.target_id in by_id_field:
                fields.setdefault(normalise(alias.name), by_id_field[alias.target_id])
        by_short = {p.short_name: p for p in session.scalars(select(Province))}
        provinces = {
            spelling: by_short[short]
            for spelling, short in province_spellings().items()
            if short in by_short
        }
        projects = list(
            session.scalars(select(Project).where(Project.programme_id == programme.id))
        )
        return cls(programme, bases, fields, provinces, projects)

    def base(self, name: str) -> TrainingBase | None:
        """The base called ``name`` (any alias, any width or spacing)."""
        return self.bases.get(normalise(name))

    def field(self, name: str) -> Field | None:
        """The field called ``name``, also from a project name ("集成电路领域…项目")."""
        key = normalise(name)
        if key in self.fields:
            return self.fields[key]
        for suffix in (PROJECT_SUFFIX, "示范培训项目", "培训项目", "项目"):
            if key.endswith(suffix):
                key = key[: -len(suffix)]
                break
        for tail in ("领域领军教师", "领域"):
            if key.endswith(tail):
                key = key[: -len(tail)]
                break
        return self.fields.get(key)

    def province(self, name: str) -> Province | None:
        """The provincial unit named ``name``: "山东", "山东省", "山东省教育厅（公章）", "兵团"."""
        return self.provinces.get(normalise(name)) or self.provinces.get(strip_authority(name))

    def project(self, project_name: str, base_name: str) -> Project | None:
        """The project run by ``base_name`` in the field that ``project_name`` names."""
        base = self.base(base_name)
        field = self.field(project_name)
        if base is None or field is None:
            return None
        for project in self.projects:
            if project.base_id == base.id and project.field_id == field.id:
                return project
        return None

    def project_by_seq(self, seq: int) -> Project | None:
        """The project numbered ``seq`` in annex 1."""
        return next((p for p in self.projects if p.seq == seq), None)
