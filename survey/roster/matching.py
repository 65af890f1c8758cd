"""Resolving a row's 项目名称 and 承训单位 to a project, through the programme's aliases."""

from __future__ import annotations

import re
from dataclasses import dataclass

from survey.programme.lookup import Lookup
from survey.programme.names import normalise
from survey.roster.layout import COLUMN_BY_KEY

_SEQ = re.compile(r"^(?:第)?([0-9]{1,2})(?:项|号)?$")
# A remark in brackets after a name: "人工智能领域领军教师示范培训项目（计算机类）".
_REMARK = re.compile(r"[(（][^()（）]*[)）]")
PROJECT_LABEL = COLUMN_BY_KEY["project"].label
BASE_LABEL = COLUMN_BY_KEY["base"].label


@dataclass(frozen=True)
class ProjectMatch:
    """A project id, or the column at fault and a Chinese message saying what to fix."""

    project_id: int | None
    column: str | None = None
    problem: str | None = None


class ProjectMatcher:
    """Matches (项目名称, 承训单位) pairs with :class:`Lookup`, remembering each pair's answer.

    A province file repeats the same few pairs hundreds of times; each is resolved once.
    """

    def __init__(self, lookup: Lookup) -> None:
        self.lookup = lookup
        self._cache: dict[tuple[str, str], ProjectMatch] = {}

    def __call__(self, project_text: str, base_text: str) -> ProjectMatch:
        """The project that ``project_text`` and ``base_text`` name together."""
        key = (normalise(project_text), normalise(base_text))
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._match(project_text, base_text)
        return found

    def _match(self, project_text: str, base_text: str) -> ProjectMatch:
        lookup = self.lookup
        base = lookup.base(base_text) or lookup.base(_REMARK.sub("", base_text))
        if seq := _SEQ.match(normalise(project_text)):
            # Some provinces write the annex 1 number instead of the project's name.
            by_seq = lookup.project_by_seq(int(seq.group(1)))
            if by_seq is None:
                return ProjectMatch(
                    None,
                    PROJECT_LABEL,
                    f"没有第 {seq.group(1)} 项：项目名称请按附件1 填写"
                    f"（共 {len(lookup.projects)} 项）",
                )
            if base is None or base.id != by_seq.base_id:
                return ProjectMatch(
                    None,
                    BASE_LABEL,
                    f"第 {by_seq.seq} 项的承训单位是“{by_seq.base.name}”，"
                    f"与本行的“{base_text}”不符：请核对项目与承训单位",
                )
            return ProjectMatch(by_seq.id)
        field = lookup.field(project_text) or lookup.field(_REMARK.sub("", project_text))
        if field is None:
            return ProjectMatch(
                None,
                PROJECT_LABEL,
                f"“{project_text}”不是本年度的项目：请按附件1 填写项目名称，"
                "如“集成电路领域领军教师示范培训项目”",
            )
        if base is None:
            return ProjectMatch(
                None,
                BASE_LABEL,
                f"“{base_text}”不是本年度的承训基地：请按附件1 填写承训单位全称"
                f"（{field.name}领域：{self._bases_of(field.id)}）",
            )
        project = next(
            (p for p in lookup.projects if p.base_id == base.id and p.field_id == field.id), None
        )
        if project is None:
            return ProjectMatch(
                None,
                BASE_LABEL,
                f"“{base.name}”不承担{field.name}领域的项目：该领域的承训基地是"
                f"{self._bases_of(field.id)}，请核对项目名称与承训单位",
            )
        return ProjectMatch(project.id)

    def _bases_of(self, field_id: int) -> str:
        return "、".join(f"“{p.base.name}”" for p in self.lookup.projects if p.field_id == field_id)
