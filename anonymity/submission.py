"""Submitting: spending a token and pooling its sealed answers in one transaction.

The token's row is first read (to know its class and roster entry) and the sheets are sealed,
outside any write: the less happens under the database's write lock, the more submits it takes.
Every change then happens in one short write transaction, so after any crash or error either all
of it happened or none of it did:

0. the class must still be open (read under a shared lock on PostgreSQL, so a release waits);
1. the token is spent by a conditional UPDATE (``WHERE spent IS false``); its row count proves
   the token was live, so of two concurrent submits exactly one succeeds and the other sees
   "already submitted" (a token spent or re-issued since the first read is caught here too);
2. the same UPDATE unlinks the token from its roster entry and deletes its draft;
3. the roster entry is marked responded, without a time;
4. each answer sheet goes into the class's pool, sealed under the server's pool key, in a row
   with a random id and no trainee, digest or time.

A batch (:func:`submit_many`) runs each step once for all its tokens, not once per token.

The database then knows who has responded, but not what they answered.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Connection, bindparam, insert, select, update

from anonymity.answers import Answers, AnswerValue, canonical
from anonymity.keys import Keys, derive_keys
from anonymity.locking import class_states
from anonymity.models import VERSION_LENGTH, PoolEntry, Token
from anonymity.retry import retryable
from anonymity.sealing import seal_submission
from anonymity.tokens import digest, is_token
from survey.db.engine import Database
from survey.roster.models import Trainee


class SubmitResult(StrEnum):
    """The outcome of :func:`submit`."""

    #: Committed: the token is spent and the sealed answers are in the pool.
    SUBMITTED = "submitted"
    #: The token was spent before (or by a concurrent submit that won); nothing written.
    ALREADY_SUBMITTED = "already_submitted"
    #: No such token (never issued, re-issued, or malformed); nothing written.
    UNKNOWN_TOKEN = "unknown_token"  # noqa: S105 (an outcome, not a secret)
    #: The class is pending or closed; nothing written, the token stays live.
    NOT_OPEN = "not_open"


Sheets = Sequence[tuple[str, Mapping[str, AnswerValue]]]


def submit(db: Database, secret: bytes, token: str, sheets: Sheets) -> SubmitResult:
    """Spend ``token`` and pool its validated answer sheets, all in one transaction.

    ``sheets`` holds one ``(questionnaire_version, answers)`` pair per questionnaire the trainee
    answered in this session (the satisfaction survey and the teaching evaluation, say). Each
    sheet becomes its own sealed pool entry and, at release, its own response, so two sheets of
    one person are no more linkable than any two responses of the class.

    ``answers`` must already be validated by ``questionnaires``; this only checks the shape
    (``TypeError``) and the versions (``ValueError``: none, empty, too long or repeated).
    Raises :class:`~anonymity.errors.RetryLaterError` when the database is busy, locked or
    full: then nothing was written and the token is still live. Returns only after the commit,
    so a SUBMITTED answer is durable when the trainee is told so.
    """
    return submit_many(db, secret, [(token, sheets)])[0]


def submit_many(
    db: Database, secret: bytes, submissions: Sequence[tuple[str, Sheets]]
) -> list[SubmitResult]:
    """:func:`submit` for several tokens in one transaction: one commit, one fsync, for all.

    Each submission is still all-or-nothing on its own: its token is spent if and only if its
    sheets are pooled, and one that fails its checks (spent, unknown, class not open) writes
    nothing and does not disturb the others. A database error rolls back all of them and raises
    :class:`~anonymity.errors.RetryLaterError`: then no token of the batch was spent.
    """
    # Check the shapes before the transaction: keep the write lock for the shortest time.
    return submit_checked(
        db,
        secret,
        [
            (token, check_sheets(sheets) if is_token(token) else None)
            for token, sheets in submissions
        ],
    )


#: A token with its sheets as :func:`check_sheets` returned them (None: not a token at all).
Checked = tuple[str, list[tuple[str, Answers]] | None]


def submit_checked(db: Database, secret: bytes, prepared: Sequence[Checked]) -> list[SubmitResult]:
    """:func:`submit_many` for submissions whose sheets :func:`check_sheets` has checked."""
    keys = derive_keys(secret)
    # Digests and their first occurrence: a token twice in one batch is spent at most once.
    digests = [
        digest(keys.token_digest, token) if checked is not None else None
        for token, checked in prepared
    ]
    first: dict[bytes, int] = {}
    for index, token_digest in enumerate(digests):
        if token_digest is not None:
            first.setdefault(token_digest, index)
    outcomes, ready = _prepare(db, keys, {d: prepared[i] for d, i in first.items()})
    if ready:
        with retryable(), db.write_connection() as connection:
            outcomes.update(_spend_all(connection, ready))
    results = []
    for index, token_digest in enumerate(digests):
        if token_digest is None:
            results.append(SubmitResult.UNKNOWN_TOKEN)
        elif first[token_digest] == index:
            results.append(outcomes[token_digest])
        else:  # the repeat of a token: the first occurrence took whatever there was
            outcome = outcomes[token_digest]
            repeat = (
                SubmitResult.ALREADY_SUBMITTED if outcome is SubmitResult.SUBMITTED else outcome
            )
            results.append(repeat)
    return results


@dataclass(frozen=True)
class _Ready:
    """A live token read before the write transaction, with its sheets already sealed."""

    class_id: int
    trainee_id: int
    sealed: list[tuple[str, bytes]]


# Built once: the submit path runs these for every batch, and building a statement costs
# more than executing it. Each handles the whole batch, so a batch costs a handful of
# statements however many submits it carries.
_READ_TOKENS = select(Token.digest, Token.class_id, Token.trainee_id, Token.spent).where(
    Token.digest.in_(bindparam("digests", expanding=True))
)
_LOCK_TRAINEES = (
    select(Trainee.id)
    .where(Trainee.id.in_(bindparam("trainee_ids", expanding=True)))
    .order_by(Trainee.id)
    .with_for_update()
)
# A live token's digest names one roster entry and one class for the token's whole life (a
# re-issue deletes the row and inserts a new digest), so the digest alone identifies what is
# spent, and what was read before the write transaction still holds inside it.
_SPEND = (
    update(Token)
    .where(Token.digest.in_(bindparam("digests", expanding=True)), Token.spent.is_(False))
    .values(spent=True, trainee_id=None, draft=None, sealed_token=None)
    .returning(Token.digest)
)
_ARE_SPENT = select(Token.digest, Token.spent).where(
    Token.digest.in_(bindparam("digests", expanding=True))
)
_MARK_RESPONDED = (
    update(Trainee)
    .where(Trainee.id.in_(bindparam("trainee_ids", expanding=True)))
    .values(responded=True)
)
_POOL = insert(PoolEntry)


def _prepare(
    db: Database, keys: Keys, submissions: Mapping[bytes, Checked]
) -> tuple[dict[bytes, SubmitResult], dict[bytes, _Ready]]:
    """Outcomes known from a read alone, and the live tokens with their sheets sealed.

    Done before the write transaction because every writer queues on its lock: the less
    happens inside, the more submits per second the database takes. The spend itself is
    conditional, so a token spent or replaced after this read is caught there.
    """
    if not submissions:
        return {}, {}
    with retryable(), db.read_connection() as connection:
        rows = connection.execute(_READ_TOKENS, {"digests": list(submissions)}).all()
    found = {row.digest: row for row in rows}
    outcomes: dict[bytes, SubmitResult] = {}
    ready: dict[bytes, _Ready] = {}
    for token_digest, (_, sheets) in submissions.items():
        row = found.get(token_digest)
        if row is None:
            outcomes[token_digest] = SubmitResult.UNKNOWN_TOKEN
        elif row.spent:
            outcomes[token_digest] = SubmitResult.ALREADY_SUBMITTED
        else:
            assert sheets is not None
            sealed = [
                (version, seal_submission(keys, row.class_id, version, answers))
                for version, answers in sheets
            ]
            ready[token_digest] = _Ready(row.class_id, row.trainee_id, sealed)
    return outcomes, ready


def _spend_all(connection: Connection, ready: Mapping[bytes, _Ready]) -> dict[bytes, SubmitResult]:
    """Spend every token of ``ready`` whose class is open, and pool its sealed sheets."""
    outcomes: dict[bytes, SubmitResult] = {}
    # The class rows first: on PostgreSQL this is the shared lock that a release waits for.
    states = class_states(connection, {entry.class_id for entry in ready.values()})
    live = {}
    for token_digest, entry in ready.items():
        if states.get(entry.class_id) == "open":
            live[token_digest] = entry
        else:
            outcomes[token_digest] = SubmitResult.NOT_OPEN
    if not live:
        return outcomes
    if connection.dialect.name != "sqlite":  # SQLite's write lock already excludes everyone
        # Roster rows before token rows: the lock order issue_tokens uses too.
        trainee_ids = sorted(entry.trainee_id for entry in live.values())
        connection.execute(_LOCK_TRAINEES, {"trainee_ids": trainee_ids}).all()
    spent = set(connection.execute(_SPEND, {"digests": list(live)}).scalars())
    lost = [token_digest for token_digest in live if token_digest not in spent]
    if lost:
        # Another transaction spent or replaced these tokens after they were read.
        now_spent = dict(connection.execute(_ARE_SPENT, {"digests": lost}).all())
        for token_digest in lost:
            outcomes[token_digest] = (
                SubmitResult.ALREADY_SUBMITTED
                if now_spent.get(token_digest)
                else SubmitResult.UNKNOWN_TOKEN
            )
    if not spent:
        return outcomes
    connection.execute(_MARK_RESPONDED, {"trainee_ids": sorted(live[d].trainee_id for d in spent)})
    connection.execute(
        _POOL,
        [
            {
                "id": uuid.uuid4(),
                "class_id": live[token_digest].class_id,
                "questionnaire_version": version,
                "sealed": sealed,
            }
            for token_digest in spent
            for version, sealed in live[token_digest].sealed
        ],
    )
    outcomes.update(dict.fromkeys(spent, SubmitResult.SUBMITTED))
    return outcomes


def check_sheets(sheets: Sheets) -> list[tuple[str, Answers]]:
    """The sheets in canonical form; ``ValueError``/``TypeError`` when malformed."""
    if not sheets:
        raise ValueError("a submission has at least one answer sheet")
    checked = []
    for version, answers in sheets:
        if not isinstance(version, str) or not 0 < len(version) <= VERSION_LENGTH:
            raise ValueError(f"a questionnaire version has 1 to {VERSION_LENGTH} characters")
        checked.append((version, canonical(answers)))
    if len({version for version, _ in checked}) != len(checked):
        raise ValueError("each questionnaire version can be answered once per submission")
    return checked
