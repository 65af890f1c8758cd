"""Concurrency and failure: races of submit, re-issue and release; locked and full databases."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any, TypeVar

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import make_url

from anonymity import (
    DraftResult,
    RetryLaterError,
    SubmitResult,
    TokenStatus,
    issue_tokens,
    open_token,
    release_class,
    save_draft,
    submit,
)
from anonymity.drafts import new_device_secret
from anonymity.models import PoolEntry, Response, Token
from survey.db.engine import Database
from survey.roster.models import Trainee

MakeClass = Callable[..., tuple[int, list[int]]]
T = TypeVar("T")
VERSION = "sat-v1"
TODAY = date(2024, 7, 1)
#: The device that writes the drafts of these tests.
DEVICE = new_device_secret()


def _race(calls: list[Callable[[], T]]) -> list[T]:
    """Run the calls in threads released at the same instant; re-raise the first failure."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = calls[index]()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    return results


def _pool_size(db: Database) -> int:
    with db.read() as session:
        return int(session.execute(select(func.count()).select_from(PoolEntry)).scalar_one())


def _responded(db: Database) -> set[int]:
    with db.read() as session:
        return set(session.execute(select(Trainee.id).where(Trainee.responded)).scalars())


def test_concurrent_submits_of_one_token_give_exactly_one_success(
    any_db: Database, secret: bytes, make_class: MakeClass
) -> None:
    _, trainees = make_class(trainees=5)
    tokens = issue_tokens(any_db, secret, trainees)
    for trainee in trainees:
        token = tokens[trainee]
        results = _race(
            [
                lambda index=index, token=token: submit(  # type: ignore[misc]
                    any_db, secret, token, [(VERSION, {"q1": index + 1})]
                )
                for index in range(6)
            ]
        )
        assert results.count(SubmitResult.SUBMITTED) == 1
        assert results.count(SubmitResult.ALREADY_SUBMITTED) == 5
    assert _pool_size(any_db) == 5
    assert _responded(any_db) == set(trainees)


def test_concurrent_submits_of_different_tokens_all_succeed(
    any_db: Database, secret: bytes, make_class: MakeClass
) -> None:
    _, trainees = make_class(trainees=24)
    tokens = issue_tokens(any_db, secret, trainees)
    results = _race(
        [
            lambda token=tokens[trainee]: submit(any_db, secret, token, [(VERSION, {"q1": 3})])  # type: ignore[misc]
            for trainee in trainees
        ]
    )
    assert results == [SubmitResult.SUBMITTED] * 24
    assert _pool_size(any_db) == 24


def test_submit_racing_release_never_strands_an_answer(
    any_db: Database, secret: bytes, make_class: MakeClass
) -> None:
    class_id, trainees = make_class(trainees=12)
    tokens = issue_tokens(any_db, secret, trainees)
    calls: list[Callable[[], object]] = [
        lambda token=tokens[trainee]: submit(any_db, secret, token, [(VERSION, {"q1": 2})])  # type: ignore[misc]
        for trainee in trainees
    ]
    calls.insert(6, lambda: release_class(any_db, secret, class_id, TODAY, text_fields=(), k=1))
    results = _race(calls)
    submitted = results.count(SubmitResult.SUBMITTED)
    assert submitted + results.count(SubmitResult.NOT_OPEN) == 12
    # Every accepted answer was released with the class; none was left in its pool.
    assert _pool_size(any_db) == 0
    with any_db.read() as session:
        released = session.execute(select(func.count()).select_from(Response)).scalar_one()
    assert released == submitted
    assert len(_responded(any_db)) == submitted
    for trainee in trainees:
        state = open_token(any_db, secret, tokens[trainee])
        assert state.status in {TokenStatus.SPENT, TokenStatus.LIVE}
        assert state.class_state == "closed"


def test_reissue_racing_submit_never_gives_a_responded_trainee_a_live_token(
    any_db: Database, secret: bytes, make_class: MakeClass
) -> None:
    _, trainees = make_class(trainees=8)
    tokens = issue_tokens(any_db, secret, trainees)
    for trainee in trainees:
        results = _race(
            [
                lambda: submit(any_db, secret, tokens[trainee], [(VERSION, {"q1": 1})]),  # noqa: B023
                lambda: issue_tokens(any_db, secret, [trainee], replace=True),  # noqa: B023
            ]
        )
        outcome, reissued = results
        assert isinstance(reissued, dict)
        if outcome is SubmitResult.SUBMITTED:
            assert reissued == {}
        else:
            assert outcome is SubmitResult.UNKNOWN_TOKEN
            assert list(reissued) == [trainee]
    with any_db.read() as session:
        live = set(
            session.execute(select(Token.trainee_id).where(Token.trainee_id.is_not(None))).scalars()
        )
    assert not live & _responded(any_db)


