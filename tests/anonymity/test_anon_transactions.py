"""The transactions on SQLite and PostgreSQL: issue, open, draft, submit, release."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import func, select, text, update

from anonymity import (
    DraftResult,
    SubmitResult,
    TokenStatus,
    UnknownClassError,
    UnknownTraineeError,
    issue_tokens,
    load_draft,
    open_token,
    release_class,
    save_draft,
    submit,
)
from anonymity.answers import Answers
from anonymity.drafts import discard_draft, is_device_secret, new_device_secret
from anonymity.errors import SealError
from anonymity.keys import derive_keys
from anonymity.models import Comment, PoolEntry, Response, Token
from anonymity.tokens import digest, new_token
from survey.db.engine import Database
from survey.programme.models import TrainingClass
from survey.roster.models import Trainee

VERSION = "sat-v1"
TODAY = date(2024, 7, 1)
#: The device that writes the drafts of these tests.
DEVICE = new_device_secret()
TEXTS = {"comment.best"}

MakeClass = Callable[..., tuple[int, list[int]]]


def _count(db: Database, model: type, **where: object) -> int:
    with db.read() as session:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return int(session.execute(query).scalar_one())


def _responded(db: Database, trainee_id: int) -> bool:
    with db.read() as session:
        return bool(session.get(Trainee, trainee_id).responded)  # type: ignore[union-attr]


def _set_state(db: Database, class_id: int, state: str) -> None:
    with db.write() as session:
        session.execute(
            update(TrainingClass).where(TrainingClass.id == class_id).values(state=state)
        )


def test_issue_stores_only_the_digest(
    any_db: Database, secret: bytes, make_class: MakeClass
) -> None:
    class_id, trainees = make_class(trainees=3)
    tokens = issue_tokens(any_db, secret, trainees)
    assert sorted(tokens) == trainees
    with any_db.read() as session:
        rows = session.execute(select(Token)).scalars().all()
    key = derive_keys(secret).token_digest
    assert {row.digest for row in rows} == {digest(key, token) for token in tokens.values()}
    assert {row.trainee_id for row in rows} == set(trainees)
    assert all(row.class_id == class_id and not row.spent for row in rows)


def test_issuing_again_returns_the_same_live_tokens_and_keeps_drafts(
    any_db: Database, secret: bytes, make_class: MakeClass
) -> None:
    _, trainees = make_class(trainees=3)
    first = issue_tokens(any_db, secret, trainees[:2])
    assert save_draft(any_db, secret, first[trainees[0]], DEVICE, {"q1": 4}) is DraftResult.SAVED
    second = issue_tokens(any_db, secret, trainees)
    assert {t: second[t] for t in trainees[:2]} == first
    assert second[trainees[2]] not in first.values()
    state = open_token(any_db, secret, first[trainees[0]], DEVICE)
    assert state.status is TokenStatus.LIVE
    assert state.draft == {"q1": 4}
    assert _count(any_db, Token) == 3


def test_a_sealed_token_opens_only_in_its_own_row_and_under_its_key(
    any_db: Database, secret: bytes, make_class: MakeClass
) -> None:
    _, trainees = make_class(trainees=2)
    first = issue_tokens(any_db, secret, trainees)
    with any_db.write() as session:
        rows = session.scalars(select(Token).order_by(Token.trainee_id)).all()
        sealed = [row.sealed_token for row in rows]
        assert all(seal is not None for seal in sealed)
        # Same length for every token, and the token is nowhere in its sealed bytes.
        assert len({len(seal or b"") for seal in sealed}) == 1
        for row, seal in zip(rows, sealed, strict=True):
            assert first[row.trainee_id or 0].encode() not in (seal or b"")
        # Swapped between rows, neither opens: each trainee gets a fresh token instead of
        # the other's.
        rows[0].sealed_token, rows[1].sealed_token = sealed[1], sealed[0]
    again = issue_tokens(any_db, secret, trainees)
    assert set(again.values()).isdisjoint(first.values())
    assert open_token(any_db, secret, first[trainees[0]]).status is TokenStatus.UNKNOWN
    # Under another server secret the sealed copies do not open either.
    other = bytes(reversed(secret))
    assert set(issue_tokens(any_db, other, trainees).values()).isdisjoint(again.values())


def test_spending_deletes_the_sealed_token(
    any_db: Database, secret: bytes, make_class: MakeClass
) -> None:
    _, trainees = make_class(trainees=1)
    token = issue_tokens(any_db, secret, trainees)[trainees[0]]
    assert submit(any_db, secret, token, [(VERSION, {"q": 1})]) is SubmitResult.SUBMITTED
    with any_db.read() as session:
        (row,) = session.scalars(select(Token)).all()
    assert row.spent
    assert row.sealed_token is None


def test_reissue_kills_the_old_token(
    any_db: Database, secret: bytes, make_class: MakeClass
) -> None:
    _, trainees = make_class(trainees=2)
    first = issue_tokens(any_db, secret, trainees)
    second = issue_tokens(any_db, secret, trainees[:1], replace=True)
    old, new = first[trainees[0]], second[trainees[0]]
    assert old != new
    assert open_token(any_db, secret, old).status is TokenStatus.UNKNOWN
    assert open_token(any_db, secret, new).status is TokenStatus.LIVE
    assert open_token(any_db, secret, first[trainees[1]]).status is TokenStatus.LIVE
    assert _count(any_db, Token) == 2


def test_responded_trainees_get_no_new_token(
    any_db: Database, secret: bytes, make_class: MakeClass
) -> None:
    _, trainees = make_class(trainees=2)
    tokens = issue_tokens(any_db, secret, trainees)
    assert (
        submit(any_db, secret, tokens[trainees[0]], [(VERSION, {"q": 1})]) is SubmitResult.SUBMITTED
    )
    again = issue_tokens(any_db, secret, trainees)
    assert list(again) == [trainees[1]]


def test_issue_unknown_trainee_writes_nothing(
    any_db: Database, secret: bytes, make_class: MakeClass
) -> None:
    _, trainees = make_class(trainees=1)
    with pytest.raises(UnknownTraineeError) as caught:
        issue_tokens(any_db, secret, [*trainees, 999_999])
    assert caught.value.trainee_ids == [999_999]
    assert _count(any_db, Token) == 0
    assert issue_tokens(any_db, secret, []) == {}


def test_open_never_spends(any_db: Database, secret: bytes, make_class: MakeClass) -> None:
    class_id, trainees = make_class(trainees=1)
    token = issue_tokens(any_db, secret, trainees)[trainees[0]]
    for _ in range(3):
        state = open_token(any_db, secret, token)
        assert state.status is TokenStatus.LIVE
        assert state.class_id == class_id
        assert state.class_state == "open"
        assert not state.has_draft
    assert not _responded(any_db, trainees[0])
    assert open_token(any_db, secret, new_token()).status is TokenStatus.UNKNOWN
    assert open_token(any_db, secret, "garbage").status is TokenStatus.UNKNOWN


def test_draft_round_trip_is_sealed(any_db: Database, secret: bytes, make_class: MakeClass) -> None:
    _, trainees = make_class(trainees=1)
    token = issue_tokens(any_db, secret, trainees)[trainees[0]]
    assert load_draft(any_db, secret, token, DEVICE) is None
    answers: Answers = {"q1": 3, "comment.best": "草稿里的话"}
    assert save_draft(any_db, secret, token, DEVICE, answers) is DraftResult.SAVED
    with any_db.read() as session:
        sealed = session.execute(select(Token.draft)).scalar_one()
    assert sealed is not None
    assert "草稿里的话".encode() not in sealed
    assert b'"q1":' not in sealed
    assert load_draft(any_db, secret, token, DEVICE) == answers
    assert open_token(any_db, secret, token, DEVICE).has_draft
    assert save_draft(any_db, secret, token, DEVICE, {"q1": 4}) is DraftResult.SAVED
    assert load_draft(any_db, secret, token, DEVICE) == {"q1": 4}
    assert load_draft(any_db, secret, new_token(), DEVICE) is None
    assert save_draft(any_db, secret, new_token(), DEVICE, answers) is DraftResult.UNKNOWN_TOKEN


def test_a_draft_belongs_to_the_device_that_wrote_it(
    any_db: Database, secret: bytes, make_class: MakeClass
) -> None:
    _, trainees = make_class(trainees=1)
    token = issue_tokens(any_db, secret, trainees)[trainees[0]]
    other = new_device_secret()
    assert save_draft(any_db, secret, token, DEVICE, {"q1": 2}) is DraftResult.SAVED
    # A second device with the same link reads nothing, and cannot overwrite the draft.
    assert load_draft(any_db, secret, token, other) is None
    state = open_token(any_db, secret, token, other)
    assert state.draft is None
    assert state.draft_elsewhere
    assert save_draft(any_db, secret, token, other, {"q1": 5}) is DraftResult.OTHER_DEVICE
    assert load_draft(any_db, secret, token, DEVICE) == {"q1": 2}
    assert not open_token(any_db, secret, token, DEVICE).draft_elsewhere
    # Starting afresh discards the first device's draft; then the second device owns it.
    discard_draft(any_db, secret, token)
    assert load_draft(any_db, secret, token, DEVICE) is None
    assert not open_token(any_db, secret, token, other).draft_elsewhere
    assert save_draft(any_db, secret, token, other, {"q1": 5}) is DraftResult.SAVED
    assert open_token(any_db, secret, token, DEVICE).draft_elsewhere
    # Submitting from one device ends the sheet on the other.
    assert submit(any_db, secret, token, [(VERSION, {"q1": 5})]) is SubmitResult.SUBMITTED
    assert open_token(any_db, secret, token, DEVICE).status is TokenStatus.SPENT
    assert save_draft(any_db, secret, token, DEVICE, {"q1": 1}) is DraftResult.ALREADY_SUBMITTED


def test_device_secrets_are_random_and_checked() -> None:
    first, second = new_device_secret(), new_device_secret()
    assert first != second
    assert len(first) == 43
    assert is_device_secret(first)
    for bad in ("", first[:-1], first + "A", first[:-1] + "=", "é" * 43, first[:-1] + "!"):
        assert not is_device_secret(bad), bad


def test_draft_that_does_not_open_is_absent(
    any_db: Database, secret: bytes, make_class: MakeClass
) -> None:
    _, trainees = make_class(trainees=1)
    token = issue_tokens(any_db, secret, trainees)[trainees[0]]
    save_draft(any_db, secret, token, DEVICE, {"q1": 3})
    other_secret = secret + b"-rotated"
    assert load_draft(any_db, other_secret, token, DEVICE) is None  # digest does not match either
    with any_db.write() as session:
        session.execute(update(Token).values(draft=b"\x01" + bytes(20000)))
    assert load_draft(any_db, secret, token, DEVICE) is None


def test_draft_only_while_open(any_db: Database, secret: bytes, make_class: MakeClass) -> None:
    class_id, trainees = make_class(trainees=1, state="pending")
    token = issue_tokens(any_db, secret, trainees)[trainees[0]]
    assert save_draft(any_db, secret, token, DEVICE, {"q1": 1}) is DraftResult.NOT_OPEN
    _set_state(any_db, class_id, "open")
    assert save_draft(any_db, secret, token, DEVICE, {"q1": 1}) is DraftResult.SAVED


def test_submit_spends_unlinks_and_pools(
    any_db: Database, secret: bytes, make_class: MakeClass
) -> None:
    class_id, trainees = make_class(trainees=2)
    tokens = issue_tokens(any_db, secret, trainees)
    token = tokens[trainees[0]]
    save_draft(any_db, secret, token, DEVICE, {"q1": 2})
    answers: Answers = {"q1": 5, "comment.best": "实训设备很新"}
    assert submit(any_db, secret, token, [(VERSION, answers)]) is SubmitResult.SUBMITTED
    assert _responded(any_db, trainees[0])
    assert not _responded(any_db, trainees[1])
    with any_db.read() as session:
        row = session.get(Token, digest(derive_keys(secret).token_digest, token))
        pool = session.execute(select(PoolEntry)).scalars().all()
    assert row is not None
    assert row.spent
    assert row.trainee_id is None
    assert row.draft is None
    assert len(pool) == 1
    assert pool[0].class_id == class_id
    assert "实训".encode() not in pool[0].sealed
    state = open_token(any_db, secret, token)
    assert state.status is TokenStatus.SPENT
    assert state.class_id == class_id
    assert load_draft(any_db, secret, token, DEVICE) is None
    assert submit(any_db, secret, token, [(VERSION, answers)]) is SubmitResult.ALREADY_SUBMITTED
    assert save_draft(any_db, secret, token, DEVICE, answers) is DraftResult.ALREADY_SUBMITTED
    assert _count(any_db, PoolEntry) == 1


def test_submit_outside_the_window_writes_nothing(
    any_db: Database, secret: bytes, make_class: MakeClass
) -> None:
    class_id, trainees = make_class(trainees=1, state="pending")
    token = issue_tokens(any_db, secret, trainees)[trainees[0]]
    assert submit(any_db, secret, token, [(VERSION, {"q1": 1})]) is SubmitResult.NOT_OPEN
    _set_state(any_db, class_id, "closed")
    assert submit(any_db, secret, token, [(VERSION, {"q1": 1})]) is SubmitResult.NOT_OPEN
    assert open_token(any_db, secret, token).status is TokenStatus.LIVE
    assert _count(any_db, PoolEntry) == 0
    assert not _responded(any_db, trainees[0])


def test_submit_unknown_and_malformed(
    any_db: Database, secret: bytes, make_class: MakeClass
) -> None:
    make_class(trainees=1)
    assert submit(any_db, secret, new_token(), [(VERSION, {"q": 1})]) is SubmitResult.UNKNOWN_TOKEN
    assert submit(any_db, secret, "nope", [(VERSION, {"q": 1})]) is SubmitResult.UNKNOWN_TOKEN
    with pytest.raises(TypeError):
        submit(any_db, secret, new_token(), [(VERSION, {"q": 1.5})])  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="version"):
        submit(any_db, secret, new_token(), [("", {"q": 1})])


def test_submit_checks_the_sheets(any_db: Database, secret: bytes, make_class: MakeClass) -> None:
    _, trainees = make_class(trainees=1)
    token = issue_tokens(any_db, secret, trainees)[trainees[0]]
    with pytest.raises(ValueError, match="at least one"):
        submit(any_db, secret, token, [])
    with pytest.raises(ValueError, match="once"):
        submit(any_db, secret, token, [(VERSION, {"q": 1}), (VERSION, {"q": 2})])
    with pytest.raises(ValueError, match="version"):
        submit(any_db, secret, token, [("v" * 101, {"q": 1})])
    assert open_token(any_db, secret, token).status is TokenStatus.LIVE


def test_two_sheets_become_two_unlinked_responses(
    any_db: Database, secret: bytes, make_class: MakeClass
) -> None:
    class_id, trainees = make_class(trainees=1)
    token = issue_tokens(any_db, secret, trainees)[trainees[0]]
    sheets: list[tuple[str, Answers]] = [
        ("satisfaction-v1", {"q1": 4, "comment.best": "住宿很好"}),
        ("teaching-v1", {"teaching.c01.delivery": 5, "comment.best": "老师讲得清楚"}),
    ]
    assert submit(any_db, secret, token, sheets) is SubmitResult.SUBMITTED
    assert _count(any_db, PoolEntry) == 2
    result = release_class(any_db, secret, class_id, TODAY, text_fields=TEXTS, k=1)
    assert (result.responses, result.comments) == (2, 2)
    with any_db.read() as session:
        responses = {
            r.questionnaire_version: r.answers for r in session.execute(select(Response)).scalars()
        }
        comments = {
            c.questionnaire_version: c.text for c in session.execute(select(Comment)).scalars()
        }
    assert responses == {
        "satisfaction-v1": {"q1": 4},
        "teaching-v1": {"teaching.c01.delivery": 5},
    }
    assert comments == {"satisfaction-v1": "住宿很好", "teaching-v1": "老师讲得清楚"}


def test_release_shuffles_splits_and_empties_the_pool(
    any_db: Database, secret: bytes, make_class: MakeClass
) -> None:
    class_id, trainees = make_class(trainees=6)
    other_class, other_trainees = make_class(trainees=2)
    tokens = issue_tokens(any_db, secret, trainees + other_trainees)
    submitted = []
    for index, trainee in enumerate(trainees[:5]):
        answers: Answers = {"q1": index + 1, "multi": ["a", "b"]}
        if index % 2 == 0:
            answers["comment.best"] = f"意见{index}"
        elif index == 1:
            answers["comment.best"] = "   "
        submit(any_db, secret, tokens[trainee], [(VERSION, answers)])
        submitted.append(answers)
    submit(any_db, secret, tokens[other_trainees[0]], [(VERSION, {"q1": 9})])
    save_draft(any_db, secret, tokens[trainees[5]], DEVICE, {"q1": 1})

    result = release_class(any_db, secret, class_id, TODAY, text_fields=TEXTS, k=1)

    assert (result.responses, result.comments, result.scrubbed) == (5, 3, True)
    with any_db.read() as session:
        responses = session.execute(select(Response)).scalars().all()
        comments = session.execute(select(Comment)).scalars().all()
        training_class = session.get(TrainingClass, class_id)
        live = session.get(Token, digest(derive_keys(secret).token_digest, tokens[trainees[5]]))
    assert sorted(r.answers["q1"] for r in responses) == [1, 2, 3, 4, 5]
    assert all(set(r.answers) == {"q1", "multi"} for r in responses)
    assert all(r.answers["multi"] == ["a", "b"] for r in responses)
    assert {(r.class_id, r.questionnaire_version, r.released_on) for r in responses} == {
        (class_id, VERSION, TODAY)
    }
    assert sorted(c.text for c in comments) == ["意见0", "意见2", "意见4"]
    assert {(c.field, c.status, c.redacted_text) for c in comments} == {
        ("comment.best", "pending", None)
    }
    assert len({r.id for r in responses} | {c.id for c in comments}) == 8
    assert training_class is not None
    assert (training_class.state, training_class.released_on) == ("closed", TODAY)
    assert _count(any_db, PoolEntry, class_id=class_id) == 0
    assert _count(any_db, PoolEntry, class_id=other_class) == 1
    assert live is not None
    assert live.draft is None
    assert not live.spent
    # The trainee who did not answer can no longer: the class is closed.
    assert (
        submit(any_db, secret, tokens[trainees[5]], [(VERSION, {"q1": 1})]) is SubmitResult.NOT_OPEN
    )


def test_release_is_idempotent(any_db: Database, secret: bytes, make_class: MakeClass) -> None:
    class_id, trainees = make_class(trainees=1)
    token = issue_tokens(any_db, secret, trainees)[trainees[0]]
    submit(any_db, secret, token, [(VERSION, {"q1": 1})])
    assert release_class(any_db, secret, class_id, TODAY, text_fields=(), k=1).responses == 1
    again = release_class(any_db, secret, class_id, date(2024, 8, 1), text_fields=(), k=1)
    assert (again.responses, again.comments) == (0, 0)
    assert _count(any_db, Response) == 1
    with any_db.read() as session:
        assert session.get(TrainingClass, class_id).released_on == TODAY  # type: ignore[union-attr]


def test_release_of_an_empty_open_class_closes_it(
    any_db: Database, secret: bytes, make_class: MakeClass
) -> None:
    class_id, _ = make_class(trainees=1)
    result = release_class(any_db, secret, class_id, TODAY, text_fields=(), k=1)
    assert (result.responses, result.comments) == (0, 0)
    with any_db.read() as session:
        assert session.get(TrainingClass, class_id).state == "closed"  # type: ignore[union-attr]
    with pytest.raises(UnknownClassError):
        release_class(any_db, secret, 999_999, TODAY, text_fields=(), k=1)


def test_release_with_a_tampered_pool_entry_releases_nothing(
    any_db: Database, secret: bytes, make_class: MakeClass
) -> None:
    class_id, trainees = make_class(trainees=2)
    tokens = issue_tokens(any_db, secret, trainees)
    for trainee in trainees:
        submit(any_db, secret, tokens[trainee], [(VERSION, {"q1": 1})])
    with any_db.write() as session:
        entry = session.execute(select(PoolEntry).limit(1)).scalar_one()
        entry.sealed = entry.sealed[:-1] + bytes([entry.sealed[-1] ^ 1])
    with pytest.raises(SealError):
        release_class(any_db, secret, class_id, TODAY, text_fields=(), k=1)
    assert _count(any_db, Response) == 0
    assert _count(any_db, PoolEntry) == 2
    with any_db.read() as session:
        assert session.get(TrainingClass, class_id).state == "open"  # type: ignore[union-attr]


def test_sqlite_release_turns_secure_delete_back_on(
    any_db: Database, secret: bytes, make_class: MakeClass
) -> None:
    if not any_db.is_sqlite:
        pytest.skip("secure_delete is a SQLite setting")
    class_id, trainees = make_class(trainees=1)
    token = issue_tokens(any_db, secret, trainees)[trainees[0]]
    submit(any_db, secret, token, [(VERSION, {"q1": 1})])
    # Make the pool hold exactly one connection, with secure_delete switched off.
    any_db.dispose()
    with any_db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA secure_delete=OFF")
        assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 0
        connection.rollback()
    release_class(any_db, secret, class_id, TODAY, text_fields=(), k=1)
    with any_db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA secure_delete")).scalar() == 1
        connection.rollback()
