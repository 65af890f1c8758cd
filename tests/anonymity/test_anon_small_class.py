"""A questionnaire fewer than k trainees of a class answered releases nothing at close, and what a
release deleted is gone from the database files, on both backends."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, update

from anonymity import issue_tokens, release_class, submit
from anonymity.answers import Answers
from anonymity.models import Comment, PoolEntry, Response
from survey.db.engine import Database
from survey.programme.models import TrainingClass
from survey.roster.models import Trainee
from tests.anonymity.conftest import MakeClass
from tests.databases import stored_bytes

TODAY = date(2024, 7, 1)
TEXTS = {"comment.best"}
K = 5


def _rows(db: Database, model: type, class_id: int) -> int:
    with db.read() as session:
        query = select(func.count()).select_from(model).where(model.class_id == class_id)  # type: ignore[attr-defined]
        return int(session.execute(query).scalar_one())


def test_a_class_below_k_releases_nothing_and_shows_participation_only(
    any_db: Database, secret: bytes, make_class: MakeClass
) -> None:
    class_id, trainees = make_class(trainees=6)
    tokens = issue_tokens(any_db, secret, trainees)
    for index, trainee in enumerate(trainees[: K - 1]):
        answers: Answers = {"q1": index + 1, "comment.best": f"只有我们四个人{index}"}
        submit(any_db, secret, tokens[trainee], [("sat-v1", answers)])

    result = release_class(any_db, secret, class_id, TODAY, text_fields=TEXTS, k=K)

    assert (result.responses, result.withheld, result.comments) == (0, K - 1, 0)
    assert result.scrubbed
    for model in (Response, Comment, PoolEntry):
        assert _rows(any_db, model, class_id) == 0
    with any_db.read() as session:
        training_class = session.get(TrainingClass, class_id)
        responded = session.scalar(
            select(func.count()).where(Trainee.class_id == class_id, Trainee.responded.is_(True))
        )
    assert training_class is not None
    assert training_class.state == "closed"
    assert responded == K - 1  # participation stays: who responded was never secret


def test_each_questionnaire_is_counted_on_its_own_and_a_small_one_is_never_opened(
    any_db: Database, secret: bytes, make_class: MakeClass
) -> None:
    class_id, trainees = make_class(trainees=7)
    tokens = issue_tokens(any_db, secret, trainees)
    for index, trainee in enumerate(trainees[:6]):
        sheets: list[tuple[str, Answers]] = [("sat-v1", {"q1": 4, "comment.best": f"好{index}"})]
        if index < 3:
            sheets.append(("teach-v1", {"t1": 5, "comment.best": f"老师{index}"}))
        submit(any_db, secret, tokens[trainee], sheets)
    # Spoil the teaching answer sets: opening one would raise, so a release that succeeds
    # destroyed them unread.
    with any_db.write() as session:
        session.execute(
            update(PoolEntry)
            .where(PoolEntry.questionnaire_version == "teach-v1")
            .values(sealed=b"\0" * 64)
        )

    result = release_class(any_db, secret, class_id, TODAY, text_fields=TEXTS, k=K)

    assert (result.responses, result.withheld, result.comments) == (6, 3, 6)
    with any_db.read() as session:
        versions = set(session.scalars(select(Response.questionnaire_version)))
        texts = sorted(session.scalars(select(Comment.text)))
    assert versions == {"sat-v1"}
    assert texts == [f"好{index}" for index in range(6)]
    assert _rows(any_db, PoolEntry, class_id) == 0


@pytest.mark.parametrize("size", [2, K])
def test_released_or_destroyed_the_sealed_answers_leave_the_files(
    any_db: Database, secret: bytes, make_class: MakeClass, size: int
) -> None:
    class_id, trainees = make_class(trainees=size)
    tokens = issue_tokens(any_db, secret, trainees)
    for trainee in trainees:
        submit(any_db, secret, tokens[trainee], [("sat-v1", {"q1": 3})])
    with any_db.read() as session:
        sealed = list(session.scalars(select(PoolEntry.sealed)))
    assert len(sealed) == size
    before = stored_bytes(any_db)
    assert all(blob[100:164] in before for blob in sealed)

    result = release_class(any_db, secret, class_id, TODAY, text_fields=(), k=K)

    assert result.scrubbed
    assert result.responses == (size if size >= K else 0)
    after = stored_bytes(any_db)
    assert not any(blob[100:164] in after for blob in sealed)
