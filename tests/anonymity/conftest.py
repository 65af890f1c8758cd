"""Fixtures of the anonymity tests.

``any_db`` is the suite's fresh, migrated database on each backend (``tests/databases.py``).
The migrations create the anonymity tables (0002); ``create_all`` only fills in for a schema
that lacks them and otherwise changes nothing, so these tests check the migrated tables,
``WITHOUT ROWID`` included. ``make_class`` adds a class with roster entries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select

import anonymity.models
from survey.db.base import Model
from survey.db.engine import Database
from survey.programme.models import Field, Programme, Project, Province, TrainingBase, TrainingClass
from survey.roster.models import Trainee
from tests.databases import fresh_database

SECRET = b"test-secret-0123456789abcdefghijklmnopqrstuvwxyz"
ANONYMITY_TABLES = [
    Model.metadata.tables[model.__tablename__]
    for model in [
        anonymity.models.Token,
        anonymity.models.PoolEntry,
        anonymity.models.Response,
        anonymity.models.Comment,
    ]
]

MakeClass = Callable[..., tuple[int, list[int]]]


@contextmanager
def anonymity_database(backend: str, path: Path, template_root: Path) -> Iterator[Database]:
    """A fresh database of ``backend`` with the anonymity tables, removed afterwards."""
    with fresh_database(backend, path, template_root) as database:
        Model.metadata.create_all(database.engine, tables=ANONYMITY_TABLES)
        yield database


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def any_db(
    request: pytest.FixtureRequest, tmp_path: Path, template_root: Path
) -> Iterator[Database]:
    """A fresh database with the anonymity tables, on each backend in turn."""
    with anonymity_database(request.param, tmp_path, template_root) as database:
        yield database


@pytest.fixture(scope="session")
def database_factory() -> Callable[[str, Path, Path], AbstractContextManager[Database]]:
    """``anonymity_database`` for fixtures of a wider scope than ``any_db``."""
    return anonymity_database


@pytest.fixture
def secret() -> bytes:
    """The server secret of the tests."""
    return SECRET


def create_class(db: Database, trainees: int = 5, state: str = "open") -> tuple[int, list[int]]:
    """Add a training class with ``trainees`` roster entries; ``(class_id, [trainee ids])``."""
    with db.write() as session:
        if session.get(Programme, 1) is None:
            session.add_all(
                [
                    Programme(id=1, year=2024, name="2024 职教国培示范项目"),
                    Field(id=1, name="集成电路"),
                    TrainingBase(id=1, name="测试基地"),
                    Province(id=1, short_name="北京", name="北京市", position=1),
                ]
            )
            session.flush()
        number = session.execute(select(func.count()).select_from(Project)).scalar_one() + 1
        project = Project(
            programme_id=1,
            seq=number,
            name=f"项目{number}",
            major_class="电子信息类",
            field_id=1,
            base_id=1,
        )
        session.add(project)
        session.flush()
        training_class = TrainingClass(project_id=project.id, name=f"班{number}", state=state)
        session.add(training_class)
        session.flush()
        people = [
            Trainee(
                programme_id=1,
                class_id=training_class.id,
                province_id=1,
                name=f"学员{number}-{index}",
                mobile=f"139{number:04d}{index:04d}",
            )
            for index in range(trainees)
        ]
        session.add_all(people)
        session.flush()
        return training_class.id, [person.id for person in people]


@pytest.fixture(scope="session")
def class_factory() -> Callable[..., tuple[int, list[int]]]:
    """``create_class`` for fixtures of a wider scope than ``make_class``."""
    return create_class


@pytest.fixture
def make_class(any_db: Database) -> MakeClass:
    """``make_class(trainees=n, state="open") -> (class_id, [trainee ids])`` in ``any_db``."""

    def make(trainees: int = 5, state: str = "open") -> tuple[int, list[int]]:
        return create_class(any_db, trainees, state)

    return make
