"""The free-text review: publish, hide, redact; originals gone when the review ends; bases see
only published text, only after the review, only with at least k responses."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from anonymity.models import Comment
from questionnaires.expand import Question
from survey.staff.models import AuditEntry
from survey.staff.review import suggest_redaction
from survey.timezone import today_local
from survey.windows import close_class
from tests.databases import stored_bytes
from tests.staff.builders import post_form, submit_for, varied
from tests.staff.conftest import StaffWorld


def talkative(question: Question, person: int) -> list[str]:
    """Answers whose free text names a classmate and a phone number."""
    if question.type == "text":
        return [f"{question.field}：请联系班主任 139 0001 0001，学员0030{person}讲得很好"]
    return varied(question, person)


@pytest.fixture
def reviewed_world(world: StaffWorld) -> StaffWorld:
    """Class B answered by five trainees who wrote comments, then closed."""
    submit_for(world.db, world.secret, world.class_b, world.trainees_b[:5], talkative)
    close_class(world.db, world.secret, world.class_b, today_local(), k=5)
    return world


def comment_ids(world: StaffWorld) -> list[str]:
    with world.db.read() as session:
        return [str(i) for i in session.scalars(select(Comment.id).order_by(Comment.text))]


def test_suggestion_masks_phone_numbers_and_roster_names() -> None:
    text = "王小明老师很好，有事打 13900010001 或 139-0001-0002 或 010-12345678"
    masked = suggest_redaction(text, ["王小明", "李"])
    assert "13900010001" not in masked
    assert "139-0001-0002" not in masked
    assert "010-12345678" not in masked
    assert "王小明" not in masked
    assert "老师很好" in masked  # one-character "names" are not masked


def test_review_publish_hide_redact_and_finish(reviewed_world: StaffWorld) -> None:
    world = reviewed_world
    ids = comment_ids(world)
    texts = {}
    with world.db.read() as session:
        for comment in session.scalars(select(Comment)):
            texts[str(comment.id)] = comment.text
    assert len(ids) >= 5
    with world.client("ministry") as client:
        page = client.get(f"/staff/review/{world.class_b}").text
        # Phone numbers and classmates' names are flagged with a masked suggestion.
        assert "可能含有姓名或手机号" in page
        assert "学员00300" in page
        suggestions = re.findall(r"建议改为：([^<]+)<", page)
        assert suggestions
        assert all("学员003" not in s and "139 0001" not in s for s in suggestions)
        assert page.count('<article class="comment status-pending"') == len(ids)
        review = f"/staff/review/{world.class_b}"
        first, second, *rest = ids
        response = post_form(
            client,
            review,
            f"{review}/comments/{first}",
            {"status": "published", "text": "讲得很好"},
        )
        assert response.status_code == 303
        post_form(client, review, f"{review}/comments/{second}", {"status": "hidden"})
        # Finishing is refused while comments are pending.
        refused = post_form(client, review, f"{review}/finish", {})
        assert refused.status_code == 409
        assert "没有审核" in refused.text
        for comment in rest:
            post_form(
                client,
                review,
                f"{review}/comments/{comment}",
                {"status": "published", "text": texts[comment]},
            )
        with world.db.read() as session:
            redacted = session.get(Comment, __import__("uuid").UUID(first))
            assert redacted is not None
            # During the review the original is still there beside the redaction.
            assert redacted.redacted_text == "讲得很好"
            assert redacted.text == texts[first]
        # Before the review ends, the base sees no comment at all.
    with world.client("base-b") as client:
        page = client.get(f"/staff/classes/{world.class_b}/results").text
        assert "审核结束后显示" in page
    with world.client("ministry") as client:
        finished = post_form(client, review, f"{review}/finish", {})
        assert finished.status_code == 303
        page = client.get(review).text
        assert "审核已于" in page
        assert "<form" not in page.split("<h1>")[1].split("</main>")[0].replace(
            'action="/staff/logout"', ""
        )
        again = post_form(
            client,
            f"/staff/classes/{world.class_b}",
            f"{review}/comments/{first}",
            {"status": "hidden"},
        )
        assert again.status_code == 409
    with world.db.read() as session:
        comments = {str(c.id): c for c in session.scalars(select(Comment))}
    # The original wording of the redacted comment is gone for good.
    assert comments[first].text == "讲得很好"
    assert comments[first].redacted_text is None
    assert all(c.redacted_text is None for c in comments.values())
    assert texts[first] not in {c.text for c in comments.values()}
    # Nor in the database files: not in SQLite's file or write-ahead log, not in PostgreSQL's
    # table files as a dead row version.
    assert texts[first].encode() not in stored_bytes(world.db)
    assert texts[rest[0]].encode() in stored_bytes(world.db)  # the search itself works
    with world.client("base-b") as client:
        page = client.get(f"/staff/classes/{world.class_b}/results").text
    shown = re.findall(r"<li>([^<]+)</li>", page.split('id="comments"')[1])
    assert "讲得很好" in shown
    assert texts[second] not in shown  # hidden
    assert len(shown) == len(ids) - 1
    with world.db.read() as session:
        log = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    assert [e.action for e in log if e.action.startswith("comment_")].count("comment_hide") == 1
    assert any(e.action == "review_finish" for e in log)
    # The log says what was decided, never what a trainee wrote.
    for entry in log:
        assert "139" not in entry.summary
        assert "讲得很好" not in entry.summary


def test_no_comments_below_k_responses(world: StaffWorld) -> None:
    submit_for(world.db, world.secret, world.class_b, world.trainees_b[:4], talkative)
    close_class(world.db, world.secret, world.class_b, today_local(), k=5)
    with world.client("ministry") as client:
        review = f"/staff/review/{world.class_b}"
        for comment in comment_ids(world):
            post_form(client, review, f"{review}/comments/{comment}", {"status": "published"})
        assert post_form(client, review, f"{review}/finish", {}).status_code == 303
    with world.client("base-b") as client:
        page = client.get(f"/staff/classes/{world.class_b}/results").text
    assert "不少于 5 份时显示" in page
    assert '<ul class="comments">' not in page


def test_publish_with_an_emptied_text_is_refused(reviewed_world: StaffWorld) -> None:
    world = reviewed_world
    first = comment_ids(world)[0]
    with world.client("ministry") as client:
        review = f"/staff/review/{world.class_b}"
        response = post_form(
            client, review, f"{review}/comments/{first}", {"status": "published", "text": "  "}
        )
        assert response.status_code == 409
        assert "不能为空" in response.text
        bogus = post_form(client, review, f"{review}/comments/{first}", {"status": "deleted"})
        assert bogus.status_code == 409
