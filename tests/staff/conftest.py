"""Fixtures of the staff tests: the 2024 programme with two classes, their trainees in two
provinces, an account of every role and a second base and province to be refused."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from litestar import Litestar
from litestar.testing import TestClient

from survey.db.engine import Database
from survey.programme.models import TrainingBase
from survey.settings import Settings
from survey.staff import passwords
from survey.staff.accounts import create_user
from survey.timezone import now
from survey.web.app import create_app
from survey.windows import open_class
from tests.staff.builders import PASSWORD, class_of, enrol, login, provinces

# Argon2 at its real cost takes ~50 ms and 64 MiB a hash; tests that hash dozens of times use
# the cheapest parameters (the production parameters are tested on their own).
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Cheap Argon2 parameters for the staff tests."""
    monkeypatch.setattr(passwords, "_hasher", lambda: FAST_HASHER)
    passwords.dummy_hash.cache_clear()
    yield
    passwords.dummy_hash.cache_clear()


@dataclass
class StaffWorld:
    """The app and what the tests refer to."""

    db: Database
    settings: Settings
    app: Litestar
    #: Class of project 1 (base A, trainees of province A and B) and of project 2 (base B).
    class_a: int
    class_b: int
    base_a: int
    base_b: int
    province_a: int
    province_b: int
    trainees_a: list[int]
    trainees_b: list[int]

    @property
    def secret(self) -> bytes:
        """The server secret."""
        return self.settings.secret_key()

    @contextmanager
    def client(self, user: str | None = None) -> Iterator[TestClient[Any]]:
        """A test client, logged in as ``user`` when given."""
        with TestClient(app=self.app) as client:
            if user is not None:
                response = login(client, user)
                assert response.status_code == 303, response.text
            yield client


def make_world(db: Database, tmp_path: Path, env: dict[str, str] | None = None) -> StaffWorld:
    """Accounts ``ministry``, ``base-a``, ``base-b``, ``province-a``, ``province-b``; class A
    open with 8 trainees of province A and 4 of province B, class B open with 6 of province B."""
    settings = Settings.from_env(
        {"SURVEY_DATA_DIR": str(tmp_path), "SURVEY_DEV": "1", **(env or {})}
    )
    class_a, base_a = class_of(db, 1)
    class_b, base_b = class_of(db, 2)
    (province_a, name_a), (province_b, name_b) = provinces(db)[:2]
    trainees_a = enrol(db, class_a, province_a, 8, "1390001") + enrol(
        db, class_a, province_b, 4, "1390002"
    )
    trainees_b = enrol(db, class_b, province_b, 6, "1390003")
    for class_id in (class_a, class_b):
        open_class(db, class_id, None, now())
    create_user(db, "ministry", "ministry", PASSWORD, now())
    with db.read() as session:
        name_base_a = session.get(TrainingBase, base_a).name  # type: ignore[union-attr]
        name_base_b = session.get(TrainingBase, base_b).name  # type: ignore[union-attr]
    create_user(db, "base-a", "base", PASSWORD, now(), base=name_base_a)
    create_user(db, "base-b", "base", PASSWORD, now(), base=name_base_b)
    create_user(db, "province-a", "province", PASSWORD, now(), province=name_a)
    create_user(db, "province-b", "province", PASSWORD, now(), province=name_b)
    return StaffWorld(
        db=db,
        settings=settings,
        app=create_app(settings, db),
        class_a=class_a,
        class_b=class_b,
        base_a=base_a,
        base_b=base_b,
        province_a=province_a,
        province_b=province_b,
        trainees_a=trainees_a,
        trainees_b=trainees_b,
    )


@pytest.fixture
def world(programme_db: Database, tmp_path: Path) -> StaffWorld:
    """The staff world on this run's default backend."""
    return make_world(programme_db, tmp_path)
