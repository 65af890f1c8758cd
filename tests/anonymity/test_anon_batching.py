"""Group commit: concurrent submits share a transaction, and each stays all-or-nothing."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select, update

import anonymity.batching
import anonymity.submission
from anonymity.batching import GroupCommit
from anonymity.errors import RetryLaterError
from anonymity.issuing import issue_tokens
from anonymity.models import PoolEntry, Token
from anonymity.submission import Sheets, SubmitResult, submit, submit_many
from survey.db.engine import Database
from survey.programme.models import TrainingClass
from tests.anonymity.conftest import MakeClass

SHEETS = [("v-satisfaction", {"overall": 5}), ("v-teaching", {"teaching.c01.overall": 4})]


def submit_at_once(group: GroupCommit, tokens: list[str], sheets: Sheets = SHEETS) -> list[Any]:
    """Every submit started in the same instant on one event loop: results, or the errors."""

    async def run() -> list[Any]:
        calls = [group.submit(token, sheets) for token in tokens]
        return await asyncio.gather(*calls, return_exceptions=True)

    return asyncio.run(run())


def pooled(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(PoolEntry)) or 0


def live_tokens(db: Database, secret: bytes, make_class: MakeClass, count: int) -> list[str]:
    """``count`` live tokens of one new open class."""
    _, trainees = make_class(trainees=count)
    return list(issue_tokens(db, secret, trainees).values())


def before_each_batch(monkeypatch: pytest.MonkeyPatch, hook: Callable[[list[Any]], None]) -> None:
    """Call ``hook`` with each batch, on the batch's thread, just before it is committed."""
    original = anonymity.batching.submit_checked

    def hooked(db: Database, key: bytes, prepared: list[Any]) -> list[SubmitResult]:
        hook(prepared)
        return original(db, key, prepared)

    monkeypatch.setattr(anonymity.batching, "submit_checked", hooked)


