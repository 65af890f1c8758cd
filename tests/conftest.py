"""Fixtures shared by the whole suite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from survey.db.engine import Database
from survey.programme.loader import bundled_source, load_programme
from tests.databases import default_backend, drop_postgres_templates, fresh_database


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run serially: Chromium and a live server per test would fight for the cores."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.serial)


@pytest.fixture(scope="session")
def template_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Folder holding the migrated template databases of this run."""
    yield tmp_path_factory.mktemp("templates")
    drop_postgres_templates()


@pytest.fixture
def db(tmp_path: Path, template_root: Path) -> Iterator[Database]:
    """A fresh, migrated database on this run's default backend."""
    with fresh_database(default_backend(), tmp_path, template_root) as database:
        yield database


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(
    request: pytest.FixtureRequest, tmp_path: Path, template_root: Path
) -> Iterator[Database]:
    """A fresh, migrated database on each backend in turn, for tests that must hold on both."""
    with fresh_database(request.param, tmp_path, template_root) as database:
        yield database


@pytest.fixture
def programme_db(db: Database) -> Database:
    """``db`` with the 2024 programme loaded."""
    load_programme(db, bundled_source(2024))
    return db
