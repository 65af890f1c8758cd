"""The linkage attack: known answers in a known order, then every route back to a person.

240 trainees in four classes submit distinct, known answer sets in a known order that
interleaves the classes; 20 more save drafts and never submit. The attacker of the threat model
reads the whole database at any moment (and the logs) but has no server secret. Each test below
is one route such an attacker would try; each must fail:

* during the window, nothing readable: no answer fragment in any column of any table nor in
  the SQLite files' raw bytes, and every pool row has the same size;
* after release: the released rows carry nothing but class, version, date and answers; no
  rowid exists on SQLite; and no order the database offers (default order, primary key,
  PostgreSQL ``ctid``, ``xmin``, ``cmin``) correlates with submission order or roster order
  beyond chance, for responses, for comments, or between comments and responses;
* the pool's bytes are gone after release (SQLite ``secure_delete``, PostgreSQL ``VACUUM``);
* no token, digest or answer reaches a log line.

"Beyond chance": under the null hypothesis a Spearman rho over n pairs has variance 1/(n-1),
so ``rho * sqrt(n-1)`` is about standard normal; the per-class values are combined with
Stouffer's method. The bound |z| < 5 fails a truly random order with probability 6e-7 per check.
A leaky order (the pool's physical order on PostgreSQL, checked with the key the attacker lacks)
fails it by far, which shows the check has the power to see a leak.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
import random
import re
import sqlite3
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from scipy.stats import spearmanr
from sqlalchemy import Date, DateTime, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from anonymity import (
    SubmitResult,
    format_code,
    issue_tokens,
    release_class,
    save_draft,
    sign_link,
    submit,
)
from anonymity.drafts import new_device_secret
from anonymity.keys import derive_keys
from anonymity.models import Comment, PoolEntry, Response, Token
from anonymity.sealing import open_submission
from anonymity.tokens import digest
from survey.db.engine import Database

SECRET = b"linkage-secret-0123456789abcdefghijklmnopqrstuvwxyz"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]

VERSION = "satisfaction-3f9a"
TEXT_FIELDS = frozenset({"open.best", "open.improve"})
RATINGS = [f"sat.q0{number}" for number in range(1, 7)]
CLASSES = 4
SUBMITTERS = 60
IDLE = 5
Z_BOUND = 5.0
RELEASE_DAY = date(2024, 7, 15)
# Fragments of the answers as bytes: none may be readable anywhere before release.
FRAGMENTS = [b"LINKMARK-", b"IMPROVE-", b"DRAFTMARK-", b"sat.q0", b"open.best", b"open.improve"]


def answer_set(index: int) -> dict[str, int | str | list[str]]:
    """A distinct answer set: the ratings spell ``index`` (base 5, scrambled)."""
    code = (index * 7919 + 13) % 5**6  # injective: gcd(7919, 5**6) == 1
    answers: dict[str, int | str | list[str]] = {}
    for name in RATINGS:
        answers[name] = code % 5 + 1
        code //= 5
    answers["sat.nps"] = index % 11
    answers["sat.choice"] = [["a"], ["a", "c"], ["b", "c", "d"]][index % 3]
    # Texts of very different lengths, some empty: padding must hide all of that.
    if index % 7:
        answers["open.best"] = f"LINKMARK-{index:04d}-" + "好" * (index * 37 % 1500)
    if index % 3 == 0:
        answers["open.improve"] = f"IMPROVE-{index:04d}" + "x" * (index % 50)
    return answers


def rating_key(answers: dict[str, Any]) -> tuple[int, ...]:
    """What identifies an answer set among the released responses."""
    return tuple(answers[name] for name in RATINGS)


@dataclass
class Scenario:
    """The attack's ground truth, which the attacker is trying to recover."""

    db: Database
    secret: bytes
    tokens: dict[int, str]
    class_of: dict[int, int] = field(default_factory=dict)
    #: trainee id -> submission rank (0 = first to submit)
    rank: dict[int, int] = field(default_factory=dict)
    #: trainee id -> the answers they submitted
    answers: dict[int, dict[str, int | str | list[str]]] = field(default_factory=dict)
    #: rating key -> trainee id, and comment text -> trainee id
    by_ratings: dict[tuple[int, ...], int] = field(default_factory=dict)
    by_text: dict[str, int] = field(default_factory=dict)
    idle: list[int] = field(default_factory=list)
    #: What the attacker saw during the window: every (table, column, value) and raw files.
    window_dump: list[tuple[str, str, bytes]] = field(default_factory=list)
    window_files: dict[str, bytes] = field(default_factory=dict)
    #: The pool's rows in physical order (PostgreSQL ``ctid``), for the power check.
    window_pool_order: list[tuple[int, str, bytes]] = field(default_factory=list)
    #: Every log record of the whole run, as text.
    logged: str = ""


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name} {self.format(record)} {record.args!r}")


