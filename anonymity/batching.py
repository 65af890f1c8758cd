"""Group commit: concurrent submits of one process share a transaction and its fsync.

A durable commit costs a disk flush (``synchronous=FULL`` on SQLite, WAL flush on PostgreSQL),
and SQLite admits one writer at a time, so one transaction per submit caps a server at a few
hundred submits per second however many threads it has. Here the first thread to arrive leads:
it takes every submit queued so far, runs them in one transaction with
:func:`~anonymity.submission.submit_checked`, and hands each caller its own result after the commit.

Nothing about a single submit changes: each is all-or-nothing, and each caller hears
"submitted" only after the commit that made its answers durable. A batch also carries no order
the database could keep: its pool rows get random ids like any others.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from anonymity.answers import Answers
from anonymity.submission import Sheets, SubmitResult, check_sheets, submit_checked
from survey.db.engine import Database

#: Most submits in one transaction: bounds how long a batch holds the write lock.
MAX_BATCH = 64


@dataclass
class _Pending:
    token: str
    sheets: list[tuple[str, Answers]]
    done: threading.Event = field(default_factory=threading.Event)
    result: SubmitResult | None = None
    error: BaseException | None = None


class GroupCommit:
    """Combines concurrent :func:`~anonymity.submission.submit` calls of one process."""

    def __init__(self, db: Database, secret: bytes) -> None:
        self._db = db
        self._secret = secret
        self._queue: list[_Pending] = []
        self._queue_lock = threading.Lock()
        self._leader = threading.Lock()

    def submit(self, token: str, sheets: Sheets) -> SubmitResult:
        """Like :func:`~anonymity.submission.submit`, sharing the commit with concurrent calls."""
        # A malformed sheet is the caller's bug: raise it here, not in someone else's batch.
        pending = _Pending(token, check_sheets(sheets))
        with self._queue_lock:
            self._queue.append(pending)
        while not pending.done.is_set():
            with self._leader:
                if pending.done.is_set():
                    break
                with self._queue_lock:
                    batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
                self._run(batch)
        if pending.error is not None:
            raise pending.error
        assert pending.result is not None
        return pending.result

    def _run(self, batch: list[_Pending]) -> None:
        try:
            results = submit_checked(self._db, self._secret, [(p.token, p.sheets) for p in batch])
        except BaseException as error:  # every caller of the batch hears why, e.g. RetryLater
            for pending in batch:
                pending.error = error
                pending.done.set()
            return
        for pending, result in zip(batch, results, strict=True):
            pending.result = result
            pending.done.set()
