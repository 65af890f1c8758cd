"""Group commit: concurrent submits of one process share a transaction and its fsync.

A durable commit costs a disk flush (``synchronous=FULL`` on SQLite, WAL flush on PostgreSQL),
and SQLite admits one writer at a time, so one transaction per submit caps a server at a few
hundred submits per second however many threads it has. Here submits wait on the event loop,
not in threads: whatever has queued while one batch commits becomes the next batch, run in one
transaction with :func:`~anonymity.submission.submit_checked` on a worker thread, and each
caller hears its own result after the commit.

Waiting without a thread matters: when each waiting submit held a thread, a batch could never
be larger than the thread pool (about three submits on average at 64 clients), and each batch
pays for a transaction, a lock and an fsync (about 1.2 ms of CPU); the waits themselves cost a
thread wake each.

Nothing about a single submit changes: each is all-or-nothing, and each caller hears
"submitted" only after the commit that made its answers durable. A batch also carries no order
the database could keep: its pool rows get random ids like any others.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from anonymity.answers import Answers
from anonymity.submission import Sheets, SubmitResult, check_sheets, submit_checked
from survey.db.engine import Database

#: Most submits in one transaction: bounds how long a batch holds the write lock.
MAX_BATCH = 64


@dataclass
class _Pending:
    token: str
    sheets: list[tuple[str, Answers]]
    result: asyncio.Future[SubmitResult]


class GroupCommit:
    """Combines the concurrent :meth:`submit` calls of one event loop into shared commits.

    One batch runs at a time, on a thread of the loop's default executor; the callers of that
    batch, and every caller queued behind it, wait on the event loop.
    """

    def __init__(self, db: Database, secret: bytes) -> None:
        self._db = db
        self._secret = secret
        self._queue: list[_Pending] = []
        self._drain: asyncio.Task[None] | None = None

    async def submit(self, token: str, sheets: Sheets) -> SubmitResult:
        """Like :func:`~anonymity.submission.submit`, sharing the commit with concurrent calls."""
        # A malformed sheet is the caller's bug: raise it here, not in someone else's batch.
        pending = _Pending(token, check_sheets(sheets), asyncio.get_running_loop().create_future())
        self._queue.append(pending)
        if self._drain is None or self._drain.done():
            self._drain = asyncio.create_task(self._run_batches())
        return await pending.result

    async def _run_batches(self) -> None:
        loop = asyncio.get_running_loop()
        while self._queue:
            batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
            prepared = [(p.token, p.sheets) for p in batch]
            try:
                results = await loop.run_in_executor(
                    None, submit_checked, self._db, self._secret, prepared
                )
            except asyncio.CancelledError:  # the loop is shutting down: nobody is told anything
                waiting, self._queue = batch + self._queue, []
                for pending in waiting:
                    pending.result.cancel()
                raise
            except Exception as error:  # every caller of the batch hears why, e.g. RetryLater
                for pending in batch:
                    if not pending.result.done():
                        pending.result.set_exception(error)
                continue
            # A caller that went away (a closed connection) has cancelled its future, but its
            # submit stays in the batch: the trainee finds it "already submitted" next time.
            for pending, result in zip(batch, results, strict=True):
                if not pending.result.done():
                    pending.result.set_result(result)
