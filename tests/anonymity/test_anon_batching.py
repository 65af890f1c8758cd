"""Group commit: concurrent submits share a transaction, and each stays all-or-nothing."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select, update

import anonymity.submission
from anonymity.batching import GroupCommit
from anonymity.errors import RetryLaterError
from anonymity.issuing import issue_tokens
from anonymity.models import PoolEntry, Token
from anonymity.submission import SubmitResult, submit, submit_many
from survey.db.engine import Database
from survey.programme.models import TrainingClass
from tests.anonymity.conftest import MakeClass

SHEETS = [("v-satisfaction", {"overall": 5}), ("v-teaching", {"teaching.c01.overall": 4})]


def run_threads(count: int, target: Callable[[], object]) -> None:
    threads = [threading.Thread(target=target) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)


def pooled(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(PoolEntry)) or 0


def test_many_tokens_at_once_are_all_submitted(
    any_db: Database, secret: bytes, make_class: MakeClass
) -> None:
    _, trainees = make_class(trainees=40)
    tokens = list(issue_tokens(any_db, secret, trainees).values())
    group = GroupCommit(any_db, secret)
    results: list[SubmitResult] = []
    queue = list(tokens)
    lock = threading.Lock()

    def worker() -> None:
        while True:
            with lock:
                if not queue:
                    return
                token = queue.pop()
            results.append(group.submit(token, SHEETS))

    run_threads(16, worker)
    assert Counter(results) == {SubmitResult.SUBMITTED: 40}
    assert pooled(any_db) == 80
    with any_db.read() as session:
        assert session.scalar(select(func.count()).where(Token.spent.is_(True))) == 40


def test_the_same_token_twice_at_once_submits_once(
    any_db: Database, secret: bytes, make_class: MakeClass
) -> None:
    _, trainees = make_class(trainees=1)
    (token,) = issue_tokens(any_db, secret, trainees).values()
    group = GroupCommit(any_db, secret)
    results: list[SubmitResult] = []
    run_threads(8, lambda: results.append(group.submit(token, SHEETS)))
    assert Counter(results) == {SubmitResult.SUBMITTED: 1, SubmitResult.ALREADY_SUBMITTED: 7}
    assert pooled(any_db) == 2


def test_a_failed_batch_tells_every_caller_and_writes_nothing(
    any_db: Database, secret: bytes, make_class: MakeClass, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, trainees = make_class(trainees=3)
    tokens = list(issue_tokens(any_db, secret, trainees).values())
    group = GroupCommit(any_db, secret)
    import anonymity.batching

    def failing(*_: object) -> list[SubmitResult]:
        raise RetryLaterError("database is locked")

    monkeypatch.setattr(anonymity.batching, "submit_checked", failing)
    errors: list[BaseException] = []

    def attempt(token: str) -> None:
        try:
            group.submit(token, SHEETS)
        except RetryLaterError as error:
            errors.append(error)

    threads = [threading.Thread(target=attempt, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(errors) == 3
    monkeypatch.undo()
    assert pooled(any_db) == 0
    # The tokens are still live: the trainees can try again.
    assert [group.submit(t, SHEETS) for t in tokens] == [SubmitResult.SUBMITTED] * 3


def test_a_malformed_sheet_is_the_callers_error_alone(
    any_db: Database, secret: bytes, make_class: MakeClass
) -> None:
    _, trainees = make_class(trainees=1)
    (token,) = issue_tokens(any_db, secret, trainees).values()
    group = GroupCommit(any_db, secret)
    with pytest.raises(ValueError, match="at least one"):
        group.submit(token, [])
    assert group.submit(token, SHEETS) is SubmitResult.SUBMITTED


@pytest.mark.parametrize("change", ["spent", "reissued", "closed"])
def test_a_change_between_the_read_and_the_spend_is_caught(
    any_db: Database,
    secret: bytes,
    make_class: MakeClass,
    monkeypatch: pytest.MonkeyPatch,
    change: str,
) -> None:
    """Tokens are read and sealed before the write lock; what happens in between still counts."""
    class_id, trainees = make_class(trainees=2)
    tokens = issue_tokens(any_db, secret, trainees)
    token, bystander = tokens[trainees[0]], tokens[trainees[1]]
    original = anonymity.submission._prepare

    def prepare_then_change(*args: Any) -> Any:
        prepared = original(*args)
        # Once: the competing submit below passes through here too.
        monkeypatch.setattr(anonymity.submission, "_prepare", original)
        if change == "spent":
            assert submit(any_db, secret, token, SHEETS) is SubmitResult.SUBMITTED
        elif change == "reissued":
            issue_tokens(any_db, secret, [trainees[0]])
        else:
            with any_db.write() as session:
                session.execute(
                    update(TrainingClass).where(TrainingClass.id == class_id).values(state="closed")
                )
        return prepared

    monkeypatch.setattr(anonymity.submission, "_prepare", prepare_then_change)
    results = submit_many(any_db, secret, [(token, SHEETS), (bystander, SHEETS)])
    # Each outcome, and the submits whose two sheets are pooled: the competing spend's and the
    # bystander's where they went through.
    expected, submitted = {
        "spent": ([SubmitResult.ALREADY_SUBMITTED, SubmitResult.SUBMITTED], 2),
        "reissued": ([SubmitResult.UNKNOWN_TOKEN, SubmitResult.SUBMITTED], 1),
        "closed": ([SubmitResult.NOT_OPEN, SubmitResult.NOT_OPEN], 0),
    }[change]
    assert results == expected
    assert pooled(any_db) == 2 * submitted