@contextmanager
def captured_logs() -> Iterator[_Records]:
    """Every log record at DEBUG, SQL statements at INFO (as an operator debugging would)."""
    handler = _Records()
    root = logging.getLogger()
    engine_logger = logging.getLogger("sqlalchemy.engine")
    saved = root.level, engine_logger.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    engine_logger.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(saved[0])
        engine_logger.setLevel(saved[1])


def run_scenario(
    db: Database, secret: bytes, create_class: Callable[..., tuple[int, list[int]]]
) -> Scenario:
    """Issue tokens, save some drafts and submit everything in a known, interleaved order."""
    roster: list[int] = []
    class_of: dict[int, int] = {}
    idle: list[int] = []
    for _ in range(CLASSES):
        class_id, trainees = create_class(db, SUBMITTERS + IDLE)
        roster.extend(trainees[:SUBMITTERS])
        idle.extend(trainees[SUBMITTERS:])
        class_of.update(dict.fromkeys(trainees, class_id))
    tokens = issue_tokens(db, secret, roster + idle)
    state = Scenario(db=db, secret=secret, tokens=tokens, class_of=class_of, idle=idle)
    order = list(roster)
    random.Random(2024).shuffle(order)  # interleaves the classes
    for position, trainee in enumerate(order):
        answers = answer_set(position)
        if position % 4 == 0:  # some resume from a draft first
            save_draft(
                db,
                secret,
                tokens[trainee],
                new_device_secret(),
                {"open.best": f"DRAFTMARK-{position}"},
            )
        assert submit(db, secret, tokens[trainee], [(VERSION, answers)]) is SubmitResult.SUBMITTED
        state.rank[trainee] = position
        state.answers[trainee] = answers
        state.by_ratings[rating_key(answers)] = trainee
        for name in TEXT_FIELDS:
            value = answers.get(name)
            if isinstance(value, str):
                state.by_text[value] = trainee
    for number, trainee in enumerate(idle):
        save_draft(
            db,
            secret,
            tokens[trainee],
            new_device_secret(),
            {"open.best": f"DRAFTMARK-idle-{number}"},
        )
    return state


def release_all(scenario: Scenario) -> None:
    classes = sorted(set(scenario.class_of.values()))
    random.Random(7).shuffle(classes)
    for class_id in classes:
        result = release_class(
            scenario.db, scenario.secret, class_id, RELEASE_DAY, text_fields=TEXT_FIELDS, k=1
        )
        assert result.scrubbed