def test_reissue_racing_release_does_not_deadlock(
    any_db: Database, secret: bytes, make_class: MakeClass
) -> None:
    for _ in range(6):
        class_id, trainees = make_class(trainees=6)
        tokens = issue_tokens(any_db, secret, trainees)
        for trainee in trainees:
            save_draft(any_db, secret, tokens[trainee], DEVICE, {"q1": 1})
        results = _race(
            [
                lambda: issue_tokens(any_db, secret, trainees, replace=True),  # noqa: B023
                lambda: release_class(any_db, secret, class_id, TODAY, text_fields=(), k=1),  # noqa: B023
            ]
        )
        issued = results[0]
        assert isinstance(issued, dict)
        assert len(issued) == len(trainees)
        with any_db.read() as session:
            drafts = session.execute(select(Token.draft).where(Token.class_id == class_id))
            assert set(drafts.scalars()) == {None}


def test_concurrent_drafts_and_submit_leave_no_draft_on_a_spent_token(
    any_db: Database, secret: bytes, make_class: MakeClass
) -> None:
    _, trainees = make_class(trainees=4)
    tokens = issue_tokens(any_db, secret, trainees)
    for trainee in trainees:
        token = tokens[trainee]
        results = _race(
            [
                lambda: save_draft(any_db, secret, token, DEVICE, {"q1": 1}),  # noqa: B023
                lambda: submit(any_db, secret, token, [(VERSION, {"q1": 2})]),  # noqa: B023
                lambda: save_draft(any_db, secret, token, DEVICE, {"q1": 3}),  # noqa: B023
            ]
        )
        assert results[1] is SubmitResult.SUBMITTED
        assert {results[0], results[2]} <= {DraftResult.SAVED, DraftResult.ALREADY_SUBMITTED}
    with any_db.read() as session:
        assert session.execute(select(Token.draft).where(Token.spent)).scalars().all() == [None] * 4


@contextmanager
def _impatient(db: Database) -> Iterator[Database]:
    """A second handle on ``db`` that gives up on a lock after a fraction of a second."""
    if db.is_sqlite:
        impatient = Database(db.url)

        @event.listens_for(impatient.engine, "connect")
        def _short_wait(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA busy_timeout=100")

    else:
        impatient = Database(db.url, connect_args={"options": "-c lock_timeout=200"})
    try:
        yield impatient
    finally:
        impatient.dispose()


@contextmanager
def _lock_out_writers(db: Database) -> Iterator[None]:
    """Hold a lock that makes every submit wait: the SQLite write lock, or the pool table."""
    if db.is_sqlite:
        path = make_url(db.url).database
        assert path is not None
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    # On PostgreSQL the submit gets as far as spending the token and marking the roster entry
    # before it waits on the pool insert: the rollback must undo those too.
    with db.engine.connect() as locker:
        locker.exec_driver_sql("LOCK TABLE sealed_pool IN ACCESS EXCLUSIVE MODE")
        try:
            yield
        finally:
            locker.rollback()


def test_locked_database_raises_retryable_and_writes_nothing(
    any_db: Database, secret: bytes, make_class: MakeClass
) -> None:
    _, trainees = make_class(trainees=1)
    token = issue_tokens(any_db, secret, trainees)[trainees[0]]
    with _impatient(any_db) as impatient, _lock_out_writers(any_db):
        with pytest.raises(RetryLaterError) as caught:
            submit(impatient, secret, token, [(VERSION, {"q1": 4, "text": "写在锁里的话"})])
        assert caught.value.reason in {"SQLITE_BUSY", "55P03"}
        assert token not in str(caught.value)
        assert caught.value.__suppress_context__
        assert caught.value.__cause__ is None
    assert open_token(any_db, secret, token).status is TokenStatus.LIVE
    assert _pool_size(any_db) == 0
    assert _responded(any_db) == set()
    # The same call simply succeeds once the lock is gone.
    assert submit(any_db, secret, token, [(VERSION, {"q1": 4})]) is SubmitResult.SUBMITTED


def test_locked_database_during_release_writes_nothing(
    any_db: Database, secret: bytes, make_class: MakeClass
) -> None:
    class_id, trainees = make_class(trainees=2)
    tokens = issue_tokens(any_db, secret, trainees)
    for token in tokens.values():
        submit(any_db, secret, token, [(VERSION, {"q1": 1})])
    with (
        _impatient(any_db) as impatient,
        _lock_out_writers(any_db),
        pytest.raises(RetryLaterError),
    ):
        release_class(impatient, secret, class_id, TODAY, text_fields=(), k=1)
    assert _pool_size(any_db) == 2
    assert release_class(any_db, secret, class_id, TODAY, text_fields=(), k=1).responses == 2


def test_full_sqlite_database_raises_retryable_and_writes_nothing(
    any_db: Database, secret: bytes, make_class: MakeClass
) -> None:
    if not any_db.is_sqlite:
        pytest.skip("a full disk is simulated with SQLite's max_page_count")
    _, trainees = make_class(trainees=1)
    token = issue_tokens(any_db, secret, trainees)[trainees[0]]
    full = Database(any_db.url)

    @event.listens_for(full.engine, "connect")
    def _no_room(dbapi_connection: Any, _record: Any) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

    try:
        with pytest.raises(RetryLaterError) as caught:
            submit(full, secret, token, [(VERSION, {"q1": 4})])
        assert caught.value.reason == "SQLITE_FULL"
    finally:
        full.dispose()
    assert open_token(any_db, secret, token).status is TokenStatus.LIVE
    assert _pool_size(any_db) == 0
    assert _responded(any_db) == set()
