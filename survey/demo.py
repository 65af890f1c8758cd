"""Demo data: the 2024 programme and a synthetic roster, so a newcomer can look around."""

from __future__ import annotations

from collections.abc import Iterator

from survey.db.engine import Database
from survey.programme.loader import bundled_source, load_programme
from survey.settings import Settings


def prepare_demo(db: Database, settings: Settings) -> Iterator[str]:
    """Load the demo data idempotently, yielding lines that tell a person what happened."""
    report = load_programme(db, bundled_source(2024))
    yield (
        f"已载入 {report.year} 年项目：{report.projects} 个项目、{report.bases} 个基地；"
        f"名额表有 {len(report.findings)} 处不一致（见 survey programme load 2024）"
    )