@pytest.fixture(scope="module", params=BACKENDS)
def scenario(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    template_root: Path,
    database_factory: Callable[[str, Path, Path], AbstractContextManager[Database]],
    class_factory: Callable[..., tuple[int, list[int]]],
) -> Iterator[Scenario]:
    """The whole attack run once per backend: submit, snapshot the window, release."""
    path = tmp_path_factory.mktemp("linkage")
    with database_factory(request.param, path, template_root) as base, captured_logs() as logs:
        # The engine must hide parameters for SQL logging to be safe; make_engine should
        # always set it (see the report to the lead), here it is set explicitly.
        db = Database(base.url, hide_parameters=True)
        try:
            state = run_scenario(db, SECRET, class_factory)
            state.window_dump = [(t, c, as_bytes(v)) for t, c, v in dump_database(db)]
            if db.is_sqlite:
                state.window_files = {p.name: p.read_bytes() for p in sqlite_files(db)}
            else:
                with db.read() as session:
                    state.window_pool_order = [
                        (class_id, version, bytes(sealed))
                        for class_id, version, sealed in session.execute(
                            text(
                                "SELECT class_id, questionnaire_version, sealed"
                                " FROM sealed_pool ORDER BY ctid"
                            )
                        )
                    ]
            release_all(state)
            state.logged = "\n".join(logs.lines)
            yield state
        finally:
            db.dispose()


def dump_database(db: Database) -> Iterator[tuple[str, str, object]]:
    """Every value of every column of every table: (table, column, value)."""
    names = inspect(db.engine).get_table_names()
    quote = db.engine.dialect.identifier_preparer.quote
    with db.read() as session:
        for table in names:
            result = session.execute(text(f"SELECT * FROM {quote(table)}"))
            columns = list(result.keys())
            for row in result:
                for column, value in zip(columns, row, strict=True):
                    yield table, column, value


def as_bytes(value: object) -> bytes:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return str(value).encode("utf-8")


def sqlite_files(db: Database) -> list[Path]:
    path = Path(make_url(db.url).database or "")
    return [candidate for candidate in [path, Path(f"{path}-wal")] if candidate.exists()]


def stouffer(groups: dict[int, list[tuple[float, float]]]) -> tuple[float, list[float]]:
    """Combined z of per-group Spearman correlations between observed order and a secret rank."""
    total = 0.0
    rhos = []
    for pairs in groups.values():
        observed, secret_rank = zip(*pairs, strict=True)
        rho = float(spearmanr(observed, secret_rank).statistic)
        rhos.append(rho)
        total += rho * math.sqrt(len(pairs) - 1)
    return total / math.sqrt(len(groups)), rhos


def assert_within_chance(route: str, groups: dict[int, list[tuple[float, float]]]) -> None:
    z, rhos = stouffer(groups)
    assert abs(z) < Z_BOUND, f"{route}: order correlates with the secret (z={z:.2f}, rho={rhos})"
    for pairs, rho in zip(groups.values(), rhos, strict=True):
        assert abs(rho) < Z_BOUND / math.sqrt(len(pairs) - 1), f"{route}: rho={rho:.2f}"


# ---------------------------------------------------------------------------------------------
# During the window


def test_nothing_is_readable_during_the_window(scenario: Scenario) -> None:
    sizes = set()
    for table, column, data in scenario.window_dump:
        for fragment in FRAGMENTS:
            assert fragment not in data, f"{table}.{column} holds answer text"
        if table == PoolEntry.__tablename__ and column == "sealed":
            sizes.add(len(data))
        assert table != Response.__tablename__, "responses exist before release"
    assert len(sizes) == 1, "pool rows differ in size: length would match them to responses"
    for name, raw in scenario.window_files.items():
        for fragment in FRAGMENTS:
            assert fragment not in raw, f"{name} holds answer text in its raw bytes"


def test_pool_holds_nothing_but_sealed_bytes(scenario: Scenario) -> None:
    pool = [
        (column, data) for table, column, data in scenario.window_dump if table == "sealed_pool"
    ]
    assert {column for column, _ in pool} == {"id", "class_id", "questionnaire_version", "sealed"}
    assert len(pool) == 4 * CLASSES * SUBMITTERS
    ids = [data.decode() for column, data in pool if column == "id"]
    assert {uuid.UUID(value).version for value in ids} == {4}