def record_batches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of every batch committed from now on, in order."""
    batches: list[int] = []
    before_each_batch(monkeypatch, lambda prepared: batches.append(len(prepared)))
    return batches


def test_many_tokens_at_once_are_all_submitted(
    any_db: Database, secret: bytes, make_class: MakeClass, monkeypatch: pytest.MonkeyPatch
) -> None:
    tokens = live_tokens(any_db, secret, make_class, 40)
    group = GroupCommit(any_db, secret)
    batches = record_batches(monkeypatch)
    results = submit_at_once(group, tokens)
    assert Counter(results) == {SubmitResult.SUBMITTED: 40}
    # All forty queued before the first batch started: they share one commit.
    assert batches == [40]
    assert pooled(any_db) == 80
    with any_db.read() as session:
        assert session.scalar(select(func.count()).where(Token.spent.is_(True))) == 40


def test_a_batch_is_at_most_max_batch(
    any_db: Database, secret: bytes, make_class: MakeClass, monkeypatch: pytest.MonkeyPatch
) -> None:
    tokens = live_tokens(any_db, secret, make_class, 5)
    monkeypatch.setattr(anonymity.batching, "MAX_BATCH", 2)
    batches = record_batches(monkeypatch)
    assert submit_at_once(GroupCommit(any_db, secret), tokens) == [SubmitResult.SUBMITTED] * 5
    assert batches == [2, 2, 1]


def test_the_same_token_twice_at_once_submits_once(
    any_db: Database, secret: bytes, make_class: MakeClass
) -> None:
    (token,) = live_tokens(any_db, secret, make_class, 1)
    results = submit_at_once(GroupCommit(any_db, secret), [token] * 8)
    assert Counter(results) == {SubmitResult.SUBMITTED: 1, SubmitResult.ALREADY_SUBMITTED: 7}
    assert pooled(any_db) == 2


def test_a_failed_batch_tells_every_caller_and_writes_nothing(
    any_db: Database, secret: bytes, make_class: MakeClass, monkeypatch: pytest.MonkeyPatch
) -> None:
    tokens = live_tokens(any_db, secret, make_class, 3)
    group = GroupCommit(any_db, secret)

    def failing(*_: object) -> list[SubmitResult]:
        raise RetryLaterError("database is locked")

    monkeypatch.setattr(anonymity.batching, "submit_checked", failing)
    errors = submit_at_once(group, tokens)
    assert [type(error) for error in errors] == [RetryLaterError] * 3
    monkeypatch.undo()
    assert pooled(any_db) == 0
    # The tokens are still live: the trainees can try again.
    assert submit_at_once(group, tokens) == [SubmitResult.SUBMITTED] * 3


def test_a_caller_that_goes_away_does_not_stop_its_batch(
    any_db: Database, secret: bytes, make_class: MakeClass
) -> None:
    """A closed connection cancels its request; the others of the batch are still answered."""
    tokens = live_tokens(any_db, secret, make_class, 3)
    group = GroupCommit(any_db, secret)

    async def run() -> list[Any]:
        calls = [asyncio.ensure_future(group.submit(token, SHEETS)) for token in tokens]
        await asyncio.sleep(0)  # all three are queued
        calls[1].cancel()
        # Bounded: if the cancelled caller stopped the batch, the others would wait forever.
        return await asyncio.wait_for(asyncio.gather(*calls, return_exceptions=True), 10)

    results = asyncio.run(run())
    assert results[0] is SubmitResult.SUBMITTED
    assert isinstance(results[1], asyncio.CancelledError)
    assert results[2] is SubmitResult.SUBMITTED
    # The cancelled caller's submit was already queued: it went through all the same, and the
    # trainee finds it "already submitted" on the next visit.
    assert pooled(any_db) == 6


def test_a_loop_shutting_down_mid_batch_leaves_nothing_queued(
    any_db: Database, secret: bytes, make_class: MakeClass, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Callers of a cancelled batch, and those behind it, are cancelled, not left hanging."""
    tokens = live_tokens(any_db, secret, make_class, 3)
    group = GroupCommit(any_db, secret)
    started, finish = threading.Event(), threading.Event()

    def slow(_: list[Any]) -> None:
        started.set()
        finish.wait(10)

    before_each_batch(monkeypatch, slow)

    async def run() -> list[Any]:
        first = asyncio.ensure_future(group.submit(tokens[0], SHEETS))
        await asyncio.to_thread(started.wait, 10)  # the first batch is committing
        behind = asyncio.ensure_future(group.submit(tokens[1], SHEETS))
        await asyncio.sleep(0)
        assert group._drain is not None
        group._drain.cancel()
        outcomes = await asyncio.gather(first, behind, return_exceptions=True)
        finish.set()
        return list(outcomes)

    outcomes = asyncio.run(run())
    assert [type(outcome) for outcome in outcomes] == [asyncio.CancelledError] * 2
    monkeypatch.undo()
    # The batch already handed to the database finished on its thread; the submit queued behind
    # it was dropped, not carried over into the next loop's first batch: its token is still live.
    assert submit_at_once(group, tokens) == [
        SubmitResult.ALREADY_SUBMITTED,
        SubmitResult.SUBMITTED,
        SubmitResult.SUBMITTED,
    ]


def test_a_malformed_sheet_is_the_callers_error_alone(
    any_db: Database, secret: bytes, make_class: MakeClass
) -> None:
    tokens = live_tokens(any_db, secret, make_class, 2)
    group = GroupCommit(any_db, secret)

    async def run() -> list[Any]:
        calls = [group.submit(tokens[0], []), group.submit(tokens[1], SHEETS)]
        return await asyncio.gather(*calls, return_exceptions=True)

    malformed, submitted = asyncio.run(run())
    assert isinstance(malformed, ValueError)
    assert "at least one" in str(malformed)
    assert submitted is SubmitResult.SUBMITTED
    assert submit_at_once(group, tokens[:1]) == [SubmitResult.SUBMITTED]


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
            issue_tokens(any_db, secret, [trainees[0]], replace=True)
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