def test_the_detector_sees_a_leaky_order(scenario: Scenario) -> None:
    """Power check: an order that does follow submission fails the bound by far."""
    groups: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for trainee, rank in scenario.rank.items():
        groups[scenario.class_of[trainee]].append((rank + 0.5, rank))
    assert stouffer(groups)[0] > 2 * Z_BOUND
    if scenario.db.is_sqlite:
        return
    # On PostgreSQL the pool's physical order is the submission order (that is why release
    # shuffles). With the key, which the attacker lacks, the detector sees it plainly.
    keys = derive_keys(scenario.secret)
    groups = defaultdict(list)
    for position, (class_id, version, sealed) in enumerate(scenario.window_pool_order):
        answers = open_submission(keys, class_id, version, sealed)
        trainee = scenario.by_ratings[rating_key(answers)]
        groups[class_id].append((position, scenario.rank[trainee]))
    assert stouffer(groups)[0] > 2 * Z_BOUND


# ---------------------------------------------------------------------------------------------
# After release


def _released(scenario: Scenario, query: str) -> list[dict[str, Any]]:
    with scenario.db.read() as session:
        return [dict(row._mapping) for row in session.execute(text(query))]


def _response_author(scenario: Scenario, row: dict[str, Any]) -> int:
    answers = row["answers"]
    if isinstance(answers, str):  # a plain text() query returns SQLite's JSON as text
        answers = json.loads(answers)
    return scenario.by_ratings[rating_key(answers)]


def _comment_author(scenario: Scenario, row: dict[str, Any]) -> int:
    return scenario.by_text[row["text"]]


def _order_groups(
    scenario: Scenario,
    rows: list[dict[str, Any]],
    author: Callable[[Scenario, dict[str, Any]], int],
    secret_rank: Callable[[int], float],
) -> dict[int, list[tuple[float, float]]]:
    groups: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for position, row in enumerate(rows):
        groups[row["class_id"]].append((position, secret_rank(author(scenario, row))))
    return groups


def test_released_answers_are_exactly_the_submitted_ones(scenario: Scenario) -> None:
    with scenario.db.read() as session:
        responses = session.execute(select(Response)).scalars().all()
        comments = session.execute(select(Comment)).scalars().all()
    expected: Counter[tuple[int, str]] = Counter()
    expected_texts: Counter[tuple[int, str, object]] = Counter()
    for trainee, answers in scenario.answers.items():
        kept = {name: value for name, value in answers.items() if name not in TEXT_FIELDS}
        expected[(scenario.class_of[trainee], repr(sorted(kept.items())))] += 1
        for name in TEXT_FIELDS:
            if name in answers:
                expected_texts[(scenario.class_of[trainee], name, answers[name])] += 1
    released = Counter((r.class_id, repr(sorted(r.answers.items()))) for r in responses)
    assert released == expected
    assert Counter((c.class_id, c.field, c.text) for c in comments) == expected_texts
    assert {(r.questionnaire_version, r.released_on) for r in responses} == {(VERSION, RELEASE_DAY)}
    assert {r.id.version for r in responses} | {c.id.version for c in comments} == {4}
    # Keys in sorted order whatever the order of submission: no per-person fingerprint.
    assert all(list(r.answers) == sorted(r.answers) for r in responses)


def test_released_tables_hold_nothing_else(scenario: Scenario) -> None:
    inspector = inspect(scenario.db.engine)

    def columns(table: str) -> set[str]:
        return {column["name"] for column in inspector.get_columns(table)}

    assert columns("response") == {
        "id",
        "class_id",
        "questionnaire_version",
        "released_on",
        "answers",
    }
    assert columns("comment") == {
        "id",
        "class_id",
        "questionnaire_version",
        "field",
        "text",
        "status",
        "redacted_text",
    }
    assert columns("token") == {
        "digest",
        "class_id",
        "trainee_id",
        "spent",
        "draft",
        "sealed_token",
    }
    # Every timestamp a DBA could match: only the release date, in the anonymity tables and on
    # the roster (whose ``responded`` flag has no time on purpose).
    for table in ["token", "sealed_pool", "response", "comment", "trainee"]:
        for column in inspector.get_columns(table):
            if isinstance(column["type"], DateTime | Date):
                assert (table, column["name"]) == ("response", "released_on")
    with scenario.db.read() as session:
        assert session.execute(select(PoolEntry)).first() is None
        tokens = session.execute(select(Token)).scalars().all()
    spent = [row for row in tokens if row.spent]
    live = [row for row in tokens if not row.spent]
    assert len(spent) == CLASSES * SUBMITTERS
    assert all(row.trainee_id is None and row.draft is None for row in spent)
    assert {row.trainee_id for row in live} == set(scenario.idle)
    assert all(row.draft is None for row in live)
    # Spending deleted each sealed token, and closing the classes the rest.
    assert all(row.sealed_token is None for row in tokens)


# Anything that looks like a token, with or without the dashes of its printed code, in any case
# (a signed link starts with its token, so it is found too). Overlapping matches via lookahead.
_TOKEN_LIKE = re.compile(rb"(?=([0-9a-z]{27}|(?:[0-9a-z]{4}-){6}[0-9a-z]{3}))", re.IGNORECASE)


def test_no_token_or_unkeyed_digest_is_stored(scenario: Scenario) -> None:
    keys = derive_keys(scenario.secret)
    tokens = {token.encode() for token in scenario.tokens.values()}
    unkeyed = set()
    for token in scenario.tokens.values():
        unkeyed |= {
            hashlib.sha256(token.encode()).digest(),
            hmac.new(b"", token.encode(), hashlib.sha256).digest(),
        }
        # The search does find every form a token could be stored in.
        for form in [token, token.upper(), format_code(token), sign_link(keys.link_signing, token)]:
            assert _TOKEN_LIKE.search(b"\x00" + form.encode() + b"z")
    keyed = {digest(keys.token_digest, token) for token in scenario.tokens.values()}
    after = [(t, c, as_bytes(value)) for t, c, value in dump_database(scenario.db)]
    for dump in [scenario.window_dump, after]:
        seen_digests = set()
        for table, column, data in dump:
            for match in _TOKEN_LIKE.finditer(data):
                candidate = match.group(1).replace(b"-", b"").lower()
                assert candidate not in tokens, f"{table}.{column} holds a token"
            assert data not in unkeyed, f"{table}.{column} holds an unkeyed hash of a token"
            if (table, column) == ("token", "digest"):
                seen_digests.add(data)
        assert seen_digests == keyed


def test_sqlite_has_no_rowid_to_order_by(scenario: Scenario) -> None:
    if not scenario.db.is_sqlite:
        pytest.skip("rowid is a SQLite column")
    for table in ["response", "comment", "sealed_pool", "token"]:
        with pytest.raises(OperationalError, match="no such column"), scenario.db.read() as s:
            s.execute(text(f"SELECT rowid FROM {table}"))


def test_response_order_reveals_nothing(scenario: Scenario) -> None:
    queries = {
        "default order": "SELECT * FROM response",
        "primary key": "SELECT * FROM response ORDER BY id",
        "class index": "SELECT * FROM response ORDER BY class_id",
    }
    if not scenario.db.is_sqlite:
        queries["ctid"] = "SELECT * FROM response ORDER BY ctid"
        queries["cmin"] = "SELECT * FROM response ORDER BY cmin::text::int, ctid"
    ranks: dict[str, dict[int, float]] = {
        "submission": {trainee: float(rank) for trainee, rank in scenario.rank.items()},
        "roster": {trainee: float(trainee) for trainee in scenario.class_of},
    }
    for route, query in queries.items():
        rows = _released(scenario, query)
        assert len(rows) == CLASSES * SUBMITTERS
        for name, rank in ranks.items():
            groups = _order_groups(scenario, rows, _response_author, rank.__getitem__)
            assert_within_chance(f"response {route} vs {name} order", groups)


def test_postgres_xmin_is_one_per_class(scenario: Scenario) -> None:
    if scenario.db.is_sqlite:
        pytest.skip("xmin is a PostgreSQL system column")
    for table in ["response", "comment"]:
        rows = _released(
            scenario,
            f"SELECT class_id, count(DISTINCT xmin::text) AS n FROM {table} GROUP BY class_id",
        )
        assert len(rows) == CLASSES
        assert {row["n"] for row in rows} == {1}, f"{table}: xmin differs within a class"


def test_comment_order_reveals_nothing(scenario: Scenario) -> None:
    queries = {
        "default order": "SELECT * FROM comment",
        "primary key": "SELECT * FROM comment ORDER BY id",
    }
    if not scenario.db.is_sqlite:
        queries["ctid"] = "SELECT * FROM comment ORDER BY ctid"
    for route, query in queries.items():
        rows = _released(scenario, query)
        groups = _order_groups(scenario, rows, _comment_author, scenario.rank.__getitem__)
        assert_within_chance(f"comment {route} vs submission order", groups)


def test_comments_cannot_be_joined_to_responses_by_position(scenario: Scenario) -> None:
    orders = ["", " ORDER BY id"] + ([] if scenario.db.is_sqlite else [" ORDER BY ctid"])
    for order in orders:
        position: dict[int, float] = {}
        for index, row in enumerate(_released(scenario, "SELECT * FROM response" + order)):
            position[_response_author(scenario, row)] = index
        comments = _released(scenario, "SELECT * FROM comment" + order)
        groups = _order_groups(scenario, comments, _comment_author, position.__getitem__)
        assert_within_chance(f"comment vs response position ({order or 'default'})", groups)


def test_pool_bytes_are_gone_after_release(scenario: Scenario) -> None:
    db = scenario.db
    if db.is_sqlite:
        samples = [
            data[100:132]
            for table, column, data in scenario.window_dump
            if (table, column) == ("sealed_pool", "sealed")
        ]
        db.dispose()
        path = make_url(db.url).database
        assert path is not None
        raw_connection = sqlite3.connect(path)
        try:
            raw_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw_connection.close()
        raw = b"".join(candidate.read_bytes() for candidate in sqlite_files(db))
        assert not any(sample in raw for sample in samples), "deleted pool bytes remain on disk"
        return
    rows = _released(
        scenario,
        "SELECT pg_relation_size('sealed_pool') AS heap,"
        " coalesce(pg_relation_size(reltoastrelid), 0) AS toast"
        " FROM pg_class WHERE relname = 'sealed_pool'",
    )
    assert rows == [{"heap": 0, "toast": 0}], "VACUUM did not reclaim the pool's pages"


def test_logs_hold_no_token_digest_or_answer(scenario: Scenario) -> None:
    logged = scenario.logged
    assert "sqlalchemy.engine" in logged  # the capture did see the SQL log
    assert "\nanonymity" not in logged
    assert not logged.startswith("anonymity")
    keys = derive_keys(scenario.secret)
    for token in scenario.tokens.values():
        assert token not in logged
        token_digest = digest(keys.token_digest, token)
        assert token_digest.hex() not in logged
        assert repr(token_digest)[2:-1] not in logged
    for fragment in FRAGMENTS:
        assert fragment.decode() not in logged
    assert "好好好" not in logged


def test_response_ids_are_fresh(scenario: Scenario) -> None:
    pool_ids = {
        uuid.UUID(data.decode())
        for table, column, data in scenario.window_dump
        if (table, column) == ("sealed_pool", "id")
    }
    with scenario.db.read() as session:
        response_ids = set(session.execute(select(Response.id)).scalars())
        comment_ids = set(session.execute(select(Comment.id)).scalars())
    assert len(pool_ids) == CLASSES * SUBMITTERS
    assert not pool_ids & response_ids
    assert not pool_ids & comment_ids
